package store

import (
	"slices"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/shenava/shenava/core"
)

// The pending and open-case indexes carry what the worker, /metrics and
// the SLA watcher ask (state and times; the label), so they read no
// record; entries a file written before that holds (nil values) are read
// from the records and answer the same.
func TestIndexes_OldEntriesAnswerTheSame(t *testing.T) {
	for _, old := range []bool{false, true} {
		db := MustOpen(t, Options{})
		var ds []core.Decision
		for i, label := range []core.Label{core.LabelNegative, core.LabelPositive, core.LabelNegative} {
			m := mention(string(rune('1'+i)), label, t0.Add(time.Duration(i)*time.Minute))
			ds = append(ds, core.Decision{Mention: m, OpenCase: true, Actions: []core.Action{alertFor(m)}})
		}
		if _, err := db.SaveBatch(ctx, "s", "", ds, t0); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Enqueue(ctx, core.Action{Kind: core.ActionNotify, DedupKey: "later", Text: "x", CreatedAt: t0, NextAttemptAt: t0.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ClaimDue(ctx, t0, 1); err != nil { // one in sending
			t.Fatal(err)
		}
		if old {
			if err := db.db.Update(func(tx *bolt.Tx) error {
				for _, name := range [][]byte{bktOutboxPending, bktCasesOpen} {
					b := tx.Bucket(name)
					var keys [][]byte
					b.ForEach(func(k, _ []byte) error { keys = append(keys, slices.Clone(k)); return nil })
					for _, k := range keys {
						if err := b.Put(k, nil); err != nil {
							return err
						}
					}
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
		}
		st, err := db.Outbox(ctx)
		if err != nil || st.Pending != 4 || !st.OldestPending.Equal(t0) || !st.NextDue.Equal(t0) {
			t.Fatalf("old=%v: Outbox=%+v,%v", old, st, err)
		}
		if due, _ := db.Due(ctx, t0); !due {
			t.Fatalf("old=%v: nothing due at t0", old)
		}
		neg, total, err := db.OpenCases(ctx, core.CaseFilter{Label: core.LabelNegative, Limit: 1})
		if err != nil || total != 2 || len(neg) != 1 || neg[0].Label != core.LabelNegative {
			t.Fatalf("old=%v: OpenCases=%d of %d, %v", old, len(neg), total, err)
		}
		claimed, err := db.ClaimDue(ctx, t0.Add(2*time.Minute), 0)
		if err != nil || len(claimed) != 2 {
			t.Fatalf("old=%v: ClaimDue=%d,%v, want the two alerts not yet claimed", old, len(claimed), err)
		}
		_, doubt, err := db.ResumeInFlight(ctx, t0, nil, nil)
		if err != nil || len(doubt) != 3 {
			t.Fatalf("old=%v: ResumeInFlight found %d in sending, %v; want 3", old, len(doubt), err)
		}
	}
}
