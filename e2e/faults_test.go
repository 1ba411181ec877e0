package e2e

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shenava/shenava/bot"
	"github.com/shenava/shenava/brand"
	"github.com/shenava/shenava/connector/mastodon"
	"github.com/shenava/shenava/connector/rss"
	"github.com/shenava/shenava/connector/x"
	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/conf"
	"github.com/shenava/shenava/internal/telegramtest"
	"github.com/shenava/shenava/internal/xtest"
	"github.com/shenava/shenava/listen"
	"github.com/shenava/shenava/metrics"
	"github.com/shenava/shenava/sentiment"
	"github.com/shenava/shenava/store"
)

// requestTimeout is a fault case's request timeout where the body is not
// bounded below the fault's size: faultsTimeout for the server that never
// answers; for every other fault far longer than any answer takes, so a
// busy machine cannot turn the slow read of a huge body into a timeout.
func requestTimeout(hang bool) time.Duration {
	if hang {
		return faultsTimeout
	}
	return time.Minute
}

// The faults every platform is put through. A timeout is the fake holding
// the answer past the client's timeout; a reset is the connection closed
// without an answer; malformed and truncated bodies come with 200.
const (
	faultsTimeout = time.Second
	hugeBody      = 16 << 20
	// maxBody is the connectors' body limit in these tests: a huge body
	// trips it quickly, whatever the machine's speed.
	maxBody = 1 << 20
)

var faultT0 = time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)

// faultClock is the connectors' injected clock.
type faultClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *faultClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *faultClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

func (c *faultClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// faultCase is one fault and what the engine must make of it.
type faultCase struct {
	name string
	f    fault
	// rateLimit: the poll fails with *core.RateLimitError carrying wait.
	rateLimit bool
	wait      time.Duration
	// kind is the label of shenava_source_errors_total it is counted under.
	kind string
}

// sourceRig is one connector, against its fake behind a fault injector,
// polled by a real engine into a real store with the shipped model.
type sourceRig struct {
	spec   listen.SourceSpec
	in     *injector
	clock  *faultClock
	db     *store.DB
	engine *listen.Engine
	m      *metrics.Metrics
	add    func(n int) // n new mentions appear at the fake
	// blocks: after a rate limit with a known wait, the connector itself
	// makes no request until the wait is over.
	blocks func(faultCase) bool
}

// modelOnce loads the shipped model once for all fault tests.
var modelOnce = sync.OnceValues(sentiment.Load)

func newSourceRig(t *testing.T, platform string, engineCfg listen.Config) *sourceRig {
	t.Helper()
	model, err := modelOnce()
	if err != nil {
		t.Fatal(err)
	}
	matcher, err := brand.New(brand.Config{Keywords: []string{"shenava"}})
	if err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(filepath.Join(t.TempDir(), "shenava.db"), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	r := &sourceRig{in: newInjector(t), clock: &faultClock{now: faultT0}, db: db, m: metrics.New(nil)}
	n := 0
	text := func() string {
		n++
		return fmt.Sprintf("shenava delivered my order number %d on time, thanks", n)
	}
	switch platform {
	case "x":
		srv := xtest.New(t, xtest.WithWrap(r.in.wrap), xtest.WithClock(r.clock.Now))
		c, err := x.New(x.Config{BaseURL: srv.URL(), BearerToken: conf.NewSecret(xtest.DefaultBearerToken), UserID: srv.UserID(),
			Mentions: x.Stream{Enabled: true}, MaxResults: 10, Timeout: faultsTimeout, MaxBodyBytes: maxBody, UserAgent: "Shenava/test (+https://github.com/shenava/shenava)"},
			nil, discardLogger())
		if err != nil {
			t.Fatal(err)
		}
		c.Now = r.clock.Now
		r.spec = listen.SourceSpec{Name: "x-mentions", Source: c.Mentions("x-mentions"), Interval: time.Hour, Scoped: true}
		r.add = func(k int) {
			for range k {
				text := text()
				srv.AddMention(xtest.Post{ID: strconv.Itoa(1860000000000000000 + n), Text: text, Created: r.clock.Now().Add(-time.Minute)},
					xtest.User{ID: strconv.Itoa(2000000000000000000 + n), Username: fmt.Sprintf("user%d", n)})
			}
		}
		r.blocks = func(fc faultCase) bool { return fc.wait > 0 }
	case "mastodon":
		srv := newMastoFake(t, "masto-token-e2e", r.in.wrap)
		c, err := mastodon.New(mastodon.Config{Server: srv.srv.URL, AccessToken: conf.NewSecret("masto-token-e2e"), Notifications: mastodon.StreamConfig{Enabled: true},
			Timeout: faultsTimeout, MaxBodyBytes: maxBody, UserAgent: "Shenava/test (+https://github.com/shenava/shenava)"}, nil, discardLogger())
		if err != nil {
			t.Fatal(err)
		}
		c.Now = r.clock.Now
		r.spec = listen.SourceSpec{Name: "mastodon/mentions", Source: c.Streams()[0], Interval: time.Hour, Scoped: true}
		r.add = func(k int) {
			for range k {
				srv.add(text(), r.clock.Now().Add(-time.Minute), fmt.Sprintf("toot%d", n))
			}
		}
		// Mastodon's own budget header (remaining 0 until the reset) stops
		// the client; a bare Retry-After leaves the wait to the engine.
		r.blocks = func(fc faultCase) bool { return fc.name == "429_ResetHeader" }
	case "rss":
		srv := newFeedFake(t, r.in.wrap)
		c, err := rss.New(rss.Config{Feeds: []rss.FeedConfig{{Name: "news", URL: srv.srv.URL + "/feed.xml"}},
			Timeout: faultsTimeout, MaxBodyBytes: maxBody, UserAgent: "Shenava/test (+https://github.com/shenava/shenava)"}, nil, discardLogger())
		if err != nil {
			t.Fatal(err)
		}
		c.Now = r.clock.Now
		r.spec = listen.SourceSpec{Name: "news", Source: c.Feeds()[0], Interval: time.Hour}
		r.add = func(k int) {
			for range k {
				srv.add(text(), r.clock.Now().Add(-time.Minute))
			}
		}
		r.blocks = func(faultCase) bool { return false }
	default:
		t.Fatalf("no rig for %s", platform)
	}
	engineCfg.Metrics = r.m
	e, err := listen.New(db, model, matcher, nil, []listen.SourceSpec{r.spec}, engineCfg, discardLogger())
	if err != nil {
		t.Fatal(err)
	}
	e.SetClock(r.clock.Now)
	r.engine = e
	return r
}

func (r *sourceRig) stored(t *testing.T) int {
	t.Helper()
	n, err := r.db.MentionCount(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// sourceFaults is the matrix for one source platform.
func sourceFaults(platform string, clock func() time.Time) []faultCase {
	jsonErr := func(status int) string {
		switch platform {
		case "x":
			return fmt.Sprintf(`{"title":"%s","detail":"%s","type":"about:blank","status":%d}`, http.StatusText(status), http.StatusText(status), status)
		case "mastodon":
			return `{"error":"` + http.StatusText(status) + `"}`
		}
		return "<html><body>" + http.StatusText(status) + "</body></html>"
	}
	errCT := map[string]string{"x": "application/problem+json", "mastodon": "application/json", "rss": "text/html"}[platform]
	nginx := `<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>`
	malformed := map[string]string{
		"x":        `{"data":[{"id":"1860000000000000099","text":"shenava"},,]`,
		"mastodon": `[{"id":"35000099","type":"mention",}]`,
		"rss":      "\x00\xff\xfenot a feed at all {{",
	}[platform]
	okCT := map[string]string{"x": "application/json", "mastodon": "application/json", "rss": "application/rss+xml"}[platform]
	tooBig := "other"
	if platform != "x" {
		tooBig = "permanent" // Mastodon and feeds refuse oversized bodies as a permanent error
	}
	cases := []faultCase{
		{name: "429_RetryAfter", f: fault{status: 429, header: map[string]string{"Retry-After": "7"}, body: jsonErr(429), contentType: errCT},
			rateLimit: true, wait: 7 * time.Second, kind: "rate_limited"},
		{name: "429_Bare", f: fault{status: 429, body: jsonErr(429), contentType: errCT}, rateLimit: true, wait: 0, kind: "rate_limited"},
		{name: "500", f: fault{status: 500, body: jsonErr(500), contentType: errCT}, kind: "other"},
		{name: "502", f: fault{status: 502, body: jsonErr(502), contentType: errCT}, kind: "other"},
		{name: "503", f: fault{status: 503, body: jsonErr(503), contentType: errCT}, kind: "other"},
		{name: "HTMLErrorPage", f: fault{status: 502, body: nginx, contentType: "text/html"}, kind: "other"},
		{name: "Timeout", f: fault{hang: true}, kind: "timeout"},
		{name: "ConnectionReset", f: fault{reset: true}, kind: "network"},
		{name: "Malformed", f: fault{status: 200, body: malformed, contentType: okCT}, kind: "other"},
		{name: "Truncated", f: fault{truncate: true}, kind: "other"},
		{name: "HugeBody", f: fault{huge: hugeBody}, kind: tooBig},
	}
	reset := clock().Add(20 * time.Second)
	switch platform {
	case "x":
		cases = append(cases, faultCase{name: "429_ResetHeader", f: fault{status: 429, body: jsonErr(429), contentType: errCT,
			header: map[string]string{"x-rate-limit-limit": "450", "x-rate-limit-remaining": "0", "x-rate-limit-reset": strconv.FormatInt(reset.Unix(), 10)}},
			rateLimit: true, wait: 20 * time.Second, kind: "rate_limited"})
	case "mastodon":
		cases = append(cases, faultCase{name: "429_ResetHeader", f: fault{status: 429, body: jsonErr(429), contentType: errCT,
			header: map[string]string{"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset.Format(time.RFC3339)}},
			rateLimit: true, wait: 20 * time.Second, kind: "rate_limited"})
	}
	return cases
}

func metricValue(tb testing.TB, m *metrics.Metrics, name string, labels map[string]string) float64 {
	tb.Helper()
	fams, err := m.Registry().Gather()
	if err != nil {
		tb.Fatal(err)
	}
	for _, f := range fams {
		if f.GetName() != name {
			continue
		}
	next:
		for _, mm := range f.GetMetric() {
			matched := 0
			for _, l := range mm.GetLabel() {
				if v, ok := labels[l.GetName()]; ok {
					if v != l.GetValue() {
						continue next
					}
					matched++
				}
			}
			if matched != len(labels) {
				continue
			}
			if c := mm.GetCounter(); c != nil {
				return c.GetValue()
			}
			return mm.GetGauge().GetValue()
		}
	}
	return 0
}

// TestFaults_Sources puts each source connector, polled through the engine,
// through the fault matrix: no panic; a rate limit comes back as
// *core.RateLimitError with the platform's wait, which the connector itself
// honours where it can; everything else is a plain error the engine backs
// off from; the failure is counted in shenava_source_errors_total under its
// kind; and once the fake heals the next poll stores what was waiting.
func TestFaults_Sources(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, platform := range []string{"x", "mastodon", "rss"} {
		t.Run(platform, func(t *testing.T) {
			t.Parallel()
			for _, fc := range sourceFaults(platform, func() time.Time { return faultT0 }) {
				t.Run(fc.name, func(t *testing.T) {
					t.Parallel()
					r := newSourceRig(t, platform, listen.Config{})
					r.add(2)
					if res, err := r.engine.Poll(ctx, r.spec); err != nil || res.Stored != 2 {
						t.Fatalf("healthy first poll: %+v, %v", res, err)
					}
					r.add(2)
					// Go's transport retries an idempotent request once when a
					// reused connection is dropped: a reset must meet the retry too.
					r.in.failNext(map[bool]int{false: 1, true: 2}[fc.f.reset], nil, fc.f)
					_, err := r.engine.Poll(ctx, r.spec)
					r.in.heal()
					if err == nil {
						t.Fatal("the poll succeeded through the fault")
					}
					var rl *core.RateLimitError
					if got := errors.As(err, &rl); got != fc.rateLimit {
						t.Fatalf("rate limit=%v, want %v: %v", got, fc.rateLimit, err)
					}
					if fc.rateLimit && rl.RetryAfter != fc.wait {
						t.Fatalf("RetryAfter=%s, want %s: %v", rl.RetryAfter, fc.wait, err)
					}
					if errors.Is(err, core.ErrUnauthorized) {
						t.Fatalf("a %s is not a credentials problem: %v", fc.name, err)
					}
					if len(err.Error()) > 1000 {
						t.Fatalf("error of %d bytes: the body leaked into it", len(err.Error()))
					}
					labels := map[string]string{"source": r.spec.Name, "kind": fc.kind}
					if n := metricValue(t, r.m, "shenava_source_errors_total", labels); n != 1 {
						t.Fatalf("shenava_source_errors_total%v=%v, want 1 (error: %v)", labels, n, err)
					}
					if h := r.m.Health(ctx, nil); h.Sources[r.spec.Name].Failures != 1 {
						t.Fatalf("health %+v, want one failure counted", h.Sources[r.spec.Name])
					}
					if n := r.stored(t); n != 2 {
						t.Fatalf("%d mentions stored during the fault, want the 2 from before", n)
					}
					if fc.rateLimit && r.blocks(fc) {
						seen := r.in.total()
						if _, err := r.engine.Poll(ctx, r.spec); !errors.As(err, &rl) || r.in.total() != seen {
							t.Fatalf("a poll during the wait: %v, %d requests; want a rate limit and none sent", err, r.in.total()-seen)
						}
					}
					r.clock.Advance(fc.wait + time.Second)
					res, err := r.engine.Poll(ctx, r.spec)
					if err != nil || r.stored(t) != 4 {
						t.Fatalf("after healing: %+v, %v; %d stored, want 4", res, err, r.stored(t))
					}
				})
			}
		})
	}
}

// TestFaults_EngineWaits runs the engine's own loop: it waits out a rate
// limit for as long as the platform said (the recorded wait is the
// Retry-After, not its own backoff), and after a server error it backs off
// and recovers by itself.
func TestFaults_EngineWaits(t *testing.T) {
	t.Parallel()
	for _, platform := range []string{"x", "mastodon", "rss"} {
		t.Run(platform, func(t *testing.T) {
			t.Parallel()
			t.Run("RetryAfter", func(t *testing.T) {
				t.Parallel()
				r := newSourceRig(t, platform, listen.Config{BackoffMin: 10 * time.Millisecond, BackoffMax: 20 * time.Millisecond})
				r.in.failNext(1, nil, fault{status: 429, header: map[string]string{"Retry-After": "7"}})
				stop := runEngine(t, r.engine)
				labels := map[string]string{"source": r.spec.Name}
				waitFor(t, "the rate limit to be waited out", 10*time.Second, func() bool {
					return metricValue(t, r.m, "shenava_rate_limit_waits_total", labels) == 1
				})
				stop()
				if s := metricValue(t, r.m, "shenava_rate_limit_wait_seconds_total", labels); s != 7 {
					t.Fatalf("the engine waited %vs, want Retry-After's 7s", s)
				}
			})
			t.Run("ServerErrorsThenHeal", func(t *testing.T) {
				t.Parallel()
				r := newSourceRig(t, platform, listen.Config{BackoffMin: 10 * time.Millisecond, BackoffMax: 20 * time.Millisecond})
				r.add(3)
				r.in.failNext(3, nil, fault{status: 503})
				stop := runEngine(t, r.engine)
				waitFor(t, "the engine to recover", 10*time.Second, func() bool { return r.stored(t) == 3 })
				stop()
				if n := metricValue(t, r.m, "shenava_source_errors_total", map[string]string{"source": r.spec.Name, "kind": "other"}); n != 3 {
					t.Fatalf("%v errors counted, want 3", n)
				}
				if h := r.m.Health(context.Background(), nil).Sources[r.spec.Name]; h.Failures != 0 || h.LastSuccess.IsZero() {
					t.Fatalf("health after recovery %+v", h)
				}
			})
		})
	}
}

// runEngine runs e until the returned stop is called (or the test ends).
func runEngine(t *testing.T, e *listen.Engine) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("engine: %v", err)
				}
			case <-time.After(10 * time.Second):
				t.Error("the engine did not stop")
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

// TestFaults_TelegramAlerts delivers an alert through the outbox and the
// real bot to a fake Bot API server that fails the first sendMessage: a
// rate limit postpones it by the wait Telegram gave (without counting an
// attempt), anything else is retried after a backoff, each failure is
// counted in shenava_telegram_errors_total under its kind, and once the
// server heals the alert is delivered exactly once.
func TestFaults_TelegramAlerts(t *testing.T) {
	t.Parallel()
	const chat = -1001000000555
	envelope429 := `{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 5","parameters":{"retry_after":5}}`
	tests := []struct {
		name     string
		f        telegramtest.Fault
		kind     string
		postpone time.Duration // a rate limit: exactly this wait, no attempt counted
	}{
		{"429_RetryAfter", telegramtest.TooManyRequests(7), "rate_limited", 7 * time.Second},
		{"429_BodyOnly", telegramtest.Fault{Status: 429, Body: envelope429, ContentType: "application/json"}, "rate_limited", 5 * time.Second},
		{"429_Bare", telegramtest.Fault{Status: 429, Description: "Too Many Requests"}, "rate_limited", time.Minute},
		{"500", telegramtest.ServerError(500), "server", 0},
		{"502", telegramtest.ServerError(502), "server", 0},
		{"503", telegramtest.ServerError(503), "server", 0},
		{"HTMLErrorPage", telegramtest.HTMLErrorPage(502), "server", 0},
		{"Timeout", telegramtest.Hang(), "timeout", 0},
		{"ConnectionReset", telegramtest.Reset(), "network", 0},
		{"Malformed", telegramtest.Garbage(), "malformed", 0},
		{"Truncated", telegramtest.Truncated(), "malformed", 0},
		{"HugeBody", telegramtest.Huge(bot.MaxResponseBytes + 1<<20), "too_large", 0},
	}
	ctx := context.Background()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tg := telegramtest.New(t)
			tg.AddChat(telegramtest.Supergroup(chat, "Support", ""))
			db, err := store.Open(filepath.Join(t.TempDir(), "shenava.db"), store.Options{NoSync: true})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			logs := &logBuffer{}
			logger := slogJSON(logs)
			m := metrics.New(nil)
			b, err := bot.New(bot.Config{APIURL: tg.URL(), Token: conf.NewSecret(tg.Token()), AlertChatID: chat,
				Managers: []bot.Manager{{ID: 101, Name: "Sara"}}, RequestTimeout: requestTimeout(tt.name == "Timeout"), PollTimeout: time.Second},
				bot.Deps{Store: db, Logger: logger, Metrics: m})
			if err != nil {
				t.Fatal(err)
			}
			clock := &faultClock{now: faultT0}
			b.SetClock(clock.Now)
			outbox := listen.NewOutbox(db, b, nil, listen.OutboxConfig{Workers: 1, BackoffMin: 2 * time.Second, BackoffMax: time.Minute, Metrics: m}, logger)
			outbox.SetClock(clock.Now)

			mention := core.Mention{Platform: core.PlatformX, NativeID: "1860000000000000001", Source: "x-mentions",
				URL: "https://x.com/mina/status/1860000000000000001", Author: core.Author{ID: "42", Handle: "mina"},
				Text: "shenava my order is two weeks late", CreatedAt: faultT0.Add(-time.Hour), FetchedAt: faultT0,
				Analysis: &core.Analysis{Lang: "en", Label: core.LabelNegative, Scores: core.Scores{Negative: 0.95, Neutral: 0.04, Positive: 0.01}}}
			saved, err := db.SaveBatch(ctx, "x-mentions", "c1", []core.Decision{{Mention: mention, OpenCase: true, Actions: []core.Action{{
				Kind: core.ActionAlert, DedupKey: "alert:" + mention.Key(), MentionKey: mention.Key(), Actor: core.ActorSystem, CreatedAt: faultT0}}}}, faultT0)
			if err != nil || len(saved.Actions) != 1 {
				t.Fatalf("SaveBatch: %+v, %v", saved, err)
			}
			id := saved.Actions[0].ID

			tg.FailNext("sendMessage", 1, tt.f)
			if n, err := outbox.RunOnce(ctx); n != 1 || err != nil {
				t.Fatalf("RunOnce = %d, %v", n, err)
			}
			a, err := db.Action(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if a.State != core.ActionPending {
				t.Fatalf("after the fault the alert is %s (%s), want pending for another try", a.State, a.LastError)
			}
			if tt.postpone > 0 {
				if a.Attempts != 0 || !a.NextAttemptAt.Equal(faultT0.Add(tt.postpone)) {
					t.Fatalf("alert %+v: want postponed to +%s with no attempt counted", a, tt.postpone)
				}
			} else if a.Attempts != 1 || a.NextAttemptAt.Before(faultT0.Add(1600*time.Millisecond)) || a.NextAttemptAt.After(faultT0.Add(2400*time.Millisecond)) {
				t.Fatalf("alert %+v: want a retry after the 2s (±20%%) backoff", a)
			}
			labels := map[string]string{"method": "sendMessage", "kind": tt.kind}
			if n := metricValue(t, m, "shenava_telegram_errors_total", labels); n != 1 {
				t.Fatalf("shenava_telegram_errors_total%v=%v, want 1 (last error %q)", labels, n, a.LastError)
			}
			if strings.Contains(a.LastError+logs.String(), strings.SplitN(tg.Token(), ":", 2)[1]) {
				t.Fatal("the bot token is in the recorded error or the logs")
			}

			clock.Set(a.NextAttemptAt)
			if n, err := outbox.RunOnce(ctx); n != 1 || err != nil {
				t.Fatalf("RunOnce after healing = %d, %v", n, err)
			}
			if a, _ := db.Action(ctx, id); a.State != core.ActionDone {
				t.Fatalf("after healing the alert is %s (%s), want done", a.State, a.LastError)
			}
			// Message IDs count the messages the chat really got (a faulted
			// call is answered without sending anything).
			if last, _, ok := tg.LastSent(chat); !ok || last.ID != 1 {
				t.Fatalf("the alert chat got %d messages, want exactly 1", last.ID)
			}
		})
	}
}

// TestFaults_XReplies sends a thank-you through the outbox and the real X
// connector to a fake X that fails the first POST /2/tweets. A failure
// that left nothing posted is retried (a rate limit after the wait X gave)
// and ends in exactly one reply. A 2xx answer that cannot be read means X
// took the post: retrying would post the same reply twice, so the action
// fails (and the managers are told) instead.
func TestFaults_XReplies(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		f        fault
		postpone time.Duration // a rate limit: exactly this wait, no attempt counted
		fails    bool          // given up at once: the post was made
	}{
		{name: "429_RetryAfter", f: fault{status: 429, header: map[string]string{"Retry-After": "7"}, body: `{"title":"Too Many Requests","type":"about:blank","status":429}`}, postpone: 7 * time.Second},
		{name: "429_Bare", f: fault{status: 429}, postpone: time.Minute},
		{name: "500", f: fault{status: 500}},
		{name: "503", f: fault{status: 503}},
		{name: "HTMLErrorPage", f: fault{status: 502, body: "<html><body>bad gateway</body></html>", contentType: "text/html"}},
		{name: "Timeout", f: fault{hang: true}},
		{name: "ConnectionReset", f: fault{reset: true}},
		{name: "TruncatedAfterPosting", f: fault{truncate: true}, fails: true},
		{name: "MalformedAfterPosting", f: fault{effect: true, status: 201, body: `{"data":{"id":`, contentType: "application/json"}, fails: true},
		{name: "HTMLAfterPosting", f: fault{effect: true, status: 200, body: "<html>Sign in to the Wi-Fi</html>", contentType: "text/html"}, fails: true},
		{name: "HugeAfterPosting", f: fault{effect: true, status: 201, huge: hugeBody}, fails: true},
	}
	ctx := context.Background()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := newInjector(t)
			clock := &faultClock{now: faultT0}
			srv := xtest.New(t, xtest.WithWrap(in.wrap), xtest.WithClock(clock.Now))
			c, err := x.New(x.Config{BaseURL: srv.URL(), BearerToken: conf.NewSecret(xtest.DefaultBearerToken), UserID: srv.UserID(),
				OAuth2UserToken: conf.NewSecret(xtest.DefaultUserToken), Mentions: x.Stream{Enabled: true}, Timeout: faultsTimeout, MaxBodyBytes: maxBody,
				UserAgent: "Shenava/test (+https://github.com/shenava/shenava)"}, nil, discardLogger())
			if err != nil {
				t.Fatal(err)
			}
			c.Now = clock.Now
			db, err := store.Open(filepath.Join(t.TempDir(), "shenava.db"), store.Options{NoSync: true})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			outbox := listen.NewOutbox(db, nopAlerter{}, map[core.Platform]listen.Replier{core.PlatformX: c},
				listen.OutboxConfig{Workers: 1, BackoffMin: 2 * time.Second, BackoffMax: time.Minute}, discardLogger())
			outbox.SetClock(clock.Now)
			mention := core.Mention{Platform: core.PlatformX, NativeID: "1860000000000000001", Source: "x-mentions",
				Author: core.Author{ID: "42", Handle: "mina"}, Text: "shenava is the best, I told all my friends",
				CreatedAt: faultT0.Add(-time.Hour), FetchedAt: faultT0,
				Analysis: &core.Analysis{Lang: "en", Label: core.LabelPositive, Scores: core.Scores{Positive: 0.9, Neutral: 0.1}, Referral: true, ReferralScore: 0.9}}
			saved, err := db.SaveBatch(ctx, "x-mentions", "c1", []core.Decision{{Mention: mention, Actions: []core.Action{{
				Kind: core.ActionThankPublic, DedupKey: "thank:" + mention.Key(), MentionKey: mention.Key(),
				Text: "Thank you for recommending Shenava, {author}!", Actor: core.ActorSystem, CreatedAt: faultT0}}}}, faultT0)
			if err != nil || len(saved.Actions) != 1 {
				t.Fatalf("SaveBatch: %+v, %v", saved, err)
			}
			id := saved.Actions[0].ID

			in.failNext(map[bool]int{false: 1, true: 2}[tt.f.reset], func(r *http.Request) bool { return r.Method == http.MethodPost }, tt.f)
			if n, err := outbox.RunOnce(ctx); n != 1 || err != nil {
				t.Fatalf("RunOnce = %d, %v", n, err)
			}
			in.heal()
			a, err := db.Action(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case tt.fails:
				// X made the post and its answer cannot be read: a blind
				// retry would post it twice, so the next attempt reads X
				// back first, finds the post and marks it sent.
				if a.State != core.ActionPending || !a.Unsure {
					t.Fatalf("after an unreadable answer to a post X made, the thank-you is %s unsure=%v (%s), want pending and to be read back", a.State, a.Unsure, a.LastError)
				}
				clock.Set(a.NextAttemptAt)
				if n, err := outbox.RunOnce(ctx); n != 1 || err != nil {
					t.Fatalf("RunOnce of the read-back = %d, %v", n, err)
				}
				ps := srv.Posts()
				if len(ps) != 1 {
					t.Fatalf("%d posts, want the one X made", len(ps))
				}
				if a, _ := db.Action(ctx, id); a.State != core.ActionDone || a.Result != ps[0].ID {
					t.Fatalf("after the read-back the thank-you is %s with %q (%s), want done with X's post %s", a.State, a.Result, a.LastError, ps[0].ID)
				}
				return
			case tt.postpone > 0:
				if a.State != core.ActionPending || a.Attempts != 0 || !a.NextAttemptAt.Equal(faultT0.Add(tt.postpone)) {
					t.Fatalf("thank-you %+v: want postponed to +%s with no attempt counted", a, tt.postpone)
				}
			default:
				if a.State != core.ActionPending || a.Attempts != 1 {
					t.Fatalf("thank-you %+v: want pending for a retry", a)
				}
			}
			clock.Set(a.NextAttemptAt)
			if n, err := outbox.RunOnce(ctx); n != 1 || err != nil {
				t.Fatalf("RunOnce after healing = %d, %v", n, err)
			}
			if a, _ := db.Action(ctx, id); a.State != core.ActionDone {
				t.Fatalf("after healing the thank-you is %s (%s), want done", a.State, a.LastError)
			}
			if ps := srv.Posts(); len(ps) != 1 || ps[0].InReplyTo != mention.NativeID || ps[0].Text != "Thank you for recommending Shenava, @mina!" {
				t.Fatalf("posts %+v, want exactly one thank-you to %s", ps, mention.NativeID)
			}
		})
	}
}

// nopAlerter stands in for the bot where only replies are tested.
type nopAlerter struct{}

func (nopAlerter) Alert(context.Context, core.Case, core.Mention) (string, error) { return "", nil }
func (nopAlerter) UpdateAlert(context.Context, core.Case, core.Mention) error     { return nil }
func (nopAlerter) Notify(context.Context, core.Action, *core.Mention) (string, error) {
	return "", nil
}
