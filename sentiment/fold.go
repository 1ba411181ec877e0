package sentiment

import "github.com/shenava/shenava/internal/locale"

// Fold returns the matching form of text (see locale.Fold): the form the
// brand matcher compares keywords and mentions in.
func Fold(text string) string { return locale.Fold(text) }

// fold is Fold; punct also maps Persian punctuation and typographic quotes
// to ASCII, which the tokenizer wants.
func fold(text string, punct bool) string {
	if punct {
		return locale.FoldPunct(text)
	}
	return locale.Fold(text)
}

func isArabicScript(r rune) bool { return locale.IsArabicScript(r) }
