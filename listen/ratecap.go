package listen

import (
	"sync"
	"time"

	"github.com/shenava/shenava/core"
)

// RateCap limits outgoing answers on one platform: at most N per Per.
type RateCap struct {
	N   int
	Per time.Duration
}

// rateLimiter keeps, per platform, the send times within the cap's window.
type rateLimiter struct {
	mu   sync.Mutex
	caps map[core.Platform]RateCap
	sent map[core.Platform][]time.Time
}

func newRateLimiter(caps map[core.Platform]RateCap) *rateLimiter {
	return &rateLimiter{caps: caps, sent: map[core.Platform][]time.Time{}}
}

// reserve records a send on p at now and returns 0, or returns how long to
// wait when the cap is reached (recording nothing).
func (r *rateLimiter) reserve(p core.Platform, now time.Time) time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	c, ok := r.caps[p]
	if !ok || c.N <= 0 || c.Per <= 0 {
		return 0
	}
	times := r.sent[p]
	for len(times) > 0 && !times[0].After(now.Add(-c.Per)) {
		times = times[1:]
	}
	if len(times) >= c.N {
		r.sent[p] = times
		return times[0].Add(c.Per).Sub(now)
	}
	r.sent[p] = append(times, now)
	return 0
}
