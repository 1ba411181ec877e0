package x

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/conf"
)

func ids(ms []core.Mention) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.NativeID
	}
	return out
}

func mustCursor(tb testing.TB, s string) cursor {
	tb.Helper()
	c, err := decodeCursor(s)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

func TestSource_Fetch_firstPollMentions(t *testing.T) {
	t.Parallel()
	f := newFakeX(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		replyFixture(t, w, 200, "mentions_page1.json")
	})
	clk := &clock{now: t0}
	c := mustClient(t, f, clk, nil)
	b, err := c.Mentions("x-mentions").Fetch(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	req := f.reqs()[0]
	if req.Method != "GET" || req.Path != "/2/users/"+brandID+"/mentions" {
		t.Fatalf("request %s %s, want GET /2/users/%s/mentions", req.Method, req.Path, brandID)
	}
	for k, want := range map[string]string{
		"max_results": "100", "expansions": "author_id", "user.fields": "username,name,public_metrics",
		"tweet.fields": "created_at,conversation_id,lang,public_metrics,referenced_tweets,author_id,note_tweet",
		"since_id":     "", "pagination_token": "",
	} {
		if got := req.Query.Get(k); got != want {
			t.Errorf("query %s=%q, want %q", k, got, want)
		}
	}
	// 104 is a retweet and 103 the brand's own reply: both dropped.
	if got, want := strings.Join(ids(b.Mentions), ","), "1860000000000000105,1860000000000000102"; got != want {
		t.Fatalf("mentions %s, want %s", got, want)
	}
	m := b.Mentions[0]
	want := core.Mention{
		Platform: core.PlatformX, NativeID: "1860000000000000105", Source: "x-mentions",
		URL:       "https://x.com/maryam_k/status/1860000000000000105",
		Author:    core.Author{ID: "2000000000000000001", Handle: "maryam_k", Name: "مریم", Followers: 212},
		Text:      "@shenava سفارشم دو هفته است نرسیده و کسی جواب نمی‌دهد",
		CreatedAt: time.Date(2026, 11, 22, 18, 4, 11, 0, time.UTC), FetchedAt: t0,
		ConversationID: "1860000000000000105", LangHint: "fa",
	}
	if !mentionEqual(m, want) {
		t.Fatalf("mention\n got %+v\nwant %+v", m, want)
	}
	if got := b.Mentions[1].ReplyToID; got != "1860000000000000100" {
		t.Errorf("ReplyToID=%q, want the replied-to post", got)
	}
	// The first poll takes one page of history (backfill_pages) and then
	// starts from the newest post.
	if b.More {
		t.Error("More=true after the first poll's backfill")
	}
	if cur := mustCursor(t, b.Cursor); cur != (cursor{SinceID: "1860000000000000105", Started: true}) {
		t.Fatalf("cursor %+v, want since_id of the newest post", cur)
	}
}

func mentionEqual(a, b core.Mention) bool {
	return a.Platform == b.Platform && a.NativeID == b.NativeID && a.Source == b.Source && a.URL == b.URL &&
		a.Author == b.Author && a.Text == b.Text && a.CreatedAt.Equal(b.CreatedAt) && a.FetchedAt.Equal(b.FetchedAt) &&
		a.ReplyToID == b.ReplyToID && a.ConversationID == b.ConversationID && a.LangHint == b.LangHint
}

// pagedMentions answers page 1 without a token and page 2 with it, both
// above since_id.
func pagedMentions(t *testing.T) func(w http.ResponseWriter, r *http.Request, _ []byte) {
	return func(w http.ResponseWriter, r *http.Request, _ []byte) {
		switch r.URL.Query().Get("pagination_token") {
		case "":
			replyFixture(t, w, 200, "mentions_page1.json")
		case "7140dibdnow9c7btw3w29grvxfcgvpb9n9coehpk7xz5i":
			replyFixture(t, w, 200, "mentions_page2.json")
		default:
			t.Errorf("unexpected pagination_token %q", r.URL.Query().Get("pagination_token"))
			replyFixture(t, w, 400, "error_400_token.json")
		}
	}
}

const since99 = `{"since_id":"1860000000000000099","started":true}`

func TestSource_Fetch_pagination(t *testing.T) {
	t.Parallel()
	f := newFakeX(t, pagedMentions(t))
	c := mustClient(t, f, &clock{now: t0}, nil)
	b, err := c.Mentions("m").Fetch(context.Background(), since99)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(ids(b.Mentions), ","), "1860000000000000105,1860000000000000102,1860000000000000101"; got != want {
		t.Fatalf("mentions %s, want %s", got, want)
	}
	reqs := f.reqs()
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want 2", len(reqs))
	}
	for _, r := range reqs {
		if got := r.Query.Get("since_id"); got != "1860000000000000099" {
			t.Errorf("since_id=%q on every page, want the cursor's", got)
		}
	}
	if got := reqs[1].Query.Get("pagination_token"); got != "7140dibdnow9c7btw3w29grvxfcgvpb9n9coehpk7xz5i" {
		t.Errorf("page 2 pagination_token=%q, want meta.next_token of page 1", got)
	}
	if b.More || mustCursor(t, b.Cursor) != (cursor{SinceID: "1860000000000000105", Started: true}) {
		t.Fatalf("More=%v cursor=%s, want a finished walk at the newest post", b.More, b.Cursor)
	}
}

// A walk capped by max_pages continues, after a restart, from the saved
// page token with the old since_id, and only then moves since_id up.
func TestSource_Fetch_cappedWalkResumesAfterRestart(t *testing.T) {
	t.Parallel()
	f := newFakeX(t, pagedMentions(t))
	clk := &clock{now: t0}
	capped := func(c *Config) { c.MaxPages = 1 }

	b1, err := mustClient(t, f, clk, capped).Mentions("m").Fetch(context.Background(), since99)
	if err != nil {
		t.Fatal(err)
	}
	if !b1.More {
		t.Fatal("More=false after a capped walk")
	}
	want := cursor{SinceID: "1860000000000000099", NextToken: "7140dibdnow9c7btw3w29grvxfcgvpb9n9coehpk7xz5i", Newest: "1860000000000000105", Started: true}
	if got := mustCursor(t, b1.Cursor); got != want {
		t.Fatalf("cursor %+v, want %+v", got, want)
	}

	// The process dies before the batch is stored: the engine polls again
	// with the old cursor and gets the same posts (it deduplicates them).
	again, err := mustClient(t, f, clk, capped).Mentions("m").Fetch(context.Background(), since99)
	if err != nil || strings.Join(ids(again.Mentions), ",") != strings.Join(ids(b1.Mentions), ",") || again.Cursor != b1.Cursor {
		t.Fatalf("repeating a Fetch gave %v %s, %v; want the same batch", ids(again.Mentions), again.Cursor, err)
	}

	// A new process resumes from the stored cursor.
	b2, err := mustClient(t, f, clk, capped).Mentions("m").Fetch(context.Background(), b1.Cursor)
	if err != nil {
		t.Fatal(err)
	}
	last := f.reqs()[len(f.reqs())-1]
	if last.Query.Get("pagination_token") != want.NextToken || last.Query.Get("since_id") != want.SinceID {
		t.Fatalf("resumed with pagination_token=%q since_id=%q, want the saved ones", last.Query.Get("pagination_token"), last.Query.Get("since_id"))
	}
	if got := strings.Join(ids(b2.Mentions), ","); got != "1860000000000000101" {
		t.Fatalf("resumed walk returned %s, want the older page", got)
	}
	if b2.More || mustCursor(t, b2.Cursor) != (cursor{SinceID: "1860000000000000105", Started: true}) {
		t.Fatalf("More=%v cursor=%s, want the walk finished at the newest post", b2.More, b2.Cursor)
	}

	// The next poll asks only for what is newer.
	f.setHandler(func(w http.ResponseWriter, r *http.Request, _ []byte) {
		if got := r.URL.Query().Get("since_id"); got != "1860000000000000105" {
			t.Errorf("since_id=%q, want 1860000000000000105", got)
		}
		replyFixture(t, w, 200, "mentions_page3_new.json")
	})
	b3, err := mustClient(t, f, clk, capped).Mentions("m").Fetch(context.Background(), b2.Cursor)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(ids(b3.Mentions), ","); got != "1860000000000000107" {
		t.Fatalf("next poll returned %s, want the new post", got)
	}
}

func TestSource_Fetch_emptyPage(t *testing.T) {
	t.Parallel()
	f := newFakeX(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		replyFixture(t, w, 200, "empty_page.json")
	})
	c := mustClient(t, f, &clock{now: t0}, nil)
	for _, cur := range []string{"", since99} {
		b, err := c.Mentions("m").Fetch(context.Background(), cur)
		if err != nil {
			t.Fatal(err)
		}
		want := cursor{Started: true}
		if cur != "" {
			want.SinceID = "1860000000000000099"
		}
		if len(b.Mentions) != 0 || b.More || mustCursor(t, b.Cursor) != want {
			t.Fatalf("from %q: %d mentions, More=%v, cursor %s; want none, false, %+v", cur, len(b.Mentions), b.More, b.Cursor, want)
		}
	}
}

func TestSource_Fetch_search(t *testing.T) {
	t.Parallel()
	f := newFakeX(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		replyFixture(t, w, 200, "search_page.json")
	})
	c := mustClient(t, f, &clock{now: t0}, nil)
	b, err := c.Search("x-search").Fetch(context.Background(), since99)
	if err != nil {
		t.Fatal(err)
	}
	q := f.reqs()[0]
	if q.Path != "/2/tweets/search/recent" {
		t.Fatalf("path %s", q.Path)
	}
	wantQuery := `("shenava" OR "شنوا" OR #shenava OR @shenava) -"hearing aid" -from:shenava -is:retweet`
	if got := q.Query.Get("query"); got != wantQuery {
		t.Errorf("query=%q, want %q", got, wantQuery)
	}
	if q.Query.Get("sort_order") != "recency" || q.Query.Get("since_id") != "1860000000000000099" {
		t.Errorf("sort_order=%q since_id=%q", q.Query.Get("sort_order"), q.Query.Get("since_id"))
	}
	if len(b.Mentions) != 2 {
		t.Fatalf("%d mentions, want 2", len(b.Mentions))
	}
	long := b.Mentions[0]
	if !strings.HasSuffix(long.Text, "Persian and English.") {
		t.Errorf("text %q: want the full note_tweet text of a long post", long.Text)
	}
	short := b.Mentions[1]
	// No created_at: the time comes from the snowflake ID. No author in
	// includes: the link still resolves. "qme" is X's "no language".
	if wantTime := time.UnixMilli(int64(uint64(1860000000000000209)>>22) + twitterEpoch).UTC(); !short.CreatedAt.Equal(wantTime) {
		t.Errorf("CreatedAt=%v, want %v from the ID", short.CreatedAt, wantTime)
	}
	if short.URL != "https://x.com/i/web/status/1860000000000000209" || short.LangHint != "" {
		t.Errorf("URL=%q LangHint=%q", short.URL, short.LangHint)
	}
}

func TestSource_Fetch_searchPagesWithNextToken(t *testing.T) {
	t.Parallel()
	f := newFakeX(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		if r.URL.Query().Get("pagination_token") != "" {
			t.Error("search sent pagination_token; it pages with next_token")
		}
		if r.URL.Query().Get("next_token") == "" {
			replyFixture(t, w, 200, "mentions_page1.json")
			return
		}
		replyFixture(t, w, 200, "empty_page.json")
	})
	c := mustClient(t, f, &clock{now: t0}, nil)
	if _, err := c.Search("s").Fetch(context.Background(), since99); err != nil {
		t.Fatal(err)
	}
	if got := f.reqs()[1].Query.Get("next_token"); got != "7140dibdnow9c7btw3w29grvxfcgvpb9n9coehpk7xz5i" {
		t.Fatalf("next_token=%q", got)
	}
}

func TestSource_Fetch_partialErrors(t *testing.T) {
	t.Parallel()
	f := newFakeX(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		replyFixture(t, w, 200, "partial_errors.json")
	})
	c := mustClient(t, f, &clock{now: t0}, nil)
	b, err := c.Mentions("m").Fetch(context.Background(), since99)
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Mentions) != 1 || b.Mentions[0].URL != "https://x.com/i/web/status/1860000000000000301" {
		t.Fatalf("mentions %+v: want the post kept, linked without the missing author", b.Mentions)
	}
	if got := c.PartialErrors(); got != 1 {
		t.Fatalf("PartialErrors()=%d, want 1", got)
	}
}

// The fault matrix: every failure gives a typed error, no panic, no
// mentions and no cursor, and the next poll works once the fake heals.
func TestSource_Fetch_faults(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		handle    func(t *testing.T, w http.ResponseWriter)
		wantRetry time.Duration // for rate limits
		rateLimit bool
		unauth    bool
		permanent bool
		contains  string
	}{
		{name: "429WithReset", rateLimit: true, wantRetry: 7 * time.Minute, contains: "Too Many Requests",
			handle: func(t *testing.T, w http.ResponseWriter) {
				replyFixture(t, w, 429, "error_429.json", "x-rate-limit-limit", "450", "x-rate-limit-remaining", "0", "x-rate-limit-reset", itoa(t0.Add(7*time.Minute).Unix()))
			}},
		{name: "429WithRetryAfter", rateLimit: true, wantRetry: 90 * time.Second,
			handle: func(t *testing.T, w http.ResponseWriter) {
				replyFixture(t, w, 429, "error_429.json", "Retry-After", "90", "x-rate-limit-reset", itoa(t0.Add(7*time.Minute).Unix()))
			}},
		{name: "429WithoutHeaders", rateLimit: true, wantRetry: 0,
			handle: func(t *testing.T, w http.ResponseWriter) { replyFixture(t, w, 429, "error_429.json") }},
		{name: "429Daily", rateLimit: true, wantRetry: 5 * time.Hour,
			handle: func(t *testing.T, w http.ResponseWriter) {
				replyFixture(t, w, 429, "error_429.json", "x-rate-limit-remaining", "10", "x-rate-limit-reset", itoa(t0.Add(time.Minute).Unix()),
					"x-app-limit-24hour-remaining", "0", "x-app-limit-24hour-reset", itoa(t0.Add(5*time.Hour).Unix()))
			}},
		{name: "500", contains: "HTTP 500", handle: func(t *testing.T, w http.ResponseWriter) {
			reply(w, 500, "application/problem+json", []byte(`{"title":"Internal Error","detail":"try again","type":"about:blank","status":500}`))
		}},
		{name: "503Empty", contains: "HTTP 503", handle: func(t *testing.T, w http.ResponseWriter) { reply(w, 503, "", nil) }},
		{name: "502HTML", contains: "text/html", handle: func(t *testing.T, w http.ResponseWriter) { replyFixture(t, w, 502, "error_502.html") }},
		{name: "401", unauth: true, contains: "Unauthorized", handle: func(t *testing.T, w http.ResponseWriter) { replyFixture(t, w, 401, "error_401.json") }},
		{name: "403ClientForbidden", unauth: true, contains: "Client Forbidden", handle: func(t *testing.T, w http.ResponseWriter) {
			replyFixture(t, w, 403, "error_403_client.json")
		}},
		{name: "400BadQuery", permanent: true, contains: "missing closing parenthesis", handle: func(t *testing.T, w http.ResponseWriter) {
			replyFixture(t, w, 400, "error_400_query.json")
		}},
		{name: "MalformedJSON", contains: "decode response", handle: func(t *testing.T, w http.ResponseWriter) {
			reply(w, 200, "application/json", []byte(`{"data":[{"id":`))
		}},
		{name: "TruncatedJSON", contains: "decode response", handle: func(t *testing.T, w http.ResponseWriter) {
			b := mustFixture(t, "mentions_page1.json")
			reply(w, 200, "application/json", b[:len(b)/2])
		}},
		{name: "HTMLWith200", contains: "text/html", handle: func(t *testing.T, w http.ResponseWriter) {
			reply(w, 200, "text/html", []byte("<html><body>Sign in to the Wi-Fi</body></html>"))
		}},
		{name: "HugeBody", contains: "larger than", handle: func(t *testing.T, w http.ResponseWriter) {
			reply(w, 200, "application/json", []byte(`{"data":[`+strings.Repeat(`{"id":"1","text":"x"},`, 4096)+`{"id":"1","text":"x"}]}`))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var healed atomic.Bool
			f := newFakeX(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
				if healed.Load() {
					replyFixture(t, w, 200, "mentions_page3_new.json")
					return
				}
				tt.handle(t, w)
			})
			clk := &clock{now: t0}
			c := mustClient(t, f, clk, func(c *Config) { c.MaxBodyBytes = 64 << 10 })
			src := c.Mentions("m")
			b, err := src.Fetch(context.Background(), since99)
			if err == nil {
				t.Fatalf("no error; batch %+v", b)
			}
			if len(b.Mentions) != 0 || b.Cursor != "" {
				t.Fatalf("a failed Fetch returned %d mentions and cursor %q", len(b.Mentions), b.Cursor)
			}
			if !strings.HasPrefix(err.Error(), "x: fetch mentions: ") || !strings.Contains(err.Error(), tt.contains) {
				t.Errorf("error %q: want the x: fetch mentions: prefix and %q", err, tt.contains)
			}
			retry, isRL := core.RetryAfter(err)
			if isRL != tt.rateLimit || retry != tt.wantRetry {
				t.Errorf("RetryAfter=%v,%v, want %v,%v", retry, isRL, tt.wantRetry, tt.rateLimit)
			}
			if got := errors.Is(err, core.ErrUnauthorized); got != tt.unauth {
				t.Errorf("Is(ErrUnauthorized)=%v, want %v", got, tt.unauth)
			}
			if got := errors.Is(err, core.ErrPermanent); got != tt.permanent {
				t.Errorf("Is(ErrPermanent)=%v, want %v", got, tt.permanent)
			}
			// Recovery: once X answers again (and any wait it asked for is
			// over), the same cursor works.
			healed.Store(true)
			clk.Advance(tt.wantRetry + time.Second)
			b, err = src.Fetch(context.Background(), since99)
			if err != nil || len(b.Mentions) != 1 {
				t.Fatalf("after healing: %v, %d mentions", err, len(b.Mentions))
			}
		})
	}
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }

// A spent window stops the next call before it is made: X is never
// hammered while it has said no.
func TestSource_Fetch_spentWindowRefusesWithoutCalling(t *testing.T) {
	t.Parallel()
	f := newFakeX(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		replyFixture(t, w, 200, "empty_page.json", "x-rate-limit-limit", "300", "x-rate-limit-remaining", "0", "x-rate-limit-reset", itoa(t0.Add(5*time.Minute).Unix()))
	})
	clk := &clock{now: t0}
	c := mustClient(t, f, clk, nil)
	src := c.Mentions("m")
	if _, err := src.Fetch(context.Background(), since99); err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Minute)
	_, err := src.Fetch(context.Background(), since99)
	if retry, ok := core.RetryAfter(err); !ok || retry != 4*time.Minute {
		t.Fatalf("error %v: want a rate-limit error asking for 4m", err)
	}
	if n := len(f.reqs()); n != 1 {
		t.Fatalf("%d requests, want 1: the refused Fetch must not call", n)
	}
	// Search has its own window.
	if _, err := c.Search("s").Fetch(context.Background(), since99); err != nil {
		t.Fatalf("search blocked by the mentions window: %v", err)
	}
	clk.Advance(4 * time.Minute)
	if _, err := src.Fetch(context.Background(), since99); err != nil {
		t.Fatalf("after reset: %v", err)
	}
}

// A 429 in the middle of a walk keeps the pages already read (X billed
// them) and resumes from the failed page later.
func TestSource_Fetch_rateLimitMidWalkKeepsPages(t *testing.T) {
	t.Parallel()
	f := newFakeX(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		if r.URL.Query().Get("pagination_token") == "" {
			replyFixture(t, w, 200, "mentions_page1.json")
			return
		}
		replyFixture(t, w, 429, "error_429.json", "x-rate-limit-remaining", "0", "x-rate-limit-reset", itoa(t0.Add(10*time.Minute).Unix()))
	})
	clk := &clock{now: t0}
	src := mustClient(t, f, clk, nil).Mentions("m")
	b, err := src.Fetch(context.Background(), since99)
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Mentions) != 2 || !b.More || mustCursor(t, b.Cursor).NextToken == "" {
		t.Fatalf("got %d mentions, More=%v, cursor %s; want page 1 kept and the walk resumable", len(b.Mentions), b.More, b.Cursor)
	}
	_, err = src.Fetch(context.Background(), b.Cursor)
	if retry, ok := core.RetryAfter(err); !ok || retry != 10*time.Minute {
		t.Fatalf("error %v: want the 10m wait", err)
	}
	if n := len(f.reqs()); n != 2 {
		t.Fatalf("%d requests, want 2", n)
	}
}

func TestSource_Fetch_expiredPageTokenRestartsWalk(t *testing.T) {
	t.Parallel()
	f := newFakeX(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		if r.URL.Query().Get("pagination_token") != "" {
			replyFixture(t, w, 400, "error_400_token.json")
			return
		}
		replyFixture(t, w, 200, "mentions_page2.json")
	})
	src := mustClient(t, f, &clock{now: t0}, nil).Mentions("m")
	cur := `{"since_id":"1860000000000000099","next_token":"7140dibdnow9c7btw3w29grvxfcgvpb9n9coehpk7xz5i","newest":"1860000000000000105","started":true}`
	b, err := src.Fetch(context.Background(), cur)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(ids(b.Mentions), ","); got != "1860000000000000101" {
		t.Fatalf("mentions %s", got)
	}
	// The newest post of the interrupted walk is not forgotten.
	if got := mustCursor(t, b.Cursor); got.SinceID != "1860000000000000105" || got.NextToken != "" {
		t.Fatalf("cursor %+v", got)
	}
}

func TestSource_Fetch_sinceIDTooOldForSearch(t *testing.T) {
	t.Parallel()
	f := newFakeX(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		if r.URL.Query().Get("since_id") != "" {
			replyFixture(t, w, 400, "error_400_since_id.json")
			return
		}
		replyFixture(t, w, 200, "search_page.json")
	})
	src := mustClient(t, f, &clock{now: t0}, nil).Search("s")
	b, err := src.Fetch(context.Background(), `{"since_id":"1850000000000000000","started":true}`)
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Mentions) != 2 || mustCursor(t, b.Cursor).SinceID != "1860000000000000210" {
		t.Fatalf("%d mentions, cursor %s", len(b.Mentions), b.Cursor)
	}
}

func TestSource_Fetch_contextCancel(t *testing.T) {
	t.Parallel()
	arrived := make(chan struct{})
	f := newFakeX(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		close(arrived)
		<-r.Context().Done()
	})
	src := mustClient(t, f, &clock{now: t0}, nil).Mentions("m")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := src.Fetch(ctx, since99)
		done <- err
	}()
	<-arrived
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("error %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Fetch did not return after its context was cancelled")
	}
}

func TestSource_Fetch_badCursor(t *testing.T) {
	t.Parallel()
	f := newFakeX(t, func(w http.ResponseWriter, r *http.Request, _ []byte) { t.Error("called X with a bad cursor") })
	src := mustClient(t, f, &clock{now: t0}, nil).Mentions("m")
	for _, cur := range []string{"{", `{"since_id":"12; drop"}`} {
		_, err := src.Fetch(context.Background(), cur)
		if !errors.Is(err, core.ErrInvalid) || !errors.Is(err, core.ErrPermanent) {
			t.Errorf("cursor %q: error %v, want invalid and permanent", cur, err)
		}
	}
}

// A saved walk whose token expired while its since_id grew too old (a
// long outage) recovers in one call.
func TestSource_Fetch_expiredTokenAndOldSinceID(t *testing.T) {
	t.Parallel()
	f := newFakeX(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		switch q := r.URL.Query(); {
		case q.Get("next_token") != "":
			replyFixture(t, w, 400, "error_400_token.json")
		case q.Get("since_id") != "":
			replyFixture(t, w, 400, "error_400_since_id.json")
		default:
			replyFixture(t, w, 200, "search_page.json")
		}
	})
	src := mustClient(t, f, &clock{now: t0}, nil).Search("s")
	b, err := src.Fetch(context.Background(), `{"since_id":"1850000000000000000","next_token":"7140dibdnow9c7btw3w29grvxfcgvpb9n9coehpk7xz5i","newest":"1850000000000000900","started":true}`)
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Mentions) != 2 || mustCursor(t, b.Cursor) != (cursor{SinceID: "1860000000000000210", Started: true}) {
		t.Fatalf("%d mentions, cursor %s", len(b.Mentions), b.Cursor)
	}
}

// An error page that quotes the request (a proxy's, say) never brings a
// credential into the error.
func TestClient_errorsNeverQuoteCredentials(t *testing.T) {
	t.Parallel()
	f := newFakeX(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		quote, _ := json.Marshal("upstream failed for " + r.Header.Get("Authorization") + " with key " + testConsumerKey + " and " + url.QueryEscape(testAccessSecret))
		reply(w, 503, "application/problem+json", []byte(`{"title":"Service Unavailable","detail":`+string(quote)+`,"type":"about:blank","status":503}`))
	})
	c := mustClient(t, f, &clock{now: t0}, func(c *Config) { withOAuth1(c); c.OAuth2UserToken = conf.Secret{} })
	_, readErr := c.Mentions("m").Fetch(context.Background(), "")
	_, writeErr := c.Reply(context.Background(), testMention, "hi")
	for _, err := range []error{readErr, writeErr} {
		if err == nil || !strings.Contains(err.Error(), "[redacted]") {
			t.Fatalf("error %v: want the quoted credentials redacted", err)
		}
		for _, secret := range []string{testBearer, testConsumerKey, testConsumerSecret, testAccessToken, testAccessSecret} {
			if strings.Contains(err.Error(), secret) {
				t.Errorf("error %q quotes a credential", err)
			}
		}
	}
}
