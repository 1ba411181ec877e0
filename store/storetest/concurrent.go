package storetest

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
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
	test{"Concurrent/EnqueueSameDedupKeyQueuesOnce", testConcurrentEnqueue},
	test{"Concurrent/WorkersDeliverEachAlertOnce", testConcurrentWorkers},
	test{"Concurrent/WorkersRideOnBatchSaves", testConcurrentWorkersWithSaves},
	test{"Concurrent/BotSwapLosesNoUpdate", testConcurrentBotSwap},
	test{"Concurrent/AddUsageCountsEveryAdd", testConcurrentUsage},
	test{"Concurrent/OffsetAndDigestDayNeverGoBack", testConcurrentMonotonic},
	test{"Concurrent/InboxReaderSeesEveryAppendOnce", testConcurrentInbox},
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
				m := Mention(fmt.Sprint((w*2+r*3+k)%keys), core.LabelNegative, t0)
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
		m := Mention(fmt.Sprint(i), core.LabelNegative, t0)
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
			m := Mention(fmt.Sprintf("%d-%d", w, i), core.LabelPositive, t0)
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

// Writers deciding the same actions at once (two replicas reading one
// source, a retried round) queue each dedup key once, and the one that
// queued it is told so.
func testConcurrentEnqueue(t *testing.T, open Opener) {
	db := empty(t, open)
	dbs := replicas(t, open, db, 2)
	const writers, keys = 8, 10
	var mu sync.Mutex
	queued := map[string]int{}
	parallel(t, writers, func(w int) error {
		var as []core.Action
		for k := range keys {
			// Each writer in its own order, so that they cross.
			k = (k + w*3) % keys
			as = append(as, core.Action{Kind: core.ActionNotify, DedupKey: fmt.Sprint("spike:", k), Text: fmt.Sprint("from ", w), CreatedAt: t0})
		}
		for i := 0; i < len(as); i += 3 {
			q, err := dbs[w%2].Enqueue(ctx, as[i:min(i+3, len(as))]...)
			if err != nil {
				return err
			}
			mu.Lock()
			for _, a := range q {
				queued[a.DedupKey]++
			}
			mu.Unlock()
		}
		return nil
	})
	if len(queued) != keys {
		t.Errorf("%d keys queued, want %d", len(queued), keys)
	}
	for k, n := range queued {
		if n != 1 {
			t.Errorf("%s reported queued %d times, want once", k, n)
		}
	}
	if as, err := db.Actions(ctx, store.ActionFilter{}); err != nil || len(as) != keys {
		t.Fatalf("%d actions stored,%v, want %d", len(as), err, keys)
	}
	if st, err := db.Outbox(ctx); err != nil || st.Pending != keys {
		t.Fatalf("Outbox=%+v,%v, want %d pending", st, err, keys)
	}
}

// A bot record changed from several places at once (two managers pressing
// buttons) keeps every change, the first one too, when the record was
// still absent.
func testConcurrentBotSwap(t *testing.T, open Opener) {
	db := empty(t, open)
	dbs := replicas(t, open, db, 2)
	const writers, each = 8, 5
	type rec struct {
		N  int   `json:"n"`
		By []int `json:"by"`
	}
	parallel(t, writers, func(w int) error {
		for range each {
			if _, err := dbs[w%2].BotSwap(ctx, core.SpaceApprovals, "a1", t0, func(old []byte) ([]byte, []core.Action, error) {
				var r rec
				if old != nil {
					if err := json.Unmarshal(old, &r); err != nil {
						return nil, nil, err
					}
				}
				r.N++
				r.By = append(r.By, w)
				raw, err := json.Marshal(r)
				return raw, nil, err
			}); err != nil {
				return err
			}
		}
		return nil
	})
	raw, ok, err := db.BotGet(ctx, core.SpaceApprovals, "a1")
	if err != nil || !ok {
		t.Fatalf("BotGet=%v,%v", ok, err)
	}
	var r rec
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatal(err)
	}
	if r.N != writers*each || len(r.By) != writers*each {
		t.Fatalf("record %s, want %d changes kept", raw, writers*each)
	}
}

// Usage counted from several places at once loses no request.
func testConcurrentUsage(t *testing.T, open Opener) {
	db := empty(t, open)
	dbs := replicas(t, open, db, 2)
	const writers, each = 8, 10
	parallel(t, writers, func(w int) error {
		var seen int64
		for range each {
			got, err := dbs[w%2].AddUsage(ctx, t0, map[string]int64{"x.requests": 1, fmt.Sprint("w", w): 2})
			if err != nil {
				return err
			}
			if got["x.requests"] <= seen {
				return fmt.Errorf("x.requests went from %d to %d after an add", seen, got["x.requests"])
			}
			seen = got["x.requests"]
		}
		return nil
	})
	got, err := db.Usage(ctx, t0)
	if err != nil {
		t.Fatal(err)
	}
	if got["x.requests"] != writers*each || len(got) != writers+1 {
		t.Fatalf("Usage=%v, want x.requests %d and one meter per writer", got, writers*each)
	}
	for w := range writers {
		if n := got[fmt.Sprint("w", w)]; n != 2*each {
			t.Errorf("w%d=%d, want %d", w, n, 2*each)
		}
	}
}

// The update offset and the digest day only move forward, also when the
// moves race.
func testConcurrentMonotonic(t *testing.T, open Opener) {
	db := empty(t, open)
	dbs := replicas(t, open, db, 2)
	const writers, each = 6, 10
	parallel(t, writers, func(w int) error {
		for i := range each {
			n := i*writers + w + 1 // 1 … writers*each, each once
			if err := dbs[w%2].SetUpdateOffset(ctx, int64(n)); err != nil {
				return err
			}
			if err := dbs[(w+1)%2].SetDigestSent(ctx, t0.AddDate(0, 0, n).Format(core.DayFormat)); err != nil {
				return err
			}
		}
		return nil
	})
	if off, err := db.UpdateOffset(ctx); err != nil || off != writers*each {
		t.Errorf("UpdateOffset=%d,%v, want %d", off, err, writers*each)
	}
	if day, err := db.LastDigestDay(ctx); err != nil || day != t0.AddDate(0, 0, writers*each).Format(core.DayFormat) {
		t.Errorf("LastDigestDay=%q,%v, want the latest", day, err)
	}
}

// A reader following the inbox while writers append to it sees every
// mention once, in the order of their sequence numbers: none is passed
// over because it committed after a later one.
func testConcurrentInbox(t *testing.T, open Opener) {
	db := empty(t, open)
	dbs := replicas(t, open, db, 2)
	const writers, each = 6, 5
	var writing atomic.Bool
	writing.Store(true)
	done := make(chan struct{})
	seen := map[string]int{}
	var readErr error
	go func() {
		defer close(done)
		var last uint64
		for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); {
			finished := !writing.Load()
			ms, next, err := dbs[1].InboxAfter(ctx, last, 7)
			if err != nil {
				readErr = err
				return
			}
			if next < last || (len(ms) > 0 && next == last) {
				readErr = fmt.Errorf("InboxAfter(%d) returned %d mentions and %d", last, len(ms), next)
				return
			}
			for _, m := range ms {
				seen[m.Key()]++
			}
			last = next
			if len(ms) == 0 {
				if finished {
					return // caught up with every append
				}
				time.Sleep(time.Millisecond)
			}
		}
		readErr = errors.New("the reader did not catch up within 30s")
	}()
	parallel(t, writers, func(w int) error {
		for i := range each {
			var ms []core.Mention
			for j := range 2 {
				m := Mention(fmt.Sprintf("-100:%d-%d-%d", w, i, j), core.LabelNeutral, t0)
				m.Platform, m.Analysis = core.PlatformTelegram, nil
				ms = append(ms, m)
			}
			if err := dbs[w%2].InboxAppend(ctx, int64(100+w*each+i), ms...); err != nil {
				return err
			}
		}
		return nil
	})
	writing.Store(false)
	<-done
	if readErr != nil {
		t.Fatal(readErr)
	}
	all, last, err := db.InboxAfter(ctx, 0, 0)
	if err != nil || len(all) != writers*each*2 {
		t.Fatalf("InboxAfter(0)=%d,%v, want %d", len(all), err, writers*each*2)
	}
	var keys, passed []string
	for _, m := range all {
		keys = append(keys, m.Key())
		if seen[m.Key()] == 0 {
			passed = append(passed, m.Key())
		}
	}
	if len(passed) > 0 {
		t.Errorf("the reader passed over %d of %d mentions (committed after a later one): %v", len(passed), len(all), passed)
	}
	for k, n := range seen {
		if n != 1 {
			t.Errorf("the reader saw %s %d times, want once", k, n)
		}
	}
	slices.Sort(keys)
	if len(slices.Compact(keys)) != writers*each*2 {
		t.Fatalf("the inbox holds a mention twice: %v", keys)
	}
	if n, err := db.InboxTrim(ctx, last); err != nil || n != writers*each*2 {
		t.Fatalf("InboxTrim(%d)=%d,%v, want all", last, n, err)
	}
}

// delivered settles every action in as as done, its result naming it.
func delivered(as []core.Action) []core.Outcome {
	var out []core.Outcome
	for _, a := range as {
		out = append(out, core.Outcome{ActionID: a.ID, State: core.ActionDone, Result: fmt.Sprint("ref:", a.ID), At: t0})
	}
	return out
}

// checkDeliveredOnce fails t unless each of the n alerts was delivered
// once: done on its first attempt with its own result, and its case
// alerted with that one reference.
func checkDeliveredOnce(t *testing.T, db store.Store, n int) {
	t.Helper()
	if rest, err := db.ClaimDue(ctx, t0, 0); err != nil || len(rest) != 0 {
		t.Fatalf("left due: %d, %v; want nothing", len(rest), err)
	}
	alerts, err := db.Actions(ctx, store.ActionFilter{Kind: core.ActionAlert})
	if err != nil || len(alerts) != n {
		t.Fatalf("%d alerts, %v; want %d", len(alerts), err, n)
	}
	for _, a := range alerts {
		if a.State != core.ActionDone || a.Attempts != 1 || a.Result != fmt.Sprint("ref:", a.ID) {
			t.Errorf("alert %d is %s after %d attempts with result %q; want done once, ref:%d", a.ID, a.State, a.Attempts, a.Result, a.ID)
			continue
		}
		c, err := db.Case(ctx, a.CaseID)
		if err != nil || c.State != core.CaseAlerted || len(c.Alerts) != 1 || c.Alerts[0] != a.Result {
			t.Errorf("case %d = %s with alerts %v, %v; want alerted once, by %s", a.CaseID, c.State, c.Alerts, err, a.Result)
		}
	}
	if st, err := db.Outbox(ctx); err != nil || st.Pending != 0 {
		t.Errorf("Outbox=%+v,%v, want nothing pending", st, err)
	}
}

// Outbox workers on two replicas, each settling its round and claiming
// the next in one call, deliver every alert once between them.
func testConcurrentWorkers(t *testing.T, open Opener) {
	db := empty(t, open)
	const alerts, workers = 48, 4
	var ids []string
	for i := range alerts {
		ids = append(ids, fmt.Sprint(i))
	}
	if _, err := db.SaveBatch(ctx, "s", "", alertsBatch(ids...), t0); err != nil {
		t.Fatal(err)
	}
	dbs := replicas(t, open, db, 2)
	parallel(t, workers, func(w int) error {
		round, err := dbs[w%2].ClaimDue(ctx, t0, 3)
		if err != nil {
			return err
		}
		for len(round) > 0 {
			if round, err = dbs[w%2].SettleAndClaim(ctx, delivered(round), t0, 3); err != nil {
				return err
			}
		}
		return nil
	})
	checkDeliveredOnce(t, db, alerts)
}

// Workers settling into the next batch save (SettleAndClaimNext) while
// polls keep saving batches deliver every alert once, whether a save took
// their round or they committed alone.
func testConcurrentWorkersWithSaves(t *testing.T, open Opener) {
	db := empty(t, open)
	dbs := replicas(t, open, db, 2)
	const savers, batches, size, workers = 3, 4, 4, 2
	var saving atomic.Int32
	saving.Store(savers)
	parallel(t, savers+workers, func(w int) error {
		if w < savers {
			defer saving.Add(-1)
			for b := range batches {
				var ids []string
				for i := range size {
					ids = append(ids, fmt.Sprintf("%d-%d-%d", w, b, i))
				}
				if _, err := dbs[w%2].SaveBatch(ctx, fmt.Sprint("s", w), fmt.Sprint(b), alertsBatch(ids...), t0); err != nil {
					return err
				}
			}
			return nil
		}
		var round []core.Action
		for {
			last := saving.Load() == 0
			next, _, err := dbs[w%2].SettleAndClaimNext(ctx, delivered(round), func() time.Time { return t0 }, 3, 8, 2*time.Millisecond)
			if err != nil {
				return err
			}
			round = next
			if last && len(round) == 0 {
				return nil
			}
		}
	})
	checkDeliveredOnce(t, db, savers*batches*size)
}
