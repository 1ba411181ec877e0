package lab

import (
	"slices"
	"time"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/sentiment"
)

// Evaluation is the score of a model on a labelled set.
type Evaluation struct {
	Metrics
	// Binary is true when the set holds only negative and positive rows;
	// predictions were then restricted to those two labels.
	Binary bool `json:"-"`
	// ByLang scores each value of the lang column (when the set has one).
	ByLang map[string]LangMetrics `json:"by_lang,omitempty"`
	// Referral scores referral detection (when the set has a referral
	// column).
	Referral *PRF `json:"referral,omitempty"`
	// TextsPerSec is the analysis throughput on one goroutine, language
	// identification included.
	TextsPerSec float64 `json:"texts_per_sec"`
	// Analyses are the model's answers, in the order of the set.
	Analyses []core.Analysis `json:"-"`
}

// LangMetrics is the score on the rows of one language.
type LangMetrics struct {
	N        int     `json:"n"`
	Accuracy float64 `json:"accuracy"`
	MacroF1  float64 `json:"macro_f1"`
}

// Keep drops the examples whose label is not one of labels (e.g.
// negative and positive, to score a three-class set as binary).
func (d *Dataset) Keep(labels ...core.Label) {
	d.Examples = slices.DeleteFunc(d.Examples, func(x Example) bool { return !slices.Contains(labels, x.Label) })
}

// Evaluate analyses every example of d with m on the calling goroutine and scores
// the answers. When d holds only negative and positive rows, the predicted
// label is the likelier of those two.
func Evaluate(m *sentiment.Model, d *Dataset) Evaluation {
	ev := Evaluation{Binary: slices.Equal(d.Labels(), []core.Label{core.LabelNegative, core.LabelPositive})}
	ev.Analyses = make([]core.Analysis, len(d.Examples))
	start := time.Now()
	for i, x := range d.Examples {
		ev.Analyses[i] = m.Analyze(x.Text)
	}
	if secs := time.Since(start).Seconds(); secs > 0 {
		ev.TextsPerSec = float64(len(d.Examples)) / secs
	}
	gold := make([]core.Label, len(d.Examples))
	pred := make([]core.Label, len(d.Examples))
	for i, x := range d.Examples {
		gold[i] = x.Label
		pred[i] = ev.Analyses[i].Label
		if ev.Binary {
			pred[i] = BinaryLabel(ev.Analyses[i].Scores)
		}
	}
	ev.Metrics = Score(gold, pred)
	if d.HasLang {
		idx := map[string][]int{}
		for i, x := range d.Examples {
			idx[x.Lang] = append(idx[x.Lang], i)
		}
		ev.ByLang = map[string]LangMetrics{}
		for l, is := range idx {
			g := make([]core.Label, len(is))
			p := make([]core.Label, len(is))
			for j, i := range is {
				g[j], p[j] = gold[i], pred[i]
			}
			mt := Score(g, p)
			ev.ByLang[l] = LangMetrics{N: mt.N, Accuracy: mt.Accuracy, MacroF1: mt.MacroF1}
		}
	}
	if d.HasReferral {
		g := make([]bool, len(d.Examples))
		p := make([]bool, len(d.Examples))
		for i, x := range d.Examples {
			g[i] = x.Referral == RefYes
			p[i] = ev.Analyses[i].Referral
		}
		r := ScoreBinary(g, p)
		ev.Referral = &r
	}
	return ev
}

// BinaryLabel is the likelier of negative and positive.
func BinaryLabel(s core.Scores) core.Label {
	if s.Positive > s.Negative {
		return core.LabelPositive
	}
	return core.LabelNegative
}
