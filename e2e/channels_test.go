package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shenava/shenava/bot"
	"github.com/shenava/shenava/connector/telegramuser"
	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/conf"
	"github.com/shenava/shenava/internal/mtprototest"
	"github.com/shenava/shenava/internal/telegramtest"
	"github.com/shenava/shenava/listen"
)

// A complaint posted in a public channel the brand does not run, read by
// the collector account over MTProto, becomes an alert with its t.me link.
func TestChannels_PublicChannelPostAlerts(t *testing.T) {
	mt := mtprototest.New(t)
	mt.AddChannel(1001, "tehran_food", "Tehran Food")
	tg := telegramtest.New(t)
	tg.AddChat(alertChat)
	dir := t.TempDir()
	logs := &lockedBuffer{}
	logger := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("logs:\n%s", logs.String())
		}
	})

	cc := telegramuser.Config{Enabled: true, APIID: mtprototest.APIID, APIHash: conf.NewSecret(mtprototest.APIHash),
		Channels: []string{"@tehran_food"}, PollInterval: time.Minute, SessionFile: filepath.Join(dir, "telegram-session.json"),
		RequestInterval: telegramuser.MinRequestInterval}
	opts := telegramuser.Options{MTProto: mt.Options()}
	login, err := telegramuser.New(cc, logger, opts)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := login.Login(context.Background(), strings.NewReader(mtprototest.LoginInput), &strings.Builder{}); err != nil {
		t.Fatal(err)
	}
	col, err := telegramuser.New(cc, logger, opts)
	if err != nil {
		t.Fatal(err)
	}

	db, model, matcher := koalaParts(t)
	b, outbox := koalaManagersBot(t, tg, alertChat.ID, sara.ID, db, logger, func(b *bot.Bot) map[core.Platform]listen.Replier {
		return map[core.Platform]listen.Replier{core.PlatformTelegram: telegramuser.Guard{Replier: b.Replier()}}
	})
	src := col.Channels()[0]
	engine, err := listen.New(db, model, matcher, outbox.Capabilities,
		[]listen.SourceSpec{{Name: src.Name(), Source: src, Interval: 100 * time.Millisecond}},
		listen.Config{OnSaved: outbox.Wake}, logger)
	if err != nil {
		t.Fatal(err)
	}
	// The channel's history before Shenava: an old post (outside the
	// backfill) and a fresh complaint.
	mt.Post("tehran_food", "کوالا پارسال خوب بود", time.Now().Add(-72*time.Hour), 0)
	post := mt.Post("tehran_food", complaint, time.Now().Add(-time.Minute), 0)

	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for name, run := range map[string]func(context.Context) error{"bot": b.Run, "outbox": outbox.Run, "collector": col.Run, "engine": engine.Run} {
		wg.Go(func() {
			if err := run(ctx); err != nil {
				t.Errorf("%s: %v", name, err)
			}
		})
	}
	t.Cleanup(func() { cancel(); wg.Wait() })

	s := &system{tg: tg, db: db, bot: b, logs: logs}
	key := "telegram:-1001001:" + itoa64(int64(post.ID))
	c, alert := s.alertFor(t, key)
	if c.Label != core.LabelNegative {
		t.Fatalf("case label %s, want negative", c.Label)
	}
	if sent := tg.Calls("sendMessage")[0].String("text"); !strings.Contains(sent, "https://t.me/tehran_food/"+itoa64(int64(post.ID))) {
		t.Errorf("alert has no t.me link:\n%s", sent)
	}
	// The collector never writes: the alert says so and opens the post in
	// Telegram instead of offering a reply the bot could not send.
	raw, _ := tg.Message(alert.Chat.ID, alert.ID)
	if text := fmt.Sprint(raw["text"]); !strings.Contains(text, "حساب فقط‌خواندنی گردآورِ تلگرام") || strings.Contains(text, "هیچ حساب") {
		t.Errorf("the alert does not say the collector account read the post:\n%s", text)
	}
	kb, _ := json.Marshal(raw["reply_markup"])
	if !strings.Contains(string(kb), `"url":"https://t.me/tehran_food/`+itoa64(int64(post.ID))+`"`) ||
		strings.Contains(string(kb), `"rp:`) || strings.Contains(string(kb), `"rd:`) {
		t.Errorf("the alert's buttons: %s", kb)
	}
	if _, err := db.CaseByMention(context.Background(), "telegram:-1001001:1"); err == nil {
		t.Error("a post older than the backfill alerted")
	}
	if strings.Contains(logs.String(), mtprototest.Password) || strings.Contains(logs.String(), mtprototest.Phone) {
		t.Error("the sign-in secrets appear in the logs")
	}
}
