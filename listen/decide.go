package listen

import "github.com/shenava/shenava/core"

// The two decisions Shenava makes on its own, as pure functions of one
// analysis and a threshold. The engine calls them for every new mention,
// and `shenava eval` scores a labelled set with the very same functions at
// the default thresholds, so the figures in sentiment/MODEL.md are the
// figures of the running product.

// Decision defaults: alerts lean to recall (a missed complaint costs more
// than one extra alert), thank-yous to precision (a public thank-you and a
// reward code for someone who did not refer cost money and look foolish).
// sentiment/MODEL.md reports what these give on the brand test sets.
const (
	DefaultAlertThreshold    = 0.12
	DefaultReferralThreshold = 0.75
)

// AlertNeutralWeight is how much each unit of P(neutral) raises the
// P(negative) an alert needs. Complaints the model is unsure of split
// their probability between negative and positive (sarcasm: praise words
// next to a failure), while the posts a low threshold alerts on wrongly
// split it between negative and neutral (questions, news, "my order
// shipped"); so a post that is mostly neutral needs more negative evidence
// than one that is not. Chosen on brand/dev2 with the threshold (see
// sentiment/MODEL.md).
const AlertNeutralWeight = 0.3

// Alerts reports whether a mention with analysis a is a complaint to alert
// on: P(negative) reaches threshold + AlertNeutralWeight·P(neutral),
// whatever the label (below the argmax point an alert also catches the
// complaints the model is unsure of, e.g. sarcasm it scores as mostly
// positive), unless the mention is a referral, whose final label is
// positive. With no neutral probability the bar is threshold itself; at
// P(neutral) 0.7 it is threshold + 0.21.
func Alerts(a core.Analysis, threshold float64) bool {
	if a.Referral && a.Label == core.LabelPositive {
		return false
	}
	return a.Scores.Negative >= threshold+AlertNeutralWeight*a.Scores.Neutral
}

// Thanks reports whether a mention with analysis a recommends the brand
// strongly enough to be thanked: the model calls it a referral, its referral
// score reaches threshold, and its label is not negative.
func Thanks(a core.Analysis, threshold float64) bool {
	return a.Referral && a.ReferralScore >= threshold && a.Label != core.LabelNegative
}
