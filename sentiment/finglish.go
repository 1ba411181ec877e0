package sentiment

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Transliterate writes Persian text the way people type it in Latin letters
// on Instagram, Telegram and X ("Finglish"): خیلی خوب بود → kheili khoob bood.
//
// Persian script leaves out short vowels, so common words come from a
// built-in table of the spellings people really use, and the rest from
// letter rules that guess the vowels. Latin text, emoji, digits and
// punctuation pass through; Persian and Arabic-Indic digits become ASCII and
// Persian punctuation its Latin counterpart. The result never contains an
// Arabic-script letter.
//
// With r == nil the most common spelling is chosen, deterministically. With
// r, each call samples one writer's habits (oo or u, i or ee, numbers for
// letters such as 3 for ع and 7 for ح, q for ق, a capital first letter,
// stretched words) and a spelling variant per word, so a training set can
// hold several Finglish versions of one sentence. The same seed gives the
// same output.
func Transliterate(fa string, r *rand.Rand) string {
	t := translit{table: finglishTable(), r: r, st: newFinglishStyle(r)}
	toks := tokenizeFa(fa)
	var b strings.Builder
	b.Grow(len(fa))
	for i := 0; i < len(toks); i++ {
		tk := toks[i]
		if !tk.word {
			b.WriteString(tk.text)
			continue
		}
		// "می خوام", "نمی خوام": the verb prefix written apart is joined,
		// as nearly everyone does in Latin letters.
		if (tk.text == "می" || tk.text == "نمی") && i+2 < len(toks) &&
			toks[i+1].text == " " && toks[i+2].word && !t.chance(0.15) {
			b.WriteString(t.word(tk.text + "\u200c" + toks[i+2].text))
			i += 2
			continue
		}
		b.WriteString(t.word(tk.text))
	}
	out := b.String()
	if t.st.capitalize {
		out = capitalizeFirst(out)
	}
	return out
}

// finglishStyle is one writer's habits, sampled once per call.
type finglishStyle struct {
	longU      string // و between consonants: "oo" or "u"
	longI      string // ی between consonants: "i" or "ee"
	alef       string // ا inside a word and آ: "a" or "aa"
	digits     bool   // 3/2 for ع, 7 for ح, 8 for ق, 5 for خ
	q          bool   // q for ق and غ
	finalEh    bool   // final ه as "eh"
	capitalize bool
}

func newFinglishStyle(r *rand.Rand) finglishStyle {
	st := finglishStyle{longU: "oo", longI: "i", alef: "a"}
	if r == nil {
		return st
	}
	if r.Float64() < 0.45 {
		st.longU = "u"
	}
	if r.Float64() < 0.15 {
		st.longI = "ee"
	}
	if r.Float64() < 0.15 {
		st.alef = "aa"
	}
	st.digits = r.Float64() < 0.15
	st.q = r.Float64() < 0.12
	st.finalEh = r.Float64() < 0.12
	st.capitalize = r.Float64() < 0.2
	return st
}

type translit struct {
	table map[string]finglishEntry
	r     *rand.Rand
	st    finglishStyle
}

// chance reports true with probability p, and always false without r.
func (t *translit) chance(p float64) bool {
	return t.r != nil && t.r.Float64() < p
}

// pick returns the most common variant without r; with r the first variant
// half of the time and otherwise any of them.
func (t *translit) pick(vs []string) string {
	if t.r == nil || len(vs) == 1 || t.r.Float64() < 0.5 {
		return vs[0]
	}
	return vs[t.r.IntN(len(vs))]
}

type faToken struct {
	text string
	word bool
}

// tokenizeFa splits s into runs of Arabic-script word characters and
// everything else. Non-word runs are already in their Latin form. Invalid
// UTF-8 is dropped.
func tokenizeFa(s string) []faToken {
	var toks []faToken
	var word, other strings.Builder
	flushWord := func() {
		if word.Len() > 0 {
			toks = append(toks, faToken{text: word.String(), word: true})
			word.Reset()
		}
	}
	flushOther := func() {
		if other.Len() > 0 {
			toks = append(toks, faToken{text: other.String()})
			other.Reset()
		}
	}
	for i := 0; i < len(s); {
		c, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if c == utf8.RuneError && size <= 1 {
			continue
		}
		if isFaWordRune(c) {
			// ZWNJ and tatweel only join letters; at the start of a word
			// they mean nothing.
			if (c == zwnj || c == zwj || c == tatweel) && word.Len() == 0 {
				continue
			}
			flushOther()
			word.WriteRune(c)
			continue
		}
		flushWord()
		if s, ok := latinForm(c); ok {
			other.WriteString(s)
		}
	}
	flushWord()
	flushOther()
	return toks
}

const (
	zwnj    = '\u200c'
	zwj     = '\u200d'
	tatweel = '\u0640'
)

func isFaWordRune(c rune) bool {
	switch {
	case c == zwnj || c == zwj || c == tatweel:
		return true
	case c >= 0x064B && c <= 0x065F, c == 0x0670: // harakat
		return true
	case unicode.Is(unicode.Arabic, c) && unicode.IsLetter(c):
		return true
	}
	return false
}

// latinForm maps a non-word character to what is written in its place:
// digits to ASCII, Persian punctuation to Latin, other Arabic-script and
// invisible formatting characters to nothing.
func latinForm(c rune) (string, bool) {
	switch {
	case c >= '۰' && c <= '۹':
		return string('0' + c - '۰'), true
	case c >= '٠' && c <= '٩':
		return string('0' + c - '٠'), true
	}
	switch c {
	case '،', '٬':
		return ",", true
	case '؛':
		return ";", true
	case '؟':
		return "?", true
	case '٪':
		return "%", true
	case '٫':
		return ".", true
	case '«', '»':
		return "\"", true
	case '۔':
		return ".", true
	case zwnj, zwj, tatweel, '\u200e', '\u200f', '\u061c',
		'\u202a', '\u202b', '\u202c', '\u202d', '\u202e',
		'\u2066', '\u2067', '\u2068', '\u2069':
		return "", false
	}
	if isArabicBlock(c) {
		return "", false
	}
	return string(c), true
}

// isArabicBlock reports whether c is in one of the Unicode blocks of the
// Arabic script, or belongs to the script elsewhere.
func isArabicBlock(c rune) bool {
	switch {
	case c >= 0x0600 && c <= 0x06FF, c >= 0x0750 && c <= 0x077F,
		c >= 0x0870 && c <= 0x08FF, c >= 0xFB50 && c <= 0xFDFF,
		c >= 0xFE70 && c <= 0xFEFF, c >= 0x10E60 && c <= 0x10E7F,
		c >= 0x1EE00 && c <= 0x1EEFF:
		return true
	}
	return unicode.Is(unicode.Arabic, c)
}

// foldFaLetter maps Arabic letter forms to the Persian ones.
func foldFaLetter(c rune) rune {
	switch c {
	case 'ي', 'ى': // Arabic yeh, alef maksura
		return 'ی'
	case 'ك':
		return 'ک'
	case 'ة', 'ۀ', 'ە', 'ھ':
		return 'ه'
	case 'ٱ':
		return 'ا'
	}
	return c
}

// normFa folds a word to Persian letter forms and drops tatweel; joiners
// and diacritics stay, for splitting and vowel hints.
func normFa(w string) []rune {
	rs := make([]rune, 0, len(w)/2)
	for _, c := range w {
		if c == tatweel {
			continue
		}
		rs = append(rs, foldFaLetter(c))
	}
	return rs
}

func isHaraka(c rune) bool { return c >= 0x064B && c <= 0x065F || c == 0x0670 }

// squeezeRunes shortens every run of three or more equal letters to keep
// letters (خیییییلی → خیلی) and reports whether it did.
func squeezeRunes(rs []rune, keep int) ([]rune, bool) {
	out := make([]rune, 0, len(rs))
	stretched := false
	for i := 0; i < len(rs); {
		j := i
		for j < len(rs) && rs[j] == rs[i] {
			j++
		}
		n := j - i
		if n >= 3 && !isHaraka(rs[i]) && rs[i] != zwnj && rs[i] != zwj {
			n, stretched = keep, true
		}
		for range n {
			out = append(out, rs[i])
		}
		i = j
	}
	return out, stretched
}

// squeezePairs shortens every doubled و or ا to one: خووب → خوب. (یی is
// common in writing: جایی, پایین.)
func squeezePairs(rs []rune) []rune {
	out := make([]rune, 0, len(rs))
	for i, c := range rs {
		if i > 0 && c == rs[i-1] && (c == 'و' || c == 'ا') {
			continue
		}
		out = append(out, c)
	}
	return out
}

// keyOf is a word as looked up in the table: no diacritics or joiners,
// hamza-carrying alef and waw as plain letters.
func keyOf(rs []rune) string {
	var b strings.Builder
	for _, c := range rs {
		switch {
		case c == zwnj || c == zwj || c == tatweel || isHaraka(c):
			continue
		case c == 'أ' || c == 'إ' || c == 'ٱ':
			c = 'ا'
		case c == 'ؤ':
			c = 'و'
		}
		b.WriteRune(foldFaLetter(c))
	}
	return b.String()
}

// faKey is the table form of a written word.
func faKey(w string) string {
	sq, _ := squeezeRunes(normFa(w), 1)
	return keyOf(sq)
}

// word transliterates one Persian word, which may hold ZWNJ-joined parts.
func (t *translit) word(w string) string {
	rs := normFa(w)
	sq, stretched := squeezeRunes(rs, 1)
	if stretched {
		// ممممنون is ممنون, not منون.
		if _, ok := t.table[keyOf(sq)]; !ok {
			if sq2, _ := squeezeRunes(rs, 2); t.table[keyOf(sq2)].variants != nil {
				sq = sq2
			}
		}
	}
	key := keyOf(sq)
	if key == "" {
		return ""
	}
	if _, ok := t.table[key]; !ok {
		// خووب, خیلیی: a doubled letter is a stretch when the word then
		// is one people write.
		if sq2 := squeezePairs(sq); len(sq2) < len(sq) {
			if e, ok := t.table[keyOf(sq2)]; ok && !e.stem {
				sq, key, stretched = sq2, keyOf(sq2), true
			}
		}
	}
	var out string
	emphatic := false
	if e, ok := t.table[key]; ok && !e.stem {
		out, emphatic = t.pick(e.variants), e.emphatic
	} else {
		var b strings.Builder
		for i, p := range splitJoiners(sq) {
			k := keyOf(p)
			if s, ok := joinedSuffixes[k]; ok && i > 0 {
				prev := b.String()
				if strings.HasSuffix(prev, "e") && s[0] == 'a' {
					// قهوه‌اش → ghahvash, خسته‌ام → khastam, هفته‌ست → haftast
					b.Reset()
					b.WriteString(prev[:len(prev)-1])
				}
				if s == "i" && strings.HasSuffix(prev, "e") {
					s = "ye" // خونه‌ی → khooneye
				}
				b.WriteString(s)
				continue
			}
			b.WriteString(t.piece(p, k))
		}
		out = b.String()
	}
	switch {
	case stretched:
		n := 3
		if t.r != nil {
			n = 2 + t.r.IntN(5)
		}
		out = stretch(out, n)
	case emphatic && t.chance(0.1):
		out = stretch(out, 2+t.r.IntN(5))
	}
	return out
}

// splitJoiners splits a word at ZWNJ and ZWJ: می‌خورم → می, خورم.
func splitJoiners(rs []rune) [][]rune {
	var parts [][]rune
	start := 0
	for i, c := range rs {
		if c == zwnj || c == zwj {
			if i > start {
				parts = append(parts, rs[start:i])
			}
			start = i + 1
		}
	}
	if start < len(rs) {
		parts = append(parts, rs[start:])
	}
	return parts
}

// joinedSuffixes are the endings written after a ZWNJ.
var joinedSuffixes = map[string]string{
	"ست": "ast", "س": "as", "ام": "am", "اش": "ash", "ات": "at",
	"ای": "i", "ایم": "im", "اید": "id", "این": "in", "ی": "i",
	"ها": "ha", "های": "haye", "هایی": "hai", "هاش": "hash", "هام": "ham",
	"هات": "hat", "هامون": "hamoon", "هاتون": "hatoon", "هاشون": "hashoon",
	"تر": "tar", "ترین": "tarin", "رو": "ro", "و": "o",
}

// verbPrefixes are written joined in Latin letters: نمی‌خوام → nemikham.
var verbPrefixes = [...]struct{ fa, fi string }{
	{"نمی", "nemi"},
	{"می", "mi"},
}

// suffixes that attach to a word found in the table: سفارشم → sefaresham.
// Longest first. The first form follows a consonant, the second a vowel.
var faSuffixes = [...]struct{ fa, afterC, afterV string }{
	{"هامون", "hamoon", "hamoon"},
	{"هاتون", "hatoon", "hatoon"},
	{"هاشون", "hashoon", "hashoon"},
	{"ترین", "tarin", "tarin"},
	{"های", "haye", "haye"},
	{"هام", "ham", "ham"},
	{"هات", "hat", "hat"},
	{"هاش", "hash", "hash"},
	{"هارو", "haro", "haro"},
	{"مون", "emoon", "moon"},
	{"تون", "etoon", "toon"},
	{"شون", "eshoon", "shoon"},
	{"ها", "ha", "ha"},
	{"تر", "tar", "tar"},
	{"رو", "ro", "ro"},
	{"ام", "am", "am"},
	{"اش", "ash", "ash"},
	{"یم", "im", "yim"},
	{"ید", "id", "yid"},
	{"ین", "in", "yin"},
	{"مو", "amo", "mo"},
	{"تو", "eto", "to"},
	{"شو", "esho", "sho"},
	{"م", "am", "m"},
	{"ت", "et", "t"},
	{"ش", "esh", "sh"},
	{"ه", "e", "ye"},
	{"ی", "i", "ye"},
	{"و", "o", "ro"},
}

// piece transliterates a word without joiners; key is its table form.
func (t *translit) piece(raw []rune, key string) string {
	if e, ok := t.table[key]; ok && !e.stem {
		return t.pick(e.variants)
	}
	for _, p := range verbPrefixes {
		if rest, ok := strings.CutPrefix(key, p.fa); ok && utf8.RuneCountInString(rest) >= 2 {
			if e, ok := t.table[rest]; ok {
				return p.fi + t.pick(e.variants)
			}
			return p.fi + t.letters([]rune(rest))
		}
	}
	for _, s := range faSuffixes {
		stem, ok := strings.CutSuffix(key, s.fa)
		// Short stems make false splits (راه is not را + ه).
		minStem := 2
		if utf8.RuneCountInString(s.fa) == 1 {
			minStem = 3
		}
		if !ok || utf8.RuneCountInString(stem) < minStem {
			continue
		}
		e, ok := t.table[stem]
		if !ok || e.stem {
			continue
		}
		base := t.pick(e.variants)
		if endsInVowel(base) {
			return base + s.afterV
		}
		return base + s.afterC
	}
	if stem, ok := strings.CutSuffix(key, "ها"); ok && utf8.RuneCountInString(stem) >= 2 {
		return t.letters([]rune(stem)) + "ha"
	}
	if stem, ok := strings.CutSuffix(key, "های"); ok && utf8.RuneCountInString(stem) >= 2 {
		return t.letters([]rune(stem)) + "haye"
	}
	return t.letters(raw)
}

func endsInVowel(s string) bool {
	if s == "" {
		return false
	}
	switch s[len(s)-1] {
	case 'a', 'e', 'i', 'o', 'u':
		return true
	}
	return false
}

// seg is one sound of a word spelled letter by letter.
type seg struct {
	text  string
	vowel bool
}

// letters spells a word letter by letter, guessing the short vowels that
// Persian script leaves out from the shape of Persian syllables.
func (t *translit) letters(rs []rune) string {
	isVowelLetter := func(c rune) bool {
		switch c {
		case 'ا', 'آ', 'و', 'ی', 'أ', 'إ':
			return true
		}
		return false
	}
	// at returns the letter at i, skipping diacritics, or 0.
	at := func(i int) rune {
		for ; i >= 0 && i < len(rs); i++ {
			if !(rs[i] >= 0x064B && rs[i] <= 0x065F) && rs[i] != 0x0670 {
				return rs[i]
			}
		}
		return 0
	}
	var segs []seg
	prevVowel := func() bool { return len(segs) > 0 && segs[len(segs)-1].vowel }
	first := true
	for i := 0; i < len(rs); i++ {
		c := rs[i]
		next := at(i + 1)
		last := next == 0
		var prev rune
		for j := i - 1; j >= 0; j-- {
			if !(rs[j] >= 0x064B && rs[j] <= 0x065F) && rs[j] != 0x0670 {
				prev = rs[j]
				break
			}
		}
		isFirst := first
		switch {
		case c >= 0x064B && c <= 0x065F || c == 0x0670:
			switch c {
			case 0x064E: // fatha
				segs = append(segs, seg{"a", true})
			case 0x0650: // kasra
				segs = append(segs, seg{"e", true})
			case 0x064F: // damma
				segs = append(segs, seg{"o", true})
			case 0x064B: // tanwin fath: حتماً
				segs = append(segs, seg{"n", false})
			}
			continue
		}
		first = false
		switch c {
		case 'آ':
			segs = append(segs, seg{t.st.alef, true})
		case 'ا', 'أ', 'إ':
			switch {
			case isFirst && next == 'و':
				segs = append(segs, seg{t.st.longU, true})
				i++
			case isFirst && next == 'ی':
				segs = append(segs, seg{"i", true})
				i++
			case isFirst && c == 'إ':
				segs = append(segs, seg{"e", true})
			case isFirst:
				segs = append(segs, seg{"a", true})
			default:
				segs = append(segs, seg{t.st.alef, true})
			}
		case 'و':
			switch {
			case isFirst:
				segs = append(segs, seg{"v", false})
			case prev == 'خ' && next == 'ا':
				// silent و: خواب → khab
			case prevVowel():
				segs = append(segs, seg{"v", false})
			case next == 'ا' || next == 'آ' || next == 'ی' && !last && at(i+2) != 0:
				segs = append(segs, seg{"v", false})
			case last:
				segs = append(segs, seg{"o", true})
			case prev == 'خ':
				segs = append(segs, seg{"o", true})
			default:
				segs = append(segs, seg{t.st.longU, true})
			}
		case 'ی':
			switch {
			case isFirst:
				segs = append(segs, seg{"y", false})
			case prevVowel():
				segs = append(segs, seg{"y", false})
			default:
				segs = append(segs, seg{t.st.longI, true})
			}
		case 'ه':
			switch {
			case last && !isFirst && prev != 'ا' && prev != 'آ' && prev != 'و':
				if t.st.finalEh {
					segs = append(segs, seg{"eh", true})
				} else {
					segs = append(segs, seg{"e", true})
				}
			default:
				segs = append(segs, seg{"h", false})
			}
		case 'ع':
			switch {
			case t.st.digits && t.chance(0.7):
				d := "3"
				if t.chance(0.3) {
					d = "2"
				}
				segs = append(segs, seg{d, false})
			case isFirst:
				// عالی → aali, علی → ali
				segs = append(segs, seg{"a", true})
			case last:
				// شروع → shoroo, جمع → jam
			case isVowelLetter(next):
				// بعید → ba'id, سعی → sa'i
				segs = append(segs, seg{"'", false})
			default:
				segs = append(segs, seg{"a", true})
			}
		case 'ء':
			if !last && !isFirst {
				segs = append(segs, seg{"'", false})
			}
		case 'ئ':
			segs = append(segs, seg{"e", true})
		case 'ؤ':
			segs = append(segs, seg{"o", true})
		case 'ح':
			if t.st.digits && t.chance(0.6) {
				segs = append(segs, seg{"7", false})
			} else {
				segs = append(segs, seg{"h", false})
			}
		case 'خ':
			switch {
			case t.st.digits && t.chance(0.15):
				segs = append(segs, seg{"5", false})
			case t.chance(0.03):
				segs = append(segs, seg{"x", false})
			default:
				segs = append(segs, seg{"kh", false})
			}
		case 'ق':
			switch {
			case t.st.digits && t.chance(0.2):
				segs = append(segs, seg{"8", false})
			case t.st.q:
				segs = append(segs, seg{"q", false})
			default:
				segs = append(segs, seg{"gh", false})
			}
		case 'غ':
			if t.st.q {
				segs = append(segs, seg{"q", false})
			} else {
				segs = append(segs, seg{"gh", false})
			}
		default:
			if s, ok := faConsonants[c]; ok {
				segs = append(segs, seg{s, false})
			}
			// any other Arabic-script letter is dropped
		}
	}
	return joinSegs(insertVowels(segs))
}

var faConsonants = map[rune]string{
	'ب': "b", 'پ': "p", 'ت': "t", 'ث': "s", 'ج': "j", 'چ': "ch",
	'د': "d", 'ذ': "z", 'ر': "r", 'ز': "z", 'ژ': "zh", 'س': "s",
	'ش': "sh", 'ص': "s", 'ض': "z", 'ط': "t", 'ظ': "z", 'ف': "f",
	'ک': "k", 'گ': "g", 'ل': "l", 'م': "m", 'ن': "n",
	// letters of neighbouring languages that turn up in Persian posts
	'ڤ': "v", 'ڕ': "r", 'ڵ': "l", 'ۆ': "o", 'ێ': "e", 'ے': "e",
	'ٹ': "t", 'ڈ': "d", 'ں': "n", 'ڑ': "r", 'ٺ': "t",
}

// goodCodas are the final two-consonant clusters kept as they are
// (کارت kart, دوست doost, درد dard); any other final pair gets a vowel
// between (سفارش sefaresh).
var goodCodas = map[string]bool{
	"rt": true, "rd": true, "rf": true, "rm": true, "rz": true, "rg": true,
	"rk": true, "rs": true, "rch": true, "rj": true, "rb": true, "rsh": false,
	"st": true, "sht": true, "ft": true, "kht": true, "nd": true, "ng": true,
	"nj": true, "nz": true, "nt": true, "zd": true, "sk": true, "shk": true,
	"hr": true, "hd": true, "ht": true, "bt": true, "kr": true,
	"ks": true, "ghl": true, "fr": true, "shgh": true,
	"lb": true, "ld": true, "lt": true, "lk": true, "mt": true,
	"mz": true, "gh": false, "bz": true, "bs": true, "tr": true, "ghr": true,
	"ghd": true, "ghf": true, "zr": true, "lf": true, "hn": true,
	"khs": true, "dr": true,
}

// insertVowels adds the short vowels Persian script leaves out: a word does
// not start with two consonants, three never meet, and a word ends in at
// most two.
func insertVowels(segs []seg) []seg {
	if len(segs) == 0 {
		return segs
	}
	out := make([]seg, 0, len(segs)+4)
	firstVowel := -1
	for i, s := range segs {
		if s.vowel {
			firstVowel = i
			break
		}
	}
	// Leading consonants: a vowel after the first one.
	if firstVowel == -1 {
		firstVowel = len(segs)
	}
	if firstVowel >= 2 {
		v := "a"
		if segs[0].text == "b" {
			v = "e" // بخرید bekharid, ببین bebin
		}
		out = append(out, segs[0], seg{v, true})
		segs = segs[1:]
	}
	// Clusters of three or more consonants inside the word: a vowel
	// before the last of them (VCC.CV).
	run := 0
	for i, s := range segs {
		if s.vowel {
			run = 0
			out = append(out, s)
			continue
		}
		run++
		rest := false
		for _, n := range segs[i+1:] {
			if n.vowel {
				rest = true
				break
			}
		}
		if run >= 3 && rest {
			out = append(out, seg{"a", true})
			run = 1
		}
		out = append(out, s)
	}
	// Final consonants: keep a good pair; otherwise a vowel before the last.
	n := len(out)
	tail := 0
	for i := n - 1; i >= 0 && !out[i].vowel; i-- {
		tail++
	}
	if tail >= 3 || tail == 2 && n > 2 && !goodCodas[out[n-2].text+out[n-1].text] && !digitSeg(out[n-2]) && !digitSeg(out[n-1]) {
		v := seg{"e", true}
		if tail >= 3 || n == 2 || out[n-1].text == "m" {
			v = seg{"a", true} // ندیدم nadidam
		}
		out = append(out[:n-1], v, out[n-1])
	}
	return out
}

func digitSeg(s seg) bool {
	return s.text == "'" || len(s.text) == 1 && s.text[0] >= '0' && s.text[0] <= '9'
}

func joinSegs(segs []seg) string {
	var b strings.Builder
	for _, s := range segs {
		b.WriteString(s.text)
	}
	return b.String()
}

// stretch repeats the last vowel of a word n more times: kheili → kheiliii.
func stretch(s string, n int) string {
	idx := -1
	for i := len(s) - 1; i >= 0; i-- {
		switch s[i] {
		case 'a', 'e', 'i', 'o', 'u':
			idx = i
		}
		if idx >= 0 {
			break
		}
	}
	if idx < 0 {
		if s == "" {
			return s
		}
		idx = len(s) - 1
		if s[idx] >= utf8.RuneSelf {
			return s
		}
	}
	return s[:idx+1] + strings.Repeat(s[idx:idx+1], n) + s[idx+1:]
}

// capitalizeFirst capitalises a text that starts with a Latin letter, as
// phone keyboards do.
func capitalizeFirst(s string) string {
	t := strings.TrimLeft(s, " ")
	if t == "" || t[0] < 'a' || t[0] > 'z' {
		return s
	}
	i := len(s) - len(t)
	return s[:i] + string(t[0]-'a'+'A') + s[i+1:]
}

// finglishEntry is one table word: its spellings, most common first.
type finglishEntry struct {
	variants []string
	emphatic bool // people stretch it: kheiliiii, merciiii
	stem     bool // a verb stem after می/نمی, not a word on its own
}

var finglishTable = sync.OnceValue(func() map[string]finglishEntry {
	m, err := parseFinglishTable(finglishWords)
	if err != nil {
		panic(err) // the table is source code; TestFinglishTable checks it
	}
	return m
})

// parseFinglishTable reads lines "word = variant | variant": a leading *
// marks a word people stretch, a leading - a verb stem that follows می/نمی.
func parseFinglishTable(src string) (map[string]finglishEntry, error) {
	m := make(map[string]finglishEntry, 1024)
	for n, line := range strings.Split(src, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			return nil, fmt.Errorf("finglish table line %d: no '=' in %q", n+1, line)
		}
		k = strings.TrimSpace(k)
		var e finglishEntry
		if rest, ok := strings.CutPrefix(k, "*"); ok {
			e.emphatic, k = true, rest
		}
		if rest, ok := strings.CutPrefix(k, "-"); ok {
			e.stem, k = true, rest
		}
		if key := faKey(k); key != k || k == "" {
			return nil, fmt.Errorf("finglish table line %d: key %q is not in table form %q", n+1, k, key)
		}
		if _, dup := m[k]; dup {
			return nil, fmt.Errorf("finglish table line %d: %q listed twice", n+1, k)
		}
		for _, s := range strings.Split(v, "|") {
			s = strings.TrimSpace(s)
			if s == "" {
				return nil, fmt.Errorf("finglish table line %d: empty spelling for %q", n+1, k)
			}
			for _, c := range s {
				if c >= utf8.RuneSelf {
					return nil, fmt.Errorf("finglish table line %d: spelling %q of %q is not ASCII", n+1, s, k)
				}
			}
			if slices.Contains(e.variants, s) {
				return nil, fmt.Errorf("finglish table line %d: spelling %q of %q listed twice", n+1, s, k)
			}
			e.variants = append(e.variants, s)
		}
		m[k] = e
	}
	return m, nil
}

// finglishWords is the spelling table of Transliterate: the words people
// write most in brand mentions and everyday posts, each with the Latin
// spellings seen in use, most common first. "*" marks words people
// stretch (kheiliiii), "-" a verb stem used only after می/نمی. Keys are in
// table form: Persian letters, no ZWNJ (نمی‌خوام is نمیخوام).
const finglishWords = `
# pronouns and people
من = man
*تو = to | too | tu
او = oo | u | o
اون = oon | un | on
ما = ma
شما = shoma | shuma
اونا = oona | una | ona
اینا = ina | inaa
ایشون = ishoon | ishun
خودم = khodam | khodm
خودت = khodet | khodt
خودش = khodesh
خودمون = khodemoon | khodemun
خودتون = khodetoon | khodetun
خودشون = khodeshoon | khodeshun
منو = mano | menu
تورو = toro | too ro
مارو = maro
شمارو = shomaro | shoma ro
بهم = behem | bem
بهت = behet | bet
بهش = behesh | besh
بهمون = behemoon | behemun
بهتون = behetoon | behetun | betoon
بهشون = beheshoon | beheshun
باهام = baham
باهات = bahat
باهاش = bahash
باهم = baham | ba ham
باهاتون = bahatoon | bahatun
باهاشون = bahashoon | bahashun
کسی = kasi
هیچکس = hichkas
هیچکی = hichki
همه = hame | hameh
همتون = hametoon | hametun
همشون = hameshoon | hameshun
بقیه = baghie | baghiye | baqie
مردم = mardom
دوست = doost | dust
دوستم = doostam | dustam
دوستام = doostam | dustam | doostaam
دوستامم = doostamam | dustamam
دوستان = doostan | dustan
رفیق = rafigh | rafiq
رفیقم = rafigham | rafiqam
رفیقام = rafigham | rafighaam | rafiqam
داداش = dadash | dadaash
داداشم = dadasham
آبجی = abji | aabji
آبجیم = abjim
خواهرم = khaharam | khaharm
برادرم = baradaram
مامانم = mamanam | maamaanam
بابام = babam | baabaam
همکارام = hamkaram | hamkaraam
همکارم = hamkaram
خانواده = khanevade | khanevadeh
خانوادم = khanevadam
عزیزم = azizam | 3azizam
عزیز = aziz
عزیزان = azizan
*جان = jan | joon
*جون = joon | jun
آقا = agha | aqa | aghaa
خانم = khanom | khanum
خانوم = khanoom | khanum

# small words
و = va | o
که = ke | k | keh
به = be | b
با = ba
از = az
در = dar
تا = ta
رو = ro | roo | ru
را = ra
برای = baraye | baraie | bara
برا = bara | baraa
واسه = vase | vaseh | vasse
واسم = vasam | vasm
واست = vasat
واسش = vasash
واسمون = vasamoon | vasamun
این = in
اینم = inam
اینجا = inja | injaa
اونجا = oonja | unja | onja
اینجوری = injoori | injuri
اونجوری = oonjoori | unjuri
اینقدر = inghadr | inqadr | enghadr
اینقد = inghad | inqad
چی = chi
چیه = chie | chiye | chiyeh
چیو = chio | chiro
*چرا = chera | chra
چطور = chetor | chetoor | chetour
چطوری = chetori | chetoori
کی = ki | kei
کجا = koja | kuja
کجاست = kojast
کجاس = kojas
کجایی = kojai | kojaei
چند = chand
چندتا = chandta | chand ta
چقدر = cheghadr | cheqadr | cheghad
چقد = cheghad | cheqad
چون = chon | choon | chun
چونکه = chonke | choonke
ولی = vali | vly | vli
اما = ama | amma
اگه = age | ageh | ag
اگر = agar
یا = ya
هم = ham
همش = hamash | hamesh
همین = hamin
همون = hamoon | hamun
هیچ = hich
هیچی = hichi
هیچوقت = hichvaght | hichvaqt | hich vaght
همیشه = hamishe | hamisheh
دیگه = dige | digeh | dg
دیگهای = dige'i
الان = alan | alaan | lan
هنوز = hanooz | hanuz
هنوزم = hanoozam | hanuzam
تازه = taze | tazeh
فقط = faghat | faqat | fght
*خیلی = kheili | kheyli | khili | kheily | khaili
خیلیا = kheilia | kheyliya | khilia
زیاد = ziad | ziyad
کم = kam
یکم = yekam | ye kam | ykm
یه = ye | ie | yeh
یک = yek | yk
یکی = yeki | yki
دو = do
سه = se
چهار = chahar | char
پنج = panj
شیش = shish
هفت = haft
ده = dah | deh
بیست = bist
صد = sad
هزار = hezar
تومن = toman | tomn
تومان = toman
ریال = rial
نه = na | nah
*آره = are | areh | aare | ari
آرع = are | aare
بله = bale | baleh
نخیر = nakheir | nakhir
باشه = bashe | basheh
حتما = hatman | hatmn | 7atman
*واقعا = vaghean | vaghan | vagheAn | vaqean | vaghe3an
اصلا = asan | aslan | asln | asaln
اصن = asan | asn
کاملا = kamelan
دقیقا = daghighan | daqiqan
شاید = shayad | shaayad
لطفا = lotfan | lutfan | ltfn
*مرسی = merci | mersi | mrc | mrsi
*ممنون = mamnoon | mamnun | mmnon | mamnon
*ممنونم = mamnoonam | mamnunam | mamnonam
*متشکرم = moteshakeram | mchkrm | mamnoon
*سلام = salam | slm | salaam
خداحافظ = khodahafez | khdhfz | bye
خداییش = khodayish | khodaeesh
خدایی = khodayi | khodaei | khodai
*بخدا = bekhoda | be khoda | bekhda
والا = vala | valla | vallah
جدی = jedi | jeddi
جدا = jodan | jedan
کاش = kash | kaash
ایکاش = ey kash | ikash
پس = pas
بعد = bad | baad | ba3d | ba'd
بعدش = badesh | ba3desh
قبل = ghabl | qabl
قبلا = ghablan | qablan
تازگیا = tazegia | tazegiya
اخیرا = akhiran
مگه = mage | mageh
مگر = magar
انگار = engar | angar
یعنی = yani | ya3ni | ya'ni
البته = albate | albatte
حداقل = hadeaghal | 7adeaghal
حتی = hata | hatta
هر = har
هرکی = harki
هرچی = harchi
هرروز = har rooz | harrooz
هروقت = harvaght | har vaght
وقتی = vaghti | vaqti
وقت = vaght | vaqt
بین = bein | beyn
روی = rooye | ruye | roo
زیر = zir
توی = tooye | tuye | toye
بالا = bala | baala
پایین = paeen | payin | paain
جلو = jolo | jeloo
پشت = posht
کنار = kenar
طرف = taraf
سمت = samt

# time
امروز = emrooz | emruz
دیروز = dirooz | diruz
فردا = farda
دیشب = dishab
امشب = emshab
صبح = sob | sobh
ظهر = zohr
شب = shab
روز = rooz | ruz
روزه = rooze | ruze
هفته = hafte | hafteh
هفتس = haftas
ماه = mah | maah
ماهه = mahe | maahe
سال = sal | saal
ساعت = saat | sa3at | sa'at
ساعته = saate | sa3ate
دقیقه = daghighe | daqiqe
دقیقس = daghighas
ثانیه = sanie | saniye
بار = bar
دفعه = dafe | daf'e | daf3e
دفعهی = dafeye
اول = aval | avval
اولین = avalin | avvalin
آخر = akhar | aakhar
آخرین = akharin
آخرش = akharesh
دیر = dir
*زود = zood | zud
زودتر = zoodtar | zudtar
دیرتر = dirtar
سریع = sari | sari3 | saree
سریعتر = saritar | sari3tar
فوری = fori | foori
یهو = yeho | yehoo | yhoo

# feelings and judgements
*خوب = khoob | khub | khob
*خوبه = khoobe | khube | khobe | khoobeh
خوبی = khoobi | khubi
خوبید = khoobid | khubid
خوبین = khoobin | khubin
بد = bad
بده = bade | bede | badeh
بدی = badi
بدترین = badtarin
بدتر = badtar
بهتر = behtar
بهترین = behtarin | behtarinnn
*عالی = aali | ali | 3ali | aaali
*عالیه = aalie | alie | aaliye | 3alie
*عالیید = aaliid | aliid
*محشر = mahshar | ma7shar | mahshr
*محشره = mahshare | ma7share
*معرکه = marekeh | ma3reke | marke
*فوقالعاده = fogholade | fogholaade | fogh olade | foqolade
*بینظیر = binazir | bi nazir
*باحال = bahal | ba7al | baahaal
*خفن = khafan | khafn
*توپ = toop | tup
*ایول = eyval | eival | eyvall | ival
*دمت = damet | dmt
*دمتون = dametoon | dametun | damtun
*گرم = garm
*دستت = dastet
*دستتون = dastetoon | dastetun
درد = dard
نکنه = nakone | nakoneh | nakne
*قربونت = ghorboonet | ghorbunet | qorbunet
*قربون = ghorboon | ghorbun
*عشق = eshgh | eshq | 3shgh
*عاشق = ashegh | asheq | 3ashegh
*عاشقتونم = asheghetoonam | asheghetunam
*عاشقشم = asheghesham | asheqesham
*عاشقشونم = asheghe shoonam | asheghshoonam
*دوستتون = doostetoon | dustetun
*دوستداشتنی = doost dashtani | dustdashtani
لذت = lezat | lezzat
*لذتبخش = lezatbakhsh | lezzat bakhsh
*خوشمزه = khoshmaze | khoshmazeh | khoshmze
خوشمزس = khoshmazas
*بیمزه = bimaze | bi maze
*شیک = shik
*قشنگ = ghashang | qashang
*قشنگه = ghashange | qashange
*خوشگل = khoshgel
*جالب = jaleb
جالبه = jalebe
*افتضاح = eftezah | eftezaah | eftezaa
*افتضاحه = eftezahe | eftezaahe
*افتضاحید = eftezahid
*داغون = daghoon | daghun | dagoon
*داغونه = daghoone | daghune
*مزخرف = mozakhraf | mozakhref
*مزخرفه = mozakhrafe
*آشغال = ashghal | ashqal | ashghaal
*آشغاله = ashghale | ashqale
*افتضاحی = eftezahi
*فاجعه = faje | faje3e | fajee
*فاجعس = fajeas | faje3as
*مسخره = maskhare | maskhareh | masxare
*مسخرس = maskharas
*بیشعور = bishoor | bishur | bisho3ur
*بیشعورا = bishoora | bishura
*زشت = zesht
*ضعیف = zaeef | za3if | zaif
*قوی = ghavi | qavi
راضی = razi | raazi
راضیم = razim | raazim
ناراضی = narazi
ناراضیم = narazim
*خسته = khaste | khasteh
*خستم = khastam
*خستهام = khasteam
نباشید = nabashid | nabashin
*ناامید = naomid | na omid
*ناامیدم = naomidam
*عصبانی = asabani | 3asabani
*عصبانیم = asabanim
*عصبی = asabi
*شاکی = shaki | shaaki
*شاکیم = shakim
*نگران = negaran
*نگرانم = negaranam
*ناراحت = narahat | nara7at
*ناراحتم = narahatam
*خوشحال = khoshhal | khoshal | khosh7al
*خوشحالم = khoshhalam | khoshalam
*متاسفم = motasefam | mota2sefam
*متاسفانه = motasefane | mota2sefane | motasefaneh
*خوشبختانه = khoshbakhtane
*حیف = heif | heyf | 7eif
*ای = ey | ei
*وای = vay | vaay | vai
*آخ = akh
*آخیش = akhish
*اه = ah | eh
*ایش = ish
*اوه = ooh | oh
*جانم = janam | joonam
*بابا = baba | baaba
*دیوونه = divoone | divune
*دیوونم = divoonam
*کلافه = kalafe | kalafeh
*کلافم = kalafam
*گند = gand
*خراب = kharab | kharaab | xarab
*خرابه = kharabe | kharaabe
*خرابشده = kharab shode
*درست = dorost | drst
*درسته = doroste | dorosteh
غلط = ghalat | qalat
*اشتباه = eshtebah | eshtebaa
اشتباهی = eshtebahi
مشکل = moshkel | mshkl | mushkel
مشکلی = moshkeli
مشکلم = moshkelam
مشکلات = moshkelat
سالم = salem
*گرون = geroon | gerun | gerron
*گرونه = geroone | gerune
*گرونتر = geroontar | geruntar
*ارزون = arzoon | arzun
*ارزونه = arzoone | arzune
ارزش = arzesh
*کند = kond
*کنده = konde
*سرد = sard
*سرده = sarde
*داغ = dagh | daq
*تازهس = tazas
*مفت = moft
*تخمی = tokhmi
*حال = hal | haal | 7al
حالم = halam | 7alam
*کیف = keif | keyf | kif
*کیفیت = keyfiat | keyfiyat | kifiat | keifiat
*کیفیتش = keyfiatesh | kifiatesh
کیفیتشون = keyfiateshoon
*دزد = dozd
*دزدی = dozdi
*کلاهبرداری = kolahbardari
*کلاهبردار = kolahbardar
*دروغ = dorough | doroogh | dorugh
*دروغگو = doroughgoo | dorughgu
*بیخیال = bikhial | bikhiyal | bikhi
*اعصاب = asab | a3sab
*اعصابم = asabam | a3sabam
*مخ = mokh
*بیچاره = bichare | bichareh
*بدبخت = badbakht
*ضایع = zaye | zaye3
*شرم = sharm
*افتضاحتر = eftezahtar

# names and common nouns
شنوا = shenava | shenavaa | shnava
کتاب = ketab
بیادب = biadab | bi adab
ادب = adab
خونه = khoone | khune | khooneh
خونمون = khoonamoon | khunamun
نمی = nemi
می = mi
-فرستم = ferestam
-فرسته = fereste
-فرستن = ferestan
-فرستید = ferestid
-فرستین = ferestin
تهران = tehran
ایران = iran
اینستا = insta
اینستاگرام = instagram
تلگرام = telegram
توییتر = twitter
پست = post
استوری = story | stori
کامنت = comment | kament
فالو = follow
دایرکت = direct | dayrekt
پیج = page | pij
پیجتون = pagetoon | pijetun

فیلم = film
اسم = esm
چشم = chashm | cheshm
دلم = delam | dlm
دل = del
خوشم = khosham | khoshm
خوش = khosh
راه = rah | raah
کارم = karam

# common words of reviews and posts
های = haye | hay
ها = ha
ی = ye | i
بسیار = besiar | besyar
نسبت = nesbat
نسبتا = nesbatan
مناسب = monaseb
مناسبه = monasebe
مناسبی = monasebi
بوی = booye | buye
بو = boo | bu
بوش = boosh | bush
باید = bayad
نباید = nabayad
نظر = nazar
نظرم = nazaram
بنظرم = benazaram | be nazaram
آن = an
آنها = anha
دوربین = doorbin | durbin
کالا = kala
بر = bar
اینکه = inke
دیجی = digi
دیجیکالا = digikala
بی = bi
نرم = narm
دارد = darad
ندارد = nadarad
دارند = darand
پوست = poost | pust
پوستم = poostam
محصول = mahsool | mahsul
محصولات = mahsoolat | mahsulat
مثل = mesle | mesl
مثه = mese
صفحه = safhe | safheh
بیشتر = bishtar
بیشتری = bishtari
بدم = bedam
رنگ = rang
رنگش = rangesh
ازش = azash | azesh
خود = khod
مو = moo | mu
موهام = moham | moohaam
موها = moha | mooha
موی = mooye
شامپو = shampoo | shampu
کل = kol
بندی = bandi
نیز = niz
تر = tar
معمولی = maamooli | mamooli | ma3muli
معمولیه = maamoolie | mamoolie
مدل = model
دست = dast
دستم = dastam
عکس = aks | 3aks
تبلت = tablet
صورت = soorat | surat
بازی = bazi
داشته = dashte
نداشته = nadashte
داشتن = dashtan
خشک = khoshk
بدون = bedoone | bedoon | bedune
قابل = ghabel | qabel
کننده = konande
کنندگی = konandegi
توجه = tavajoh | tavajjoh
متوجه = motevajeh | motavajeh
سر = sar
سرم = saram
قرار = gharar
نمایش = namayesh
نمایشگر = namayeshgar
وجود = vojood | vojud
چه = che
باز = baz
مورد = mored
کمی = kami
فوق = fogh
جنس = jens
جنسش = jensesh
طعم = ta'm | tam | ta3m
مزه = maze
ام = am
بوده = boode
باشد = bashad
باشید = bashid
تنها = tanha
هستش = hastesh
خوشبو = khoshboo | khoshbu
باعث = baes | ba3es
دیگر = digar
چیزی = chizi
چیز = chiz
العاده = olade | ol3ade
بیرون = biroon | birun
کلا = kolan | kollan
انگیز = angiz
زیادی = ziadi
زیاده = ziade
تمام = tamam
تموم = tamoom | tamum
بهتره = behtare
پیش = pish
ترس = tars
ترسناک = tarsnak | tarsnaak
میترسم = mitarsam
چرب = charb
چربی = charbi
مسئولان = masoolan | mas'oolan
حالا = hala
حس = hes
داده = dade
شود = shavad
میشود = mishavad
تاثیر = tasir | ta'sir
تاثیری = tasiri
راحت = rahat | ra7at
راحتی = rahati
اندازه = andaze | andazeh
حالت = halat
ماندگاری = mandegari
دستگاه = dastgah
انجام = anjam
سرعت = sorat | sor3at
بازار = bazar
صابون = saboon | sabun
بچه = bache | bacheh
بچهها = bacheha | bachehaa
میباشد = mibashad
هستند = hastand
گرفته = gerefte
مصرف = masraf
حرف = harf
صرفه = sarfe
طراحی = tarahi
کرم = kerem | krem
جای = jaye
تاریخ = tarikh
حد = had
سری = seri
سخت = sakht
انتخاب = entekhab
تولید = tolid
پاک = pak
اپل = apple
کامل = kamel
زندگی = zendegi
کمتر = kamtar
ایرانی = irani
آب = ab
همراه = hamrah
اش = ash
میکند = mikonad
پیدا = peyda | paida
بزرگ = bozorg
کوچک = koochak | kuchak
کوچیک = koochik | kuchik
نوشته = neveshte
تمیز = tamiz
ماسک = mask
مدت = moddat | modat
احساس = ehsas
داخل = dakhel
همچنین = hamchenin
میکردم = mikardam
میکرد = mikard
اینه = ine
قسمت = ghesmat
روغن = roghan
موجود = mojood | mojud
جدید = jadid
ضد = zed
ساله = sale
تصویر = tasvir
برام = baram
تقریبا = taghriban
رایحه = rayehe
نوع = noe | no3
کاربردی = karbordi
خاصی = khasi
ریزش = rizesh
انتظار = entezar
پر = por
خدا = khoda
باتری = batri
متنفرم = motenaferam
موقع = moghe | moqe
دور = door | dur
مارک = mark
خب = khob | khab
میدم = midam
عطر = atr | 3atr
بعضی = bazi | ba3zi
عنوان = onvan
شاد = shad
کمه = kame
ساخت = sakht
ساخته = sakhte
قابلیت = ghabeliat | qabeliyat
منم = manam
امیدوارم = omidvaram
روش = ravesh | rosh
زمان = zaman
نیاز = niaz
مقایسه = moghayese
قدرت = ghodrat
بالایی = balaei | balayi
بالای = balaye
مختلف = mokhtalef
کلی = koli
آدم = adam
خورد = khord
خورده = khorde
زیبا = ziba
روشن = roshan
تهیه = tahie | tahiye
بدن = badan
بخاطر = bekhatere | be khatere
خاطر = khater
دارای = daraye
دلیل = dalil
اصلی = asli
اصل = asl
دوباره = dobare | dobareh
ایجاد = ijad
شک = shak
تجربه = tajrobe | tajrobeh
نتیجه = natije
امکان = emkan
امکانات = emkanat
مقدار = meghdar
حدود = hodood | hodud
پخش = pakhsh
قبول = ghabool | qabul
سفید = sefid
دقت = deghat | deqat
نگاه = negah | negaah
عمل = amal
عملکرد = amalkard
زده = zade
دوم = dovom | doom
شبیه = shabih
مهم = mohem
دنبال = donbal | donbale
مخصوصا = makhsoosan | makhsusan
غیر = gheyr | qeyr
تغییر = taghir | taghyir
خنده = khande
میگیره = migire
ضمن = zemn
انقدر = enghadr | enqadr
میشد = mishod
دنیا = donya | donia
ارائه = eraee | erae
خارجی = khareji
گفته = gofte
خواهد = khahad
کمک = komak
میدهد = midahad
عالیم = aaliam
کارایی = karaei | karayi
بخش = bakhsh
متوسط = motevaset
بیاد = biad | biyad
طور = tor | tour
نزدیک = nazdik
میکنی = mikoni
هزینه = hazine | hazineh
تشکر = tashakor
یاد = yad
میتونه = mitoone | mitune
میتونم = mitoonam | mitunam
نمیتونم = nemitoonam | nemitunam
کشور = keshvar
قبلی = ghabli | qabli
واقعی = vaghei | vaqei
همان = haman
توسط = tavasote | tavassot
ظاهر = zaher
صدا = seda
صدای = sedaye
تعریف = tarif | ta3rif
اونم = oonam | unam
توش = toosh | tush
دیدن = didan
شروع = shoroo | shoru
نکته = nokte
بازم = bazam
جز = joz
میزنه = mizane
جایی = jaei | jayi
جهت = jahat
بیش = bish
درصد = darsad
روزی = roozi
دید = did
نور = noor | nur
نفر = nafar
داری = dari
کاهش = kahesh
عجب = ajab | 3ajab
فعلا = felan | fe3lan
شرایط = sharayet
نشون = neshoon | neshun
سطح = sath
خریداری = kharidari
کسانی = kasani
متفاوت = motefavet
ماهی = mahi
گذشته = gozashte
جمع = jam | jam3
ترجمه = tarjome
شوره = shore
دندون = dandoon | dandun
وزن = vazn
سبک = sabk | sabok

خوبیه = khoobie | khubiye
موهای = moohaye | muhaye
شگفت = shegeft
جوش = joosh | jush
عامل = amel
هایی = hayi | haei
لحاظ = lehaz
پردازنده = pardazande
کف = kaf
سامسونگ = samsung
ترین = tarin
اعتراض = eteraz | e3teraz
کنند = konand
میکنند = mikonand
کردند = kardand
افزار = afzar
نرمافزار = narmafzar | narm afzar
دندان = dandan
موفقیت = movafaghiat
برابر = barabar
خشم = khashm
ریخته = rikhte
عکاسی = akasi
حافظه = hafeze
داستان = dastan
هسته = haste
اثر = asar
حساسیت = hassasiat
لعنت = lanat | la3nat
اینو = ino
میتوان = mitavan
اندروید = android
کاری = kari
شدت = shedat
کلید = kelid
سایز = size | saiz
نازک = nazok
باکیفیت = bakeyfiat
آیفون = iphone
کنترل = control | kontrol
طبق = tebghe
مانند = manande
داخلی = dakheli
سنسور = sensor
خشونت = khoshoonat
چندین = chandin
بهره = bahre
نظرات = nazarat
لازم = lazem
پاره = pare
اضافه = ezafe
مشاهده = moshahede
تعداد = tedad | te3dad
اجرا = ejra
میتواند = mitavanad
بهتری = behtari
کسایی = kasaei | kasayi
هنگام = hengam
ویژه = vizhe
تصاویر = tasavir
علاوه = alave
دیگری = digari
ازین = azin
چنین = chenin
گوش = goosh | gush
مثلا = masalan
دکمه = dokme
روان = ravan
آقای = aghaye
خالی = khali
فرق = fargh
دهد = dahad
غم = gham
وارد = vared
موضوع = mozoo | mozu
عدم = adam
دختر = dokhtar
فروش = foroosh | forush
شکل = shekl
یکبار = yekbar | ye bar
جذب = jazb
طبیعی = tabiei | tabi3i
دسته = daste
مشابه = moshabeh
افزایش = afzayesh
دکتر = doktor | dr
نمونه = nemoone | nemune
نگه = negah
باشم = basham
براش = barash
وگرنه = vagarna
ممکنه = momkene
اطلاعات = etelaat | ettelaat
مشخصات = moshakhasat
مشخص = moshakhas
لحظه = lahze
حل = hal
حساس = hassas
دوس = doos | dus
اشاره = eshare
گیر = gir
فک = fek
آینده = ayande
بسیاری = besiari
میزان = mizan
نباشه = nabashe
نشان = neshan
عوض = avaz
مرغ = morgh | morq
مواد = mavad
بلند = boland
میشم = misham
میخوره = mikhore
ملت = mellat | melat
کاربر = karbar
کاربران = karbaran
بلکه = balke
میتونید = mitoonid | mitunid
بگیرم = begiram
سلیقه = salighe
زیبایی = zibaei | zibayi
بعدی = badi | ba3di
زمانی = zamani
عین = eyne
تفاوت = tafavot
میبره = mibare
اکثر = aksar
دوتا = dota | do ta
بالاتر = balatar
قدرتمند = ghodratmand
دوستت = doostet | dustet
میشن = mishan
سعی = sai | sa3y
بنده = bande
نشه = nashe
دانشگاه = daneshgah
تقلبی = taghalobi | taqalobi
امید = omid
زبان = zaban
ضعف = zaf | za3f
رضایت = rezayat
قطعا = ghatan | qat3an
روزانه = roozane
شماره = shomare
کافی = kafi
مخصوص = makhsoos
انتقاد = enteghad
مرگ = marg

# shop, delivery, support, money
سفارش = sefaresh | sfrsh
سفارشم = sefaresham
سفارشمو = sefareshamo | sefareshmo
سفارشا = sefaresha
ارسال = ersal | ersaal
ارسالش = ersalesh
تحویل = tahvil | ta7vil
تحویلش = tahvilesh
پیک = peyk | paik | peik
پیکتون = peyketoon | peyketun
بسته = baste | basteh
بستم = bastam
جعبه = jabe | ja3be
بستهبندی = bastebandi
بستهبندیش = bastebandish
پول = pool | pul
پولم = poolam | pulam
پولمو = poolamo | pulamo
پولشو = poolesho
برگشت = bargasht
برگشته = bargashte
مرجوع = marjoo | marju
مرجوعی = marjooi | marjui
تخفیف = takhfif | takhfeef
تخفیفا = takhfifa
قیمت = gheymat | gheimat | qeymat | ghimat
قیمتش = gheymatesh | gheimatesh
قیمتا = gheymata | gheimata
قیمتها = gheymatha
کد = kod | code | cod
کدش = kodesh | codesh
کدم = kodam | codam
*دعوت = davat | da3vat | da'vat
دعوتم = davatam | da3vatam
لینک = link
لینکم = linkam | linkm
ثبت = sabt
ثبتنام = sabtenam | sabt nam | sabtnam
نام = nam
امتیاز = emtiaz | emtiyaz
اعتبار = etebar | e3tebar
هدیه = hedie | hediye
جایزه = jayeze | jaayeze
*پشتیبانی = poshtibani | poshtibaani | pshtbani
پشتیبانیتون = poshtibaniton | poshtibanitoon
پشتیبان = poshtiban
اپراتور = operator | oprator
کارشناس = karshenas
تماس = tamas
زنگ = zang
پیام = payam | peyam | payaam
پیامم = payamam | peyamam
جواب = javab | jvb
جوابی = javabi
جوابمو = javabamo
ایمیل = email | imeil | imel
تیکت = ticket | tiket
پیگیری = peygiri | peigiri | pigiri
پیگیر = peygir | peigir
شکایت = shekayat | shekaayat
شکایتم = shekayatam
حق = hagh | haq | 7agh
حقمه = haghame
مسئول = masool | mas'ool | masul
مسئولیت = masooliat | masuliyat
مدیر = modir
مدیریت = modiriat | modiriyat
خدمات = khadamat
سرویس = servis | service
سرویستون = servisetoon
شرکت = sherkat
برند = brand
مغازه = maghaze | maqaze
فروشگاه = forooshgah | forushgah
فروشنده = forooshande | forushande
شعبه = shobe | sho3be | shobeh
شعبتون = shobatoon | sho3betun
کافه = kafe | cafe | kaafe
کافتون = kafatoon | cafetoon
رستوران = restoran | restaurant | resturan
غذا = ghaza | qaza
غذاش = ghazash | qazash
غذاها = ghazaha
قهوه = ghahve | ghahveh | qahve | ghave
قهوش = ghahvash | qahvash
قهوهها = ghahveha
چای = chay | chaei
چایی = chai | chaei | chayi
کیک = keyk | cake | kik
پیتزا = pitza | pizza
برگر = burger | berger
همبرگر = hamburger | hamberger
ساندویچ = sandevich | sandwich | sandvich
نوشابه = nooshabe | nushabe
شیر = shir
لاته = latte | late
اسپرسو = espresso | espreso
باریستا = barista
میز = miz
جا = ja
محیط = mohit | mo7it
موزیک = music | moozik
کارمند = karmand
کارمنداتون = karmandatoon | karmandatun
پرسنل = personel | personnel
برخورد = barkhord
برخوردشون = barkhordeshoon | barkhordeshun
رفتار = raftar
رفتارشون = raftareshoon | raftareshun
اپ = app | ap
اپلیکیشن = app | application | aplikeishen
اپتون = appetoon | apetun | appetun
برنامه = barname | barnameh
برنامتون = barnamatoon | barnametun
سایت = site | sayt
سایتتون = sitetoon | saytetun
گوشی = gooshi | gushi
گوشیم = gooshim | gushim
موبایل = mobile | mobail
اینترنت = internet | intrnt
نت = net
نتم = netam
آنتن = anten | aanten
شارژ = sharj | sharzh | sharge
بستهها = basteha
حجم = hajm | 7ajm
اشتراک = eshterak
حساب = hesab | 7esab
حسابم = hesabam | 7esabam
کارت = kart | card
کارتم = kartam | cardam
پرداخت = pardakht
تراکنش = tarakonesh | trakonesh
واریز = variz
برداشت = bardasht
انتقال = enteghal | enteqal
وام = vam
کارمزد = karmozd
آپدیت = update | apdeit | aapdeit
نسخه = noskhe | noskheh
باگ = bug | bag
کرش = crash | kerash
هنگ = hang
لاگین = login | laagin
رمز = ramz
ورود = vorood | vorud
کدتایید = code taeid
تایید = taeid | ta2id | tayid
سیستم = system | sistem
اختلال = ekhtelal
قطع = ghat | qat | ghate
قطعه = ghate | qate
وصل = vasl
وصله = vasle
نمیشه = nemishe | nemisheh | nmishe
کار = kar
کارتون = karetoon | karetun | kartoon
کارشون = kareshoon | kareshun
کارش = karesh
خوبهها = khoobe ha

# verbs
*میخوام = mikham | mikhaam | mikhoam
*نمیخوام = nemikham | nemikhaam | nemikhoam
میخواستم = mikhastam | mikhaastam
میخوای = mikhay | mikhai
میخواد = mikhad | mikhaad
میخوایم = mikhaim | mikhayim
میخواین = mikhain | mikhayn
میخواید = mikhaid
میخوان = mikhan
نمیخواد = nemikhad
خواستم = khastam
بخوام = bekham
بخواید = bekhaid
بخواین = bekhain
-خوام = kham | khaam
-خوای = khay | khai
-خواد = khad | khaad
-خوایم = khaim
-خواین = khain
-خوان = khan
خریدم = kharidam | kharidm | khridam
خریدیم = kharidim
خرید = kharid
خریده = kharide
خریدن = kharidan
خریدید = kharidid
خریدین = kharidin
بخرید = bekharid | bkharid
بخرین = bekharin | bkharin
بخر = bekhar
نخرید = nakharid
نخرین = nakharin | nakhrin
نخر = nakhar
نخریدم = nakharidam
میخرم = mikharam
نمیخرم = nemikharam
-خرم = kharam
-خره = khare
-خرن = kharan
-خریم = kharim
خوردم = khordam
خوردیم = khordim
بخورید = bekhorid | bokhorid
بخورین = bekhorin | bokhorin
میخورم = mikhoram | mikhorm
-خورم = khoram
-خوره = khore
-خوریم = khorim
رسید = resid
رسیده = reside | resideh
نرسید = narasid
نرسیده = naraside | narasideh
نرسیدن = narasidan
میرسه = mirese | mireseh
اومد = oomad | umad | omad
اومده = oomade | umade | omade
اومدم = oomadam | umadam
اومدن = oomadan | umadan
نیومد = nayoomad | nayumad | nayomad
نیومده = nayoomade | nayumade | nayomade
نیومدن = nayoomadan | nayumadan
میاد = miad | miyad
میان = mian | miyan
نمیاد = nemiad | nemiyad
بیا = bia | biya
بیاید = biaid | biayid
بیاین = biain | biyayn
بیارید = biarid | biyarid
بیارین = biarin
رفتم = raftam
رفتیم = raftim
رفت = raft
رفته = rafte
میرم = miram
میره = mire | mireh
برو = boro
برید = berid | borid
برین = berin | borin
نرید = narid
نرین = narin
دیدم = didam
دیدی = didi
دیدین = didin
ببینید = bebinid | bbinid
ببین = bebin
میبینم = mibinam
گفتم = goftam | gftm
گفتن = goftan
گفتید = goftid
گفتین = goftin
گفت = goft
میگن = migan
میگم = migam
میگه = mige | migeh
میگید = migid
میگین = migin
نمیگه = nemige
بگید = begid
بگین = begin
بگم = begam
کردم = kardam | krdm
کردیم = kardim
کردن = kardan
کردید = kardid
کردین = kardin
کرد = kard
کرده = karde | kardeh
نکردم = nakardam
نکردن = nakardan
نکردید = nakardid
نکردین = nakardin
نکرده = nakarde
کنید = konid
کنین = konin
کنم = konam
کنه = kone | koneh
کن = kon
بکنید = bokonid | bekonid
نکنید = nakonid
نکنین = nakonin
نکن = nakon
میکنم = mikonam | mikonm
میکنه = mikone | mikoneh
میکنن = mikonan
میکنید = mikonid
میکنین = mikonin
نمیکنه = nemikone | nemikoneh
نمیکنم = nemikonam
نمیکنن = nemikonan
نمیکنید = nemikonid
نمیکنین = nemikonin
-کنی = koni
-کنیم = konim
-کنن = konan
-گم = gam
-گه = ge
-گن = gan
-شه = she
-شم = sham
-شن = shan
-دم = dam
-دن = dan
-دین = din
-رم = ram
-ره = re
-رن = ran
شد = shod
شده = shode | shodeh | shde
شدم = shodam
شدیم = shodim
شدن = shodan
نشد = nashod
نشده = nashode | nashodeh
بشه = beshe | besheh
بشید = beshid
*میشه = mishe | misheh
هست = hast
هستم = hastam
هستید = hastid
هستین = hastin
هستن = hastan
هستیم = hastim
نیست = nist
نیستم = nistam
نیستن = nistan
نیستید = nistid
نیستین = nistin
نیس = nis
است = ast
بود = bood | bud
بودم = boodam | budam
بودن = boodan | budan
بودیم = boodim | budim
بودید = boodid | budid
بودین = boodin | budin
نبود = nabood | nabud
نبودم = naboodam | nabudam
نبودن = naboodan | nabudan
باشهها = bashe ha
داره = dare | dareh
دارم = daram
داریم = darim
دارید = darid
دارین = darin
دارن = daran
نداره = nadare | nadareh
ندارم = nadaram
ندارید = nadarid
ندارین = nadarin
ندارن = nadaran
نداریم = nadarim
داشت = dasht
داشتم = dashtam
نداشت = nadasht
نداشتم = nadashtam
دادم = dadam
دادن = dadan
دادید = dadid
دادین = dadin
داد = dad
نداد = nadad
ندادن = nadadan
ندادید = nadadid
ندادین = nadadin
بدید = bedid
بدین = bedin
میدن = midan
میده = mide | mideh
نمیدن = nemidan
نمیده = nemide
میدونم = midoonam | midunam
نمیدونم = nemidoonam | nemidunam | nmidunm
میدونید = midoonid | midunid
میدونستم = midoonestam | midunestam
زدم = zadam
زدن = zadan
زدین = zadin
زدید = zadid
زد = zad
بزنید = bezanid
بزنین = bezanin
میزنم = mizanam
فرستادم = ferestadam
فرستادین = ferestadin | frestadin
فرستادید = ferestadid
فرستادن = ferestadan
فرستاد = ferestad
بفرستید = befrestid | beferestid
بفرستین = befrestin | beferestin
نفرستادین = naferestadin | nafrestadin
نفرستادن = naferestadan
گرفتم = gereftam | greftam
گرفتیم = gereftim
گرفتن = gereftan
گرفت = gereft
بگیرید = begirid
بگیرین = begirin
میگیرم = migiram
پیشنهاد = pishnahad | pishnahd
پیشنهادش = pishnahadesh
پیشنهادشون = pishnahadeshoon | pishnahadeshun
پیشنهادتون = pishnahadetoon
*معرفی = moarefi | mo3arefi | moarrefi | moa'refi
معرفیش = moarefish | mo3arefish
توصیه = tosie | tosiye | towsie
امتحان = emtehan | emte7an
امتحانش = emtehanesh | emte7anesh
استفاده = estefade | estefadeh
تست = test
دانلود = download | danlod
نصب = nasb
صبر = sabr
منتظر = montazer | muntazer
منتظرم = montazeram
موندم = moondam | mundam
مونده = moonde | munde
بمونید = bemoonid | bemunid
فکر = fekr
دوستدارم = doost daram
بپرسم = beporsam
سوال = soal | so'al | sual | so2al
سوالی = soali | so'ali
سوالم = soalam
جوابتون = javabetoon | javabetun
ببخشید = bebakhshid | bbkhshid | bebakhshin
ببخشین = bebakhshin
اجازه = ejaze | ejazeh
خوندم = khoondam | khundam
نوشتم = neveshtam
نوشتن = neveshtan
`
