package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/conf"
	"github.com/shenava/shenava/internal/goldentest"
	"github.com/shenava/shenava/internal/storetest"
	"github.com/shenava/shenava/internal/telegramtest"
	"github.com/shenava/shenava/listen"
	"github.com/shenava/shenava/store"
)

var (
	ctx = context.Background()
	// t0 is a fixed "now": Sunday 22 November 2026, 10:00 UTC.
	t0 = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
)

// People in the tests.
var (
	sara     = telegramtest.User{ID: 101, FirstName: "Sara", Username: "sara_support", LanguageCode: "fa"}
	ali      = telegramtest.User{ID: 102, FirstName: "Ali", Username: "ali_support", LanguageCode: "en"}
	stranger = telegramtest.User{ID: 666, FirstName: "Mallory", Username: "mallory", LanguageCode: "en"}
	customer = telegramtest.User{ID: 555, FirstName: "Reza", LastName: "K", Username: "reza_k", LanguageCode: "fa"}
	otherBot = telegramtest.User{ID: 777, IsBot: true, FirstName: "SpamBot", Username: "spam_bot"}

	alertChat = telegramtest.Supergroup(-1001000000001, "Koala support team", "")
	fansGroup = telegramtest.Supergroup(-1001000000002, "Koala fans", "koala_fans")
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// syncBuffer collects logs from several goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

// recordingReplier stands in for a platform connector.
type recordingReplier struct {
	mu    sync.Mutex
	caps  core.Capabilities
	calls []string
}

func (r *recordingReplier) Reply(_ context.Context, m core.Mention, text string) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, "reply "+m.Key()+": "+text)
	return fmt.Sprintf("post-%d", len(r.calls)), nil
}

func (r *recordingReplier) DirectMessage(_ context.Context, m core.Mention, text string) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, "dm "+m.Key()+": "+text)
	return fmt.Sprintf("dm-%d", len(r.calls)), nil
}

func (r *recordingReplier) Capabilities() core.Capabilities { return r.caps }

// hidingReplier is a connector that can also hide comments (Instagram):
// those whose conversation is not marked "mentioned:" (someone else's
// post).
type hidingReplier struct{ *recordingReplier }

func (r hidingReplier) Hide(_ context.Context, m core.Mention, hide bool) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, fmt.Sprintf("hide %s: %t", m.Key(), hide))
	return nil
}

// CapabilitiesFor: like Instagram, no private reply once 7 days have
// passed since the comment (t0 is now).
func (r hidingReplier) CapabilitiesFor(m core.Mention) core.Capabilities {
	c := core.Capabilities{Reply: true, DirectMessage: true, Hide: !strings.HasPrefix(m.ConversationID, "mentioned:")}
	if t0.Sub(m.CreatedAt) >= 7*24*time.Hour {
		c.DirectMessage, c.Limit = false, core.LimitPrivateWindow
	}
	return c
}

// collectorReplier answers Telegram through the bot, except the posts a
// read-only collector account read (source "telegram-channel-…"), as
// the daemon does.
type collectorReplier struct{ listen.Replier }

func (r collectorReplier) CapabilitiesFor(m core.Mention) core.Capabilities {
	if strings.HasPrefix(m.Source, "telegram-channel-") {
		return core.Capabilities{Limit: core.LimitReadOnly}
	}
	return r.Replier.Capabilities()
}

func (r *recordingReplier) Calls() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.calls...)
}

// harness is a bot wired to a fake Bot API server, a real store, a real
// outbox and recording repliers, on a fixed clock.
type harness struct {
	t      *testing.T
	tg     *telegramtest.Server
	db     *store.DB
	bot    *Bot
	outbox *listen.Outbox
	clock  *clock
	logs   *syncBuffer
	x      *recordingReplier
	rss    *recordingReplier
	ig     hidingReplier

	mu     sync.Mutex
	sleeps []time.Duration
	tokens int
}

func testConfig(tg *telegramtest.Server) Config {
	return Config{
		APIURL: tg.URL(), Token: conf.NewSecret(tg.Token()),
		AlertChatID: alertChat.ID,
		Managers:    []Manager{{ID: sara.ID, Name: "Sara", Lang: LangPersian, Alerts: true}, {ID: ali.ID, Name: "Ali", Lang: LangEnglish, Alerts: true}},
		Groups:      []Group{{ChatID: fansGroup.ID, Name: "Koala fans"}},
		Brand:       "Koala",
		Templates: []Template{
			{Name: "sorry", EN: "Hi {author}, sorry about this. {brand} support will DM you.",
				FA: "{author} عزیز، از این تجربه متأسفیم. پشتیبانی {brand} پیگیری می‌کند."},
			{Name: "fixed", EN: "Fixed now, {author}. Thanks for telling {brand}!"},
		},
		ThankApproval: true,
		PollTimeout:   time.Second,
		DefaultLang:   LangPersian,
	}
}

func newHarness(t *testing.T, edit ...func(*Config)) *harness {
	t.Helper()
	clk := &clock{t: t0}
	tg := telegramtest.New(t, telegramtest.WithClock(clk.Now))
	tg.AddChat(alertChat)
	tg.AddChat(fansGroup)
	cfg := testConfig(tg)
	for _, e := range edit {
		e(&cfg)
	}
	db := storetest.MustOpen(t, store.Options{})
	logs := &syncBuffer{}
	logger := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	var outbox *listen.Outbox // delivers through the bot: built after it
	b, err := New(cfg, Deps{Store: db, Logger: logger,
		Capabilities:        func(p core.Platform) core.Capabilities { return outbox.Capabilities(p) },
		MentionCapabilities: func(m core.Mention) core.Capabilities { return outbox.CapabilitiesFor(m) }})
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, tg: tg, db: db, bot: b, clock: clk, logs: logs,
		x: &recordingReplier{caps: core.Capabilities{Reply: true, DirectMessage: true}}, rss: &recordingReplier{},
		ig: hidingReplier{&recordingReplier{caps: core.Capabilities{Reply: true, DirectMessage: true, Hide: true}}}}
	b.SetClock(clk.Now)
	b.sleep = func(ctx context.Context, d time.Duration) error {
		h.mu.Lock()
		h.sleeps = append(h.sleeps, d)
		h.mu.Unlock()
		return ctx.Err()
	}
	b.newToken = func() string {
		h.mu.Lock()
		defer h.mu.Unlock()
		h.tokens++
		return fmt.Sprintf("tok%d", h.tokens)
	}
	outbox = listen.NewOutbox(db, b, map[core.Platform]listen.Replier{
		core.PlatformX: h.x, core.PlatformRSS: h.rss, core.PlatformTelegram: collectorReplier{b.Replier()}, core.PlatformInstagram: h.ig,
	}, listen.OutboxConfig{}, logger)
	outbox.SetClock(clk.Now)
	h.outbox = outbox
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("bot logs:\n%s", logs.String())
		}
	})
	return h
}

// run starts the update loop; it stops when the test ends.
func (h *harness) run() {
	h.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.bot.Run(ctx) }()
	h.t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				h.t.Errorf("Run: %v", err)
			}
		case <-time.After(10 * time.Second):
			h.t.Errorf("Run did not stop")
		}
	})
	h.tg.WaitCalls(h.t, "setMyCommands", 2)
}

func (h *harness) Sleeps() []time.Duration {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]time.Duration(nil), h.sleeps...)
}

// settle waits until the bot handled every queued update, then delivers
// what it queued in the outbox.
func (h *harness) settle() {
	h.t.Helper()
	h.tg.WaitConfirmed(h.t)
	h.drain()
}

func (h *harness) drain() {
	h.t.Helper()
	if _, err := h.outbox.Drain(ctx); err != nil {
		h.t.Fatalf("outbox: %v", err)
	}
}

func negativeMention(id, text string) core.Mention {
	return core.Mention{
		Platform: core.PlatformX, NativeID: id, Source: "x", URL: "https://x.com/mina_r/status/" + id,
		Author: core.Author{ID: "42", Handle: "mina_r", Name: "Mina <R&D>", Followers: 1234},
		Text:   text, CreatedAt: t0.Add(-5 * time.Minute), FetchedAt: t0.Add(-time.Minute),
		Analysis: &core.Analysis{Lang: "fa", Label: core.LabelNegative,
			Scores: core.Scores{Negative: 0.87, Neutral: 0.1, Positive: 0.03}},
	}
}

// instagramComment is a comment under the brand's own post.
func instagramComment(id, text string) core.Mention {
	return core.Mention{
		Platform: core.PlatformInstagram, NativeID: id, Source: "instagram", ConversationID: "17800000000000001",
		ReplyToID: "17800000000000001", URL: "https://www.instagram.com/p/KoalaPost/c/" + id + "/",
		Author: core.Author{ID: "232323232", Handle: "spam.bot"},
		Text:   text, CreatedAt: t0.Add(-5 * time.Minute), FetchedAt: t0.Add(-time.Minute),
		Analysis: &core.Analysis{Lang: "fa", Label: core.LabelNegative,
			Scores: core.Scores{Negative: 0.7, Neutral: 0.2, Positive: 0.1}},
	}
}

// ingest stores a mention with a case and its alert, as the engine
// would, and delivers the alert.
func (h *harness) ingest(m core.Mention) core.Case {
	h.t.Helper()
	res, err := h.db.SaveBatch(ctx, m.Source, "", []core.Decision{{Mention: m, OpenCase: true, Actions: []core.Action{{
		Kind: core.ActionAlert, DedupKey: "alert:" + m.Key(), MentionKey: m.Key(), Actor: core.ActorSystem,
	}}}}, h.clock.Now())
	if err != nil || len(res.Cases) != 1 {
		h.t.Fatalf("SaveBatch: %v, %+v", err, res)
	}
	h.drain()
	c, err := h.db.Case(ctx, res.Cases[0].ID)
	if err != nil {
		h.t.Fatal(err)
	}
	return c
}

func (h *harness) caseNow(id uint64) core.Case {
	h.t.Helper()
	c, err := h.db.Case(ctx, id)
	if err != nil {
		h.t.Fatal(err)
	}
	return c
}

// alertIn returns the alert message of a case in one chat.
func (h *harness) alertIn(c core.Case, chat int64) telegramtest.Msg {
	h.t.Helper()
	for _, r := range refs(c.Alerts) {
		ch, id, _ := parseRef(r)
		if ch == chat {
			return telegramtest.Msg{Chat: telegramtest.Chat{ID: chat, Type: chatType(chat)}, ID: id}
		}
	}
	h.t.Fatalf("case %d has no alert in chat %d (alerts %v)", c.ID, chat, c.Alerts)
	return telegramtest.Msg{}
}

func chatType(id int64) string {
	if id < 0 {
		return "supergroup"
	}
	return "private"
}

// message returns the text and buttons of a message as the server has it.
func (h *harness) message(m telegramtest.Msg) (string, [][]button) {
	h.t.Helper()
	raw, ok := h.tg.Message(m.Chat.ID, m.ID)
	if !ok {
		h.t.Fatalf("no message %d in chat %d", m.ID, m.Chat.ID)
	}
	text, _ := raw["text"].(string)
	if text == "" {
		text, _ = raw["caption"].(string)
	}
	var kb inlineKeyboard
	if mk, ok := raw["reply_markup"]; ok {
		b, _ := json.Marshal(mk)
		json.Unmarshal(b, &kb)
	}
	return text, kb.InlineKeyboard
}

// buttonData finds the data of the button whose text contains label.
func (h *harness) buttonData(m telegramtest.Msg, label string) string {
	h.t.Helper()
	_, kb := h.message(m)
	for _, row := range kb {
		for _, b := range row {
			if strings.Contains(b.Text, label) {
				return b.CallbackData
			}
		}
	}
	h.t.Fatalf("no button %q on message %d in chat %d (buttons %v)", label, m.ID, m.Chat.ID, kb)
	return ""
}

// sentTo returns the texts the bot sent to a chat (sendMessage calls),
// in order.
func (h *harness) sentTo(chat int64) []telegramtest.Request {
	var out []telegramtest.Request
	for _, r := range h.tg.Calls("sendMessage") {
		if r.Int("chat_id") == chat {
			out = append(out, r)
		}
	}
	return out
}

// actions returns every outbox action.
func (h *harness) actions() []core.Action {
	h.t.Helper()
	as, err := h.db.Actions(ctx, store.ActionFilter{})
	if err != nil {
		h.t.Fatal(err)
	}
	return as
}

// describeCall renders a recorded call for golden files: method, chat,
// the text and the buttons with their data.
func describeCall(r telegramtest.Request) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s chat=%s", r.Method, r.String("chat_id"))
	if r.Has("message_id") {
		fmt.Fprintf(&b, " message=%s", r.String("message_id"))
	}
	if r.Has("parse_mode") {
		fmt.Fprintf(&b, " parse_mode=%s", r.String("parse_mode"))
	}
	if r.Has("reply_parameters") {
		var rp map[string]any
		r.Decode("reply_parameters", &rp)
		fmt.Fprintf(&b, " reply_to=%v", rp["message_id"])
	}
	b.WriteString("\n")
	text := r.String("text")
	if r.Has("caption") {
		text = r.String("caption")
	}
	b.WriteString(text)
	b.WriteString("\n")
	if r.Has("reply_markup") {
		var mk struct {
			InlineKeyboard [][]button `json:"inline_keyboard"`
			ForceReply     bool       `json:"force_reply"`
			Placeholder    string     `json:"input_field_placeholder"`
		}
		r.Decode("reply_markup", &mk)
		for _, row := range mk.InlineKeyboard {
			var cells []string
			for _, btn := range row {
				cells = append(cells, "["+btn.Text+" → "+btn.CallbackData+"]")
			}
			b.WriteString(strings.Join(cells, " ") + "\n")
		}
		if mk.ForceReply {
			fmt.Fprintf(&b, "(force reply: %s)\n", mk.Placeholder)
		}
	}
	return b.String()
}

// golden compares got with testdata/name.golden, or rewrites it with
// -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	goldentest.Text(t, filepath.Join("testdata", name+".golden"), got)
}

// checkHTML fails when text is not HTML Telegram accepts, or too long.
func checkHTML(t *testing.T, text string) {
	t.Helper()
	plainText, err := telegramtest.ParseHTML(text)
	if err != nil {
		t.Fatalf("invalid HTML: %v\n%s", err, text)
	}
	if n := telegramtest.Length(plainText); n > maxText {
		t.Fatalf("text is %d long, over %d", n, maxText)
	}
}

// setMetrics swaps the bot's metrics sink (Deps.Metrics) in a running
// harness.
func setMetrics(b *Bot, m Metrics) { b.metrics, b.api.metrics = m, m }
