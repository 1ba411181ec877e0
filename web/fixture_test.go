package web

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/digest"
	"github.com/shenava/shenava/internal/conf"
	"github.com/shenava/shenava/internal/storetest"
	"github.com/shenava/shenava/store"
)

var (
	ctx    = context.Background()
	tehran = time.FixedZone("Asia/Tehran", 3*3600+1800)
	// t0 is 10:00 on 22 November 2026 in Tehran.
	t0 = time.Date(2026, 11, 22, 6, 30, 0, 0, time.UTC)
)

var _ Store = (*store.DB)(nil)

const botToken = "123456:TEST-token"

// fixture is an inbox over a fresh store whose clock the test moves, with
// two managers: Sara (ID 1, English) and Ali (ID 2, Persian).
type fixture struct {
	t     *testing.T
	db    *store.DB
	srv   *Server
	ts    *httptest.Server
	now   time.Time
	wakes atomic.Int32
	dig   *digest.Digester
	seq   int
	logs  logBuffer // what the inbox logged
}

// logBuffer collects log output from the handlers' goroutines.
type logBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func testConfig() Config {
	cfg := DefaultConfig()
	cfg.Brand = "Koala"
	cfg.BotToken = conf.NewSecret(botToken)
	cfg.Managers = []Manager{{ID: 1, Name: "Sara", Lang: "en"}, {ID: 2, Name: "Ali", Lang: "fa"}}
	cfg.Templates = []core.Template{{Name: "sorry", EN: "Sorry, {author}. {brand} will fix it.", FA: "{author} عزیز، {brand} پوزش می‌خواهد."}}
	cfg.UndoWindow = 15 * time.Second
	return cfg
}

func newFixture(t *testing.T, edit ...func(*Config)) *fixture {
	t.Helper()
	f := &fixture{t: t, db: storetest.MustOpen(t, store.Options{Location: tehran}), now: t0}
	f.start(edit...)
	return f
}

// start builds the server (again, on the same store: a restart with a new
// config).
func (f *fixture) start(edit ...func(*Config)) {
	f.t.Helper()
	cfg := testConfig()
	for _, e := range edit {
		e(&cfg)
	}
	dig, err := digest.New(digest.Config{Timezone: "Asia/Tehran"}, f.db, nopSender{}, slog.New(slog.DiscardHandler))
	if err != nil {
		f.t.Fatal(err)
	}
	dig.SetClock(func() time.Time { return f.now }, time.After)
	f.dig = dig
	srv, err := New(cfg, Deps{Store: f.db, Now: func() time.Time { return f.now },
		Logger: slog.New(slog.NewTextHandler(&f.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Wake:   func() { f.wakes.Add(1) },
		Capabilities: func(p core.Platform) core.Capabilities {
			if p == core.PlatformRSS {
				return core.Capabilities{}
			}
			return core.Capabilities{Reply: true, DirectMessage: p != core.PlatformMastodon, Hide: p == core.PlatformInstagram}
		},
		// Instagram hides comments under the brand's own posts only and
		// takes private replies for 7 days; the Telegram channel collector
		// never writes.
		MentionCapabilities: func(m core.Mention) core.Capabilities {
			if strings.HasPrefix(m.Source, "telegram-channel-") {
				return core.Capabilities{Limit: core.LimitReadOnly}
			}
			c := core.Capabilities{Reply: true, DirectMessage: true, Hide: !strings.HasPrefix(m.ConversationID, "mentioned:")}
			if m.Platform == core.PlatformInstagram && f.now.Sub(m.CreatedAt) >= 7*24*time.Hour {
				c.DirectMessage, c.Limit = false, core.LimitPrivateWindow
			}
			return c
		}})
	if err != nil {
		f.t.Fatal(err)
	}
	if err := f.db.IndexCases(ctx); err != nil {
		f.t.Fatal(err)
	}
	f.srv = srv
	if f.ts != nil {
		f.ts.Config.Handler = srv.Handler()
		return
	}
	f.ts = httptest.NewServer(srv.Handler())
	f.t.Cleanup(f.ts.Close)
}

type nopSender struct{}

func (nopSender) SendDigest(context.Context, string, []byte) error { return nil }

// mention makes a mention on platform p created at the fixture's clock.
func (f *fixture) mention(p core.Platform, lang string, label core.Label, text string) core.Mention {
	f.seq++
	scores := core.Scores{Negative: 0.1, Neutral: 0.8, Positive: 0.1}
	switch label {
	case core.LabelNegative:
		scores = core.Scores{Negative: 0.9, Neutral: 0.06, Positive: 0.04}
	case core.LabelPositive:
		scores = core.Scores{Negative: 0.02, Neutral: 0.08, Positive: 0.9}
	}
	id := fmt.Sprint(100 + f.seq)
	return core.Mention{Platform: p, NativeID: id, Source: string(p),
		URL:    "https://example.com/" + string(p) + "/" + id,
		Author: core.Author{ID: "a" + id, Handle: "user" + id, Name: "User " + id, Followers: 120 * f.seq},
		Text:   text, CreatedAt: f.now, FetchedAt: f.now,
		Analysis: &core.Analysis{Lang: lang, Label: label, Scores: scores}}
}

// save stores mentions, opening a case for each negative one, and returns
// the cases.
func (f *fixture) save(ms ...core.Mention) []core.Case {
	f.t.Helper()
	var ds []core.Decision
	for _, m := range ms {
		ds = append(ds, core.Decision{Mention: m, OpenCase: m.Analysis != nil && m.Analysis.Label == core.LabelNegative})
	}
	res, err := f.db.SaveBatch(ctx, "test", "", ds, f.now)
	if err != nil {
		f.t.Fatal(err)
	}
	return res.Cases
}

// client is a browser with its own cookie jar that does not follow
// redirects.
type client struct {
	f    *fixture
	hc   *http.Client
	csrf string
}

func (f *fixture) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{f: f, hc: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (c *client) get(path string) (*http.Response, string) {
	c.f.t.Helper()
	resp, err := c.hc.Get(c.f.ts.URL + path)
	if err != nil {
		c.f.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if m := csrfRE.FindSubmatch(b); m != nil {
		c.csrf = string(m[1])
	}
	return resp, string(b)
}

func (c *client) post(path string, form url.Values) (*http.Response, string) {
	c.f.t.Helper()
	resp, err := c.hc.PostForm(c.f.ts.URL+path, form)
	if err != nil {
		c.f.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// do posts a change with the page's CSRF token.
func (c *client) do(path string, kv ...string) *http.Response {
	c.f.t.Helper()
	form := url.Values{"csrf": {c.csrf}}
	for i := 0; i+1 < len(kv); i += 2 {
		form.Set(kv[i], kv[i+1])
	}
	resp, _ := c.post(path, form)
	return resp
}

// signIn signs the manager in with a fresh link and loads the inbox.
func (f *fixture) signIn(manager int64) *client {
	f.t.Helper()
	c := f.client()
	link, err := f.srv.LinkFor(manager)
	if err != nil {
		f.t.Fatal(err)
	}
	u, _ := url.Parse(link)
	resp, _ := c.post("/login", url.Values{"t": {u.Query().Get("t")}})
	if resp.StatusCode != http.StatusSeeOther {
		f.t.Fatalf("sign-in: status %d, want 303", resp.StatusCode)
	}
	if resp, _ := c.get("/"); resp.StatusCode != http.StatusOK {
		f.t.Fatalf("inbox after sign-in: status %d", resp.StatusCode)
	}
	return c
}

func (f *fixture) caseNow(id uint64) core.Case {
	f.t.Helper()
	c, err := f.db.Case(ctx, id)
	if err != nil {
		f.t.Fatal(err)
	}
	return c
}

func mustContain(t *testing.T, body string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("page lacks %q", w)
		}
	}
}
