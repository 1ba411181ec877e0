package conf

import (
	"errors"
	"testing"
	"time"
)

func TestProblems(t *testing.T) {
	t.Parallel()
	var sub Problems
	sub.Add("url", "must be %s", "https")
	sub.Warn("", "probably not meant")
	var ps Problems
	ps.Add("feeds", "empty")
	ps.Nest(Index("feeds", 2), sub)
	got := ps.All()
	want := []Problem{
		{Key: "feeds", Msg: "empty"},
		{Key: "feeds[2].url", Msg: "must be https"},
		{Key: "feeds[2]", Msg: "probably not meant", Warning: true},
	}
	if len(got) != len(want) {
		t.Fatalf("All()=%v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("All()[%d]=%+v, want %+v", i, got[i], want[i])
		}
	}
	var e *Error
	if err := ps.Err(); !errors.As(err, &e) || len(e.Problems) != 2 || err.Error() != "feeds: empty\nfeeds[2].url: must be https" {
		t.Errorf("Err()=%v, want the two problems without the warning", err)
	}
	if w := ps.Warnings(); len(w) != 1 || w[0].Key != "feeds[2]" {
		t.Errorf("Warnings()=%v", w)
	}
	if (Problems{}).Err() != nil {
		t.Error("no problems, yet Err is not nil")
	}
}

func TestJoin(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ prefix, key, want string }{
		{"", "a", "a"}, {"a", "", "a"}, {"a", "b", "a.b"}, {"a", "[1].b", "a[1].b"},
	} {
		if got := Join(tt.prefix, tt.key); got != tt.want {
			t.Errorf("Join(%q, %q)=%q, want %q", tt.prefix, tt.key, got, tt.want)
		}
	}
}

func TestDuration(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in   string
		want time.Duration
		str  string
	}{{"90s", 90 * time.Second, "1m30s"}, {"2m", 2 * time.Minute, "2m"}, {"36h", 36 * time.Hour, "36h"}, {"0", 0, "0s"}} {
		var d Duration
		if err := d.UnmarshalText([]byte(tt.in)); err != nil || d.D() != tt.want || d.String() != tt.str {
			t.Errorf("%q: %v %v %q, want %v %q", tt.in, d.D(), err, d.String(), tt.want, tt.str)
		}
	}
	var d Duration
	if err := d.UnmarshalText([]byte("30")); err == nil {
		t.Error(`"30" was read as a duration`)
	}
}

func TestFormatDuration(t *testing.T) {
	t.Parallel()
	h, m, s := time.Hour, time.Minute, time.Second
	for _, tt := range []struct {
		d    time.Duration
		want string
	}{{45 * s, "45s"}, {15 * m, "15m"}, {h, "1h"}, {h + 30*m, "1h30m"}, {90 * s, "1m30s"}, {26 * h, "26h"}} {
		if got := FormatDuration(tt.d); got != tt.want {
			t.Errorf("FormatDuration(%v)=%q, want %q", tt.d, got, tt.want)
		}
	}
}

func TestChecks(t *testing.T) {
	t.Parallel()
	var ps Problems
	ps.Timeout("t0", 0, time.Minute)
	ps.Timeout("t1", time.Millisecond, time.Minute)
	ps.BaseURL("u0", "http://example.com", true)
	ps.BaseURL("u1", "http://127.0.0.1:8080", true)
	ps.Backoff(time.Minute, time.Second)
	var keys []string
	for _, p := range ps.All() {
		keys = append(keys, p.Key)
	}
	want := []string{"t0", "u0", "backoff_max"}
	if len(keys) != len(want) || keys[0] != want[0] || keys[1] != want[1] || keys[2] != want[2] {
		t.Fatalf("keys %q, want %q", keys, want)
	}
	if !ps.All()[1].Warning {
		t.Error("plain http with credentials is a warning, not an error")
	}
}
