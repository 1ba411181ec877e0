package retryafter

import (
	"net/http"
	"testing"
	"time"
)

var now = time.Date(2026, time.November, 22, 9, 0, 0, 0, time.UTC)

func TestParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		v      string
		max    time.Duration
		want   time.Duration
		wantOK bool
	}{
		{name: "Empty", v: "", max: time.Hour},
		{name: "Blank", v: "  \t", max: time.Hour},
		{name: "Seconds", v: "120", max: time.Hour, want: 2 * time.Minute, wantOK: true},
		{name: "SecondsTrimmed", v: " 42 ", max: time.Hour, want: 42 * time.Second, wantOK: true},
		{name: "ZeroSeconds", v: "0", max: time.Hour, want: 0, wantOK: true},
		{name: "NegativeSeconds", v: "-5", max: time.Hour},
		{name: "SecondsCapped", v: "90000", max: 24 * time.Hour, want: 24 * time.Hour, wantOK: true},
		{name: "SecondsAtCap", v: "86400", max: 24 * time.Hour, want: 24 * time.Hour, wantOK: true},
		{name: "HugeSecondsCapped", v: "99999999999999", max: 7 * 24 * time.Hour, want: 7 * 24 * time.Hour, wantOK: true},
		{name: "OverflowingSecondsCapped", v: "9223372036854775807", max: time.Hour, want: time.Hour, wantOK: true},
		{name: "TooLargeForInt64", v: "99999999999999999999", max: time.Hour},
		{name: "SecondsNoCap", v: "90000", max: 0, want: 25 * time.Hour, wantOK: true},
		{name: "HugeSecondsNoCap", v: "9223372036854775807", max: 0, want: 9223372036 * time.Second, wantOK: true},
		{name: "Date", v: now.Add(90 * time.Second).Format(http.TimeFormat), max: time.Hour, want: 90 * time.Second, wantOK: true},
		{name: "DateRFC850", v: now.Add(time.Minute).Format(time.RFC850), max: time.Hour, want: time.Minute, wantOK: true},
		{name: "DateANSIC", v: now.Add(time.Minute).Format(time.ANSIC), max: time.Hour, want: time.Minute, wantOK: true},
		{name: "DateCapped", v: now.Add(48 * time.Hour).Format(http.TimeFormat), max: 24 * time.Hour, want: 24 * time.Hour, wantOK: true},
		{name: "DateNoCap", v: now.Add(48 * time.Hour).Format(http.TimeFormat), max: 0, want: 48 * time.Hour, wantOK: true},
		{name: "DateNow", v: now.Format(http.TimeFormat), max: time.Hour, want: 0, wantOK: true},
		{name: "DatePast", v: now.Add(-time.Hour).Format(http.TimeFormat), max: time.Hour, want: 0, wantOK: true},
		{name: "Garbage", v: "soon", max: time.Hour},
		{name: "Fraction", v: "1.5", max: time.Hour},
		{name: "ISODateIsNotHTTPDate", v: "2026-11-22T09:01:00Z", max: time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Parse(tt.v, now, tt.max)
			if got != tt.want || ok != tt.wantOK {
				t.Fatalf("Parse(%q, max %v)=(%v, %v), want (%v, %v)", tt.v, tt.max, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

// FuzzParse: whatever the header says, the wait is between zero and the
// cap, and an unreadable value asks for no wait. Seeds are in
// testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	f.Add("120", int64(24*time.Hour))
	f.Fuzz(func(t *testing.T, v string, max int64) {
		capped := time.Duration(max)
		got, ok := Parse(v, now, capped)
		if got < 0 || (capped > 0 && got > capped) {
			t.Fatalf("Parse(%q, max %v)=%v, outside [0, max]", v, capped, got)
		}
		if !ok && got != 0 {
			t.Fatalf("Parse(%q)=(%v, false), want no wait when unreadable", v, got)
		}
	})
}
