package bot

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/telegramtest"
)

func TestBot_ReplyPubliclyWithPrompt(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.run()
	m := negativeMention("1001", "سفارشم دو هفته است نرسیده")
	c := h.ingest(m)
	alert := h.alertIn(c, alertChat.ID)

	h.clock.Advance(4 * time.Minute)
	h.tg.Press(sara, alert, h.buttonData(alert, "پاسخ عمومی"))
	h.tg.WaitConfirmed(t)
	prompt, _, ok := h.tg.LastSent(alertChat.ID)
	if !ok {
		t.Fatal("no prompt")
	}
	golden(t, "prompt_public_fa", describeCall(h.sentTo(alertChat.ID)[len(h.sentTo(alertChat.ID))-1]))

	h.tg.ReplyText(sara, prompt, "سلام {author}، پوزش می‌خواهیم؛ در پیام خصوصی پیگیری می‌کنیم.")
	h.settle()

	if got := h.x.Calls(); len(got) != 1 || got[0] != "reply x:1001: سلام @mina_r، پوزش می‌خواهیم؛ در پیام خصوصی پیگیری می‌کنیم." {
		t.Fatalf("replier calls %q", got)
	}
	c = h.caseNow(c.ID)
	if c.State != core.CaseReplied || c.FirstResponder != "Sara" {
		t.Fatalf("case %s by %q", c.State, c.FirstResponder)
	}
	if frt, _ := c.FirstResponseTime(); frt != 4*time.Minute {
		t.Fatalf("first response time %s, want 4m", frt)
	}
	for _, chat := range []int64{alertChat.ID, ali.ID} {
		text, _ := h.message(h.alertIn(c, chat))
		if !strings.Contains(text, "Sara") || !(strings.Contains(text, "پاسخ عمومی داد") || strings.Contains(text, "Replied publicly by Sara after 4 min")) {
			t.Fatalf("alert in %d not edited to replied: %q", chat, text)
		}
	}
	// The prompt is used up: replying to it again is not a second reply.
	h.tg.ReplyText(sara, prompt, "again")
	h.settle()
	if len(h.x.Calls()) != 1 {
		t.Fatalf("a used prompt sent again: %q", h.x.Calls())
	}
}

func TestBot_ReplyToAlertText(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.run()
	c := h.ingest(negativeMention("1001", "Koala lost my order"))
	h.tg.ReplyText(ali, h.alertIn(c, ali.ID), "Sorry {author}, fixing it now")
	h.settle()
	if got := h.x.Calls(); len(got) != 1 || got[0] != "reply x:1001: Sorry @mina_r, fixing it now" {
		t.Fatalf("replier calls %q", got)
	}
	confirm := h.sentTo(ali.ID)
	golden(t, "reply_queued_en", describeCall(confirm[len(confirm)-1]))

	t.Run("RedeliveredUpdateQueuesOnce", func(t *testing.T) {
		before := len(h.actions())
		msg := &models.Message{ID: 4242, Date: int(t0.Unix()), Chat: models.Chat{ID: ali.ID, Type: models.ChatTypePrivate},
			From: &models.User{ID: ali.ID, FirstName: "Ali"}, Text: "second answer",
			ReplyToMessage: &models.Message{ID: h.alertIn(c, ali.ID).ID, Chat: models.Chat{ID: ali.ID}, From: &models.User{ID: h.tg.Bot().ID, IsBot: true}}}
		for range 2 {
			if err := h.bot.handleUpdate(ctx, &models.Update{ID: 5000, Message: msg}); err != nil {
				t.Fatal(err)
			}
		}
		h.drain()
		after := h.actions()
		if len(after)-before != 2 { // one reply and one alert edit, not two of each
			t.Fatalf("%d actions queued for one update delivered twice, want 2", len(after)-before)
		}
		if n := len(h.x.Calls()); n != 2 {
			t.Fatalf("%d replies sent, want 2 in all", n)
		}
	})
}

func TestBot_ReplyPrivately(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.run()
	c := h.ingest(negativeMention("1001", "بد"))
	alert := h.alertIn(c, sara.ID)
	h.tg.Press(sara, alert, h.buttonData(alert, "پاسخ خصوصی"))
	h.tg.WaitConfirmed(t)
	// Text in the private chat without replying to the prompt still
	// finds it.
	h.tg.SendText(sara, telegramtest.PrivateChat(sara), "لطفاً شمارهٔ سفارش را بفرستید")
	h.settle()
	if got := h.x.Calls(); len(got) != 1 || !strings.HasPrefix(got[0], "dm x:1001: ") {
		t.Fatalf("replier calls %q", got)
	}
	t.Run("PromptExpires", func(t *testing.T) {
		h.tg.Press(sara, alert, h.buttonData(alert, "پاسخ خصوصی"))
		h.tg.WaitConfirmed(t)
		h.clock.Advance(2 * time.Hour)
		h.tg.SendText(sara, telegramtest.PrivateChat(sara), "late text")
		h.settle()
		if n := len(h.x.Calls()); n != 1 {
			t.Fatalf("an expired prompt sent text: %q", h.x.Calls())
		}
	})
}

func TestBot_Templates(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.run()
	c := h.ingest(negativeMention("1001", "بد"))
	alert := h.alertIn(c, sara.ID)
	h.tg.Press(sara, alert, h.buttonData(alert, "قالب‌ها"))
	h.tg.WaitConfirmed(t)
	chooser, _, _ := h.tg.LastSent(sara.ID)
	sent := h.sentTo(sara.ID)
	golden(t, "templates_chooser_fa", describeCall(sent[len(sent)-1]))

	h.tg.Press(sara, chooser, h.buttonData(chooser, "💬 ۱. sorry"))
	h.settle()
	if got := h.x.Calls(); len(got) != 1 || got[0] != "reply x:1001: @mina_r عزیز، از این تجربه متأسفیم. پشتیبانی Koala پیگیری می‌کند." {
		t.Fatalf("replier calls %q", got)
	}
	if text, kb := h.message(chooser); !strings.Contains(text, "sorry") || len(kb) != 0 {
		t.Fatalf("chooser after use: %q %v", text, kb)
	}
}

func TestBot_CaseButtons(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.run()
	c := h.ingest(negativeMention("1001", "بد"))
	alert := h.alertIn(c, alertChat.ID)
	press := func(who telegramtest.User, label string) {
		t.Helper()
		h.tg.Press(who, alert, h.buttonData(alert, label))
		h.settle()
	}

	press(sara, "برمی‌دارم")
	if c = h.caseNow(c.ID); c.State != core.CaseClaimed || c.ClaimedBy != "Sara" {
		t.Fatalf("after Claim: %s by %q", c.State, c.ClaimedBy)
	}
	if text, _ := h.message(alert); !strings.Contains(text, "Sara پیگیری می‌کند") {
		t.Fatalf("alert not edited after Claim: %q", text)
	}
	events := len(c.Events)
	press(sara, "برمی‌دارم") // again: nothing changes
	if c = h.caseNow(c.ID); len(c.Events) != events {
		t.Fatalf("a second Claim logged %d events", len(c.Events)-events)
	}

	press(ali, "برچسب اشتباه")
	if _, kb := h.message(alert); len(kb) != 2 || !strings.HasPrefix(kb[0][1].CallbackData, "lb:u:") {
		t.Fatalf("label chooser not shown: %v", kb)
	}
	press(ali, "خنثی")
	if c = h.caseNow(c.ID); c.CorrectedLabel != core.LabelNeutral {
		t.Fatalf("corrected label %q", c.CorrectedLabel)
	}
	if _, kb := h.message(alert); len(kb) != 3 {
		t.Fatalf("main keyboard not restored after labelling: %v", kb)
	}

	resolve := h.buttonData(alert, "حل شد")
	press(ali, "حل شد")
	if c = h.caseNow(c.ID); c.State != core.CaseResolved || c.ClosedBy != "Ali" {
		t.Fatalf("after Resolve: %s by %q", c.State, c.ClosedBy)
	}
	if _, kb := h.message(alert); len(kb) != 1 {
		t.Fatalf("a closed case keeps only Wrong label, got %v", kb)
	}

	t.Run("ReplayedOnClosedCase", func(t *testing.T) {
		before, beforeActions := h.caseNow(c.ID), len(h.actions())
		for _, data := range []string{resolve, strings.Replace(resolve, "rs:", "ig:", 1),
			strings.Replace(resolve, "rs:", "cl:", 1), strings.Replace(resolve, "rs:", "rp:", 1)} {
			h.tg.Press(sara, alert, data)
		}
		h.settle()
		after := h.caseNow(c.ID)
		if after.State != before.State || len(after.Events) != len(before.Events) || len(h.actions()) != beforeActions {
			t.Fatalf("replayed buttons changed a closed case: %s→%s, %d→%d events", before.State, after.State, len(before.Events), len(after.Events))
		}
		answers := h.tg.Calls("answerCallbackQuery")
		if last := answers[len(answers)-1].String("text"); !strings.Contains(last, "بسته است") {
			t.Fatalf("last answer %q does not say the case is closed", last)
		}
	})
	t.Run("Ignore", func(t *testing.T) {
		c2 := h.ingest(negativeMention("1002", "بد"))
		a2 := h.alertIn(c2, ali.ID)
		h.tg.Press(ali, a2, h.buttonData(a2, "Ignore"))
		h.settle()
		if c2 = h.caseNow(c2.ID); c2.State != core.CaseIgnored {
			t.Fatalf("after Ignore: %s", c2.State)
		}
	})
}

func TestBot_ForgedCallbacks(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.run()
	c1 := h.ingest(negativeMention("1001", "بد"))
	c2 := h.ingest(negativeMention("1002", "بد"))
	alert1 := h.alertIn(c1, sara.ID)
	tok2 := strings.TrimPrefix(h.buttonData(h.alertIn(c2, sara.ID), "حل شد"), "rs:")

	approval := h.bot.newToken()
	h.bot.recs.putRec(ctx, core.SpaceCallbacks, approval, tokenRec{Kind: tokenApproval, Mention: "x:1001"})

	before := len(h.actions())
	forged := []string{
		"rs:tok999",             // a token never issued
		"rs:" + tok2 + "x",      // a near miss
		"rs",                    // no token
		"zz:" + tok2,            // a verb nobody knows
		"as:" + tok2,            // an approval verb on a case token
		"rs:" + approval,        // a case verb on an approval token
		"lb:q:" + tok2,          // an unknown label
		"tu:99:" + tok2,         // a template that does not exist
		"pg:-5",                 // a page before the first
		strings.Repeat("x", 64), // garbage
	}
	for _, data := range forged {
		h.tg.Press(sara, alert1, data)
	}
	h.settle()
	if c := h.caseNow(c1.ID); c.State != core.CaseAlerted {
		t.Fatalf("case 1 is %s after forged presses", c.State)
	}
	if c := h.caseNow(c2.ID); c.State != core.CaseAlerted {
		t.Fatalf("case 2 is %s after forged presses", c.State)
	}
	if n := len(h.actions()) - before; n != 0 {
		t.Fatalf("%d actions queued by forged presses", n)
	}
	if n := len(h.tg.Calls("answerCallbackQuery")); n != len(forged) {
		t.Fatalf("%d presses answered, want all %d (clients spin otherwise)", n, len(forged))
	}
	// A real token for case 2 pressed on case 1's message acts on case 2
	// only: the token, not the message, says which case.
	h.tg.Press(sara, alert1, "cl:"+tok2)
	h.settle()
	if c := h.caseNow(c1.ID); c.State != core.CaseAlerted {
		t.Fatalf("case 1 changed: %s", c.State)
	}
	if c := h.caseNow(c2.ID); c.State != core.CaseClaimed {
		t.Fatalf("case 2 is %s, want claimed", c.State)
	}
}

func TestBot_CapabilitiesSaySo(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.run()
	m := negativeMention("feed-1", "A blog says Koala lost my data")
	m.Platform, m.Analysis.Lang = core.PlatformRSS, "en"
	c := h.ingest(m)
	alert := h.alertIn(c, ali.ID)
	text, kb := h.message(alert)
	if !strings.Contains(text, "RSS posts cannot be answered") {
		t.Fatalf("the RSS alert does not say it cannot be answered:\n%s", text)
	}
	for _, row := range kb {
		for _, b := range row {
			if v, _, _ := strings.Cut(b.CallbackData, ":"); v == string(verbReplyPublic) || v == string(verbReplyPrivate) ||
				v == string(verbTemplates) || v == string(verbNoPublic) || v == string(verbNoPrivate) {
				t.Errorf("the RSS alert offers an answer button %q", b.Text)
			}
		}
	}
	h.tg.ReplyText(ali, alert, "we can't answer RSS")
	h.settle()
	sent := h.sentTo(ali.ID)
	if last := sent[len(sent)-1].String("text"); !strings.Contains(last, "cannot be answered publicly") {
		t.Fatalf("reply to an RSS alert answered %q", last)
	}
	if len(h.rss.Calls()) != 0 {
		t.Fatal("an RSS reply was attempted")
	}
}

func TestBot_EditedReplyIsNotSentAgain(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.run()
	c := h.ingest(negativeMention("1001", "Koala lost my order"))
	answer := h.tg.ReplyText(ali, h.alertIn(c, ali.ID), "Sorry, fixing it")
	h.settle()
	h.tg.EditText(ali, answer, "Sorry, fixing it now!")
	h.settle()
	if n := len(h.x.Calls()); n != 1 {
		t.Fatalf("%d replies sent, want the first text only", n)
	}
	sent := h.sentTo(ali.ID)
	if last := sent[len(sent)-1].String("text"); !strings.Contains(last, "Edits are not sent") {
		t.Fatalf("last answer %q does not explain that edits are not sent", last)
	}
}

// A platform with no connector (no replier: Mastodon in this harness) can
// take no answer: the alert offers no answer buttons and says no account
// is connected, a typed reply is refused with that reason, and nothing is
// queued or shown as replied.
func TestBot_NoConnectorNoAnswer(t *testing.T) {
	h := newHarness(t)
	h.run()
	m := negativeMention("109", "Koala lost my order")
	m.Platform, m.Source, m.Analysis.Lang = core.PlatformMastodon, "mastodon", "en"
	c := h.ingest(m)
	alert := h.alertIn(c, ali.ID)
	text, kb := h.message(alert)
	if !strings.Contains(text, "No Mastodon account is connected") {
		t.Fatalf("the alert does not say why it cannot be answered:\n%s", text)
	}
	for _, row := range kb {
		for _, b := range row {
			if v, _, _ := strings.Cut(b.CallbackData, ":"); v == string(verbReplyPublic) || v == string(verbReplyPrivate) || v == string(verbTemplates) {
				t.Errorf("the alert offers an answer button %q", b.Text)
			}
		}
	}
	h.tg.ReplyText(ali, alert, "Sorry, fixing it")
	h.settle()
	sent := h.sentTo(ali.ID)
	last := sent[len(sent)-1].String("text")
	if !strings.Contains(last, "cannot be sent") || strings.Contains(last, "queued") {
		t.Fatalf("a typed reply was answered %q", last)
	}
	for _, a := range h.actions() {
		if a.Kind != core.ActionAlert {
			t.Fatalf("an action was queued for a platform nobody answers on: %+v", a)
		}
	}
	if cur, _ := h.db.Case(ctx, c.ID); !cur.FirstResponseAt.IsZero() {
		t.Fatal("the case counts as answered")
	}
	// Its /case view says the same.
	h.tg.SendText(ali, telegramtest.PrivateChat(ali), fmt.Sprintf("/case %d", c.ID))
	h.settle()
	sent = h.sentTo(ali.ID)
	if view := sent[len(sent)-1].String("text"); !strings.Contains(view, "No Mastodon account is connected") {
		t.Fatalf("the case view does not say why it cannot be answered:\n%s", view)
	}
}
