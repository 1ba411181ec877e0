package pgstore

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/store"
)

// What the web inbox needs: pages of cases by state and of mentions,
// newest first, each looking at a bounded number of records, and counts
// of cases by state. Cases are indexed by state (cases_state) and
// mentions by time (mentions_time) as they are written.

// IndexCases has nothing to build in PostgreSQL, where the indexes the
// web inbox reads are kept with every write (the bbolt store builds its
// own once, for files written before they existed): it returns once the
// database answers.
func (s *DB) IndexCases(ctx context.Context) error {
	err := s.view(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `SELECT 1 FROM cases LIMIT 1`)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: index cases: %w", err)
	}
	return nil
}

// CaseCounts returns how many cases are in each state, counted on the
// state index.
func (s *DB) CaseCounts(ctx context.Context) (map[core.CaseState]int, error) {
	out := map[core.CaseState]int{}
	err := s.view(ctx, func(tx pgx.Tx) error {
		clear(out)
		rows, err := tx.Query(ctx, `SELECT state, count(*) FROM cases GROUP BY state`)
		if err != nil {
			return err
		}
		var (
			state string
			n     int
		)
		_, err = pgx.ForEachRow(rows, []any{&state, &n}, func() error {
			out[core.CaseState(state)] = n
			return nil
		})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: case counts: %w", err)
	}
	return out, nil
}

// pageChunk is how many rows a page reads at a time: enough for a page
// of matches without reading all its budget at once.
func pageChunk(q core.PageQuery) int {
	return min(q.Budget+1, max(2*(q.Limit+1), 64), walkChunk)
}

// rowWalk hands out the rows of a keyset-paged walk, reading the next
// chunk when one runs out.
type rowWalk[T any] struct {
	fetch func() ([]T, error) // the next chunk after the last row fetched
	size  int
	buf   []T
	done  bool
}

// peek returns the next row without taking it; false at the end.
func (w *rowWalk[T]) peek() (T, bool, error) {
	for len(w.buf) == 0 && !w.done {
		rows, err := w.fetch()
		if err != nil {
			var zero T
			return zero, false, err
		}
		w.buf, w.done = rows, len(rows) < w.size
	}
	if len(w.buf) == 0 {
		var zero T
		return zero, false, nil
	}
	return w.buf[0], true, nil
}

func (w *rowWalk[T]) pop() { w.buf = w.buf[1:] }

// pageCase is a case with its mention's document (nil when missing).
type pageCase struct {
	ID         int64
	Doc        []byte
	MentionDoc []byte
}

// CasePage returns cases in q.States (every state when empty), newest
// first, that q.Match keeps.
func (s *DB) CasePage(ctx context.Context, q core.PageQuery) (core.CasePage, error) {
	q = store.PageDefaults(q)
	var page core.CasePage
	after, err := store.CasePageAfter(q)
	if err != nil {
		return page, err
	}
	var states []string
	for _, st := range q.States {
		if !slices.Contains(states, clean(string(st))) {
			states = append(states, clean(string(st)))
		}
	}
	err = s.view(ctx, func(tx pgx.Tx) error {
		page = core.CasePage{}
		below := int64(min(after, math.MaxInt64))
		size := pageChunk(q)
		w := &rowWalk[pageCase]{size: size, fetch: func() ([]pageCase, error) {
			var (
				rows pgx.Rows
				err  error
			)
			if len(states) == 0 {
				rows, err = tx.Query(ctx, `SELECT c.id, c.doc, m.doc FROM cases c LEFT JOIN mentions m ON m.key = c.mention_key
					WHERE c.id < $1 ORDER BY c.id DESC LIMIT $2`, below, size)
			} else {
				// Each state's newest below the cursor, from its index, merged.
				rows, err = tx.Query(ctx, `SELECT c.id, c.doc, m.doc FROM unnest($1::text[]) AS st(state)
					CROSS JOIN LATERAL (SELECT id, doc, mention_key FROM cases
						WHERE state = st.state AND id < $2 ORDER BY id DESC LIMIT $3) c
					LEFT JOIN mentions m ON m.key = c.mention_key
					ORDER BY c.id DESC LIMIT $3`, states, below, size)
			}
			if err != nil {
				return nil, err
			}
			rs, err := pgx.CollectRows(rows, pgx.RowToStructByPos[pageCase])
			if err == nil && len(rs) > 0 {
				below = rs[len(rs)-1].ID
			}
			return rs, err
		}}
		looked := 0
		for {
			if err := ctx.Err(); err != nil {
				return err
			}
			r, ok, err := w.peek()
			if err != nil {
				return err
			}
			if !ok {
				page.Next = ""
				return nil
			}
			if end, partial := store.PageEnds(q, len(page.Cases), looked); end {
				page.Partial = partial
				return nil
			}
			w.pop()
			looked++
			c, err := decodeCase(r.ID, r.Doc)
			if err != nil {
				return err
			}
			more, err := store.PageCase(q, &page, uint64(r.ID), c, func() (core.Mention, error) {
				if r.MentionDoc == nil {
					return core.Mention{}, core.ErrNotFound
				}
				return decodeMention(c.MentionKey, r.MentionDoc)
			})
			if err != nil || !more {
				return err
			}
		}
	})
	if err != nil {
		return core.CasePage{}, fmt.Errorf("store: case page: %w", err)
	}
	return page, nil
}

// timeCursor is a position in the mentions' time index, as MentionPage's
// cursors spell it: at_ns (8 bytes, big-endian) then the key, as the
// bbolt store's time index keys are.
func timeCursor(atNs int64, key string) []byte {
	return append(binary.BigEndian.AppendUint64(nil, uint64(atNs)), key...)
}

// MentionPage returns stored mentions, newest first by creation time, that
// q.Match keeps (q.States is ignored).
func (s *DB) MentionPage(ctx context.Context, q core.PageQuery) (core.MentionPage, error) {
	q = store.PageDefaults(q)
	var page core.MentionPage
	upper := []byte{0xff}
	if !q.To.IsZero() {
		upper = timeCursor(timeNano(q.To), "")
	}
	if q.After != "" {
		k, err := base64.RawURLEncoding.DecodeString(q.After)
		// Keys are stored as UTF-8 text without U+0000: a cursor whose
		// key is not cannot come from a page.
		if err != nil || len(k) < 9 || !utf8.Valid(k[8:]) || bytes.IndexByte(k[8:], 0) >= 0 {
			return page, fmt.Errorf("store: mention page: cursor %q: %w", q.After, core.ErrInvalid)
		}
		if bytes.Compare(k, upper) < 0 {
			upper = k
		}
	}
	lower := int64(math.MinInt64)
	if !q.From.IsZero() {
		lower = timeNano(q.From)
	}
	err := s.view(ctx, func(tx pgx.Tx) error {
		page = core.MentionPage{}
		// Rows strictly below (atNs, key); none bound it while open.
		open := len(upper) < 8 || upper[0] >= 0x80
		var (
			atNs int64
			key  string
		)
		if !open {
			atNs, key = int64(binary.BigEndian.Uint64(upper)), string(upper[8:])
		}
		size := pageChunk(q)
		w := &rowWalk[mentionRow]{size: size, fetch: func() ([]mentionRow, error) {
			var (
				rows pgx.Rows
				err  error
			)
			if open {
				rows, err = tx.Query(ctx, `SELECT at_ns, key, doc FROM mentions WHERE at_ns >= $1
					ORDER BY at_ns DESC, key DESC LIMIT $2`, lower, size)
			} else {
				rows, err = tx.Query(ctx, `SELECT at_ns, key, doc FROM mentions WHERE (at_ns, key) < ($1, $2) AND at_ns >= $3
					ORDER BY at_ns DESC, key DESC LIMIT $4`, atNs, key, lower, size)
			}
			if err != nil {
				return nil, err
			}
			rs, err := pgx.CollectRows(rows, pgx.RowToStructByPos[mentionRow])
			if err == nil && len(rs) > 0 {
				open, atNs, key = false, rs[len(rs)-1].AtNs, rs[len(rs)-1].Key
			}
			return rs, err
		}}
		looked := 0
		for {
			if err := ctx.Err(); err != nil {
				return err
			}
			r, ok, err := w.peek()
			if err != nil {
				return err
			}
			if !ok {
				break
			}
			if end, partial := store.PageEnds(q, len(page.Mentions), looked); end {
				page.Partial = partial
				return nil
			}
			w.pop()
			looked++
			page.Next = base64.RawURLEncoding.EncodeToString(timeCursor(r.AtNs, r.Key))
			m, err := decodeMention(r.Key, r.Doc)
			if err != nil {
				return err
			}
			store.PageMention(q, &page, m)
		}
		page.Next = ""
		return nil
	})
	if err != nil {
		return core.MentionPage{}, fmt.Errorf("store: mention page: %w", err)
	}
	return page, nil
}
