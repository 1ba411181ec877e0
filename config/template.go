package config

import "strings"

// Variables a reply template may use, filled by core.Expand. A variable
// is written in braces: "Thank you, {author}!". Braces around anything that
// is not a lower-case word are text.
const (
	varAuthor = "author"
	varBrand  = "brand"
	// varCode is the reward code; only private thank-you messages may use
	// it, so that a code is never published.
	varCode = "code"
)

// templateVars lists the variables a template uses, in order.
func templateVars(text string) []string {
	var out []string
	for {
		start, end, name := nextVar(text)
		if start < 0 {
			return out
		}
		out = append(out, name)
		text = text[end:]
	}
}

// nextVar finds the next "{word}" (word: a-z and _) in text and returns its
// byte span and name; start is -1 when there is none.
func nextVar(text string) (start, end int, name string) {
	off := 0
	for {
		i := strings.IndexByte(text[off:], '{')
		if i < 0 {
			return -1, -1, ""
		}
		i += off
		j := i + 1
		for j < len(text) && (text[j] == '_' || text[j] >= 'a' && text[j] <= 'z') {
			j++
		}
		if j > i+1 && j < len(text) && text[j] == '}' {
			return i, j + 1, text[i+1 : j]
		}
		off = i + 1
	}
}
