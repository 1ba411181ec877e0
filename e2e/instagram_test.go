package e2e

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shenava/shenava/bot"
	"github.com/shenava/shenava/connector/instagram"
	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/conf"
	"github.com/shenava/shenava/internal/telegramtest"
	"github.com/shenava/shenava/listen"
)

const (
	igUser   = "17841400000000001"
	igToken  = "IGQVJ-e2e-token"
	igSecret = "e2e-app-secret"
)

// igFake is the Graph API side the connector answers through: it records
// each reply and private reply, and checks path, token and body.
type igFake struct {
	t   *testing.T
	srv *httptest.Server

	mu       sync.Mutex
	replies  []string // "comment: message"
	messages []string // "comment: text"
	hides    []string // "comment: hide"
}

func newIGFake(t *testing.T) *igFake {
	f := &igFake{t: t}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *igFake) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if r.Header.Get("Authorization") != "Bearer "+igToken {
		f.t.Errorf("%s %s without the bearer token", r.Method, r.URL.Path)
		w.WriteHeader(400)
		io.WriteString(w, `{"error":{"message":"Invalid OAuth access token","type":"OAuthException","code":190}}`)
		return
	}
	path := strings.TrimPrefix(r.URL.Path, "/v23.0/")
	w.Header().Set("Content-Type", "application/json")
	switch {
	case r.Method == "GET" && path == "17800000000000001" && r.URL.Query().Get("fields") == "id,permalink":
		io.WriteString(w, `{"id":"17800000000000001","permalink":"https://www.instagram.com/p/KoalaPost/"}`)
	case r.Method == "POST" && strings.HasSuffix(path, "/replies"):
		b, _ := io.ReadAll(r.Body)
		form, _ := url.ParseQuery(string(b))
		f.replies = append(f.replies, strings.TrimSuffix(path, "/replies")+": "+form.Get("message"))
		fmt.Fprintf(w, `{"id":"1790000000000%d"}`, len(f.replies))
	case r.Method == "POST" && path == igUser+"/messages":
		var body struct {
			Recipient struct {
				CommentID string `json:"comment_id"`
			} `json:"recipient"`
			Message struct {
				Text string `json:"text"`
			} `json:"message"`
		}
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			f.t.Errorf("messages: %v", err)
		}
		f.messages = append(f.messages, body.Recipient.CommentID+": "+body.Message.Text)
		fmt.Fprintf(w, `{"recipient_id":"232323232","message_id":"m_%d"}`, len(f.messages))
	case r.Method == "POST" && !strings.Contains(path, "/"):
		// POST /{ig-comment-id} with hide=true|false.
		b, _ := io.ReadAll(r.Body)
		form, _ := url.ParseQuery(string(b))
		f.hides = append(f.hides, path+": "+form.Get("hide"))
		io.WriteString(w, `{"success":true}`)
	default:
		f.t.Errorf("unexpected %s %s?%s", r.Method, r.URL.Path, r.URL.RawQuery)
		w.WriteHeader(404)
	}
}

func (f *igFake) hidden() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.hides...)
}

func (f *igFake) calls() (replies, messages []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.replies...), append([]string(nil), f.messages...)
}

func signIG(body []byte) string {
	m := hmac.New(sha256.New, []byte(igSecret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

func deliverIG(t *testing.T, webhookURL string, body []byte) int {
	t.Helper()
	req, _ := http.NewRequest("POST", webhookURL+instagram.WebhookPath, strings.NewReader(string(body)))
	req.Header.Set("X-Hub-Signature-256", signIG(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// An Instagram comment delivered by webhook becomes an alert; the
// manager's public and private replies reach Instagram exactly once, even
// when Meta delivers the comment again.
func TestInstagram_WebhookCommentAnsweredFromTelegram(t *testing.T) {
	ig := newIGFake(t)
	tg := telegramtest.New(t)
	tg.AddChat(alertChat)
	logs := &lockedBuffer{}
	logger := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("logs:\n%s", logs.String())
		}
	})
	db, model, matcher := koalaParts(t)
	client, err := instagram.New(instagram.Config{Enabled: true, APIURL: ig.srv.URL, UserID: igUser,
		AccessToken: conf.NewSecret(igToken), AppSecret: conf.NewSecret(igSecret), VerifyToken: conf.NewSecret("v"),
		Webhook: true}, nil, logger)
	if err != nil {
		t.Fatal(err)
	}
	b, outbox := koalaManagersBot(t, tg, alertChat.ID, sara.ID, db, logger, func(b *bot.Bot) map[core.Platform]listen.Replier {
		return map[core.Platform]listen.Replier{core.PlatformInstagram: client}
	})
	engine, err := listen.New(db, model, matcher, outbox.Capabilities, nil, listen.Config{OnSaved: outbox.Wake}, logger)
	if err != nil {
		t.Fatal(err)
	}
	hook := httptest.NewServer(client.Webhook(engine.Pusher(listen.SourceSpec{Name: "instagram-webhook", Scoped: true})))
	t.Cleanup(hook.Close)

	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for name, run := range map[string]func(context.Context) error{"bot": b.Run, "outbox": outbox.Run} {
		wg.Go(func() {
			if err := run(ctx); err != nil {
				t.Errorf("%s: %v", name, err)
			}
		})
	}
	t.Cleanup(func() { cancel(); wg.Wait() })
	tg.WaitCalls(t, "getUpdates", 1)

	// The comment does not name the brand: it is under the brand's post.
	body, _ := json.Marshal(map[string]any{"object": "instagram", "entry": []any{map[string]any{
		"id": igUser, "time": time.Now().Add(-time.Minute).Unix(),
		"changes": []any{map[string]any{"field": "comments", "value": map[string]any{
			"id": "17865799348089039", "text": strings.ReplaceAll(complaint, "کوالا", "شما"),
			"from":  map[string]any{"id": "232323232", "username": "mina.r"},
			"media": map[string]any{"id": "17800000000000001", "media_product_type": "FEED"},
		}}},
	}}})
	if code := deliverIG(t, hook.URL, body); code != 200 {
		t.Fatalf("webhook delivery: %d", code)
	}
	// Stored before the 200: the case exists now.
	if _, err := db.CaseByMention(context.Background(), "instagram:17865799348089039"); err != nil {
		t.Fatalf("the delivery was acknowledged before it was stored: %v", err)
	}
	s := &system{tg: tg, db: db, bot: b, logs: logs}
	c, alert := s.alertFor(t, "instagram:17865799348089039")
	if c.Label != core.LabelNegative {
		t.Fatalf("case label %s, want negative", c.Label)
	}
	if sent := tg.Calls("sendMessage")[0].String("text"); !strings.Contains(sent, "https://www.instagram.com/p/KoalaPost/c/17865799348089039/") {
		t.Errorf("alert has no link to the comment:\n%s", sent)
	}
	// Meta delivers it again: nothing new.
	if code := deliverIG(t, hook.URL, body); code != 200 {
		t.Fatalf("redelivery: %d", code)
	}

	s.tg.Press(sara, alert, s.button(t, alert, "پاسخ عمومی"))
	var prompt telegramtest.Msg
	tg.Wait(t, "the public reply prompt", func() bool {
		m, raw, ok := tg.LastSent(alertChat.ID)
		prompt = m
		return ok && m.ID != alert.ID && strings.Contains(raw["text"].(string), "پاسخ عمومی")
	})
	tg.ReplyText(sara, prompt, "سلام {author}، پوزش می‌خواهیم؛ پیگیری می‌کنیم.")
	tg.Wait(t, "the public reply to reach Instagram", func() bool { r, _ := ig.calls(); return len(r) > 0 })

	s.tg.Press(sara, alert, s.button(t, alert, "پاسخ خصوصی"))
	tg.Wait(t, "the private reply prompt", func() bool {
		m, raw, ok := tg.LastSent(alertChat.ID)
		prompt = m
		return ok && m.ID != alert.ID && strings.Contains(raw["text"].(string), "پیام خصوصی")
	})
	tg.ReplyText(sara, prompt, "شماره سفارش را بفرستید")
	tg.Wait(t, "the private reply to reach Instagram", func() bool { _, m := ig.calls(); return len(m) > 0 })

	// Let the outbox settle, then count.
	time.Sleep(200 * time.Millisecond)
	replies, messages := ig.calls()
	if len(replies) != 1 || replies[0] != "17865799348089039: سلام @mina.r، پوزش می‌خواهیم؛ پیگیری می‌کنیم." {
		t.Errorf("public replies %q, want exactly one", replies)
	}
	if len(messages) != 1 || messages[0] != "17865799348089039: شماره سفارش را بفرستید" {
		t.Errorf("private replies %q, want exactly one", messages)
	}
	// The comment turns out to be abuse: a manager hides it, and a second
	// press of the old button sends nothing more.
	hide := s.button(t, alert, "پنهان کردن کامنت")
	s.tg.Press(sara, alert, hide)
	tg.Wait(t, "the hide to reach Instagram", func() bool { return len(ig.hidden()) > 0 })
	tg.Wait(t, "the alert to say it is hidden", func() bool {
		raw, ok := tg.Message(alert.Chat.ID, alert.ID)
		return ok && strings.Contains(fmt.Sprint(raw["text"]), "Sara آن را در اینستاگرام پنهان کرد")
	})
	s.tg.Press(sara, alert, hide)
	time.Sleep(200 * time.Millisecond)
	if got := ig.hidden(); len(got) != 1 || got[0] != "17865799348089039: true" {
		t.Errorf("hides %q, want exactly one", got)
	}
	if n := strings.Count(logs.String(), `"msg":"mention stored"`); n != 1 {
		t.Errorf("mention stored %d times, want once", n)
	}
	// A comment from eight days ago (a delivery after a long outage): the
	// alert says the private-reply window has passed.
	old, _ := json.Marshal(map[string]any{"object": "instagram", "entry": []any{map[string]any{
		"id": igUser, "time": time.Now().Add(-8 * 24 * time.Hour).Unix(),
		"changes": []any{map[string]any{"field": "comments", "value": map[string]any{
			"id": "17865799348089077", "text": strings.ReplaceAll(complaint, "کوالا", "شما"),
			"from":  map[string]any{"id": "232323299", "username": "neda.k"},
			"media": map[string]any{"id": "17800000000000001", "media_product_type": "FEED"},
		}}},
	}}})
	if code := deliverIG(t, hook.URL, old); code != 200 {
		t.Fatalf("old delivery: %d", code)
	}
	_, oldAlert := s.alertFor(t, "instagram:17865799348089077")
	s.button(t, oldAlert, "⏳ مهلت پاسخ خصوصی گذشته")
	if raw, _ := s.tg.Message(oldAlert.Chat.ID, oldAlert.ID); !strings.Contains(fmt.Sprint(raw["text"]), "مهلت پاسخ خصوصی اینستاگرام (۷ روز پس از کامنت) گذشته است") {
		t.Errorf("the old comment's alert does not say the private-reply window has passed:\n%v", raw["text"])
	}
	s.button(t, oldAlert, "پاسخ عمومی")
	if strings.Contains(logs.String(), igToken) || strings.Contains(logs.String(), igSecret) {
		t.Error("the Instagram token or app secret appears in the logs")
	}
}
