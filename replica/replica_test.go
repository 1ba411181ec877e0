package replica

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// memBackend is the lease table in memory, with the same rules as the
// database's: take when free, expired or one's own; expiry by its clock.
type memBackend struct {
	mu       sync.Mutex
	rows     map[string]memRow
	down     atomic.Bool // every call fails, as with the database unreachable
	releases chan string
}

type memRow struct {
	holder  string
	expires time.Time
}

func newMem() *memBackend {
	return &memBackend{rows: map[string]memRow{}, releases: make(chan string, 100)}
}

var errDown = errors.New("connection refused")

func (m *memBackend) TakeLeases(ctx context.Context, holder string, names []string, ttl time.Duration) ([]string, error) {
	if m.down.Load() {
		<-ctx.Done() // a database that does not answer
		return nil, errDown
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	now := time.Now()
	var got []string
	for _, n := range names {
		r, ok := m.rows[n]
		if !ok || !now.Before(r.expires) || r.holder == holder {
			m.rows[n] = memRow{holder, now.Add(ttl)}
			got = append(got, n)
		}
	}
	return got, nil
}

func (m *memBackend) ReleaseLeases(ctx context.Context, holder string, names []string) error {
	if m.down.Load() {
		return errDown
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, n := range names {
		if r, ok := m.rows[n]; ok && r.holder == holder {
			delete(m.rows, n)
			m.releases <- n
		}
	}
	return nil
}

func (m *memBackend) ListenReleases(ctx context.Context, fn func(string)) error {
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case n := <-m.releases:
			fn(n)
		}
	}
}

func (m *memBackend) row(name string) (memRow, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.rows[name]
	return r, ok
}

func quiet() *slog.Logger { return slog.New(slog.DiscardHandler) }

// start runs a replica's leases until the test ends or stop is called.
func start(t *testing.T, b Backend, name string, ttl time.Duration) (*Shared, func()) {
	t.Helper()
	s := NewShared(b, Config{Name: name, LeaseTTL: ttl}, quiet())
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); s.Run(ctx) }()
	stop := func() { cancel(); <-done }
	t.Cleanup(stop)
	return s, sync.OnceFunc(stop)
}

func holdWithin(t *testing.T, s *Shared, name string, d time.Duration) (context.Context, func()) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	hctx, release, err := s.Hold(ctx, name)
	if err != nil {
		t.Fatalf("%s: Hold(%s) within %v: %v", s.Name(), name, d, err)
	}
	t.Cleanup(release)
	return hctx, release
}

func TestShared_OneHolderAndTakeoverOnRelease(t *testing.T) {
	t.Parallel()
	b := newMem()
	const ttl = 600 * time.Millisecond
	a, stopA := start(t, b, "a", ttl)
	c, _ := start(t, b, "c", ttl)
	var changes []string
	var mu sync.Mutex
	c.OnChange(func(n string, held bool) {
		mu.Lock()
		defer mu.Unlock()
		changes = append(changes, n+map[bool]string{true: "+", false: "-"}[held])
	})

	actx, releaseA := holdWithin(t, a, "source:x", 2*time.Second)
	go func() { <-actx.Done(); releaseA() }() // a holder lets go when its context ends
	if !a.Held("source:x") || !slices.Equal(a.Holding(), []string{"source:x"}) {
		t.Fatalf("a holds %v", a.Holding())
	}
	// c waits while a renews, for longer than the TTL.
	got := make(chan time.Time, 1)
	go func() {
		ctx, release, err := c.Hold(context.Background(), "source:x")
		if err == nil {
			got <- time.Now()
			<-ctx.Done()
			release()
		}
	}()
	select {
	case <-got:
		t.Fatal("two replicas hold one lease")
	case <-time.After(2 * ttl):
	}
	if actx.Err() != nil {
		t.Fatalf("a lost a lease it renewed: %v", context.Cause(actx))
	}
	// A clean stop releases the lease, and c takes it over at once (the
	// release is notified), well before the TTL.
	stopped := time.Now()
	stopA()
	select {
	case at := <-got:
		if d := at.Sub(stopped); d > ttl/2 {
			t.Errorf("took over %v after a clean stop; want at once", d)
		}
	case <-time.After(TakeoverBound(ttl) + time.Second):
		t.Fatal("c never took the lease over")
	}
	if !errors.Is(context.Cause(actx), context.Canceled) {
		t.Errorf("a's held context ended with %v", context.Cause(actx))
	}
	if r, _ := b.row("source:x"); r.holder != c.Holder() {
		t.Errorf("the table says %q holds it, want %q", r.holder, c.Holder())
	}
	// The change is reported after the lease is recorded, so a Hold may
	// return a moment before the callback has run.
	deadline := time.Now().Add(2 * time.Second)
	for {
		mu.Lock()
		got := slices.Clone(changes)
		mu.Unlock()
		if len(got) > 0 || time.Now().After(deadline) {
			if !slices.Equal(got, []string{"source:x+"}) {
				t.Errorf("c's changes = %v", got)
			}
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// A replica that dies keeps its lease until the TTL ends; another takes
// it within TakeoverBound.
func TestShared_TakeoverAfterDeath(t *testing.T) {
	t.Parallel()
	b := newMem()
	const ttl = 600 * time.Millisecond
	// A dead replica: it took the lease and then stopped renewing, without
	// releasing (SIGKILL).
	if got, _ := b.TakeLeases(context.Background(), "dead/1/00", []string{"bot"}, ttl); len(got) != 1 {
		t.Fatal("could not take the lease")
	}
	died := time.Now()
	c, _ := start(t, b, "c", ttl)
	holdWithin(t, c, "bot", TakeoverBound(ttl)+500*time.Millisecond)
	d := time.Since(died)
	if d < ttl-50*time.Millisecond {
		t.Errorf("took a live lease after %v (TTL %v)", d, ttl)
	}
	if d > TakeoverBound(ttl)+100*time.Millisecond {
		t.Errorf("took over after %v, bound %v", d, TakeoverBound(ttl))
	}
}

// A replica that cannot reach the database stops acting on its lease
// before the lease can expire there, so no other replica can hold it at
// the same time.
func TestShared_UnreachableStopsBeforeExpiry(t *testing.T) {
	t.Parallel()
	b := newMem()
	const ttl = 600 * time.Millisecond
	a, _ := start(t, b, "a", ttl)
	actx, _ := holdWithin(t, a, "digest", 2*time.Second)
	b.down.Store(true)
	select {
	case <-actx.Done():
	case <-time.After(2 * ttl):
		t.Fatal("still acting on the lease after the TTL without a renewal")
	}
	lostAt := time.Now()
	if !errors.Is(context.Cause(actx), ErrLost) {
		t.Errorf("cause = %v, want ErrLost", context.Cause(actx))
	}
	r, ok := b.row("digest")
	if !ok || r.holder != a.Holder() {
		t.Fatalf("row = %+v", r)
	}
	if margin := r.expires.Sub(lostAt); margin < RenewEvery(ttl)/2 {
		t.Errorf("stopped only %v before the lease expired in the database; want about %v", margin, RenewEvery(ttl))
	}
	if a.Held("digest") || len(a.Holding()) != 0 {
		t.Errorf("still says it holds %v", a.Holding())
	}
	// Back again, it takes the lease anew.
	b.down.Store(false)
	holdWithin(t, a, "digest", TakeoverBound(ttl)+time.Second)
}

// Several callers in one process share a lease; it is released when the
// last lets go.
func TestShared_SharedWithinProcess(t *testing.T) {
	t.Parallel()
	b := newMem()
	const ttl = 600 * time.Millisecond
	a, _ := start(t, b, "a", ttl)
	_, r1 := holdWithin(t, a, "telegram-collector", time.Second)
	_, r2 := holdWithin(t, a, "telegram-collector", time.Second)
	r1()
	time.Sleep(100 * time.Millisecond)
	if _, ok := b.row("telegram-collector"); !ok || !a.Held("telegram-collector") {
		t.Fatal("released while a holder remained")
	}
	r2()
	waitUntil(t, time.Second, func() bool { _, ok := b.row("telegram-collector"); return !ok })
	if a.Held("telegram-collector") {
		t.Error("still held after the last release")
	}
}

func TestSingleton_RunsAgainAfterLoss(t *testing.T) {
	t.Parallel()
	b := newMem()
	const ttl = 600 * time.Millisecond
	a, _ := start(t, b, "a", ttl)
	var runs atomic.Int32
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- Singleton(a, "watch", func(ctx context.Context) error {
			runs.Add(1)
			<-ctx.Done()
			return nil
		})(ctx)
	}()
	waitUntil(t, time.Second, func() bool { return runs.Load() == 1 })
	b.down.Store(true)
	waitUntil(t, 2*ttl, func() bool { return !a.Held("watch") })
	b.down.Store(false)
	waitUntil(t, TakeoverBound(ttl)+time.Second, func() bool { return runs.Load() == 2 })
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}

	// A run that fails ends the singleton with its error; one that is done
	// ends it with nil.
	boom := errors.New("token refused")
	if err := Singleton(a, "bot", func(context.Context) error { return boom })(context.Background()); !errors.Is(err, boom) {
		t.Errorf("err = %v", err)
	}
	if err := Singleton(a, "bot", func(context.Context) error { return nil })(context.Background()); err != nil {
		t.Errorf("err = %v", err)
	}
}

func TestSingle(t *testing.T) {
	t.Parallel()
	s := NewSingle("solo")
	ctx := context.Background()
	hctx, release, err := s.Hold(ctx, "source:replay")
	if err != nil || hctx != ctx {
		t.Fatalf("Hold = %v, %v", hctx, err)
	}
	release()
	if !s.Held("anything") || !slices.Equal(s.Holding(), []string{"source:replay"}) || s.Name() != "solo" {
		t.Errorf("Held, Holding = %v, %v", s.Held("anything"), s.Holding())
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, _, err := s.Hold(cctx, "x"); !errors.Is(err, context.Canceled) {
		t.Errorf("Hold on an ended context: %v", err)
	}
}

func TestTiming(t *testing.T) {
	t.Parallel()
	if TakeoverBound(DefaultLeaseTTL) != 20*time.Second || RenewEvery(DefaultLeaseTTL) != 5*time.Second {
		t.Errorf("bound %v, renew %v", TakeoverBound(DefaultLeaseTTL), RenewEvery(DefaultLeaseTTL))
	}
}

func waitUntil(t *testing.T, d time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not within %v", d)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// lostAnswers is memBackend whose takes are granted but, while lose is
// set, answered with an error, as when the context ends or the network
// drops after the database committed.
type lostAnswers struct {
	*memBackend
	lose atomic.Bool
}

func (l *lostAnswers) TakeLeases(ctx context.Context, holder string, names []string, ttl time.Duration) ([]string, error) {
	got, err := l.memBackend.TakeLeases(ctx, holder, names, ttl)
	if l.lose.Load() {
		return nil, context.DeadlineExceeded
	}
	return got, err
}

// A take granted by the database but whose answer was lost is released on
// a clean stop, as a held lease is: nothing is left for others to wait out.
func TestShared_StopReleasesATakeWhoseAnswerWasLost(t *testing.T) {
	t.Parallel()
	b := &lostAnswers{memBackend: newMem()}
	b.lose.Store(true)
	const ttl = 2 * time.Second
	a, stop := start(t, b, "a", ttl)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go a.Hold(ctx, "source:replay") // waits: the answers never arrive
	waitUntil(t, time.Second, func() bool { r, ok := b.row("source:replay"); return ok && r.holder == a.Holder() })
	if a.Held("source:replay") {
		t.Fatal("held although no answer arrived")
	}
	stop()
	if r, ok := b.row("source:replay"); ok {
		t.Errorf("lease left after a clean stop: %+v (expires in %v)", r, time.Until(r.expires))
	}
}
