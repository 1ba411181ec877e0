package listen

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/store"
)

// ledgerStore is a store keeping one count of sends for several outboxes,
// as PostgreSQL does for the replicas sharing it.
type ledgerStore struct {
	*store.DB
	sends *rateLimiter
	calls int
}

func (l *ledgerStore) ReserveSend(_ context.Context, p core.Platform, now time.Time, caps map[time.Duration]int) (time.Duration, error) {
	l.calls++
	var cs []RateCap
	for per, n := range caps {
		cs = append(cs, RateCap{N: n, Per: per})
	}
	l.sends.caps = map[core.Platform][]RateCap{p: cs}
	return l.sends.reserve(p, now), nil
}

// Two outboxes (two replicas) on a store that keeps the count of sends
// send no more between them than the caps allow.
func TestOutbox_RateCapHeldAcrossReplicasByTheStoresLedger(t *testing.T) {
	t.Parallel()
	cfg := OutboxConfig{Workers: 1, RateCaps: map[core.Platform][]RateCap{core.PlatformX: {{N: 2, Per: time.Minute}, {N: 3, Per: time.Hour}}}}
	f := newOutboxFixture(t, cfg)
	ledger := &ledgerStore{DB: f.db, sends: newRateLimiter(nil)}
	var replicas []*Outbox
	for range 2 {
		o := NewOutbox(ledger, f.alerts, map[core.Platform]Replier{core.PlatformX: f.replies}, cfg, discard())
		o.SetClock(f.clock.Now)
		replicas = append(replicas, o)
	}
	for i := range 4 {
		f.reply(t, fmt.Sprint("r", i), fmt.Sprint("reply ", i))
		if _, err := replicas[i%2].Drain(bg); err != nil {
			t.Fatal(err)
		}
	}
	if got := len(f.replies.Sent()); got != 2 || ledger.calls < 3 {
		t.Fatalf("%d replies within a minute from two replicas (%d reservations), want the cap of 2", got, ledger.calls)
	}
	f.clock.Add(time.Minute)
	for _, o := range replicas {
		o.Drain(bg)
	}
	if got := len(f.replies.Sent()); got != 3 {
		t.Fatalf("%d replies within the hour from two replicas, want the cap of 3", got)
	}
}

// sharedStore is a store shared by replicas, on which another replica
// claimed the actions in sending: alive when this outbox starts, gone
// afterwards.
type sharedStore struct {
	*store.DB
	calls atomic.Int32
}

func (s *sharedStore) ResumeInFlight(context.Context, time.Time, func(core.Action) bool,
	func([]core.Action) []core.Action) ([]core.Action, []core.Action, error) {
	return nil, nil, nil // the claimer is alive
}

func (s *sharedStore) ResumeAbandoned(ctx context.Context, now time.Time, resume func(core.Action) bool,
	report func(stuck []core.Action) []core.Action) ([]core.Action, []core.Action, error) {
	s.calls.Add(1)
	return s.DB.ResumeInFlight(ctx, now, resume, report)
}

// A running outbox recovers, every so often, what a replica that died
// left in sending: the alert it was sending goes again, as a repeat.
func TestOutbox_RunRecoversADeadReplicasSends(t *testing.T) {
	t.Parallel()
	f := newOutboxFixture(t, OutboxConfig{})
	if got, err := f.db.ClaimDue(bg, t0, 10); err != nil || len(got) != 1 {
		t.Fatalf("the other replica's claim: %v, %v", got, err)
	}
	shared := &sharedStore{DB: f.db}
	cfg := OutboxConfig{Poll: 10 * time.Millisecond}
	o := NewOutbox(shared, f.alerts, map[core.Platform]Replier{core.PlatformX: f.replies}, cfg, discard())
	o.SetClock(f.clock.Now)
	o.abandonedEvery = 50 * time.Millisecond
	ctx, cancel := context.WithCancel(bg)
	done := make(chan error, 1)
	go func() { done <- o.Run(ctx) }()
	defer func() {
		cancel()
		<-done
	}()
	deadline := time.Now().Add(10 * time.Second)
	for {
		a, err := f.db.Action(bg, 1)
		if err != nil {
			t.Fatal(err)
		}
		if a.State == core.ActionDone {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the dead replica's alert is %s after %d recoveries, want done", a.State, shared.calls.Load())
		}
		time.Sleep(5 * time.Millisecond)
	}
	if sent := f.alerts.Sent(); len(sent) != 1 || !strings.HasPrefix(sent[0], "repeat") {
		t.Fatalf("alerts sent %q, want the one alert once, as a repeat", sent)
	}
}
