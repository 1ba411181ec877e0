package bot

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/telegramtest"
)

func TestBot_Alert(t *testing.T) {
	t.Parallel()
	t.Run("EveryRecipientGetsButtons", func(t *testing.T) {
		h := newHarness(t)
		c := h.ingest(negativeMention("1001", "سفارشم دو هفته است نرسیده"))
		if c.State != core.CaseAlerted || len(refs(c.Alerts)) != 3 {
			t.Fatalf("case %s with alerts %v, want alerted in the chat and both managers' chats", c.State, c.Alerts)
		}
		for _, chat := range []int64{alertChat.ID, sara.ID, ali.ID} {
			text, kb := h.message(h.alertIn(c, chat))
			if !strings.Contains(text, "سفارشم دو هفته است نرسیده") || len(kb) != 3 {
				t.Fatalf("alert in %d: %q with %d button rows", chat, text, len(kb))
			}
		}
		// The alert chat speaks the default language (fa); Ali's chat English.
		if text, _ := h.message(h.alertIn(c, ali.ID)); !strings.Contains(text, "Negative mention") {
			t.Fatalf("Ali's alert is not in English: %q", text)
		}
	})
	t.Run("RecordsGoWithTheOutcome", func(t *testing.T) {
		// Under the outbox, the records of the messages sent are handed
		// back for the settle to write in its transaction.
		h := newHarness(t)
		m := negativeMention("1010", "بد")
		c := core.NewCase(m, t0)
		c.ID = 77
		var recs core.Records
		refList, err := h.bot.Alert(core.WithRecords(ctx, &recs), c, m)
		if err != nil {
			t.Fatal(err)
		}
		got := map[core.Space]int{}
		for _, r := range recs.All() {
			got[r.Space]++
		}
		if want := len(refs([]string{refList})); got[core.SpaceMessages] != want || got[core.SpaceCaseTokens] != 1 || got[core.SpaceCallbacks] != 1 {
			t.Fatalf("records by space %v, want %d messages, one case token, one callback", got, want)
		}
		if _, ok, _ := h.db.BotGet(ctx, core.SpaceMessages, refs([]string{refList})[0]); ok {
			t.Fatal("the message record was written at once, not with the outcome")
		}
	})
	t.Run("RepeatIsMarked", func(t *testing.T) {
		h := newHarness(t)
		m := negativeMention("1011", "بد")
		c := core.NewCase(m, t0)
		c.ID = 78
		refList, err := h.bot.Alert(core.WithRepeat(ctx), c, m)
		if err != nil {
			t.Fatal(err)
		}
		c.Alerts = []string{refList}
		for _, chat := range []int64{alertChat.ID, ali.ID} {
			text, _ := h.message(h.alertIn(c, chat))
			want := "دوباره فرستاده شد"
			if chat == ali.ID {
				want = "Sent again"
			}
			if !strings.HasPrefix(text, "🔁") || !strings.Contains(text, want) {
				t.Fatalf("repeated alert in %d: %q, want it headed as a repeat (%q)", chat, text, want)
			}
		}
	})
	t.Run("PartialFailureStillSucceeds", func(t *testing.T) {
		h := newHarness(t)
		h.tg.NotStarted(ali.ID) // Ali never started the bot: 403 for him
		c := h.ingest(negativeMention("1002", "بد"))
		if len(refs(c.Alerts)) != 2 {
			t.Fatalf("alerts %v, want the two that could be sent", c.Alerts)
		}
		if !strings.Contains(h.logs.String(), "could not send to a recipient") {
			t.Fatal("the failed recipient was not logged")
		}
	})
	t.Run("RateLimitIsReturned", func(t *testing.T) {
		h := newHarness(t)
		h.tg.FailNext("sendMessage", 3, telegramtest.TooManyRequests(17))
		m := negativeMention("1003", "بد")
		c := core.NewCase(m, t0)
		c.ID = 1
		_, err := h.bot.Alert(ctx, c, m)
		wait, ok := core.RetryAfter(err)
		if !ok || wait != 17*time.Second {
			t.Fatalf("err=%v, want a *core.RateLimitError asking for 17s", err)
		}
		var rl *core.RateLimitError
		if !errors.As(err, &rl) || rl.Platform != core.PlatformTelegram {
			t.Fatalf("err=%#v", err)
		}
	})
	t.Run("MutedManagerSkipped", func(t *testing.T) {
		h := newHarness(t)
		if err := h.bot.recs.setPrefs(ctx, sara.ID, func(p *prefsRec) { p.MutedUntil = t0.Add(time.Hour) }); err != nil {
			t.Fatal(err)
		}
		c := h.ingest(negativeMention("1004", "بد"))
		for _, r := range refs(c.Alerts) {
			if chat, _, _ := parseRef(r); chat == sara.ID {
				t.Fatalf("muted Sara got an alert: %v", c.Alerts)
			}
		}
		h.clock.Advance(2 * time.Hour)
		c = h.ingest(negativeMention("1005", "بد"))
		h.alertIn(c, sara.ID) // the mute is over
	})
	t.Run("OnlyAlertChat", func(t *testing.T) {
		h := newHarness(t, func(c *Config) { c.Managers[0].Alerts, c.Managers[1].Alerts = false, false })
		c := h.ingest(negativeMention("1006", "بد"))
		if len(refs(c.Alerts)) != 1 {
			t.Fatalf("alerts %v, want the alert chat only", c.Alerts)
		}
	})
	t.Run("NoAlertChat", func(t *testing.T) {
		h := newHarness(t, func(c *Config) { c.AlertChatID, c.Managers[0].Alerts = 0, false })
		c := h.ingest(negativeMention("1007", "بد"))
		if len(refs(c.Alerts)) != 1 {
			t.Fatalf("alerts %v, want Ali's only", c.Alerts)
		}
	})
}

func TestBot_UpdateAlert(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	m := negativeMention("1001", "سفارشم نرسیده")
	c := h.ingest(m)
	c, _, err := h.db.UpdateCase(ctx, c.ID, func(c *core.Case) ([]core.Action, error) { return nil, c.Claim("Ali", t0) })
	if err != nil {
		t.Fatal(err)
	}
	if err := h.bot.UpdateAlert(ctx, c, m); err != nil {
		t.Fatal(err)
	}
	for _, chat := range []int64{alertChat.ID, ali.ID} {
		text, _ := h.message(h.alertIn(c, chat))
		if !strings.Contains(text, "Ali") {
			t.Fatalf("alert in %d not edited: %q", chat, text)
		}
	}
	t.Run("NotModifiedIsDone", func(t *testing.T) {
		if err := h.bot.UpdateAlert(ctx, c, m); err != nil {
			t.Fatalf("second identical edit: %v", err)
		}
	})
	t.Run("RateLimitIsReturned", func(t *testing.T) {
		h.tg.FailNext("editMessageText", 1, telegramtest.TooManyRequests(3))
		if _, ok := core.RetryAfter(h.bot.UpdateAlert(ctx, c, m)); !ok {
			t.Fatal("want a rate-limit error")
		}
	})
	t.Run("ServerErrorRetried", func(t *testing.T) {
		h.clock.Advance(5 * time.Second) // past the retry_after above: the chat is open again
		h.tg.FailNext("editMessageText", 1, telegramtest.ServerError(502))
		err := h.bot.UpdateAlert(ctx, c, m)
		if err == nil || errors.Is(err, core.ErrPermanent) {
			t.Fatalf("err=%v, want a transient error", err)
		}
	})
	t.Run("DeletedMessageSkipped", func(t *testing.T) {
		gone := c
		gone.Alerts = []string{ref(alertChat.ID, 9999)}
		if err := h.bot.UpdateAlert(ctx, gone, m); err != nil {
			t.Fatalf("err=%v, want nil for a deleted message", err)
		}
	})
}

func TestBot_Notify(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	m := negativeMention("1001", "سفارشم نرسیده")
	c := h.ingest(m)

	t.Run("SLAHasCaseButtons", func(t *testing.T) {
		ref, err := h.bot.Notify(ctx, core.Action{ID: 50, Kind: core.ActionNotify, Topic: core.TopicSLA, CaseID: c.ID,
			MentionKey: m.Key(), DedupKey: "sla:1", Text: "Unclaimed for 30 min."}, &m)
		if err != nil || len(refs([]string{ref})) != 3 {
			t.Fatalf("Notify = %q, %v", ref, err)
		}
		last := h.sentTo(ali.ID)
		golden(t, "notify_sla_en", describeCall(last[len(last)-1]))
	})
	t.Run("FailedActionCanBeResent", func(t *testing.T) {
		failed, err := h.db.Enqueue(ctx, core.Action{Kind: core.ActionReplyPublic, DedupKey: "r1", MentionKey: m.Key(), CaseID: c.ID, Text: "x", CreatedAt: t0})
		if err != nil {
			t.Fatal(err)
		}
		id := failed[0].ID
		claimed, _ := h.db.ClaimDue(ctx, t0, 10)
		for _, a := range claimed {
			if a.ID == id {
				h.db.Settle(ctx, core.Outcome{ActionID: id, State: core.ActionFailed, Error: "boom", At: t0})
			}
		}
		_, err = h.bot.Notify(ctx, core.Action{ID: 51, Kind: core.ActionNotify, Topic: core.TopicDeliveryFailed,
			DedupKey: "failed:" + strconv.FormatUint(id, 10), CaseID: c.ID, Text: "boom"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		h.run()
		alert, _, _ := h.tg.LastSent(alertChat.ID)
		h.tg.Press(sara, alert, h.buttonData(alert, "ارسال دوبارهٔ"))
		h.tg.WaitConfirmed(t)
		a, _ := h.db.Action(ctx, id)
		if a.State != core.ActionPending {
			t.Fatalf("action %d is %s after Resend, want pending", id, a.State)
		}
	})
}

func TestBot_SendDigest(t *testing.T) {
	t.Parallel()
	png := []byte("\x89PNG\r\n\x1a\nfake chart")
	t.Run("CaptionFits", func(t *testing.T) {
		h := newHarness(t)
		if err := h.bot.SendDigest(ctx, "گزارش دیروز: ۱۲۰ اشاره", png); err != nil {
			t.Fatal(err)
		}
		photos := h.tg.Calls("sendPhoto")
		if len(photos) != 1 || photos[0].Int("chat_id") != alertChat.ID || photos[0].Params["photo"].File == nil || photos[0].String("caption") != "گزارش دیروز: ۱۲۰ اشاره" {
			t.Fatalf("sendPhoto calls %+v", photos)
		}
		if len(h.tg.Calls("sendMessage")) != 0 {
			t.Fatal("a short digest was also sent as text")
		}
	})
	t.Run("LongTextSeparate", func(t *testing.T) {
		h := newHarness(t)
		long := strings.Repeat("یک خط از گزارش روزانه با <نشانه> & عدد ۱۲\n", 200)
		if err := h.bot.SendDigest(ctx, long, png); err != nil {
			t.Fatal(err)
		}
		photo := h.tg.Calls("sendPhoto")
		if len(photo) != 1 || photo[0].Has("caption") {
			t.Fatalf("want one photo without caption, got %+v", photo)
		}
		texts := h.sentTo(alertChat.ID)
		if len(texts) < 2 {
			t.Fatalf("a %d-character digest went out in %d messages", len(long), len(texts))
		}
	})
	t.Run("ManagersWhenNoChat", func(t *testing.T) {
		h := newHarness(t, func(c *Config) { c.AlertChatID = 0 })
		if err := h.bot.SendDigest(ctx, "x", png); err != nil {
			t.Fatal(err)
		}
		if n := len(h.tg.Calls("sendPhoto")); n != 2 {
			t.Fatalf("%d photos, want one per manager", n)
		}
	})
	t.Run("DigestChat", func(t *testing.T) {
		h := newHarness(t, func(c *Config) { c.DigestChatID = ali.ID })
		if err := h.bot.SendDigest(ctx, "x", png); err != nil {
			t.Fatal(err)
		}
		if p := h.tg.Calls("sendPhoto"); len(p) != 1 || p[0].Int("chat_id") != ali.ID {
			t.Fatalf("photos %+v, want one to the digest chat", p)
		}
	})
	t.Run("ChartFailsTextStill", func(t *testing.T) {
		h := newHarness(t)
		h.tg.FailNext("sendPhoto", 1, telegramtest.ServerError(500))
		if err := h.bot.SendDigest(ctx, "گزارش دیروز: ۱۲۰ اشاره", png); err != nil {
			t.Fatal(err)
		}
		if texts := h.sentTo(alertChat.ID); len(texts) != 1 || texts[0].String("text") != "گزارش دیروز: ۱۲۰ اشاره" {
			t.Fatalf("the digest text was lost with its chart: %+v", texts)
		}
	})
	t.Run("AllFail", func(t *testing.T) {
		h := newHarness(t)
		h.tg.FailNext("sendPhoto", 1, telegramtest.TooManyRequests(5))
		if _, ok := core.RetryAfter(h.bot.SendDigest(ctx, "x", png)); !ok {
			t.Fatal("want the rate limit back when no one got the digest")
		}
	})
}

// The last reward code handed out tells the managers, in their chat, that
// none are left; a thank-you after that adds no second notice.
func TestBot_CodesRunOutNotice(t *testing.T) {
	h := newHarness(t, func(c *Config) {
		c.Managers[0].Alerts, c.Managers[1].Alerts = false, false
		c.DefaultLang = LangEnglish
	})
	if _, err := h.db.AddCodes(ctx, []string{"GIFT1"}); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"x:1", "x:2"} {
		if _, err := h.db.Enqueue(ctx, core.Action{Kind: core.ActionThankPrivate, DedupKey: "thankdm:" + id, MentionKey: id,
			Text: "your code {code}", CreatedAt: h.clock.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	h.drain()
	var notices []string
	for _, r := range h.sentTo(alertChat.ID) {
		if strings.Contains(r.String("text"), "reward codes") || strings.Contains(r.String("text"), "No reward codes left") {
			notices = append(notices, r.String("text"))
		}
	}
	if len(notices) != 1 || !strings.Contains(notices[0], "No reward codes left") {
		t.Fatalf("notices %q, want one saying no codes are left", notices)
	}
}
