package sentiment

import (
	"bytes"
	_ "embed"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"sync"

	"github.com/shenava/shenava/core"
)

//go:embed model/sentiment.model
var embeddedModel []byte

// Model is the trained sentiment, referral and language model. It is
// immutable after Load and safe for concurrent use.
type Model struct {
	hdr     modelHeader
	sent    *linear // negative, neutral, positive
	ref     *linear // no, yes
	lid     *linear // en, fi
	sentFz  featurizer
	refFz   featurizer
	lidFz   featurizer
	refPats refPatterns
	latin   *latinModel
	bufs    sync.Pool
}

// modelHeader is the JSON head of the model file.
type modelHeader struct {
	Name string `json:"name"`
	// Features of each classifier.
	Sent FeatureConfig `json:"sent"`
	Ref  FeatureConfig `json:"ref"`
	Lid  FeatureConfig `json:"lid"`
	// Scale of the int16 weights of each classifier.
	SentScale float32 `json:"sent_scale"`
	RefScale  float32 `json:"ref_scale"`
	LidScale  float32 `json:"lid_scale"`
	// Temperature divides the sentiment logits (calibration).
	Temperature float64 `json:"temperature"`
	// LangBias is added to the sentiment logits per detected language.
	LangBias map[string][3]float64 `json:"lang_bias"`
	// RefBias is added to the referral logit.
	RefBias float64 `json:"ref_bias"`
	// FiThreshold is the Finglish probability above which Latin text is fi.
	FiThreshold float64 `json:"fi_threshold"`
	// Lexicons names the lexicons the features use.
	Lexicons []string `json:"lexicons"`
	// Corpora lists the training sets and their row counts.
	Corpora []CorpusSummary `json:"corpora"`
}

// CorpusSummary is one training set as the model file records it.
type CorpusSummary struct {
	Name       string `json:"name"`
	Rows       int    `json:"rows"`
	Finglish   int    `json:"finglish,omitempty"`
	Commercial bool   `json:"commercial"`
}

const modelMagic = "SHNVSM01"

// ModelVersion is the prefix of the model name; the name ends with a hash of
// the weights, so two models with the same name are the same model.
const ModelVersion = "shenava-sentiment-1"

// Load decodes the model embedded in the binary. Each call decodes it anew
// (about 10 ms and 17 MB), so build one Model at start-up and share it.
func Load() (*Model, error) {
	return Decode(embeddedModel)
}

// Decode reads a model file written by sentiment/lab's Train. The model
// uses the Latin-script detector embedded in the binary.
func Decode(b []byte) (*Model, error) {
	return DecodeWithLatin(b, nil)
}

// DecodeWithLatin reads a model file and uses the Latin-script detector file
// latin (written by sentiment/lab's TrainLatin), or the embedded one when
// latin is nil.
func DecodeWithLatin(b, latin []byte) (*Model, error) {
	if !bytes.HasPrefix(b, []byte(modelMagic)) {
		return nil, fmt.Errorf("sentiment: decode model: %w", errBadModel)
	}
	r := bytes.NewReader(b[len(modelMagic):])
	var n uint32
	if err := binary.Read(r, binary.LittleEndian, &n); err != nil || int(n) > r.Len() {
		return nil, fmt.Errorf("sentiment: decode model header: %w", errBadModel)
	}
	hb := make([]byte, n)
	if _, err := io.ReadFull(r, hb); err != nil {
		return nil, fmt.Errorf("sentiment: decode model header: %w", err)
	}
	m := &Model{}
	if err := json.Unmarshal(hb, &m.hdr); err != nil {
		return nil, fmt.Errorf("sentiment: decode model header: %w", err)
	}
	var err error
	if m.sent, err = readLinear(r, m.hdr.Sent.Bits, 3, m.hdr.SentScale); err != nil {
		return nil, fmt.Errorf("sentiment: decode sentiment weights: %w", err)
	}
	if m.ref, err = readLinear(r, m.hdr.Ref.Bits, 2, m.hdr.RefScale); err != nil {
		return nil, fmt.Errorf("sentiment: decode referral weights: %w", err)
	}
	if m.lid, err = readLinear(r, m.hdr.Lid.Bits, 2, m.hdr.LidScale); err != nil {
		return nil, fmt.Errorf("sentiment: decode language weights: %w", err)
	}
	lex, err := readLexicon(r)
	if err != nil {
		return nil, fmt.Errorf("sentiment: decode lexicon: %w", err)
	}
	if r.Len() != 0 {
		return nil, fmt.Errorf("sentiment: decode model: %d trailing bytes: %w", r.Len(), errBadModel)
	}
	m.sentFz = newFeaturizer(m.hdr.Sent, lex)
	m.refFz = newFeaturizer(m.hdr.Ref, lex)
	m.lidFz = featurizer{cfg: m.hdr.Lid}
	m.refPats = compileRefPatterns()
	if latin == nil {
		m.latin, err = embeddedLatinModel()
	} else {
		m.latin, err = decodeLatin(latin)
	}
	if err != nil {
		return nil, err
	}
	m.bufs.New = func() any { return &scratch{feats: make([]Feature, 0, 1024)} }
	return m, nil
}

var errBadModel = errors.New("not a Shenava sentiment model")

// Name is the model version written into every Analysis.
func (m *Model) Name() string { return m.hdr.Name }

// scratch holds per-call buffers.
type scratch struct {
	feats []Feature
	z     [3]float64
	p     [3]float64
}

// Analyze decides the language, sentiment and referral of one text.
func (m *Model) Analyze(text string) core.Analysis {
	s := m.bufs.Get().(*scratch)
	defer m.bufs.Put(s)
	toks := tokenize(text)
	st := rawStats(text)
	lang := m.detect(toks, st, s)
	a := core.Analysis{Lang: lang, Model: m.hdr.Name}
	a.Scores = m.scores(toks, st, lang, s)
	a.Label, _ = a.Scores.Top()
	// The referral classifier and its phrases know Persian, English and
	// Finglish only; a post in another language is never called a
	// referral ("Muchas gracias, el servicio es excelente" is praise).
	switch lang {
	case core.LangPersian, core.LangEnglish, core.LangFinglish:
		a.ReferralScore = m.referral(toks, st, lang, a.Scores, s)
	}
	a.Referral = a.ReferralScore >= 0.5
	if a.Referral {
		// Recommending the brand is positive, whatever the words around
		// it; the final label says so, so a referral never reads (or
		// alerts) as a complaint.
		a.Label = core.LabelPositive
	}
	return a
}

// scores runs the sentiment classifier.
func (m *Model) scores(toks []token, st textStats, lang string, s *scratch) core.Scores {
	s.feats = m.sentFz.extract(toks, st, lang, s.feats[:0])
	z := s.z[:]
	m.rawLogits(s, z)
	b := m.hdr.LangBias[lang]
	t := m.hdr.Temperature
	if t <= 0 {
		t = 1
	}
	for c := range z {
		z[c] = (z[c] + b[c]) / t
	}
	p := s.p[:]
	Softmax(z, p)
	return core.Scores{Negative: p[0], Neutral: p[1], Positive: p[2]}
}

// referral runs the referral classifier and returns P(referral).
func (m *Model) referral(toks []token, st textStats, lang string, sc core.Scores, s *scratch) float64 {
	s.feats = m.refFeatures(toks, st, lang, sc, s.feats[:0])
	z := s.z[:2]
	m.ref.logits(s.feats, z)
	return sigmoid(z[1] - z[0] + m.hdr.RefBias)
}

// rawLogits computes the sentiment logits of s.feats before bias and
// temperature.
func (m *Model) rawLogits(s *scratch, z []float64) {
	m.sent.logits(s.feats, z)
}

// refFeatures are the referral classifier's features: words, the referral
// patterns, and the sentiment (referrals are nearly always positive).
func (m *Model) refFeatures(toks []token, st textStats, lang string, sc core.Scores, out []Feature) []Feature {
	out = m.refFz.extract(toks, st, lang, out)
	md := moodCues(toks)
	out = appendRefPatterns(toks, m.refPats, md, m.hdr.Ref.Bits, m.hdr.Ref.PatScale, out)
	bits := uint(m.hdr.Ref.Bits)
	out = append(out,
		Feature{bucket(hstr(hgroup(gMeta), "ref:pos"), bits), float32(sc.Positive)},
		Feature{bucket(hstr(hgroup(gMeta), "ref:neg"), bits), float32(sc.Negative)})
	// Recommending is addressing others while being positive.
	if md.imperative || md.address {
		out = append(out, Feature{bucket(hstr(hgroup(gMeta), "ref:mood*pos"), bits), float32(sc.Positive)})
	}
	return out
}

func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

// readLinear reads (1<<bits)*k little-endian int16 weights.
func readLinear(r *bytes.Reader, bits uint8, k int, scale float32) (*linear, error) {
	if bits == 0 || bits > 24 {
		return nil, fmt.Errorf("%d hash bits: %w", bits, errBadModel)
	}
	l := &linear{bits: uint(bits), k: k, q: make([]int16, (1<<bits)*k), scale: scale}
	n := len(l.q)
	if r.Len() < 2*n {
		return nil, fmt.Errorf("want %d weights, have %d bytes: %w", n, r.Len(), errBadModel)
	}
	buf := make([]byte, 2*n)
	if _, err := io.ReadFull(r, buf); err != nil {
		return nil, err
	}
	for i := range n {
		l.q[i] = int16(binary.LittleEndian.Uint16(buf[2*i:]))
	}
	return l, nil
}

// writeLinear quantises l's weights to int16 and returns the scale. A loaded
// model's weights are written as they were read.
func writeLinear(w io.Writer, l *linear) (float32, error) {
	if l.q != nil {
		buf := make([]byte, 2*len(l.q))
		for i, q := range l.q {
			binary.LittleEndian.PutUint16(buf[2*i:], uint16(q))
		}
		_, err := w.Write(buf)
		return l.scale, err
	}
	var maxAbs float32
	for _, v := range l.w {
		maxAbs = max(maxAbs, float32(math.Abs(float64(v))))
	}
	scale := maxAbs / 32767
	if scale == 0 {
		scale = 1
	}
	buf := make([]byte, 2*len(l.w))
	for i, v := range l.w {
		q := int16(math.Round(float64(v / scale)))
		binary.LittleEndian.PutUint16(buf[2*i:], uint16(q))
	}
	_, err := w.Write(buf)
	return scale, err
}

func readLexicon(r *bytes.Reader) (lexicon, error) {
	var n uint32
	if err := binary.Read(r, binary.LittleEndian, &n); err != nil {
		return nil, err
	}
	lex := make(lexicon, n)
	for range n {
		var kl uint16
		if err := binary.Read(r, binary.LittleEndian, &kl); err != nil {
			return nil, err
		}
		kb := make([]byte, kl)
		if _, err := io.ReadFull(r, kb); err != nil {
			return nil, err
		}
		var v float32
		if err := binary.Read(r, binary.LittleEndian, &v); err != nil {
			return nil, err
		}
		lex[string(kb)] = v
	}
	return lex, nil
}

func writeLexicon(w io.Writer, lex lexicon) error {
	if err := binary.Write(w, binary.LittleEndian, uint32(len(lex))); err != nil {
		return err
	}
	for _, k := range lex.sortedKeys() {
		if err := binary.Write(w, binary.LittleEndian, uint16(len(k))); err != nil {
			return err
		}
		if _, err := io.WriteString(w, k); err != nil {
			return err
		}
		if err := binary.Write(w, binary.LittleEndian, lex[k]); err != nil {
			return err
		}
	}
	return nil
}

// encode writes the model file. The quantisation scales go into the header,
// so the weights are written to a buffer first.
func (m *Model) encode() ([]byte, error) {
	var body bytes.Buffer
	var err error
	if m.hdr.SentScale, err = writeLinear(&body, m.sent); err != nil {
		return nil, err
	}
	if m.hdr.RefScale, err = writeLinear(&body, m.ref); err != nil {
		return nil, err
	}
	if m.hdr.LidScale, err = writeLinear(&body, m.lid); err != nil {
		return nil, err
	}
	if err := writeLexicon(&body, m.sentFz.lex); err != nil {
		return nil, err
	}
	hb, err := json.Marshal(m.hdr)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	out.WriteString(modelMagic)
	binary.Write(&out, binary.LittleEndian, uint32(len(hb)))
	out.Write(hb)
	out.Write(body.Bytes())
	return out.Bytes(), nil
}
