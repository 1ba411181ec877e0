package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/shenava/shenava/core"
)

var _ = add(
	test{"Context/CancelledCallsWriteNothing", testCancelled},
)

// A call whose context has ended fails with the context's error and
// writes nothing: a request given up on (shutdown, a client gone) leaves
// no half of itself behind.
func testCancelled(t *testing.T, open Opener) {
	db := empty(t, open)
	res, err := db.SaveBatch(ctx, "s", "c1", alertsBatch("1"), t0)
	if err != nil {
		t.Fatal(err)
	}
	id := res.Cases[0].ID
	done, cancel := context.WithCancel(ctx)
	cancel()
	before := db.Commits()
	if _, err := db.SaveBatch(done, "s", "c2", alertsBatch("2"), t0); !errors.Is(err, context.Canceled) {
		t.Errorf("SaveBatch: %v, want context.Canceled", err)
	}
	if _, err := db.Enqueue(done, core.Action{Kind: core.ActionNotify, DedupKey: "n", Text: "x", CreatedAt: t0}); !errors.Is(err, context.Canceled) {
		t.Errorf("Enqueue: %v, want context.Canceled", err)
	}
	if _, _, err := db.UpdateCase(done, id, func(c *core.Case) ([]core.Action, error) { return nil, c.Claim("Sara", t0) }); !errors.Is(err, context.Canceled) {
		t.Errorf("UpdateCase: %v, want context.Canceled", err)
	}
	if _, err := db.ClaimDue(done, t0, 10); !errors.Is(err, context.Canceled) {
		t.Errorf("ClaimDue: %v, want context.Canceled", err)
	}
	if _, err := db.Mention(done, "x:1"); !errors.Is(err, context.Canceled) {
		t.Errorf("Mention: %v, want context.Canceled", err)
	}
	if err := db.ForEachMention(done, t0, t0.Add(1), func(core.Mention) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("ForEachMention: %v, want context.Canceled", err)
	}
	if n := db.Commits() - before; n != 0 {
		t.Errorf("%d commits with an ended context, want none", n)
	}
	if n, _ := db.MentionCount(ctx); n != 1 {
		t.Errorf("%d mentions, want the first batch's only", n)
	}
	if cur, _ := db.Cursor(ctx, "s"); cur != "c1" {
		t.Errorf("cursor %q, want the first batch's", cur)
	}
	if c, _ := db.Case(ctx, id); c.State != core.CaseNew {
		t.Errorf("case is %s, want still new", c.State)
	}
	if due, _ := db.ClaimDue(ctx, t0, 10); len(due) != 1 || due[0].CaseID != id {
		t.Errorf("due %+v, want only the first batch's alert", due)
	}
}
