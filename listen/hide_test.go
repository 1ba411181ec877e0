package listen

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/store"
)

// hider is a recorder that can hide comments.
type hider struct{ *recorder }

func (h hider) Hide(_ context.Context, m core.Mention, hide bool) error {
	_, err := h.do(fmt.Sprintf("hide %s %t", m.Key(), hide))
	return err
}

func (f *outboxFixture) hide(t *testing.T) core.Action {
	t.Helper()
	_, q, err := f.db.UpdateCase(bg, f.caseID, func(c *core.Case) ([]core.Action, error) {
		c.Hide("42", f.clock.Now())
		return []core.Action{{Kind: core.ActionHide, DedupKey: "hide:1", Actor: "42", CreatedAt: f.clock.Now()}}, nil
	})
	if err != nil || len(q) != 1 {
		t.Fatalf("queue hide: %v %+v", err, q)
	}
	return q[0]
}

func TestOutbox_Hide(t *testing.T) {
	all := core.Capabilities{Reply: true, DirectMessage: true, Hide: true}
	t.Run("Hider", func(t *testing.T) {
		f := newOutboxFixture(t, OutboxConfig{})
		f.replies.caps = all
		h := hider{f.replies}
		f.outbox = NewOutbox(f.db, f.alerts, map[core.Platform]Replier{core.PlatformX: h}, OutboxConfig{}, discard())
		f.outbox.SetClock(f.clock.Now)
		if caps := f.outbox.Capabilities(core.PlatformX); !caps.Hide {
			t.Fatalf("capabilities %+v, want hide", caps)
		}
		a := f.hide(t)
		f.outbox.Drain(bg)
		if got := f.replies.Sent(); len(got) != 1 || got[0] != "hide x:1 true" {
			t.Fatalf("platform got %q, want one hide", got)
		}
		done, _ := f.db.Action(bg, a.ID)
		c, _ := f.db.Case(bg, f.caseID)
		if done.State != core.ActionDone || c.HideDoneAt.IsZero() {
			t.Fatalf("hide %s, case hidden at %v: want done", done.State, c.HideDoneAt)
		}
		if last := f.alerts.Sent()[len(f.alerts.Sent())-1]; !strings.HasPrefix(last, "update case") {
			t.Fatalf("managers last got %q, want the alert edited", last)
		}
	})
	t.Run("NotAHider", func(t *testing.T) {
		f := newOutboxFixture(t, OutboxConfig{})
		f.replies.caps = all // says so, but cannot
		if caps := f.outbox.Capabilities(core.PlatformX); caps.Hide || !caps.Reply {
			t.Fatalf("capabilities %+v, want replies and no hide", caps)
		}
		if caps := f.outbox.CapabilitiesFor(f.mention); caps.Hide {
			t.Fatalf("mention capabilities %+v, want no hide", caps)
		}
		f.outbox.Drain(bg)
		a := f.hide(t)
		f.outbox.Drain(bg)
		f.outbox.Drain(bg)
		got, _ := f.db.Action(bg, a.ID)
		if got.State != core.ActionFailed || got.Attempts != 1 {
			t.Fatalf("hide=%+v, want failed at once", got)
		}
		notes := f.alerts.Sent()
		if last := notes[len(notes)-1]; !strings.HasPrefix(last, "notify delivery_failed #2 hide (case 1)") {
			t.Fatalf("managers were told %q, want a delivery_failed notice", last)
		}
	})
	t.Run("LostAnswerSentAgain", func(t *testing.T) {
		f := newOutboxFixture(t, OutboxConfig{})
		f.replies.caps = all
		f.replies.fail = []error{fmt.Errorf("read answer: %w", core.ErrInDoubt)}
		f.outbox = NewOutbox(f.db, f.alerts, map[core.Platform]Replier{core.PlatformX: hider{f.replies}}, OutboxConfig{}, discard())
		f.outbox.SetClock(f.clock.Now)
		f.outbox.Drain(bg)
		a := f.hide(t)
		f.outbox.Drain(bg)
		f.clock.Add(DefaultOutboxBackoffMax)
		f.outbox.Drain(bg)
		got, _ := f.db.Action(bg, a.ID)
		if sent := f.replies.Sent(); got.State != core.ActionDone || len(sent) != 1 {
			t.Fatalf("hide %s, platform got %q: want it hidden by the second try", got.State, sent)
		}
		if failed, _ := f.db.Actions(bg, store.ActionFilter{State: core.ActionInDoubt}); len(failed) != 0 {
			t.Fatalf("in doubt: %+v", failed)
		}
	})
}
