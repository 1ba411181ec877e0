package instagram

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shenava/shenava/core"
)

var bg = context.Background()

// drain fetches until the source has nothing more ready now, as the
// engine does, and returns every mention and the final cursor.
func drain(t *testing.T, p *Poller, cursor string) ([]core.Mention, string, int) {
	t.Helper()
	var all []core.Mention
	calls := 0
	for {
		b, err := p.Fetch(bg, cursor)
		if err != nil {
			t.Fatalf("Fetch(%s): %v", cursor, err)
		}
		calls++
		all, cursor = append(all, b.Mentions...), b.Cursor
		if !b.More {
			return all, cursor, calls
		}
		if calls > 100 {
			t.Fatal("Fetch never finished its walk")
		}
	}
}

func ids(ms []core.Mention) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.NativeID)
	}
	slices.Sort(out)
	return out
}

func TestPoll_BackfillOwnAndMapping(t *testing.T) {
	f := newFakeGraph(t)
	f.addMedia(&fakeMedia{ID: "m1", Permalink: "https://www.instagram.com/p/AAA/", At: t0.Add(-48 * time.Hour), Comments: []comment{
		cmt("c-old", "sara", "too old: before the backfill", t0.Add(-25*time.Hour)),
		cmt("c1", "sara", "سفارشم نرسیده", t0.Add(-time.Hour)),
		{ID: "c2", Text: "ممنون، پیگیری می‌کنیم", Timestamp: ts(t0.Add(-30 * time.Minute)), Username: "shenava.cafe",
			From: &user{ID: testUser, Username: "shenava.cafe"}},
		{ID: "c3", Text: "with a reply", Timestamp: ts(t0.Add(-20 * time.Minute)), Username: "ali", From: &user{ID: "u-ali", Username: "ali"},
			Replies: &struct {
				Data []comment `json:"data"`
			}{Data: []comment{cmt("c4", "reza", "reply under c3", t0.Add(-10*time.Minute)),
				{ID: "c5", Text: "own reply", Timestamp: ts(t0.Add(-5 * time.Minute)), Username: "shenava.cafe"}}}},
	}})
	f.addMedia(&fakeMedia{ID: "m2", At: t0.Add(-time.Hour)}) // no comments: never read
	c := f.client(f.config())
	ms, _, _ := drain(t, c.Poller("instagram"), "")
	if got, want := ids(ms), []string{"c1", "c3", "c4"}; !slices.Equal(got, want) {
		t.Fatalf("mentions %v, want %v (backfill 24h, own account's comments and replies left out)", got, want)
	}
	if n := f.count("GET /" + testVersion + "/m2/comments"); n != 0 {
		t.Errorf("media without comments was read %d times", n)
	}
	var c1, c4 core.Mention
	for _, m := range ms {
		switch m.NativeID {
		case "c1":
			c1 = m
		case "c4":
			c4 = m
		}
	}
	want := core.Mention{Platform: core.PlatformInstagram, NativeID: "c1", URL: "https://www.instagram.com/p/AAA/c/c1/",
		Author: core.Author{ID: "u-sara", Handle: "sara"}, Text: "سفارشم نرسیده", CreatedAt: t0.Add(-time.Hour), FetchedAt: t0,
		ReplyToID: "m1", ConversationID: "m1"}
	if fmt.Sprint(c1) != fmt.Sprint(want) {
		t.Errorf("c1 =\n%+v\nwant\n%+v", c1, want)
	}
	if c4.ReplyToID != "c3" || c4.ConversationID != "m1" {
		t.Errorf("reply c4: reply_to %q conversation %q, want c3 and m1", c4.ReplyToID, c4.ConversationID)
	}
	for _, m := range ms {
		if err := m.Validate(); err != nil {
			t.Errorf("invalid mention: %v", err)
		}
	}
}

// A walk bigger than max_pages is spread over calls and over restarts
// (a new client on the saved cursor): nothing twice, nothing skipped, and
// a media whose comment count has not moved is not read again.
func TestPoll_PagingBoundsAndResume(t *testing.T) {
	f := newFakeGraph(t)
	var want []string
	for m := range 3 {
		fm := &fakeMedia{ID: fmt.Sprint("m", m), At: t0.Add(-time.Duration(m) * time.Hour)}
		for i := range 120 {
			id := fmt.Sprintf("m%d-c%03d", m, i)
			// Several comments share a second: the cursor must not skip them.
			fm.Comments = append(fm.Comments, cmt(id, "u"+id, "comment "+id, t0.Add(-time.Duration(i/3)*time.Minute)))
			want = append(want, id)
		}
		f.addMedia(fm)
	}
	slices.Sort(want)
	cfg := f.config()
	cfg.MaxPages = 2
	cursor := ""
	var got []string
	for calls := 0; ; calls++ {
		before := len(f.log())
		// Restart between calls: a new client on the saved cursor.
		b, err := f.client(cfg).Poller("instagram").Fetch(bg, cursor)
		if err != nil {
			t.Fatal(err)
		}
		if n := len(f.log()) - before; n > cfg.MaxPages {
			t.Fatalf("one Fetch made %d requests, max_pages is %d", n, cfg.MaxPages)
		}
		got = append(got, ids(b.Mentions)...)
		cursor = b.Cursor
		if !b.More {
			break
		}
		if calls > 50 {
			t.Fatal("walk never ends")
		}
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Fatalf("got %d mentions (%d distinct), want %d exactly once", len(got), len(slices.Compact(slices.Clone(got))), len(want))
	}
	// Nothing new: one request (the media list), no mentions.
	before := len(f.log())
	ms, cursor, _ := drain(t, f.client(cfg).Poller("instagram"), cursor)
	if len(ms) != 0 || len(f.log())-before != 1 {
		t.Errorf("idle poll: %d mentions, %d requests; want 0 and 1 (counts unchanged)", len(ms), len(f.log())-before)
	}
	// One new comment in the same second as the newest stored: read, and
	// only the old ones of that second come again (deduplicated upstream).
	f.addComment("m1", cmt("m1-new", "neda", "new one", t0))
	ms, _, _ = drain(t, f.client(cfg).Poller("instagram"), cursor)
	if got := ids(ms); !slices.Contains(got, "m1-new") || slices.ContainsFunc(got, func(s string) bool { return strings.HasPrefix(s, "m0-") }) {
		t.Errorf("after a new comment: %v; want m1-new and nothing of untouched media m0", got)
	}
}

func TestPoll_BadCursor(t *testing.T) {
	f := newFakeGraph(t)
	_, err := f.client(f.config()).Poller("instagram").Fetch(bg, "{not json")
	if !errors.Is(err, core.ErrInvalid) {
		t.Errorf("Fetch(bad cursor) = %v, want ErrInvalid", err)
	}
}

func TestPoll_RateLimits(t *testing.T) {
	t.Run("ErrorCodes", func(t *testing.T) {
		for _, tc := range []struct {
			name    string
			file    string
			headers map[string]string
			want    time.Duration
		}{
			{"Code4", "error_4.json", nil, defaultRateLimitWait},
			{"Code4WithRegain", "error_4.json",
				map[string]string{"X-Business-Use-Case-Usage": `{"17841400000000001":[{"type":"instagram","call_count":100,"total_cputime":20,"total_time":30,"estimated_time_to_regain_access":12}]}`},
				12 * time.Minute},
		} {
			t.Run(tc.name, func(t *testing.T) {
				f := newFakeGraph(t)
				f.failNext("GET "+testUser+"/media", fakeFailure{status: http.StatusBadRequest, file: tc.file, headers: tc.headers})
				c := f.client(f.config())
				_, err := c.Poller("instagram").Fetch(bg, "")
				ra, ok := core.RetryAfter(err)
				if !ok || ra != tc.want {
					t.Fatalf("Fetch = %v; want a rate-limit error asking %s", err, tc.want)
				}
				before := len(f.log())
				if _, err := c.Poller("instagram").Fetch(bg, ""); err == nil {
					t.Error("a call during the wait went ahead")
				}
				if len(f.log()) != before {
					t.Error("a request was made during the wait")
				}
			})
		}
		for _, code := range []int{17, 32, 613, 80002} {
			if !rateLimitCode(code) {
				t.Errorf("code %d is not treated as a rate limit", code)
			}
		}
	})
	t.Run("UsageHeader", func(t *testing.T) {
		f := newFakeGraph(t)
		f.headers.Set("X-App-Usage", `{"call_count":96,"total_time":10,"total_cputime":10}`)
		c := f.client(f.config())
		if _, err := c.Poller("instagram").Fetch(bg, ""); err != nil {
			t.Fatalf("the call reporting high usage failed: %v", err)
		}
		_, err := c.Poller("instagram").Fetch(bg, "")
		if ra, ok := core.RetryAfter(err); !ok || ra <= 0 {
			t.Errorf("after X-App-Usage at 96%%: %v, want a rate-limit wait before any call", err)
		}
	})
	t.Run("TooManyRequests", func(t *testing.T) {
		f := newFakeGraph(t)
		f.failNext("GET "+testUser+"/media", fakeFailure{status: http.StatusTooManyRequests, file: "error_4.json"})
		_, err := f.client(f.config()).Poller("instagram").Fetch(bg, "")
		if _, ok := core.RetryAfter(err); !ok {
			t.Errorf("429: %v, want a rate-limit error", err)
		}
	})
}

func TestPoll_ExpiredToken(t *testing.T) {
	f := newFakeGraph(t)
	f.failNext("GET "+testUser+"/media", fakeFailure{status: http.StatusBadRequest, file: "error_190_expired.json"})
	_, err := f.client(f.config()).Poller("instagram").Fetch(bg, "")
	if !errors.Is(err, core.ErrUnauthorized) || !errors.Is(err, core.ErrPermanent) || !strings.Contains(err.Error(), "expired") {
		t.Errorf("expired token: %v; want ErrUnauthorized, permanent, saying it expired", err)
	}
	if strings.Contains(err.Error(), testToken) {
		t.Error("the error shows the token")
	}
}
