package sentiment

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/shenava/shenava/core"
)

// Text is a text prepared for the classifiers: its tokens and the facts
// about its raw letters. The trainer (package sentiment/lab) prepares each
// training row once and hands it to a Builder, which computes features
// exactly as Analyze does.
type Text struct {
	toks []token
	st   textStats
}

// NewText tokenises text.
func NewText(text string) *Text {
	return &Text{toks: tokenize(text), st: rawStats(text)}
}

// TextKey is the form under which two texts count as the same: the
// normalised words, emoji and numbers, without punctuation or spaces.
func TextKey(text string) string {
	var b []byte
	for _, t := range tokenize(text) {
		if t.kind == tPunct || t.part {
			continue
		}
		b = append(b, t.text...)
	}
	return string(b)
}

// Token is one normalised token of a text, as lexicon keys are formed.
type Token struct {
	Text  string
	Latin bool // a word in Latin letters
}

// Tokens returns the normalised tokens of text, punctuation included.
func Tokens(text string) []Token {
	toks := tokenize(text)
	out := make([]Token, len(toks))
	for i, t := range toks {
		out[i] = Token{Text: t.text, Latin: t.latin}
	}
	return out
}

// MostlyArabicScript reports whether text has more Arabic-script letters
// than Latin ones.
func MostlyArabicScript(text string) bool {
	st := rawStats(text)
	return st.arabic > st.latin
}

// Builder assembles a model file from trained weights. It is what the
// trainer sees of the model: the features of a text for each classifier,
// the scores of the parts trained so far, and the encoder.
// A Builder is not safe for concurrent use.
type Builder struct {
	m Model
	s scratch
}

// BuildSpec is what a model is made of before training: the features of
// each classifier and the lexicon (normalised word or two-word phrase to a
// prior polarity in [-1, 1]) with the names of its sources.
type BuildSpec struct {
	Sent, Ref, Lid FeatureConfig
	Lexicon        map[string]float32
	Lexicons       []string
}

// NewBuilder starts a model with zero weights, temperature 0 (read as 1), no
// biases and a Finglish threshold of 0.5.
func NewBuilder(spec BuildSpec) *Builder {
	b := &Builder{}
	m := &b.m
	lex := lexicon(spec.Lexicon)
	m.sentFz = newFeaturizer(spec.Sent, lex)
	m.refFz = newFeaturizer(spec.Ref, lex)
	m.lidFz = featurizer{cfg: spec.Lid}
	m.hdr.Sent, m.hdr.Ref, m.hdr.Lid = spec.Sent, spec.Ref, spec.Lid
	m.hdr.Lexicons = spec.Lexicons
	m.hdr.FiThreshold = 0.5
	m.refPats = compileRefPatterns()
	m.sent = newLinear(uint(spec.Sent.Bits), 3)
	m.ref = newLinear(uint(spec.Ref.Bits), 2)
	m.lid = newLinear(uint(spec.Lid.Bits), 2)
	return b
}

// SentimentFeatures appends the sentiment classifier's features of t in
// language lang (the known language, in training) to out.
func (b *Builder) SentimentFeatures(t *Text, lang string, out []Feature) []Feature {
	return b.m.sentFz.extract(t.toks, t.st, lang, out)
}

// LanguageFeatures appends the English/Finglish classifier's features of t.
func (b *Builder) LanguageFeatures(t *Text, out []Feature) []Feature {
	return b.m.lidFz.extract(t.toks, t.st, "", out)
}

// ReferralFeatures appends the referral classifier's features of t, given
// its sentiment scores.
func (b *Builder) ReferralFeatures(t *Text, lang string, sc core.Scores, out []Feature) []Feature {
	return b.m.refFeatures(t.toks, t.st, lang, sc, out)
}

// SentimentLogits writes the sentiment weights' logits of t (negative,
// neutral, positive) into z, before bias and temperature.
func (b *Builder) SentimentLogits(t *Text, lang string, z *[3]float64) {
	b.s.feats = b.m.sentFz.extract(t.toks, t.st, lang, b.s.feats[:0])
	b.m.rawLogits(&b.s, z[:])
}

// Scores returns the sentiment scores of t with the weights, biases and
// temperature set so far.
func (b *Builder) Scores(t *Text, lang string) core.Scores {
	return b.m.scores(t.toks, t.st, lang, &b.s)
}

// ReferralLogit returns the referral weights' logit of t, before the bias.
func (b *Builder) ReferralLogit(t *Text, lang string, sc core.Scores) float64 {
	b.s.feats = b.m.refFeatures(t.toks, t.st, lang, sc, b.s.feats[:0])
	z := b.s.z[:2]
	b.m.ref.logits(b.s.feats, z)
	return z[1] - z[0]
}

// Referral returns P(referral) of t with the weights and bias set so far.
func (b *Builder) Referral(t *Text, lang string, sc core.Scores) float64 {
	return b.m.referral(t.toks, t.st, lang, sc, &b.s)
}

// ReferralCue reports whether t matches a referral pattern that suggests a
// recommendation (or its opposite).
func (b *Builder) ReferralCue(t *Text) bool {
	return b.m.refPats.match(t.toks).cue()
}

// SetSentiment, SetReferral and SetLanguage install trained weights: w
// holds one weight per bucket and class, bucket-major, (1<<Bits)*classes
// values for the classifier's FeatureConfig (3 classes for sentiment, 2 for
// the others). They panic on a wrong length.
func (b *Builder) SetSentiment(w []float32) { b.m.sent = b.weights(b.m.hdr.Sent, 3, w) }

// SetReferral installs the referral weights (see SetSentiment).
func (b *Builder) SetReferral(w []float32) { b.m.ref = b.weights(b.m.hdr.Ref, 2, w) }

// SetLanguage installs the English/Finglish weights (see SetSentiment).
func (b *Builder) SetLanguage(w []float32) { b.m.lid = b.weights(b.m.hdr.Lid, 2, w) }

func (b *Builder) weights(cfg FeatureConfig, k int, w []float32) *linear {
	if len(w) != (1<<cfg.Bits)*k {
		panic(fmt.Sprintf("sentiment: %d weights for %d bits and %d classes", len(w), cfg.Bits, k))
	}
	return &linear{bits: uint(cfg.Bits), k: k, w: w}
}

// SetTemperature sets the divisor of the sentiment logits (calibration).
func (b *Builder) SetTemperature(t float64) { b.m.hdr.Temperature = t }

// SetLangBias sets the offsets added to the sentiment logits per language.
func (b *Builder) SetLangBias(bias map[string][3]float64) { b.m.hdr.LangBias = bias }

// SetRefBias sets the offset added to the referral logit.
func (b *Builder) SetRefBias(bias float64) { b.m.hdr.RefBias = bias }

// SetCorpora records the training sets in the model file.
func (b *Builder) SetCorpora(cs []CorpusSummary) { b.m.hdr.Corpora = cs }

// Encode writes the model file and returns it with the model's name:
// ModelVersion and a hash of everything else in the file.
func (b *Builder) Encode() ([]byte, string, error) {
	m := &b.m
	m.hdr.Name = ModelVersion
	out, err := m.encode()
	if err != nil {
		return nil, "", fmt.Errorf("sentiment: encode: %w", err)
	}
	sum := sha256.Sum256(out)
	m.hdr.Name = ModelVersion + "-" + hex.EncodeToString(sum[:4])
	if out, err = m.encode(); err != nil {
		return nil, "", fmt.Errorf("sentiment: encode: %w", err)
	}
	return out, m.hdr.Name, nil
}
