// Package vader scores English text with the VADER lexicon (Hutto and
// Gilbert, ICWSM 2014), for comparing Shenava's model with the lexicon
// baseline side by side in `shenava eval -vader`. It implements the
// published rules: lexicon valence, boosters and dampeners with distance
// decay, negation in a three-word window, emphasis by capitals, "but"
// shifting the weight to the second clause, ! and ? amplification, and the
// compound normalisation x/sqrt(x²+15). It is a baseline, not part of the
// shipped model.
package vader

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode"

	"github.com/shenava/shenava/core"
)

const (
	boost     = 0.293 // booster/dampener increment
	capsBoost = 0.733 // emphasis of an ALL CAPS word in mixed-case text
	negScalar = -0.74 // negation multiplier
	alpha     = 15    // compound normalisation constant
)

// Analyzer holds the lexicon.
type Analyzer struct {
	lex   map[string]float64
	emoji map[string]string
}

// New reads vader_lexicon.txt (token, mean valence, ...) and, if emoji is
// not nil, emoji_utf8_lexicon.txt (emoji, description).
func New(lexicon, emoji io.Reader) (*Analyzer, error) {
	a := &Analyzer{lex: map[string]float64{}, emoji: map[string]string{}}
	sc := bufio.NewScanner(lexicon)
	for n := 1; sc.Scan(); n++ {
		f := strings.Split(sc.Text(), "\t")
		if len(f) < 2 {
			continue
		}
		v, err := strconv.ParseFloat(f[1], 64)
		if err != nil {
			return nil, fmt.Errorf("vader: lexicon line %d: %w", n, err)
		}
		a.lex[f[0]] = v
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("vader: lexicon: %w", err)
	}
	if emoji != nil {
		sc := bufio.NewScanner(emoji)
		for sc.Scan() {
			if e, d, ok := strings.Cut(sc.Text(), "\t"); ok {
				a.emoji[e] = d
			}
		}
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("vader: emoji lexicon: %w", err)
		}
	}
	return a, nil
}

// Label maps the compound score to a label with VADER's ±0.05 thresholds.
func (a *Analyzer) Label(text string) core.Label {
	c := a.Compound(text)
	switch {
	case c >= 0.05:
		return core.LabelPositive
	case c <= -0.05:
		return core.LabelNegative
	}
	return core.LabelNeutral
}

// Compound returns VADER's normalised sentiment score in [-1, 1].
func (a *Analyzer) Compound(text string) float64 {
	text = a.replaceEmoji(text)
	words := a.words(text)
	if len(words) == 0 {
		return 0
	}
	capDiff := mixedCaps(words)
	vals := make([]float64, len(words))
	for i, w := range words {
		lw := strings.ToLower(w)
		if _, ok := boosters[lw]; ok {
			continue
		}
		if lw == "kind" && i+1 < len(words) && strings.ToLower(words[i+1]) == "of" {
			continue
		}
		v, ok := a.lex[lw]
		if !ok {
			continue
		}
		if capDiff && isUpper(w) {
			v += math.Copysign(capsBoost, v)
		}
		// Boosters in the three words before, decaying with distance.
		for d := 1; d <= 3 && i-d >= 0; d++ {
			prev := words[i-d]
			if _, inLex := a.lex[strings.ToLower(prev)]; inLex {
				continue
			}
			s := boosterScalar(prev, v, capDiff)
			switch d {
			case 2:
				s *= 0.95
			case 3:
				s *= 0.9
			}
			v += s
			if negated(strings.ToLower(prev)) {
				v *= negScalar
			}
		}
		vals[i] = v
	}
	// "but": the clause after it counts more.
	for i, w := range words {
		if strings.ToLower(w) != "but" {
			continue
		}
		for j := range vals {
			switch {
			case j < i:
				vals[j] *= 0.5
			case j > i:
				vals[j] *= 1.5
			}
		}
		break
	}
	var sum float64
	for _, v := range vals {
		sum += v
	}
	if sum != 0 {
		sum += math.Copysign(punctEmphasis(text), sum)
	}
	c := sum / math.Sqrt(sum*sum+alpha)
	return max(-1, min(1, c))
}

// replaceEmoji swaps each emoji for its description, as VADER does.
func (a *Analyzer) replaceEmoji(text string) string {
	if len(a.emoji) == 0 {
		return text
	}
	var b strings.Builder
	for _, r := range text {
		if d, ok := a.emoji[string(r)]; ok {
			b.WriteString(" " + d + " ")
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// words splits on white space and strips punctuation around each word,
// unless that leaves two characters or fewer (emoticons such as :) stay).
func (a *Analyzer) words(text string) []string {
	var out []string
	for _, f := range strings.Fields(text) {
		s := strings.TrimFunc(f, unicode.IsPunct)
		if len([]rune(s)) <= 2 {
			if _, ok := a.lex[strings.ToLower(f)]; ok {
				out = append(out, f)
				continue
			}
			if len([]rune(s)) <= 1 {
				continue
			}
		}
		out = append(out, s)
	}
	return out
}

func isUpper(w string) bool {
	has := false
	for _, r := range w {
		if unicode.IsLower(r) {
			return false
		}
		if unicode.IsUpper(r) {
			has = true
		}
	}
	return has
}

// mixedCaps reports whether some but not all words are ALL CAPS.
func mixedCaps(words []string) bool {
	up := 0
	for _, w := range words {
		if isUpper(w) {
			up++
		}
	}
	return up > 0 && up < len(words)
}

func boosterScalar(w string, v float64, capDiff bool) float64 {
	s, ok := boosters[strings.ToLower(w)]
	if !ok {
		return 0
	}
	if v < 0 {
		s = -s
	}
	if capDiff && isUpper(w) {
		s += math.Copysign(capsBoost, v)
	}
	return s
}

func negated(w string) bool {
	return negations[w] || strings.HasSuffix(w, "n't")
}

// punctEmphasis adds weight for up to four ! and for runs of ?.
func punctEmphasis(text string) float64 {
	ep := float64(min(strings.Count(text, "!"), 4)) * 0.292
	switch q := strings.Count(text, "?"); {
	case q > 3:
		ep += 0.96
	case q > 1:
		ep += float64(q) * 0.18
	}
	return ep
}

var boosters = func() map[string]float64 {
	m := map[string]float64{}
	for w := range strings.FieldsSeq(`absolutely amazingly awfully completely considerable considerably decidedly
		deeply effing enormous enormously entirely especially exceptional exceptionally extreme extremely
		fabulously flipping flippin frackin fracking fricking frickin frigging friggin fully fuckin fucking
		fuggin fugging greatly hella highly hugely incredible incredibly intensely major majorly more most
		particularly purely quite really remarkably so substantially thoroughly total totally tremendous
		tremendously uber unbelievably unusually utter utterly very`) {
		m[w] = boost
	}
	for w := range strings.FieldsSeq(`almost barely hardly kinda kindof less little marginal marginally
		occasional occasionally partly scarce scarcely slight slightly somewhat sorta sortof`) {
		m[w] = -boost
	}
	return m
}()

var negations = func() map[string]bool {
	m := map[string]bool{}
	for w := range strings.FieldsSeq(`aint arent cannot cant couldnt darent didnt doesnt ain't aren't can't
		couldn't daren't didn't doesn't dont hadnt hasnt havent isnt mightnt mustnt neither don't hadn't
		hasn't haven't isn't mightn't mustn't neednt needn't never none nope nor not nothing nowhere
		oughtnt shant shouldnt uhuh wasnt werent oughtn't shan't shouldn't uh-uh wasn't weren't without
		wont wouldnt won't wouldn't rarely seldom despite`) {
		m[w] = true
	}
	return m
}()
