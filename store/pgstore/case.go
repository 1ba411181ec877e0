package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/store"
)

// exactCase is c with every time as the store gives it back (see exact),
// so that a case read equals the case written, as in the bbolt store.
func exactCase(c core.Case) core.Case {
	for _, t := range []*time.Time{&c.CreatedAt, &c.WrittenAt, &c.UpdatedAt, &c.AlertedAt, &c.ClaimedAt,
		&c.FirstResponseAt, &c.ClosedAt, &c.RecoveredAt, &c.HiddenAt, &c.HideDoneAt} {
		*t = exact(*t)
	}
	if c.Events != nil {
		c.Events = slices.Clone(c.Events)
		for i := range c.Events {
			c.Events[i].At = exact(c.Events[i].At)
		}
	}
	return c
}

// caseCols are the columns written with a case's document, in the order
// caseArgs gives their values.
const caseCols = `mention_key, author_key, platform, label, score, state, is_open, created_ns, written_ns,
	updated_ns, alerted_ns, claimed_ns, claimed_by, first_response_ns, first_responder, closed_ns, closed_by,
	corrected_label, recovered_ns, hidden_ns, reminders, doc`

func caseArgs(c core.Case) ([]any, error) {
	doc, err := json.Marshal(exactCase(c))
	if err != nil {
		return nil, fmt.Errorf("case %d: encode: %w", c.ID, err)
	}
	return []any{clean(c.MentionKey), clean(c.AuthorKey), clean(string(c.Platform)), clean(string(c.Label)), c.Score,
		clean(string(c.State)), c.State.Open(), unixNano(c.CreatedAt), unixNano(c.Written()),
		unixNano(c.UpdatedAt), unixNano(c.AlertedAt), unixNano(c.ClaimedAt), clean(c.ClaimedBy),
		unixNano(c.FirstResponseAt), clean(c.FirstResponder), unixNano(c.ClosedAt), clean(c.ClosedBy),
		clean(string(c.CorrectedLabel)), unixNano(c.RecoveredAt), unixNano(c.HiddenAt), c.Reminders, doc}, nil
}

// nextCaseIDs takes n case IDs, in ascending order. IDs that a
// transaction took and did not commit (a batch that failed or ran again)
// are not handed out again: case numbers grow with opening time but may
// skip some, as a PostgreSQL sequence's do.
func nextCaseIDs(ctx context.Context, tx pgx.Tx, n int) ([]uint64, error) {
	if n == 0 {
		return nil, nil
	}
	rows, err := tx.Query(ctx, `SELECT nextval(pg_get_serial_sequence('cases', 'id')) FROM generate_series(1, $1)`, n)
	if err != nil {
		return nil, err
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, err
	}
	slices.Sort(ids)
	out := make([]uint64, len(ids))
	for i, id := range ids {
		out[i] = uint64(id)
	}
	return out, nil
}

// insertCase stores a new case under the ID it was given (nextCaseIDs).
func insertCase(ctx context.Context, tx pgx.Tx, c core.Case) error {
	args, err := caseArgs(c)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO cases (id, `+caseCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,
		$11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23)`, append([]any{int64(c.ID)}, args...)...)
	return err
}

// putCase saves c, whose row exists.
func putCase(ctx context.Context, tx pgx.Tx, c core.Case) error {
	args, err := caseArgs(c)
	if err != nil {
		return err
	}
	tag, err := tx.Exec(ctx, `UPDATE cases SET (`+caseCols+`) = ($2, $3, $4, $5, $6, $7, $8, $9, $10,
		$11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23) WHERE id = $1`, append([]any{int64(c.ID)}, args...)...)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("case %d: %w", c.ID, core.ErrNotFound)
	}
	return nil
}

func decodeCase(id int64, doc []byte) (core.Case, error) {
	var c core.Case
	if err := json.Unmarshal(doc, &c); err != nil {
		return core.Case{}, fmt.Errorf("case %d: %w", id, err)
	}
	return c, nil
}

// getCase reads case id, locking its row for the rest of tx when lock
// (concurrent changes of one case then wait for each other).
func getCase(ctx context.Context, tx pgx.Tx, id uint64, lock bool) (core.Case, error) {
	doc, err := docByID(ctx, tx, "cases", "case", id, lock)
	if err != nil {
		return core.Case{}, err
	}
	return decodeCase(int64(id), doc)
}

// docByID reads the document of row id of table (cases or outbox; what
// names it in errors), locking the row for the rest of tx when lock. An
// ID no row can have is not found, as a missing one is.
func docByID(ctx context.Context, tx pgx.Tx, table, what string, id uint64, lock bool) ([]byte, error) {
	if id > math.MaxInt64 {
		return nil, fmt.Errorf("%s %d: %w", what, id, core.ErrNotFound)
	}
	q := `SELECT doc FROM ` + table + ` WHERE id = $1`
	if lock {
		q += ` FOR UPDATE`
	}
	var doc []byte
	err := tx.QueryRow(ctx, q, int64(id)).Scan(&doc)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("%s %d: %w", what, id, core.ErrNotFound)
	}
	return doc, err
}

func modifyCase(ctx context.Context, tx pgx.Tx, id uint64, fn func(*core.Case) error) error {
	c, err := getCase(ctx, tx, id, true)
	if err != nil {
		return err
	}
	if err := fn(&c); err != nil {
		return err
	}
	return putCase(ctx, tx, c)
}

// Case returns one case.
func (s *DB) Case(ctx context.Context, id uint64) (core.Case, error) {
	var c core.Case
	err := s.view(ctx, func(tx pgx.Tx) error {
		var err error
		c, err = getCase(ctx, tx, id, false)
		return err
	})
	if err != nil {
		return core.Case{}, fmt.Errorf("store: %w", err)
	}
	return c, nil
}

// CaseByMention returns the case opened for a mention.
func (s *DB) CaseByMention(ctx context.Context, mentionKey string) (core.Case, error) {
	var c core.Case
	err := s.view(ctx, func(tx pgx.Tx) error {
		var (
			id  int64
			doc []byte
		)
		err := tx.QueryRow(ctx, `SELECT id, doc FROM cases WHERE mention_key = $1`, clean(mentionKey)).Scan(&id, &doc)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("case for mention %s: %w", mentionKey, core.ErrNotFound)
		}
		if err != nil {
			return err
		}
		c, err = decodeCase(id, doc)
		return err
	})
	if err != nil {
		return core.Case{}, fmt.Errorf("store: %w", err)
	}
	return c, nil
}

// UpdateCase loads a case, lets fn change it and return the actions the
// change calls for (a reply, an edit of the alert), then saves the case and
// queues the actions in one transaction. If fn returns an error nothing is
// written and the error is returned as is (errors.Is works on it).
//
// The case's row stays locked from the read to the commit, so that two
// replicas changing one case take turns, the second seeing the first's
// change. fn may run more than once (when the transaction is retried
// after a deadlock), each time on the case as stored: it must have no
// effect outside c and the actions it returns.
func (s *DB) UpdateCase(ctx context.Context, id uint64, fn func(c *core.Case) ([]core.Action, error)) (core.Case, []core.Action, error) {
	var (
		out    core.Case
		queued []core.Action
	)
	err := s.update(ctx, func(tx pgx.Tx) error {
		queued = nil
		c, err := getCase(ctx, tx, id, true)
		if err != nil {
			return err
		}
		out, queued, err = store.EditCase(c, fn, func(c core.Case) error { return putCase(ctx, tx, c) },
			func(a *core.Action) (bool, error) { return putAction(ctx, tx, a) })
		return err
	})
	if err != nil {
		return core.Case{}, nil, store.UpdateCaseError(id, err)
	}
	return out, queued, nil
}

// OpenCases returns open cases, oldest first, and how many match in all.
func (s *DB) OpenCases(ctx context.Context, f core.CaseFilter) ([]core.Case, int, error) {
	var (
		out   []core.Case
		total int
	)
	err := s.view(ctx, func(tx pgx.Tx) error {
		out = nil
		label := clean(string(f.Label))
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM cases WHERE is_open AND ($1 = '' OR label = $1)`,
			label).Scan(&total); err != nil {
			return err
		}
		var limit *int
		if f.Limit > 0 {
			limit = &f.Limit
		}
		rows, err := tx.Query(ctx, `SELECT id, doc FROM cases WHERE is_open AND ($1 = '' OR label = $1)
			ORDER BY id OFFSET $2 LIMIT $3`, label, max(f.Offset, 0), limit)
		if err != nil {
			return err
		}
		out, err = collectCases(rows)
		return err
	})
	if err != nil {
		return nil, 0, fmt.Errorf("store: open cases: %w", err)
	}
	return out, total, nil
}

// caseRow is a case as read by a walk.
type caseRow struct {
	ID  int64
	Doc []byte
}

func collectCases(rows pgx.Rows) ([]core.Case, error) {
	rs, err := pgx.CollectRows(rows, pgx.RowToStructByPos[caseRow])
	if err != nil {
		return nil, err
	}
	var out []core.Case
	for _, r := range rs {
		c, err := decodeCase(r.ID, r.Doc)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// timeBound is t as a bound of a range of nanosecond columns compared the
// way times compare: the zero time comes before every other, and times
// beyond what nanoseconds hold saturate.
func timeBound(t time.Time) int64 {
	switch {
	case t.IsZero() || t.Before(time.Unix(0, math.MinInt64)):
		return math.MinInt64
	case t.After(time.Unix(0, math.MaxInt64)):
		return math.MaxInt64
	}
	return t.UnixNano()
}

// ForEachCase calls fn for every case whose mention was written in
// [from, to) (Case.Written), in the order the cases were opened: complaints
// are counted on the day they were written, as the mention counters count
// mentions. fn runs after the read, outside any transaction.
func (s *DB) ForEachCase(ctx context.Context, from, to time.Time, fn func(core.Case) error) error {
	var batch []core.Case
	err := s.view(ctx, func(tx pgx.Tx) error {
		batch = nil
		// The day's cases, found by when they were written, in ID order.
		rows, err := tx.Query(ctx, `SELECT id, doc FROM cases WHERE written_ns >= $1 AND written_ns < $2 ORDER BY id`,
			timeBound(from), timeBound(to))
		if err != nil {
			return err
		}
		batch, err = collectCases(rows)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: cases: %w", err)
	}
	for _, c := range batch {
		if err := fn(c); err != nil {
			return err
		}
	}
	return nil
}

// Corrections returns every label managers corrected, oldest case first.
func (s *DB) Corrections(ctx context.Context) ([]store.Correction, error) {
	var out []store.Correction
	err := s.view(ctx, func(tx pgx.Tx) error {
		out = nil
		rows, err := tx.Query(ctx, `SELECT c.id, c.doc, m.doc FROM cases c LEFT JOIN mentions m ON m.key = c.mention_key
			WHERE c.corrected_label <> '' ORDER BY c.id`)
		if err != nil {
			return err
		}
		type row struct {
			ID         int64
			Doc        []byte
			MentionDoc []byte
		}
		rs, err := pgx.CollectRows(rows, pgx.RowToStructByPos[row])
		if err != nil {
			return err
		}
		for _, r := range rs {
			c, err := decodeCase(r.ID, r.Doc)
			if err != nil {
				return err
			}
			if r.MentionDoc == nil {
				return fmt.Errorf("case %d: mention %s: %w", c.ID, c.MentionKey, core.ErrNotFound)
			}
			m, err := decodeMention(c.MentionKey, r.MentionDoc)
			if err != nil {
				return fmt.Errorf("case %d: mention %s: %w", c.ID, c.MentionKey, err)
			}
			corr := store.Correction{Text: m.Text, Label: c.CorrectedLabel, Model: c.Label}
			if m.Analysis != nil {
				corr.Lang = m.Analysis.Lang
			}
			out = append(out, corr)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: corrections: %w", err)
	}
	return out, nil
}
