package store

import (
	"context"
	"errors"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Group commit. With fsync on, a commit costs two syncs whatever it holds,
// and bbolt has one writer at a time: the outbox committing its settles
// beside the engine's batch saves halves the engine's speed. So small
// writes that may wait a little (the outcome of an outbox round and the
// claim of the next) join the next batch save as guests: they run in its
// transaction after its own writes, and the claim picks up the actions
// that save just queued. A guest that finds no host within its wait
// commits alone.

// guest is a write waiting for a host transaction.
type guest struct {
	fn   func(tx *bolt.Tx, hosted bool) error
	done chan struct{}
	err  error
}

type guests struct {
	mu sync.Mutex
	q  []*guest
}

// take removes and returns the waiting guests.
func (g *guests) take() []*guest {
	g.mu.Lock()
	defer g.mu.Unlock()
	q := g.q
	g.q = nil
	return q
}

// withdraw removes w from the queue; false when a host took it already.
func (g *guests) withdraw(w *guest) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	for i, x := range g.q {
		if x == w {
			g.q = append(g.q[:i], g.q[i+1:]...)
			return true
		}
	}
	return false
}

// errGuest rolls back a host transaction whose guest failed.
var errGuest = errors.New("a joined write failed")

// joinNext runs fn in the next host transaction (see updateHosting) that
// begins within wait, or else in a transaction of its own; it tells fn,
// and reports, whether a host took it. fn may run twice (once in a host
// that then rolls back, then alone) and must only write to tx and assign
// its results.
func (s *DB) joinNext(ctx context.Context, wait time.Duration, fn func(tx *bolt.Tx, hosted bool) error) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	alone := func(tx *bolt.Tx) error { return fn(tx, false) }
	if wait <= 0 {
		return false, s.update(ctx, alone)
	}
	g := &guest{fn: fn, done: make(chan struct{})}
	s.guests.mu.Lock()
	s.guests.q = append(s.guests.q, g)
	s.guests.mu.Unlock()
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-g.done:
		return true, g.err
	case <-t.C:
	case <-ctx.Done():
	}
	if s.guests.withdraw(g) {
		return false, s.update(ctx, alone)
	}
	<-g.done
	return true, g.err
}

// updateHosting is update that also runs the guests waiting when its
// transaction begins, after fn, and commits them with it. fn must be
// safe to run again: when a guest fails, the transaction rolls back, fn
// runs again alone and each guest alone.
func (s *DB) updateHosting(ctx context.Context, fn func(*bolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	var taken []*guest
	err := s.db.Update(func(tx *bolt.Tx) error {
		taken = s.guests.take()
		if err := fn(tx); err != nil {
			return err
		}
		for _, g := range taken {
			if err := g.fn(tx, true); err != nil {
				return errGuest
			}
		}
		return nil
	})
	switch {
	case err == nil:
		s.commits.Add(1)
		for _, g := range taken {
			close(g.done)
		}
		return nil
	case errors.Is(err, errGuest):
		err = s.update(ctx, fn)
	}
	// The guests were rolled back with the host: each goes alone.
	for _, g := range taken {
		g.err = s.update(context.WithoutCancel(ctx), func(tx *bolt.Tx) error { return g.fn(tx, false) })
		close(g.done)
	}
	return err
}
