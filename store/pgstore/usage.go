package pgstore

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/shenava/shenava/store"
)

// AddUsage adds to the named usage counters (such as "x.requests") of the
// UTC day of at, in one transaction, and returns every counter of that day
// after the addition. Counters survive restarts, and replicas sharing the
// database add to the same counters.
func (s *DB) AddUsage(ctx context.Context, at time.Time, add map[string]int64) (map[string]int64, error) {
	day := store.UsageDay(at)
	names, err := store.UsageMeters(add)
	if err != nil {
		return nil, err
	}
	// Key order: concurrent additions take turns on shared counters
	// instead of deadlocking.
	sort.Slice(names, func(i, j int) bool { return clean(names[i]) < clean(names[j]) })
	var out map[string]int64
	err = s.update(ctx, func(tx pgx.Tx) error {
		if len(names) > 0 {
			b := &pgx.Batch{}
			for _, name := range names {
				b.Queue(`INSERT INTO usage (day, meter, n) VALUES ($1, $2, $3)
					ON CONFLICT (day, meter) DO UPDATE SET n = usage.n + excluded.n`, day, clean(name), add[name])
			}
			if err := tx.SendBatch(ctx, b).Close(); err != nil {
				return err
			}
		}
		var err error
		out, err = readUsage(ctx, tx, day)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: add usage %s: %w", day, err)
	}
	return out, nil
}

// Usage returns the usage counters of the UTC day of at; a day without
// usage has none.
func (s *DB) Usage(ctx context.Context, at time.Time) (map[string]int64, error) {
	day := store.UsageDay(at)
	var out map[string]int64
	err := s.view(ctx, func(tx pgx.Tx) error {
		var err error
		out, err = readUsage(ctx, tx, day)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: usage %s: %w", day, err)
	}
	return out, nil
}

func readUsage(ctx context.Context, tx pgx.Tx, day string) (map[string]int64, error) {
	out := map[string]int64{}
	rows, err := tx.Query(ctx, `SELECT meter, n FROM usage WHERE day = $1`, day)
	if err != nil {
		return nil, err
	}
	var (
		meter string
		n     int64
	)
	_, err = pgx.ForEachRow(rows, []any{&meter, &n}, func() error {
		out[meter] = n
		return nil
	})
	return out, err
}
