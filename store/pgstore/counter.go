package pgstore

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/store"
)

// tally gathers what a batch's newly stored mentions add to the daily,
// hourly and per-author counters, so that each counter row is written
// once per batch, in key order: concurrent batches then take turns on the
// rows they share (today's total) instead of deadlocking.
type tally struct {
	loc     *time.Location
	daily   map[dailyKey]int64
	hourly  map[hourKey]int64
	authors map[dayAuthorKey]*authorCount
}

type dailyKey struct{ day, dim, value string }

type hourKey struct {
	label string
	hour  int64
}

type dayAuthorKey struct{ day, author string }

type authorCount struct {
	mentions, negative int64
	name               string
}

func newTally(loc *time.Location) *tally {
	return &tally{loc: loc, daily: map[dailyKey]int64{}, hourly: map[hourKey]int64{}, authors: map[dayAuthorKey]*authorCount{}}
}

// add counts a newly stored mention on its local creation day, in the
// hourly label counters and in its author's tally of the day.
func (t *tally) add(m core.Mention) {
	n := store.CountsOf(m, t.loc)
	for _, k := range n.Daily {
		t.daily[dailyKey{n.Day, k.Dim, clean(k.Value)}]++
	}
	if n.Hourly {
		t.hourly[hourKey{clean(string(n.Label)), n.Hour}]++
	}
	k := dayAuthorKey{n.Day, clean(m.AuthorKey())}
	c := t.authors[k]
	if c == nil {
		c = &authorCount{}
		t.authors[k] = c
	}
	c.mentions++
	if m.Analysis != nil && m.Analysis.Label == core.LabelNegative {
		c.negative++
	}
	if s := m.Author.Display(); s != "" {
		c.name = clean(s)
	}
}

// save adds the tally to the stored counters.
func (t *tally) save(ctx context.Context, tx pgx.Tx) error {
	b := &pgx.Batch{}
	daily := sortedKeys(t.daily, func(a, b dailyKey) int {
		return cmp.Or(strings.Compare(a.day, b.day), strings.Compare(a.dim, b.dim), strings.Compare(a.value, b.value))
	})
	for _, k := range daily {
		b.Queue(`INSERT INTO daily_counts (day, dim, value, n) VALUES ($1, $2, $3, $4)
			ON CONFLICT (day, dim, value) DO UPDATE SET n = daily_counts.n + excluded.n`, k.day, k.dim, k.value, t.daily[k])
	}
	hourly := sortedKeys(t.hourly, func(a, b hourKey) int {
		return cmp.Or(strings.Compare(a.label, b.label), cmp.Compare(a.hour, b.hour))
	})
	for _, k := range hourly {
		b.Queue(`INSERT INTO hourly_counts (label, hour, n) VALUES ($1, $2, $3)
			ON CONFLICT (label, hour) DO UPDATE SET n = hourly_counts.n + excluded.n`, k.label, k.hour, t.hourly[k])
	}
	authors := sortedKeys(t.authors, func(a, b dayAuthorKey) int {
		return cmp.Or(strings.Compare(a.day, b.day), strings.Compare(a.author, b.author))
	})
	for _, k := range authors {
		c := t.authors[k]
		b.Queue(`INSERT INTO day_authors (day, author_key, mentions, negative, name) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (day, author_key) DO UPDATE SET mentions = day_authors.mentions + excluded.mentions,
				negative = day_authors.negative + excluded.negative,
				name = CASE WHEN excluded.name <> '' THEN excluded.name ELSE day_authors.name END`,
			k.day, k.author, c.mentions, c.negative, c.name)
	}
	if b.Len() == 0 {
		return nil
	}
	return tx.SendBatch(ctx, b).Close()
}

func sortedKeys[K comparable, V any](m map[K]V, cmp func(a, b K) int) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, cmp)
	return keys
}

// DayCounts returns the counters of one local calendar day ("YYYY-MM-DD" in
// the store's time zone).
func (s *DB) DayCounts(ctx context.Context, day string) (core.Counts, error) {
	if err := store.CheckDay("day counts", day); err != nil {
		return nil, err
	}
	out := core.Counts{}
	err := s.view(ctx, func(tx pgx.Tx) error {
		clear(out)
		rows, err := tx.Query(ctx, `SELECT dim, value, n FROM daily_counts WHERE day = $1`, day)
		if err != nil {
			return err
		}
		var (
			dim, value string
			n          int64
		)
		_, err = pgx.ForEachRow(rows, []any{&dim, &value, &n}, func() error {
			if out[dim] == nil {
				out[dim] = map[string]int{}
			}
			out[dim][value] = int(n)
			return nil
		})
		return err
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
	err := s.view(ctx, func(tx pgx.Tx) error {
		clear(out)
		// Hours before 1970 are counted in hour 0, as they are stored.
		rows, err := tx.Query(ctx, `SELECT hour, n FROM hourly_counts WHERE label = $1 AND hour BETWEEN $2 AND $3`,
			clean(string(label)), max(0, first), max(0, last-1))
		if err != nil {
			return err
		}
		var hour, n int64
		counts := map[int64]int{}
		if _, err := pgx.ForEachRow(rows, []any{&hour, &n}, func() error {
			counts[hour] = int(n)
			return nil
		}); err != nil {
			return err
		}
		for h := first; h < last; h++ {
			out[h-first] = counts[max(0, h)]
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: hourly counts: %w", err)
	}
	return out, nil
}

// DayAuthors returns the tally of each author who wrote on a local
// calendar day ("YYYY-MM-DD" in the store's time zone), in author key
// order.
func (s *DB) DayAuthors(ctx context.Context, day string) ([]core.AuthorTally, error) {
	if err := store.CheckDay("day authors", day); err != nil {
		return nil, err
	}
	var out []core.AuthorTally
	err := s.view(ctx, func(tx pgx.Tx) error {
		out = nil
		rows, err := tx.Query(ctx, `SELECT author_key, mentions, negative, name FROM day_authors
			WHERE day = $1 ORDER BY author_key`, day)
		if err != nil {
			return err
		}
		var (
			key, name    string
			n, negatives int64
		)
		_, err = pgx.ForEachRow(rows, []any{&key, &n, &negatives, &name}, func() error {
			p, id, _ := strings.Cut(key, ":")
			out = append(out, core.AuthorTally{Key: key, Platform: core.Platform(p), ID: id, Name: name,
				Mentions: int(n), Negative: int(negatives)})
			return nil
		})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: day authors %s: %w", day, err)
	}
	return out, nil
}
