// Package safehtml writes HTML from Go code with the escaping each place in
// a page needs: text and double-quoted attribute values, URL attributes
// (whose unsafe schemes are refused), and the path and query parts of a
// URL. It escapes exactly as html/template does in those contexts, so a
// page written with it reads the same as the template it replaces.
//
// It exists because html/template's executor looks methods up by name
// through reflection, which makes the linker keep every exported method of
// every type in the program; with generated API clients that is tens of
// megabytes of binary.
//
// Markup can only be written from constants: Writer.Markup takes an
// unexported string type, so a string variable (user data) cannot be
// passed to it by mistake. Markup built at run time by trusted code (an
// SVG chart) is an HTML value, converted explicitly as with
// template.HTML.
package safehtml

import (
	"strconv"
	"strings"
)

// HTML is markup from a trusted source, written as it is.
type HTML string

// constant is the type of Markup's argument: only an untyped string
// constant converts to it outside this package.
type constant string

// Filtered replaces a URL whose scheme is not http, https or mailto (a
// javascript: or data: link), as html/template does.
const Filtered = "#ZgotmplZ"

// Writer collects a page. The zero value is ready to use.
type Writer struct {
	b []byte
}

// Markup writes a piece of the page's own markup.
func (w *Writer) Markup(s constant) { w.b = append(w.b, s...) }

// HTML writes trusted markup as it is.
func (w *Writer) HTML(h HTML) { w.b = append(w.b, h...) }

// Text writes s escaped for the text of an element or the value of a
// double-quoted attribute.
func (w *Writer) Text(s string) { w.b = appendEscaped(w.b, s) }

// Int writes a number as text.
func (w *Writer) Int(n int) { w.b = strconv.AppendInt(w.b, int64(n), 10) }

// Uint writes a number as text.
func (w *Writer) Uint(n uint64) { w.b = strconv.AppendUint(w.b, n, 10) }

// URL writes s as the whole value (or its start) of a double-quoted URL
// attribute such as href or action: a URL with any scheme other than
// http, https or mailto becomes Filtered; the rest is percent-encoded
// where it is not a URL's own character, and escaped for the attribute.
func (w *Writer) URL(s string) {
	if !SafeURL(s) {
		s = Filtered
	}
	w.b = appendEscaped(w.b, normalizeURL(s, true))
}

// URLPath writes s inside a URL attribute after its literal start and
// before any '?' ("/case/" + s): as URL, without the scheme check, which
// cannot apply once the URL has begun.
func (w *Writer) URLPath(s string) { w.b = appendEscaped(w.b, normalizeURL(s, true)) }

// URLQuery writes s inside a URL attribute's query or fragment
// ("/reports?days=" + s): every byte that is not unreserved in RFC 3986 is
// percent-encoded, so s stays one value.
func (w *Writer) URLQuery(s string) { w.b = appendEscaped(w.b, normalizeURL(s, false)) }

// Len is the number of bytes written.
func (w *Writer) Len() int { return len(w.b) }

// Bytes is what was written; it aliases the Writer's buffer.
func (w *Writer) Bytes() []byte { return w.b }

// String is what was written.
func (w *Writer) String() string { return string(w.b) }

// Escape is s escaped for text or a double-quoted attribute value: & < > "
// ' and + become character references and NUL becomes U+FFFD.
func Escape(s string) string { return string(appendEscaped(nil, s)) }

// SafeURL reports whether s has no scheme, or http, https or mailto (in
// any case). A colon after a slash starts no scheme ("/a:b").
func SafeURL(s string) bool {
	if scheme, _, ok := strings.Cut(s, ":"); ok && !strings.Contains(scheme, "/") {
		return strings.EqualFold(scheme, "http") || strings.EqualFold(scheme, "https") || strings.EqualFold(scheme, "mailto")
	}
	return true
}

var replacement = [...]string{
	0:    "\uFFFD",
	'"':  "&#34;",
	'&':  "&amp;",
	'\'': "&#39;",
	'+':  "&#43;",
	'<':  "&lt;",
	'>':  "&gt;",
}

func appendEscaped(b []byte, s string) []byte {
	written := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if int(c) >= len(replacement) || replacement[c] == "" {
			continue
		}
		b = append(b, s[written:i]...)
		b = append(b, replacement[c]...)
		written = i + 1
	}
	return append(b, s[written:]...)
}

// normalizeURL percent-encodes the bytes of s that may not stand in a URL
// as they are. With keepReserved, a URL's delimiters (/ ? # & = …) and
// valid %XX escapes are kept: s is (part of) a URL. Without it, s is one
// query value and they are encoded too. Quotes and parentheses are always
// encoded.
func normalizeURL(s string, keepReserved bool) string {
	var b []byte
	written := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			c == '-', c == '.', c == '_', c == '~':
			continue
		case strings.IndexByte("!#$&*+,/:;=?@[]", c) >= 0:
			if keepReserved {
				continue
			}
		case c == '%':
			if keepReserved && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
				continue
			}
		}
		if b == nil {
			b = make([]byte, 0, len(s)+16)
		}
		b = append(b, s[written:i]...)
		b = append(b, '%', hex[c>>4], hex[c&15])
		written = i + 1
	}
	if b == nil {
		return s
	}
	return string(append(b, s[written:]...))
}

const hex = "0123456789abcdef"

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
