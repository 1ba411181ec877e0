// Package brand decides which posts are about the brand and which come from
// the brand's own accounts. It compares Persian-aware folded text (see
// locale.Fold), so کافه شنوا matches كافه شنوا and کافه‌شنوا's spelling
// with or without ZWNJ, digits and elongation.
package brand

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/conf"
	"github.com/shenava/shenava/internal/locale"
)

// Config is the brand section of config.yaml: what to listen for, and
// which accounts are the brand's own.
type Config struct {
	// Name is the brand's name as replies write it ({brand}).
	Name string `yaml:"name"`
	// Keywords are names and phrases ("shenava", "کافه شنوا"), matched on
	// folded text.
	Keywords []string `yaml:"keywords"`
	// Hashtags are tags, stored without '#'.
	Hashtags []string `yaml:"hashtags"`
	// Handles are the brand's own accounts per platform, without '@'. A
	// mention of one ("@shenavacoffee") is about the brand; a post by one
	// is never a mention.
	Handles Handles `yaml:"handles"`
	// Exclusions drop a post that contains any of these phrases, even when
	// it also names the brand (like X's -"phrase").
	Exclusions []string `yaml:"exclusions"`
	// Languages limits alerts and thank-yous to mentions in these
	// languages (fa, en, fi, ar, other); empty means every language.
	// Mentions in other languages are still stored and counted.
	Languages []string `yaml:"languages"`
}

// Handles are the brand's own accounts per platform, lower-cased and
// without a leading '@'. Mastodon accounts are "user@server".
type Handles struct {
	X        []string `yaml:"x"`
	Mastodon []string `yaml:"mastodon"`
	Telegram []string `yaml:"telegram"`
}

// For returns the brand's handles on one platform.
func (h Handles) For(p core.Platform) []string {
	switch p {
	case core.PlatformX:
		return h.X
	case core.PlatformMastodon:
		return h.Mastodon
	case core.PlatformTelegram:
		return h.Telegram
	}
	return nil
}

func (h Handles) count() int { return len(h.X) + len(h.Mastodon) + len(h.Telegram) }

// Languages a mention may be limited to.
var knownLangs = []string{core.LangPersian, core.LangEnglish, core.LangFinglish, core.LangArabic, core.LangOther}

// Validate reports every problem at once (a *conf.Error), each naming its
// key under brand. The brand's name is checked by the config package,
// which knows where {brand} is used.
func (c Config) Validate() error { return c.Problems().Err() }

// Problems lists the section's problems, as Validate reports them.
func (c Config) Problems() conf.Problems {
	var ps conf.Problems
	check := func(key string, list []string, oneWord bool) {
		for i, s := range list {
			k := conf.Index(key, i)
			switch {
			case s == "":
				ps.Add(k, "empty entry")
			case oneWord && strings.ContainsFunc(s, conf.IsSpace):
				ps.Add(k, "must be one word without spaces, got %q", s)
			case strings.TrimSpace(locale.Fold(strings.TrimLeft(s, "#@"))) == "":
				ps.Add(k, "%q is empty after normalisation (only marks, spaces or tatweel)", s)
			}
		}
	}
	check("keywords", c.Keywords, false)
	check("hashtags", c.Hashtags, true)
	check("exclusions", c.Exclusions, false)
	check("handles.x", c.Handles.X, true)
	check("handles.mastodon", c.Handles.Mastodon, true)
	check("handles.telegram", c.Handles.Telegram, true)
	for i, h := range c.Handles.Mastodon {
		if user, server, ok := strings.Cut(h, "@"); h != "" && (!ok || user == "" || server == "") {
			ps.Add(conf.Index("handles.mastodon", i), "must be user@server, got %q", h)
		}
	}
	if len(c.Keywords)+len(c.Hashtags)+c.Handles.count() == 0 {
		ps.Add("keywords", "nothing to listen for: list keywords, hashtags or handles")
	}
	for i, l := range c.Languages {
		ps.OneOf(conf.Index("languages", i), l, knownLangs...)
	}
	return ps
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
	for _, p := range core.Platforms {
		list := c.Handles.For(p)
		if len(list) == 0 {
			continue
		}
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
	for _, x := range c.Exclusions {
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
