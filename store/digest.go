package store

import (
	"context"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/shenava/shenava/core"
)

// What the daily digest and the periodic watchers (spike alerts, SLA
// re-pings) need beyond the engine's methods.

// keyDigestDay, in the meta bucket, holds the last day ("YYYY-MM-DD")
// whose daily digest reached the managers.
var keyDigestDay = []byte("digest_last_day")

// ForEachAction calls fn for every outbox action created in [from, to),
// oldest first. Action IDs grow with creation time, so the walk starts from
// the newest and stops at the first action created before from; actions
// without a creation time belong to no window and are passed over. fn runs
// after the read transaction, so it may call other DB methods.
func (s *DB) ForEachAction(ctx context.Context, from, to time.Time, fn func(core.Action) error) error {
	var batch []core.Action
	err := s.view(ctx, func(tx *bolt.Tx) error {
		c := tx.Bucket(bktOutbox).Cursor()
		for k, v := c.Last(); k != nil; k, v = c.Prev() {
			var a core.Action
			if err := decodeAction(v, &a); err != nil {
				return fmt.Errorf("action %d: %w", btoi(k), err)
			}
			if a.CreatedAt.IsZero() {
				continue
			}
			if a.CreatedAt.Before(from) {
				break
			}
			if a.CreatedAt.Before(to) {
				batch = append(batch, a)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: actions: %w", err)
	}
	for i := len(batch) - 1; i >= 0; i-- {
		if err := fn(batch[i]); err != nil {
			return err
		}
	}
	return nil
}

// KnownActions reports which of the dedup keys already have an action in
// the outbox, in any state. A watcher uses it to tell whether a condition
// spanning several keys (one spike over several hours) was already
// announced under one of them.
func (s *DB) KnownActions(ctx context.Context, dedupKeys []string) (map[string]bool, error) {
	known := make(map[string]bool)
	err := s.view(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bktOutboxDedup)
		for _, k := range dedupKeys {
			if b.Get([]byte(k)) != nil {
				known[k] = true
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: known actions: %w", err)
	}
	return known, nil
}

// LastDigestDay returns the last day whose daily digest was sent, "" when
// none was.
func (s *DB) LastDigestDay(ctx context.Context) (string, error) {
	var day string
	err := s.view(ctx, func(tx *bolt.Tx) error {
		day = string(tx.Bucket(bktMeta).Get(keyDigestDay))
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("store: last digest day: %w", err)
	}
	return day, nil
}

// SetDigestSent records that day's digest was sent. The record only moves
// forward: a day before the one recorded (a digest of an old day sent by
// hand) leaves it as it is.
func (s *DB) SetDigestSent(ctx context.Context, day string) error {
	if err := CheckDay("digest sent", day); err != nil {
		return err
	}
	err := s.update(ctx, func(tx *bolt.Tx) error {
		meta := tx.Bucket(bktMeta)
		if cur := string(meta.Get(keyDigestDay)); cur >= day {
			return nil
		}
		return meta.Put(keyDigestDay, []byte(day))
	})
	if err != nil {
		return fmt.Errorf("store: digest sent %s: %w", day, err)
	}
	return nil
}
