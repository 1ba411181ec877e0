package sentiment

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// tokKind says what a token is.
type tokKind uint8

const (
	tWord     tokKind = iota // letters and digits, maybe an inner apostrophe
	tNum                     // digits only (with inner . or ,)
	tEmoji                   // one emoji or other pictographic symbol
	tEmoticon                // :) :( <3 and the Persian ))) smile
	tPunct                   // ! ?! .. , and the like
	tURL                     // a link; text is urlToken or refURLToken
	tUser                    // an @handle; text is userToken
	tHashtag                 // #tag; its parts follow as words
)

// Placeholders Normalize writes for links and handles. They tokenize back
// to themselves, so Normalize is idempotent.
const (
	urlToken    = "<url>"
	refURLToken = "<refurl>" // a link that looks like an invite or referral link
	userToken   = "@user"
)

// token is one unit of normalised text.
type token struct {
	text string
	kind tokKind
	// latin and arabic say which script a word is written in.
	latin, arabic bool
	// neg marks a word inside the scope of a negation.
	neg bool
	// part marks a word that came from splitting a hashtag.
	part bool
}

// Normalize returns text as the model reads it: Fold, plus Persian
// punctuation and typographic quotes mapped to ASCII, links replaced by
// <url> (or <refurl> when the link looks like an invite), @handles by @user,
// emoji, emoticons and punctuation split off as tokens of their own, runs of
// the same punctuation or emoji capped, the Persian verb prefixes می/نمی and
// plural and comparative suffixes joined to their word whether they were
// written with a space, a ZWNJ or nothing. Tokens are separated by one space.
// Normalize is idempotent.
func Normalize(text string) string {
	toks := tokenize(text)
	var b strings.Builder
	b.Grow(len(text))
	for _, t := range toks {
		if t.part {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(t.text)
	}
	return b.String()
}

// tokenize folds text and splits it into tokens, joins Persian affixes and
// marks negation scopes.
func tokenize(text string) []token {
	s := fold(unescape(text), true)
	toks := make([]token, 0, len(s)/4+1)
	for len(s) > 0 {
		i := strings.IndexByte(s, ' ')
		var chunk string
		if i < 0 {
			chunk, s = s, ""
		} else {
			chunk, s = s[:i], s[i+1:]
		}
		toks = appendChunk(toks, chunk)
	}
	toks = joinAffixes(toks)
	markNegation(toks)
	return toks
}

// appendChunk tokenizes one white-space-free chunk.
func appendChunk(toks []token, c string) []token {
	if c == "" {
		return toks
	}
	if c == urlToken || c == refURLToken {
		return append(toks, token{text: c, kind: tURL})
	}
	if isURL(c) {
		t := urlToken
		if isRefURL(c) {
			t = refURLToken
		}
		return append(toks, token{text: t, kind: tURL})
	}
	for len(c) > 0 {
		r, size := utf8.DecodeRuneInString(c)
		switch {
		case (r == '@' || r == '#') && len(c) > 1:
			n := wordLen(c[1:], true)
			if n == 0 { // a lone @ or #
				c = c[1:]
				continue
			}
			body := c[1 : 1+n]
			c = c[1+n:]
			if r == '@' {
				toks = append(toks, token{text: userToken, kind: tUser})
				continue
			}
			toks = append(toks, token{text: "#" + body, kind: tHashtag})
			for p := range strings.SplitSeq(body, "_") {
				if p != "" {
					toks = append(toks, wordToken(p, true))
				}
			}
		case isWordRune(r):
			n := wordLen(c, false)
			toks = append(toks, wordToken(c[:n], false))
			c = c[n:]
		case isEmoji(r):
			// Cap runs of one emoji at two: 😂😂😂😂 → 😂😂.
			k := 0
			for len(c) > 0 {
				r2, s2 := utf8.DecodeRuneInString(c)
				if r2 != r {
					break
				}
				if k < 2 {
					toks = append(toks, token{text: c[:s2], kind: tEmoji})
				}
				k++
				c = c[s2:]
			}
		default:
			if e, n := emoticonAt(c); n > 0 {
				toks = append(toks, token{text: e, kind: tEmoticon})
				c = c[n:]
				continue
			}
			if p, n := punctAt(c); n > 0 {
				if p != "" {
					toks = append(toks, token{text: p, kind: tPunct})
				}
				c = c[n:]
				continue
			}
			c = c[size:] // a stray mark or symbol: dropped
		}
	}
	return toks
}

// wordToken classifies a word by script and digits.
func wordToken(w string, part bool) token {
	t := token{text: w, kind: tNum, part: part}
	for _, r := range w {
		if unicode.IsLetter(r) {
			t.kind = tWord
			if r < 0x250 {
				t.latin = true
			} else if isArabicScript(r) {
				t.arabic = true
			}
			break
		}
	}
	return t
}

// isWordRune reports whether r starts a word.
func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// wordLen returns the byte length of the word at the start of s: letters,
// digits and marks, an apostrophe between two letters (don't), a . or ,
// between two digits (3.5, 1,000), and with underscore also _ (hashtags).
func wordLen(s string, underscore bool) int {
	i := 0
	prev := rune(0)
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
		case unicode.IsMark(r) && i > 0:
		case underscore && r == '_':
		case r == '\'' || r == '.' || r == ',':
			next, _ := utf8.DecodeRuneInString(s[i+size:])
			ok := r == '\'' && unicode.IsLetter(prev) && unicode.IsLetter(next) ||
				r != '\'' && unicode.IsDigit(prev) && unicode.IsDigit(next)
			if !ok {
				return i
			}
		default:
			return i
		}
		prev = r
		i += size
	}
	return i
}

// isEmoji reports whether r is a pictographic symbol worth a token.
func isEmoji(r rune) bool {
	return r >= 0x2190 && (unicode.Is(unicode.So, r) || 0x1F000 <= r && r <= 0x1FAFF)
}

// emoticons, longest first within each leading character; matched on
// lower-cased text.
var emoticons = []string{
	">:(", ":'(", ":-)", ":-(", ":-d", ":-p", ":-/", ":-*", ";-)", "</3",
	":)", ":(", ":d", ":p", ":/", ":|", ":*", ":]", ":[", ":@", ":o", ":\\",
	";)", ";d", ";p", "=)", "=(", "=d", "(:", "):", "<3", "^_^", "^^", "-_-",
}

// emoticonAt returns the canonical emoticon at the start of s and its byte
// length. A run of two or more ')' is the Persian smile and reads as ":)",
// two or more '(' as ":(".
func emoticonAt(s string) (string, int) {
	if len(s) >= 2 && (s[0] == ')' || s[0] == '(') && s[1] == s[0] {
		n := 0
		for n < len(s) && s[n] == s[0] {
			n++
		}
		if s[0] == ')' {
			return ":)", n
		}
		return ":(", n
	}
	for _, e := range emoticons {
		if strings.HasPrefix(s, e) {
			// ":d" and ":p" only when not followed by a letter (":data").
			if len(s) > len(e) && isLatinLetter(s[len(e)]) && isLatinLetter(e[len(e)-1]) {
				continue
			}
			n := len(e)
			// ":)))" is one emoticon.
			last := e[len(e)-1]
			if last == ')' || last == '(' {
				for n < len(s) && s[n] == last {
					n++
				}
			}
			return canonicalEmoticon(e), n
		}
	}
	return "", 0
}

func canonicalEmoticon(e string) string {
	switch e {
	case ":-)", "=)", "(:", ":]", "^_^", "^^":
		return ":)"
	case ":-(", "=(", "):", ":[", ">:(":
		return ":("
	case ":-d", "=d", ";d":
		return ":d"
	case ":-p", ";p":
		return ":p"
	case ":-/", ":\\":
		return ":/"
	case ":-*":
		return ":*"
	case ";-)":
		return ";)"
	}
	return e
}

func isLatinLetter(c byte) bool { return 'a' <= c && c <= 'z' }

// punctAt returns the punctuation token at the start of s and its byte
// length; the token is empty for characters that carry nothing (quotes,
// brackets). Runs of ! and ? become "!", "!!", "?", "??" or "?!"; runs of
// dots become "." or "...".
func punctAt(s string) (string, int) {
	switch s[0] {
	case '!', '?':
		n, bang, ask := 0, 0, 0
		for n < len(s) && (s[n] == '!' || s[n] == '?') {
			if s[n] == '!' {
				bang++
			} else {
				ask++
			}
			n++
		}
		switch {
		case bang > 0 && ask > 0:
			return "?!", n
		case bang > 1:
			return "!!", n
		case bang == 1:
			return "!", n
		case ask > 1:
			return "??", n
		}
		return "?", n
	case '.':
		n := 0
		for n < len(s) && s[n] == '.' {
			n++
		}
		if n > 1 {
			return "...", n
		}
		return ".", n
	case ',', ';', ':':
		return s[:1], 1
	case '"', '\'', '(', ')', '[', ']', '{', '}', '<', '>', '*', '_', '-', '/', '\\', '|', '~', '`', '^', '=', '+':
		return "", 1
	}
	r, size := utf8.DecodeRuneInString(s)
	if unicode.IsPunct(r) || unicode.IsSymbol(r) {
		// Currency, math and other symbols: keep one char, e.g. % $ €.
		if r == '%' || r == '$' || r == '€' || r == '£' {
			return s[:size], size
		}
		return "", size
	}
	return "", 0
}

// isURL reports whether a chunk is a link: a scheme, www., or a host with a
// known top-level domain (snapp.ir/invite/x).
func isURL(c string) bool {
	if strings.HasPrefix(c, "http://") || strings.HasPrefix(c, "https://") || strings.HasPrefix(c, "www.") {
		return true
	}
	host := c
	if i := strings.IndexByte(c, '/'); i > 0 {
		host = c[:i]
	}
	dot := strings.LastIndexByte(host, '.')
	if dot <= 0 || dot == len(host)-1 {
		return false
	}
	for _, r := range host[:dot] {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '.') {
			return false
		}
	}
	switch host[dot+1:] {
	case "com", "ir", "net", "org", "io", "co", "app", "me", "ly", "link", "gl", "to", "shop", "store", "info", "xyz":
		return true
	}
	return false
}

// isRefURL reports whether a link looks like an invite or referral link.
func isRefURL(c string) bool {
	for _, k := range []string{"ref", "invite", "invit", "davat", "promo", "coupon", "code=", "/r/", "/i/", "join", "affiliate"} {
		if strings.Contains(c, k) {
			return true
		}
	}
	return false
}

// Persian suffixes written as separate words ("کتاب ها", "بهتر ین") that
// belong to the word before, and the verb prefixes that belong to the word
// after.
var (
	affixSuffixes = map[string]bool{
		"ها": true, "های": true, "هایی": true, "هام": true, "هات": true, "هاش": true,
		"هامون": true, "هاتون": true, "هاشون": true, "تر": true, "ترین": true,
		"ام": true, "اند": true, "ایم": true, "اید": true,
	}
	affixPrefixes = map[string]bool{"می": true, "نمی": true}
)

// joinAffixes joins Persian verb prefixes and suffixes written apart.
func joinAffixes(toks []token) []token {
	out := toks[:0]
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t.kind == tWord && t.arabic && !t.part {
			if affixPrefixes[t.text] && i+1 < len(toks) && toks[i+1].kind == tWord && toks[i+1].arabic && !toks[i+1].part {
				toks[i+1].text = t.text + toks[i+1].text
				continue
			}
			if affixSuffixes[t.text] && len(out) > 0 {
				p := &out[len(out)-1]
				if p.kind == tWord && p.arabic && !p.part {
					p.text += t.text
					continue
				}
			}
		}
		out = append(out, t)
	}
	return out
}

// unescape decodes the escapes that reach social text from APIs and
// exports: HTML entities (&amp; &lt; &gt; &quot; &#39; &#NNN; &nbsp;) and
// literal \uXXXX sequences.
func unescape(s string) string {
	if !strings.Contains(s, "&") && !strings.Contains(s, "\\u") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		c := s[i]
		if c == '&' {
			if j := strings.IndexByte(s[i:min(len(s), i+10)], ';'); j > 1 {
				if r, ok := entity(s[i+1 : i+j]); ok {
					b.WriteRune(r)
					i += j + 1
					continue
				}
			}
		}
		if c == '\\' && i+6 <= len(s) && s[i+1] == 'u' {
			if v, err := strconv.ParseUint(s[i+2:i+6], 16, 32); err == nil {
				b.WriteRune(rune(v))
				i += 6
				continue
			}
		}
		b.WriteByte(c)
		i++
	}
	return b.String()
}

func entity(name string) (rune, bool) {
	switch name {
	case "amp":
		return '&', true
	case "lt":
		return '<', true
	case "gt":
		return '>', true
	case "quot":
		return '"', true
	case "apos", "#39":
		return '\'', true
	case "nbsp":
		return ' ', true
	}
	if len(name) > 1 && name[0] == '#' {
		var v uint64
		var err error
		if name[1] == 'x' || name[1] == 'X' {
			v, err = strconv.ParseUint(name[2:], 16, 32)
		} else {
			v, err = strconv.ParseUint(name[1:], 10, 32)
		}
		if err == nil && v > 0 && v <= unicode.MaxRune {
			return rune(v), true
		}
	}
	return 0, false
}
