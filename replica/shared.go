package replica

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"sync"
	"time"
)

// Backend keeps the leases of every replica in the shared database. The
// database's clock decides expiry, so the replicas' clocks may disagree.
type Backend interface {
	// TakeLeases takes or renews, for holder, each lease in names that is
	// free, expired or holder's already, until the database's now plus
	// ttl, in one statement; it returns the names holder holds after it.
	TakeLeases(ctx context.Context, holder string, names []string, ttl time.Duration) ([]string, error)
	// ReleaseLeases gives up holder's leases among names, so that other
	// replicas may take them at once.
	ReleaseLeases(ctx context.Context, holder string, names []string) error
}

// ReleaseNotifier is a Backend that can tell when another replica released
// a lease, so that a waiting replica takes it at once rather than at its
// next try.
type ReleaseNotifier interface {
	// ListenReleases calls fn for each release until ctx ends or the
	// connection fails.
	ListenReleases(ctx context.Context, fn func(name string)) error
}

// Shared is the lease set of one replica among several on one database.
// Run keeps it: it takes the leases asked for, renews those held every
// RenewEvery, lets go of a lease it could not renew in time (two thirds
// of the TTL after the last renewal began, a third before the database can
// expire it), and releases everything at shutdown.
type Shared struct {
	b      Backend
	name   string
	holder string
	ttl    time.Duration
	renew  time.Duration
	logger *slog.Logger
	now    func() time.Time
	wake   chan struct{} // take a turn now (a lease asked for or released)

	mu    sync.Mutex
	wants map[string]int // callers of Hold per name, waiting or holding
	held  map[string]*lease
	// unsure are the names of a take whose answer was lost (a timeout,
	// the context ending): the database may have granted them, so
	// shutdown releases them too rather than leave them to expire.
	unsure   map[string]bool
	changed  chan struct{} // closed and replaced at every change
	stopped  bool
	onChange []func(name string, held bool)
}

type lease struct {
	until   time.Time // local: act on it no later than this
	cancels []context.CancelCauseFunc
}

// NewShared returns the leases of replica cfg.Name (the host name when
// empty) kept in b. Run must run for Hold to return.
func NewShared(b Backend, cfg Config, logger *slog.Logger) *Shared {
	name := cfg.Name
	if name == "" {
		name, _ = os.Hostname()
	}
	if name == "" {
		name = "shenava"
	}
	ttl := cfg.LeaseTTL
	if ttl <= 0 {
		ttl = DefaultLeaseTTL
	}
	var id [6]byte
	rand.Read(id[:])
	return &Shared{
		b: b, name: name, ttl: ttl, renew: RenewEvery(ttl),
		// Each process is its own holder: a restarted replica does not
		// inherit the leases of the process it replaces, which may still
		// be acting on them.
		holder: fmt.Sprintf("%s/%d/%s", name, os.Getpid(), hex.EncodeToString(id[:])),
		logger: logger.With("component", "replica", "replica", name),
		now:    time.Now,
		wake:   make(chan struct{}, 1),
		wants:  map[string]int{}, held: map[string]*lease{}, unsure: map[string]bool{}, changed: make(chan struct{}),
	}
}

var _ Leases = (*Shared)(nil)

// Name is the replica's name.
func (s *Shared) Name() string { return s.name }

// Holder is this process's holder ID in the lease table.
func (s *Shared) Holder() string { return s.holder }

// TTL is the lease TTL.
func (s *Shared) TTL() time.Duration { return s.ttl }

// OnChange registers fn; see Leases.
func (s *Shared) OnChange(fn func(name string, held bool)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onChange = append(s.onChange, fn)
}

// Held reports whether the lease is held and still within its local time.
func (s *Shared) Held(name string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.held[name]
	return l != nil && s.now().Before(l.until)
}

// Holding lists the leases held, sorted.
func (s *Shared) Holding() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.held))
	for n := range s.held {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// Hold waits for the lease; see Leases.
func (s *Shared) Hold(ctx context.Context, name string) (context.Context, func(), error) {
	s.mu.Lock()
	s.wants[name]++
	first := s.wants[name] == 1
	s.mu.Unlock()
	if first {
		s.kick()
	}
	for {
		s.mu.Lock()
		if s.stopped {
			s.mu.Unlock()
			s.drop(name)
			return nil, nil, context.Canceled
		}
		if l := s.held[name]; l != nil && s.now().Before(l.until) {
			hctx, cancel := context.WithCancelCause(ctx)
			l.cancels = append(l.cancels, cancel)
			s.mu.Unlock()
			var once sync.Once
			return hctx, func() {
				once.Do(func() {
					cancel(context.Canceled)
					s.drop(name)
				})
			}, nil
		}
		changed := s.changed
		s.mu.Unlock()
		select {
		case <-ctx.Done():
			s.drop(name)
			return nil, nil, ctx.Err()
		case <-changed:
		}
	}
}

// drop ends one caller's interest in name; the lease is released at the
// loop's next turn once nobody wants it.
func (s *Shared) drop(name string) {
	s.mu.Lock()
	s.wants[name]--
	last := s.wants[name] <= 0
	if last {
		delete(s.wants, name)
	}
	_, held := s.held[name]
	s.mu.Unlock()
	if last && held {
		s.kick()
	}
}

// kick makes the loop take its turn now.
func (s *Shared) kick() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// broadcastLocked wakes every waiting Hold.
func (s *Shared) broadcastLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// Run keeps the leases until ctx ends: then it waits for the holders to
// stop (their contexts end with ctx), releases every lease and returns
// nil.
func (s *Shared) Run(ctx context.Context) error {
	if n, ok := s.b.(ReleaseNotifier); ok {
		lctx, stop := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { defer close(done); s.listen(lctx, n) }()
		defer func() { stop(); <-done }()
	}
	s.logger.Info("replica started", "holder", s.holder, "lease_ttl", s.ttl,
		"takeover_bound", TakeoverBound(s.ttl))
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			s.shutdown()
			return nil
		case <-timer.C:
		case <-s.wake:
		}
		s.turn(ctx)
		if !timer.Stop() {
			select {
			case <-timer.C:
			default:
			}
		}
		timer.Reset(s.nextTurn())
	}
}

// nextTurn is how long until the next renewal: RenewEvery, or sooner when
// a held lease's local time ends first.
func (s *Shared) nextTurn() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	wait := s.renew
	now := s.now()
	for _, l := range s.held {
		wait = min(wait, l.until.Sub(now))
	}
	return max(wait, time.Millisecond)
}

// turn releases what nobody wants, takes or renews the rest, and lets go
// of what could not be renewed in time.
func (s *Shared) turn(ctx context.Context) {
	s.mu.Lock()
	var unwanted, names []string
	for n := range s.held {
		if s.wants[n] == 0 {
			unwanted = append(unwanted, n)
		}
	}
	for n := range s.wants {
		// Shutting down, only the leases held are renewed, for the
		// holders finishing their work.
		if _, held := s.held[n]; held || !s.stopped {
			names = append(names, n)
		}
	}
	deadline := s.now().Add(s.renew)
	for _, l := range s.held {
		if l.until.Before(deadline) {
			deadline = l.until
		}
	}
	s.mu.Unlock()
	slices.Sort(names)
	if len(unwanted) > 0 {
		s.releaseLeases(ctx, unwanted)
	}
	if len(names) > 0 {
		start := s.now()
		// The call may not outlast the earliest local end of a lease: a
		// database that does not answer must not keep a lost lease alive.
		tctx, cancel := context.WithDeadline(ctx, deadline)
		got, err := s.b.TakeLeases(tctx, s.holder, names, s.ttl)
		cancel()
		if err != nil {
			s.mu.Lock()
			for _, n := range names {
				if s.held[n] == nil {
					s.unsure[n] = true
				}
			}
			s.mu.Unlock()
			if ctx.Err() == nil {
				s.logger.Warn("could not renew or take leases; trying again", "leases", names, "error", err)
			}
		} else {
			s.taken(ctx, names, got, start.Add(s.ttl-s.renew))
		}
	}
	s.expire()
}

// taken records a successful TakeLeases begun when until − (TTL −
// RenewEvery) was now: names asked for, got those held after it.
func (s *Shared) taken(ctx context.Context, names, got []string, until time.Time) {
	var changes []change
	var stray []string
	s.mu.Lock()
	for _, n := range names {
		delete(s.unsure, n) // this answer arrived: got says what is held
	}
	for _, n := range got {
		if l := s.held[n]; l != nil {
			l.until = until
			continue
		}
		if s.wants[n] == 0 {
			stray = append(stray, n) // nobody wants it any more: give it back now
			continue
		}
		s.held[n] = &lease{until: until}
		changes = append(changes, change{n, true})
	}
	for _, n := range names {
		if l := s.held[n]; l != nil && !slices.Contains(got, n) {
			changes = append(changes, s.loseLocked(n, l))
		}
	}
	if len(changes) > 0 {
		s.broadcastLocked()
	}
	s.mu.Unlock()
	s.report(changes)
	if len(stray) > 0 {
		s.releaseLeases(ctx, stray)
	}
}

// expire lets go of leases whose local time has ended.
func (s *Shared) expire() {
	var changes []change
	s.mu.Lock()
	now := s.now()
	for n, l := range s.held {
		if !now.Before(l.until) {
			changes = append(changes, s.loseLocked(n, l))
		}
	}
	if len(changes) > 0 {
		s.broadcastLocked()
	}
	s.mu.Unlock()
	s.report(changes)
}

type change struct {
	name string
	held bool
}

func (s *Shared) loseLocked(n string, l *lease) change {
	delete(s.held, n)
	for _, c := range l.cancels {
		c(ErrLost)
	}
	return change{n, false}
}

func (s *Shared) report(changes []change) {
	if len(changes) == 0 {
		return
	}
	s.mu.Lock()
	fns := slices.Clone(s.onChange)
	s.mu.Unlock()
	for _, c := range changes {
		if c.held {
			s.logger.Info("lease taken", "lease", c.name)
		} else {
			s.logger.Warn("lease lost: not renewed in time or taken over", "lease", c.name)
		}
		for _, fn := range fns {
			fn(c.name, c.held)
		}
	}
}

// releaseLeases gives up leases nobody here wants any more.
func (s *Shared) releaseLeases(ctx context.Context, names []string) {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.renew)
	err := s.b.ReleaseLeases(rctx, s.holder, names)
	cancel()
	var changes []change
	s.mu.Lock()
	for _, n := range names {
		if l := s.held[n]; l != nil && s.wants[n] == 0 {
			delete(s.held, n)
			changes = append(changes, change{n, false})
		}
	}
	if len(changes) > 0 {
		s.broadcastLocked()
	}
	s.mu.Unlock()
	if err != nil {
		// Not released: the lease expires on its own within the TTL.
		s.logger.Warn("could not release leases; they expire on their own", "leases", names, "error", err)
	}
	for _, c := range changes {
		s.logger.Info("lease released", "lease", c.name)
	}
}

// shutdown stops taking leases, ends the holders' contexts and waits for
// them to let go, renewing their leases meanwhile (they may be finishing
// a save), then releases what is held. A holder still busy after
// shutdownGrace keeps its lease unreleased: it expires on its own.
func (s *Shared) shutdown() {
	s.mu.Lock()
	s.stopped = true
	for _, l := range s.held {
		for _, c := range l.cancels {
			c(context.Canceled)
		}
	}
	s.broadcastLocked()
	s.mu.Unlock()
	bg := context.Background()
	grace := time.Now().Add(s.shutdownGrace())
	var busy []string
	for {
		busy = busy[:0]
		s.mu.Lock()
		for n := range s.held {
			if s.wants[n] > 0 {
				busy = append(busy, n)
			}
		}
		s.mu.Unlock()
		if len(busy) == 0 || !time.Now().Before(grace) {
			break
		}
		s.turn(bg)
		select {
		case <-s.wake:
		case <-time.After(min(s.nextTurn(), time.Until(grace))):
		}
	}
	var names []string
	s.mu.Lock()
	for n := range s.unsure {
		if s.held[n] == nil {
			names = append(names, n)
		}
	}
	s.mu.Unlock()
	for _, n := range s.Holding() {
		if !slices.Contains(busy, n) {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	if len(names) > 0 {
		s.releaseLeases(bg, names)
	}
	if len(busy) > 0 {
		s.logger.Warn("replica stopped while holders were still busy; their leases expire on their own", "leases", busy)
	}
	s.logger.Info("replica stopped; leases released", "leases", names)
}

// shutdownGrace bounds how long shutdown waits for the holders: one TTL.
func (s *Shared) shutdownGrace() time.Duration { return s.ttl }

// listen turns other replicas' releases into an immediate try.
func (s *Shared) listen(ctx context.Context, n ReleaseNotifier) {
	for ctx.Err() == nil {
		err := n.ListenReleases(ctx, func(name string) {
			s.mu.Lock()
			wanted := s.wants[name] > 0 && s.held[name] == nil
			s.mu.Unlock()
			if wanted {
				s.kick()
			}
		})
		if ctx.Err() != nil {
			return
		}
		s.logger.Debug("lease notifications interrupted; the leases are still tried every renewal", "error", err)
		select {
		case <-ctx.Done():
		case <-time.After(s.renew):
		}
	}
}
