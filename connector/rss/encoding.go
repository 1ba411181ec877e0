package rss

import (
	"bytes"
	"io"
	"mime"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding/unicode"
)

// xmlDecl finds the encoding pseudo-attribute of an XML declaration at the
// start of a document.
var xmlDecl = regexp.MustCompile(`\A\s*<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']`)

// toUTF8 returns the feed document as UTF-8 with any encoding declaration
// rewritten to UTF-8, so the XML parser never converts a second time.
//
// The encoding is taken, in order, from a byte order mark, the XML
// declaration, and the charset of the Content-Type header. Many feeds
// declare one encoding and send another (typically UTF-8 labelled
// windows-1256 or ISO-8859-1): a body that is already valid UTF-8 is
// therefore kept as it is, whatever it claims. A body that is not UTF-8 and
// names no usable encoding has its invalid bytes replaced by U+FFFD rather
// than losing the whole feed.
func toUTF8(body []byte, contentType string) []byte {
	switch {
	case bytes.HasPrefix(body, []byte("\xef\xbb\xbf")):
		body = body[3:]
	case bytes.HasPrefix(body, []byte("\xfe\xff")), bytes.HasPrefix(body, []byte("\xff\xfe")):
		// ExpectBOM reads the byte order from the mark itself.
		dec := unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder()
		if out, err := dec.Bytes(body); err == nil && utf8.Valid(out) {
			return declareUTF8(out)
		}
	}
	if utf8.Valid(body) {
		return declareUTF8(body)
	}
	for _, label := range []string{declaredEncoding(body), headerCharset(contentType)} {
		if label == "" || isUTF8Label(label) {
			continue
		}
		if out, ok := decode(body, label); ok {
			return declareUTF8(out)
		}
	}
	return declareUTF8(bytes.ToValidUTF8(body, []byte("\uFFFD")))
}

func decode(body []byte, label string) ([]byte, bool) {
	r, err := charset.NewReaderLabel(label, bytes.NewReader(body))
	if err != nil {
		return nil, false
	}
	out, err := io.ReadAll(r)
	if err != nil || !utf8.Valid(out) {
		return nil, false
	}
	return out, true
}

func declaredEncoding(body []byte) string {
	head := body[:min(len(body), 512)]
	if m := xmlDecl.FindSubmatch(head); m != nil {
		return string(m[1])
	}
	return ""
}

func headerCharset(contentType string) string {
	if contentType == "" {
		return ""
	}
	_, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return ""
	}
	return params["charset"]
}

func isUTF8Label(label string) bool {
	l := strings.ToLower(label)
	return l == "utf-8" || l == "utf8"
}

// declareUTF8 rewrites a non-UTF-8 encoding declaration to UTF-8.
func declareUTF8(doc []byte) []byte {
	head := doc[:min(len(doc), 512)]
	loc := xmlDecl.FindSubmatchIndex(head)
	if loc == nil || isUTF8Label(string(doc[loc[2]:loc[3]])) {
		return doc
	}
	out := make([]byte, 0, len(doc))
	out = append(out, doc[:loc[2]]...)
	out = append(out, "UTF-8"...)
	return append(out, doc[loc[3]:]...)
}
