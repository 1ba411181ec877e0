// Package e2e runs Shenava's parts together against fake platforms on
// loopback: real store, real sentiment model, real engine and outbox, the
// real Telegram bot talking to a fake Bot API server.
package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shenava/shenava/bot"
	"github.com/shenava/shenava/connector/file"
	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/conf"
	"github.com/shenava/shenava/internal/telegramtest"
	"github.com/shenava/shenava/listen"
	"github.com/shenava/shenava/store"
)

// The bot takes *store.DB as it is.
var _ bot.Store = (*store.DB)(nil)

// The bot is the outbox's alerter and answers on Telegram.
var (
	_ listen.Alerter = (*bot.Bot)(nil)
	_ listen.Replier = (*bot.Replier)(nil)
	_ listen.Source  = (*bot.GroupSource)(nil)
)

var (
	sara      = telegramtest.User{ID: 101, FirstName: "Sara", Username: "sara_support", LanguageCode: "fa"}
	mallory   = telegramtest.User{ID: 666, FirstName: "Mallory", LanguageCode: "en"}
	customer  = telegramtest.User{ID: 555, FirstName: "Reza", Username: "reza_k"}
	alertChat = telegramtest.Supergroup(-1001000000001, "Koala support team", "")
	fansGroup = telegramtest.Supergroup(-1001000000002, "Koala fans", "koala_fans")
)

// A complaint in Persian the model reads as clearly negative.
const complaint = "کوالا افتضاحه! دو هفته است سفارشم نرسیده و پشتیبانی هیچ جوابی نمی‌ده. واقعاً ناامید شدم."

// recorder stands in for the X connector.
type recorder struct {
	mu    sync.Mutex
	calls []string
}

func (r *recorder) Reply(_ context.Context, m core.Mention, text string) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, "reply "+m.Key()+": "+text)
	return "x-reply-1", nil
}

func (r *recorder) DirectMessage(_ context.Context, m core.Mention, text string) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, "dm "+m.Key()+": "+text)
	return "x-dm-1", nil
}

func (r *recorder) Capabilities() core.Capabilities {
	return core.Capabilities{Reply: true, DirectMessage: true}
}

func (r *recorder) Calls() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.calls...)
}

// lockedBuffer collects every log line of the run.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

type system struct {
	tg    *telegramtest.Server
	db    *store.DB
	bot   *bot.Bot
	x     *recorder
	logs  *lockedBuffer
	jsonl string
}

// start wires the daemon the way cmd/shenava does, on loopback, and runs
// it until the test ends.
func start(t *testing.T) *system {
	t.Helper()
	tg := telegramtest.New(t)
	tg.AddChat(alertChat)
	tg.AddChat(fansGroup)
	dir := t.TempDir()
	s := &system{tg: tg, x: &recorder{}, logs: &lockedBuffer{}, jsonl: filepath.Join(dir, "mentions.jsonl")}
	logger := slog.New(slog.NewJSONHandler(s.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("logs:\n%s", s.logs.String())
		}
	})

	db, model, matcher := koalaParts(t)
	s.db = db
	if err := os.WriteFile(s.jsonl, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	src, err := file.New(file.Config{Name: "replay", Path: s.jsonl}, logger)
	if err != nil {
		t.Fatal(err)
	}
	var outbox *listen.Outbox // delivers through the bot: built after it
	b, err := bot.New(bot.Config{
		APIURL: tg.URL(), Token: conf.NewSecret(tg.Token()), AlertChatID: alertChat.ID,
		Managers:    []bot.Manager{{ID: sara.ID, Name: "Sara", Lang: bot.LangPersian}},
		Groups:      []bot.Group{{ChatID: fansGroup.ID, Name: "Koala fans"}},
		Brand:       "Koala",
		PollTimeout: time.Second, DefaultLang: bot.LangPersian,
	}, bot.Deps{Store: db, Logger: logger,
		Capabilities: func(p core.Platform) core.Capabilities { return outbox.Capabilities(p) },
		Wake:         func() { outbox.Wake() }})
	if err != nil {
		t.Fatal(err)
	}
	s.bot = b
	outbox = listen.NewOutbox(db, b, map[core.Platform]listen.Replier{
		core.PlatformX: s.x, core.PlatformTelegram: b.Replier(),
	}, listen.OutboxConfig{Poll: 20 * time.Millisecond}, logger)
	engine, err := listen.New(db, model, matcher, outbox.Capabilities, []listen.SourceSpec{
		{Name: "replay", Source: src, Interval: 20 * time.Millisecond},
		{Name: "telegram", Source: b.GroupSource(), Interval: 20 * time.Millisecond},
	}, listen.Config{OnSaved: outbox.Wake}, logger)
	if err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for name, run := range map[string]func(context.Context) error{"bot": b.Run, "outbox": outbox.Run, "engine": engine.Run} {
		wg.Go(func() {
			if err := run(ctx); err != nil {
				t.Errorf("%s: %v", name, err)
			}
		})
	}
	t.Cleanup(func() {
		cancel()
		wg.Wait()
		if strings.Contains(s.logs.String(), strings.SplitN(tg.Token(), ":", 2)[1]) {
			t.Error("the bot token appears in the logs")
		}
	})
	tg.WaitCalls(t, "getUpdates", 1)
	return s
}

func (s *system) appendMention(t *testing.T, line map[string]any) {
	t.Helper()
	raw, _ := json.Marshal(line)
	f, err := os.OpenFile(s.jsonl, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Write(append(raw, '\n')); err != nil {
		t.Fatal(err)
	}
}

// alertFor waits for the alert announcing a mention in the alert chat.
func (s *system) alertFor(t *testing.T, mentionKey string) (core.Case, telegramtest.Msg) {
	t.Helper()
	var c core.Case
	s.tg.Wait(t, "the case of "+mentionKey+" to be alerted", func() bool {
		var err error
		c, err = s.db.CaseByMention(context.Background(), mentionKey)
		return err == nil && len(c.Alerts) > 0
	})
	for _, r := range strings.Split(strings.Join(c.Alerts, ","), ",") {
		chat, msgID, _ := strings.Cut(r, ":")
		if chat == itoa64(alertChat.ID) {
			id, _ := strconv.Atoi(msgID)
			return c, telegramtest.Msg{Chat: alertChat, ID: id}
		}
	}
	t.Fatalf("case %d has no alert in the alert chat: %v", c.ID, c.Alerts)
	return c, telegramtest.Msg{}
}

// button returns the callback data of the button whose text contains label.
func (s *system) button(t *testing.T, m telegramtest.Msg, label string) string {
	t.Helper()
	raw, ok := s.tg.Message(m.Chat.ID, m.ID)
	if !ok {
		t.Fatalf("no message %d", m.ID)
	}
	var kb struct {
		InlineKeyboard [][]struct {
			Text         string `json:"text"`
			CallbackData string `json:"callback_data"`
		} `json:"inline_keyboard"`
	}
	b, _ := json.Marshal(raw["reply_markup"])
	json.Unmarshal(b, &kb)
	for _, row := range kb.InlineKeyboard {
		for _, btn := range row {
			if strings.Contains(btn.Text, label) {
				return btn.CallbackData
			}
		}
	}
	t.Fatalf("no button %q on the alert: %s", label, b)
	return ""
}

func text(s *system, m telegramtest.Msg) string {
	raw, _ := s.tg.Message(m.Chat.ID, m.ID)
	t, _ := raw["text"].(string)
	return t
}

func TestTelegram_NegativePersianMentionAnsweredFromTelegram(t *testing.T) {
	t.Parallel()
	s := start(t)
	s.appendMention(t, map[string]any{
		"id": "9001", "platform": "x", "url": "https://x.com/mina_r/status/9001",
		"author": map[string]any{"id": "42", "handle": "mina_r", "name": "Mina", "followers": 1200},
		"text":   complaint, "created_at": time.Now().UTC().Add(-2 * time.Minute).Format(time.RFC3339),
	})

	// The alert reaches the managers' chat with its buttons.
	c, alert := s.alertFor(t, "x:9001")
	if c.Label != core.LabelNegative {
		t.Fatalf("case label %s, want negative", c.Label)
	}
	body := text(s, alert)
	for _, want := range []string{"اشارهٔ منفی", "@mina_r", "۱٬۲۰۰", "ناامید شدم", "منفی"} {
		if !strings.Contains(body, want) {
			t.Fatalf("alert lacks %q:\n%s", want, body)
		}
	}
	if sent := s.tg.Calls("sendMessage")[0].String("text"); !strings.Contains(sent, `href="https://x.com/mina_r/status/9001"`) {
		t.Fatalf("alert has no link to the post:\n%s", sent)
	}
	for _, label := range []string{"پاسخ عمومی", "پاسخ خصوصی", "برمی‌دارم", "حل شد", "نادیده بگیر", "برچسب اشتباه"} {
		s.button(t, alert, label)
	}

	// Someone in the chat who is not a manager taps Reply publicly and
	// answers the alert: nothing changes.
	requestsBefore := len(s.tg.Calls("sendMessage"))
	s.tg.Press(mallory, alert, s.button(t, alert, "پاسخ عمومی"))
	s.tg.ReplyText(mallory, alert, "I'll answer for you")
	s.tg.WaitConfirmed(t)
	if got := s.x.Calls(); len(got) != 0 {
		t.Fatalf("a stranger's reply went out: %q", got)
	}
	for _, r := range s.tg.Calls("sendMessage")[requestsBefore:] {
		if strings.Contains(r.String("reply_markup"), "force_reply") {
			t.Fatal("a stranger was asked for reply text")
		}
	}
	if now, _ := s.db.Case(context.Background(), c.ID); now.State != core.CaseAlerted || len(now.Events) != len(c.Events) {
		t.Fatalf("a stranger changed the case: %s, %d events", now.State, len(now.Events))
	}

	// The manager taps Reply publicly and writes the answer.
	s.tg.Press(sara, alert, s.button(t, alert, "پاسخ عمومی"))
	var prompt telegramtest.Msg
	s.tg.Wait(t, "the reply prompt", func() bool {
		m, raw, ok := s.tg.LastSent(alertChat.ID)
		prompt = m
		return ok && m.ID != alert.ID && strings.Contains(raw["text"].(string), "پاسخ عمومی")
	})
	s.tg.ReplyText(sara, prompt, "سلام {author}، پوزش می‌خواهیم؛ همین حالا پیگیری می‌کنیم.")

	// The outbox delivers it through the platform's replier...
	s.tg.Wait(t, "the reply to be delivered", func() bool { return len(s.x.Calls()) > 0 })
	if got := s.x.Calls(); len(got) != 1 || got[0] != "reply x:9001: سلام @mina_r، پوزش می‌خواهیم؛ همین حالا پیگیری می‌کنیم." {
		t.Fatalf("replier got %q", got)
	}
	// ...and the alert is edited to the replied state.
	s.tg.Wait(t, "the alert to show the reply", func() bool {
		return strings.Contains(text(s, alert), "Sara") && strings.Contains(text(s, alert), "پاسخ عمومی داد")
	})
	c, _ = s.db.Case(context.Background(), c.ID)
	if c.State != core.CaseReplied || c.FirstResponder != "Sara" || c.FirstResponseAt.IsZero() {
		t.Fatalf("case after the reply: %s by %q", c.State, c.FirstResponder)
	}
}

func TestTelegram_GroupComplaintAnsweredInGroup(t *testing.T) {
	t.Parallel()
	s := start(t)
	// Chatter that does not name the brand is not a mention.
	s.tg.SendText(customer, fansGroup, "سلام به همه، امروز هوا خیلی خوبه")
	complaintMsg := s.tg.SendText(customer, fansGroup, complaint)

	c, alert := s.alertFor(t, "telegram:"+itoa64(fansGroup.ID)+":"+strconv.Itoa(complaintMsg.ID))
	if c.Platform != core.PlatformTelegram || !strings.Contains(text(s, alert), "تلگرام") {
		t.Fatalf("alert for case on %s: %q", c.Platform, text(s, alert))
	}
	// A manager answers by replying to the alert: the answer is a reply
	// in the group, to the customer's message.
	s.tg.ReplyText(sara, alert, "رضا جان، شماره سفارش را در پیام خصوصی بفرستید.")
	s.tg.Wait(t, "the answer in the group", func() bool {
		for _, r := range s.tg.Calls("sendMessage") {
			if r.Int("chat_id") == fansGroup.ID && strings.Contains(r.String("reply_parameters"), `"message_id":`+strconv.Itoa(complaintMsg.ID)) {
				return true
			}
		}
		return false
	})
	var stored int
	ctx := context.Background()
	s.db.ForEachMention(ctx, time.Time{}, time.Now().Add(time.Hour), func(m core.Mention) error {
		if m.Platform == core.PlatformTelegram {
			stored++
		}
		return nil
	})
	if stored != 1 {
		t.Fatalf("%d Telegram mentions stored, want only the one naming the brand", stored)
	}
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }
