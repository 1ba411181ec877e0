package store

import (
	"fmt"
	"slices"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/shenava/shenava/core"
)

// The in-doubt index follows the replies whose delivery is unknown, and is
// built once for a file written before it.
func TestDoubtCases_InStepWithTheOutbox(t *testing.T) {
	db := MustOpen(t, Options{NoSync: true})
	ids := saveCases(t, db, 3)
	if err := db.IndexCases(ctx); err != nil {
		t.Fatal(err)
	}
	reply := func(n int, c uint64, kind core.ActionKind) core.Action {
		return core.Action{Kind: kind, DedupKey: fmt.Sprint("r", n), CaseID: c, MentionKey: fmt.Sprint("x:w", n),
			Text: "sorry", Actor: "Sara", CreatedAt: t0}
	}
	queued, err := db.Enqueue(ctx, reply(0, ids[0], core.ActionReplyPublic), reply(1, ids[1], core.ActionReplyPublic),
		reply(2, ids[1], core.ActionReplyPrivate), reply(3, ids[2], core.ActionCaseUpdate))
	if err != nil || len(queued) != 4 {
		t.Fatalf("enqueue: %d, %v", len(queued), err)
	}
	want := func(what string, cases ...uint64) {
		t.Helper()
		got, err := db.DoubtCases(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, cases) {
			t.Fatalf("%s: cases in doubt %v, want %v", what, got, cases)
		}
	}
	want("queued")
	if _, err := db.ClaimDue(ctx, t0, 10); err != nil {
		t.Fatal(err)
	}
	want("sending")
	// A crash mid-send: everything in sending is in doubt, but an alert
	// refresh (case 3) reaches no author.
	if _, doubt, err := db.ResumeInFlight(ctx, t0, nil, nil); err != nil || len(doubt) != 4 {
		t.Fatalf("resume: %d in doubt, %v", len(doubt), err)
	}
	want("after the crash", ids[1], ids[0])
	if err := db.Resend(ctx, queued[1].ID, t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	want("one of case 2's replies sent again", ids[1], ids[0])
	if err := db.Resend(ctx, queued[2].ID, t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	want("both of case 2's replies sent again", ids[0])
	// An outcome in doubt, not only a crash, puts a reply in the index.
	due, err := db.ClaimDue(ctx, t0.Add(time.Minute), 10)
	if err != nil || len(due) != 2 {
		t.Fatalf("claim: %d, %v", len(due), err)
	}
	if err := db.Settle(ctx, core.Outcome{ActionID: queued[1].ID, State: core.ActionInDoubt, At: t0, Error: "timeout"},
		core.Outcome{ActionID: queued[2].ID, State: core.ActionFailed, At: t0, Error: "refused"}); err != nil {
		t.Fatal(err)
	}
	want("a timeout", ids[1], ids[0])

	// A file written before the index: it is built from the outbox.
	if err := db.db.Update(func(tx *bolt.Tx) error {
		if err := tx.DeleteBucket(bktWebDoubt); err != nil {
			return err
		}
		return tx.Bucket(bktMeta).Delete(keyWebDoubtIndex)
	}); err != nil {
		t.Fatal(err)
	}
	want("without the index")
	for range 2 {
		if err := db.IndexCases(ctx); err != nil {
			t.Fatal(err)
		}
	}
	want("indexed again", ids[1], ids[0])
}
