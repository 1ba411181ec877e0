// Package brand decides which posts are about the brand and which come from
// the brand's own accounts. It compares Persian-aware folded text (see
// locale.Fold), so کافه شنوا matches كافه شنوا and کافه‌شنوا's spelling
// with or without ZWNJ, digits and elongation.
package brand

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/locale"
)

// Config lists what identifies the brand.
type Config struct {
	// Keywords are names and phrases ("shenava", "کافه شنوا").
	Keywords []string
	// Hashtags are tags without '#'.
	Hashtags []string
	// Handles are the brand's own accounts per platform, without '@'. A
	// mention of one ("@shenavacoffee") is about the brand; a post by one
	// is never a mention.
	Handles map[core.Platform][]string
	// Exclude drops a post that contains any of these phrases, even when it
	// also names the brand (like X's -"phrase").
	Exclude []string
}

// Validate names empty entries by their YAML key.
func (c Config) Validate() error {
	var errs []error
	check := func(key string, list []string) {
		for i, s := range list {
			if strings.TrimSpace(locale.Fold(strings.TrimLeft(s, "#@"))) == "" {
				errs = append(errs, fmt.Errorf("brand.%s[%d]: empty after normalisation", key, i))
			}
		}
	}
	check("keywords", c.Keywords)
	check("hashtags", c.Hashtags)
	check("exclusions", c.Exclude)
	for p, list := range c.Handles {
		check("handles."+string(p), list)
	}
	if len(c.Keywords)+len(c.Hashtags)+len(c.Handles) == 0 {
		errs = append(errs, errors.New("brand: give at least one keyword, hashtag or handle"))
	}
	return errors.Join(errs...)
}

// Matcher implements the engine's brand filter.
type Matcher struct {
	terms   []term
	exclude []string
	own     map[core.Platform]map[string]bool
}

// term is one folded pattern; latin terms must end at a word boundary,
// Persian ones may carry attached suffixes (شنوارو، شنواها).
type term struct {
	text  string
	latin bool
}

// New folds the configuration once.
func New(c Config) (*Matcher, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	m := &Matcher{own: map[core.Platform]map[string]bool{}}
	add := func(prefix, s string) {
		f := matchForm(strings.TrimLeft(s, "#@"))
		m.terms = append(m.terms, term{text: prefix + f, latin: isLatin(f)})
		// A Persian phrase is also written as one word with ZWNJ, which
		// folding removes: کافه‌شنوا.
		if !isLatin(f) && strings.Contains(f, " ") {
			m.terms = append(m.terms, term{text: prefix + strings.ReplaceAll(f, " ", "")})
		}
	}
	for _, k := range c.Keywords {
		add("", k)
	}
	for _, h := range c.Hashtags {
		add("#", h)
		// Persian tags join words with '_': also match them written apart.
		if strings.Contains(h, "_") {
			add("", strings.ReplaceAll(h, "_", " "))
		}
	}
	for p, list := range c.Handles {
		m.own[p] = map[string]bool{}
		for _, h := range list {
			f := locale.Fold(strings.TrimPrefix(h, "@"))
			m.own[p][f] = true
			add("@", f)
			if local, _, ok := strings.Cut(f, "@"); ok { // Mastodon user@server
				m.own[p][local] = true
				add("@", local)
			}
		}
	}
	for _, x := range c.Exclude {
		m.exclude = append(m.exclude, matchForm(x))
	}
	return m, nil
}

// Own reports whether the post's author is one of the brand's accounts.
func (m *Matcher) Own(p core.Mention) bool {
	handles := m.own[p.Platform]
	if len(handles) == 0 {
		return false
	}
	h := locale.Fold(strings.TrimPrefix(p.Author.Handle, "@"))
	return h != "" && handles[h]
}

// About reports whether the post names the brand and contains no excluded
// phrase.
func (m *Matcher) About(p core.Mention) bool {
	text := matchForm(p.Text)
	for _, x := range m.exclude {
		if strings.Contains(text, x) {
			return false
		}
	}
	for _, t := range m.terms {
		if contains(text, t) {
			return true
		}
	}
	return false
}

// matchForm is the folded text with every run of one letter squeezed to a
// single letter, on both sides of a comparison: "shenavaaaa" and
// "Shenava" meet, and so do "coffee" and "cofee".
func matchForm(s string) string {
	s = locale.Fold(s)
	var b strings.Builder
	b.Grow(len(s))
	var prev rune = -1
	for _, r := range s {
		if r == prev && unicode.IsLetter(r) {
			continue
		}
		b.WriteRune(r)
		prev = r
	}
	return b.String()
}

// contains finds t in text starting at a word boundary (and, for Latin
// terms, ending at one).
func contains(text string, t term) bool {
	for off := 0; off <= len(text)-len(t.text); {
		i := strings.Index(text[off:], t.text)
		if i < 0 {
			return false
		}
		i += off
		end := i + len(t.text)
		if boundaryBefore(text, i, t.text) && (!t.latin || boundaryAfter(text, end)) {
			return true
		}
		_, size := utf8.DecodeRuneInString(text[i:])
		off = i + size
	}
	return false
}

func boundaryBefore(text string, i int, pattern string) bool {
	if i == 0 {
		return true
	}
	r, _ := utf8.DecodeLastRuneInString(text[:i])
	first, _ := utf8.DecodeRuneInString(pattern)
	if first == '#' || first == '@' {
		return !isWord(r) && r != '#' && r != '@'
	}
	return !isWord(r)
}

func boundaryAfter(text string, end int) bool {
	if end >= len(text) {
		return true
	}
	r, _ := utf8.DecodeRuneInString(text[end:])
	return !isWord(r) || !isLatinLetter(r)
}

func isWord(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' }

func isLatinLetter(r rune) bool { return r < 0x250 && unicode.IsLetter(r) }

func isLatin(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) && !isLatinLetter(r) {
			return false
		}
	}
	return true
}
