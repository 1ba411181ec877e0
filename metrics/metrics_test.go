package metrics

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/shenava/shenava/core"
)

type fakeOutbox struct {
	st  OutboxStats
	err error
}

func (f fakeOutbox) OutboxDepth(context.Context) (OutboxStats, error) { return f.st, f.err }

func TestServer(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	ob := fakeOutbox{st: OutboxStats{Pending: 3, OldestPending: now.Add(-90 * time.Second)}}
	m := New(ob)
	m.now = func() time.Time { return now }
	m.Polled("x/mentions", nil)
	m.Polled("rss/news", &core.RateLimitError{Platform: core.PlatformRSS, RetryAfter: time.Minute})
	m.RateLimited("rss/news", time.Minute)
	m.Ingested("x/mentions", core.LabelNegative)
	m.Dropped("x/mentions", "duplicate")
	m.Analyzed(30 * time.Microsecond)
	m.ActionDone(core.ActionAlert, nil, 200*time.Millisecond)
	m.ActionDone(core.ActionReplyPublic, errors.New("HTTP 502"), time.Second)
	m.TelegramError("sendMessage", "rate_limited")

	srv, err := Listen("127.0.0.1:0", m.Handler(ob), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- srv.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	}()

	body := get(t, "http://"+srv.Addr()+"/metrics", http.StatusOK)
	for _, want := range []string{
		`shenava_source_polls_total{source="x/mentions"} 1`,
		`shenava_source_errors_total{kind="rate_limited",source="rss/news"} 1`,
		`shenava_mentions_ingested_total{label="negative",source="x/mentions"} 1`,
		`shenava_mentions_dropped_total{reason="duplicate",source="x/mentions"} 1`,
		`shenava_rate_limit_wait_seconds_total{source="rss/news"} 60`,
		`shenava_outbox_executions_total{kind="reply_public",result="error"} 1`,
		`shenava_outbox_pending 3`,
		`shenava_telegram_errors_total{kind="rate_limited",method="sendMessage"} 1`,
		`shenava_outbox_oldest_pending_seconds 90`,
		`shenava_classification_seconds_count 1`,
		`go_goroutines`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}

	var h Health
	if err := json.Unmarshal([]byte(get(t, "http://"+srv.Addr()+"/healthz", http.StatusOK)), &h); err != nil {
		t.Fatal(err)
	}
	if h.Status != "ok" || h.Outbox.Pending != 3 || h.Sources["rss/news"].Failures != 1 || h.Sources["x/mentions"].LastSuccess.IsZero() {
		t.Fatalf("health=%+v", h)
	}
	for range unhealthyAfter {
		m.Polled("rss/news", errors.New("HTTP 500"))
	}
	get(t, "http://"+srv.Addr()+"/healthz", http.StatusServiceUnavailable)
}

func get(t *testing.T, url string, want int) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		t.Fatalf("GET %s: %d, want %d: %s", url, resp.StatusCode, want, b)
	}
	return string(b)
}

func TestErrorKind(t *testing.T) {
	t.Parallel()
	for want, err := range map[string]error{
		"timeout":      fmt.Errorf("x: %w", context.DeadlineExceeded),
		"unauthorized": fmt.Errorf("x: %w", core.ErrUnauthorized),
		"permanent":    core.Permanent(errors.New("400")),
		"rate_limited": &core.RateLimitError{},
		"other":        errors.New("boom"),
	} {
		if got := errorKind(err); got != want {
			t.Errorf("errorKind(%v)=%s, want %s", err, got, want)
		}
	}
}

// TestHealthz_Shape pins the documented JSON: snake_case keys, unset times
// left out.
func TestHealthz_Shape(t *testing.T) {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		ob   fakeOutbox
		poll func(m *Metrics)
		want string
	}{
		{"idle", fakeOutbox{}, func(m *Metrics) {},
			`{"status":"ok","sources":{},"outbox":{"pending":0}}`},
		{"busy", fakeOutbox{st: OutboxStats{Pending: 2, OldestPending: now.Add(-time.Minute)}},
			func(m *Metrics) { m.Polled("rss/news", errors.New("HTTP 500")) },
			`{"status":"ok","sources":{"rss/news":{"last_poll":"2026-11-23T09:00:00Z","last_error":"HTTP 500","consecutive_failures":1}},"outbox":{"pending":2,"oldest_pending":"2026-11-23T08:59:00Z"}}`},
		{"expected", fakeOutbox{}, func(m *Metrics) {
			m.Expect("instagram", "instagram-webhook", "telegram-channels/@koala_news")
			m.Polled("instagram", nil)
			m.Expect("instagram") // keeps what it knows
		},
			`{"status":"ok","sources":{"instagram":{"last_poll":"2026-11-23T09:00:00Z","last_success":"2026-11-23T09:00:00Z","consecutive_failures":0},"instagram-webhook":{"consecutive_failures":0},"telegram-channels/@koala_news":{"consecutive_failures":0}},"outbox":{"pending":0}}`},
		{"unreadable", fakeOutbox{err: errors.New("database closed")}, func(m *Metrics) {},
			`{"status":"degraded","sources":{},"error":"database closed"}`},
		{"replica", fakeOutbox{}, func(m *Metrics) {
			m.SetReplica("eu-1", func() []string { return []string{"bot", "source:rss/news"} })
		},
			`{"status":"ok","replica":"eu-1","leases":["bot","source:rss/news"],"sources":{},"outbox":{"pending":0}}`},
		{"replicaHoldingNothing", fakeOutbox{}, func(m *Metrics) { m.SetReplica("eu-2", func() []string { return nil }) },
			`{"status":"ok","replica":"eu-2","leases":[],"sources":{},"outbox":{"pending":0}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := New(tt.ob)
			m.now = func() time.Time { return now }
			tt.poll(m)
			rec := httptest.NewRecorder()
			m.Handler(tt.ob).ServeHTTP(rec, httptest.NewRequest("GET", "/healthz", nil))
			if got := strings.TrimSpace(rec.Body.String()); got != tt.want {
				t.Errorf("/healthz\n got %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestReplicaGauges(t *testing.T) {
	held := []string{"source:x-mentions"}
	m := New(nil)
	m.SetReplica("eu-1", func() []string { return held })
	scrape := func() string {
		rec := httptest.NewRecorder()
		m.Handler(nil).ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
		return rec.Body.String()
	}
	body := scrape()
	for _, want := range []string{`shenava_replica_info{replica="eu-1"} 1`, `shenava_lease_held{lease="source:x-mentions",replica="eu-1"} 1`} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	held = nil
	if strings.Contains(scrape(), "shenava_lease_held{") {
		t.Error("a lease no longer held is still exported")
	}
}

func TestCodesLeft(t *testing.T) {
	left := 7
	m := New(nil)
	m.WatchCodes(func(context.Context) (int, error) { return left, nil })
	read := func() float64 {
		t.Helper()
		mfs, err := m.Registry().Gather()
		if err != nil {
			t.Fatal(err)
		}
		for _, mf := range mfs {
			if mf.GetName() == "shenava_codes_left" {
				return mf.GetMetric()[0].GetGauge().GetValue()
			}
		}
		t.Fatal("no shenava_codes_left")
		return 0
	}
	if v := read(); v != 7 {
		t.Fatalf("codes_left %v, want 7", v)
	}
	left = 0 // read at each scrape
	if v := read(); v != 0 {
		t.Fatalf("codes_left %v, want 0", v)
	}
}
