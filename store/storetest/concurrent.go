package storetest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/store"
)

// Several writers at once, in one process and across replicas (two
// handles on one database, where the driver allows it), must leave what
// one writer at a time would.
var _ = add(
	test{"Concurrent/SaveBatchOverlappingStoresEachOnce", testConcurrentSaveBatch},
	test{"Concurrent/ClaimDueClaimsEachOnce", testConcurrentClaimDue},
	test{"Concurrent/UpdateCaseLosesNoUpdate", testConcurrentUpdateCase},
	test{"Concurrent/UseWebLinkSucceedsOnce", testConcurrentUseWebLink},
	test{"Concurrent/CodesHandedOutDistinct", testConcurrentCodes},
)

// parallel runs fn(0) … fn(n-1) each in its own goroutine, started
// together, and reports their errors.
func parallel(t *testing.T, n int, fn func(i int) error) {
	t.Helper()
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = fn(i)
		}()
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("writer %d: %v", i, err)
		}
	}
	if t.Failed() {
		t.FailNow()
	}
}

// Writers saving overlapping batches store each mention, its case, its
// alert and its counts once, and every mention is someone's Stored.
func testConcurrentSaveBatch(t *testing.T, open Opener) {
	db := empty(t, open)
	dbs := replicas(t, open, db, 2)
	const writers, rounds, size, keys = 6, 3, 8, 16
	var mu sync.Mutex
	stored := map[string]int{}
	cursors := map[string]bool{}
	parallel(t, writers, func(w int) error {
		for r := range rounds {
			var ds []core.Decision
			for k := range size {
				m := mention(fmt.Sprint((w*2+r*3+k)%keys), core.LabelNegative, t0)
				ds = append(ds, core.Decision{Mention: m, OpenCase: true, Actions: []core.Action{alertFor(m)}})
			}
			cursor := fmt.Sprintf("w%d-r%d", w, r)
			res, err := dbs[w%2].SaveBatch(ctx, "x/mentions", cursor, ds, t0)
			if err != nil {
				return err
			}
			if len(res.Stored)+res.Duplicates != size || len(res.Cases) != len(res.Stored) || len(res.Actions) != len(res.Stored) {
				return fmt.Errorf("SaveBatch=%d stored, %d duplicates, %d cases, %d actions; want %d in all, a case and an alert each stored",
					len(res.Stored), res.Duplicates, len(res.Cases), len(res.Actions), size)
			}
			mu.Lock()
			for _, m := range res.Stored {
				stored[m.Key()]++
			}
			cursors[cursor] = true
			mu.Unlock()
		}
		return nil
	})
	if len(stored) != keys {
		t.Fatalf("%d mentions stored by someone, want %d", len(stored), keys)
	}
	for k, n := range stored {
		if n != 1 {
			t.Errorf("mention %s reported stored %d times", k, n)
		}
	}
	if n, err := db.MentionCount(ctx); err != nil || n != keys {
		t.Errorf("MentionCount=%d,%v, want %d", n, err, keys)
	}
	if _, total, err := db.OpenCases(ctx, core.CaseFilter{}); err != nil || total != keys {
		t.Errorf("open cases %d,%v, want %d", total, err, keys)
	}
	alerts, err := db.Actions(ctx, store.ActionFilter{Kind: core.ActionAlert})
	if err != nil || len(alerts) != keys {
		t.Errorf("%d alerts,%v, want %d", len(alerts), err, keys)
	}
	counts, err := db.DayCounts(ctx, t0.Format(core.DayFormat))
	if err != nil || counts.Get(core.DimTotal, "") != keys || counts.Get(core.DimLabel, string(core.LabelNegative)) != keys {
		t.Errorf("DayCounts=%v,%v, want %d mentions, all negative", counts, err, keys)
	}
	hours, err := db.HourlyCounts(ctx, core.LabelNegative, t0.Truncate(time.Hour), t0.Truncate(time.Hour).Add(time.Hour))
	if err != nil || len(hours) != 1 || hours[0] != keys {
		t.Errorf("HourlyCounts=%v,%v, want [%d]", hours, err, keys)
	}
	tallies, err := db.DayAuthors(ctx, t0.Format(core.DayFormat))
	if err != nil || len(tallies) != keys {
		t.Errorf("DayAuthors=%d,%v, want %d authors", len(tallies), err, keys)
	}
	for i := range keys {
		m := mention(fmt.Sprint(i), core.LabelNegative, t0)
		if h, err := db.Author(ctx, m.AuthorKey()); err != nil || h.Mentions != 1 || h.Negative != 1 || len(h.Cases) != 1 {
			t.Errorf("Author(%s)=%+v,%v, want 1 negative mention and its case", m.AuthorKey(), h, err)
		}
		if _, err := db.CaseByMention(ctx, m.Key()); err != nil {
			t.Errorf("CaseByMention(%s): %v", m.Key(), err)
		}
	}
	if cur, err := db.Cursor(ctx, "x/mentions"); err != nil || !cursors[cur] {
		t.Errorf("Cursor=%q,%v, want one a writer saved", cur, err)
	}
}

// Claimers racing for the same due actions each get their own: every
// action is claimed once, with one attempt counted.
func testConcurrentClaimDue(t *testing.T, open Opener) {
	db := empty(t, open)
	dbs := replicas(t, open, db, 2)
	const actions, claimers = 60, 6
	var acts []core.Action
	for i := range actions {
		acts = append(acts, core.Action{Kind: core.ActionNotify, DedupKey: fmt.Sprint("n", i), Text: "hi", CreatedAt: t0})
	}
	if q, err := db.Enqueue(ctx, acts...); err != nil || len(q) != actions {
		t.Fatalf("Enqueue=%d,%v", len(q), err)
	}
	var mu sync.Mutex
	claimed := map[uint64]int{}
	take := func(as []core.Action) error {
		mu.Lock()
		defer mu.Unlock()
		for _, a := range as {
			claimed[a.ID]++
			if a.State != core.ActionSending || a.Attempts != 1 {
				return fmt.Errorf("claimed %+v, want sending on its first attempt", a)
			}
		}
		return nil
	}
	parallel(t, claimers, func(w int) error {
		for {
			as, err := dbs[w%2].ClaimDue(ctx, t0, 4)
			if err != nil {
				return err
			}
			if len(as) == 0 {
				return nil
			}
			if len(as) > 4 {
				return fmt.Errorf("ClaimDue(limit 4) claimed %d", len(as))
			}
			if err := take(as); err != nil {
				return err
			}
		}
	})
	rest, err := db.ClaimDue(ctx, t0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := take(rest); err != nil {
		t.Fatal(err)
	}
	if len(claimed) != actions {
		t.Fatalf("%d actions claimed, want %d", len(claimed), actions)
	}
	for id, n := range claimed {
		if n != 1 {
			t.Errorf("action %d claimed %d times", id, n)
		}
	}
	sending, err := db.Actions(ctx, store.ActionFilter{State: core.ActionSending})
	if err != nil || len(sending) != actions {
		t.Fatalf("%d actions in sending,%v, want %d", len(sending), err, actions)
	}
	for _, a := range sending {
		if a.Attempts != 1 {
			t.Errorf("action %d has %d attempts, want 1", a.ID, a.Attempts)
		}
	}
}

// Managers changing one case at once each see their change kept, with the
// action it queued.
func testConcurrentUpdateCase(t *testing.T, open Opener) {
	db := empty(t, open)
	id := saveCases(t, db, 1)[0]
	dbs := replicas(t, open, db, 2)
	const writers, each = 8, 5
	parallel(t, writers, func(w int) error {
		for i := range each {
			_, q, err := dbs[w%2].UpdateCase(ctx, id, func(c *core.Case) ([]core.Action, error) {
				c.Remind(t0.Add(time.Duration(w*each+i) * time.Second))
				return []core.Action{{Kind: core.ActionNotify, DedupKey: fmt.Sprintf("remind:%d:%d", w, i), Text: "again", CreatedAt: t0}}, nil
			})
			if err != nil {
				return err
			}
			if len(q) != 1 || q[0].CaseID != id {
				return fmt.Errorf("UpdateCase queued %+v, want its reminder for case %d", q, id)
			}
		}
		return nil
	})
	c, err := db.Case(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	reminded := 0
	for _, e := range c.Events {
		if e.Action == "reminded" {
			reminded++
		}
	}
	if c.Reminders != writers*each || reminded != writers*each {
		t.Fatalf("case has %d reminders and %d reminded events, want %d of each", c.Reminders, reminded, writers*each)
	}
	if as, err := db.Actions(ctx, store.ActionFilter{CaseID: id}); err != nil || len(as) != writers*each {
		t.Fatalf("%d actions for the case,%v, want %d", len(as), err, writers*each)
	}
}

// A sign-in link opened from several browsers at once signs in one.
func testConcurrentUseWebLink(t *testing.T, open Opener) {
	dbs := replicas(t, open, empty(t, open), 2)
	exp := t0.Add(10 * time.Minute)
	for _, nonce := range []string{"n1", "n2", "n3"} {
		var mu sync.Mutex
		used := 0
		parallel(t, 8, func(w int) error {
			ok, err := dbs[w%2].UseWebLink(ctx, nonce, exp, t0)
			if ok {
				mu.Lock()
				used++
				mu.Unlock()
			}
			return err
		})
		if used != 1 {
			t.Errorf("link %s used %d times, want once", nonce, used)
		}
	}
}

// Thank-yous queued at once, by Enqueue and by batch saves, each get a
// code of their own until the pool is empty, which is said once.
func testConcurrentCodes(t *testing.T, open Opener) {
	db := empty(t, open)
	dbs := replicas(t, open, db, 2)
	const codes, writers, each = 30, 6, 8
	var pool []string
	for i := range codes {
		pool = append(pool, fmt.Sprintf("K%02d", i))
	}
	if load, err := db.AddCodes(ctx, pool); err != nil || load.Added != codes {
		t.Fatalf("AddCodes=%+v,%v", load, err)
	}
	var mu sync.Mutex
	got := map[string][]string{}
	keep := func(as []core.Action) {
		mu.Lock()
		defer mu.Unlock()
		for _, a := range as {
			if a.Kind == core.ActionThankPrivate {
				got[a.Code] = append(got[a.Code], a.MentionKey)
			}
		}
	}
	parallel(t, writers, func(w int) error {
		var thanks []core.Action
		var ds []core.Decision
		for i := range each {
			m := mention(fmt.Sprintf("%d-%d", w, i), core.LabelPositive, t0)
			m.Analysis.Referral = true
			a := core.Action{Kind: core.ActionThankPrivate, DedupKey: "thankdm:" + m.Key(), MentionKey: m.Key(), Text: "your code {code}", CreatedAt: t0}
			thanks = append(thanks, a)
			ds = append(ds, core.Decision{Mention: m, Actions: []core.Action{a}})
		}
		if w%2 == 0 {
			for _, a := range thanks {
				q, err := dbs[(w/2)%2].Enqueue(ctx, a)
				if err != nil {
					return err
				}
				keep(q)
			}
			return nil
		}
		for i := 0; i < len(ds); i += 2 {
			res, err := dbs[(w/2)%2].SaveBatch(ctx, fmt.Sprint("s", w), "", ds[i:i+2], t0)
			if err != nil {
				return err
			}
			keep(res.Actions)
		}
		return nil
	})
	if len(got) != codes {
		t.Errorf("%d distinct codes handed out, want all %d", len(got), codes)
	}
	for code, to := range got {
		if code == "" || len(to) != 1 {
			t.Errorf("code %q handed to %v, want a code to one referrer", code, to)
		}
	}
	if n, err := db.CodesLeft(ctx); err != nil || n != 0 {
		t.Errorf("CodesLeft=%d,%v, want 0", n, err)
	}
	stored, err := db.Actions(ctx, store.ActionFilter{Kind: core.ActionThankPrivate})
	if err != nil || len(stored) != codes {
		t.Fatalf("%d thank-yous stored,%v, want %d (one per code)", len(stored), err, codes)
	}
	seen := map[string]bool{}
	for _, a := range stored {
		if a.Code == "" || seen[a.Code] {
			t.Errorf("stored thank-you %d has code %q, want a code of its own", a.ID, a.Code)
		}
		seen[a.Code] = true
	}
	notices, err := db.Actions(ctx, store.ActionFilter{Kind: core.ActionNotify})
	if err != nil {
		t.Fatal(err)
	}
	empties := 0
	for _, a := range notices {
		if a.Topic == core.TopicCodesEmpty {
			empties++
		}
	}
	if empties != 1 {
		t.Errorf("%d notices that the codes ran out, want 1", empties)
	}
}
