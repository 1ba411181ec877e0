package store

import (
	"bytes"
	"context"
	"fmt"
	"sort"
	"time"

	bolt "go.etcd.io/bbolt"
)

// bktUsage holds metered usage of paid APIs by UTC day:
// "YYYY-MM-DD" 0 meter → count (8, BE). It is created on first use, so
// older databases need no migration.
var bktUsage = []byte("usage")

// UsageDay is the UTC calendar day a usage counter belongs to. Paid APIs
// reset their daily budgets at midnight UTC, whatever the operator's zone.
func UsageDay(at time.Time) string { return at.UTC().Format(time.DateOnly) }

// UsageMeters checks an addition to the usage counters (AddUsage): every
// counter named, none added a negative count. It returns the names in
// order.
func UsageMeters(add map[string]int64) ([]string, error) {
	names := make([]string, 0, len(add))
	for name, n := range add {
		if name == "" || n < 0 {
			return nil, fmt.Errorf("store: usage %q: %d: want a name and a count ≥ 0", name, n)
		}
		names = append(names, name)
	}
	sort.Strings(names)
	return names, nil
}

// AddUsage adds to the named usage counters (such as "x.requests") of the
// UTC day of at, in one transaction, and returns every counter of that day
// after the addition. Counters survive restarts.
func (s *DB) AddUsage(ctx context.Context, at time.Time, add map[string]int64) (map[string]int64, error) {
	day := UsageDay(at)
	names, err := UsageMeters(add)
	if err != nil {
		return nil, err
	}
	var out map[string]int64
	err = s.update(ctx, func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bktUsage)
		if err != nil {
			return err
		}
		for _, name := range names {
			if err := incr(b, usageKey(day, name), uint64(add[name])); err != nil {
				return err
			}
		}
		out, err = readUsage(b, day)
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
	day := UsageDay(at)
	out := map[string]int64{}
	err := s.view(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bktUsage)
		if b == nil {
			return nil
		}
		var err error
		out, err = readUsage(b, day)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: usage %s: %w", day, err)
	}
	return out, nil
}

func usageKey(day, name string) []byte { return []byte(day + "\x00" + name) }

func readUsage(b *bolt.Bucket, day string) (map[string]int64, error) {
	out := map[string]int64{}
	prefix := []byte(day + "\x00")
	c := b.Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		if len(v) != 8 {
			return nil, fmt.Errorf("corrupt usage counter %q", k)
		}
		out[string(k[len(prefix):])] = int64(btoi(v))
	}
	return out, nil
}
