package core

import "fmt"

// Label is the sentiment of a mention towards the brand.
type Label string

// The three sentiment labels.
const (
	LabelNegative Label = "negative"
	LabelNeutral  Label = "neutral"
	LabelPositive Label = "positive"
)

// Labels lists the labels in the order scores and confusion matrices use.
var Labels = []Label{LabelNegative, LabelNeutral, LabelPositive}

// ParseLabel accepts exactly one of the three label names.
func ParseLabel(s string) (Label, error) {
	switch l := Label(s); l {
	case LabelNegative, LabelNeutral, LabelPositive:
		return l, nil
	}
	return "", fmt.Errorf("label %q: want negative, neutral or positive: %w", s, ErrInvalid)
}

// Language codes the analyser decides between.
const (
	LangPersian  = "fa"
	LangEnglish  = "en"
	LangFinglish = "fi" // Persian written in Latin letters
	LangArabic   = "ar"
	LangOther    = "other"
)

// Scores are calibrated probabilities of the three labels; they sum to 1.
type Scores struct {
	Negative float64 `json:"negative"`
	Neutral  float64 `json:"neutral"`
	Positive float64 `json:"positive"`
}

// Of returns the probability of one label.
func (s Scores) Of(l Label) float64 {
	switch l {
	case LabelNegative:
		return s.Negative
	case LabelNeutral:
		return s.Neutral
	case LabelPositive:
		return s.Positive
	}
	return 0
}

// Top returns the most probable label and its probability. Ties go to the
// label earlier in Labels.
func (s Scores) Top() (Label, float64) {
	best, p := LabelNegative, s.Negative
	if s.Neutral > p {
		best, p = LabelNeutral, s.Neutral
	}
	if s.Positive > p {
		best, p = LabelPositive, s.Positive
	}
	return best, p
}

// Analysis is what the sentiment model decided about one text.
type Analysis struct {
	Lang   string `json:"lang"`
	Label  Label  `json:"label"`
	Scores Scores `json:"scores"`
	// Referral is true when the author recommends the brand to others, says
	// they invited someone, or shares their own invite link or code.
	Referral      bool    `json:"referral"`
	ReferralScore float64 `json:"referral_score"`
	// Model names the model version that produced this analysis.
	Model string `json:"model,omitempty"`
}

// Confidence is the probability of the chosen label.
func (a Analysis) Confidence() float64 { return a.Scores.Of(a.Label) }
