package store

import (
	"fmt"
	"slices"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/shenava/shenava/core"
)

// The in-doubt index (whose keeping in step with the outbox the contract
// suite checks) is built once from the outbox for a file written before it.
func TestDoubtCases_IndexBuiltForOldFiles(t *testing.T) {
	db := MustOpen(t, Options{NoSync: true})
	ids := saveCases(t, db, 3)
	if err := db.IndexCases(ctx); err != nil {
		t.Fatal(err)
	}
	reply := func(n int, c uint64, kind core.ActionKind) core.Action {
		return core.Action{Kind: kind, DedupKey: fmt.Sprint("r", n), CaseID: c, MentionKey: fmt.Sprint("x:w", n),
			Text: "sorry", Actor: "Sara", CreatedAt: t0}
	}
	if _, err := db.Enqueue(ctx, reply(0, ids[0], core.ActionReplyPublic), reply(1, ids[1], core.ActionReplyPrivate),
		reply(2, ids[2], core.ActionCaseUpdate)); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ClaimDue(ctx, t0, 10); err != nil {
		t.Fatal(err)
	}
	if _, doubt, err := db.ResumeInFlight(ctx, t0, nil, nil); err != nil || len(doubt) != 3 {
		t.Fatalf("resume: %d in doubt, %v", len(doubt), err)
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
	want("after the crash", ids[1], ids[0])

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
