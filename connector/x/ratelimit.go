package x

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/shenava/shenava/internal/retryafter"
)

// Rate-limit windows X reports in response headers: the 15-minute window
// of the endpoint, and the 24-hour caps on posting per user and per app.
var limitHeaders = []struct{ remaining, reset string }{
	{"x-rate-limit-remaining", "x-rate-limit-reset"},
	{"x-user-limit-24hour-remaining", "x-user-limit-24hour-reset"},
	{"x-app-limit-24hour-remaining", "x-app-limit-24hour-reset"},
}

// limiter remembers, per endpoint, until when X told us not to call. It is
// fed by every response, so a window that reaches zero remaining stops the
// next call before it is made.
type limiter struct {
	mu    sync.Mutex
	until map[string]time.Time
}

func newLimiter() *limiter { return &limiter{until: map[string]time.Time{}} }

// wait returns how long endpoint must stay quiet from now (0: go ahead).
func (l *limiter) wait(endpoint string, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	u, ok := l.until[endpoint]
	if !ok {
		return 0
	}
	if !now.Before(u) {
		delete(l.until, endpoint)
		return 0
	}
	return u.Sub(now)
}

// observe records the windows a response reports. A window with nothing
// remaining blocks the endpoint until its reset.
func (l *limiter) observe(endpoint string, h http.Header) {
	var until time.Time
	for _, w := range limitHeaders {
		rem, ok := headerInt(h, w.remaining)
		if !ok || rem > 0 {
			continue
		}
		if reset, ok := headerInt(h, w.reset); ok {
			if t := time.Unix(reset, 0); t.After(until) {
				until = t
			}
		}
	}
	if until.IsZero() {
		return
	}
	l.block(endpoint, until)
}

func (l *limiter) block(endpoint string, until time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if until.After(l.until[endpoint]) {
		l.until[endpoint] = until
	}
}

// retryAfter works out, for a 429, how long to wait: Retry-After when X
// sent it, else the latest reset among exhausted windows, else the
// endpoint window's reset. Zero means X did not say.
func retryAfter(h http.Header, now time.Time) time.Duration {
	if wait, ok := retryafter.Parse(h.Get("Retry-After"), now, maxWait); ok {
		return clampWait(wait)
	}
	var latest time.Time
	for _, w := range limitHeaders {
		rem, hasRem := headerInt(h, w.remaining)
		reset, hasReset := headerInt(h, w.reset)
		if hasRem && rem == 0 && hasReset {
			if t := time.Unix(reset, 0); t.After(latest) {
				latest = t
			}
		}
	}
	if latest.IsZero() {
		// A 429 says some window is spent even when no header says which.
		reset, ok := headerInt(h, "x-rate-limit-reset")
		if !ok {
			return 0
		}
		latest = time.Unix(reset, 0)
	}
	return clampWait(latest.Sub(now))
}

// maxWait is the longest wait believed from X's headers.
const maxWait = 24 * time.Hour

// clampWait keeps a computed wait positive (clocks differ; a reset a
// moment ago still means "not yet") and below a day.
func clampWait(d time.Duration) time.Duration {
	switch {
	case d < time.Second:
		return time.Second
	case d > maxWait:
		return maxWait
	}
	return d
}

func headerInt(h http.Header, key string) (int64, bool) {
	v := strings.TrimSpace(h.Get(key))
	if v == "" {
		return 0, false
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, false
	}
	return n, true
}
