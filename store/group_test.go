package store

import (
	"errors"
	"testing"
	"time"

	"github.com/shenava/shenava/core"
)

func alertsBatch(ids ...string) []core.Decision {
	var ds []core.Decision
	for _, id := range ids {
		m := mention(id, core.LabelNegative, t0)
		ds = append(ds, core.Decision{Mention: m, OpenCase: true, Actions: []core.Action{alertFor(m)}})
	}
	return ds
}

// A round's outcomes and the next claim ride on the next batch save: one
// commit for the save, the settle and the claim of the actions that very
// save queued.
func TestDB_SettleAndClaimNext_JoinsBatchSave(t *testing.T) {
	db := MustOpen(t, Options{})
	if _, err := db.SaveBatch(ctx, "s", "1", alertsBatch("1", "2"), t0); err != nil {
		t.Fatal(err)
	}
	first, err := db.ClaimDue(ctx, t0, 0)
	if err != nil || len(first) != 2 {
		t.Fatalf("ClaimDue=%d,%v", len(first), err)
	}
	before := db.Commits()
	type result struct {
		next   []core.Action
		joined bool
		err    error
	}
	done := make(chan result, 1)
	go func() {
		next, joined, err := db.SettleAndClaimNext(ctx, []core.Outcome{
			{ActionID: first[0].ID, State: core.ActionDone, Result: "-100:1", At: t0},
			{ActionID: first[1].ID, State: core.ActionDone, Result: "-100:2", At: t0},
		}, func() time.Time { return t0 }, 1, 10, time.Minute)
		done <- result{next, joined, err}
	}()
	waitGuests(t, db)
	if _, err := db.SaveBatch(ctx, "s", "2", alertsBatch("3", "4", "5"), t0); err != nil {
		t.Fatal(err)
	}
	r := <-done
	if r.err != nil || !r.joined {
		t.Fatalf("SettleAndClaimNext: joined=%v, %v; want joined", r.joined, r.err)
	}
	if n := db.Commits() - before; n != 1 {
		t.Fatalf("%d commits for a save and a joined settle, want 1", n)
	}
	// Joined, it claims up to the joined limit (10), not 1: all three
	// alerts the save queued.
	if len(r.next) != 3 || r.next[0].State != core.ActionSending || r.next[0].MentionKey != "x:3" {
		t.Fatalf("claimed %+v, want the three new alerts in sending", r.next)
	}
	for _, a := range first {
		if got, _ := db.Action(ctx, a.ID); got.State != core.ActionDone {
			t.Fatalf("settled alert %d is %s", a.ID, got.State)
		}
		if c, _ := db.Case(ctx, a.CaseID); c.AlertedAt.IsZero() {
			t.Fatalf("case %d not marked alerted by the joined settle", a.CaseID)
		}
	}
	if c, _ := db.Cursor(ctx, "s"); c != "2" {
		t.Fatalf("cursor %q: the host's own writes are lost", c)
	}
}

// A guest that fails does not take its host down: the batch is saved, the
// guest gets its error and writes nothing.
func TestDB_SettleAndClaimNext_FailingGuest(t *testing.T) {
	db := MustOpen(t, Options{})
	if _, err := db.SaveBatch(ctx, "s", "", alertsBatch("1"), t0); err != nil {
		t.Fatal(err)
	}
	first, _ := db.ClaimDue(ctx, t0, 0)
	done := make(chan error, 1)
	go func() {
		_, _, err := db.SettleAndClaimNext(ctx, []core.Outcome{{ActionID: first[0].ID, State: "bogus"}},
			func() time.Time { return t0 }, 10, 10, time.Minute)
		done <- err
	}()
	waitGuests(t, db)
	res, err := db.SaveBatch(ctx, "s", "2", alertsBatch("2"), t0)
	if err != nil || len(res.Stored) != 1 {
		t.Fatalf("the host failed with its guest: %+v, %v", res, err)
	}
	if err := <-done; !errors.Is(err, core.ErrInvalid) {
		t.Fatalf("the failing guest got %v, want ErrInvalid", err)
	}
	if a, _ := db.Action(ctx, first[0].ID); a.State != core.ActionSending {
		t.Fatalf("after its failed settle the alert is %s, want still sending", a.State)
	}
	if n, _ := db.MentionCount(ctx); n != 2 {
		t.Fatalf("%d mentions, want 2", n)
	}
	if due, _ := db.ClaimDue(ctx, t0, 0); len(due) != 1 || due[0].MentionKey != "x:2" {
		t.Fatalf("the host's alert %+v: want it pending, not claimed by the failed guest", due)
	}
}

// waitGuests returns once one write waits for a batch save to join.
func waitGuests(t *testing.T, db *DB) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; {
		db.guests.mu.Lock()
		n := len(db.guests.q)
		db.guests.mu.Unlock()
		if n == 1 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the settle never waited for a batch save")
		}
		time.Sleep(time.Millisecond)
	}
}
