package store

import (
	"context"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/shenava/shenava/core"
)

func (s *DB) putNewCase(tx *bolt.Tx, c *core.Case) error {
	b := appending(tx.Bucket(bktCases))
	id, err := b.NextSequence()
	if err != nil {
		return err
	}
	c.ID = id
	if err := b.Put(itob(id), encodeCase(*c)); err != nil {
		return err
	}
	if err := tx.Bucket(bktCasesMention).Put([]byte(c.MentionKey), itob(id)); err != nil {
		return err
	}
	if err := indexCase(tx, *c); err != nil {
		return err
	}
	return appending(tx.Bucket(bktCasesOpen)).Put(itob(id), []byte(c.Label))
}

func getCase(tx *bolt.Tx, id uint64) (core.Case, error) {
	var c core.Case
	raw := tx.Bucket(bktCases).Get(itob(id))
	if raw == nil {
		return c, fmt.Errorf("case %d: %w", id, core.ErrNotFound)
	}
	if err := decodeCase(raw, &c); err != nil {
		return c, fmt.Errorf("case %d: %w", id, err)
	}
	return c, nil
}

// putCase saves c and keeps the open-case index in step with its state.
func putCase(tx *bolt.Tx, c core.Case) error {
	if err := appending(tx.Bucket(bktCases)).Put(itob(c.ID), encodeCase(c)); err != nil {
		return err
	}
	if err := indexCase(tx, c); err != nil {
		return err
	}
	open := tx.Bucket(bktCasesOpen)
	if c.State.Open() {
		return open.Put(itob(c.ID), []byte(c.Label))
	}
	return open.Delete(itob(c.ID))
}

func modifyCase(tx *bolt.Tx, id uint64, fn func(*core.Case) error) error {
	c, err := getCase(tx, id)
	if err != nil {
		return err
	}
	if err := fn(&c); err != nil {
		return err
	}
	return putCase(tx, c)
}

// Case returns one case.
func (s *DB) Case(ctx context.Context, id uint64) (core.Case, error) {
	var c core.Case
	err := s.view(ctx, func(tx *bolt.Tx) error {
		var err error
		c, err = getCase(tx, id)
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
	err := s.view(ctx, func(tx *bolt.Tx) error {
		id := tx.Bucket(bktCasesMention).Get([]byte(mentionKey))
		if id == nil {
			return fmt.Errorf("case for mention %s: %w", mentionKey, core.ErrNotFound)
		}
		var err error
		c, err = getCase(tx, btoi(id))
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
func (s *DB) UpdateCase(ctx context.Context, id uint64, fn func(c *core.Case) ([]core.Action, error)) (core.Case, []core.Action, error) {
	var (
		out    core.Case
		queued []core.Action
	)
	err := s.update(ctx, func(tx *bolt.Tx) error {
		queued = nil
		c, err := getCase(tx, id)
		if err != nil {
			return err
		}
		out, queued, err = EditCase(c, fn, func(c core.Case) error { return putCase(tx, c) },
			func(a *core.Action) (bool, error) { return putAction(tx, a) })
		return err
	})
	if err != nil {
		return core.Case{}, nil, UpdateCaseError(id, err)
	}
	return out, queued, nil
}

// OpenCases returns open cases, oldest first, and how many match in all.
func (s *DB) OpenCases(ctx context.Context, f core.CaseFilter) ([]core.Case, int, error) {
	var (
		out   []core.Case
		total int
	)
	err := s.view(ctx, func(tx *bolt.Tx) error {
		// The index holds each open case's label (nil in a file written
		// before it did): the filter and the count read no case record.
		c := tx.Bucket(bktCasesOpen).Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			if len(v) > 0 && f.Label != "" && core.Label(v) != f.Label {
				continue
			}
			if len(v) > 0 && (total+1 <= f.Offset || (f.Limit > 0 && len(out) >= f.Limit)) {
				total++
				continue
			}
			cs, err := getCase(tx, btoi(k))
			if err != nil {
				return err
			}
			if f.Label != "" && cs.Label != f.Label {
				continue
			}
			total++
			if total <= f.Offset || (f.Limit > 0 && len(out) >= f.Limit) {
				continue
			}
			out = append(out, cs)
		}
		return nil
	})
	if err != nil {
		return nil, 0, fmt.Errorf("store: open cases: %w", err)
	}
	return out, total, nil
}

// ForEachCase calls fn for every case whose mention was written in
// [from, to) (Case.Written), in the order the cases were opened: complaints
// are counted on the day they were written, as the mention counters count
// mentions. Case IDs grow with opening time and a case's mention is never
// written after it was opened (core.NewCase), so the walk starts from the
// newest case and stops at the first opened before from.
func (s *DB) ForEachCase(ctx context.Context, from, to time.Time, fn func(core.Case) error) error {
	var batch []core.Case
	err := s.view(ctx, func(tx *bolt.Tx) error {
		c := tx.Bucket(bktCases).Cursor()
		for k, v := c.Last(); k != nil; k, v = c.Prev() {
			var cs core.Case
			if err := decodeCase(v, &cs); err != nil {
				return fmt.Errorf("case %d: %w", btoi(k), err)
			}
			if cs.CreatedAt.Before(from) {
				break
			}
			if w := cs.Written(); !w.Before(from) && w.Before(to) {
				batch = append(batch, cs)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: cases: %w", err)
	}
	for i := len(batch) - 1; i >= 0; i-- {
		if err := fn(batch[i]); err != nil {
			return err
		}
	}
	return nil
}

// Correction is a manager's label for a mention's text, for retraining.
type Correction struct {
	Text  string
	Lang  string
	Label core.Label
	// Model is what the model had said.
	Model core.Label
}

// Corrections returns every label managers corrected, oldest case first.
func (s *DB) Corrections(ctx context.Context) ([]Correction, error) {
	var out []Correction
	err := s.view(ctx, func(tx *bolt.Tx) error {
		return tx.Bucket(bktCases).ForEach(func(k, v []byte) error {
			var c core.Case
			if err := decodeCase(v, &c); err != nil {
				return fmt.Errorf("case %d: %w", btoi(k), err)
			}
			if c.CorrectedLabel == "" {
				return nil
			}
			m, err := getMention(tx, c.MentionKey)
			if err != nil {
				return fmt.Errorf("case %d: mention %s: %w", c.ID, c.MentionKey, err)
			}
			corr := Correction{Text: m.Text, Label: c.CorrectedLabel, Model: c.Label}
			if m.Analysis != nil {
				corr.Lang = m.Analysis.Lang
			}
			out = append(out, corr)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("store: corrections: %w", err)
	}
	return out, nil
}
