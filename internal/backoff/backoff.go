// Package backoff is how Shenava waits between retries: a doubling wait
// with a cap, spread by jitter so many retries do not fire together, and a
// sleep that ends when its context does.
package backoff

import (
	"context"
	"math/rand/v2"
	"time"
)

// Exp is the wait before attempt n+1: min doubled for each attempt after
// the first, capped at max. Attempts 0 and 1 wait min.
func Exp(min, max time.Duration, attempt int) time.Duration {
	d := min
	for i := 1; i < attempt && d < max; i++ {
		d *= 2
	}
	return minDur(d, max)
}

func minDur(a, b time.Duration) time.Duration {
	if a < b {
		return a
	}
	return b
}

// Jitter spreads d uniformly over ±frac of it: Jitter(10s, 0.2) is between
// 8s and 12s. A frac or d of zero or less returns d.
func Jitter(d time.Duration, frac float64) time.Duration {
	if frac <= 0 || d <= 0 {
		return d
	}
	return time.Duration(float64(d) * (1 - frac + 2*frac*rand.Float64()))
}

// Sleep waits for d or until ctx ends, and returns ctx's error if it
// ended first. A d of zero or less only checks ctx.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
