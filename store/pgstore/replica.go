package pgstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/shenava/shenava/internal/backoff"
)

// Every open handle is one life of a replica: a row in replicas (its
// life, a random ID new at every Open, and the replica's name), an
// advisory lock held by a connection of its own for as long as the handle
// is open, and a lease renewed on that connection every third of
// ReplicaLease. The outbox records the life that claims each action. A
// life is gone when its lock is free (its process ended: a crash, a kill,
// a restart — PostgreSQL ends the session when the connection closes) or
// its lease has expired (a machine lost with its connection, a process
// hung): its actions still in sending are recovered by the next handle to
// start (ResumeInFlight) or by a running one (ResumeAbandoned). A handle
// claims only while it is alive by the same rule, so that no other counts
// what it claims as abandoned.

// replicaLock is the first key of the advisory lock each life holds; the
// second is its row's id.
const replicaLock = 0x53484e42 // "SHNB"

// replicasKeep is how long the row of a life that ended is kept.
const replicasKeep = 7 * 24 * time.Hour

type lease struct {
	name string
	life string
	id   int64
	ttl  time.Duration
	cfg  *pgx.ConnConfig
	// ctx ends with end; release (set before) ends the lease in the
	// database too.
	ctx     context.Context
	cancel  context.CancelFunc
	release bool
	done    chan struct{}
	once    sync.Once
}

// takeLease registers a new life of the replica, takes its lock and
// starts renewing its lease.
func (s *DB) takeLease(ctx context.Context, name string, ttl time.Duration) (*lease, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, err
	}
	cfg := s.pool.Config().ConnConfig.Copy()
	cfg.RuntimeParams["application_name"] = "shenava-replica"
	l := &lease{name: clean(name), life: hex.EncodeToString(b[:]), ttl: ttl, cfg: cfg, done: make(chan struct{})}
	if _, err := s.pool.Exec(ctx, `DELETE FROM replicas WHERE lease_until_ns < shenava_now_ns() - $1`, replicasKeep.Nanoseconds()); err != nil {
		return nil, describe(err)
	}
	err := s.pool.QueryRow(ctx, `INSERT INTO replicas (life, name, started_ns, lease_until_ns)
		VALUES ($1, $2, shenava_now_ns(), shenava_now_ns() + $3) RETURNING id`, l.life, l.name, ttl.Nanoseconds()).Scan(&l.id)
	if err != nil {
		return nil, describe(err)
	}
	conn, err := l.connect(ctx)
	if err != nil {
		return nil, describe(err)
	}
	l.ctx, l.cancel = context.WithCancel(context.Background())
	go l.run(conn)
	return l, nil
}

// connect opens the lease's connection, takes the life's lock on it and
// renews the lease.
func (l *lease) connect(ctx context.Context) (*pgx.Conn, error) {
	conn, err := pgx.ConnectConfig(ctx, l.cfg)
	if err != nil {
		return nil, err
	}
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1, $2)`, int32(replicaLock), int32(l.id)); err != nil {
		conn.Close(context.Background())
		return nil, err
	}
	if err := l.renew(ctx, conn); err != nil {
		conn.Close(context.Background())
		return nil, err
	}
	return conn, nil
}

func (l *lease) renew(ctx context.Context, conn *pgx.Conn) error {
	_, err := conn.Exec(ctx, `UPDATE replicas SET lease_until_ns = shenava_now_ns() + $2 WHERE life = $1`, l.life, l.ttl.Nanoseconds())
	return err
}

// run renews the lease every third of its length until end. Between
// renewals it waits on the connection, so a lost connection (the server
// restarted, the network failed, the session was terminated) is seen at
// once and opened again (with the lock taken again) within a second or
// so: until then this life may count as gone.
func (l *lease) run(conn *pgx.Conn) {
	defer close(l.done)
	closeConn := func() {
		if conn != nil {
			conn.Close(context.Background())
			conn = nil
		}
	}
	defer closeConn()
	next := time.Now().Add(l.ttl / 3)
	for attempt := 0; ; {
		if conn == nil {
			attempt++
			ctx, cancel := context.WithTimeout(l.ctx, l.ttl/3)
			c, err := l.connect(ctx)
			cancel()
			if err == nil {
				conn, attempt, next = c, 0, time.Now().Add(l.ttl/3)
				continue
			}
			if backoff.Sleep(l.ctx, backoff.Jitter(backoff.Exp(100*time.Millisecond, l.ttl/3, attempt), 0.2)) != nil {
				return
			}
			continue
		}
		ctx, cancel := context.WithDeadline(l.ctx, next)
		_, err := conn.WaitForNotification(ctx)
		cancel()
		switch {
		case l.ctx.Err() != nil:
			if l.release {
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				_, _ = conn.Exec(ctx, `UPDATE replicas SET lease_until_ns = 0 WHERE life = $1`, l.life)
				cancel()
			}
			return
		case err == nil:
			// Nothing listens on this connection; nothing to do.
		case time.Now().Before(next):
			closeConn() // lost
		default:
			ctx, cancel := context.WithTimeout(l.ctx, l.ttl/3)
			if l.renew(ctx, conn) != nil {
				closeConn()
			}
			cancel()
			next = time.Now().Add(l.ttl / 3)
		}
	}
}

// end stops the lease: with release it also ends it in the database, so
// that what this life left in sending (a settle that failed) is recovered
// by the next replica to start at once; either way the connection closes
// and the lock with it. Ending twice is harmless.
func (l *lease) end(release bool) {
	if l == nil {
		return // a handle from Connect, which takes no lease
	}
	l.once.Do(func() {
		l.release = release
		l.cancel()
		<-l.done
	})
}

// claimer is who this handle records as the claimer of the actions it
// claims: its replica's name and its life.
func (s *DB) claimer() (name, life string) {
	return s.lease.name, s.lease.life
}

// alive is the SQL condition that the life whose ID is the SQL expression
// life is alive: its lease runs and its lock is held.
func alive(life string) string {
	return fmt.Sprintf(`EXISTS (SELECT 1 FROM replicas r WHERE r.life = %s AND r.lease_until_ns > shenava_now_ns()
	AND EXISTS (SELECT 1 FROM pg_locks k WHERE k.locktype = 'advisory' AND k.granted AND k.objsubid = 2
		AND k.database = (SELECT oid FROM pg_database WHERE datname = current_database())
		AND k.classid::bigint = %d AND k.objid::bigint = r.id))`, life, replicaLock)
}

// liveClaimer is the SQL condition that the life which claimed outbox row
// o is alive.
var liveClaimer = alive("o.claim_life")
