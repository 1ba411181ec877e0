package xtest_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shenava/shenava/connector/x"
	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/conf"
	"github.com/shenava/shenava/internal/xtest"
)

var t0 = time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)

const base = 1860000000000000000

func post(n int, text string) (xtest.Post, xtest.User) {
	u := xtest.User{ID: fmt.Sprint(2000000000000000000 + n), Username: fmt.Sprintf("user%d", n), Name: fmt.Sprintf("User %d", n), Followers: n}
	return xtest.Post{ID: fmt.Sprint(base + n), Text: text, Created: t0.Add(time.Duration(n) * time.Second), Lang: "en"}, u
}

func client(tb testing.TB, srv *xtest.Server, edit func(*x.Config)) *x.Client {
	tb.Helper()
	cfg := x.Config{
		BaseURL: srv.URL(), BearerToken: conf.NewSecret(xtest.DefaultBearerToken), UserID: srv.UserID(),
		OAuth2UserToken: conf.NewSecret(xtest.DefaultUserToken), Mentions: x.Stream{Enabled: true}, MaxResults: 10, MaxPages: 1,
		UserAgent: "Shenava/test (+https://github.com/shenava/shenava)",
	}
	if edit != nil {
		edit(&cfg)
	}
	c, err := x.New(cfg, nil, slog.New(slog.DiscardHandler))
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// get makes a raw call with the app token and returns status and body.
func get(tb testing.TB, srv *xtest.Server, method, path, token string, body string) (int, []byte) {
	tb.Helper()
	req, err := http.NewRequest(method, srv.URL()+path, strings.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("User-Agent", "Shenava/test")
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return resp.StatusCode, b
}

// Every answer the fake gives fits the published document.
func TestServer_ResponsesFitTheSpec(t *testing.T) {
	t.Parallel()
	srv := xtest.New(t)
	spec := xtest.LoadSpec(t)
	for i := 1; i <= 12; i++ {
		srv.AddMention(post(i, fmt.Sprintf("@brand message %d", i)))
	}
	mentions := "/2/users/" + srv.UserID() + "/mentions?max_results=5&tweet.fields=created_at,author_id&expansions=author_id&user.fields=username"
	tests := []struct {
		name, method, path, spec, body, token string
		status                                int
	}{
		{"MentionsFirstPage", "GET", mentions, "/2/users/{id}/mentions", "", xtest.DefaultBearerToken, 200},
		{"MentionsNextPage", "GET", mentions + "&pagination_token=n" + fmt.Sprint(base+8), "/2/users/{id}/mentions", "", xtest.DefaultBearerToken, 200},
		{"MentionsEmpty", "GET", mentions + "&since_id=" + fmt.Sprint(base+12), "/2/users/{id}/mentions", "", xtest.DefaultBearerToken, 200},
		{"MentionsBadToken", "GET", "/2/users/" + srv.UserID() + "/mentions?max_results=5&pagination_token=bogus", "/2/users/{id}/mentions", "", xtest.DefaultBearerToken, 400},
		{"CreatePost", "POST", "/2/tweets", "/2/tweets", `{"text":"thanks!","reply":{"in_reply_to_tweet_id":"` + fmt.Sprint(base+1) + `"}}`, xtest.DefaultUserToken, 201},
		{"SendDM", "POST", "/2/dm_conversations/with/2000000000000000001/messages", "/2/dm_conversations/with/{participant_id}/messages", `{"text":"hi"}`, xtest.DefaultUserToken, 201},
		{"UsersMe", "GET", "/2/users/me", "/2/users/me", "", xtest.DefaultUserToken, 200},
		{"UserByID", "GET", "/2/users/" + srv.UserID(), "/2/users/{id}", "", xtest.DefaultBearerToken, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := get(t, srv, tt.method, tt.path, tt.token, tt.body)
			if status != tt.status {
				t.Fatalf("status %d, want %d: %s", status, tt.status, body)
			}
			spec.ValidateResponse(t, tt.method, tt.spec, status, body)
		})
	}
	t.Run("WrongToken", func(t *testing.T) {
		status, body := get(t, srv, "GET", mentions, "not-the-token", "")
		if status != http.StatusUnauthorized || !bytes.Contains(body, []byte("Unauthorized")) {
			t.Fatalf("status %d %s, want 401", status, body)
		}
		// A read token cannot write.
		if status, _ := get(t, srv, "POST", "/2/tweets", xtest.DefaultBearerToken, `{"text":"x"}`); status != http.StatusUnauthorized {
			t.Fatalf("write with the app token: status %d, want 401", status)
		}
	})
}

// The real connector walks the fake's pages newest first, resumes from its
// cursor in a new client (a restart), and sees mentions added later; its
// replies and DMs are recorded.
func TestServer_WithTheConnector(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := xtest.New(t)
	for i := 1; i <= 10; i++ {
		srv.AddMention(post(i, fmt.Sprintf("@brand early %d", i)))
	}
	src := client(t, srv, nil).Mentions("x")
	b, err := src.Fetch(ctx, "")
	if err != nil || len(b.Mentions) != 10 || b.More {
		t.Fatalf("first poll: %d mentions, more=%v, err %v; want 10, false", len(b.Mentions), b.More, err)
	}
	for i := 11; i <= 35; i++ {
		srv.AddMention(post(i, fmt.Sprintf("@brand later %d", i)))
	}
	seen := map[string]int{}
	cursor := b.Cursor
	for polls := 0; ; polls++ {
		if polls > 10 {
			t.Fatal("the walk does not end")
		}
		// A new client each time: a restarted process with the saved cursor.
		b, err := client(t, srv, nil).Mentions("x").Fetch(ctx, cursor)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range b.Mentions {
			seen[m.NativeID]++
			if m.Author.Handle == "" || m.CreatedAt.IsZero() {
				t.Fatalf("mention %s lacks its author or time: %+v", m.NativeID, m)
			}
		}
		cursor = b.Cursor
		if !b.More {
			break
		}
	}
	for i := 11; i <= 35; i++ {
		if id := fmt.Sprint(base + i); seen[id] != 1 {
			t.Errorf("post %s returned %d times, want once", id, seen[id])
		}
	}
	if len(seen) != 25 {
		t.Fatalf("%d posts returned, want the 25 new ones", len(seen))
	}
	var withSince int
	for _, r := range srv.Requests() {
		if r.Query.Get("since_id") != "" {
			withSince++
		}
	}
	if withSince == 0 {
		t.Fatal("no request carried since_id")
	}

	c := client(t, srv, nil)
	m := core.Mention{Platform: core.PlatformX, NativeID: fmt.Sprint(base + 3), Author: core.Author{ID: "2000000000000000003", Handle: "user3"}}
	ref, err := c.Reply(ctx, m, "thank you!")
	if err != nil {
		t.Fatal(err)
	}
	if ps := srv.Posts(); len(ps) != 1 || ps[0].ID != ref || ps[0].InReplyTo != m.NativeID || ps[0].Text != "thank you!" {
		t.Fatalf("posts %+v, want one reply to %s with id %s", ps, m.NativeID, ref)
	}
	if _, err := c.DirectMessage(ctx, m, "a gift"); err != nil {
		t.Fatal(err)
	}
	if dms := srv.DMs(); len(dms) != 1 || dms[0].To != m.Author.ID {
		t.Fatalf("DMs %+v, want one to %s", dms, m.Author.ID)
	}
	if err := c.Check(ctx); err != nil {
		t.Fatalf("Check: %v", err)
	}
}

func TestServer_OAuth1(t *testing.T) {
	t.Parallel()
	creds := xtest.OAuth1{ConsumerKey: "ck-xtest", ConsumerSecret: "cs-xtest-secret", AccessToken: "1700000000000000001-at", AccessTokenSecret: "ats-xtest-secret"}
	srv := xtest.New(t, xtest.WithOAuth1(creds), xtest.WithUserToken(""))
	m := core.Mention{Platform: core.PlatformX, NativeID: fmt.Sprint(base + 1), Author: core.Author{ID: "2000000000000000001"}}
	good := client(t, srv, func(c *x.Config) {
		c.OAuth2UserToken = conf.Secret{}
		c.OAuth1 = x.OAuth1{ConsumerKey: conf.NewSecret(creds.ConsumerKey), ConsumerSecret: conf.NewSecret(creds.ConsumerSecret),
			AccessToken: conf.NewSecret(creds.AccessToken), AccessTokenSecret: conf.NewSecret(creds.AccessTokenSecret)}
	})
	if _, err := good.Reply(context.Background(), m, "signed"); err != nil {
		t.Fatalf("signed reply: %v", err)
	}
	bad := client(t, srv, func(c *x.Config) {
		c.OAuth2UserToken = conf.Secret{}
		c.OAuth1 = x.OAuth1{ConsumerKey: conf.NewSecret(creds.ConsumerKey), ConsumerSecret: conf.NewSecret("wrong"),
			AccessToken: conf.NewSecret(creds.AccessToken), AccessTokenSecret: conf.NewSecret(creds.AccessTokenSecret)}
	})
	if _, err := bad.Reply(context.Background(), m, "forged"); !errors.Is(err, core.ErrUnauthorized) {
		t.Fatalf("reply signed with the wrong secret: %v, want ErrUnauthorized", err)
	}
	if n := len(srv.Posts()); n != 1 {
		t.Fatalf("%d posts created, want only the signed one", n)
	}
}

// Latency is spent before the call arrives (a client that gives up then
// leaves nothing) and after it took effect (a client that gives up then
// leaves the post created).
func TestServer_Latency(t *testing.T) {
	t.Parallel()
	m := core.Mention{Platform: core.PlatformX, NativeID: fmt.Sprint(base + 1), Author: core.Author{ID: "2000000000000000001"}}
	for _, tt := range []struct {
		name  string
		slow  int // which wait outlasts the client: 1 before the call, 2 after it
		posts int
	}{{"LostOnTheWayIn", 1, 0}, {"LostOnTheWayOut", 2, 1}} {
		t.Run(tt.name, func(t *testing.T) {
			var mu sync.Mutex
			calls := 0
			srv := xtest.New(t, xtest.WithLatency(func() time.Duration {
				mu.Lock()
				defer mu.Unlock()
				if calls++; calls == tt.slow {
					return time.Minute
				}
				return 0
			}))
			c := client(t, srv, func(c *x.Config) { c.Timeout = 50 * time.Millisecond })
			if _, err := c.Reply(context.Background(), m, "slow"); !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("Reply = %v, want a timeout", err)
			}
			srv.Wait(t, "the request to be recorded", 5*time.Second, func() bool { return len(srv.Requests()) == 1 })
			if n := len(srv.Posts()); n != tt.posts {
				t.Fatalf("%d posts, want %d", n, tt.posts)
			}
		})
	}
}
