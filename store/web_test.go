package store

import (
	"fmt"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/shenava/shenava/core"
)

// saveCases stores n negative mentions, each opening a case, one minute
// apart from t0, and returns the case IDs oldest first.
func saveCases(t *testing.T, db *DB, n int) []uint64 {
	t.Helper()
	var ds []core.Decision
	for i := range n {
		m := mention(fmt.Sprint("w", i), core.LabelNegative, t0.Add(time.Duration(i)*time.Minute))
		ds = append(ds, core.Decision{Mention: m, OpenCase: true})
	}
	res, err := db.SaveBatch(ctx, "x/mentions", "", ds, t0)
	if err != nil {
		t.Fatal(err)
	}
	var ids []uint64
	for _, c := range res.Cases {
		ids = append(ids, c.ID)
	}
	return ids
}

func TestIndexCases_IndexesOldDatabases(t *testing.T) {
	db := MustOpen(t, Options{NoSync: true})
	saveCases(t, db, 3)
	// Forget the index as a database written before it would.
	if err := db.db.Update(func(tx *bolt.Tx) error {
		return tx.DeleteBucket(bktWebStateCases)
	}); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := db.IndexCases(ctx); err != nil {
			t.Fatal(err)
		}
	}
	counts, err := db.CaseCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if counts[core.CaseNew] != 3 {
		t.Fatalf("counts after indexing = %v, want 3 new", counts)
	}
}

// A file whose cases were indexed before they were counted by state gets
// its counts from the index, once; after that they follow every change.
func TestIndexCases_CountsOldIndexes(t *testing.T) {
	db := MustOpen(t, Options{NoSync: true})
	ids := saveCases(t, db, 4)
	if err := db.IndexCases(ctx); err != nil {
		t.Fatal(err)
	}
	if err := db.db.Update(func(tx *bolt.Tx) error {
		if err := tx.DeleteBucket(bktWebStateCount); err != nil {
			return err
		}
		return tx.Bucket(bktMeta).Delete(keyWebCounts)
	}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.UpdateCase(ctx, ids[0], func(c *core.Case) ([]core.Action, error) { return nil, c.Claim("Sara", t0) }); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := db.IndexCases(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := db.UpdateCase(ctx, ids[1], func(c *core.Case) ([]core.Action, error) { return nil, c.Claim("Sara", t0) }); err != nil {
		t.Fatal(err)
	}
	counts, err := db.CaseCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(counts) != fmt.Sprint(map[core.CaseState]int{core.CaseNew: 2, core.CaseClaimed: 2}) {
		t.Fatalf("counts = %v, want 2 new and 2 claimed", counts)
	}
}
