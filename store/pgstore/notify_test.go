package pgstore

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/pgtest"
)

// wakes counts a callback's calls and signals each.
type wakes struct {
	mu sync.Mutex
	n  int
	c  chan struct{}
}

func newWakes() *wakes { return &wakes{c: make(chan struct{}, 100)} }

func (w *wakes) fn() {
	w.mu.Lock()
	w.n++
	w.mu.Unlock()
	w.c <- struct{}{}
}

func (w *wakes) wait(t *testing.T, what string) {
	t.Helper()
	select {
	case <-w.c:
	case <-time.After(10 * time.Second):
		t.Fatalf("no wake-up: %s", what)
	}
}

// quiet checks no wake-up comes for a while.
func (w *wakes) quiet(t *testing.T, what string) {
	t.Helper()
	select {
	case <-w.c:
		t.Fatalf("woken: %s", what)
	case <-time.After(200 * time.Millisecond):
	}
}

// listening starts Listen and waits until its connection listens (the
// connection shows in pg_stat_activity having run LISTEN).
func listening(t *testing.T, db *DB, outbox, cases *wakes) (pid func() int, stop func()) {
	t.Helper()
	lctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- db.Listen(lctx, outbox.fn, cases.fn) }()
	pid = func() int {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for time.Now().Before(deadline) {
			var p int
			err := db.pool.QueryRow(ctx, `SELECT pid FROM pg_stat_activity WHERE datname = current_database()
				AND application_name = 'shenava-listen' AND query LIKE 'LISTEN %shenava_cases%' AND state = 'idle'`).Scan(&p)
			if err == nil {
				return p
			}
			time.Sleep(20 * time.Millisecond)
		}
		t.Fatal("Listen's connection never listened")
		return 0
	}
	var once sync.Once
	stop = func() { once.Do(func() { stopListen(t, cancel, done) }) }
	t.Cleanup(stop)
	return pid, stop
}

func stopListen(t *testing.T, cancel func(), done chan error) {
	{
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Listen returned %v at shutdown, want nil", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("Listen did not return after its context ended")
		}
	}
}

func TestListen_WakesOnQueueAndReschedule(t *testing.T) {
	t.Parallel()
	dsn := pgtest.DSN(t)
	a, b := openReplica(t, dsn, "a", 0), openReplica(t, dsn, "b", 0)
	outbox, cases := newWakes(), newWakes()
	pid, _ := listening(t, a, outbox, cases)
	pid()

	// Another replica queues: this one wakes, once for the transaction.
	q, err := b.Enqueue(ctx, notices(3, t0)...)
	if err != nil {
		t.Fatal(err)
	}
	outbox.wait(t, "actions queued by another replica")
	outbox.quiet(t, "a second wake-up for one transaction")

	// Claiming and settling done wake nobody; a retry does.
	b.ClaimDue(ctx, t0, 1)
	b.Settle(ctx, core.Outcome{ActionID: q[0].ID, State: core.ActionDone, At: t0})
	outbox.quiet(t, "a claim or a done settle")
	b.ClaimDue(ctx, t0, 1)
	if err := b.Settle(ctx, core.Outcome{ActionID: q[1].ID, State: core.ActionPending, Next: t0.Add(time.Minute)}); err != nil {
		t.Fatal(err)
	}
	outbox.wait(t, "an action re-scheduled")
	cases.quiet(t, "outbox changes")

	// A case opened by another replica, then changed.
	m := core.Mention{Platform: core.PlatformX, NativeID: "1", Source: "x/mentions", Author: core.Author{ID: "u1"},
		Text: "bad", CreatedAt: t0, FetchedAt: t0,
		Analysis: &core.Analysis{Lang: "en", Label: core.LabelNegative, Scores: core.Scores{Negative: 0.9}}}
	res, err := b.SaveBatch(ctx, "x/mentions", "c1", []core.Decision{{Mention: m, OpenCase: true}}, t0)
	if err != nil || len(res.Cases) != 1 {
		t.Fatalf("SaveBatch: %+v, %v", res, err)
	}
	cases.wait(t, "a case opened")
	cases.quiet(t, "a second wake-up for one transaction")
	outbox.quiet(t, "a batch that queued nothing")
	if _, _, err := b.UpdateCase(ctx, res.Cases[0].ID, func(c *core.Case) ([]core.Action, error) {
		return nil, c.Claim("42", t0.Add(time.Minute))
	}); err != nil {
		t.Fatal(err)
	}
	cases.wait(t, "a case claimed")
}

// A listening connection killed by the server is opened again, and both
// callbacks are called once after the reconnection.
func TestListen_ReconnectsAfterTheConnectionIsKilled(t *testing.T) {
	t.Parallel()
	db := mustOpen(t)
	outbox, cases := newWakes(), newWakes()
	pid, stop := listening(t, db, outbox, cases)
	for round := range 2 {
		p := pid()
		var ok bool
		if err := db.pool.QueryRow(ctx, `SELECT pg_terminate_backend($1)`, p).Scan(&ok); err != nil || !ok {
			t.Fatalf("terminate %d: %v, %v", p, ok, err)
		}
		outbox.wait(t, "outbox after reconnecting")
		cases.wait(t, "cases after reconnecting")
		outbox.quiet(t, "more than once after one reconnection")
		cases.quiet(t, "more than once after one reconnection")
		if q := pid(); q == p {
			t.Fatalf("round %d: still the killed connection %d", round, p)
		}
		if _, err := db.Enqueue(ctx, core.Action{Kind: core.ActionNotify, DedupKey: "after" + string(rune('0'+round)), Text: "x", CreatedAt: t0}); err != nil {
			t.Fatal(err)
		}
		outbox.wait(t, "a queued action after the reconnection")
	}
	stop()
}

// An answer of a case going into doubt, or sent again out of it, wakes the
// web inboxes (their In doubt tab), though the case row does not change.
func TestListen_WakesTheInboxOnDoubt(t *testing.T) {
	t.Parallel()
	dsn := pgtest.DSN(t)
	a, b := openReplica(t, dsn, "a", 0), openReplica(t, dsn, "b", 0)
	m := core.Mention{Platform: core.PlatformX, NativeID: "1", Source: "x/mentions", Author: core.Author{ID: "u1"},
		Text: "bad", CreatedAt: t0, FetchedAt: t0,
		Analysis: &core.Analysis{Lang: "en", Label: core.LabelNegative, Scores: core.Scores{Negative: 0.9}}}
	res, err := b.SaveBatch(ctx, "x/mentions", "c1", []core.Decision{{Mention: m, OpenCase: true,
		Actions: []core.Action{{Kind: core.ActionReplyPublic, MentionKey: m.Key(), DedupKey: "reply:1", Text: "sorry"}}}}, t0)
	if err != nil || len(res.Actions) != 1 {
		t.Fatalf("SaveBatch: %+v, %v", res, err)
	}
	outbox, cases := newWakes(), newWakes()
	pid, _ := listening(t, a, outbox, cases)
	pid()
	if got, err := b.ClaimDue(ctx, t0, 1); err != nil || len(got) != 1 {
		t.Fatalf("ClaimDue: %v, %v", got, err)
	}
	cases.quiet(t, "a claim")
	if err := b.Settle(ctx, core.Outcome{ActionID: res.Actions[0].ID, State: core.ActionInDoubt, At: t0, Error: "timed out"}); err != nil {
		t.Fatal(err)
	}
	cases.wait(t, "an answer in doubt")
	if err := b.Resend(ctx, res.Actions[0].ID, t0); err != nil {
		t.Fatal(err)
	}
	cases.wait(t, "an answer sent again")
}
