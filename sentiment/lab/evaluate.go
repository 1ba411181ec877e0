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
	// Alert and ThankYou score the product's two decisions (with
	// EvaluateDecisions): an alert is right when the gold label is
	// negative, a thank-you when the gold referral is yes (ThankYou only
	// when the set has a referral column).
	Alert    *DecisionMetrics `json:"alert,omitempty"`
	ThankYou *DecisionMetrics `json:"thank_you,omitempty"`
	// ByCase scores each value of the case column (when the set has one).
	ByCase map[string]CaseMetrics `json:"by_case,omitempty"`
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
	// Alert and ThankYou are the decisions on these rows (with
	// EvaluateDecisions).
	Alert    *DecisionMetrics `json:"alert,omitempty"`
	ThankYou *DecisionMetrics `json:"thank_you,omitempty"`
}

// DecisionMetrics scores one decision against its gold (negative for
// alerts, referral yes for thank-yous) at one threshold.
type DecisionMetrics struct {
	Threshold float64 `json:"threshold"`
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
	// Support is the number of gold positives (complaints, referrals).
	Support int `json:"support"`
	// Decided is the number of rows the decision fired on.
	Decided int `json:"decided"`
}

// CaseMetrics is the score on the rows of one hard case.
type CaseMetrics struct {
	N        int     `json:"n"`
	Accuracy float64 `json:"accuracy"`
	// Negative is the number of gold-negative rows; Alerted of them
	// alerted (AlertRecall is their share). FalseAlerts counts alerts on
	// the other rows.
	Negative    int     `json:"negative"`
	Alerted     int     `json:"alerted"`
	AlertRecall float64 `json:"alert_recall"`
	FalseAlerts int     `json:"false_alerts"`
	// Referrals is the number of gold referrals; Thanked of them were
	// thanked. FalseThanks counts thank-yous on the other rows.
	Referrals   int `json:"referrals"`
	Thanked     int `json:"thanked"`
	FalseThanks int `json:"false_thanks"`
}

// Decisions are the product's two decisions as functions of an analysis
// (listen.Alerts and listen.Thanks at the routing thresholds), given to
// EvaluateDecisions so that the evaluation uses the very code the engine
// runs.
type Decisions struct {
	AlertThreshold float64
	Alert          func(core.Analysis) bool
	ThankThreshold float64
	Thank          func(core.Analysis) bool
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
	return EvaluateDecisions(m, d, Decisions{})
}

// EvaluateDecisions is Evaluate that also scores the decisions dc (those
// whose function is set): overall, per language and per case.
func EvaluateDecisions(m *sentiment.Model, d *Dataset, dc Decisions) Evaluation {
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
			ev.ByLang[l] = LangMetrics{N: mt.N, Accuracy: mt.Accuracy, MacroF1: mt.MacroF1,
				Alert: ev.alertMetrics(d, dc, is), ThankYou: ev.thankMetrics(d, dc, is)}
		}
	}
	all := make([]int, len(d.Examples))
	for i := range all {
		all[i] = i
	}
	ev.Alert = ev.alertMetrics(d, dc, all)
	ev.ThankYou = ev.thankMetrics(d, dc, all)
	if d.HasCase {
		ev.ByCase = map[string]CaseMetrics{}
		for i, x := range d.Examples {
			c := ev.ByCase[x.Case]
			c.N++
			if pred[i] == x.Label {
				c.Accuracy++
			}
			alerted := dc.Alert != nil && dc.Alert(ev.Analyses[i])
			thanked := dc.Thank != nil && dc.Thank(ev.Analyses[i])
			if x.Label == core.LabelNegative {
				c.Negative++
				if alerted {
					c.Alerted++
				}
			} else if alerted {
				c.FalseAlerts++
			}
			if x.Referral == RefYes {
				c.Referrals++
				if thanked {
					c.Thanked++
				}
			} else if thanked {
				c.FalseThanks++
			}
			ev.ByCase[x.Case] = c
		}
		for k, c := range ev.ByCase {
			c.Accuracy /= float64(c.N)
			if c.Negative > 0 {
				c.AlertRecall = float64(c.Alerted) / float64(c.Negative)
			}
			ev.ByCase[k] = c
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

// alertMetrics scores dc.Alert on the rows is (nil without an alert
// decision).
func (ev *Evaluation) alertMetrics(d *Dataset, dc Decisions, is []int) *DecisionMetrics {
	if dc.Alert == nil {
		return nil
	}
	return decisionMetrics(dc.AlertThreshold, is, func(i int) (bool, bool) {
		return d.Examples[i].Label == core.LabelNegative, dc.Alert(ev.Analyses[i])
	})
}

// thankMetrics scores dc.Thank on the rows is (nil without a thank-you
// decision or a referral column).
func (ev *Evaluation) thankMetrics(d *Dataset, dc Decisions, is []int) *DecisionMetrics {
	if dc.Thank == nil || !d.HasReferral {
		return nil
	}
	return decisionMetrics(dc.ThankThreshold, is, func(i int) (bool, bool) {
		return d.Examples[i].Referral == RefYes, dc.Thank(ev.Analyses[i])
	})
}

func decisionMetrics(threshold float64, is []int, f func(i int) (gold, decided bool)) *DecisionMetrics {
	g := make([]bool, len(is))
	p := make([]bool, len(is))
	n := 0
	for j, i := range is {
		g[j], p[j] = f(i)
		if p[j] {
			n++
		}
	}
	r := ScoreBinary(g, p)
	return &DecisionMetrics{Threshold: threshold, Precision: r.Precision, Recall: r.Recall, F1: r.F1, Support: r.Support, Decided: n}
}
