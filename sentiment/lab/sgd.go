package lab

import (
	"cmp"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/shenava/shenava/sentiment"
)

// linear is the weight table of one classifier being trained: one weight
// per hashed bucket and class (see sentiment.Builder.SetSentiment).
type linear struct {
	bits uint
	k    int
	w    []float32 // bucket*k + class
}

func newLinear(bits uint, k int) *linear {
	return &linear{bits: bits, k: k, w: make([]float32, (1<<bits)*k)}
}

// logits writes the class scores of fs into z (len k), as the model does.
func (l *linear) logits(fs []sentiment.Feature, z []float64) {
	for c := range z {
		z[c] = 0
	}
	k := l.k
	for _, f := range fs {
		row := l.w[int(f.Index)*k : int(f.Index)*k+k]
		for c, w := range row {
			z[c] += float64(float32(w * f.Value))
		}
	}
}

// sample is one training example with cached features.
type sample struct {
	feats  []sentiment.Feature
	y      int
	weight float32
	// key identifies the example (a hash of its text) for
	// sgdConfig.StableOrder.
	key uint64
}

// sgdConfig are the optimiser settings.
type sgdConfig struct {
	Epochs int
	LR     float32 // AdaGrad step size
	L2     float32
	Seed   uint64
	// Average returns the average of the weights over all steps (Polyak
	// averaging) instead of the last ones.
	Average bool
	// StableOrder visits the samples each epoch in the order of a seeded
	// hash of their keys instead of a shuffle of their positions, so that
	// adding or removing a few examples (a new test set whose texts are
	// kept out of training) leaves the order of all the others as it was.
	StableOrder bool
	// Runs, when above 1, trains that many times, each visiting the
	// samples in its own seeded order, and keeps the mean of the weights,
	// to damp figures that move with the order of the training rows (a
	// small public set moved by ±0.007); sentiment/MODEL.md has what two
	// seeds showed.
	Runs int
	// Progress, when set, is called after every epoch with the mean loss.
	Progress func(epoch int, loss float64)
}

// sampleKey is the key of an example with text and language (see
// sample.key).
func sampleKey(text, lang string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(lang))
	h.Write([]byte{0})
	h.Write([]byte(text))
	return h.Sum64()
}

// fitRuns is fit with cfg.Runs runs averaged (see sgdConfig.Runs).
func (l *linear) fitRuns(samples []sample, cfg sgdConfig) {
	if cfg.Runs <= 1 {
		l.fit(samples, cfg)
		return
	}
	sum := make([]float64, len(l.w))
	for run := range cfg.Runs {
		r := newLinear(l.bits, l.k)
		c := cfg
		c.Seed = cfg.Seed + uint64(run)*0x9e3779b9
		r.fit(samples, c)
		for j, w := range r.w {
			sum[j] += float64(w)
		}
	}
	for j := range l.w {
		l.w[j] = float32(sum[j] / float64(cfg.Runs))
	}
}

// fit trains l on samples with AdaGrad and L2 regularisation, visiting the
// samples in a fresh seeded order each epoch. Every operation runs in a fixed
// order with explicit rounding, so the result is the same bit for bit on
// every run.
func (l *linear) fit(samples []sample, cfg sgdConfig) {
	k := l.k
	g2 := make([]float32, len(l.w))
	order := make([]int, len(samples))
	for i := range order {
		order[i] = i
	}
	r := rand.New(rand.NewPCG(cfg.Seed, 0x5eed))
	z := make([]float64, k)
	p := make([]float64, k)
	d := make([]float32, k)
	// With averaging, u accumulates step*update so that the average of the
	// weights over steps is w - u/steps (the averaged-perceptron trick).
	var u []float64
	if cfg.Average {
		u = make([]float64, len(l.w))
	}
	steps := 1.0
	for epoch := range cfg.Epochs {
		if cfg.StableOrder {
			stableOrder(order, samples, cfg.Seed, epoch)
		} else {
			shuffle(order, r)
		}
		var loss float64
		var wsum float64
		for _, i := range order {
			s := &samples[i]
			l.logits(s.feats, z)
			sentiment.Softmax(z, p)
			loss += -float64(s.weight) * detLog(math.Max(p[s.y], 1e-12))
			wsum += float64(s.weight)
			for c := range k {
				t := 0.0
				if c == s.y {
					t = 1
				}
				d[c] = float32(float64(s.weight) * (p[c] - t))
			}
			for _, f := range s.feats {
				base := int(f.Index) * k
				for c := range k {
					j := base + c
					g := float32(d[c]*f.Value) + float32(cfg.L2*l.w[j])
					g2[j] += float32(g * g)
					step := cfg.LR / float32(math.Sqrt(float64(g2[j])+1e-8))
					delta := float32(step * g)
					l.w[j] -= delta
					if u != nil {
						u[j] -= float64(steps * float64(delta))
					}
				}
			}
			steps++
		}
		if cfg.Progress != nil {
			cfg.Progress(epoch+1, loss/math.Max(wsum, 1e-12))
		}
	}
	if u != nil {
		for j := range l.w {
			l.w[j] = float32(float64(l.w[j]) - u[j]/steps)
		}
	}
}

// stableOrder sorts order by a hash of each sample's key, the seed and the
// epoch.
func stableOrder(order []int, samples []sample, seed uint64, epoch int) {
	h := make([]uint64, len(samples))
	for i := range samples {
		h[i] = splitmix64(samples[i].key ^ splitmix64(seed^uint64(epoch+1)*0x9e3779b97f4a7c15))
	}
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		if c := cmp.Compare(h[a], h[b]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
}

// splitmix64 is the SplitMix64 finaliser, a cheap well-mixed 64-bit hash.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

// shuffle is a Fisher–Yates shuffle driven by r's raw output, so the order
// depends only on the PCG stream.
func shuffle(a []int, r *rand.Rand) {
	for i := len(a) - 1; i > 0; i-- {
		j := int(r.Uint64() % uint64(i+1))
		a[i], a[j] = a[j], a[i]
	}
}

// detLog is the natural logarithm with plain arithmetic only (see detExp).
func detLog(x float64) float64 {
	switch {
	case x <= 0:
		return math.Inf(-1)
	case math.IsInf(x, 1):
		return x
	}
	m, e := math.Frexp(x) // x = m * 2^e, m in [0.5, 1)
	if m < math.Sqrt2/2 {
		m *= 2
		e--
	}
	s := (m - 1) / (m + 1)
	s2 := float64(s * s)
	term, sum := s, 0.0
	for n := 1; n <= 41; n += 2 {
		sum += term / float64(n)
		term = float64(term * s2)
	}
	const ln2 = 0.6931471805599453
	return 2*sum + float64(float64(e)*ln2)
}
