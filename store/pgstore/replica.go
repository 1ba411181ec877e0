package pgstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"sync"
	"time"
)

// A lease says a replica is alive: its row in replicas, whose expiry (on
// the database's clock) the handle renews every third of the lease while
// it is open. Its life is new at every Open, so that a restarted replica
// tells the actions its earlier life left in sending from its own.
type lease struct {
	replica string
	life    string
	ttl     time.Duration
	stop    chan struct{}
	done    chan struct{}
	once    sync.Once
}

// takeLease writes the replica's row with a fresh life and starts renewing
// it.
func (s *DB) takeLease(ctx context.Context, replica string, ttl time.Duration) (*lease, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, err
	}
	l := &lease{replica: clean(replica), life: hex.EncodeToString(b[:]), ttl: ttl,
		stop: make(chan struct{}), done: make(chan struct{})}
	_, err := s.pool.Exec(ctx, `INSERT INTO replicas (id, life, started_ns, lease_until_ns)
		VALUES ($1, $2, shenava_now_ns(), shenava_now_ns() + $3)
		ON CONFLICT (id) DO UPDATE SET life = excluded.life, started_ns = excluded.started_ns, lease_until_ns = excluded.lease_until_ns`,
		l.replica, l.life, ttl.Nanoseconds())
	if err != nil {
		return nil, describe(err)
	}
	go l.renew(s)
	return l, nil
}

// renew extends the lease every third of its length until release.
func (l *lease) renew(s *DB) {
	defer close(l.done)
	t := time.NewTicker(l.ttl / 3)
	defer t.Stop()
	for {
		select {
		case <-l.stop:
			return
		case <-t.C:
		}
		ctx, cancel := context.WithTimeout(context.Background(), l.ttl/3)
		// A failed renewal is tried again at the next tick; the lease
		// lasts three of them.
		_, _ = s.pool.Exec(ctx, `UPDATE replicas SET lease_until_ns = shenava_now_ns() + $3 WHERE id = $1 AND life = $2`,
			l.replica, l.life, l.ttl.Nanoseconds())
		cancel()
	}
}

// release stops the renewals and ends the lease at once, so that what
// this replica left in sending (a settle that failed) is recovered by the
// next replica to start, without waiting for the lease to run out.
func (l *lease) release(s *DB) {
	l.once.Do(func() {
		close(l.stop)
		<-l.done
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_, _ = s.pool.Exec(ctx, `UPDATE replicas SET lease_until_ns = 0 WHERE id = $1 AND life = $2`, l.replica, l.life)
	})
}

// claimer is who this handle records as the claimer of the actions it
// claims: its replica and life, or nothing when it is the only process.
func (s *DB) claimer() (replica, life string) {
	if s.lease == nil {
		return "", ""
	}
	return s.lease.replica, s.lease.life
}
