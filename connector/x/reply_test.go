package x

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/conf"
	"github.com/shenava/shenava/internal/xtest"
)

var testMention = core.Mention{
	Platform: core.PlatformX, NativeID: "1860000000000000105", Source: "x-mentions",
	Author: core.Author{ID: "2000000000000000001", Handle: "maryam_k"},
	Text:   "@shenava سفارشم نرسیده", CreatedAt: t0,
}

const persianReply = "@maryam_k متأسفیم! لطفاً شماره سفارش را در پیام خصوصی بفرستید."

func TestClient_Reply(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		auth     func(*Config)
		wantAuth string
	}{
		{name: "OAuth1", auth: withOAuth1, wantAuth: "OAuth "},
		{name: "OAuth2UserToken", auth: func(c *Config) { c.OAuth2UserToken = conf.NewSecret(testUserToken) }, wantAuth: "Bearer " + testUserToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeX(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
				replyFixture(t, w, 201, "post_created.json")
			})
			c := mustClient(t, f, &clock{now: t0}, tt.auth)
			if caps := c.Capabilities(); !caps.Reply || !caps.DirectMessage {
				t.Fatalf("Capabilities()=%+v with user credentials", caps)
			}
			ref, err := c.Reply(context.Background(), testMention, persianReply)
			if err != nil {
				t.Fatal(err)
			}
			if ref != "1860000000000000900" {
				t.Fatalf("ref=%q, want the created post's ID", ref)
			}
			r := f.reqs()[0]
			if r.Method != "POST" || r.Path != "/2/tweets" || r.Header.Get("Content-Type") != "application/json" {
				t.Fatalf("%s %s (%s)", r.Method, r.Path, r.Header.Get("Content-Type"))
			}
			if !strings.HasPrefix(r.Header.Get("Authorization"), tt.wantAuth) {
				t.Fatalf("Authorization=%q, want %q…", r.Header.Get("Authorization"), tt.wantAuth)
			}
			var got map[string]any
			if err := json.Unmarshal(r.Body, &got); err != nil {
				t.Fatal(err)
			}
			want := map[string]any{"text": persianReply, "reply": map[string]any{"in_reply_to_tweet_id": "1860000000000000105"}}
			if gb, _ := json.Marshal(got); string(gb) != mustJSON(want) {
				t.Fatalf("body %s, want %s", gb, mustJSON(want))
			}
		})
	}
}

func mustJSON(v any) string { b, _ := json.Marshal(v); return string(b) }

func TestClient_DirectMessage(t *testing.T) {
	t.Parallel()
	f := newFakeX(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		replyFixture(t, w, 201, "dm_sent.json")
	})
	c := mustClient(t, f, &clock{now: t0}, withOAuth1)
	ref, err := c.DirectMessage(context.Background(), testMention, "سلام، شماره سفارش را بفرستید")
	if err != nil {
		t.Fatal(err)
	}
	if ref != "1860000000000000950" {
		t.Fatalf("ref=%q, want the DM event ID", ref)
	}
	r := f.reqs()[0]
	if r.Path != "/2/dm_conversations/with/2000000000000000001/messages" {
		t.Fatalf("path %s, want the author's conversation", r.Path)
	}
	if string(r.Body) != `{"text":"سلام، شماره سفارش را بفرستید"}` {
		t.Fatalf("body %s", r.Body)
	}
}

func TestClient_writesWithoutUserContext(t *testing.T) {
	t.Parallel()
	f := newFakeX(t, func(w http.ResponseWriter, r *http.Request, _ []byte) { t.Error("called X without user credentials") })
	c := mustClient(t, f, &clock{now: t0}, nil)
	if caps := c.Capabilities(); caps.Reply || caps.DirectMessage {
		t.Fatalf("Capabilities()=%+v with the bearer token only", caps)
	}
	for name, send := range map[string]func(context.Context, core.Mention, string) (string, error){"Reply": c.Reply, "DirectMessage": c.DirectMessage} {
		_, err := send(context.Background(), testMention, "hi")
		if !errors.Is(err, core.ErrUnsupported) || !strings.Contains(err.Error(), "oauth2_user_token") {
			t.Errorf("%s: error %v, want ErrUnsupported naming the keys to set", name, err)
		}
	}
}

func TestClient_writeFaults(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                  string
		status                int
		fixture               string
		headers               []string
		unauth, perm, limited bool
		contains              string
	}{
		{name: "DuplicateIsPermanent", status: 403, fixture: "error_403_duplicate.json", perm: true, contains: "duplicate content"},
		{name: "Unauthorized", status: 401, fixture: "error_401.json", unauth: true},
		{name: "LegacyShape", status: 401, fixture: "error_legacy.json", unauth: true, contains: "Could not authenticate you"},
		{name: "ReadOnlyApp", status: 403, fixture: "error_403_client.json", unauth: true},
		{name: "RateLimited", status: 429, fixture: "error_429.json", limited: true,
			headers: []string{"x-user-limit-24hour-remaining", "0", "x-user-limit-24hour-reset", itoa(t0.Add(3 * time.Hour).Unix())}},
		{name: "ServerError", status: 503, fixture: "error_502.html", contains: "HTTP 503"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeX(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
				replyFixture(t, w, tt.status, tt.fixture, tt.headers...)
			})
			c := mustClient(t, f, &clock{now: t0}, withOAuth1)
			_, err := c.Reply(context.Background(), testMention, "hi")
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.HasPrefix(err.Error(), "x: reply to 1860000000000000105: ") || !strings.Contains(err.Error(), tt.contains) {
				t.Errorf("error %q, want the prefix and %q", err, tt.contains)
			}
			if errors.Is(err, core.ErrUnauthorized) != tt.unauth || errors.Is(err, core.ErrPermanent) != tt.perm {
				t.Errorf("error %v: unauthorized=%v permanent=%v, want %v %v", err, errors.Is(err, core.ErrUnauthorized), errors.Is(err, core.ErrPermanent), tt.unauth, tt.perm)
			}
			if retry, ok := core.RetryAfter(err); ok != tt.limited || (ok && retry != 3*time.Hour) {
				t.Errorf("RetryAfter=%v,%v, want the 24-hour reset", retry, ok)
			}
		})
	}
}

// A 2xx answer to a post means X made it, even when the answer cannot be
// read: the error is permanent, so the outbox does not post it again.
func TestClient_writeAcceptedButUnreadable(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		status      int
		contentType string
		body        string
	}{
		{"Truncated", 201, "application/json", `{"data":{"id":"1860000000000000900","te`},
		{"Malformed", 201, "application/json", `{"data":{"id":,}}`},
		{"HTML", 200, "text/html", "<html><body>ok</body></html>"},
		{"Huge", 201, "application/json", `{"data":{"id":"1860000000000000900","text":"` + strings.Repeat("x", 70<<10) + `"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeX(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
				reply(w, tt.status, tt.contentType, []byte(tt.body))
			})
			c := mustClient(t, f, &clock{now: t0}, func(c *Config) { withOAuth1(c); c.MaxBodyBytes = 64 << 10 })
			for name, send := range map[string]func(context.Context, core.Mention, string) (string, error){"Reply": c.Reply, "DirectMessage": c.DirectMessage} {
				if _, err := send(context.Background(), testMention, "hi"); !errors.Is(err, core.ErrPermanent) {
					t.Errorf("%s: error %v, want permanent (X made the post; a retry would repeat it)", name, err)
				}
			}
			// Reads stay worth retrying.
			if _, err := c.Mentions("m").Fetch(context.Background(), ""); err == nil || errors.Is(err, core.ErrPermanent) {
				t.Errorf("Fetch: error %v, want a plain, retryable one", err)
			}
		})
	}
}

func TestClient_writesRejectBadInput(t *testing.T) {
	t.Parallel()
	f := newFakeX(t, func(w http.ResponseWriter, r *http.Request, _ []byte) { t.Error("called X with bad input") })
	c := mustClient(t, f, &clock{now: t0}, withOAuth1)
	notX := testMention
	notX.Platform = core.PlatformMastodon
	badID := testMention
	badID.NativeID = "../../2/users"
	badAuthor := testMention
	badAuthor.Author.ID = "me/../x"
	tests := []struct {
		name string
		send func(context.Context, core.Mention, string) (string, error)
		m    core.Mention
		text string
	}{
		{"NotX", c.Reply, notX, "hi"},
		{"BadPostID", c.Reply, badID, "hi"},
		{"EmptyText", c.Reply, testMention, "  "},
		{"BadAuthorID", c.DirectMessage, badAuthor, "hi"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.send(context.Background(), tt.m, tt.text)
			if !errors.Is(err, core.ErrInvalid) || !errors.Is(err, core.ErrPermanent) {
				t.Fatalf("error %v, want invalid and permanent", err)
			}
		})
	}
}

func TestClient_Check(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		auth     func(*Config)
		answer   func(t *testing.T, w http.ResponseWriter, r *http.Request)
		wantErr  bool
		unauth   bool
		contains string
		wantReqs []string
	}{
		{name: "OKBoth", auth: withOAuth1, wantReqs: []string{"/2/users/" + brandID, "/2/users/me"},
			answer: func(t *testing.T, w http.ResponseWriter, r *http.Request) { replyFixture(t, w, 200, "users_me.json") }},
		{name: "OKBearerOnly", wantReqs: []string{"/2/users/" + brandID},
			answer: func(t *testing.T, w http.ResponseWriter, r *http.Request) { replyFixture(t, w, 200, "users_me.json") }},
		{name: "ErrBearerRejected", wantErr: true, unauth: true, contains: "check bearer_token",
			answer: func(t *testing.T, w http.ResponseWriter, r *http.Request) { replyFixture(t, w, 401, "error_401.json") }},
		{name: "ErrUserTokenForbidden", auth: func(c *Config) { c.OAuth2UserToken = conf.NewSecret(testUserToken) }, wantErr: true, unauth: true, contains: "check user credentials",
			answer: func(t *testing.T, w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/2/users/me" {
					replyFixture(t, w, 403, "error_403_duplicate.json")
					return
				}
				replyFixture(t, w, 200, "users_me.json")
			}},
		{name: "ErrUnreachable", wantErr: true, contains: "bearer_token not checked: the X API could not be reached",
			answer: func(t *testing.T, w http.ResponseWriter, r *http.Request) { panic(http.ErrAbortHandler) }},
		{name: "ErrWrongAccount", auth: withOAuth1, wantErr: true, unauth: true, contains: "@someone_else",
			answer: func(t *testing.T, w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/2/users/me" {
					replyFixture(t, w, 200, "users_other.json")
					return
				}
				replyFixture(t, w, 200, "users_me.json")
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeX(t, func(w http.ResponseWriter, r *http.Request, _ []byte) { tt.answer(t, w, r) })
			c := mustClient(t, f, &clock{now: t0}, tt.auth)
			err := c.Check(context.Background())
			if (err != nil) != tt.wantErr || errors.Is(err, core.ErrUnauthorized) != tt.unauth || (err != nil && !strings.Contains(err.Error(), tt.contains)) {
				t.Fatalf("Check()=%v, want error=%v unauthorized=%v mentioning %q", err, tt.wantErr, tt.unauth, tt.contains)
			}
			if tt.wantReqs != nil {
				var got []string
				for _, r := range f.reqs() {
					got = append(got, r.Path)
				}
				if strings.Join(got, " ") != strings.Join(tt.wantReqs, " ") {
					t.Fatalf("requests %v, want %v", got, tt.wantReqs)
				}
			}
		})
	}
}

// A post X made but whose answer was lost is not sent again by the
// transport, fails as in doubt, and is found by reading back; so is a DM.
func TestClient_DroppedAnswerIsReadBack(t *testing.T) {
	srv := xtest.New(t)
	cfg := baseConfig(srv.URL())
	cfg.BearerToken = conf.NewSecret(xtest.DefaultBearerToken)
	cfg.OAuth2UserToken = conf.NewSecret(xtest.DefaultUserToken)
	cfg.UserID = xtest.DefaultUserID
	c, err := New(cfg, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	m := testMention
	for _, private := range []bool{false, true} {
		send, text := c.Reply, "ممنون که ما را معرفی کردید"
		if private {
			send, text = c.DirectMessage, "کد هدیهٔ شما: SARA11"
		}
		if _, found, err := c.FindAnswer(ctx, m, text, private); err != nil || found {
			t.Fatalf("private=%v: FindAnswer before sending: %v %v, want not found", private, found, err)
		}
		srv.DropAnswers(1) // the read above left a kept-alive connection
		if _, err := send(ctx, m, text); !errors.Is(err, core.ErrInDoubt) {
			t.Fatalf("private=%v: send with the answer lost: %v, want core.ErrInDoubt", private, err)
		}
		ref, found, err := c.FindAnswer(ctx, m, text, private)
		if err != nil || !found || ref == "" {
			t.Fatalf("private=%v: FindAnswer=%q,%v,%v, want the answer X made", private, ref, found, err)
		}
		if _, found, _ := c.FindAnswer(ctx, m, "another text", private); found {
			t.Fatalf("private=%v: FindAnswer matched another text", private)
		}
	}
	if p, d := srv.Posts(), srv.DMs(); len(p) != 1 || len(d) != 1 {
		t.Fatalf("X holds %d posts and %d DMs, want one of each", len(p), len(d))
	}
	if p := srv.Posts()[0]; p.InReplyTo != m.NativeID {
		t.Fatalf("the post answers %q", p.InReplyTo)
	}
}
