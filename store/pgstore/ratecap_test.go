package pgstore

import (
	"sync"
	"testing"
	"time"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/pgtest"
)

// Replicas reserving sends at once get no more than the caps between
// them; the ones held back are told when the window frees.
func TestReserveSend_CapsHoldAcrossReplicas(t *testing.T) {
	t.Parallel()
	dsn := pgtest.DSN(t)
	dbs := []*DB{openReplica(t, dsn, "a", 0), openReplica(t, dsn, "b", 0)}
	caps := map[time.Duration]int{time.Minute: 3, time.Hour: 5}
	var (
		mu    sync.Mutex
		sent  int
		waits []time.Duration
		wg    sync.WaitGroup
	)
	for i := range 12 {
		wg.Go(func() {
			wait, err := dbs[i%2].ReserveSend(ctx, core.PlatformX, t0, caps)
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			defer mu.Unlock()
			if wait == 0 {
				sent++
			} else {
				waits = append(waits, wait)
			}
		})
	}
	wg.Wait()
	if sent != 3 || len(waits) != 9 {
		t.Fatalf("%d sends allowed, %d held back; want the minute's cap of 3", sent, len(waits))
	}
	for _, w := range waits {
		if w != time.Minute {
			t.Fatalf("held back for %v, want until the minute passes", w)
		}
	}
	// Another platform has its own count.
	if w, _ := dbs[0].ReserveSend(ctx, core.PlatformMastodon, t0, caps); w != 0 {
		t.Fatalf("mastodon held back %v by x's sends", w)
	}
	at := t0.Add(time.Minute)
	for want := range []int{0, 0} {
		if w, err := dbs[1].ReserveSend(ctx, core.PlatformX, at, caps); err != nil || w != 0 {
			t.Fatalf("send %d after the minute: wait %v, %v", want, w, err)
		}
	}
	// The hour's cap of 5 is reached: the next waits for the first to age out.
	if w, _ := dbs[0].ReserveSend(ctx, core.PlatformX, at, caps); w != 59*time.Minute {
		t.Fatalf("sixth send in the hour: wait %v, want 59m", w)
	}
	if w, _ := dbs[0].ReserveSend(ctx, core.PlatformX, at, nil); w != 0 {
		t.Fatalf("without caps: wait %v", w)
	}
}
