package listen

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/shenava/shenava/core"
)

// RateCap limits outgoing answers on one platform: at most N per Per.
type RateCap struct {
	N   int
	Per time.Duration
}

// SendLedger is a store that counts the answers sent by every replica
// sharing it (PostgreSQL), so that the rate caps hold across replicas: an
// outbox whose store is one reserves each send there instead of in its
// own memory. ReserveSend records a send on p at now and returns 0, or
// returns how long to wait until every cap (at most caps[per] answers in
// any window of length per) allows one more, recording nothing.
type SendLedger interface {
	ReserveSend(ctx context.Context, p core.Platform, now time.Time, caps map[time.Duration]int) (time.Duration, error)
}

// rateLimiter keeps, per platform, the send times within the longest cap
// window, and checks every cap of the platform against them.
type rateLimiter struct {
	mu   sync.Mutex
	caps map[core.Platform][]RateCap
	sent map[core.Platform][]time.Time
}

func newRateLimiter(caps map[core.Platform][]RateCap) *rateLimiter {
	return &rateLimiter{caps: caps, sent: map[core.Platform][]time.Time{}}
}

// reserve records a send on p at now and returns 0, or returns how long to
// wait until every cap allows one more (recording nothing).
func (r *rateLimiter) reserve(p core.Platform, now time.Time) time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	var longest time.Duration
	for _, c := range r.caps[p] {
		if c.N > 0 && c.Per > longest {
			longest = c.Per
		}
	}
	if longest == 0 {
		return 0
	}
	times := r.sent[p]
	for len(times) > 0 && !times[0].After(now.Add(-longest)) {
		times = times[1:]
	}
	r.sent[p] = times
	var wait time.Duration
	for _, c := range r.caps[p] {
		if c.N <= 0 || c.Per <= 0 {
			continue
		}
		// The sends inside this cap's window are the newest ones.
		in := 0
		for i := len(times) - 1; i >= 0 && times[i].After(now.Add(-c.Per)); i-- {
			in++
		}
		if in >= c.N {
			oldest := times[len(times)-c.N]
			wait = max(wait, oldest.Add(c.Per).Sub(now))
		}
	}
	if wait > 0 {
		return wait
	}
	r.sent[p] = append(times, now)
	return 0
}

// capsOf is p's caps as a SendLedger takes them (nil when p has none).
func (r *rateLimiter) capsOf(p core.Platform) map[time.Duration]int {
	var out map[time.Duration]int
	for _, c := range r.caps[p] {
		if c.N <= 0 || c.Per <= 0 {
			continue
		}
		if out == nil {
			out = map[time.Duration]int{}
		}
		if n, ok := out[c.Per]; !ok || c.N < n {
			out[c.Per] = c.N
		}
	}
	return out
}

// longest is the longest window of any cap (0 when nothing is capped).
func (r *rateLimiter) longest() time.Duration {
	var d time.Duration
	for _, caps := range r.caps {
		for _, c := range caps {
			if c.N > 0 && c.Per > d {
				d = c.Per
			}
		}
	}
	return d
}

// remember records sends made before this process started, so a restart
// does not hand out a fresh allowance.
func (r *rateLimiter) remember(p core.Platform, at []time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sent[p] = append(r.sent[p], at...)
	slices.SortFunc(r.sent[p], time.Time.Compare)
}
