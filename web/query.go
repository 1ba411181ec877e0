package web

import (
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/locale"
)

// Search is a parsed search box: words and "quoted phrases" the text must
// hold, -words it must not, and from:NAME (or @NAME) for the author. Every
// part is folded as the brand matcher folds text (Persian and Arabic
// letter forms, ZWNJ, digits, case), so ي finds ی and ۱۲ finds 12.
type Search struct {
	Terms  []string
	Not    []string
	Author string
}

// maxSearch bounds the search box: longer input is cut.
const (
	maxSearchBytes = 512
	maxSearchTerms = 16
)

// parseSearch reads the search box.
func parseSearch(s string) Search {
	if len(s) > maxSearchBytes {
		cut := maxSearchBytes
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut]
	}
	var q Search
	add := func(raw string, neg bool) {
		f := locale.Fold(raw)
		if f == "" || len(q.Terms)+len(q.Not) >= maxSearchTerms {
			return
		}
		if neg {
			q.Not = append(q.Not, f)
		} else {
			q.Terms = append(q.Terms, f)
		}
	}
	for rest := strings.TrimSpace(s); rest != ""; rest = strings.TrimSpace(rest) {
		neg := false
		if rest[0] == '-' && len(rest) > 1 {
			neg, rest = true, rest[1:]
		}
		if rest[0] == '"' {
			phrase, tail, _ := strings.Cut(rest[1:], `"`)
			add(phrase, neg)
			rest = tail
			continue
		}
		word := rest
		if i := strings.IndexFunc(rest, isSpace); i >= 0 {
			word, rest = rest[:i], rest[i:]
		} else {
			rest = ""
		}
		switch {
		case !neg && strings.HasPrefix(strings.ToLower(word), "from:") && len(word) > 5:
			q.Author = strings.TrimPrefix(locale.Fold(word[5:]), "@")
		case !neg && strings.HasPrefix(word, "@") && len(word) > 1:
			q.Author = locale.Fold(word[1:])
		default:
			add(word, neg)
		}
	}
	return q
}

func isSpace(r rune) bool {
	return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\u00a0' || r == '\u3000'
}

// Empty reports whether the search asks for nothing.
func (q Search) Empty() bool { return len(q.Terms) == 0 && len(q.Not) == 0 && q.Author == "" }

// match reports whether a mention's text and author satisfy the search.
func (q Search) match(m *core.Mention) bool {
	if q.Author != "" {
		if !strings.Contains(locale.Fold(m.Author.Handle), q.Author) && !strings.Contains(locale.Fold(m.Author.Name), q.Author) {
			return false
		}
	}
	if len(q.Terms) == 0 && len(q.Not) == 0 {
		return true
	}
	text := locale.Fold(m.Text)
	for _, t := range q.Terms {
		if !strings.Contains(text, t) {
			return false
		}
	}
	for _, t := range q.Not {
		if strings.Contains(text, t) {
			return false
		}
	}
	return true
}

// Filter is what the inbox and mentions pages are asked to show, read from
// the URL.
type Filter struct {
	State    string // inbox tab: new, claimed, replied, resolved, ignored, doubt
	Platform core.Platform
	Lang     string
	Label    core.Label
	VIP      bool
	Claimed  string
	From, To string // YYYY-MM-DD, local days, both included
	Q        string
	After    string

	search   Search
	from, to time.Time
}

// Inbox tabs, in order.
var tabs = []string{"new", "claimed", "replied", "resolved", "ignored", "doubt"}

// tabStates are the case states each tab lists.
var tabStates = map[string][]core.CaseState{
	"new":      {core.CaseNew, core.CaseAlerted},
	"claimed":  {core.CaseClaimed},
	"replied":  {core.CaseReplied},
	"resolved": {core.CaseResolved},
	"ignored":  {core.CaseIgnored},
}

// parseFilter reads a filter from the query string, dropping what it does
// not understand. Days are in loc.
func parseFilter(v url.Values, loc *time.Location) Filter {
	f := Filter{State: v.Get("state"), Lang: v.Get("lang"), Claimed: v.Get("claimed"), Q: v.Get("q"),
		After: v.Get("after"), VIP: v.Get("vip") == "1"}
	if _, ok := tabStates[f.State]; !ok && f.State != "doubt" {
		f.State = "new"
	}
	if p := core.Platform(v.Get("platform")); p.Valid() {
		f.Platform = p
	}
	if l, err := core.ParseLabel(v.Get("label")); err == nil && v.Get("label") != "" {
		f.Label = l
	}
	switch f.Lang {
	case "", "fa", "en", "fi", "mix":
	default:
		f.Lang = ""
	}
	if len(f.Claimed) > 100 {
		f.Claimed = ""
	}
	if len(f.After) > 200 {
		f.After = ""
	}
	if d, err := time.ParseInLocation(core.DayFormat, v.Get("from"), loc); err == nil {
		f.From, f.from = v.Get("from"), d
	}
	if d, err := time.ParseInLocation(core.DayFormat, v.Get("to"), loc); err == nil {
		f.To, f.to = v.Get("to"), d.AddDate(0, 0, 1)
	}
	f.search = parseSearch(f.Q)
	return f
}

// values writes the filter back as a query string, without the cursor and
// the tab unless asked.
func (f Filter) values(withState bool) url.Values {
	v := url.Values{}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	if withState {
		set("state", f.State)
	}
	set("platform", string(f.Platform))
	set("lang", f.Lang)
	set("label", string(f.Label))
	if f.VIP {
		v.Set("vip", "1")
	}
	set("claimed", f.Claimed)
	set("from", f.From)
	set("to", f.To)
	set("q", f.Q)
	return v
}

// matchMention applies the mention filters.
func (f Filter) matchMention(m *core.Mention, vip int) bool {
	if f.Platform != "" && m.Platform != f.Platform {
		return false
	}
	if f.Lang != "" && langOf(m) != f.Lang {
		return false
	}
	if f.Label != "" && (m.Analysis == nil || m.Analysis.Label != f.Label) {
		return false
	}
	if f.VIP && m.Author.Followers < vip {
		return false
	}
	return f.search.match(m)
}

// matchCase applies the case filters (the label is the corrected one when
// a manager corrected it).
func (f Filter) matchCase(c *core.Case, m *core.Mention, vip int) bool {
	if f.Claimed != "" && c.ClaimedBy != f.Claimed {
		return false
	}
	if f.Label != "" && caseLabel(*c) != f.Label {
		return false
	}
	g := f
	g.Label = ""
	return g.matchMention(m, vip)
}

func caseLabel(c core.Case) core.Label {
	if c.CorrectedLabel != "" {
		return c.CorrectedLabel
	}
	return c.Label
}

func langOf(m *core.Mention) string {
	if m.Analysis != nil {
		return m.Analysis.Lang
	}
	return m.LangHint
}
