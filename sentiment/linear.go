package sentiment

import (
	"math"
)

// linear is a multinomial logistic regression over hashed features: one
// weight per bucket and class. A model being trained holds float32 weights
// (w); a loaded one keeps the file's int16 weights and their scale (q,
// scale), half the memory, so more of the table stays in the CPU's caches.
// Each weight is float32(q)*scale either way, the same bits.
type linear struct {
	bits  uint
	k     int
	w     []float32 // bucket*k + class
	q     []int16   // bucket*k + class, when loaded
	scale float32
}

func newLinear(bits uint, k int) *linear {
	return &linear{bits: bits, k: k, w: make([]float32, (1<<bits)*k)}
}

// logits writes the class scores of fs into z (len k).
func (l *linear) logits(fs []Feature, z []float64) {
	for c := range z {
		z[c] = 0
	}
	k := l.k
	if l.q != nil {
		scale := l.scale
		for _, f := range fs {
			row := l.q[int(f.Index)*k : int(f.Index)*k+k]
			for c, q := range row {
				w := float32(float32(q) * scale)
				z[c] += float64(float32(w * f.Value))
			}
		}
		return
	}
	for _, f := range fs {
		row := l.w[int(f.Index)*k : int(f.Index)*k+k]
		for c, w := range row {
			z[c] += float64(float32(w * f.Value))
		}
	}
}

// Softmax writes softmax(z) into p. It computes exp with plain arithmetic
// (see detExp), so training that uses it gives the same bits on every CPU.
func Softmax(z, p []float64) {
	m := z[0]
	for _, v := range z[1:] {
		m = math.Max(m, v)
	}
	var s float64
	for c, v := range z {
		p[c] = detExp(v - m)
		s += p[c]
	}
	for c := range p {
		p[c] /= s
	}
}

// detExp is exp(x) computed with plain arithmetic only, so that it returns
// the same bits on every CPU (math.Exp uses FMA where the CPU has it).
func detExp(x float64) float64 {
	switch {
	case x > 700:
		return math.Inf(1)
	case x < -700:
		return 0
	}
	const ln2 = 0.6931471805599453
	k := math.Floor(x/ln2 + 0.5)
	r := x - float64(k*ln2)
	// Taylor series of e^r for |r| <= ln2/2, to 1e-17.
	term, sum := 1.0, 1.0
	for n := 1; n <= 16; n++ {
		term = float64(term*r) / float64(n)
		sum += term
	}
	return math.Ldexp(sum, int(k))
}
