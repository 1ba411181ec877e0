package sentiment

import (
	"bytes"
	_ "embed"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"sync"
)

// The Latin-script detector tells English and Finglish from every other
// language written in Latin letters (German, French, Spanish, Turkish …).
// It is a three-class logistic regression (en, fi, other) over the same
// hashed word and character n-gram features as the English/Finglish model,
// trained by `shenava train -langid` (package sentiment/lab) on the
// project's English and Finglish rows and on translated program messages
// (see MODEL.md). It ships as its own small file, so it serves every
// sentiment model, the shipped one or one a manager trained.
//
//go:embed model/latin.model
var embeddedLatin []byte

const latinMagic = "SHNVLT01"

// Classes of the Latin-script detector, in weight order.
const (
	latinEn = iota
	latinFi
	latinOther
)

// latinHeader is the JSON head of the detector file.
type latinHeader struct {
	Name     string        `json:"name"`
	Features FeatureConfig `json:"features"`
	Scale    float32       `json:"scale"`
	// Other is the probability of "other" above which a Latin text none of
	// whose words is a common English or Finglish word is another language.
	Other float64 `json:"other"`
	// OtherMixed is the same for a text that has some common words, but at
	// most one in MixedShare of its words.
	OtherMixed float64 `json:"other_mixed"`
	MixedShare int     `json:"mixed_share"`
}

// LatinSpec is what a Latin-script detector file holds besides its weights
// (see EncodeLatin).
type LatinSpec struct {
	Name              string
	Features          FeatureConfig
	Other, OtherMixed float64
	MixedShare        int
}

type latinModel struct {
	hdr latinHeader
	fz  featurizer
	w   *linear // en, fi, other
}

// embeddedLatinModel is the detector embedded in the binary, decoded once:
// it is immutable and shared by every Model.
var embeddedLatinModel = sync.OnceValues(func() (*latinModel, error) { return decodeLatin(embeddedLatin) })

func decodeLatin(b []byte) (*latinModel, error) {
	if !bytes.HasPrefix(b, []byte(latinMagic)) {
		return nil, fmt.Errorf("sentiment: decode Latin-script detector: %w", errBadModel)
	}
	r := bytes.NewReader(b[len(latinMagic):])
	var n uint32
	if err := binary.Read(r, binary.LittleEndian, &n); err != nil || int(n) > r.Len() {
		return nil, fmt.Errorf("sentiment: decode Latin-script detector header: %w", errBadModel)
	}
	hb := make([]byte, n)
	if _, err := io.ReadFull(r, hb); err != nil {
		return nil, fmt.Errorf("sentiment: decode Latin-script detector header: %w", err)
	}
	lm := &latinModel{}
	if err := json.Unmarshal(hb, &lm.hdr); err != nil {
		return nil, fmt.Errorf("sentiment: decode Latin-script detector header: %w", err)
	}
	var err error
	if lm.w, err = readLinear(r, lm.hdr.Features.Bits, 3, lm.hdr.Scale); err != nil {
		return nil, fmt.Errorf("sentiment: decode Latin-script detector weights: %w", err)
	}
	if r.Len() != 0 {
		return nil, fmt.Errorf("sentiment: decode Latin-script detector: %d trailing bytes: %w", r.Len(), errBadModel)
	}
	lm.fz = featurizer{cfg: lm.hdr.Features}
	return lm, nil
}

// ValidateLatin reports whether b is a Latin-script detector file that
// this package can load.
func ValidateLatin(b []byte) error {
	_, err := decodeLatin(b)
	return err
}

// EncodeLatin writes a Latin-script detector file: spec and the weights, one
// per bucket and class (en, fi, other), bucket-major.
func EncodeLatin(spec LatinSpec, w []float32) ([]byte, error) {
	if len(w) != (1<<spec.Features.Bits)*3 {
		return nil, fmt.Errorf("sentiment: encode Latin-script detector: %d weights for %d bits: %w", len(w), spec.Features.Bits, errBadModel)
	}
	hdr := latinHeader{Name: spec.Name, Features: spec.Features, Other: spec.Other, OtherMixed: spec.OtherMixed, MixedShare: spec.MixedShare}
	var body bytes.Buffer
	var err error
	if hdr.Scale, err = writeLinear(&body, &linear{bits: uint(spec.Features.Bits), k: 3, w: w}); err != nil {
		return nil, err
	}
	hb, err := json.Marshal(hdr)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	out.WriteString(latinMagic)
	binary.Write(&out, binary.LittleEndian, uint32(len(hb)))
	out.Write(hb)
	out.Write(body.Bytes())
	return out.Bytes(), nil
}

// LatinFeatures appends the Latin-script detector's features of t, for a
// detector with features cfg.
func LatinFeatures(cfg FeatureConfig, t *Text, out []Feature) []Feature {
	fz := featurizer{cfg: cfg}
	return fz.extract(t.toks, t.st, "", out)
}

// probs writes P(en), P(fi), P(other) of a text into p.
func (lm *latinModel) probs(toks []token, st textStats, s *scratch, p *[3]float64) {
	s.feats = lm.fz.extract(toks, st, "", s.feats[:0])
	lm.w.logits(s.feats, s.z[:])
	Softmax(s.z[:], p[:])
}

// isOther decides whether Latin text is another language than English or
// Finglish, given how many of its words are common English or Finglish
// words.
func (lm *latinModel) isOther(toks []token, st textStats, words, common int, s *scratch) bool {
	if words == 0 {
		return false
	}
	var p [3]float64
	switch {
	case common == 0:
		lm.probs(toks, st, s, &p)
		return p[latinOther] >= lm.hdr.Other
	case lm.hdr.MixedShare > 0 && common*lm.hdr.MixedShare <= words:
		lm.probs(toks, st, s, &p)
		return p[latinOther] >= lm.hdr.OtherMixed
	}
	return false
}
