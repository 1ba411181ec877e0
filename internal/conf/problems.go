package conf

import (
	"fmt"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Problem is one thing wrong (or, for a warning, probably unintended) in a
// configuration section. Key is relative to the section: "feeds[2].url",
// "mentions.interval"; "" names the section itself.
type Problem struct {
	Key     string
	Msg     string
	Warning bool
}

// String formats the problem as "key: message".
func (p Problem) String() string {
	if p.Key == "" {
		return p.Msg
	}
	return p.Key + ": " + p.Msg
}

// Problems collects the problems of one section. The zero value is ready to
// use; a section's Validate fills one and returns its Err.
type Problems struct {
	list []Problem
}

// Add records a problem with key.
func (ps *Problems) Add(key, format string, args ...any) {
	ps.list = append(ps.list, Problem{Key: key, Msg: fmt.Sprintf(format, args...)})
}

// Warn records a warning with key: allowed, but probably not intended.
func (ps *Problems) Warn(key, format string, args ...any) {
	ps.list = append(ps.list, Problem{Key: key, Msg: fmt.Sprintf(format, args...), Warning: true})
}

// Nest adds the problems of a sub-section, prefixing their keys with key.
func (ps *Problems) Nest(key string, sub Problems) {
	for _, p := range sub.list {
		p.Key = Join(key, p.Key)
		ps.list = append(ps.list, p)
	}
}

// All returns problems and warnings in the order they were found.
func (ps Problems) All() []Problem { return slices.Clone(ps.list) }

// Warnings returns only the warnings.
func (ps Problems) Warnings() []Problem {
	var out []Problem
	for _, p := range ps.list {
		if p.Warning {
			out = append(out, p)
		}
	}
	return out
}

// Err returns the problems (not the warnings) as an *Error; nil when there
// are none.
func (ps Problems) Err() error {
	var e Error
	for _, p := range ps.list {
		if !p.Warning {
			e.Problems = append(e.Problems, p)
		}
	}
	if len(e.Problems) == 0 {
		return nil
	}
	return &e
}

// Error is the error a section's Validate returns: its problems, each
// naming its key relative to the section.
type Error struct {
	Problems []Problem
}

func (e *Error) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// Join appends a key to a section path: Join("sources.rss", "feeds[0]") is
// "sources.rss.feeds[0]"; an index is appended without a dot.
func Join(prefix, key string) string {
	switch {
	case prefix == "":
		return key
	case key == "":
		return prefix
	case key[0] == '[':
		return prefix + key
	}
	return prefix + "." + key
}

// Index is the key of a list entry: Index("feeds", 2) is "feeds[2]".
func Index(key string, i int) string { return key + "[" + strconv.Itoa(i) + "]" }

// ---- checks shared by sections ----------------------------------------------

// MinDuration reports a duration below lo.
func (ps *Problems) MinDuration(key string, d, lo time.Duration) {
	if d < lo {
		ps.Add(key, "%s is below the minimum %s", FormatDuration(d), FormatDuration(lo))
	}
}

// DurationRange reports a duration outside [lo, hi].
func (ps *Problems) DurationRange(key string, d, lo, hi time.Duration) {
	if d < lo || d > hi {
		ps.Add(key, "must be between %s and %s, got %s", FormatDuration(lo), FormatDuration(hi), FormatDuration(d))
	}
}

// PositiveDuration reports a duration that is zero or negative.
func (ps *Problems) PositiveDuration(key string, d time.Duration) {
	if d <= 0 {
		ps.Add(key, "must be a positive duration such as 30s or 5m, got %s", FormatDuration(d))
	}
}

// Timeout checks a request timeout: positive and at most hi. The config
// file also holds every timeout to at least a second (a typo such as 20ms
// would fail every request); programs and tests may go lower.
func (ps *Problems) Timeout(key string, d, hi time.Duration) {
	if d <= 0 || d > hi {
		ps.Add(key, "must be a positive duration of at most %s, got %s", FormatDuration(hi), FormatDuration(d))
	}
}

// NonNegativeDuration reports a negative duration.
func (ps *Problems) NonNegativeDuration(key string, d time.Duration) {
	if d < 0 {
		ps.Add(key, "must not be negative, got %s", FormatDuration(d))
	}
}

// IntRange reports a number outside [lo, hi].
func (ps *Problems) IntRange(key string, v, lo, hi int) {
	if v < lo || v > hi {
		ps.Add(key, "must be between %d and %d, got %d", lo, hi, v)
	}
}

// OneOf reports a value that is not one of allowed.
func (ps *Problems) OneOf(key, v string, allowed ...string) {
	if !slices.Contains(allowed, v) {
		ps.Add(key, "must be one of %s, got %q", strings.Join(allowed, ", "), v)
	}
}

// Backoff checks a backoff_min/backoff_max pair.
func (ps *Problems) Backoff(lo, hi time.Duration) {
	ps.PositiveDuration("backoff_min", lo)
	ps.PositiveDuration("backoff_max", hi)
	if lo > 0 && hi > 0 && hi < lo {
		ps.Add("backoff_max", "%s is below backoff_min (%s)", FormatDuration(hi), FormatDuration(lo))
	}
}

// HTTPURL checks an http:// or https:// URL with a host and returns it.
func (ps *Problems) HTTPURL(key, s string) (*url.URL, bool) {
	if s == "" {
		ps.Add(key, "required: an http:// or https:// URL")
		return nil, false
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		ps.Add(key, "must be an http:// or https:// URL with a host, got %q", s)
		return nil, false
	}
	if u.User != nil {
		ps.Add(key, "must not hold a user name or password; use the credential keys")
		return nil, false
	}
	return u, true
}

// BaseURL checks the URL of an API server. credentials says whether a
// token is sent to it, which makes plain HTTP to another host worth a
// warning.
func (ps *Problems) BaseURL(key, s string, credentials bool) {
	u, ok := ps.HTTPURL(key, s)
	if !ok {
		return
	}
	if u.RawQuery != "" || u.Fragment != "" {
		ps.Add(key, "must be a base URL without ?query or #fragment")
		return
	}
	if credentials && u.Scheme == "http" && !LoopbackHost(u.Hostname()) {
		ps.Warn(key, "plain http sends the credentials unencrypted to %s; use https", u.Host)
	}
}

// LoopbackHost reports whether a host name or address is this machine.
func LoopbackHost(h string) bool {
	if h == "localhost" {
		return true
	}
	a, err := netip.ParseAddr(h)
	return err == nil && a.IsLoopback()
}

// List checks that every entry of a list is non-empty and, for oneWord,
// has no spaces.
func (ps *Problems) List(key string, list []string, oneWord bool) {
	for i, s := range list {
		k := Index(key, i)
		switch {
		case s == "":
			ps.Add(k, "empty entry")
		case oneWord && strings.ContainsFunc(s, IsSpace):
			ps.Add(k, "must be one word without spaces, got %q", s)
		}
	}
}

// IsSpace reports the characters a one-word value must not hold: white
// space and the zero-width non-joiner.
func IsSpace(r rune) bool { return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\u200c' }
