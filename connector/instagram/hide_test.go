package instagram

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/shenava/shenava/casework"
	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/storetest"
	"github.com/shenava/shenava/listen"
	"github.com/shenava/shenava/store"
)

var _ listen.Hider = (*Client)(nil)

// managers stands in for the bot: it records what the outbox told them.
type managers struct {
	mu      sync.Mutex
	updates int
	notices []core.Action
}

func (a *managers) Alert(context.Context, core.Case, core.Mention) (string, error) {
	return "-1:1", nil
}
func (a *managers) UpdateAlert(context.Context, core.Case, core.Mention) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.updates++
	return nil
}
func (a *managers) Notify(_ context.Context, n core.Action, _ *core.Mention) (string, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.notices = append(a.notices, n)
	return "-1:2", nil
}

// A manager's hide goes through the case workflows and the outbox to
// Instagram: POST /{comment-id} with hide=true, exactly once, however
// often the outbox runs or the manager presses again; a comment on
// someone else's post is refused before anything is queued.
func TestHide_ThroughTheOutbox(t *testing.T) {
	f, db, mgrs, outbox, cases := newHideFixture(t)
	spam := toMention(cmt("17865799348089039", "spam.bot", "cheap followers at bit.ly/x", t0.Add(-time.Hour)),
		"17800000000000001", "https://www.instagram.com/p/KoalaPost/", false, t0.Add(-time.Hour), t0)
	elsewhere := toMention(cmt("17894227972186120", "mina.r", "@shenava.cafe is awful", t0.Add(-time.Hour)),
		"17918195224117851", "", true, t0.Add(-time.Hour), t0)
	res, err := db.SaveBatch(bg, "instagram", "", []core.Decision{
		{Mention: spam, OpenCase: true, Actions: []core.Action{{Kind: core.ActionAlert, DedupKey: "alert:" + spam.Key(), MentionKey: spam.Key(), CreatedAt: t0}}},
		{Mention: elsewhere, OpenCase: true},
	}, t0)
	if err != nil || len(res.Cases) != 2 {
		t.Fatalf("SaveBatch: %v %+v", err, res)
	}
	if _, err := outbox.Drain(bg); err != nil {
		t.Fatal(err)
	}

	if _, err := cases.Hide(bg, casework.Request{Case: res.Cases[1].ID, Actor: "Sara", Origin: "cb:0"}); !errors.Is(err, casework.ErrCannotHide) {
		t.Fatalf("hiding a comment on someone else's post: %v, want ErrCannotHide", err)
	}
	r := casework.Request{Case: res.Cases[0].ID, Actor: "Sara", Origin: "cb:1"}
	if _, err := cases.Hide(bg, r); err != nil {
		t.Fatal(err)
	}
	r.Origin = "cb:2" // a second press
	if _, err := cases.Hide(bg, r); !errors.Is(err, casework.ErrNoChange) {
		t.Fatalf("second press: %v, want ErrNoChange", err)
	}
	for range 3 {
		if _, err := outbox.Drain(bg); err != nil {
			t.Fatal(err)
		}
	}
	if n := f.count("POST /" + testVersion + "/" + spam.NativeID + "?"); n != 1 || f.hidden[spam.NativeID] != "true" {
		t.Fatalf("Instagram got %d hide requests (%v), want exactly one with hide=true; requests %q", n, f.hidden, f.log())
	}
	if n := len(f.log()); n != 1 {
		t.Fatalf("Instagram got %q, want only the hide", f.log())
	}
	got, err := db.Case(bg, r.Case)
	if err != nil {
		t.Fatal(err)
	}
	if got.HiddenBy != "Sara" || got.HideDoneAt.IsZero() {
		t.Fatalf("case hidden by %q, done at %v: want Sara's hide confirmed", got.HiddenBy, got.HideDoneAt)
	}
	if mgrs.updates != 2 || len(mgrs.notices) != 0 {
		t.Fatalf("managers got %d alert edits and notices %+v, want the hide's two edits (asked, done) and no notice", mgrs.updates, mgrs.notices)
	}
}

// A hide Instagram refuses (the token lacks the permission) is given up at
// once and the managers are told, with the action to send again.
func TestHide_RefusedIsReported(t *testing.T) {
	f, db, mgrs, outbox, cases := newHideFixture(t)
	m := toMention(cmt("c1", "troll", "abuse", t0.Add(-time.Hour)), "m1", "", false, t0.Add(-time.Hour), t0)
	res, err := db.SaveBatch(bg, "instagram", "", []core.Decision{{Mention: m, OpenCase: true}}, t0)
	if err != nil {
		t.Fatal(err)
	}
	f.failNext("POST c1", fakeFailure{status: 400, file: "error_10.json"})
	if _, err := cases.Hide(bg, casework.Request{Case: res.Cases[0].ID, Actor: "Sara", Origin: "web:1"}); err != nil {
		t.Fatal(err)
	}
	outbox.Drain(bg)
	outbox.Drain(bg)
	if n := f.count("POST /" + testVersion + "/c1?"); n != 1 {
		t.Fatalf("%d hide requests, want 1 (a permission error is not retried)", n)
	}
	if len(mgrs.notices) != 1 || mgrs.notices[0].Topic != core.TopicDeliveryFailed || mgrs.notices[0].CaseID != res.Cases[0].ID {
		t.Fatalf("notices %+v, want one delivery failure for the case", mgrs.notices)
	}
}

// newHideFixture is a fake Graph API behind the Instagram client, answering
// through an outbox on a throwaway store, with Sara's case workflows at t0.
func newHideFixture(t *testing.T) (*fakeGraph, *store.DB, *managers, *listen.Outbox, *casework.Service) {
	t.Helper()
	f := newFakeGraph(t)
	c := f.client(f.config())
	db := storetest.MustOpen(t, store.Options{})
	mgrs := &managers{}
	outbox := listen.NewOutbox(db, mgrs, map[core.Platform]listen.Replier{core.PlatformInstagram: c},
		listen.OutboxConfig{}, slog.New(slog.DiscardHandler))
	outbox.SetClock(func() time.Time { return t0 })
	cases, err := casework.New(casework.Config{Managers: []string{"Sara"}}, casework.Deps{Store: db,
		Now: func() time.Time { return t0 }, Capabilities: outbox.Capabilities, MentionCapabilities: outbox.CapabilitiesFor})
	if err != nil {
		t.Fatal(err)
	}
	return f, db, mgrs, outbox, cases
}
