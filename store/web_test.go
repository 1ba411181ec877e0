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

func TestCasePage_ByStateNewestFirst(t *testing.T) {
	db := MustOpen(t, Options{NoSync: true})
	ids := saveCases(t, db, 7)
	if err := db.IndexCases(ctx); err != nil {
		t.Fatal(err)
	}
	// Cases 2 and 5 are claimed, 6 resolved.
	for _, id := range []uint64{ids[2], ids[5]} {
		if _, _, err := db.UpdateCase(ctx, id, func(c *core.Case) ([]core.Action, error) { return nil, c.Claim("Sara", t0) }); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := db.UpdateCase(ctx, ids[6], func(c *core.Case) ([]core.Action, error) { return nil, c.Resolve("Sara", t0) }); err != nil {
		t.Fatal(err)
	}
	counts, err := db.CaseCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if counts[core.CaseNew] != 4 || counts[core.CaseClaimed] != 2 || counts[core.CaseResolved] != 1 {
		t.Fatalf("counts = %v, want 4 new, 2 claimed, 1 resolved", counts)
	}
	got := func(q core.PageQuery) ([]uint64, core.CasePage) {
		t.Helper()
		p, err := db.CasePage(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		var out []uint64
		for i, c := range p.Cases {
			if p.Mentions[i].Key() != c.MentionKey {
				t.Fatalf("mention %d is %s, want %s", i, p.Mentions[i].Key(), c.MentionKey)
			}
			out = append(out, c.ID)
		}
		return out, p
	}
	// New and claimed together, two a page: 5 4 | 3 2 | 1 0.
	q := core.PageQuery{States: []core.CaseState{core.CaseNew, core.CaseClaimed}, Limit: 2}
	var all []uint64
	for range 4 {
		page, p := got(q)
		all = append(all, page...)
		if p.Next == "" {
			break
		}
		q.After = p.Next
	}
	want := []uint64{ids[5], ids[4], ids[3], ids[2], ids[1], ids[0]}
	if fmt.Sprint(all) != fmt.Sprint(want) {
		t.Fatalf("pages = %v, want %v", all, want)
	}
	// Match and the budget: only even IDs, looking at 3 cases at most.
	page, p := got(core.PageQuery{Budget: 3, Match: func(c *core.Case, _ *core.Mention) bool { return c.ID%2 == 0 }})
	if !p.Partial || p.Next == "" || len(page) == 0 {
		t.Fatalf("budgeted page = %v partial=%v next=%q, want a partial page with a cursor", page, p.Partial, p.Next)
	}
	// From stops the walk.
	page, p = got(core.PageQuery{From: t0.Add(time.Second)})
	if len(page) != 0 && p.Next != "" {
		t.Fatalf("cases are all created at t0; from after it = %v next %q", page, p.Next)
	}
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

func TestMentionPage_NewestFirstWithCursor(t *testing.T) {
	db := MustOpen(t, Options{NoSync: true})
	var ds []core.Decision
	for i := range 5 {
		ds = append(ds, core.Decision{Mention: mention(fmt.Sprint(i), core.LabelNeutral, t0.Add(time.Duration(i)*time.Hour))})
	}
	if _, err := db.SaveBatch(ctx, "x/mentions", "", ds, t0); err != nil {
		t.Fatal(err)
	}
	var all []string
	q := core.PageQuery{Limit: 2, To: t0.Add(4 * time.Hour), From: t0.Add(time.Hour)}
	for range 5 {
		p, err := db.MentionPage(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range p.Mentions {
			all = append(all, m.NativeID)
		}
		if p.Next == "" {
			break
		}
		q.After = p.Next
	}
	if fmt.Sprint(all) != "[3 2 1]" {
		t.Fatalf("mentions in [t0+1h, t0+4h) newest first = %v, want [3 2 1]", all)
	}
	if _, err := db.MentionPage(ctx, core.PageQuery{After: "!!"}); err == nil {
		t.Fatal("a corrupt cursor was accepted")
	}
}

func TestUseWebLink_Once(t *testing.T) {
	db := MustOpen(t, Options{NoSync: true})
	exp := t0.Add(10 * time.Minute)
	if ok, err := db.UseWebLink(ctx, "n1", exp, t0); err != nil || !ok {
		t.Fatalf("first use = %v, %v; want true", ok, err)
	}
	if ok, err := db.UseWebLink(ctx, "n1", exp, t0.Add(time.Minute)); err != nil || ok {
		t.Fatalf("second use = %v, %v; want false", ok, err)
	}
}

func TestWebSessions(t *testing.T) {
	db := MustOpen(t, Options{NoSync: true})
	if err := db.PutWebSession(ctx, "a", []byte("1")); err != nil {
		t.Fatal(err)
	}
	if err := db.PutWebSession(ctx, "b", []byte("2")); err != nil {
		t.Fatal(err)
	}
	if v, ok, err := db.WebSession(ctx, "a"); err != nil || !ok || string(v) != "1" {
		t.Fatalf("session a = %q %v %v", v, ok, err)
	}
	n, err := db.PruneWebSessions(ctx, func(rec []byte) bool { return string(rec) == "2" })
	if err != nil || n != 1 {
		t.Fatalf("pruned %d, %v; want 1", n, err)
	}
	if _, ok, _ := db.WebSession(ctx, "a"); ok {
		t.Fatal("pruned session a is still there")
	}
	if err := db.PutWebSession(ctx, "b", nil); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := db.WebSession(ctx, "b"); ok {
		t.Fatal("deleted session b is still there")
	}
}

func TestPages_StopAtTheirDeadline(t *testing.T) {
	db := MustOpen(t, Options{NoSync: true})
	saveCases(t, db, 100)
	past := time.Now().Add(-time.Second)
	none := func(*core.Case, *core.Mention) bool { return false }
	cp, err := db.CasePage(ctx, core.PageQuery{Until: past, Match: none})
	if err != nil || !cp.Partial || cp.Next == "" {
		t.Fatalf("case page past its deadline: partial=%v next=%q err=%v", cp.Partial, cp.Next, err)
	}
	mp, err := db.MentionPage(ctx, core.PageQuery{Until: past, Match: none})
	if err != nil || !mp.Partial || mp.Next == "" {
		t.Fatalf("mention page past its deadline: partial=%v next=%q err=%v", mp.Partial, mp.Next, err)
	}
}
