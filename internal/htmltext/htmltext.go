// Package htmltext turns the HTML that platforms send (a Mastodon status, a
// feed entry's content) into the plain text a person would read: tags
// removed, entities decoded, the text of scripts, styles and similar
// non-prose elements dropped, and white space tidied.
//
// Plain text with a stray '<' or '&' passes through unharmed, invalid UTF-8
// becomes U+FFFD, and zero-width non-joiners (letters' business in Persian)
// are kept. Control characters are dropped.
package htmltext

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Text keeps the shape of the text: paragraphs and other blocks become
// blank-line separated, <br> and table rows a line break, list items lines
// starting with "- ". Runs of spaces are collapsed, lines trimmed, and at
// most one blank line is kept between paragraphs. Links become their text,
// including parts hidden with CSS, so URLs come out whole.
//
// Elements carrying any of dropClasses are left out with all they
// contain.
func Text(fragment string, dropClasses ...string) string {
	return tidy(walk(fragment, false, dropClasses))
}

// Line is Text on one line: block boundaries become spaces, and every run
// of white space (non-breaking spaces and line breaks included) one ASCII
// space.
func Line(fragment string, dropClasses ...string) string {
	return collapseSpaces(walk(fragment, true, dropClasses))
}

// walk writes the text of fragment with the breaks its elements imply:
// spaces when oneLine, else what boundary says.
func walk(fragment string, oneLine bool, dropClasses []string) string {
	if !utf8.ValidString(fragment) {
		fragment = strings.ToValidUTF8(fragment, "\uFFFD")
	}
	var b strings.Builder
	b.Grow(len(fragment))
	brk := func(s string) {
		switch {
		case s == "":
		case oneLine:
			b.WriteByte(' ')
		default:
			b.WriteString(s)
		}
	}
	z := html.NewTokenizer(strings.NewReader(fragment))
	var (
		skipping  atom.Atom // an element whose text is left out, or 0
		skipDepth int       // how many of it are open
	)
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			// io.EOF or a malformed tail: either way we keep what we have.
			return b.String()
		case html.TextToken:
			if skipDepth == 0 {
				b.Write(z.Text())
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			a := atom.Lookup(name)
			if skipDepth > 0 {
				if a == skipping && tt == html.StartTagToken {
					skipDepth++
				}
				continue
			}
			if tt == html.StartTagToken && !void(a) &&
				(hidden(a) || (hasAttr && len(dropClasses) > 0 && hasClass(z, dropClasses))) {
				skipping, skipDepth = a, 1
				continue
			}
			open, _ := boundary(a)
			brk(open)
		case html.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			if skipDepth > 0 {
				if a == skipping {
					skipDepth--
				}
				continue
			}
			_, end := boundary(a)
			brk(end)
		}
	}
}

// boundary says what an element's start and end tags put in the text:
// a paragraph break, a line break, a list item's dash, a space, or nothing
// for inline elements, so "<p>a</p><p>b</p>" does not become "ab". Line
// elements end with a space rather than a second line break, which would
// read as a blank line between rows.
func boundary(a atom.Atom) (open, end string) {
	switch a {
	case atom.Br:
		return "\n", "\n" // </br> is read as <br>
	case atom.Li:
		return "\n- ", " "
	case atom.Tr, atom.Dt, atom.Dd, atom.Figcaption, atom.Summary:
		return "\n", " "
	case atom.Td, atom.Th, atom.Img:
		return " ", " "
	case atom.P, atom.Div, atom.Blockquote, atom.Pre, atom.Hr,
		atom.Ul, atom.Ol, atom.Dl, atom.Table,
		atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6,
		atom.Section, atom.Article, atom.Header, atom.Footer, atom.Aside, atom.Nav, atom.Main,
		atom.Figure, atom.Address, atom.Details:
		return "\n\n", "\n\n"
	}
	return "", ""
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

// void elements have no end tag, so they cannot hold what a drop class
// would leave out.
func void(a atom.Atom) bool {
	switch a {
	case atom.Br, atom.Img, atom.Hr, atom.Input, atom.Meta, atom.Link, atom.Wbr:
		return true
	}
	return false
}

// hasClass reports whether the current tag's class list holds one of
// classes. It consumes the tag's attributes.
func hasClass(z *html.Tokenizer, classes []string) bool {
	for {
		key, val, more := z.TagAttr()
		if string(key) == "class" {
			for _, c := range strings.Fields(string(val)) {
				for _, want := range classes {
					if c == want {
						return true
					}
				}
			}
		}
		if !more {
			return false
		}
	}
}

// tidy collapses spaces within lines, trims every line and keeps at most
// one blank line between paragraphs.
func tidy(s string) string {
	var out []string
	blank := 0
	for _, line := range strings.Split(s, "\n") {
		line = collapseSpaces(line)
		if line == "" {
			blank++
			continue
		}
		if len(out) > 0 && blank > 0 {
			out = append(out, "")
		}
		blank = 0
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}

// collapseSpaces trims s, replaces every run of white space (including the
// non-breaking spaces feeds use liberally) with one ASCII space, and drops
// control characters.
func collapseSpaces(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			space = true
			continue
		case unicode.IsControl(r):
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
