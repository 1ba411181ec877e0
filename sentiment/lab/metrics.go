package lab

import (
	"github.com/shenava/shenava/core"
)

// PRF is precision, recall and F1 of one label (or of referral yes).
type PRF struct {
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
	Support   int     `json:"support"`
}

// Metrics summarises predictions against gold labels.
type Metrics struct {
	N           int     `json:"n"`
	Accuracy    float64 `json:"accuracy"`
	MacroF1     float64 `json:"macro_f1"`
	WeightedF1  float64 `json:"weighted_f1"`
	MacroRecall float64 `json:"macro_recall"`
	// PerLabel holds the labels that occur in gold or predictions.
	PerLabel map[core.Label]PRF `json:"per_label"`
	// Confusion[gold][predicted] counts examples.
	Confusion map[core.Label]map[core.Label]int `json:"confusion"`
	// Labels are the labels averaged over, in core.Labels order.
	Labels []core.Label `json:"-"`
}

// Score computes metrics of pred against gold. The macro averages run over
// the labels present in gold (so a binary file is scored as binary).
func Score(gold, pred []core.Label) Metrics {
	m := Metrics{
		N:         len(gold),
		PerLabel:  map[core.Label]PRF{},
		Confusion: map[core.Label]map[core.Label]int{},
	}
	inGold := map[core.Label]int{}
	inPred := map[core.Label]int{}
	correct := 0
	for i, g := range gold {
		p := pred[i]
		inGold[g]++
		inPred[p]++
		if m.Confusion[g] == nil {
			m.Confusion[g] = map[core.Label]int{}
		}
		m.Confusion[g][p]++
		if g == p {
			correct++
		}
	}
	if m.N == 0 {
		return m
	}
	m.Accuracy = float64(correct) / float64(m.N)
	for _, l := range core.Labels {
		if inGold[l] == 0 && inPred[l] == 0 {
			continue
		}
		tp := m.Confusion[l][l]
		r := prf(tp, inPred[l], inGold[l])
		m.PerLabel[l] = r
		if inGold[l] > 0 {
			m.Labels = append(m.Labels, l)
			m.MacroF1 += r.F1
			m.MacroRecall += r.Recall
			m.WeightedF1 += r.F1 * float64(inGold[l])
		}
	}
	if k := float64(len(m.Labels)); k > 0 {
		m.MacroF1 /= k
		m.MacroRecall /= k
	}
	m.WeightedF1 /= float64(m.N)
	return m
}

// prf computes precision, recall and F1 from true positives, predicted
// positives and gold positives.
func prf(tp, predicted, gold int) PRF {
	r := PRF{Support: gold}
	if predicted > 0 {
		r.Precision = float64(tp) / float64(predicted)
	}
	if gold > 0 {
		r.Recall = float64(tp) / float64(gold)
	}
	if r.Precision+r.Recall > 0 {
		r.F1 = 2 * r.Precision * r.Recall / (r.Precision + r.Recall)
	}
	return r
}

// ScoreBinary computes precision, recall and F1 of the positive class.
func ScoreBinary(gold, pred []bool) PRF {
	tp, p, g := 0, 0, 0
	for i := range gold {
		if gold[i] {
			g++
		}
		if pred[i] {
			p++
			if gold[i] {
				tp++
			}
		}
	}
	return prf(tp, p, g)
}
