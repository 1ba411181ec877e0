package x

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/conf"
	"github.com/shenava/shenava/internal/xtest"
	"github.com/shenava/shenava/listen"
	"github.com/shenava/shenava/store"
)

// xtestClient builds a client against the X fake, reading mentions only.
func xtestClient(t *testing.T, srv *xtest.Server, clk *clock, edit func(*Config)) *Client {
	t.Helper()
	cfg := Config{
		Enabled: true, BaseURL: srv.URL(), BearerToken: conf.NewSecret(xtest.DefaultBearerToken),
		UserID: srv.UserID(), Mentions: Stream{Enabled: true, Interval: 15 * time.Minute},
		MaxResults: 10, MaxPages: 3, OAuth2UserToken: conf.NewSecret(xtest.DefaultUserToken),
	}
	if edit != nil {
		edit(&cfg)
	}
	c, err := New(cfg, nil, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	c.Now = clk.Now
	return c
}

func addMentions(srv *xtest.Server, n int) {
	for i := range n {
		srv.AddMention(xtest.Post{ID: fmt.Sprint(1800000000000000000 + i), Text: "@shenava hello", AuthorID: "42",
			Created: t0}, xtest.User{ID: "42", Username: "sara_k", Name: "Sara"})
	}
}

type passAnalyzer struct{}

func (passAnalyzer) Analyze(string) core.Analysis {
	return core.Analysis{Lang: "en", Label: core.LabelNeutral}
}

// A server whose every page carries a next token gets at most max_pages
// requests per stream per interval from the running engine, and each
// capped walk resumes at the next interval from the token it stopped at.
func TestPolling_EndlessPagesBoundedPerInterval(t *testing.T) {
	clk := &clock{now: t0}
	type stamped struct {
		at    time.Time
		token string
	}
	var (
		mu   sync.Mutex
		seen []stamped
	)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv := xtest.New(t, xtest.WithEndlessPages(), xtest.WithClock(clk.Now), xtest.WithWrap(func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			seen = append(seen, stamped{clk.Now(), r.URL.Query().Get("pagination_token")})
			if len(seen) > 300 {
				cancel() // unbounded: stop the engine, the asserts below fail
			}
			mu.Unlock()
			h.ServeHTTP(w, r)
		})
	}))
	addMentions(srv, 25)
	client := xtestClient(t, srv, clk, nil)
	db, err := store.Open(filepath.Join(t.TempDir(), "shenava.db"), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	const interval = 15 * time.Minute
	spec := listen.SourceSpec{Name: "x-mentions", Source: client.Mentions("x-mentions"), Interval: interval, Scoped: true}
	e, err := listen.New(db, passAnalyzer{}, nil, nil, []listen.SourceSpec{spec}, listen.Config{}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	e.SetClock(clk.Now)
	span := 3 * time.Hour
	e.SetSleep(func(ctx context.Context, d time.Duration) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		clk.Advance(d)
		if clk.Now().Sub(t0) > span {
			cancel()
			return context.Canceled
		}
		return nil
	})
	if err := e.Run(ctx); err != nil {
		t.Fatal(err)
	}

	reqs := srv.Requests()
	if len(reqs) != len(seen) {
		t.Fatalf("%d requests recorded, %d stamped", len(reqs), len(seen))
	}
	// Group the requests into polls: the simulated clock stands still
	// during one.
	var polls [][]int
	for i := range seen {
		if i == 0 || !seen[i].at.Equal(seen[i-1].at) {
			polls = append(polls, nil)
		}
		polls[len(polls)-1] = append(polls[len(polls)-1], i)
	}
	if len(polls) < 10 {
		t.Fatalf("%d polls in %s, want one per interval", len(polls), span)
	}
	minGap := interval - interval/10 // the engine's default jitter
	for k, p := range polls {
		if len(p) > 3 {
			t.Fatalf("poll %d at %s made %d requests, want at most max_pages 3", k, seen[p[0]].at.Format(time.TimeOnly), len(p))
		}
		if k == 0 {
			if len(p) != 1 {
				t.Errorf("first poll: %d requests, want the one backfill page", len(p))
			}
			continue
		}
		if gap := seen[p[0]].at.Sub(seen[polls[k-1][0]].at); gap < minGap {
			t.Errorf("poll %d came %s after the one before, want at least %s", k, gap, minGap)
		}
		prev := polls[k-1]
		if k >= 2 && len(prev) == 3 {
			// The walk before was capped: this one resumes at its token.
			if want := reqs[prev[2]].NextToken; want == "" || reqs[p[0]].Query.Get("pagination_token") != want {
				t.Errorf("poll %d started with pagination_token %q, want %q where the capped walk stopped",
					k, reqs[p[0]].Query.Get("pagination_token"), want)
			}
		}
	}
	if n, bound := len(reqs), 3*(int(span/minGap)+1); n > bound {
		t.Errorf("%d requests in %s, want at most %d", n, span, bound)
	}
}

// recordingNoticer queues notices in the store and keeps those it newly
// queued.
type recordingNoticer struct {
	st     Noticer
	mu     sync.Mutex
	queued []core.Action
}

func (r *recordingNoticer) Enqueue(ctx context.Context, as ...core.Action) ([]core.Action, error) {
	out, err := r.st.Enqueue(ctx, as...)
	r.mu.Lock()
	r.queued = append(r.queued, out...)
	r.mu.Unlock()
	return out, err
}

type recordingGauge struct{ last map[string][2]int64 }

func (g *recordingGauge) XBudget(meter string, used, limit int64) {
	g.last[meter] = [2]int64{used, limit}
}

// The request budget is counted in the store across a restart; the
// managers hear of 80% and 100% once each; polling stops at 100% until
// 00:00 UTC and resumes on the new day.
func TestBudget_CountedAcrossRestartNoticesPauseAndResume(t *testing.T) {
	clk := &clock{now: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)}
	srv := xtest.New(t, xtest.WithClock(clk.Now))
	addMentions(srv, 3)
	path := filepath.Join(t.TempDir(), "shenava.db")
	budget := func(c *Config) { c.Budget, c.NoticeLang = Budget{RequestsPerDay: 10, PostReadsPerDay: 1000}, "en" }
	notices := &recordingNoticer{}
	gauge := &recordingGauge{last: map[string][2]int64{}}
	ctx := context.Background()
	cursor := ""
	fetch := func(src *Source) error {
		b, err := src.Fetch(ctx, cursor)
		if err == nil {
			cursor = b.Cursor
		}
		return err
	}
	start := func() (*store.DB, *Source) {
		db, err := store.Open(path, store.Options{NoSync: true})
		if err != nil {
			t.Fatal(err)
		}
		notices.st = db
		c := xtestClient(t, srv, clk, budget)
		c.SetMetering(Metering{Ledger: db, Notices: notices, Gauge: gauge})
		return db, c.Mentions("x-mentions")
	}

	db, src := start()
	for range 8 {
		if err := fetch(src); err != nil {
			t.Fatal(err)
		}
		clk.Advance(15 * time.Minute)
	}
	if len(notices.queued) != 1 {
		t.Fatalf("after 8 of 10 requests: %d notices, want the 80%% one", len(notices.queued))
	}
	db.Close()

	db, src = start() // a restart: the count goes on from 8
	defer func() { db.Close() }()
	for i := range 2 {
		if err := fetch(src); err != nil {
			t.Fatalf("request %d: %v", 9+i, err)
		}
	}
	sent := len(srv.Requests())
	err := fetch(src)
	var rl *core.RateLimitError
	if !errors.As(err, &rl) || !errors.Is(err, ErrBudgetSpent) {
		t.Fatalf("11th poll: %v, want a budget-spent rate limit", err)
	}
	if rl.RetryAfter != time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC).Sub(clk.Now()) {
		t.Fatalf("RetryAfter=%s, want until 00:00 UTC", rl.RetryAfter)
	}
	if n := len(srv.Requests()); n != sent {
		t.Fatalf("%d requests sent while the budget was spent", n-sent)
	}
	u, err := db.Usage(ctx, clk.Now())
	if err != nil {
		t.Fatal(err)
	}
	if u[MeterRequests] != 10 || u[MeterPostReads] != 3 {
		t.Fatalf("stored usage %v, want 10 requests and the 3 posts of the backfill", u)
	}
	if g := gauge.last[MeterRequests]; g != [2]int64{10, 10} {
		t.Errorf("gauge %v, want 10 of 10", g)
	}
	var keys []string
	for _, a := range notices.queued {
		if a.Kind != core.ActionNotify || a.Topic != core.TopicBudget || !strings.Contains(a.Text, "10") {
			t.Errorf("notice %+v", a)
		}
		keys = append(keys, a.DedupKey)
	}
	if fmt.Sprint(keys) != "[budget:x:2026-12-01:x.requests:80 budget:x:2026-12-01:x.requests:100]" {
		t.Fatalf("notices %v, want 80%% and 100%% once each, across the restart", keys)
	}

	// Past midnight UTC the day's budget is new.
	clk.Advance(time.Date(2026, 12, 2, 0, 0, 1, 0, time.UTC).Sub(clk.Now()))
	if err := fetch(src); err != nil {
		t.Fatalf("first poll of the new day: %v", err)
	}
	if u, _ := db.Usage(ctx, clk.Now()); u[MeterRequests] != 1 {
		t.Fatalf("new day's usage %v, want 1 request", u)
	}
	if len(notices.queued) != 2 {
		t.Fatalf("%d notices, want no more", len(notices.queued))
	}
}

func TestBudgetText(t *testing.T) {
	tests := []struct {
		lang, meter string
		level       int64
		want        string
	}{
		{"en", MeterRequests, 80, "80% of today's X budget is used: 400 of 500 read requests (UTC day).\nAt 100% reading from X pauses until 00:00 UTC."},
		{"en", MeterPostReads, 100, "Today's X budget is spent: 5,000 of 5,000 posts read (UTC day).\nReading from X is paused until 00:00 UTC; replies and DMs still go out."},
		{"fa", MeterRequests, 80, "۸۰٪ بودجهٔ امروز X مصرف شده: ۴۰۰ از ۵۰۰ درخواست خواندن (روز به وقت UTC).\nبا رسیدن به ۱۰۰٪ خواندن از X تا ساعت ۰۰:۰۰ UTC متوقف می‌شود."},
		{"fa", MeterPostReads, 100, "بودجهٔ امروز X تمام شد: ۵٬۰۰۰ از ۵٬۰۰۰ پست خوانده‌شده (روز به وقت UTC).\nخواندن از X تا ساعت ۰۰:۰۰ UTC متوقف است؛ پاسخ‌ها و پیام‌های خصوصی همچنان فرستاده می‌شوند."},
	}
	for _, tt := range tests {
		used, limit := int64(400), int64(500)
		if tt.level == 100 {
			used, limit = 5000, 5000
		}
		if got := budgetText(tt.lang, tt.meter, tt.level, used, limit); got != tt.want {
			t.Errorf("%s %s %d%%:\n got %q\nwant %q", tt.lang, tt.meter, tt.level, got, tt.want)
		}
	}
}

// A page that crosses the post-read budget is kept; both notices go out
// at once and the next poll waits for the new day.
func TestBudget_PostReadsCrossedByOnePage(t *testing.T) {
	clk := &clock{now: time.Date(2026, 12, 1, 23, 50, 0, 0, time.UTC)}
	srv := xtest.New(t, xtest.WithClock(clk.Now))
	addMentions(srv, 10)
	db, err := store.Open(filepath.Join(t.TempDir(), "shenava.db"), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	notices := &recordingNoticer{st: db}
	woken := 0
	c := xtestClient(t, srv, clk, func(c *Config) { c.Budget = Budget{RequestsPerDay: 100, PostReadsPerDay: 8} })
	c.SetMetering(Metering{Ledger: db, Notices: notices, OnQueued: func() { woken++ }})
	src := c.Mentions("x-mentions")
	b, err := src.Fetch(context.Background(), "")
	if err != nil || len(b.Mentions) != 10 {
		t.Fatalf("first poll: %d mentions, %v; want the whole page of 10", len(b.Mentions), err)
	}
	var keys []string
	for _, a := range notices.queued {
		keys = append(keys, a.DedupKey)
	}
	if fmt.Sprint(keys) != "[budget:x:2026-12-01:x.post_reads:80 budget:x:2026-12-01:x.post_reads:100]" || woken != 2 {
		t.Fatalf("notices %v (outbox woken %d times), want 80%% and 100%% of post reads", keys, woken)
	}
	_, err = src.Fetch(context.Background(), b.Cursor)
	if wait, ok := core.RetryAfter(err); !ok || !errors.Is(err, ErrBudgetSpent) || wait != 10*time.Minute {
		t.Fatalf("second poll: %v (wait %s), want a pause of 10m until 00:00 UTC", err, wait)
	}
}
