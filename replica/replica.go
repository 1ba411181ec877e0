// Package replica lets several Shenava processes share one database, each
// source polled and each singleton job (the Telegram update loop, the
// digest, the watchers) run by one of them at a time. It does so with
// named leases that a replica holds, renews while it works, and releases
// at a clean shutdown; when a replica dies, another takes its leases over
// within TakeoverBound.
//
// Correctness never rests on a lease alone: every write is deduplicated by
// the store, so a replica that loses a lease in the middle of a poll at
// worst repeats work that the store makes a no-op. The lease keeps the
// work from being done twice in the first place (two replicas polling one
// source, two Telegram getUpdates consumers, which Telegram refuses).
package replica

import (
	"context"
	"errors"
	"slices"
	"sync"
)

// ErrLost is the cause of a held context's end when its lease was lost:
// not renewed in time (the database unreachable) or taken by another
// replica.
var ErrLost = errors.New("replica: lease lost")

// Leases are the named leases of this replica.
type Leases interface {
	// Hold waits until this replica holds the lease name, then returns a
	// context that ends when the lease is lost or ctx ends, and a release
	// func the caller must call when it stops acting on the lease. Several
	// callers in one process may hold one name; it is released when the
	// last of them calls release. Hold returns ctx's error when ctx ends
	// first.
	Hold(ctx context.Context, name string) (context.Context, func(), error)
	// Held reports whether this replica holds the lease now.
	Held(name string) bool
	// Holding lists the leases held now, sorted.
	Holding() []string
	// OnChange registers fn, called (from the leases' own goroutine, never
	// under a lock of theirs) each time a lease is taken or lost, after
	// the change is recorded: a Hold may return before fn hears of it.
	OnChange(fn func(name string, held bool))
	// Name is this replica's name.
	Name() string
}

// Single is the lease set of a process that is the only one on its
// database (the bbolt file is locked by one process): it holds every
// lease, at once and for ever.
type Single struct {
	name string
	mu   sync.Mutex
	seen map[string]bool
}

// NewSingle returns the leases of the only replica.
func NewSingle(name string) *Single { return &Single{name: name, seen: map[string]bool{}} }

var _ Leases = (*Single)(nil)

// Hold returns ctx itself: the lease is held until ctx ends.
func (s *Single) Hold(ctx context.Context, name string) (context.Context, func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	s.mu.Lock()
	s.seen[name] = true
	s.mu.Unlock()
	return ctx, func() {}, nil
}

// Held is always true.
func (s *Single) Held(string) bool { return true }

// Holding lists every lease asked for so far.
func (s *Single) Holding() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.seen))
	for n := range s.seen {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// OnChange does nothing: no lease is ever lost.
func (s *Single) OnChange(func(string, bool)) {}

// Name is the replica's name.
func (s *Single) Name() string { return s.name }

// Singleton runs run while this replica holds the lease name: it waits
// for the lease, runs run with a context that ends when the lease is lost,
// and when that happens waits for the lease again and runs run anew. It
// returns when ctx ends (nil), when run fails (its error), or when run
// returns nil while the lease is still held (its work is done).
func Singleton(l Leases, name string, run func(ctx context.Context) error) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		for {
			hctx, release, err := l.Hold(ctx, name)
			if err != nil {
				return nil // ctx ended while waiting
			}
			err = run(hctx)
			lost := hctx.Err() != nil && ctx.Err() == nil
			release()
			switch {
			case ctx.Err() != nil:
				return nil
			case lost:
				continue // run stopped because the lease went; wait for it again
			default:
				return err
			}
		}
	}
}
