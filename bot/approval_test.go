package bot

import (
	"strings"
	"testing"
	"time"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/telegramtest"
	"github.com/shenava/shenava/store"
)

// referral stores a referral mention and the approval action the engine
// decides for it in approve mode, then delivers the draft.
func (h *harness) referral(id string) core.Mention {
	h.t.Helper()
	m := core.Mention{Platform: core.PlatformX, NativeID: id, Source: "x", URL: "https://x.com/nika/status/" + id,
		Author: core.Author{ID: "7", Handle: "nika"}, Text: "Use my Koala code KOALA-NIKA, it's great!",
		CreatedAt: t0.Add(-time.Minute), FetchedAt: t0,
		Analysis: &core.Analysis{Lang: "en", Label: core.LabelPositive, Referral: true, ReferralScore: 0.9,
			Scores: core.Scores{Negative: 0.05, Neutral: 0.1, Positive: 0.85}}}
	_, err := h.db.SaveBatch(ctx, "x", "", []core.Decision{{Mention: m, Actions: []core.Action{{
		Kind: core.ActionApproval, DedupKey: "approve:" + m.Key(), MentionKey: m.Key(),
		Text: "Thank you @nika for recommending Koala!", Actor: core.ActorSystem,
	}}}}, t0)
	if err != nil {
		h.t.Fatal(err)
	}
	h.drain()
	return m
}

func (h *harness) thanks() []core.Action {
	h.t.Helper()
	as, err := h.db.Actions(ctx, store.ActionFilter{Kind: core.ActionThankPublic})
	if err != nil {
		h.t.Fatal(err)
	}
	return as
}

func TestBot_Approval(t *testing.T) {
	t.Parallel()
	t.Run("Send", func(t *testing.T) {
		h := newHarness(t)
		h.run()
		m := h.referral("3001")
		draft, _, _ := h.tg.LastSent(alertChat.ID)
		send := h.buttonData(draft, "بفرست")
		h.tg.Press(ali, draft, send)
		h.settle()
		if got := h.x.Calls(); len(got) != 1 || got[0] != "reply x:3001: Thank you @nika for recommending Koala!" {
			t.Fatalf("replier calls %q", got)
		}
		// Every copy shows the decision and loses its buttons.
		for _, chat := range []int64{alertChat.ID, sara.ID, ali.ID} {
			copyRef, _, _ := h.tg.LastSent(chat)
			text, kb := h.message(copyRef)
			if len(kb) != 0 || !strings.Contains(text, "Ali") {
				t.Fatalf("copy in %d: %q %v", chat, text, kb)
			}
		}
		// Another manager taps Send on their copy, or the same button is
		// replayed: never a second thank-you.
		saraCopy, _, _ := h.tg.LastSent(sara.ID)
		h.tg.Press(sara, saraCopy, strings.Replace(send, "as:", "as:", 1))
		h.tg.Press(ali, draft, send)
		h.settle()
		if n := len(h.thanks()); n != 1 {
			t.Fatalf("%d thank-you actions for one mention", n)
		}
		if len(h.x.Calls()) != 1 {
			t.Fatalf("thanked twice: %q", h.x.Calls())
		}
		answers := h.tg.Calls("answerCallbackQuery")
		if last := answers[len(answers)-1]; !strings.Contains(last.String("text"), "Already decided") {
			t.Fatalf("second press answered %q", last.String("text"))
		}
		_ = m
	})
	t.Run("EditThenSend", func(t *testing.T) {
		h := newHarness(t)
		h.run()
		h.referral("3002")
		draft, _, _ := h.tg.LastSent(ali.ID)
		h.tg.Press(ali, draft, h.buttonData(draft, "Edit"))
		h.tg.WaitConfirmed(t)
		prompt, _, _ := h.tg.LastSent(ali.ID)
		sent := h.sentTo(ali.ID)
		golden(t, "prompt_thanks_en", describeCall(sent[len(sent)-1]))
		h.tg.ReplyText(ali, prompt, "Thanks {author}! Enjoy {brand} 💚")
		h.settle()
		if got := h.x.Calls(); len(got) != 1 || got[0] != "reply x:3002: Thanks @nika! Enjoy Koala 💚" {
			t.Fatalf("replier calls %q", got)
		}
		if text, _ := h.message(draft); !strings.Contains(text, "Sent by Ali (edited)") || !strings.Contains(text, "Enjoy Koala") {
			t.Fatalf("draft after edit: %q", text)
		}
	})
	t.Run("Skip", func(t *testing.T) {
		h := newHarness(t)
		h.run()
		h.referral("3003")
		draft, _, _ := h.tg.LastSent(sara.ID)
		h.tg.Press(sara, draft, h.buttonData(draft, "رد کن"))
		h.settle()
		h.tg.Press(sara, draft, strings.Replace(h.lastData(t, h, sara.ID), "ak:", "as:", 1))
		h.settle()
		if n := len(h.thanks()); n != 0 {
			t.Fatalf("%d thank-yous after Skip", n)
		}
		if text, _ := h.message(draft); !strings.Contains(text, "Sara رد کرد") {
			t.Fatalf("draft after skip: %q", text)
		}
	})
	t.Run("ApprovalOff", func(t *testing.T) {
		h := newHarness(t, func(c *Config) { c.ThankApproval = false })
		h.referral("3004")
		_, raw, _ := h.tg.LastSent(alertChat.ID)
		if _, has := raw["reply_markup"]; has || !strings.Contains(raw["text"].(string), "خاموش") {
			t.Fatalf("draft with approval off: %v", raw)
		}
	})
}

// lastData is the first button's data on the last draft the bot sent to
// a chat, from the server's record of the original send.
func (h *harness) lastData(t *testing.T, _ *harness, chat int64) string {
	t.Helper()
	for _, r := range h.sentTo(chat) {
		if strings.Contains(r.String("reply_markup"), "ak:") {
			var kb inlineKeyboard
			r.Decode("reply_markup", &kb)
			return kb.InlineKeyboard[0][2].CallbackData
		}
	}
	t.Fatal("no draft sent")
	return ""
}

func TestBot_GroupSource(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.run()
	src := h.bot.GroupSource()
	first := h.tg.SendText(customer, fansGroup, "اپ کوالا دوباره کرش کرد 😡")
	h.tg.SendCaption(customer, fansGroup, "Koala receipt, wrong amount")
	h.tg.SendText(sara, fansGroup, "we are on it") // a manager: not a mention
	h.tg.SendText(customer, alertChat, "hi team")  // not a source group
	h.tg.ReplyText(customer, first, "هنوز درست نشده")
	h.tg.WaitConfirmed(t)

	b, err := src.Fetch(ctx, "")
	if err != nil || len(b.Mentions) != 3 {
		t.Fatalf("Fetch = %d mentions, %v", len(b.Mentions), err)
	}
	m := b.Mentions[0]
	if m.Platform != core.PlatformTelegram || m.NativeID != ref(fansGroup.ID, first.ID) || m.Source != "telegram" ||
		m.URL != "https://t.me/koala_fans/1" || m.Author.ID != "555" || m.Author.Handle != "reza_k" || m.Author.Name != "Reza K" ||
		!m.CreatedAt.Equal(t0) || m.Validate() != nil {
		t.Fatalf("mention %+v", m)
	}
	if b.Mentions[2].ReplyToID != m.NativeID {
		t.Fatalf("reply's ReplyToID %q, want %q", b.Mentions[2].ReplyToID, m.NativeID)
	}
	// Repeating the same cursor gives the same batch; the next cursor
	// trims what the engine stored.
	again, _ := src.Fetch(ctx, "")
	if len(again.Mentions) != 3 {
		t.Fatal("Fetch is not repeatable")
	}
	next, err := src.Fetch(ctx, b.Cursor)
	if err != nil || len(next.Mentions) != 0 || next.Cursor != b.Cursor {
		t.Fatalf("Fetch(%q) = %+v, %v", b.Cursor, next, err)
	}
	if left, _, _ := h.db.InboxAfter(ctx, 0, 0); len(left) != 0 {
		t.Fatalf("inbox not trimmed: %d left", len(left))
	}
	if _, err := src.Fetch(ctx, "not-a-number"); err == nil {
		t.Fatal("a bad cursor was accepted")
	}

	t.Run("PublicReplyIsGroupReply", func(t *testing.T) {
		r, err := h.bot.Replier().Reply(ctx, m, "سلام رضا، در حال بررسی است")
		if err != nil {
			t.Fatal(err)
		}
		last := h.sentTo(fansGroup.ID)
		call := last[len(last)-1]
		var rp struct {
			MessageID int `json:"message_id"`
		}
		call.Decode("reply_parameters", &rp)
		if rp.MessageID != first.ID || call.Has("parse_mode") || r == "" {
			t.Fatalf("reply %q: %s", r, describeCall(call))
		}
	})
	t.Run("PrivateNeedsStart", func(t *testing.T) {
		h.tg.NotStarted(555)
		_, err := h.bot.Replier().DirectMessage(ctx, m, "hi")
		if err == nil || !strings.Contains(err.Error(), "never started the bot") {
			t.Fatalf("err=%v", err)
		}
		if !errorsIs(err, core.ErrUnsupported) {
			t.Fatalf("err=%v, want ErrUnsupported so the outbox gives up", err)
		}
	})
}

// TestBot_GroupSource_Crash shows a group message survives a crash at
// any point: before it is stored, Telegram is never told the update was
// handled and delivers it again; after, it is in the inbox.
func TestBot_GroupSource_Crash(t *testing.T) {
	t.Parallel()
	clk := &clock{t: t0}
	tg := telegramtest.New(t, telegramtest.WithClock(clk.Now))
	tg.AddChat(fansGroup)
	path := t.TempDir() + "/shenava.db"

	// First life: storing blocks (the process is about to die).
	db, err := store.Open(path, store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	stuck := &blockingInbox{Store: db, entered: make(chan struct{}), release: make(chan struct{})}
	b1 := mustBot(t, tg, stuck, clk)
	ctx1, kill := contextWithCancel()
	done := make(chan error, 1)
	go func() { done <- b1.Run(ctx1) }()
	tg.SendText(customer, fansGroup, "Koala charged me twice")
	<-stuck.entered
	kill() // SIGKILL, in effect: the append never happens
	close(stuck.release)
	<-done
	for _, off := range tg.Offsets() {
		if off > 1001 {
			t.Fatalf("update confirmed (offset %d) before its message was stored", off)
		}
	}
	if tg.Unconfirmed() != 1 {
		t.Fatalf("Telegram holds %d updates, want the unconfirmed one", tg.Unconfirmed())
	}
	if ms, _, _ := db.InboxAfter(ctx, 0, 0); len(ms) != 0 {
		t.Fatal("message stored in the first life")
	}
	db.Close()

	// Second life: Telegram delivers it again and it is stored once.
	db, err = store.Open(path, store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	b2 := mustBot(t, tg, db, clk)
	ctx2, stop := contextWithCancel()
	done2 := make(chan error, 1)
	go func() { done2 <- b2.Run(ctx2) }()
	tg.WaitConfirmed(t)
	stop()
	<-done2
	ms, _, _ := db.InboxAfter(ctx, 0, 0)
	if len(ms) != 1 || ms[0].Text != "Koala charged me twice" {
		t.Fatalf("inbox after restart: %v", ms)
	}
	if off, _ := db.UpdateOffset(ctx); off != 1001 {
		t.Fatalf("stored offset %d, want 1001", off)
	}

	// Third life: the stored offset is used, so nothing comes twice even
	// if Telegram still had it.
	b3 := mustBot(t, tg, db, clk)
	ctx3, stop3 := contextWithCancel()
	done3 := make(chan error, 1)
	go func() { done3 <- b3.Run(ctx3) }()
	tg.Wait(t, "a poll from the restarted bot", func() bool {
		offs := tg.Offsets()
		return len(offs) > 0 && offs[len(offs)-1] == 1002
	})
	stop3()
	<-done3
	if ms, _, _ := db.InboxAfter(ctx, 0, 0); len(ms) != 1 {
		t.Fatalf("inbox holds %d after a third start, want 1", len(ms))
	}
}
