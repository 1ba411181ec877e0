package bot

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/conf"
	"github.com/shenava/shenava/internal/telegramtest"
)

func errorsIs(err, target error) bool { return errors.Is(err, target) }

func contextWithCancel() (context.Context, context.CancelFunc) {
	return context.WithCancel(context.Background())
}

// blockingInbox is a store whose inbox writes hang until released and
// then fail, as if the process died while writing.
type blockingInbox struct {
	Store
	once    sync.Once
	entered chan struct{}
	release chan struct{}
}

func (b *blockingInbox) InboxAppend(ctx context.Context, _ int64, _ ...core.Mention) error {
	b.once.Do(func() { close(b.entered) })
	<-b.release
	return context.Canceled
}

func mustBot(t *testing.T, tg *telegramtest.Server, st Store, clk *clock) *Bot {
	t.Helper()
	cfg := testConfig(tg)
	b, err := New(cfg, Deps{Store: st, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	b.SetClock(clk.Now)
	b.sleep = func(ctx context.Context, _ time.Duration) error { return ctx.Err() }
	return b
}

type countingMetrics struct {
	mu     sync.Mutex
	errors map[string]int
	waits  []time.Duration
}

func (m *countingMetrics) TelegramError(method, kind string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.errors == nil {
		m.errors = map[string]int{}
	}
	m.errors[method+"/"+kind]++
}

func (m *countingMetrics) RateLimited(_ string, wait time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.waits = append(m.waits, wait)
}

func (m *countingMetrics) count(key string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.errors[key]
}

// TestBot_UpdateLoopFaults: whatever the server does, the loop neither
// panics nor spins, waits as told, and works again once the server heals.
func TestBot_UpdateLoopFaults(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		fault telegramtest.Fault
		kind  string
	}{
		{"TooManyRequests", telegramtest.TooManyRequests(7), "rate_limited"},
		{"ServerError", telegramtest.ServerError(500), "server"},
		{"BadGateway", telegramtest.ServerError(502), "server"},
		{"Unavailable", telegramtest.ServerError(503), "server"},
		{"HTMLErrorPage", telegramtest.HTMLErrorPage(502), "server"},
		{"Garbage", telegramtest.Garbage(), "malformed"},
		{"Truncated", telegramtest.Truncated(), "malformed"},
		{"Huge", telegramtest.Huge(MaxResponseBytes + 1<<20), "too_large"},
		{"Reset", telegramtest.Reset(), "network"},
		{"Timeout", telegramtest.Hang(), "timeout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, func(c *Config) { c.RequestTimeout = faultTimeout(tt.kind == "timeout") })
			metrics := &countingMetrics{}
			setMetrics(h.bot, metrics)
			h.tg.FailNext("getUpdates", 3, tt.fault)
			h.run()
			h.tg.SendText(ali, telegramtest.PrivateChat(ali), "/help")
			h.tg.WaitCalls(t, "sendMessage", 1) // healed: the command was answered
			if n := metrics.count("getUpdates/" + tt.kind); n != 3 {
				t.Fatalf("counted %d getUpdates/%s errors, want 3", n, tt.kind)
			}
			sleeps := h.Sleeps()
			if len(sleeps) < 3 {
				t.Fatalf("slept %v, want a wait after each failure", sleeps)
			}
			if tt.kind == "rate_limited" {
				for _, s := range sleeps[:3] {
					if s != 7*time.Second {
						t.Fatalf("waits %v, want retry_after (7s) each time", sleeps)
					}
				}
			} else if !(sleeps[1] > sleeps[0] && sleeps[2] > sleeps[1]) || sleeps[2] > loopBackoffMax {
				t.Fatalf("waits %v, want a growing, capped backoff", sleeps)
			}
		})
	}
	t.Run("RevokedTokenStops", func(t *testing.T) {
		tg := telegramtest.New(t)
		cfg := testConfig(tg)
		cfg.Token = conf.NewSecret("1:revoked-token-abcdefgh")
		b, err := New(cfg, Deps{Store: fakeStore{}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			t.Fatal(err)
		}
		err = b.Run(ctx)
		if !errors.Is(err, core.ErrUnauthorized) || strings.Contains(err.Error(), "revoked-token") {
			t.Fatalf("Run = %v, want ErrUnauthorized without the token", err)
		}
	})
}

// faultTimeout is the request timeout of a fault case: short where the
// fault is a server that never answers, so the case does not wait long;
// for every other fault far longer than any answer takes, so that a slow
// or busy machine cannot turn a slow read of a huge body into a timeout.
func faultTimeout(hang bool) time.Duration {
	if hang {
		return 300 * time.Millisecond
	}
	return time.Minute
}

// fakeStore is a store nothing should reach.
type fakeStore struct{ Store }

func TestBot_AlerterFaults(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		fault     telegramtest.Fault
		permanent bool
	}{
		{"ServerError", telegramtest.ServerError(500), false},
		{"HTMLErrorPage", telegramtest.HTMLErrorPage(502), false},
		{"Garbage", telegramtest.Garbage(), false},
		{"Truncated", telegramtest.Truncated(), false},
		{"Reset", telegramtest.Reset(), false},
		{"Timeout", telegramtest.Hang(), false},
		{"Forbidden", telegramtest.Fault{Status: 403, Description: "Forbidden: bot was kicked from the supergroup chat"}, true},
		{"BadRequest", telegramtest.Fault{Status: 400, Description: "Bad Request: chat not found"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, func(c *Config) {
				c.RequestTimeout = faultTimeout(tt.name == "Timeout")
				c.Managers[0].Alerts, c.Managers[1].Alerts = false, false
			})
			m := negativeMention("1", "بد")
			c := core.NewCase(m, t0)
			c.ID = 1
			h.tg.FailNext("sendMessage", 1, tt.fault)
			_, err := h.bot.Alert(ctx, c, m)
			if err == nil {
				t.Fatal("want an error")
			}
			if got := errors.Is(err, core.ErrPermanent); got != tt.permanent {
				t.Fatalf("permanent=%v, want %v: %v", got, tt.permanent, err)
			}
			if len(err.Error()) > 600 {
				t.Fatalf("error of %d bytes: a server's page leaked into it", len(err.Error()))
			}
			if _, err := h.bot.Alert(ctx, c, m); err != nil {
				t.Fatalf("after the server healed: %v", err)
			}
		})
	}
}

func TestBot_TokenNeverLeaks(t *testing.T) {
	t.Parallel()
	const token = "7000000001:AAHsecretSECRETsecret-_zzzzzzzzzzzzzz"
	secret := strings.SplitN(token, ":", 2)[1]
	logs := &syncBuffer{}
	logger := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))

	// A server that echoes the request path (and so the token) in its
	// answers, as some proxies do.
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasSuffix(r.URL.Path, "/getMe"):
			w.WriteHeader(500)
			io.WriteString(w, `{"ok":false,"error_code":500,"description":"upstream failed for `+r.URL.Path+`"}`)
		default:
			w.WriteHeader(502)
			io.WriteString(w, "<html>bad gateway for "+r.URL.String()+"</html>")
		}
	}))
	defer echo.Close()
	closed := httptest.NewServer(http.NotFoundHandler())
	closedURL := closed.URL
	closed.Close()

	for _, url := range []string{echo.URL, closedURL} {
		cfg := Config{APIURL: url, Token: conf.NewSecret(token), AlertChatID: -100, Managers: []Manager{{ID: 1, Name: "Sara"}},
			RequestTimeout: time.Second, PollTimeout: time.Second}
		b, err := New(cfg, Deps{Store: fakeStore{}, Logger: logger})
		if err != nil {
			t.Fatal(err)
		}
		b.sleep = func(ctx context.Context, _ time.Duration) error { return ctx.Err() }
		var errs []error
		errs = append(errs, b.Check(ctx))
		_, err = b.Replier().Reply(ctx, core.Mention{Platform: core.PlatformTelegram, NativeID: "-100:5"}, "hi")
		errs = append(errs, err)
		errs = append(errs, b.SendDigest(ctx, "digest", []byte("png")))
		_, err = b.api.getUpdates(ctx, 1, allowedUpdates)
		errs = append(errs, err)
		ctx2, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
		b.Run(ctx2) // retries getMe with logging until the deadline
		cancel()
		masked := 0
		for _, err := range errs {
			if err == nil {
				t.Fatalf("%s: want errors", url)
			}
			for e := err; e != nil; e = errors.Unwrap(e) {
				if strings.Contains(e.Error(), secret) {
					t.Fatalf("token in an error (or one it wraps): %v", e)
				}
			}
			if strings.Contains(err.Error(), "<token>") || strings.Contains(err.Error(), "bot***") {
				masked++
			}
		}
		if masked == 0 {
			t.Fatalf("%s: no error carried the (masked) URL; the test proves nothing", url)
		}
	}
	logger.Info("config", "telegram", Config{Token: conf.NewSecret(token), APIURL: "https://api.telegram.org"})
	if strings.Contains(logs.String(), secret) {
		t.Fatalf("token in the logs:\n%s", logs.String())
	}
	if !strings.Contains(logs.String(), "token_set") {
		t.Fatal("the config was not logged at all; the test proves nothing")
	}
}

// TestBot_RetryAfterHeader: a 429 whose body names no retry_after is
// waited out as its Retry-After header says, in seconds or as a date.
func TestBot_RetryAfterHeader(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		header string
		want   time.Duration
	}{
		{"Seconds", "30", 30 * time.Second},
		{"Date", t0.Add(2 * time.Minute).Format(http.TimeFormat), 2 * time.Minute},
		{"Unreadable", "soon", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if !strings.HasSuffix(r.URL.Path, "/getMe") {
					t.Errorf("path %s, want getMe", r.URL.Path)
				}
				w.Header().Set("Content-Type", "application/json")
				w.Header().Set("Retry-After", tt.header)
				w.WriteHeader(http.StatusTooManyRequests)
				io.WriteString(w, `{"ok":false,"error_code":429,"description":"Too Many Requests"}`)
			}))
			defer srv.Close()
			cfg := Config{APIURL: srv.URL, Token: conf.NewSecret("1:token-abcdefgh"), AlertChatID: -100, Managers: []Manager{{ID: 1, Name: "Sara"}},
				RequestTimeout: time.Second, PollTimeout: time.Second}
			b, err := New(cfg, Deps{Store: fakeStore{}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
			if err != nil {
				t.Fatal(err)
			}
			b.SetClock(func() time.Time { return t0 })
			err = b.Check(ctx)
			if wait, ok := core.RetryAfter(err); !ok || wait != tt.want {
				t.Fatalf("RetryAfter=(%v, %v), want (%v, true); err=%v", wait, ok, tt.want, err)
			}
		})
	}
}

// A server that accepts a send but answers with a result that is not a
// Message ({"ok":true,"result":"sent"}, as some Bot-API-compatible
// servers do) delivered it: the alert goes out once, is not retried, and
// the case is alerted without a message to edit later.
func TestBot_OkWithOddResultIsDelivered(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.Managers[0].Alerts, c.Managers[1].Alerts = false, false })
	h.tg.FailNext("sendMessage", 1, telegramtest.OddResult())
	m := negativeMention("1001", "Koala lost my order")
	res, err := h.db.SaveBatch(ctx, m.Source, "", []core.Decision{{Mention: m, OpenCase: true, Actions: []core.Action{{
		Kind: core.ActionAlert, DedupKey: "alert:" + m.Key(), MentionKey: m.Key(), Actor: core.ActorSystem,
	}}}}, h.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	for range 5 {
		h.drain()
		h.clock.Advance(10 * time.Minute)
	}
	if n := len(h.tg.Attempts("sendMessage")); n != 1 {
		t.Fatalf("the alert was sent %d times, want once", n)
	}
	for _, a := range h.actions() {
		if a.State != core.ActionDone {
			t.Fatalf("action %d is %s, want done", a.ID, a.State)
		}
	}
	c, err := h.db.Case(ctx, res.Cases[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if c.State != core.CaseAlerted || len(refs(c.Alerts)) != 0 {
		t.Fatalf("case %s with alerts %q, want alerted with no message to edit", c.State, c.Alerts)
	}
	// Editing it later has nothing to edit and does not fail.
	if err := h.bot.UpdateAlert(ctx, c, m); err != nil {
		t.Fatalf("UpdateAlert: %v", err)
	}
	if !strings.Contains(h.logs.String(), "result did not decode") {
		t.Error("no warning logged for the odd result")
	}
}
