package rss

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// plainText turns an HTML fragment (an entry's content or description) into
// one line of plain text: tags removed, entities decoded, the text of
// scripts, styles and similar non-prose elements dropped, block boundaries
// kept as spaces, and every run of white space collapsed to one space.
// Plain text with stray '<' or '&' passes through unharmed.
func plainText(fragment string) string {
	if !utf8.ValidString(fragment) {
		fragment = strings.ToValidUTF8(fragment, "\uFFFD")
	}
	var b strings.Builder
	b.Grow(len(fragment))
	z := html.NewTokenizer(strings.NewReader(fragment))
	skip := 0 // depth inside elements whose text is not prose
	for {
		switch z.Next() {
		case html.ErrorToken:
			// io.EOF or a malformed tail: either way we keep what we have.
			return collapseSpace(b.String())
		case html.TextToken:
			if skip == 0 {
				b.Write(z.Text())
			}
		case html.StartTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			if hidden(a) {
				skip++
			}
			if breaks(a) {
				b.WriteByte(' ')
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			if hidden(a) && skip > 0 {
				skip--
			}
			if breaks(a) {
				b.WriteByte(' ')
			}
		case html.SelfClosingTagToken:
			name, _ := z.TagName()
			if breaks(atom.Lookup(name)) {
				b.WriteByte(' ')
			}
		}
	}
}

// hidden elements carry no prose a reader would see.
func hidden(a atom.Atom) bool {
	switch a {
	case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Iframe,
		atom.Object, atom.Svg, atom.Math, atom.Head, atom.Select:
		return true
	}
	return false
}

// breaks reports whether the element separates words, so "<p>a</p><p>b</p>"
// becomes "a b" and not "ab".
func breaks(a atom.Atom) bool {
	switch a {
	case atom.Br, atom.P, atom.Div, atom.Li, atom.Ul, atom.Ol, atom.Dl, atom.Dt, atom.Dd,
		atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Blockquote, atom.Pre,
		atom.Hr, atom.Table, atom.Tr, atom.Td, atom.Th, atom.Section, atom.Article,
		atom.Header, atom.Footer, atom.Aside, atom.Figure, atom.Figcaption, atom.Img,
		atom.Address, atom.Nav, atom.Main, atom.Details, atom.Summary:
		return true
	}
	return false
}

// collapseSpace trims s and replaces every run of white space (including
// non-breaking spaces, which feeds use liberally) with one ASCII space. Zero
// width non-joiners are letters' business in Persian and are kept.
func collapseSpace(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) || r == '\u00a0' {
			space = true
			continue
		}
		if r == 0 || (unicode.IsControl(r) && r != '\t') {
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}
