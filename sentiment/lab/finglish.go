package lab

import (
	_ "embed"
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

// finglishWords is the spelling table of Transliterate (see the head of
// finglish.txt for its format).
//
//go:embed finglish.txt
var finglishWords string
