package x

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/shenava/shenava/core"
)

// Fuzz targets for every parser of what X sends. Seed corpora are in
// testdata/fuzz/<target>/ (built from the fixtures); `go test` runs them,
// `go test -fuzz=FuzzParsePage ./connector/x/` explores further.

func fuzzSource(tb testing.TB) *Source {
	tb.Helper()
	cfg := baseConfig("https://api.x.com")
	c, err := New(cfg, nil, nil)
	if err != nil {
		tb.Fatal(err)
	}
	c.Now = func() time.Time { return t0 }
	return c.Mentions("fuzz")
}

// FuzzParsePage: a timeline page, whatever its bytes, decodes or fails
// cleanly, and every mention made from it is valid, not the brand's own
// and not a retweet.
func FuzzParsePage(f *testing.F) {
	src := fuzzSource(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		var page timelinePage
		if err := decodeJSON("application/json", body, &page); err != nil {
			return
		}
		for _, m := range src.mentions(&page) {
			if err := m.Validate(); err != nil {
				t.Fatalf("invalid mention from a page: %v", err)
			}
			if m.Platform != core.PlatformX || m.Author.ID == brandID || !utf8.ValidString(m.Text) {
				t.Fatalf("mention %+v should have been dropped or repaired", m)
			}
			if !strings.HasPrefix(m.URL, "https://x.com/") || !strings.HasSuffix(m.URL, "/status/"+m.NativeID) {
				t.Fatalf("URL %q", m.URL)
			}
		}
	})
}

// FuzzParseAPIError: any error body gives a bounded, printable message.
func FuzzParseAPIError(f *testing.F) {
	f.Fuzz(func(t *testing.T, status int, contentType string, body []byte) {
		e := parseAPIError(status, contentType, body)
		msg := e.Error()
		if len(msg) > 8<<10 {
			t.Fatalf("message of %d bytes", len(msg))
		}
		for _, m := range e.Messages {
			if len(m) > maxMessageBytes+len("…") {
				t.Fatalf("message entry of %d bytes", len(m))
			}
		}
		_ = e.credentialProblem()
		_ = e.names("since_id")
	})
}

// FuzzParseWriteResponses: the answers to posting, DMs and user lookups.
func FuzzParseWriteResponses(f *testing.F) {
	f.Fuzz(func(t *testing.T, body []byte) {
		var p createPostResponse
		_ = decodeJSON("application/json", body, &p)
		var d sendDMResponse
		_ = decodeJSON("application/json", body, &d)
		var u userResponse
		_ = decodeJSON("application/json", body, &u)
		_ = problems(p.Errors)
	})
}

// FuzzDecodeCursor: a stored cursor either decodes to one that encodes
// back to itself, or is refused as invalid.
func FuzzDecodeCursor(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		c, err := decodeCursor(s)
		if err != nil {
			return
		}
		again, err := decodeCursor(c.encode())
		if err != nil || again != c {
			t.Fatalf("cursor %q: round trip gave %+v, %v", s, again, err)
		}
	})
}

// FuzzRateLimitHeaders: whatever the rate-limit headers say, the wait is
// between zero and a day, and recording them never blocks for longer
// than the reset they name.
func FuzzRateLimitHeaders(f *testing.F) {
	f.Fuzz(func(t *testing.T, retry, remaining, reset string) {
		h := http.Header{}
		h.Set("Retry-After", retry)
		h.Set("x-rate-limit-remaining", remaining)
		h.Set("x-rate-limit-reset", reset)
		if d := retryAfter(h, t0); d < 0 || d > 24*time.Hour {
			t.Fatalf("retryAfter=%v", d)
		}
		l := newLimiter()
		l.observe("e", h)
		_ = l.wait("e", t0)
	})
}

// Every fuzz target has a seed corpus in testdata/fuzz.
func TestFuzzSeedsExist(t *testing.T) {
	t.Parallel()
	for _, target := range []string{"FuzzParsePage", "FuzzParseAPIError", "FuzzParseWriteResponses", "FuzzDecodeCursor", "FuzzRateLimitHeaders"} {
		entries, err := os.ReadDir(filepath.Join("testdata", "fuzz", target))
		if err != nil || len(entries) == 0 {
			t.Errorf("%s: no seed corpus (%v)", target, err)
		}
	}
}
