package listen

import (
	"context"
	"fmt"
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
