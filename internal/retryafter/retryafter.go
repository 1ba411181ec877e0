// Package retryafter reads the HTTP Retry-After header (RFC 9110, section
// 10.2.3), which every platform Shenava polls may send with a 429 or a 503.
// Each caller decides the longest wait it believes, and what to fall back
// on when the header says nothing.
package retryafter

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Parse reads a Retry-After value, either delay-seconds ("120") or an HTTP
// date ("Wed, 21 Oct 2026 07:28:00 GMT"), as a wait from now.
//
// ok reports whether v said anything readable. A readable value asking for
// no wait (zero seconds, a date already past) gives (0, true), so callers
// can tell "retry now" from "the server did not say". A wait longer than
// max is cut to max; max <= 0 means no cap. Negative or unparsable values
// give (0, false).
func Parse(v string, now time.Time, max time.Duration) (wait time.Duration, ok bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		return capWait(secs, max), true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	if !t.After(now) {
		return 0, true
	}
	d := t.Sub(now) // saturates instead of overflowing
	if max > 0 && d > max {
		d = max
	}
	return d, true
}

// capWait turns seconds into a duration no longer than max, without
// overflowing on absurd values.
func capWait(secs int64, max time.Duration) time.Duration {
	limit := int64(1<<63-1) / int64(time.Second)
	if max > 0 {
		limit = int64(max / time.Second)
		if secs > limit {
			return max
		}
	}
	return time.Duration(min(secs, limit)) * time.Second
}
