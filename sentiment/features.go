package sentiment

import (
	"math"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Feature is one hashed feature: a bucket of the weight table and its value.
type Feature struct {
	Index uint32
	Value float32
}

// Feature groups: each hashes with its own prefix so that a word, a
// character n-gram and a bigram never share a bucket by construction.
const (
	gBias byte = iota + 1
	gWord
	gNegWord
	gBigram
	gChar
	gLex
	gMeta
	gTrigram
)

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

func hgroup(g byte) uint64 { return (fnvOffset ^ uint64(g)) * fnvPrime }

func hstr(h uint64, s string) uint64 {
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= fnvPrime
	}
	return h
}

func hsep(h uint64) uint64 { return (h ^ 0xff) * fnvPrime }

// bucket folds a 64-bit hash into a table of 1<<bits buckets.
func bucket(h uint64, bits uint) uint32 {
	h ^= h >> 29
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 32
	return uint32(h >> (64 - bits))
}

// FeatureConfig says which features a model uses; it is stored in the model
// file so that training and inference agree.
type FeatureConfig struct {
	Bits      uint8 // log2 of the number of buckets
	CharMin   uint8 // character n-gram lengths, 0 = none
	CharMax   uint8
	Bigrams   bool
	Trigrams  bool
	Lexicon   bool
	WordScale float32 // multiplier of the L2-normalised word group
	CharScale float32 // multiplier of the L2-normalised character group
	LexScale  float32 // multiplier of lexicon features
	// PatScale is the value of the referral pattern features (1 when 0).
	PatScale   float32 `json:",omitempty"`
	MaxWordLen uint8   // longer words get no character n-grams
	// Cues adds the complaint cue features (cues.go), each with the value
	// CueScale (1 when 0).
	Cues     bool    `json:",omitempty"`
	CueScale float32 `json:",omitempty"`
	// PraiseWords conjoins every word with the presence of praise or an
	// ironic emoji (with Cues), so that "wait" next to "great" can weigh
	// differently from "wait" alone: the L2-normalised group gets this
	// scale (0 = none).
	PraiseWords float32 `json:",omitempty"`
}

// textStats are facts about the raw text that folding loses.
type textStats struct {
	capsWords int // Latin words of three or more letters, all upper case
	elongated bool
	// Script evidence for language identification, counted on raw letters.
	arabic, latin, otherLetters int
	faOnly                      int // پ چ ژ گ ی ک
	arOnly                      int // ي ك ة ى أ إ and other Arabic-only forms
	urdu                        int // ے ں ٹ ڈ ڑ ھ ہ
	// linkLatin counts the Latin letters (of latin) inside links and
	// @handles, which say nothing about the language of the text.
	linkLatin int
}

// rawStats scans the raw text once.
func rawStats(text string) textStats {
	var st textStats
	var run, upper, letters int
	var prev rune
	inLink := false
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if i == 0 || unicode.IsSpace(prev) {
			inLink = startsLink(text[i:])
		} else if unicode.IsSpace(r) {
			inLink = false
		}
		i += size
		if inLink && r < 0x250 && unicode.IsLetter(r) {
			st.linkLatin++
		}
		if r == prev && unicode.IsLetter(r) {
			run++
			if run == 3 {
				st.elongated = true
			}
		} else {
			run = 1
		}
		prev = r
		switch {
		case r < 0x80:
			if 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' {
				st.latin++
				letters++
				if r <= 'Z' {
					upper++
				}
				continue
			}
		case isArabicScript(r):
			if unicode.IsLetter(r) {
				st.arabic++
				switch r {
				case 'پ', 'چ', 'ژ', 'گ', 'ی', 'ک':
					st.faOnly++
				case 'ي', 'ك', 'ة', 'ى', 'أ', 'إ':
					st.arOnly++
				case 'ے', 'ں', 'ٹ', 'ڈ', 'ڑ', 'ھ', 'ہ':
					st.urdu++
				}
			}
		case unicode.IsLetter(r):
			if r < 0x250 {
				st.latin++
				letters++
				if unicode.IsUpper(r) {
					upper++
				}
				continue
			}
			st.otherLetters++
		}
		if letters >= 3 && upper == letters {
			st.capsWords++
		}
		letters, upper = 0, 0
	}
	if letters >= 3 && upper == letters {
		st.capsWords++
	}
	return st
}

// startsLink reports whether s starts with a link or an @handle.
func startsLink(s string) bool {
	if s == "" {
		return false
	}
	if s[0] == '@' {
		return true
	}
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "www.")
}

// featurizer turns tokens into hashed features.
type featurizer struct {
	cfg FeatureConfig
	lex lexicon
	// starts are the first words of the lexicon's phrases.
	starts map[string]bool
}

func newFeaturizer(cfg FeatureConfig, lex lexicon) featurizer {
	return featurizer{cfg: cfg, lex: lex, starts: lex.phraseStarts()}
}

// extract appends the features of one text to out. lang is the detected (or,
// in training, the known) language; it conjoins the bias features.
func (fz *featurizer) extract(toks []token, st textStats, lang string, out []Feature) []Feature {
	bits := uint(fz.cfg.Bits)
	start := len(out)
	// Word unigrams, negation-marked, and bigrams of content tokens.
	prev := uint64(0)
	havePrev := false
	var prev2 uint64
	havePrev2 := false
	for _, t := range toks {
		switch t.kind {
		case tPunct:
			if t.text == "," || t.text == "." || t.text == ";" || t.text == ":" {
				havePrev, havePrev2 = false, false
				continue
			}
		case tNum:
			if len(t.text) > 4 {
				continue // prices, phone numbers, years
			}
		}
		g := gWord
		if t.neg {
			g = gNegWord
		}
		h := hstr(hgroup(g), t.text)
		out = append(out, Feature{bucket(h, bits), 1})
		wh := hstr(hsep(0), t.text)
		if fz.cfg.Bigrams && havePrev {
			out = append(out, Feature{bucket(hgroup(gBigram)^prev*31^wh, bits), 1})
			if fz.cfg.Trigrams && havePrev2 {
				out = append(out, Feature{bucket(hgroup(gTrigram)^prev2*961^prev*31^wh, bits), 1})
			}
		}
		prev2, havePrev2 = prev, havePrev
		prev, havePrev = wh, true
	}
	out = scaleGroup(out, start, fz.cfg.WordScale)

	// Character n-grams of words, with boundary marks: <good> → <go goo ...
	if fz.cfg.CharMax > 0 {
		cstart := len(out)
		var buf [64]int
		for _, t := range toks {
			if t.kind != tWord || t.part {
				continue
			}
			n := utf8.RuneCountInString(t.text)
			if n > int(fz.cfg.MaxWordLen) || n+2 > len(buf) {
				continue
			}
			// Rune boundaries of "<" + word + ">" as byte offsets into the
			// virtual string; offsets past len(word) mean ">".
			bounds := buf[:0]
			for i := range t.text {
				bounds = append(bounds, i)
			}
			bounds = append(bounds, len(t.text))
			// virtual runes: 0 = "<", 1..n = word runes, n+1 = ">"
			m := n + 2
			for i := 0; i < m; i++ {
				h := hgroup(gChar)
				for j := i; j < m && j-i < int(fz.cfg.CharMax); j++ {
					switch {
					case j == 0:
						h = (h ^ '<') * fnvPrime
					case j == m-1:
						h = (h ^ '>') * fnvPrime
					default:
						h = hstr(h, t.text[bounds[j-1]:bounds[j]])
					}
					if j-i+1 >= int(fz.cfg.CharMin) && !(i == 0 && j == m-1 && n <= 1) {
						out = append(out, Feature{bucket(h, bits), 1})
					}
				}
			}
		}
		out = scaleGroup(out, cstart, fz.cfg.CharScale)
	}

	// Lexicon polarity with negation, per script.
	if fz.cfg.Lexicon && fz.lex != nil {
		out = fz.lexFeatures(toks, out)
	}

	// Meta features.
	meta := func(name string, v float32) {
		out = append(out, Feature{bucket(hstr(hgroup(gMeta), name), bits), v})
	}
	out = append(out, Feature{bucket(hgroup(gBias), bits), 1})
	out = append(out, Feature{bucket(hstr(hgroup(gBias), lang), bits), 1})
	if st.capsWords > 0 {
		meta("caps", 1)
	}
	if st.elongated {
		meta("elong", 1)
	}
	if fz.cfg.Cues {
		v := fz.cfg.CueScale
		if v == 0 {
			v = 1
		}
		c := complaintCues(toks)
		c.features(func(name string) { meta(name, v) })
		if fz.cfg.PraiseWords > 0 && c.bits&(cuePraise|cueIrony) != 0 {
			pstart := len(out)
			ph := hstr(hgroup(gMeta), "praise|")
			for _, t := range toks {
				if t.kind == tWord || t.kind == tNum {
					out = append(out, Feature{bucket(hstr(ph, t.text), bits), 1})
				}
			}
			out = scaleGroup(out, pstart, fz.cfg.PraiseWords)
		}
	}
	nw := 0
	for _, t := range toks {
		if t.kind == tWord {
			nw++
		}
	}
	switch {
	case nw == 0:
		meta("len0", 1)
	case nw <= 3:
		meta("len3", 1)
	case nw <= 10:
		meta("len10", 1)
	case nw <= 25:
		meta("len25", 1)
	default:
		meta("len+", 1)
	}
	return out
}

// scaleGroup L2-normalises out[start:] and multiplies it by s.
func scaleGroup(out []Feature, start int, s float32) []Feature {
	n := len(out) - start
	if n == 0 {
		return out
	}
	k := s / float32(math.Sqrt(float64(n)))
	for i := start; i < len(out); i++ {
		out[i].Value *= k
	}
	return out
}

// lexFeatures adds prior-polarity features in the manner of VADER: each
// lexicon word's value, raised after an intensifier, flipped and weakened
// inside a negation scope, halved before a "but" and raised after it; then per
// script the sums of positive and negative values, a compound score
// s/sqrt(s²+1) with ! emphasis, its sign, the polarity of the last sentiment
// word, and whether the text mixes both.
func (fz *featurizer) lexFeatures(toks []token, out []Feature) []Feature {
	bits := uint(fz.cfg.Bits)
	type acc struct {
		pos, neg, last float32
		sum            float64
		hits           int
	}
	var latin, arabic, emo acc
	// Position of the first contrast word, for the "but" rule.
	but := -1
	bangs := 0
	for i, t := range toks {
		if but < 0 && t.kind == tWord && contrast[t.text] {
			but = i
		}
		if t.kind == tPunct && (t.text == "!" || t.text == "!!" || t.text == "?!") {
			bangs += len(t.text)
		}
	}
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		var a *acc
		switch {
		case t.kind == tEmoji || t.kind == tEmoticon:
			a = &emo
		case t.kind == tWord && t.latin:
			a = &latin
		case t.kind == tWord && t.arabic:
			a = &arabic
		default:
			continue
		}
		pos := i
		v, ok := float32(0), false
		if i+1 < len(toks) && toks[i+1].kind == tWord && fz.starts[t.text] {
			v, ok = fz.lex.lookup(t.text, toks[i+1].text)
			if ok {
				i++
			}
		}
		if !ok {
			v, ok = fz.lex.lookup(t.text, "")
		}
		if !ok {
			continue
		}
		if pos > 0 && intensifiers[toks[pos-1].text] {
			v *= 1.3
		}
		if t.neg {
			v = -0.6 * v
		}
		switch {
		case but >= 0 && pos < but:
			v *= 0.5
		case but >= 0 && pos > but:
			v *= 1.5
		}
		if v > 0 {
			a.pos += v
		} else {
			a.neg -= v
		}
		a.last = v
		a.sum += float64(v)
		a.hits++
	}
	s := fz.cfg.LexScale
	emit := func(name string, a acc) {
		h := hstr(hgroup(gLex), name)
		add := func(key string, v float32) {
			out = append(out, Feature{bucket(hstr(h, key), bits), v * s})
		}
		if a.hits == 0 {
			add("none", 1)
			return
		}
		add("pos", squash(a.pos))
		add("neg", squash(a.neg))
		sum := a.sum
		if sum != 0 && bangs > 0 {
			sum += math.Copysign(0.07*float64(min(bangs, 4)), sum)
		}
		c := float32(sum / math.Sqrt(sum*sum+1))
		add("c", c)
		switch {
		case c >= 0.05:
			add("c+", 1)
		case c <= -0.05:
			add("c-", 1)
		default:
			add("c0", 1)
		}
		if a.pos > 0 && a.neg > 0 {
			add("mixed", 1)
		}
		switch {
		case a.last > 0:
			add("last+", 1)
		case a.last < 0:
			add("last-", 1)
		}
	}
	emit("latin", latin)
	emit("arabic", arabic)
	emit("emoji", emo)
	return out
}

// intensifiers raise the value of the sentiment word after them.
var intensifiers = wordSet(`very really so too extremely super totally absolutely incredibly highly
	most truly damn soo sooo خیلی خیلیی واقعا بسیار بینهایت فوق العاده شدیدا کاملا اینقدر انقدر
	بشدت حسابی kheili kheyli khaili vaghean vaghan kheilii besyar shadidan kamelan enghadr
	inghadr`)

// squash maps a non-negative sum to [0, 1).
func squash(x float32) float32 { return x / (1 + x) }
