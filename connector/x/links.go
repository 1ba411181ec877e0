package x

import "regexp"

// linkRE finds what X turns into a link (and bills as a post with a URL):
// an address with a scheme, a www. host, or a bare domain with a common
// top-level domain.
var linkRE = regexp.MustCompile(`(?i)\bhttps?://\S+|\bwww\.[a-z0-9-]+\.\S+|\b[a-z0-9][a-z0-9-]*(\.[a-z0-9-]+)*\.(com|net|org|ir|io|co|me|app|shop|store|info|biz|link|ly|gl|xyz)\b(/\S*)?`)

// FindLink returns the first link in text that X would bill as a post
// with a URL, or "". X charges such a post about 13 times a plain one
// (README.md).
func FindLink(text string) string { return linkRE.FindString(text) }
