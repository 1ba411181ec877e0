package locale

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Fold returns the matching form of text: the form the brand matcher compares
// keywords and mentions in. It
//
//   - applies NFKC to compatibility characters (Arabic presentation forms,
//     full-width and "bold" mathematical letters) so they match plain text;
//   - maps Arabic letter forms to Persian (ي ى ئ → ی, ك → ک, ة ۀ → ه,
//     أ إ آ ٱ → ا, ؤ → و) and Persian and Arabic-Indic digits to ASCII;
//   - removes diacritics, tatweel, bidi controls, zero-width characters
//     (ZWNJ is removed, so نمی‌خوام and نمیخوام fold alike), variation
//     selectors, skin-tone modifiers, control characters and invalid UTF-8;
//   - lower-cases, squeezes elongation (a letter repeated three or more
//     times: to one Persian letter, to two Latin ones, so خیییلی → خیلی and
//     goooood → good), and collapses white space runs into one space.
//
// Fold is idempotent: Fold(Fold(s)) == Fold(s).
func Fold(text string) string {
	return fold(text, false)
}

// FoldPunct is Fold that also maps Persian punctuation and typographic
// quotes to ASCII (؟ → ?, « » → ", – → -), which a tokenizer wants and a
// matcher does not need.
func FoldPunct(text string) string {
	return fold(text, true)
}

func fold(text string, punct bool) string {
	if needsNFKC(text) {
		text = norm.NFKC.String(text)
	}
	var b strings.Builder
	b.Grow(len(text))
	var (
		run    rune // the rune being repeated
		n      int  // how many times
		space  bool // a space is pending
		wrote  bool // something was written
		flushR = func() {
			if n == 0 {
				return
			}
			if space && wrote {
				b.WriteByte(' ')
			}
			space = false
			for range squeezed(run, n) {
				b.WriteRune(run)
			}
			wrote = true
			n = 0
		}
	)
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		i += size
		if r == utf8.RuneError && size <= 1 {
			continue // invalid UTF-8
		}
		r = foldRune(r)
		if punct {
			r = foldPunct(r)
		}
		switch {
		case r < 0:
			continue
		case unicode.IsSpace(r):
			flushR()
			space = true
			continue
		}
		if r == run && n > 0 {
			n++
			continue
		}
		flushR()
		run, n = r, 1
	}
	flushR()
	return b.String()
}

// squeezed says how many copies of r to keep from a run of n.
func squeezed(r rune, n int) int {
	if n < 3 || !unicode.IsLetter(r) {
		return n
	}
	if IsArabicScript(r) {
		return 1
	}
	return 2
}

// foldRune maps one rune to its folded form, or to -1 when it is dropped.
func foldRune(r rune) rune {
	if r < 0x80 {
		switch {
		case 'A' <= r && r <= 'Z':
			return r + ('a' - 'A')
		case r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0x7f:
			return -1
		}
		return r
	}
	switch {
	case 0x06F0 <= r && r <= 0x06F9: // Persian digits
		return '0' + r - 0x06F0
	case 0x0660 <= r && r <= 0x0669: // Arabic-Indic digits
		return '0' + r - 0x0660
	}
	switch r {
	case 'ي', 'ى', 'ئ', 'ې', 'ۍ', 'ێ', 'ٸ':
		return 'ی'
	case 'ك', 'ڪ':
		return 'ک'
	case 'ة', 'ۀ', 'ە', 'ہ', 'ۂ':
		return 'ه'
	case 'أ', 'إ', 'آ', 'ٱ', 'ٲ', 'ٳ':
		return 'ا'
	case 'ؤ':
		return 'و'
	case '٪':
		return '%'
	case '٫':
		return '.'
	case '٬':
		return ','
	case 0x0640, // tatweel
		0x0670,                         // superscript alef
		0x00AD,                         // soft hyphen
		0x034F,                         // combining grapheme joiner
		0x061C,                         // Arabic letter mark
		0x180E,                         // Mongolian vowel separator
		0x200B, 0x200C, 0x200D, 0x200E, // ZWSP, ZWNJ, ZWJ, LRM
		0x200F, 0xFEFF, 0xFFFD: // RLM, BOM, replacement
		return -1
	}
	switch {
	case 0x064B <= r && r <= 0x065F, // harakat, hamza above/below
		0x0610 <= r && r <= 0x061A,                               // honorifics and small marks
		0x06D6 <= r && r <= 0x06ED && r != 0x06E5 && r != 0x06E6, // Quranic marks
		0x202A <= r && r <= 0x202E,                               // bidi embeddings and overrides
		0x2060 <= r && r <= 0x2064,                               // word joiner, invisible operators
		0x2066 <= r && r <= 0x2069,                               // bidi isolates
		0xFE00 <= r && r <= 0xFE0F,                               // variation selectors
		0x1F3FB <= r && r <= 0x1F3FF,                             // skin tones
		0xE0020 <= r && r <= 0xE007F,                             // tag characters (flag sequences)
		unicode.Is(unicode.Cc, r) && !unicode.IsSpace(r):
		return -1
	}
	if unicode.IsUpper(r) || unicode.IsTitle(r) {
		return unicode.ToLower(r)
	}
	return r
}

// foldPunct maps Persian punctuation and typographic quotes to ASCII.
func foldPunct(r rune) rune {
	switch r {
	case '؟':
		return '?'
	case '،':
		return ','
	case '؛':
		return ';'
	case '«', '»', '“', '”', '„', '″':
		return '"'
	case '‘', '’', '‚', '′', 'ʼ', '`':
		return '\''
	case '…':
		return '.'
	case '–', '—', '−':
		return '-'
	}
	return r
}

// needsNFKC reports whether text holds compatibility characters that NFKC
// turns into ordinary letters; most text does not, and skips the cost.
func needsNFKC(text string) bool {
	for i := 0; i < len(text); i++ {
		c := text[i]
		if c < 0xEF {
			continue
		}
		r, _ := utf8.DecodeRuneInString(text[i:])
		switch {
		case 0xFB00 <= r && r <= 0xFDFF, // ligatures, Arabic presentation forms A
			0xFE70 <= r && r <= 0xFEFC,   // Arabic presentation forms B
			0xFF01 <= r && r <= 0xFFEE,   // full-width and half-width forms
			0x1D400 <= r && r <= 0x1D7FF: // mathematical alphanumerics
			return true
		}
	}
	return false
}

// IsArabicScript reports whether r is an Arabic-script letter (Persian,
// Arabic, Urdu...).
func IsArabicScript(r rune) bool {
	return 0x0600 <= r && r <= 0x06FF || 0x0750 <= r && r <= 0x077F ||
		0x08A0 <= r && r <= 0x08FF || 0xFB50 <= r && r <= 0xFDFF ||
		0xFE70 <= r && r <= 0xFEFF
}
