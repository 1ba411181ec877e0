package listen

import (
	"testing"

	"github.com/shenava/shenava/core"
)

func TestAlerts(t *testing.T) {
	tests := []struct {
		name      string
		a         core.Analysis
		threshold float64
		want      bool
	}{
		{"NegativeAbove", core.Analysis{Label: core.LabelNegative, Scores: core.Scores{Negative: 0.8, Neutral: 0.1, Positive: 0.1}}, 0.6, true},
		{"NegativeAtThreshold", core.Analysis{Label: core.LabelNegative, Scores: core.Scores{Negative: 0.6, Neutral: 0, Positive: 0.4}}, 0.6, true},
		{"NegativeBelow", core.Analysis{Label: core.LabelNegative, Scores: core.Scores{Negative: 0.5, Neutral: 0.3, Positive: 0.2}}, 0.6, false},
		{"UnsureNeutralBelowArgmaxPoint", core.Analysis{Label: core.LabelNeutral, Scores: core.Scores{Negative: 0.4, Neutral: 0.45, Positive: 0.15}}, 0.25, true},
		{"NeutralBelow", core.Analysis{Label: core.LabelNeutral, Scores: core.Scores{Negative: 0.2, Neutral: 0.7, Positive: 0.1}}, 0.35, false},
		{"UnsurePositive", core.Analysis{Label: core.LabelPositive, Scores: core.Scores{Negative: 0.45, Neutral: 0.05, Positive: 0.5}}, 0.35, true},
		// Each unit of P(neutral) raises the bar by AlertNeutralWeight (0.3):
		// a mostly neutral post needs more than threshold, a sarcastic one
		// the model splits between positive and negative does not.
		{"MostlyNeutralNeedsMore", core.Analysis{Label: core.LabelNeutral, Scores: core.Scores{Negative: 0.3, Neutral: 0.65, Positive: 0.05}}, 0.13, false},
		{"MostlyNeutralEnough", core.Analysis{Label: core.LabelNeutral, Scores: core.Scores{Negative: 0.34, Neutral: 0.6, Positive: 0.06}}, 0.13, true},
		{"SarcasmLowBar", core.Analysis{Label: core.LabelPositive, Scores: core.Scores{Negative: 0.15, Neutral: 0.02, Positive: 0.83}}, 0.13, true},
		{"PositiveBelow", core.Analysis{Label: core.LabelPositive, Scores: core.Scores{Negative: 0.1, Neutral: 0.1, Positive: 0.8}}, 0.35, false},
		{"NegativeLabelledReferral", core.Analysis{Label: core.LabelNegative, Referral: true, ReferralScore: 0.6,
			Scores: core.Scores{Negative: 0.7, Neutral: 0.1, Positive: 0.2}}, 0.35, true},
		{"ReferralNever", core.Analysis{Label: core.LabelPositive, Referral: true, ReferralScore: 0.9,
			Scores: core.Scores{Negative: 0.7, Neutral: 0.1, Positive: 0.2}}, 0.35, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Alerts(tt.a, tt.threshold); got != tt.want {
				t.Errorf("Alerts(%+v, %v)=%v, want %v", tt.a, tt.threshold, got, tt.want)
			}
		})
	}
}

func TestThanks(t *testing.T) {
	tests := []struct {
		name      string
		a         core.Analysis
		threshold float64
		want      bool
	}{
		{"ReferralAbove", core.Analysis{Label: core.LabelPositive, Referral: true, ReferralScore: 0.95}, 0.8, true},
		{"ReferralAtThreshold", core.Analysis{Label: core.LabelPositive, Referral: true, ReferralScore: 0.8}, 0.8, true},
		{"ReferralBelow", core.Analysis{Label: core.LabelPositive, Referral: true, ReferralScore: 0.7}, 0.8, false},
		{"NotAReferral", core.Analysis{Label: core.LabelPositive, Referral: false, ReferralScore: 0.45}, 0.3, false},
		{"NegativeNever", core.Analysis{Label: core.LabelNegative, Referral: true, ReferralScore: 0.99}, 0.5, false},
		{"NeutralReferral", core.Analysis{Label: core.LabelNeutral, Referral: true, ReferralScore: 0.9}, 0.5, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Thanks(tt.a, tt.threshold); got != tt.want {
				t.Errorf("Thanks(%+v, %v)=%v, want %v", tt.a, tt.threshold, got, tt.want)
			}
		})
	}
}
