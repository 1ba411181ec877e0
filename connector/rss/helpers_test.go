package rss

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/shenava/shenava/core"
)

// testNow is the injected clock: fixtures are dated in the week before it.
var testNow = time.Date(2025, 3, 10, 12, 0, 0, 0, time.UTC)

// MustFixture reads testdata/name.
func MustFixture(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// MustServer starts a fake feed host on 127.0.0.1 that runs h.
func MustServer(tb testing.TB, h http.HandlerFunc) *httptest.Server {
	tb.Helper()
	srv := httptest.NewServer(h)
	tb.Cleanup(srv.Close)
	return srv
}

// MustClient builds a client for the given feeds with the test clock and a
// quiet logger. cfg may carry other options; its Feeds are replaced.
func MustClient(tb testing.TB, cfg Config, feeds ...FeedConfig) *Client {
	tb.Helper()
	cfg.Feeds = feeds
	// A transport of the test's own: tests run in parallel, and each
	// httptest server's Close closes the idle connections of the shared
	// default transport under the other tests' requests.
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tb.Cleanup(tr.CloseIdleConnections)
	c, err := New(cfg, &http.Client{Transport: tr, Timeout: cfg.Timeout}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		tb.Fatal(err)
	}
	c.Now = func() time.Time { return testNow }
	return c
}

// MustFetch polls the only feed of c and fails the test on error.
func MustFetch(tb testing.TB, c *Client, cur string) core.Batch {
	tb.Helper()
	b, err := c.Feeds()[0].Fetch(context.Background(), cur)
	if err != nil {
		tb.Fatalf("Fetch: %v", err)
	}
	return b
}

// serveFixture answers every request with the fixture and content type.
func serveFixture(tb testing.TB, name, contentType string) http.HandlerFunc {
	body := MustFixture(tb, name)
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", contentType)
		_, _ = w.Write(body)
	}
}

func isPermanent(err error) bool { return errors.Is(err, core.ErrPermanent) }
