package bot

import (
	"strings"
	"testing"
	"time"

	"github.com/shenava/shenava/core"
)

// A manager's reply waits the undo window in the outbox; Undo takes it back
// before anything reaches the customer, and the case forgets the response.
func TestBot_UndoReply(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(c *Config) { c.UndoWindow = 15 * time.Second })
	h.run()
	c := h.ingest(negativeMention("1001", "Koala lost my order"))
	h.tg.ReplyText(ali, h.alertIn(c, ali.ID), "Oops, meant for the team: refund him?")
	h.settle()
	if calls := h.x.Calls(); len(calls) != 0 {
		t.Fatalf("the reply went out inside the undo window: %q", calls)
	}
	confirm, _, _ := h.tg.LastSent(ali.ID)
	text, _ := h.message(confirm)
	if !strings.Contains(text, "It goes out in 15 s unless you press Undo.") {
		t.Fatalf("confirmation %q does not offer the undo", text)
	}
	golden(t, "reply_queued_undo_en", describeCall(h.sentTo(ali.ID)[len(h.sentTo(ali.ID))-1]))

	h.clock.Advance(5 * time.Second)
	h.tg.Press(ali, confirm, h.buttonData(confirm, "↩️ Undo"))
	h.settle()
	h.clock.Advance(time.Minute)
	h.drain()
	if calls := h.x.Calls(); len(calls) != 0 {
		t.Fatalf("a withdrawn reply was sent: %q", calls)
	}
	after := h.caseNow(c.ID)
	if after.State != core.CaseClaimed || !after.FirstResponseAt.IsZero() || after.Events[len(after.Events)-1].Action != "withdrew reply" {
		t.Fatalf("case after undo: %s, first response %v, last event %+v", after.State, after.FirstResponseAt, after.Events[len(after.Events)-1])
	}
	if text, kb := h.message(confirm); !strings.Contains(text, "withdrawn by Ali: nothing was sent") || len(kb) != 0 {
		t.Fatalf("confirmation after undo: %q with buttons %v", text, kb)
	}
	if alert, _ := h.message(h.alertIn(c, ali.ID)); strings.Contains(alert, "Replied publicly") {
		t.Fatalf("the alert still says replied after the undo: %q", alert)
	}

	t.Run("TooLate", func(t *testing.T) {
		h.tg.ReplyText(ali, h.alertIn(c, ali.ID), "Sorry {author}, refund on its way")
		h.settle()
		late, _, _ := h.tg.LastSent(ali.ID)
		undo := h.buttonData(late, "↩️ Undo")
		h.clock.Advance(20 * time.Second)
		h.drain()
		if calls := h.x.Calls(); len(calls) != 1 || calls[0] != "reply x:1001: Sorry @mina_r, refund on its way" {
			t.Fatalf("after the window: %q", calls)
		}
		h.tg.Press(ali, late, undo)
		h.settle()
		answers := h.tg.Calls("answerCallbackQuery")
		if last := answers[len(answers)-1].String("text"); !strings.Contains(last, "Too late") {
			t.Fatalf("undo after sending answered %q, want too late", last)
		}
		if got := h.caseNow(c.ID); got.State != core.CaseReplied || got.FirstResponseAt.IsZero() {
			t.Fatalf("a late undo changed the case: %s", got.State)
		}
	})
}

// The alert says a reply is queued while it can still be withdrawn, and
// "replied" only once the outbox has sent it.
func TestBot_ReplyQueuedThenSent(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.UndoWindow = 15 * time.Second })
	h.run()
	c := h.ingest(negativeMention("1001", "Koala lost my order"))
	h.tg.ReplyText(ali, h.alertIn(c, ali.ID), "Sorry {author}, refund on its way")
	h.settle()
	alert, _ := h.message(h.alertIn(c, ali.ID))
	if !strings.Contains(alert, "⏳ Public reply by Ali queued: not sent yet") || strings.Contains(alert, "Replied publicly") {
		t.Fatalf("inside the undo window the alert reads:\n%s", alert)
	}
	h.clock.Advance(20 * time.Second)
	h.drain()
	if calls := h.x.Calls(); len(calls) != 1 {
		t.Fatalf("after the window: %q", calls)
	}
	h.drain() // the alert edit the delivery queued
	alert, _ = h.message(h.alertIn(c, ali.ID))
	if !strings.Contains(alert, "✅ Replied publicly by Ali") || strings.Contains(alert, "queued") {
		t.Fatalf("after sending the alert reads:\n%s", alert)
	}
	if got := h.caseNow(c.ID); !got.FirstReplySent() {
		t.Fatalf("the case does not record the reply as sent: %+v", got.Events)
	}
}

// A withdrawn reply reads in the manager's language in the case history.
func TestBot_WithdrawnReplyHistory(t *testing.T) {
	m := negativeMention("1001", "Koala lost my order")
	c := caseAt(t, m, func(c *core.Case) error { return c.Responded("Alex", false, t0) },
		func(c *core.Case) error { c.WithdrawReply("Alex", t0, t0.Add(5*time.Second)); return nil })
	// Every other line of a case's history, in Persian too.
	all := caseAt(t, m, func(c *core.Case) error { return c.Claim("Alex", t0) },
		func(c *core.Case) error { return c.Responded("Alex", true, t0) },
		func(c *core.Case) error {
			c.Delivered(core.Action{ID: 9, Kind: core.ActionReplyPrivate, CaseID: c.ID, CreatedAt: t0}, "x:9", t0.Add(time.Minute))
			return nil
		},
		func(c *core.Case) error { return c.CorrectLabel("Alex", core.LabelNeutral, t0.Add(2*time.Minute)) },
		func(c *core.Case) error {
			c.Recover("x:2", t0.Add(3*time.Minute))
			c.Remind(t0.Add(4 * time.Minute))
			return nil
		},
		func(c *core.Case) error { return c.Resolve("Alex", t0.Add(5*time.Minute)) })
	for _, e := range append(c.Events, all.Events...) {
		if _, ok := catalog["event."+e.Action]; !ok {
			t.Errorf("no text for the history line %q", e.Action)
		}
		fa := eventText(LangPersian, e)
		if strings.ContainsAny(strings.ReplaceAll(fa, "Alex", ""), "abcdefghijklmnopqrstuvwxyz") {
			t.Errorf("event %q reads %q in Persian", e.Action, fa)
		}
	}
	last := c.Events[len(c.Events)-1]
	if got := eventText(LangEnglish, last); got != "reply withdrawn by Alex" {
		t.Errorf("withdrawal reads %q in English", got)
	}
}
