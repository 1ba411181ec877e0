package mastodon

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// plainText turns the HTML of a status into the text its author typed.
// Mastodon's markup is small and regular: paragraphs, line breaks, links,
// mentions (<a class="u-url mention">@<span>user</span></a>) and hashtags
// (<a class="mention hashtag">#<span>tag</span></a>). So:
//
//   - paragraphs become blank-line separated, <br> a line break;
//   - a link becomes its text, including the parts Mastodon hides
//     (<span class="invisible">https://</span>) so URLs come out whole;
//   - mentions and hashtags keep their '@' and '#';
//   - the "RE: link" line Mastodon adds for quote posts is left out;
//   - entities are decoded, runs of spaces collapsed, lines trimmed.
func plainText(content string) string {
	if !utf8.ValidString(content) {
		content = strings.ToValidUTF8(content, "\uFFFD")
	}
	var b strings.Builder
	b.Grow(len(content))
	z := html.NewTokenizer(strings.NewReader(content))
	var (
		skipping  atom.Atom // an element whose text is left out, or 0
		skipDepth int       // how many of it are open
	)
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return tidy(b.String())
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
			if tt == html.StartTagToken && !voidElement(a) && (hiddenElement(a) || (hasAttr && hasClass(z, "quote-inline"))) {
				skipping, skipDepth = a, 1
				continue
			}
			switch a {
			case atom.Br:
				b.WriteByte('\n')
			case atom.P, atom.Blockquote, atom.Pre, atom.Ul, atom.Ol, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
				b.WriteString("\n\n")
			case atom.Li:
				b.WriteString("\n- ")
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			if skipDepth > 0 {
				if a == skipping {
					skipDepth--
				}
				continue
			}
			switch a {
			case atom.P, atom.Blockquote, atom.Pre, atom.Ul, atom.Ol, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
				b.WriteString("\n\n")
			}
		}
	}
}

func hiddenElement(a atom.Atom) bool {
	switch a {
	case atom.Script, atom.Style, atom.Template, atom.Iframe, atom.Object, atom.Svg, atom.Math:
		return true
	}
	return false
}

func voidElement(a atom.Atom) bool {
	switch a {
	case atom.Br, atom.Img, atom.Hr, atom.Input, atom.Meta, atom.Link, atom.Wbr:
		return true
	}
	return false
}

// hasClass reports whether the current tag's class list holds class. It
// consumes the tag's attributes.
func hasClass(z *html.Tokenizer, class string) bool {
	for {
		key, val, more := z.TagAttr()
		if string(key) == "class" {
			for _, c := range strings.Fields(string(val)) {
				if c == class {
					return true
				}
			}
		}
		if !more {
			return false
		}
	}
}

// tidy collapses spaces within lines, trims every line, keeps at most one
// blank line between paragraphs, and drops control characters.
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

func collapseSpaces(s string) string {
	var b strings.Builder
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
