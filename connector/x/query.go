package x

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode"
)

// langRE matches the language codes the lang: operator takes.
var langRE = regexp.MustCompile(`^[a-z]{2,3}$`)

// QueryParts are the brand terms a recent-search query is built from.
type QueryParts struct {
	// Keywords are words or phrases, matched as exact phrases.
	Keywords []string
	// Hashtags are matched with or without the leading #.
	Hashtags []string
	// Handles are accounts whose mentions count (without @).
	Handles []string
	// Exclusions are phrases that disqualify a post.
	Exclusions []string
	// ExcludeFrom is the brand's own handle: its posts are never mentions.
	ExcludeFrom string
	// Lang keeps only posts X tags with this language (lang:fa).
	Lang string
}

// The Persian letters that people also type with their Arabic look-alikes,
// and the zero-width non-joiner that Persian writers use, drop, or replace
// with a space. X matches letters literally, so the query asks for each
// spelling.
const (
	zwnj         = '\u200c'
	persianYeh   = 'ی'
	arabicYeh    = 'ي'
	persianKaf   = 'ک'
	arabicKaf    = 'ك'
	maxQueryTerm = 128
)

// BuildQuery builds an X recent-search query from brand terms. Supported
// syntax, all of it standard X search operators:
//
//	"phrase"        each keyword, always quoted (exact phrase, any script)
//	#tag            each hashtag
//	@handle         each handle (posts mentioning it)
//	( a OR b )      the positive terms, grouped
//	-"phrase"       each exclusion
//	-from:brand     the brand's own posts (ExcludeFrom)
//	-is:retweet     retweets carry no new words
//
// Persian terms are widened to the spellings people really type: Arabic
// yeh/kaf for Persian ی/ک, and with or without the zero-width non-joiner
// (joined, or a space). For example, keywords "shenava" and "شنوا",
// hashtag shenava, handle shenava and exclusion "hearing aid" with
// ExcludeFrom shenava give
//
//	("shenava" OR "شنوا" OR #shenava OR @shenava) -"hearing aid" -from:shenava -is:retweet
//
// Terms holding a double quote, parentheses or (for tags and handles)
// spaces are rejected rather than escaped: X has no escape syntax.
func BuildQuery(p QueryParts) (string, error) {
	var pos, neg []string
	var errs []error
	for _, k := range p.Keywords {
		k = strings.TrimSpace(k)
		if err := checkTerm("keywords", k, false); err != nil {
			errs = append(errs, err)
			continue
		}
		for _, v := range spellings(k) {
			pos = append(pos, `"`+v+`"`)
		}
	}
	for _, h := range p.Hashtags {
		h = strings.TrimPrefix(strings.TrimSpace(h), "#")
		if err := checkTerm("hashtags", h, true); err != nil {
			errs = append(errs, err)
			continue
		}
		for _, v := range spellings(h) {
			if !strings.ContainsRune(v, ' ') {
				pos = append(pos, "#"+v)
			}
		}
	}
	for _, h := range p.Handles {
		h = strings.TrimPrefix(strings.TrimSpace(h), "@")
		if !handleRE.MatchString(h) {
			errs = append(errs, fmt.Errorf("handles: %q is not an X handle (1–15 letters, digits or _)", h))
			continue
		}
		pos = append(pos, "@"+h)
	}
	for _, e := range p.Exclusions {
		e = strings.TrimSpace(e)
		if err := checkTerm("exclusions", e, false); err != nil {
			errs = append(errs, err)
			continue
		}
		for _, v := range spellings(e) {
			neg = append(neg, `-"`+v+`"`)
		}
	}
	if from := strings.TrimPrefix(strings.TrimSpace(p.ExcludeFrom), "@"); from != "" {
		if !handleRE.MatchString(from) {
			errs = append(errs, fmt.Errorf("username: %q is not an X handle", from))
		} else {
			neg = append(neg, "-from:"+from)
		}
	}
	if len(errs) > 0 {
		return "", errors.Join(errs...)
	}
	pos = dedup(pos)
	if len(pos) == 0 {
		return "", errors.New("keywords: no keyword, hashtag or handle to search for")
	}
	neg = append(dedup(neg), "-is:retweet")
	if lang := strings.TrimSpace(p.Lang); lang != "" {
		if !langRE.MatchString(lang) {
			return "", fmt.Errorf("lang: %q is not a language code like fa or en", lang)
		}
		neg = append(neg, "lang:"+lang)
	}
	return "(" + strings.Join(pos, " OR ") + ") " + strings.Join(neg, " "), nil
}

func checkTerm(key, t string, tag bool) error {
	switch {
	case t == "":
		return fmt.Errorf("%s: an entry is empty", key)
	case len(t) > maxQueryTerm:
		return fmt.Errorf("%s: %q is longer than %d bytes", key, t, maxQueryTerm)
	case strings.ContainsAny(t, `"()`):
		return fmt.Errorf("%s: %q holds a double quote or parenthesis, which X search cannot escape", key, t)
	}
	for _, r := range t {
		if unicode.IsControl(r) {
			return fmt.Errorf("%s: %q holds a control character", key, t)
		}
		if tag && (unicode.IsSpace(r) || r == '#' || r == '@') {
			return fmt.Errorf("%s: %q is not a single hashtag", key, t)
		}
	}
	return nil
}

// spellings returns t and the other ways a Persian writer may spell it:
// Persian or Arabic yeh and kaf, and ZWNJ kept, dropped or made a space.
func spellings(t string) []string {
	letters := []string{t}
	if strings.ContainsAny(t, string([]rune{persianYeh, arabicYeh, persianKaf, arabicKaf})) {
		letters = append(letters,
			strings.NewReplacer(string(arabicYeh), string(persianYeh), string(arabicKaf), string(persianKaf)).Replace(t),
			strings.NewReplacer(string(persianYeh), string(arabicYeh), string(persianKaf), string(arabicKaf)).Replace(t))
	}
	var out []string
	for _, l := range letters {
		out = append(out, l)
		if strings.ContainsRune(l, zwnj) {
			out = append(out, strings.ReplaceAll(l, string(zwnj), ""), strings.ReplaceAll(l, string(zwnj), " "))
		}
	}
	return dedup(out)
}

func dedup(in []string) []string {
	seen := make(map[string]bool, len(in))
	out := in[:0:0]
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
