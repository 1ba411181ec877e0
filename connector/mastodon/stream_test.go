package mastodon

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/conf"
	"github.com/shenava/shenava/internal/goldentest"
)

func mustFetch(tb testing.TB, s *Stream, cur string) core.Batch {
	tb.Helper()
	b, err := s.Fetch(context.Background(), cur)
	if err != nil {
		tb.Fatalf("%s: Fetch: %v", s.Name(), err)
	}
	for i, m := range b.Mentions {
		if err := m.Validate(); err != nil {
			tb.Errorf("%s: mention %d: %v", s.Name(), i, err)
		}
	}
	return b
}

func nativeIDs(b core.Batch) []string {
	var out []string
	for _, m := range b.Mentions {
		out = append(out, m.NativeID)
	}
	return out
}

// stream returns the client's stream with the given name.
func stream(tb testing.TB, c *Client, name string) *Stream {
	tb.Helper()
	for _, s := range c.Streams() {
		if s.Name() == name {
			return s
		}
	}
	tb.Fatalf("no stream %q", name)
	return nil
}

func TestStream_Fetch_Mentions(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	c := MustClient(t, f, Config{Notifications: StreamConfig{Enabled: true}})
	s := stream(t, c, "mastodon/mentions")
	if s.Interval() != DefaultNotificationsInterval {
		t.Errorf("Interval=%v, want %v", s.Interval(), DefaultNotificationsInterval)
	}
	first := mustFetch(t, s, "")
	goldentest.JSON(t, filepath.Join("testdata", "golden", "mentions.golden"), first.Mentions)
	if first.More {
		t.Errorf("first poll More=true: the first poll reads one page and never walks into history")
	}
	req := f.Requests()[0]
	q := req.URL.Query()
	if req.URL.Path != "/api/v1/notifications" || q.Get("limit") != "80" || q.Get("since_id") != "" || q.Get("max_id") != "" {
		t.Errorf("first request %s, want /api/v1/notifications?limit=80 without bounds", req.URL)
	}
	byID := map[string]core.Mention{}
	for _, m := range first.Mentions {
		byID[m.NativeID] = m
	}
	t.Run("Persian", func(t *testing.T) {
		m := byID["113200000000000101"]
		want := "@novava سه روز است اینترنتم قطع است و پشتیبانی جواب نمی‌دهد! واقعاً ناامید شدم 😞 #نوآوا"
		if m.Text != want || m.LangHint != "fa" || m.Author.Handle != "sara_t@persadon.example" || m.Author.Name != "سارا ت." {
			t.Errorf("got %+v", m)
		}
		if m.URL != "https://persadon.example/@sara_t/113200000000000101" {
			t.Errorf("URL=%q, want the status page", m.URL)
		}
	})
	t.Run("LinksParagraphsEntities", func(t *testing.T) {
		want := "Honestly @novava support fixed my router in 10 minutes.\n\nTold my sister to switch too & she's happy.\nReview: https://blog.example.com/novava-review"
		if got := byID["113200000000000102"].Text; got != want {
			t.Errorf("Text=%q\nwant %q", got, want)
		}
	})
	t.Run("ContentWarningAndReplyTo", func(t *testing.T) {
		m := byID["113200000000000104"]
		if !strings.HasPrefix(m.Text, "rant, internet provider\n\n@novava third outage") || m.ReplyToID != "113200000000000050" {
			t.Errorf("got Text=%q ReplyToID=%q", m.Text, m.ReplyToID)
		}
	})
	t.Run("NothingNewOnRepoll", func(t *testing.T) {
		b := mustFetch(t, s, first.Cursor)
		if len(b.Mentions) != 0 || b.More {
			t.Errorf("re-poll: %v more=%v, want nothing", nativeIDs(b), b.More)
		}
		last := f.Requests()[len(f.Requests())-1]
		if got := last.URL.Query().Get("since_id"); got != "35000104" {
			t.Errorf("since_id=%q, want the newest notification seen", got)
		}
	})
	t.Run("OnlyTheNewMention", func(t *testing.T) {
		var ns []json.RawMessage
		mustUnmarshal(t, MustFixture(t, "notifications_mentions.json"), &ns)
		f.setNotifications(append([]json.RawMessage{synthNotification(t, 35000200, 113200000000000400)}, ns...))
		b := mustFetch(t, s, first.Cursor)
		if got := nativeIDs(b); !slices.Equal(got, []string{"113200000000000400"}) {
			t.Errorf("got %v, want only the new status", got)
		}
		// A restart reads the stored cursor: nothing comes twice.
		restarted := stream(t, MustClient(t, f, Config{Notifications: StreamConfig{Enabled: true}}), "mastodon/mentions")
		if again := mustFetch(t, restarted, b.Cursor); len(again.Mentions) != 0 {
			t.Errorf("after restart got %v, want nothing", nativeIDs(again))
		}
	})
}

// synthNotification makes a mention notification with the given IDs from
// the first fixture.
func synthNotification(tb testing.TB, notifID, statusID int64) json.RawMessage {
	tb.Helper()
	var ns []map[string]any
	mustUnmarshal(tb, MustFixture(tb, "notifications_mentions.json"), &ns)
	n := ns[len(ns)-1]
	st := n["status"].(map[string]any)
	n["id"] = fmt.Sprint(notifID)
	n["group_key"] = fmt.Sprintf("ungrouped-%d", notifID)
	st["id"] = fmt.Sprint(statusID)
	st["url"] = fmt.Sprintf("https://persadon.example/@sara_t/%d", statusID)
	st["uri"] = fmt.Sprintf("https://persadon.example/users/sara_t/statuses/%d", statusID)
	st["content"] = fmt.Sprintf("<p>پیام شماره %d دربارهٔ نوآوا</p>", statusID)
	b, err := json.Marshal(n)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func TestStream_Fetch_Pagination(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	var all []json.RawMessage // newest first
	for i := 100; i >= 1; i-- {
		all = append(all, synthNotification(t, 36000000+int64(i), 113300000000000000+int64(i)))
	}
	// The last poll saw up to notification 36000010; 90 arrived since,
	// with pages of 10.
	f.setNotifications(all)
	const start = `{"v":1,"since":"36000010"}`
	want := map[string]bool{}
	for i := 11; i <= 100; i++ {
		want[fmt.Sprint(113300000000000000+int64(i))] = true
	}

	walk := func(t *testing.T, c *Client, cur string, stopAfter int) (string, map[string]int, int) {
		s := stream(t, c, "mastodon/mentions")
		got := map[string]int{}
		calls := 0
		for {
			b := mustFetch(t, s, cur)
			calls++
			cur = b.Cursor
			for _, id := range nativeIDs(b) {
				got[id]++
			}
			if !b.More || calls == stopAfter {
				return cur, got, calls
			}
			if calls > 50 {
				t.Fatal("the walk does not end")
			}
		}
	}
	check := func(t *testing.T, got map[string]int) {
		t.Helper()
		for id, n := range got {
			if n != 1 {
				t.Errorf("status %s came %d times", id, n)
			}
			if !want[id] {
				t.Errorf("status %s is at or below the cursor", id)
			}
		}
		for id := range want {
			if got[id] == 0 {
				t.Errorf("status %s was skipped", id)
			}
		}
	}

	t.Run("NothingSkipped", func(t *testing.T) {
		c := MustClient(t, f, Config{Notifications: StreamConfig{Enabled: true}, PageSize: 5}) // notifications pages of 10
		cur, got, calls := walk(t, c, start, 0)
		check(t, got)
		if calls != 10 {
			t.Errorf("took %d polls, want 10 (9 full pages and one short)", calls)
		}
		if cur != `{"v":1,"since":"36000100"}` {
			t.Errorf("final cursor %s, want since the newest", cur)
		}
		for _, r := range f.Requests() {
			if r.URL.Query().Get("since_id") != "36000010" && r.URL.Query().Get("since_id") != "" {
				t.Errorf("request %s moved the lower bound mid-walk", r.URL)
			}
		}
	})
	t.Run("RestartMidWalk", func(t *testing.T) {
		c := MustClient(t, f, Config{Notifications: StreamConfig{Enabled: true}, PageSize: 5})
		cur, got1, _ := walk(t, c, start, 4)
		// The process dies; the engine stored cur with the last batch.
		restarted := MustClient(t, f, Config{Notifications: StreamConfig{Enabled: true}, PageSize: 5})
		_, got2, _ := walk(t, restarted, cur, 0)
		for id, n := range got2 {
			got1[id] += n
		}
		check(t, got1)
	})
	t.Run("CrashBeforeStore", func(t *testing.T) {
		// A poll whose batch was never stored is repeated from the old
		// cursor and yields the same mentions: the engine's dedup by key
		// absorbs them.
		c := MustClient(t, f, Config{Notifications: StreamConfig{Enabled: true}, PageSize: 5})
		s := stream(t, c, "mastodon/mentions")
		a, b := mustFetch(t, s, start), mustFetch(t, s, start)
		if !slices.Equal(nativeIDs(a), nativeIDs(b)) || a.Cursor != b.Cursor {
			t.Errorf("repeating a poll gave %v then %v", nativeIDs(a), nativeIDs(b))
		}
	})
	t.Run("ServerIgnoresBounds", func(t *testing.T) {
		// A server that ignores since_id and max_id answers the same full
		// page every time: the walk still ends and repeats nothing.
		page := slices.Clone(all[:10])
		f.setHook(func(w http.ResponseWriter, r *http.Request) bool {
			b, _ := json.Marshal(page)
			f.reply(w, r, http.StatusOK, b)
			return true
		})
		t.Cleanup(func() { f.setHook(nil) })
		c := MustClient(t, f, Config{Notifications: StreamConfig{Enabled: true}, PageSize: 5})
		_, got, calls := walk(t, c, start, 0)
		if calls > 2 {
			t.Errorf("took %d polls, want the walk to stop at once", calls)
		}
		for id, n := range got {
			if n != 1 {
				t.Errorf("status %s came %d times", id, n)
			}
		}
	})
}

// Streams polled at once, as they are at start, look the own account up
// once between them.
func TestStream_Fetch_OwnAccountOnce(t *testing.T) {
	f := newFake(t)
	f.setHook(func(w http.ResponseWriter, r *http.Request) bool {
		if r.URL.Path == "/api/v1/accounts/verify_credentials" {
			time.Sleep(50 * time.Millisecond) // a slow server: the others start meanwhile
		}
		return false
	})
	tags := []string{"#novava", "نوآوا", "coffee", "shenava"}
	c := MustClient(t, f, Config{Hashtags: Hashtags{Enabled: true, List: tags}})
	var wg sync.WaitGroup
	for _, s := range c.Streams() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := s.Fetch(context.Background(), ""); err != nil {
				t.Errorf("%s: %v", s.Name(), err)
			}
		}()
	}
	wg.Wait()
	n := 0
	for _, r := range f.Requests() {
		if r.URL.Path == "/api/v1/accounts/verify_credentials" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d streams looked the own account up %d times, want once", len(c.Streams()), n)
	}
}

func TestStream_Fetch_Hashtag(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	c := MustClient(t, f, Config{Hashtags: Hashtags{Enabled: true, List: []string{"#novava", "نوآوا"}}, OwnAccounts: []string{"novava_support"}})
	s := stream(t, c, "mastodon/tag/نوآوا")
	if s.Interval() != DefaultHashtagInterval {
		t.Errorf("Interval=%v", s.Interval())
	}
	b := mustFetch(t, s, "")
	goldentest.JSON(t, filepath.Join("testdata", "golden", "hashtag.golden"), b.Mentions)
	var paths []string
	for _, r := range f.Requests() {
		paths = append(paths, r.Method+" "+r.URL.EscapedPath())
	}
	want := []string{
		"GET /api/v1/accounts/verify_credentials", // who "own" is, once
		"GET /api/v1/timelines/tag/%D9%86%D9%88%D8%A2%D9%88%D8%A7",
	}
	if !slices.Equal(paths, want) {
		t.Errorf("requests %q, want %q", paths, want)
	}
	ids := nativeIDs(b)
	for id, why := range map[string]string{
		"113200000000000210": "the brand's own post",
		"113200000000000208": "a reblog",
		"113100000000000001": "older than max_age",
	} {
		if slices.Contains(ids, id) {
			t.Errorf("%s (%s) became a mention", id, why)
		}
	}
	for _, m := range b.Mentions {
		if m.NativeID == "113200000000000209" && !m.Author.Bot {
			t.Errorf("the news bot is not marked as a bot")
		}
	}
	again := mustFetch(t, stream(t, c, "mastodon/tag/novava"), b.Cursor)
	last := f.Requests()[len(f.Requests())-1]
	if last.URL.Path != "/api/v1/timelines/tag/novava" || last.URL.Query().Get("since_id") != "113200000000000210" || len(again.Mentions) != 0 {
		t.Errorf("re-poll %s gave %v, want since_id=113200000000000210 and nothing", last.URL, nativeIDs(again))
	}
	if n := len(f.Requests()); n != 3 {
		t.Errorf("%d requests, want the own account looked up only once", n)
	}
}

func TestStream_Fetch_Search(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	c := MustClient(t, f, Config{Search: Search{Enabled: true, Terms: []string{"novava OR نوآوا"}}})
	s := stream(t, c, "mastodon/search/novava OR نوآوا")
	b := mustFetch(t, s, "")
	if got := nativeIDs(b); !slices.Equal(got, []string{"113200000000000304", "113200000000000305"}) {
		t.Errorf("got %v, want both results oldest first", got)
	}
	mustFetch(t, s, b.Cursor)
	last := f.Requests()[len(f.Requests())-1].URL.Query()
	if last.Get("q") != "novava OR نوآوا" || last.Get("type") != "statuses" || last.Get("min_id") != "113200000000000305" || last.Get("since_id") != "" || last.Get("limit") != "40" {
		t.Errorf("search query %v, want q, type=statuses, min_id=newest seen, limit=40", last)
	}
}

func TestStream_Fetch_Errors(t *testing.T) {
	t.Parallel()
	huge := `[` + strings.Repeat(`{"id":"1","type":"mention"},`, 20000) + `{"id":"1"}]`
	type want struct {
		retry      time.Duration
		rateLimit  bool
		permanent  bool
		unauth     bool
		contains   string
		notContain string
	}
	tests := []struct {
		name   string
		status int
		header map[string]string
		body   string
		raw    func(w http.ResponseWriter) // answers without the fake's headers
		want   want
	}{
		{name: "429RetryAfter", status: 429, header: map[string]string{"Retry-After": "42"}, body: "error_429.json", want: want{retry: 42 * time.Second, rateLimit: true, contains: "Too many requests"}},
		{name: "429RetryAfterCapped", status: 429, header: map[string]string{"Retry-After": "999999"}, body: "error_429.json", want: want{retry: 24 * time.Hour, rateLimit: true}},
		{name: "429Reset", status: 429, body: "error_429.json", want: want{retry: 5 * time.Minute, rateLimit: true}},
		{name: "503RetryAfter", status: 503, header: map[string]string{"Retry-After": "120"}, body: "error_503.json", want: want{retry: 2 * time.Minute, rateLimit: true}},
		{name: "503", status: 503, body: "error_503.json", want: want{contains: "503"}},
		{name: "500", status: 500, body: "error_503.json", want: want{contains: "500"}},
		{name: "502HTMLPage", status: 502, body: "html_502.html", want: want{contains: "502", notContain: "<html"}},
		{name: "401", status: 401, body: "error_401.json", want: want{permanent: true, unauth: true, contains: "access token is invalid"}},
		{name: "403Scope", status: 403, body: "error_403.json", want: want{permanent: true, unauth: true, contains: "outside the authorized scopes"}},
		{name: "404", status: 404, body: "error_404.json", want: want{permanent: true, contains: "404"}},
		// A proxy's error page quoting the request: the token is cut out.
		{name: "502QuotesToken", status: 502, body: `{"error":"upstream failed for Authorization: Bearer ` + testToken + `"}`, want: want{contains: "[redacted]"}},
		{name: "429QuotesToken", status: 429, header: map[string]string{"Retry-After": "42"}, body: `{"error":"slow down, Bearer ` + testToken + `"}`, want: want{retry: 42 * time.Second, rateLimit: true, contains: "[redacted]"}},
		{name: "Malformed", status: 200, body: "!{not json", want: want{}},
		{name: "Truncated", status: 200, body: `[{"id":"35000104","type":"mention","status":{"id":"1132`, want: want{}},
		{name: "HTMLWith200", status: 200, body: "html_502.html", want: want{}},
		{name: "Huge", status: 200, body: huge, want: want{permanent: true, contains: "max_body_bytes"}},
		{name: "ConnectionReset", raw: func(w http.ResponseWriter) {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err != nil {
				return
			}
			if tc, ok := conn.(*net.TCPConn); ok {
				_ = tc.SetLinger(0)
			}
			_ = conn.Close()
		}, want: want{}},
	}
	for _, kind := range []string{"mastodon/mentions", "mastodon/tag/novava"} {
		for _, tt := range tests {
			t.Run(strings.TrimPrefix(kind, "mastodon/")+"/"+tt.name, func(t *testing.T) {
				f := newFake(t)
				f.spec = nil // the faults below are not meant to fit the document
				body := []byte(tt.body)
				if strings.HasSuffix(tt.body, ".json") || strings.HasSuffix(tt.body, ".html") {
					body = MustFixture(t, tt.body)
				}
				f.setHook(func(w http.ResponseWriter, r *http.Request) bool {
					if r.URL.Path == "/api/v1/accounts/verify_credentials" {
						return false
					}
					if tt.raw != nil {
						tt.raw(w)
						return true
					}
					for k, v := range tt.header {
						w.Header().Set(k, v)
					}
					f.reply(w, r, tt.status, body)
					return true
				})
				c := MustClient(t, f, Config{Notifications: StreamConfig{Enabled: true}, Hashtags: Hashtags{Enabled: true, List: []string{"novava"}}, MaxBodyBytes: 64 << 10})
				_, err := stream(t, c, kind).Fetch(context.Background(), `{"v":1,"since":"1"}`)
				if err == nil {
					t.Fatal("no error")
				}
				if !strings.HasPrefix(err.Error(), "mastodon: ") && !strings.HasPrefix(err.Error(), "mastodon: rate limited") {
					t.Errorf("error %q does not start with the component", err)
				}
				retry, limited := core.RetryAfter(err)
				if limited != tt.want.rateLimit || retry != tt.want.retry {
					t.Errorf("RetryAfter=(%v, %v), want (%v, %v); err=%v", retry, limited, tt.want.retry, tt.want.rateLimit, err)
				}
				if got := errors.Is(err, core.ErrPermanent); got != tt.want.permanent {
					t.Errorf("permanent=%v, want %v; err=%v", got, tt.want.permanent, err)
				}
				if got := errors.Is(err, core.ErrUnauthorized); got != tt.want.unauth {
					t.Errorf("unauthorized=%v, want %v; err=%v", got, tt.want.unauth, err)
				}
				if !strings.Contains(err.Error(), tt.want.contains) {
					t.Errorf("error %q does not contain %q", err, tt.want.contains)
				}
				if tt.want.notContain != "" && strings.Contains(err.Error(), tt.want.notContain) {
					t.Errorf("error %q contains %q", err, tt.want.notContain)
				}
				if strings.Contains(err.Error(), testToken) {
					t.Errorf("error %q shows the access token", err)
				}

				// Once the server heals, the same cursor works again.
				f.setHook(nil)
				f.mu.Lock()
				f.reset = testNow.Add(-time.Second)
				f.mu.Unlock()
				if _, err := stream(t, c, kind).Fetch(context.Background(), `{"v":1,"since":"1"}`); err != nil {
					t.Errorf("after the server healed: %v", err)
				}
			})
		}
	}
}

func TestStream_Fetch_EmptyPage(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	f.setNotifications(nil)
	c := MustClient(t, f, Config{Notifications: StreamConfig{Enabled: true}})
	s := stream(t, c, "mastodon/mentions")
	for _, tt := range []struct{ cur, want string }{
		{"", `{"v":1}`},
		{`{"v":1,"since":"35000104"}`, `{"v":1,"since":"35000104"}`},
		{`{"v":1,"since":"35000001","walk":"35000050","top":"35000090"}`, `{"v":1,"since":"35000090"}`},
	} {
		b := mustFetch(t, s, tt.cur)
		if len(b.Mentions) != 0 || b.More || b.Cursor != tt.want {
			t.Errorf("cursor %s: got %d mentions, More=%v, cursor %s; want none and %s", tt.cur, len(b.Mentions), b.More, b.Cursor, tt.want)
		}
	}
}

func TestStream_Fetch_BudgetExhausted(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	f.mu.Lock()
	f.remaining = 0
	f.reset = testNow.Add(3 * time.Minute)
	f.mu.Unlock()
	c := MustClient(t, f, Config{Notifications: StreamConfig{Enabled: true}})
	s := stream(t, c, "mastodon/mentions")
	if _, err := s.Fetch(context.Background(), ""); err != nil {
		t.Fatalf("the call that used the last of the budget: %v", err)
	}
	n := len(f.Requests())
	_, err := s.Fetch(context.Background(), "")
	if retry, ok := core.RetryAfter(err); !ok || retry != 3*time.Minute {
		t.Errorf("err=%v, want a rate limit until the reset (3m)", err)
	}
	if len(f.Requests()) != n {
		t.Errorf("a request was sent with no budget left")
	}
	// Posting has its own budget: an exhausted read budget does not stop
	// an answer, nor the other way round.
	m := core.Mention{Platform: core.PlatformMastodon, NativeID: "113200000000000101", Author: core.Author{Handle: "sara_t@persadon.example"}}
	if _, err := c.DirectMessage(context.Background(), m, "سلام"); err != nil {
		t.Errorf("a post with the read budget used up: %v", err)
	}
	n = len(f.Requests())
	if _, err := c.DirectMessage(context.Background(), m, "دوباره سلام"); !errors.As(err, new(*core.RateLimitError)) || len(f.Requests()) != n {
		t.Errorf("a post after the post budget was used up: %v, %d requests sent; want a rate limit and none", err, len(f.Requests())-n)
	}
	c.Now = func() time.Time { return testNow.Add(3*time.Minute + time.Second) }
	f.mu.Lock()
	f.remaining = 300
	f.mu.Unlock()
	if _, err := s.Fetch(context.Background(), ""); err != nil {
		t.Errorf("after the reset: %v", err)
	}
}

func TestStream_Fetch_Context(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	f.setHook(func(w http.ResponseWriter, r *http.Request) bool {
		select {
		case <-r.Context().Done():
		case <-release:
		}
		return true
	})
	for _, kind := range []string{"mastodon/mentions", "mastodon/tag/novava"} {
		t.Run(kind+"/Cancelled", func(t *testing.T) {
			c := MustClient(t, f, Config{Notifications: StreamConfig{Enabled: true}, Hashtags: Hashtags{Enabled: true, List: []string{"novava"}}})
			c.ownID = "108000000000000001" // skip the lookup: this test is about the page
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() {
				_, err := stream(t, c, kind).Fetch(ctx, "")
				done <- err
			}()
			cancel()
			select {
			case err := <-done:
				if !errors.Is(err, context.Canceled) {
					t.Errorf("err=%v, want context.Canceled", err)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("Fetch did not return after cancel")
			}
		})
		t.Run(kind+"/Timeout", func(t *testing.T) {
			c := MustClient(t, f, Config{Notifications: StreamConfig{Enabled: true}, Hashtags: Hashtags{Enabled: true, List: []string{"novava"}}, Timeout: 50 * time.Millisecond})
			c.ownID = "108000000000000001"
			_, err := stream(t, c, kind).Fetch(context.Background(), "")
			if !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, core.ErrPermanent) {
				t.Errorf("err=%v, want a deadline error, not permanent", err)
			}
		})
	}
}

func TestStream_Fetch_BadCursor(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	c := MustClient(t, f, Config{Notifications: StreamConfig{Enabled: true}})
	for _, cur := range []string{"{", `{"v":7,"since":"1"}`, "[]"} {
		b := mustFetch(t, stream(t, c, "mastodon/mentions"), cur)
		if len(b.Mentions) != 4 {
			t.Errorf("cursor %q: %d mentions, want a fresh start (4)", cur, len(b.Mentions))
		}
	}
}

func TestClient_Check(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	if err := MustClient(t, f, Config{}).Check(context.Background()); err != nil {
		t.Errorf("Check: %v", err)
	}
	last := f.Requests()[len(f.Requests())-1]
	if last.URL.Path != "/api/v1/accounts/verify_credentials" || last.Header.Get("Authorization") != "Bearer "+testToken {
		t.Errorf("Check sent %s with %q", last.URL.Path, last.Header.Get("Authorization"))
	}
	err := MustClient(t, f, Config{AccessToken: conf.NewSecret("revoked")}).Check(context.Background())
	if !errors.Is(err, core.ErrUnauthorized) || strings.Contains(err.Error(), "revoked") {
		t.Errorf("Check with a bad token: %v, want ErrUnauthorized without the token", err)
	}
}

// TestCursor_StoredBeforeKeepDecoding: cursors already in users' databases,
// as earlier releases wrote them, still decode, and encode back to the
// same bytes.
func TestCursor_StoredBeforeKeepDecoding(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		stored string
		want   cursor
	}{
		{"Fresh", `{"v":1}`, cursor{}},
		{"Since", `{"v":1,"since":"35000104"}`, cursor{Since: "35000104"}},
		{"MidWalk", `{"v":1,"since":"35000001","walk":"35000050","top":"35000090"}`, cursor{Since: "35000001", Walk: "35000050", Top: "35000090"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decodeCursor(tt.stored)
			if err != nil {
				t.Fatalf("decodeCursor(%s): %v", tt.stored, err)
			}
			if got != tt.want {
				t.Fatalf("decodeCursor(%s)=%+v, want %+v", tt.stored, got, tt.want)
			}
			if enc := got.encode(); enc != tt.stored {
				t.Fatalf("encode()=%s, want the stored %s", enc, tt.stored)
			}
		})
	}
}
