package pgstore

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
)

// leaseChannel is the NOTIFY channel a released lease's name is sent on.
const leaseChannel = "shenava_leases"

// TakeLeases takes or renews, for holder, each lease in names that is
// free, expired or holder's already, until the database's clock plus ttl,
// in one statement; it returns the names holder holds after it, sorted.
// It implements replica.Backend.
func (s *DB) TakeLeases(ctx context.Context, holder string, names []string, ttl time.Duration) ([]string, error) {
	names = slices.Compact(slices.Sorted(slices.Values(cleanAll(names))))
	if len(names) == 0 {
		return nil, nil
	}
	rows, err := s.pool.Query(ctx, `
INSERT INTO leases AS l (name, holder, taken_at, renewed_at, expires_at)
SELECT n, $1, t.now, t.now, t.now + $3 * interval '1 microsecond'
FROM unnest($2::text[]) AS n, (SELECT clock_timestamp() AS now) AS t
ON CONFLICT (name) DO UPDATE
SET holder     = excluded.holder,
    taken_at   = CASE WHEN l.holder = excluded.holder THEN l.taken_at ELSE excluded.taken_at END,
    renewed_at = excluded.renewed_at,
    expires_at = excluded.expires_at
WHERE l.holder = excluded.holder OR l.expires_at <= excluded.renewed_at
RETURNING name`, clean(holder), names, ttl.Microseconds())
	if err != nil {
		return nil, fmt.Errorf("store: take leases: %w", describe(err))
	}
	got, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("store: take leases: %w", describe(err))
	}
	slices.Sort(got)
	return got, nil
}

// ReleaseLeases gives up holder's leases among names and notifies the
// other replicas, which take them at once. It implements
// replica.Backend.
func (s *DB) ReleaseLeases(ctx context.Context, holder string, names []string) error {
	_, err := s.pool.Exec(ctx, `
WITH gone AS (DELETE FROM leases WHERE holder = $1 AND name = ANY($2::text[]) RETURNING name)
SELECT pg_notify('`+leaseChannel+`', name) FROM gone`, clean(holder), cleanAll(names))
	if err != nil {
		return fmt.Errorf("store: release leases: %w", describe(err))
	}
	return nil
}

// ListenReleases calls fn with the name of each lease another replica
// releases, on a connection of its own, until ctx ends or the connection
// fails. It implements replica.ReleaseNotifier.
func (s *DB) ListenReleases(ctx context.Context, fn func(name string)) error {
	cfg := s.pool.Config().ConnConfig.Copy()
	cfg.RuntimeParams["application_name"] = "shenava-leases"
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return fmt.Errorf("store: listen for lease releases: %w", describe(err))
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+leaseChannel); err != nil {
		return fmt.Errorf("store: listen for lease releases: %w", describe(err))
	}
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("store: listen for lease releases: %w", describe(err))
		}
		fn(n.Payload)
	}
}

// Lease is one row of the lease table.
type Lease struct {
	Name, Holder                  string
	TakenAt, RenewedAt, ExpiresAt time.Time
	// Live is whether it had not expired at the database's clock.
	Live bool
}

// Leases lists the lease table by name, expired rows included.
func (s *DB) Leases(ctx context.Context) ([]Lease, error) {
	rows, err := s.pool.Query(ctx, `SELECT name, holder, taken_at, renewed_at, expires_at, expires_at > clock_timestamp()
FROM leases ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("store: leases: %w", describe(err))
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Lease, error) {
		var l Lease
		err := r.Scan(&l.Name, &l.Holder, &l.TakenAt, &l.RenewedAt, &l.ExpiresAt, &l.Live)
		return l, err
	})
	if err != nil {
		return nil, fmt.Errorf("store: leases: %w", describe(err))
	}
	return out, nil
}
