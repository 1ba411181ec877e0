package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/sharedtest"
	"github.com/shenava/shenava/internal/telegramtest"
	"github.com/shenava/shenava/store"
)

// A mention on a platform no connector answers on (an X line in a file
// while no X source is configured) must not look answered: its alert
// offers no answer buttons and says why, a typed reply to it is refused
// in so many words, and nothing is "sent" to stdout in its place — no
// reply, no thank-you.
func TestRun_NoFalseReplies(t *testing.T) {
	tg := telegramtest.New(t)
	alertChat := telegramtest.Supergroup(-100123, "Support", "")
	tg.AddChat(alertChat)
	sara := telegramtest.User{ID: 42, FirstName: "Sara", LanguageCode: "en"}
	dir := t.TempDir()
	path := writeConfig(t, dir, fmt.Sprintf(`telegram:
  enabled: true
  api_url: %s
  token: ${TELEGRAM_BOT_TOKEN}
  alert_chat_id: -100123
  default_lang: en
  managers:
    - id: 42
      name: Sara
web:
  listen: ""
metrics:
  listen: %q
log:
  level: debug
`, tg.URL(), sharedtest.FreeAddr(t)))
	mentions := `{"id":"1","platform":"x","author":{"id":"7","handle":"arash"},"text":"@shenava my order is two hours late, nobody answers the phone, this is terrible","created_at":"2026-11-22T08:00:00Z"}
{"id":"2","platform":"x","author":{"id":"8","handle":"mina"},"text":"شنوا بهترین قهوه شهر رو داره، به همه دوستام معرفیش کردم","created_at":"2026-11-22T08:05:00Z"}
`
	if err := os.WriteFile(filepath.Join(dir, "mentions.jsonl"), []byte(mentions), 0o600); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr syncBuffer
	e := env{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr,
		getenv: func(k string) string { return map[string]string{"TELEGRAM_BOT_TOKEN": tg.Token()}[k] }}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, e, []string{"run", "-config", path}) }()
	defer func() {
		cancel()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Error("run did not stop")
		}
	}()

	var alert telegramtest.Msg
	var sent map[string]any
	tg.Wait(t, "the alert", func() bool {
		m, body, ok := tg.LastSent(alertChat.ID)
		alert, sent = m, body
		return ok && strings.Contains(fmt.Sprint(body["text"]), "case #1")
	})
	waitFor(t, "the alert recorded", func() bool { return strings.Contains(stderr.String(), `msg="case alerted"`) })
	text := fmt.Sprint(sent["text"])
	if !strings.Contains(text, "No X account is connected") {
		t.Errorf("the alert does not say why it cannot be answered:\n%s", text)
	}
	markup := fmt.Sprint(sent["reply_markup"])
	for _, data := range []string{"callback_data:rp:", "callback_data:rd:", "callback_data:tp:"} {
		if strings.Contains(markup, data) {
			t.Errorf("the alert offers an answer button (%s): %s", data, markup)
		}
	}
	t.Cleanup(func() {
		if t.Failed() {
			var ms []string
			for _, r := range tg.Requests() {
				ms = append(ms, r.Method+fmt.Sprint(r.Status)+r.String("text"))
			}
			t.Logf("requests %v; violations %v\nlogs:\n%s", ms, tg.Violations(), stderr.String())
		}
	})
	tg.ReplyText(sara, alert, "So sorry, we are on it")
	tg.Wait(t, "the answer to the typed reply", func() bool {
		_, body, ok := tg.LastSent(alertChat.ID)
		return ok && strings.Contains(fmt.Sprint(body["text"]), "cannot be sent")
	})
	_, body, _ := tg.LastSent(alertChat.ID)
	if s := fmt.Sprint(body["text"]); strings.Contains(s, "queued") || strings.Contains(s, "Undo") {
		t.Errorf("the refusal reads like a delivery: %s", s)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v\n%s", err, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("run did not stop")
	}
	done <- nil
	if out := stdout.String(); strings.Contains(out, "REPLY on") || strings.Contains(out, "PRIVATE on") {
		t.Fatalf("an answer was printed as if sent:\n%s", out)
	}
	db, err := store.Open(filepath.Join(dir, "shenava.db"), store.Options{LockTimeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	c, err := db.Case(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if !c.FirstResponseAt.IsZero() || c.State == core.CaseReplied {
		t.Fatalf("case 1 counts as answered: %+v", c)
	}
	st, err := db.Outbox(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if st.Pending != 0 {
		t.Fatalf("%d actions still pending (a reply or thank-you queued for a platform nobody answers on)", st.Pending)
	}
}
