package store

import (
	"bytes"
	"context"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/shenava/shenava/core"
)

func dayKey(day, dim, value string) []byte {
	return []byte(day + "\x00" + dim + "\x00" + value)
}

func incr(b *bolt.Bucket, key []byte, n uint64) error {
	var cur uint64
	if v := b.Get(key); len(v) == 8 {
		cur = btoi(v)
	}
	return b.Put(key, itob(cur+n))
}

// count adds a newly stored mention to the daily counters of its local
// creation day and to the hourly label counters.
func (s *DB) count(tx *bolt.Tx, m core.Mention) error {
	c := CountsOf(m, s.loc)
	if c.Hourly {
		if err := incr(appending(tx.Bucket(bktHourly)), append(itob(uint64(c.Hour)), c.Label...), 1); err != nil {
			return err
		}
	}
	daily := appending(tx.Bucket(bktDaily))
	for _, k := range c.Daily {
		if err := incr(daily, dayKey(c.Day, k.Dim, k.Value), 1); err != nil {
			return err
		}
	}
	return s.tallyAuthor(tx, m)
}

// DayCounts returns the counters of one local calendar day ("YYYY-MM-DD" in
// the store's time zone).
func (s *DB) DayCounts(ctx context.Context, day string) (core.Counts, error) {
	if err := CheckDay("day counts", day); err != nil {
		return nil, err
	}
	out := core.Counts{}
	err := s.view(ctx, func(tx *bolt.Tx) error {
		c := tx.Bucket(bktDaily).Cursor()
		prefix := []byte(day + "\x00")
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			parts := bytes.SplitN(k[len(prefix):], []byte{0}, 2)
			if len(parts) != 2 || len(v) != 8 {
				return fmt.Errorf("corrupt counter key %q", k)
			}
			dim, val := string(parts[0]), string(parts[1])
			if out[dim] == nil {
				out[dim] = map[string]int{}
			}
			out[dim][val] = int(btoi(v))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: day counts %s: %w", day, err)
	}
	return out, nil
}

// HourlyCounts returns, for each whole UTC hour in [from, to), how many
// mentions with the label were created in it.
func (s *DB) HourlyCounts(ctx context.Context, label core.Label, from, to time.Time) ([]int, error) {
	first, last := from.Unix()/3600, to.Unix()/3600
	if last < first {
		return nil, nil
	}
	out := make([]int, last-first)
	err := s.view(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bktHourly)
		for h := first; h < last; h++ {
			if v := b.Get(append(itob(uint64(max(0, h))), label...)); len(v) == 8 {
				out[h-first] = int(btoi(v))
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: hourly counts: %w", err)
	}
	return out, nil
}

// Location is the time zone of the daily counters.
func (s *DB) Location() *time.Location { return s.loc }
