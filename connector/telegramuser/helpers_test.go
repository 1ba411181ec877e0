package telegramuser

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shenava/shenava/internal/conf"
	"github.com/shenava/shenava/internal/mtprototest"
)

var t0 = time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)

// newCollector connects to the fake with its session in dir.
func newCollector(t *testing.T, f *mtprototest.Server, cfg Config, dir string) *Collector {
	t.Helper()
	cfg.APIID, cfg.APIHash = mtprototest.APIID, conf.NewSecret(mtprototest.APIHash)
	cfg.SessionFile = filepath.Join(dir, "session.json")
	if cfg.RequestInterval == 0 {
		cfg.RequestInterval = MinRequestInterval
	}
	cfg.Timeout = 20 * time.Second
	c, err := New(cfg, slog.New(slog.DiscardHandler), Options{MTProto: f.Options()})
	if err != nil {
		t.Fatal(err)
	}
	c.SetClock(func() time.Time { return t0 })
	// The clock stands still, so the pace between requests and the
	// reconnection backoff are asked of sleep, which records them and
	// returns at once: no test waits on the wall clock.
	log := &sleepLog{}
	sleeps.Store(c, log)
	c.sleep = func(ctx context.Context, d time.Duration) error {
		log.mu.Lock()
		log.d = append(log.d, d)
		log.mu.Unlock()
		return ctx.Err()
	}
	return c
}

// sleeps holds each test collector's sleepLog.
var sleeps sync.Map

type sleepLog struct {
	mu sync.Mutex
	d  []time.Duration
}

// slept is what c asked to sleep, in order.
func slept(c *Collector) []time.Duration {
	v, _ := sleeps.Load(c)
	log := v.(*sleepLog)
	log.mu.Lock()
	defer log.mu.Unlock()
	return append([]time.Duration(nil), log.d...)
}

// running starts Run and waits until it connected.
func running(t *testing.T, c *Collector) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	select {
	case <-c.ready:
	case <-time.After(20 * time.Second):
		t.Fatal("collector did not connect")
	}
}

// signIn logs the collector account in through the interactive flow.
func signIn(t *testing.T, c *Collector) string {
	t.Helper()
	var out strings.Builder
	u, err := c.Login(context.Background(), strings.NewReader(mtprototest.LoginInput), &out)
	if err != nil {
		t.Fatalf("Login: %v\n%s", err, out.String())
	}
	if u.ID != mtprototest.Self.ID {
		t.Fatalf("signed in as %d", u.ID)
	}
	return out.String()
}

// signedIn is a running collector whose account is signed in.
func signedIn(t *testing.T, f *mtprototest.Server, cfg Config, dir string) *Collector {
	t.Helper()
	signIn(t, newCollector(t, f, cfg, dir))
	c := newCollector(t, f, cfg, dir)
	running(t, c)
	return c
}
