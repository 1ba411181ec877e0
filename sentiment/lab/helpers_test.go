package lab

import (
	"math"
	"sync"
	"testing"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/sharedtest"
	"github.com/shenava/shenava/sentiment"
)

// testModel is the embedded model, decoded once for all tests.
var testModel = sync.OnceValues(sentiment.Load)

// MustLoad returns the embedded model or fails the test.
func MustLoad(tb testing.TB) *sentiment.Model {
	tb.Helper()
	m, err := testModel()
	if err != nil {
		tb.Fatalf("Load()=%v, want nil", err)
	}
	return m
}

// moduleRoot is the directory of go.mod above the test's directory.
var moduleRoot = sharedtest.Root

// MustSharedData returns ../shared/data next to the module root; see
// [sharedtest.Data] for when it is missing.
var MustSharedData = sharedtest.Data

// checkAnalysis checks the invariants every analysis keeps.
func checkAnalysis(t *testing.T, text string, a core.Analysis) {
	t.Helper()
	s := a.Scores
	sum := s.Negative + s.Neutral + s.Positive
	for _, p := range []float64{s.Negative, s.Neutral, s.Positive, a.ReferralScore} {
		if math.IsNaN(p) || p < 0 || p > 1 {
			t.Fatalf("Analyze(%q): probability %v out of [0,1] in %+v", text, p, a)
		}
	}
	if math.Abs(sum-1) > 1e-9 {
		t.Fatalf("Analyze(%q): scores sum to %v, want 1", text, sum)
	}
	if l, _ := s.Top(); l != a.Label {
		t.Fatalf("Analyze(%q): Label=%q, want the top score %q", text, a.Label, l)
	}
}
