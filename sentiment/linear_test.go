package sentiment

import (
	"math"
	"testing"
)

func TestDetExp(t *testing.T) {
	t.Parallel()
	for _, x := range []float64{-30, -5, -1, -0.3, 0, 1e-9, 0.5, 1, 2.5, 10, 40} {
		got, want := detExp(x), math.Exp(x)
		if math.Abs(got-want)/math.Max(math.Abs(want), 1e-300) > 1e-13 {
			t.Errorf("detExp(%v)=%v, want %v", x, got, want)
		}
	}
}
