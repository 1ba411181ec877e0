// Package pgstore keeps Shenava's state in PostgreSQL, for teams that run
// several replicas on one database or want SQL over their mentions and
// cases. It keeps the same contract as the bbolt store (store.Store),
// proven by the same contract suite (store/storetest).
//
// Every public method is one transaction. Records are stored as typed
// columns for what is queried or indexed, and the whole record as JSON
// (json, not jsonb, so that any text round-trips); analysts' SQL tools
// read mentions and cases through the documented read-only views
// "shenava_mentions" and "shenava_cases" (migration 0003).
package pgstore

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/shenava/shenava/store"
)

// Defaults of Options.
const (
	DefaultMaxConns       = 10
	DefaultConnectTimeout = 10 * time.Second
	// DefaultRetries is how many times a transaction that failed on a
	// serialisation failure or deadlock is run again.
	DefaultRetries = 8
	// DefaultReplicaLease is Options.ReplicaLease's default.
	DefaultReplicaLease = 30 * time.Second
)

// Options tune Open. DSN is required.
type Options struct {
	// DSN is the connection string (a postgres:// URL or key=value pairs).
	DSN string
	// MaxConns bounds the connection pool.
	MaxConns int32
	// ConnectTimeout bounds each connection attempt.
	ConnectTimeout time.Duration
	// Location is the time zone whose calendar days the daily counters
	// use. Nil means UTC.
	Location *time.Location
	// NoMigrate leaves the schema as it is: Open then fails when the
	// database is not at this binary's schema version.
	NoMigrate bool
	// Replica names this process among the replicas sharing the database
	// (a host name, say), in the outbox's record of who claimed each
	// action and in the replicas table; names may repeat. Which actions a
	// start-up recovers does not depend on it: see ResumeInFlight.
	Replica string
	// ReplicaLease is how long this handle counts as alive after its last
	// lease renewal (renewed every third of it while the handle is open),
	// when its connection is not seen to close: a machine lost, a process
	// hung. Zero means DefaultReplicaLease.
	ReplicaLease time.Duration
}

// DB is an open Shenava database on PostgreSQL. Its methods are safe for
// concurrent use, also by several processes on one database.
type DB struct {
	pool    *pgxpool.Pool
	loc     *time.Location
	retries int
	commits atomic.Uint64
	lease   *lease
}

// connect opens the pool (after a ping) with opts' defaults filled in, a
// handle that neither migrates nor holds a lease yet.
func connect(ctx context.Context, opts Options) (*DB, error) {
	if opts.DSN == "" {
		return nil, errors.New("pgstore: no DSN given")
	}
	cfg, err := pgxpool.ParseConfig(opts.DSN)
	if err != nil {
		return nil, fmt.Errorf("pgstore: parse DSN: %w", redact(err))
	}
	if opts.MaxConns <= 0 {
		opts.MaxConns = DefaultMaxConns
	}
	if opts.ConnectTimeout <= 0 {
		opts.ConnectTimeout = DefaultConnectTimeout
	}
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	cfg.MaxConns = opts.MaxConns
	cfg.ConnConfig.ConnectTimeout = opts.ConnectTimeout
	// Every timestamp is written and read in UTC; days are cut in
	// opts.Location by the code, as the bbolt store does.
	cfg.ConnConfig.RuntimeParams["timezone"] = "UTC"
	cfg.ConnConfig.RuntimeParams["application_name"] = "shenava"
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("pgstore: %w", describe(err))
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("pgstore: %w", describe(err))
	}
	return &DB{pool: pool, loc: opts.Location, retries: DefaultRetries}, nil
}

// Open connects, applies the migrations this binary carries (unless
// NoMigrate) and checks the schema version. It then starts this handle's
// life as a replica (see ResumeInFlight): a row in the replicas table and
// one connection of its own, besides the pool, that holds the life's lock
// and renews its lease until Close.
func Open(ctx context.Context, opts Options) (*DB, error) {
	s, err := connect(ctx, opts)
	if err != nil {
		return nil, err
	}
	pool := s.pool
	if opts.NoMigrate {
		err = s.CheckSchema(ctx)
	} else {
		err = s.Migrate(ctx)
	}
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("pgstore: %w", err)
	}
	if opts.ReplicaLease <= 0 {
		opts.ReplicaLease = DefaultReplicaLease
	}
	if s.lease, err = s.takeLease(ctx, opts.Replica, opts.ReplicaLease); err != nil {
		pool.Close()
		return nil, fmt.Errorf("pgstore: replica %q: %w", opts.Replica, err)
	}
	return s, nil
}

// Close ends this handle's lease (its actions still in sending, if any, are
// recovered by the next replica to start) and closes the pool. Closing
// twice is harmless.
func (s *DB) Close() error {
	s.lease.end(true)
	s.pool.Close()
	return nil
}

// Pool is the connection pool, for the replica coordination (leases,
// notifications) that shares it.
func (s *DB) Pool() *pgxpool.Pool { return s.pool }

// Location is the zone of the daily counters.
func (s *DB) Location() *time.Location { return s.loc }

// Commits returns how many write transactions this handle committed.
func (s *DB) Commits() uint64 { return s.commits.Load() }

// update runs fn in a read-write transaction, committed when fn returns
// nil. A serialisation failure or deadlock (another replica wrote the same
// rows) runs it again from the start, a few times with jittered backoff:
// fn must therefore have no effect outside the transaction until update
// returns.
func (s *DB) update(ctx context.Context, fn func(pgx.Tx) error) error {
	return s.run(ctx, pgx.TxOptions{}, fn, true)
}

// view runs fn in a read-only transaction that sees one snapshot.
func (s *DB) view(ctx context.Context, fn func(pgx.Tx) error) error {
	return s.run(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly, IsoLevel: pgx.RepeatableRead}, fn, false)
}

func (s *DB) run(ctx context.Context, o pgx.TxOptions, fn func(pgx.Tx) error, write bool) error {
	for attempt := 0; ; attempt++ {
		err := pgx.BeginTxFunc(ctx, s.pool, o, fn)
		if err == nil {
			if write {
				s.commits.Add(1)
			}
			return nil
		}
		if !Retryable(err) || attempt >= s.retries {
			return err
		}
		d := time.Duration(1+rand.IntN(1<<min(attempt, 6))) * 5 * time.Millisecond
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(d):
		}
	}
}

// Retryable reports whether err is a serialisation failure or a deadlock,
// after which the whole transaction may simply run again.
func Retryable(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "40001" || pe.Code == "40P01"
	}
	return false
}

var _ store.Store = (*DB)(nil)
