package sentiment

import (
	"slices"
	"strings"
)

// lexicon maps normalised words (and two-word phrases, space-joined) to a
// prior polarity in [-1, 1]. It is built from the public lexicons at training
// time and stored in the model file.
type lexicon map[string]float32

// lookup returns the polarity of the phrase a b (when b != "") or word a.
func (l lexicon) lookup(a, b string) (float32, bool) {
	if b == "" {
		v, ok := l[a]
		return v, ok
	}
	var buf [128]byte
	if len(a)+1+len(b) > len(buf) {
		return 0, false
	}
	n := copy(buf[:], a)
	buf[n] = ' '
	n++
	n += copy(buf[n:], b)
	v, ok := l[string(buf[:n])] // no allocation for a map index
	return v, ok
}

// phraseStarts returns the first words of the lexicon's two-word phrases.
func (l lexicon) phraseStarts() map[string]bool {
	m := map[string]bool{}
	for k := range l {
		if a, _, ok := strings.Cut(k, " "); ok {
			m[a] = true
		}
	}
	return m
}

// sortedKeys returns the keys of a lexicon in byte order.
func (l lexicon) sortedKeys() []string {
	ks := make([]string, 0, len(l))
	for k := range l {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}
