package lab

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/shenava/shenava/sentiment"
)

// LexiconSource names one lexicon file set, its licence and whether that
// licence allows commercial use.
type LexiconSource struct {
	Name       string
	License    string
	Commercial bool
	load       func(root string, add func(lang, phrase string, v float64)) error
}

// Lexicons lists the lexicons training can use, relative to the data root
// (../shared/data).
func Lexicons() []LexiconSource {
	return []LexiconSource{
		{Name: "vader", License: "MIT", Commercial: true, load: loadVader},
		{Name: "afinn", License: "Apache-2.0", Commercial: true, load: loadAfinn},
		{Name: "lexipers", License: "free for any use with attribution", Commercial: true, load: loadLexiPers},
		{Name: "persian-posneg-2015", License: "none stated (research use)", Commercial: false, load: loadPosNeg},
		{Name: "persent", License: "non-commercial academic only", Commercial: false, load: loadPerSent},
	}
}

// buildLexicons reads the chosen lexicons and returns the merged table: the
// mean of every source's value for a phrase, keyed by its normalised form.
// Persian entries are also added in Finglish spellings.
// A lexicon whose files are missing is skipped (and logged); the names of
// the lexicons read are returned.
func buildLexicons(root string, srcs []LexiconSource, logf func(string, ...any)) (map[string]float32, []string, error) {
	type acc struct {
		sum float64
		n   int
	}
	sums := map[string]*acc{}
	var order []string
	var fa []string
	add := func(lang, phrase string, v float64) {
		toks := sentiment.Tokens(phrase)
		if len(toks) == 0 || len(toks) > 2 || v == 0 {
			return
		}
		keys := []string{toks[0].Text}
		if len(toks) == 2 {
			keys = []string{toks[0].Text + " " + toks[1].Text, toks[0].Text + toks[1].Text}
		}
		for _, k := range keys {
			a := sums[k]
			if a == nil {
				a = &acc{}
				sums[k] = a
				order = append(order, k)
			}
			a.sum += v
			a.n++
		}
		if lang == "fa" {
			fa = append(fa, phrase)
		}
	}
	var used []string
	for _, s := range srcs {
		if err := s.load(root, add); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				logf("lexicon %s: skipped (%v)", s.Name, err)
				continue
			}
			return nil, nil, fmt.Errorf("lexicon %s: %w", s.Name, err)
		}
		used = append(used, s.Name)
	}
	// Finglish spellings of the Persian entries: the most common spelling
	// and two sampled ones, with a fixed seed.
	r := rand.New(rand.NewPCG(7, 11))
	fi := map[string]float64{}
	var fiOrder []string
	for _, p := range fa {
		k := faKeyOf(p)
		a := sums[k]
		if a == nil {
			continue
		}
		v := a.sum / float64(a.n)
		for i := range 3 {
			var s string
			if i == 0 {
				s = Transliterate(p, nil)
			} else {
				s = Transliterate(p, r)
			}
			toks := sentiment.Tokens(s)
			if len(toks) != 1 || !toks[0].Latin {
				continue
			}
			w := toks[0].Text
			if _, ok := fi[w]; !ok {
				fiOrder = append(fiOrder, w)
			}
			fi[w] = v
		}
	}
	lex := map[string]float32{}
	for _, k := range order {
		a := sums[k]
		lex[k] = float32(clamp(a.sum/float64(a.n), -1, 1))
	}
	for _, w := range fiOrder {
		if _, ok := lex[w]; !ok && !enStopword(w) {
			lex[w] = float32(clamp(fi[w], -1, 1))
		}
	}
	return lex, used, nil
}

// faKeyOf is the lexicon key of a Persian phrase.
func faKeyOf(p string) string {
	toks := sentiment.Tokens(p)
	switch len(toks) {
	case 1:
		return toks[0].Text
	case 2:
		return toks[0].Text + " " + toks[1].Text
	}
	return ""
}

// enStopword keeps Finglish spellings that are common English words ("bad"
// is "after" and "wind", "man" is "I") out of the lexicon.
func enStopword(w string) bool {
	switch w {
	case "bad", "man", "to", "in", "do", "be", "ye", "are", "ba", "na", "dar", "ham", "sad", "ask", "mast",
		"door", "dard", "shad", "bar", "bid", "bim", "tar", "khar", "sar", "far", "pir":
		return true
	}
	return len(w) < 3
}

func clamp(v, lo, hi float64) float64 { return max(lo, min(hi, v)) }

func readLines(path string, fn func(line string) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		n++
		if err := fn(strings.TrimSuffix(sc.Text(), "\r")); err != nil {
			return fmt.Errorf("%s:%d: %w", path, n, err)
		}
	}
	return sc.Err()
}

// loadVader reads the VADER lexicon (valence -4..4) and gives each emoji
// the mean valence of the words of its description.
func loadVader(root string, add func(lang, phrase string, v float64)) error {
	dir := filepath.Join(root, "lexicons", "vader")
	words := map[string]float64{}
	err := readLines(filepath.Join(dir, "vader_lexicon.txt"), func(l string) error {
		f := strings.Split(l, "\t")
		if len(f) < 2 {
			return nil
		}
		v, err := strconv.ParseFloat(f[1], 64)
		if err != nil {
			return err
		}
		words[strings.ToLower(f[0])] = v / 4
		add("en", f[0], v/4)
		return nil
	})
	if err != nil {
		return err
	}
	return readLines(filepath.Join(dir, "emoji_utf8_lexicon.txt"), func(l string) error {
		f := strings.SplitN(l, "\t", 2)
		if len(f) != 2 {
			return nil
		}
		var sum float64
		var n int
		for _, w := range strings.Fields(f[1]) {
			if v, ok := words[w]; ok {
				sum += v
				n++
			}
		}
		if n > 0 {
			add("emoji", f[0], sum/float64(n))
		}
		return nil
	})
}

// loadAfinn reads AFINN-en-165 and the AFINN emoticons (valence -5..5).
func loadAfinn(root string, add func(lang, phrase string, v float64)) error {
	for _, name := range []string{"AFINN-en-165.txt", "AFINN-emoticon-8.txt"} {
		err := readLines(filepath.Join(root, "lexicons", "afinn", name), func(l string) error {
			i := strings.LastIndexByte(l, '\t')
			if i < 0 {
				return nil
			}
			v, err := strconv.ParseFloat(strings.TrimSpace(l[i+1:]), 64)
			if err != nil {
				return err
			}
			add("en", l[:i], v/5)
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// loadLexiPers reads the word-level LexiPers table (polarity -1, 0, +1;
// ambiguous words skipped).
func loadLexiPers(root string, add func(lang, phrase string, v float64)) error {
	first := true
	return readLines(filepath.Join(root, "lexicons", "lexipers", "lexipers_words.tsv"), func(l string) error {
		if first {
			first = false
			return nil
		}
		f := strings.Split(l, "\t")
		if len(f) < 3 || f[2] == "1" {
			return nil
		}
		v, err := strconv.ParseFloat(strings.TrimPrefix(f[1], "+"), 64)
		if err != nil {
			return err
		}
		add("fa", f[0], v*0.8)
		return nil
	})
}

// loadPosNeg reads the 2015 Persian positive and negative word lists.
func loadPosNeg(root string, add func(lang, phrase string, v float64)) error {
	for _, f := range []struct {
		name string
		v    float64
	}{{"positive.txt", 0.7}, {"negative.txt", -0.7}} {
		err := readLines(filepath.Join(root, "lexicons", "persian-posneg-2015", f.name), func(l string) error {
			if l = strings.TrimSpace(l); l != "" {
				add("fa", l, f.v)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// loadPerSent reads PerSent (polarity -1..1).
func loadPerSent(root string, add func(lang, phrase string, v float64)) error {
	first := true
	return readLines(filepath.Join(root, "lexicons", "persent", "persent.tsv"), func(l string) error {
		if first {
			first = false
			return nil
		}
		f := strings.Split(l, "\t")
		if len(f) < 3 {
			return nil
		}
		v, err := strconv.ParseFloat(f[2], 64)
		if err != nil {
			return nil // a few rows say "None"
		}
		add("fa", f[0], v)
		return nil
	})
}
