package pgstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/shenava/shenava/internal/pgtest"
	"github.com/shenava/shenava/replica"
)

var (
	_ replica.Backend         = (*DB)(nil)
	_ replica.ReleaseNotifier = (*DB)(nil)
)

// Of many replicas taking one lease at the same moment, one gets it.
func TestLeases_OneOfConcurrentTakers(t *testing.T) {
	t.Parallel()
	db := mustOpen(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	var mu sync.Mutex
	var winners []string
	for i := range 8 {
		wg.Go(func() {
			h := fmt.Sprintf("r%d", i)
			got, err := db.TakeLeases(ctx, h, []string{"source:x", "bot"}, time.Minute)
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			defer mu.Unlock()
			for _, n := range got {
				winners = append(winners, n+"="+h)
			}
		})
	}
	wg.Wait()
	if len(winners) != 2 {
		t.Fatalf("winners = %v, want one per lease", winners)
	}
	ls, err := db.Leases(ctx)
	if err != nil || len(ls) != 2 || !ls[0].Live {
		t.Fatalf("Leases = %+v, %v", ls, err)
	}
}

// A lease is renewed by its holder, refused to others until it expires by
// the database's clock, then taken anew; a release frees it at once and
// tells the listeners.
func TestLeases_RenewExpireRelease(t *testing.T) {
	t.Parallel()
	db := mustOpen(t)
	ctx := context.Background()
	const ttl = 400 * time.Millisecond
	take := func(h string, names ...string) []string {
		t.Helper()
		got, err := db.TakeLeases(ctx, h, names, ttl)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	if got := take("a", "digest", "watch", "digest"); !slices.Equal(got, []string{"digest", "watch"}) {
		t.Fatalf("a took %v", got)
	}
	first, _ := db.Leases(ctx)
	if got := take("b", "digest", "watch", "bot"); !slices.Equal(got, []string{"bot"}) {
		t.Fatalf("b took %v while a held digest and watch", got)
	}
	time.Sleep(ttl / 2)
	if got := take("a", "digest"); !slices.Equal(got, []string{"digest"}) {
		t.Fatalf("a renewed %v", got)
	}
	time.Sleep(ttl/2 + 50*time.Millisecond)
	// watch expired (not renewed), digest did not.
	if got := take("b", "digest", "watch"); !slices.Equal(got, []string{"watch"}) {
		t.Fatalf("b took %v after watch expired", got)
	}
	ls, _ := db.Leases(ctx)
	for i, l := range ls {
		switch l.Name {
		case "digest":
			if l.Holder != "a" || !l.TakenAt.Equal(first[0].TakenAt) || !l.RenewedAt.After(l.TakenAt) {
				t.Errorf("digest after a renewal: %+v (first %+v)", l, first[0])
			}
		case "watch":
			if l.Holder != "b" || !l.TakenAt.After(first[1].TakenAt) {
				t.Errorf("watch after b took it over: %+v", l)
			}
		}
		if l.Name != "bot" && (!l.Live || l.ExpiresAt.Sub(l.RenewedAt) != ttl) {
			t.Errorf("lease %d: %+v", i, l)
		}
	}

	lctx, cancel := context.WithCancel(ctx)
	defer cancel()
	released := make(chan string, 4)
	listening := make(chan error, 1)
	go func() { listening <- db.ListenReleases(lctx, func(n string) { released <- n }) }()
	// The listener needs a moment to connect and LISTEN; release until it
	// hears one (a release of nothing held notifies nothing).
	deadline := time.After(5 * time.Second)
	for got := ""; got != "digest"; {
		take("a", "digest")
		if err := db.ReleaseLeases(ctx, "a", []string{"digest", "watch"}); err != nil {
			t.Fatal(err)
		}
		select {
		case got = <-released:
		case <-time.After(100 * time.Millisecond):
		case <-deadline:
			t.Fatal("no release notification")
		}
	}
	if got := take("b", "digest"); !slices.Equal(got, []string{"digest"}) {
		t.Fatalf("b took %v after a released digest", got)
	}
	if ls, _ := db.Leases(ctx); len(ls) != 3 {
		t.Errorf("a's release of b's watch removed it: %+v", ls)
	}
	cancel()
	if err := <-listening; err != context.Canceled {
		t.Errorf("ListenReleases ended with %v", err)
	}
}

// Two replicas' lease sets on one database: one holds, the other takes
// over at once when it stops cleanly.
func TestLeases_ReplicasTakeOver(t *testing.T) {
	t.Parallel()
	db := mustOpen(t)
	const ttl = time.Second
	quiet := slog.New(slog.DiscardHandler)
	run := func(name string) (*replica.Shared, context.CancelFunc, chan struct{}) {
		s := replica.NewShared(db, replica.Config{Name: name, LeaseTTL: ttl}, quiet)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { defer close(done); s.Run(ctx) }()
		t.Cleanup(func() { cancel(); <-done })
		return s, cancel, done
	}
	a, stopA, aDone := run("a")
	b, _, _ := run("b")
	hold := func(s *replica.Shared, within time.Duration) context.Context {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), within)
		defer cancel()
		hctx, release, err := s.Hold(context.WithoutCancel(ctx), "source:replay")
		if err != nil {
			t.Fatal(err)
		}
		go func() { <-hctx.Done(); release() }()
		return hctx
	}
	actx := hold(a, 5*time.Second)
	got := make(chan time.Time, 1)
	go func() {
		hctx, release, err := b.Hold(context.Background(), "source:replay")
		if err == nil {
			got <- time.Now()
			<-hctx.Done()
			release()
		}
	}()
	select {
	case <-got:
		t.Fatal("both replicas hold the lease")
	case <-time.After(2 * ttl):
	}
	if actx.Err() != nil || !a.Held("source:replay") {
		t.Fatalf("a lost its lease: %v", context.Cause(actx))
	}
	stopped := time.Now()
	stopA()
	<-aDone
	select {
	case at := <-got:
		if d := at.Sub(stopped); d > ttl/2 {
			t.Errorf("b took over %v after a stopped cleanly; want at once", d)
		}
	case <-time.After(replica.TakeoverBound(ttl) + time.Second):
		t.Fatal("b never took over")
	}
}

// stallProxy forwards TCP to target until stalled: then bytes are read
// and held back, so requests hang as they do when the network to the
// database drops packets.
type stallProxy struct {
	ln      net.Listener
	target  string
	stalled atomic.Bool
}

func newStallProxy(t *testing.T, target string) *stallProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &stallProxy{ln: ln, target: target}
	t.Cleanup(func() { p.stalled.Store(false); ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go p.serve(c)
		}
	}()
	return p
}

func (p *stallProxy) serve(c net.Conn) {
	defer c.Close()
	up, err := net.Dial("tcp", p.target)
	if err != nil {
		return
	}
	defer up.Close()
	pump := func(dst, src net.Conn) {
		buf := make([]byte, 32<<10)
		for {
			n, err := src.Read(buf)
			for p.stalled.Load() {
				time.Sleep(5 * time.Millisecond)
			}
			if n > 0 {
				if _, werr := dst.Write(buf[:n]); werr != nil {
					return
				}
			}
			if err != nil {
				dst.Close()
				return
			}
		}
	}
	go pump(up, c)
	pump(c, up)
}

// A replica whose database stops answering stops acting on its lease
// before the lease expires by the database's clock, and another replica
// takes it over within the bound.
func TestLeases_StalledReplicaStopsBeforeExpiry(t *testing.T) {
	t.Parallel()
	dsn := pgtest.DSN(t)
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	px := newStallProxy(t, u.Host)
	u.Host = px.ln.Addr().String()
	ctx := context.Background()
	a, err := Open(ctx, Options{DSN: u.String(), ConnectTimeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { px.stalled.Store(false); a.Close() })
	b, err := Open(ctx, Options{DSN: dsn})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })

	const ttl = time.Second
	quiet := slog.New(slog.DiscardHandler)
	run := func(db *DB, name string) *replica.Shared {
		s := replica.NewShared(db, replica.Config{Name: name, LeaseTTL: ttl}, quiet)
		rctx, cancel := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { defer close(done); s.Run(rctx) }()
		t.Cleanup(func() { px.stalled.Store(false); cancel(); <-done })
		return s
	}
	ra, rb := run(a, "a"), run(b, "b")
	actx, release, err := ra.Hold(ctx, "bot")
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	bHeld := make(chan time.Time, 1)
	go func() {
		hctx, release, err := rb.Hold(ctx, "bot")
		if err == nil {
			bHeld <- time.Now()
			<-hctx.Done()
			release()
		}
	}()
	time.Sleep(ttl) // a renews meanwhile
	px.stalled.Store(true)
	select {
	case <-actx.Done():
	case <-time.After(2 * ttl):
		t.Fatal("a still acts on its lease a TTL after its database stopped answering")
	}
	var left time.Duration
	if err := b.pool.QueryRow(ctx, `SELECT extract(epoch FROM expires_at - clock_timestamp()) * 1e9 FROM leases WHERE name = 'bot'`).Scan(&left); err != nil {
		t.Fatal(err)
	}
	t.Logf("a stopped acting on its lease %v before it expired in the database", left)
	if left < ttl/6 {
		t.Errorf("a stopped acting %v before its lease expired in the database; want about a third of the TTL", left)
	}
	if !errors.Is(context.Cause(actx), replica.ErrLost) {
		t.Errorf("a's context ended with %v", context.Cause(actx))
	}
	lost := time.Now()
	select {
	case at := <-bHeld:
		if d := at.Sub(lost); d < left-50*time.Millisecond || d > replica.TakeoverBound(ttl) {
			t.Errorf("b took over %v after a stopped (the lease had %v left)", d, left)
		}
	case <-time.After(replica.TakeoverBound(ttl) + time.Second):
		t.Fatal("b never took the lease over")
	}
}
