package pgstore

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/pgtest"
	"github.com/shenava/shenava/store"
)

// openReplica opens a handle on dsn as replica name ("" = the only
// process), closed when t ends.
func openReplica(t *testing.T, dsn, name string, lease time.Duration) *DB {
	t.Helper()
	db, err := Open(ctx, Options{DSN: dsn, Replica: name, ReplicaLease: lease})
	if err != nil {
		t.Fatalf("Open(%q): %v", name, err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// claimOne opens replica "a" and has it claim one queued notice, so that
// it is in sending; the test ends a as it means to (closed, killed).
func claimOne(t *testing.T, dsn string) *DB {
	t.Helper()
	a, err := Open(ctx, Options{DSN: dsn, Replica: "a", ReplicaLease: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Enqueue(ctx, notices(1, t0)...); err != nil {
		t.Fatal(err)
	}
	if got, _ := a.ClaimDue(ctx, t0, 1); len(got) != 1 {
		t.Fatal("nothing claimed")
	}
	return a
}

func notices(n int, at time.Time) []core.Action {
	var out []core.Action
	for i := range n {
		out = append(out, core.Action{Kind: core.ActionNotify, DedupKey: fmt.Sprint("n", i), Text: "hi", Actor: core.ActorSystem, CreatedAt: at})
	}
	return out
}

func TestClaimDue_TwoReplicasClaimEachActionOnce(t *testing.T) {
	t.Parallel()
	dsn := pgtest.DSN(t)
	a, b := openReplica(t, dsn, "a", 0), openReplica(t, dsn, "b", 0)
	if q, err := a.Enqueue(ctx, notices(200, t0)...); err != nil || len(q) != 200 {
		t.Fatalf("Enqueue: %d, %v", len(q), err)
	}
	var (
		mu     sync.Mutex
		seen   = map[uint64]string{}
		dupes  []uint64
		counts = map[string]int{}
		wg     sync.WaitGroup
	)
	for _, r := range []struct {
		name string
		db   *DB
	}{{"a", a}, {"a", a}, {"b", b}, {"b", b}} {
		wg.Go(func() {
			for {
				got, err := r.db.ClaimDue(ctx, t0, 7)
				if err != nil {
					t.Error(err)
					return
				}
				if len(got) == 0 {
					return
				}
				mu.Lock()
				for _, x := range got {
					if _, ok := seen[x.ID]; ok {
						dupes = append(dupes, x.ID)
					}
					seen[x.ID] = r.name
					counts[r.name]++
					if x.State != core.ActionSending || x.Attempts != 1 {
						t.Errorf("claimed %+v, want sending at attempt 1", x)
					}
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(dupes) > 0 || len(seen) != 200 {
		t.Fatalf("claimed %d distinct actions, twice: %v; want all 200 once", len(seen), dupes)
	}
	t.Logf("claims per replica: %v", counts)
	var rows []struct {
		by    string
		state string
	}
	r, err := a.pool.Query(ctx, `SELECT claimed_by, state FROM outbox`)
	if err != nil {
		t.Fatal(err)
	}
	for r.Next() {
		var x struct{ by, state string }
		if err := r.Scan(&x.by, &x.state); err != nil {
			t.Fatal(err)
		}
		rows = append(rows, struct {
			by    string
			state string
		}{x.by, x.state})
	}
	for _, x := range rows {
		if x.state != "sending" || (x.by != "a" && x.by != "b") {
			t.Fatalf("row claimed by %q in %s", x.by, x.state)
		}
	}
}

func TestResumeInFlight_LeavesALiveReplicasSendsToIt(t *testing.T) {
	t.Parallel()
	dsn := pgtest.DSN(t)
	a := openReplica(t, dsn, "a", time.Hour)
	if _, err := a.Enqueue(ctx, notices(3, t0)...); err != nil {
		t.Fatal(err)
	}
	mine, err := a.ClaimDue(ctx, t0, 1)
	if err != nil || len(mine) != 1 {
		t.Fatalf("ClaimDue: %v, %v", mine, err)
	}

	// b starts while a is sending: a's action is left alone.
	b := openReplica(t, dsn, "b", time.Hour)
	if resumed, doubt, err := b.ResumeInFlight(ctx, t0, func(core.Action) bool { return true }, nil); err != nil || len(resumed)+len(doubt) != 0 {
		t.Fatalf("b recovered %v %v, %v; want nothing of the live replica a", resumed, doubt, err)
	}
	theirs, _ := b.ClaimDue(ctx, t0, 1)

	// a's lease runs out (a hangs or its machine is gone): the next
	// replica to start recovers a's action, and leaves b's.
	if _, err := a.pool.Exec(ctx, `UPDATE replicas SET lease_until_ns = shenava_now_ns() - 1 WHERE name = 'a'`); err != nil {
		t.Fatal(err)
	}
	c := openReplica(t, dsn, "c", time.Hour)
	resumed, doubt, err := c.ResumeInFlight(ctx, t0.Add(time.Minute), func(core.Action) bool { return true }, nil)
	if err != nil || len(doubt) != 0 || len(resumed) != 1 || resumed[0].ID != mine[0].ID ||
		resumed[0].State != core.ActionPending || !resumed[0].Unsure || !resumed[0].NextAttemptAt.Equal(t0.Add(time.Minute)) {
		t.Fatalf("c resumed %+v, doubt %v, %v; want a's action %d pending and unsure", resumed, doubt, err, mine[0].ID)
	}

	// b's process dies (its connection closes, its lease is never ended)
	// and b starts again: the new life recovers at once what the earlier
	// one left in sending, its lease still running.
	b.lease.end(false)
	b2 := openReplica(t, dsn, "b", time.Hour)
	killed(t, b2, b.lease.life)
	doubt, err = b2.RecoverInFlight(ctx, func(stuck []core.Action) []core.Action {
		return []core.Action{{Kind: core.ActionNotify, DedupKey: "in_doubt:b", Text: "told", CreatedAt: t0}}
	})
	if err != nil || len(doubt) != 1 || doubt[0].ID != theirs[0].ID || doubt[0].State != core.ActionInDoubt {
		t.Fatalf("b's new life: doubt %+v, %v; want its earlier life's action %d", doubt, err, theirs[0].ID)
	}
	if known, _ := b2.KnownActions(ctx, []string{"in_doubt:b"}); !known["in_doubt:b"] {
		t.Fatal("the in-doubt notice was not queued with the recovery")
	}
}

func TestResumeInFlight_CleanCloseEndsTheLease(t *testing.T) {
	t.Parallel()
	dsn := pgtest.DSN(t)
	a := claimOne(t, dsn)
	a.Close()
	a.Close()
	b := openReplica(t, dsn, "b", time.Hour)
	if doubt, err := b.RecoverInFlight(ctx, nil); err != nil || len(doubt) != 1 {
		t.Fatalf("after a closed: doubt %v, %v; want a's action", doubt, err)
	}
}

func TestResumeInFlight_LeaseRenewedWhileOpen(t *testing.T) {
	t.Parallel()
	dsn := pgtest.DSN(t)
	a := openReplica(t, dsn, "a", 1500*time.Millisecond)
	if _, err := a.Enqueue(ctx, notices(1, t0)...); err != nil {
		t.Fatal(err)
	}
	if got, _ := a.ClaimDue(ctx, t0, 1); len(got) != 1 {
		t.Fatal("nothing claimed")
	}
	time.Sleep(5 * time.Second) // over three lease lengths: renewed all along
	b := openReplica(t, dsn, "b", time.Hour)
	if doubt, err := b.RecoverInFlight(ctx, nil); err != nil || len(doubt) != 0 {
		t.Fatalf("b took a live replica's send: %v, %v", doubt, err)
	}
}

// The lease's connection killed: the replica counts as gone until it has
// connected again and taken its lock back, then as alive.
func TestResumeInFlight_LeaseConnectionLostAndBack(t *testing.T) {
	t.Parallel()
	dsn := pgtest.DSN(t)
	a := openReplica(t, dsn, "a", 1500*time.Millisecond)
	b := openReplica(t, dsn, "b", time.Hour)
	if _, err := a.Enqueue(ctx, notices(2, t0)...); err != nil {
		t.Fatal(err)
	}
	lockPid := func() int {
		var pid int
		// The lock's holder, once the lease is renewed on its connection.
		err := b.pool.QueryRow(ctx, `SELECT k.pid FROM pg_locks k JOIN replicas r ON k.objid::bigint = r.id
			WHERE k.locktype = 'advisory' AND k.granted AND k.objsubid = 2 AND k.classid::bigint = $1 AND r.life = $2
			AND k.database = (SELECT oid FROM pg_database WHERE datname = current_database())
			AND r.lease_until_ns > shenava_now_ns() + 200000000`, replicaLock, a.lease.life).Scan(&pid)
		if err != nil {
			return 0
		}
		return pid
	}
	first, _ := a.ClaimDue(ctx, t0, 1)
	pid := lockPid()
	if pid == 0 {
		t.Fatal("a holds no lock")
	}
	var ok bool
	if err := b.pool.QueryRow(ctx, `SELECT pg_terminate_backend($1)`, pid).Scan(&ok); err != nil || !ok {
		t.Fatalf("terminate the lease connection %d: %v %v", pid, ok, err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for lockPid() == pid {
		if time.Now().After(deadline) {
			t.Fatal("the killed connection still holds the lock")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if p := lockPid(); p == 0 {
		// Not back yet: a's send counts as abandoned — unless a comes back
		// before b looks, which it may at any moment.
		doubt, _ := b.RecoverInFlight(ctx, nil)
		recovered := len(doubt) == 1 && doubt[0].ID == first[0].ID
		if !recovered && lockPid() == 0 {
			t.Fatalf("while a's lock was free: recovered %v, want its action", doubt)
		}
	}
	for lockPid() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the lease never connected again")
		}
		time.Sleep(10 * time.Millisecond)
	}
	second, _ := a.ClaimDue(ctx, t0, 1)
	if len(second) != 1 {
		t.Fatal("nothing claimed after the reconnection")
	}
	doubt, err := b.RecoverInFlight(ctx, nil)
	for _, d := range doubt {
		if d.ID == second[0].ID {
			t.Fatalf("a's send after it reconnected was recovered: %v", doubt)
		}
	}
	if err != nil {
		t.Fatal(err)
	}
}

// A deadlock between two replicas aborts one transaction; it runs again
// from the start and both commit, each change made once.
func TestUpdate_RetriesADeadlock(t *testing.T) {
	t.Parallel()
	dsn := pgtest.DSN(t)
	a, b := openReplica(t, dsn, "a", 0), openReplica(t, dsn, "b", 0)
	q, err := a.Enqueue(ctx, notices(2, t0)...)
	if err != nil {
		t.Fatal(err)
	}
	x, y := q[0].ID, q[1].ID
	var attempts atomic.Int32
	var bothLocked sync.WaitGroup
	bothLocked.Add(2)
	var once [2]sync.Once
	lockTwo := func(db *DB, i int, first, second uint64) error {
		return db.update(ctx, func(tx pgx.Tx) error {
			attempts.Add(1)
			act, err := getAction(ctx, tx, first, true)
			if err != nil {
				return err
			}
			once[i].Do(bothLocked.Done)
			bothLocked.Wait()
			if _, err := getAction(ctx, tx, second, true); err != nil {
				return err
			}
			act.Attempts++
			return updateAction(ctx, tx, act)
		})
	}
	errs := make(chan error, 2)
	go func() { errs <- lockTwo(a, 0, x, y) }()
	go func() { errs <- lockTwo(b, 1, y, x) }()
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatalf("a transaction failed instead of running again: %v", err)
		}
	}
	if n := attempts.Load(); n < 3 {
		t.Fatalf("%d attempts, want 3 or more (one deadlocked and ran again)", n)
	}
	for _, id := range []uint64{x, y} {
		if act, _ := a.Action(ctx, id); act.Attempts != 1 {
			t.Fatalf("action %d counted %d times, want once", id, act.Attempts)
		}
	}
}

// A serialisation failure (another transaction changed what a repeatable
// read transaction read and now writes) runs the transaction again.
func TestUpdate_RetriesASerialisationFailure(t *testing.T) {
	t.Parallel()
	db := mustOpen(t)
	q, err := db.Enqueue(ctx, notices(1, t0)...)
	if err != nil {
		t.Fatal(err)
	}
	id := q[0].ID
	attempts := 0
	err = db.run(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead}, func(tx pgx.Tx) error {
		attempts++
		act, err := getAction(ctx, tx, id, false)
		if err != nil {
			return err
		}
		if attempts == 1 {
			// Another replica settles the action after this snapshot.
			if err := db.Settle(ctx, core.Outcome{ActionID: id, State: core.ActionPending, Next: t0.Add(time.Hour)}); err != nil {
				return err
			}
		}
		act.Attempts = 5
		return updateAction(ctx, tx, act)
	}, true)
	if err != nil || attempts != 2 {
		t.Fatalf("run: %v after %d attempts; want success on the second", err, attempts)
	}
	if act, _ := db.Action(ctx, id); act.Attempts != 5 || !act.NextAttemptAt.Equal(t0.Add(time.Hour)) {
		t.Fatalf("action %+v: want the second attempt's write over the settle", act)
	}
}

// A connection killed in the middle of a transaction leaves nothing of it.
func TestUpdate_ConnectionLostMidTransactionWritesNothing(t *testing.T) {
	t.Parallel()
	db := mustOpen(t)
	admin := mustOpen(t) // a second handle, with connections of its own
	err := db.update(ctx, func(tx pgx.Tx) error {
		var pid int
		if err := tx.QueryRow(ctx, `SELECT pg_backend_pid()`).Scan(&pid); err != nil {
			return err
		}
		a := notices(1, t0)[0]
		if ok, err := putAction(ctx, tx, &a); err != nil || !ok {
			return fmt.Errorf("put: %v %v", ok, err)
		}
		if err := putBotRec(ctx, tx, core.SpacePrefs, "m1", []byte(`{"lang":"fa"}`), t0, false); err != nil {
			return err
		}
		var killed bool
		if err := admin.pool.QueryRow(ctx, `SELECT pg_terminate_backend($1)`, pid).Scan(&killed); err != nil || !killed {
			return fmt.Errorf("terminate: %v %v", killed, err)
		}
		return setOffset(ctx, tx, 42)
	})
	if err == nil {
		t.Fatal("the transaction whose connection was killed committed")
	}
	if Retryable(err) {
		t.Fatalf("a lost connection counted as retryable: %v", err)
	}
	// The pool replaces the dead connection; nothing was written.
	if known, err := db.KnownActions(ctx, []string{"n0"}); err != nil || known["n0"] {
		t.Fatalf("after the lost transaction: known %v, %v", known, err)
	}
	if _, ok, err := db.BotGet(ctx, core.SpacePrefs, "m1"); err != nil || ok {
		t.Fatalf("bot record written: %v, %v", ok, err)
	}
	if off, err := db.UpdateOffset(ctx); err != nil || off != 0 {
		t.Fatalf("offset %d, %v; want 0", off, err)
	}
}

func TestSettle_ConcurrentSettlesOfOneActionCountOnce(t *testing.T) {
	t.Parallel()
	dsn := pgtest.DSN(t)
	a, b := openReplica(t, dsn, "a", 0), openReplica(t, dsn, "b", 0)
	if _, err := a.Enqueue(ctx, notices(1, t0)...); err != nil {
		t.Fatal(err)
	}
	got, _ := a.ClaimDue(ctx, t0, 1)
	// Done twice (an outcome recorded again after a lost answer): the
	// report is queued once, the action stays done with the first result.
	var wg sync.WaitGroup
	for i, db := range []*DB{a, b, a, b} {
		wg.Go(func() {
			r := core.Action{Kind: core.ActionNotify, DedupKey: "report:1", Text: "r", CreatedAt: t0}
			if err := db.Settle(ctx, core.Outcome{ActionID: got[0].ID, State: core.ActionDone, Result: fmt.Sprint("r", i), At: t0, Report: &r}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	acts, err := a.Actions(ctx, storeFilter(core.ActionNotify))
	if err != nil || len(acts) != 2 || acts[0].State != core.ActionDone {
		t.Fatalf("actions %+v, %v; want the done notice and one report", acts, err)
	}
}

func TestActions_FilterAndOrder(t *testing.T) {
	t.Parallel()
	db := mustOpen(t)
	acts := notices(5, t0)
	acts[2].Kind, acts[2].MentionKey, acts[2].CaseID = core.ActionReplyPublic, "x:1", 7
	if _, err := db.Enqueue(ctx, acts...); err != nil {
		t.Fatal(err)
	}
	all, err := db.Actions(ctx, storeFilter(""))
	if err != nil || len(all) != 5 || !slices.IsSortedFunc(all, func(x, y core.Action) int { return int(x.ID) - int(y.ID) }) {
		t.Fatalf("Actions = %v, %v", all, err)
	}
	f := storeFilter(core.ActionNotify)
	f.Limit = 2
	newest, _ := db.Actions(ctx, f)
	if len(newest) != 2 || newest[0].ID != all[3].ID || newest[1].ID != all[4].ID {
		t.Fatalf("newest two notices = %v", newest)
	}
	f = storeFilter("")
	f.CaseID = 7
	if byCase, _ := db.Actions(ctx, f); len(byCase) != 1 || byCase[0].Kind != core.ActionReplyPublic {
		t.Fatalf("by case = %v", byCase)
	}
	if _, err := db.Action(ctx, 999); !errors.Is(err, core.ErrNotFound) {
		t.Fatalf("Action(999): %v, want not found", err)
	}
}

func storeFilter(k core.ActionKind) store.ActionFilter { return store.ActionFilter{Kind: k} }

// A replica killed mid-send (its connection closes, its lease is never
// ended) has its sends recovered by the next replica at once, without
// waiting for the lease to run out.
func TestResumeInFlight_AKilledReplicasSendsAtOnce(t *testing.T) {
	t.Parallel()
	dsn := pgtest.DSN(t)
	a := claimOne(t, dsn)
	a.lease.end(false)
	a.pool.Close()
	b := openReplica(t, dsn, "a", time.Hour) // the same name: names may repeat
	killed(t, b, a.lease.life)
	if doubt, err := b.RecoverInFlight(ctx, nil); err != nil || len(doubt) != 1 {
		t.Fatalf("after the replica was killed: %v, %v; want its action", doubt, err)
	}
}

// A running replica's periodic recovery leaves its own sends under way
// alone and takes those of a replica that died.
func TestResumeAbandoned_LeavesItsOwnSends(t *testing.T) {
	t.Parallel()
	dsn := pgtest.DSN(t)
	a, err := Open(ctx, Options{DSN: dsn, Replica: "a", ReplicaLease: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	b := openReplica(t, dsn, "b", time.Hour)
	if _, err := a.Enqueue(ctx, notices(2, t0)...); err != nil {
		t.Fatal(err)
	}
	theirs, _ := a.ClaimDue(ctx, t0, 1)
	mine, _ := b.ClaimDue(ctx, t0, 1)
	if len(theirs) != 1 || len(mine) != 1 {
		t.Fatal("nothing claimed")
	}
	c := b.Commits()
	if r, d, err := b.ResumeAbandoned(ctx, t0, nil, nil); err != nil || len(r)+len(d) != 0 || b.Commits() != c {
		t.Fatalf("with a alive: %v %v, %v, %d commits; want nothing", r, d, err, b.Commits()-c)
	}
	a.lease.end(false) // killed
	a.pool.Close()
	killed(t, b, a.lease.life)
	r, d, err := b.ResumeAbandoned(ctx, t0, func(core.Action) bool { return true }, nil)
	if err != nil || len(d) != 0 || len(r) != 1 || r[0].ID != theirs[0].ID {
		t.Fatalf("after a died: resumed %v, doubt %v, %v; want a's action only", r, d, err)
	}
	if act, _ := b.Action(ctx, mine[0].ID); act.State != core.ActionSending {
		t.Fatalf("b's own send is %s, want still sending", act.State)
	}
}

// killed waits until the server has ended the session of a handle whose
// lease connection closed (it ends it just after the connection closes).
func killed(t *testing.T, by *DB, life string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var held bool
		err := by.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_locks k JOIN replicas r ON k.objid::bigint = r.id
			WHERE k.locktype = 'advisory' AND k.granted AND k.objsubid = 2 AND k.classid::bigint = $1 AND r.life = $2
			AND k.database = (SELECT oid FROM pg_database WHERE datname = current_database()))`, replicaLock, life).Scan(&held)
		if err != nil {
			t.Fatal(err)
		}
		if !held {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the killed handle's session still holds its lock")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// A handle whose lease has lapsed claims nothing (the others may count it
// gone) until it is renewed.
func TestClaimDue_NothingWhileTheLeaseHasLapsed(t *testing.T) {
	t.Parallel()
	db := openReplica(t, pgtest.DSN(t), "a", time.Hour)
	if _, err := db.Enqueue(ctx, notices(1, t0)...); err != nil {
		t.Fatal(err)
	}
	if _, err := db.pool.Exec(ctx, `UPDATE replicas SET lease_until_ns = 0`); err != nil {
		t.Fatal(err)
	}
	if got, err := db.ClaimDue(ctx, t0, 10); err != nil || len(got) != 0 {
		t.Fatalf("claimed %v, %v with the lease lapsed", got, err)
	}
	if err := db.lease.renew(ctx, mustConn(t, db)); err != nil {
		t.Fatal(err)
	}
	if got, err := db.ClaimDue(ctx, t0, 10); err != nil || len(got) != 1 {
		t.Fatalf("claimed %v, %v after the renewal; want the action", got, err)
	}
}

// mustConn is a connection of db's pool for the rest of t.
func mustConn(t *testing.T, db *DB) *pgx.Conn {
	t.Helper()
	c, err := db.pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Release)
	return c.Conn()
}
