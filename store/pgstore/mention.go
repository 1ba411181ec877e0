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

// decodeMention reads a mention's doc column: its bbolt record
// (store.MentionRec) in JSON.
func decodeMention(key string, doc []byte) (core.Mention, error) {
	var rec store.MentionRec
	if err := json.Unmarshal(doc, &rec); err != nil {
		return core.Mention{}, fmt.Errorf("decode mention %q: %w", key, err)
	}
	return rec.Mention(), nil
}

// timeNano is the position of t in the mentions' time index (at_ns):
// Unix nanoseconds, clamped at the epoch (and at the largest time
// nanoseconds hold), as the bbolt store's time index orders mentions.
func timeNano(t time.Time) int64 {
	switch {
	case t.IsZero() || t.Before(time.Unix(0, 0)):
		return 0
	case t.After(time.Unix(0, math.MaxInt64)):
		return math.MaxInt64
	}
	return t.UnixNano()
}

// insertMention is the statement that stores one mention unless its key is
// stored: it affects no row for a mention stored before, or by a
// concurrent transaction that committed first (the insert waits for it).
const insertMention = `INSERT INTO mentions (key, platform, native_id, source, url, author_key, author_handle,
	author_name, author_followers, author_bot, text, reply_to, conversation, lang, label, score, referral,
	created_ns, at_ns, fetched_ns, processed_ns, doc)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)
	ON CONFLICT (key) DO NOTHING`

func mentionArgs(m core.Mention, now time.Time) ([]any, error) {
	rec := store.ToMentionRec(m)
	rec.Processed = now.UnixNano()
	doc, err := json.Marshal(rec)
	if err != nil {
		return nil, fmt.Errorf("encode mention %q: %w", m.Key(), err)
	}
	var (
		lang, label *string
		score       *float64
		referral    *bool
	)
	if a := m.Analysis; a != nil {
		l, lb, sc, rf := clean(a.Lang), clean(string(a.Label)), a.Confidence(), a.Referral
		lang, label, score, referral = &l, &lb, &sc, &rf
	}
	return []any{clean(m.Key()), clean(string(m.Platform)), clean(m.NativeID), clean(m.Source), clean(m.URL),
		clean(m.AuthorKey()), clean(m.Author.Handle), clean(m.Author.Name), m.Author.Followers, m.Author.Bot,
		clean(m.Text), clean(m.ReplyToID), clean(m.ConversationID), lang, label, score, referral,
		unixNano(m.CreatedAt), timeNano(m.CreatedAt), unixNano(m.FetchedAt), rec.Processed, doc}, nil
}

// cursorDoc is a source's saved position.
type cursorDoc struct {
	Cursor    string    `json:"cursor"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Known reports which of keys are already stored.
func (s *DB) Known(ctx context.Context, keys []string) (map[string]bool, error) {
	known := make(map[string]bool)
	err := s.view(ctx, func(tx pgx.Tx) error {
		clear(known)
		rows, err := tx.Query(ctx, `SELECT key FROM mentions WHERE key = ANY($1)`, cleanAll(keys))
		if err != nil {
			return err
		}
		stored, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return err
		}
		set := make(map[string]bool, len(stored))
		for _, k := range stored {
			set[k] = true
		}
		for _, k := range keys {
			if set[clean(k)] {
				known[k] = true
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: known mentions: %w", err)
	}
	return known, nil
}

// Cursor returns the saved cursor of a source ("" when it has none).
func (s *DB) Cursor(ctx context.Context, source string) (string, error) {
	var rec cursorDoc
	err := s.view(ctx, func(tx pgx.Tx) error {
		rec = cursorDoc{}
		var doc []byte
		err := tx.QueryRow(ctx, `SELECT doc FROM cursors WHERE source = $1`, clean(source)).Scan(&doc)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		return json.Unmarshal(doc, &rec)
	})
	if err != nil {
		return "", fmt.Errorf("store: cursor of %s: %w", source, err)
	}
	return rec.Cursor, nil
}

// SaveBatch stores, in one transaction, the new mentions of a poll with
// everything decided for them and the source's new cursor. A decision
// whose mention is already stored is skipped whole (the second pass after a
// crash is a no-op); an action whose dedup key exists is skipped alone.
//
// A mention is stored once however many replicas save it at the same time
// (one that polled the same source around a lease handover): the mentions
// are inserted first, in key order, each unless its key is stored, and a
// concurrent transaction inserting the same key waits for the first to
// commit and then skips it with everything decided for it.
func (s *DB) SaveBatch(ctx context.Context, source, cursor string, ds []core.Decision, now time.Time) (core.SaveResult, error) {
	var res core.SaveResult
	err := s.update(ctx, func(tx pgx.Tx) error {
		res = core.SaveResult{}
		fresh, err := insertMentions(ctx, tx, ds, now)
		if err != nil {
			return err
		}
		opening := 0
		for i, d := range ds {
			if fresh[i] && d.OpenCase {
				opening++
			}
		}
		ids, err := nextCaseIDs(ctx, tx, opening)
		if err != nil {
			return err
		}
		counts := newTally(s.loc)
		notes := map[string][]authorNote{}
		for i, d := range ds {
			m := d.Mention
			if !fresh[i] {
				res.Duplicates++
				continue
			}
			res.Stored = append(res.Stored, m)
			var caseID uint64
			if d.OpenCase {
				c := core.NewCase(m, now)
				c.ID, ids = ids[0], ids[1:]
				if err := insertCase(ctx, tx, c); err != nil {
					return err
				}
				caseID = c.ID
				res.Cases = append(res.Cases, c)
			}
			thanked, err := store.QueueDecided(&res, d.Actions, caseID, now,
				func(a *core.Action) (bool, error) { return putAction(ctx, tx, a) },
				func(a core.Action) (bool, error) { return missedCode(ctx, tx, a) })
			if err != nil {
				return err
			}
			for _, id := range d.Recovers {
				if err := modifyCase(ctx, tx, id, func(c *core.Case) error {
					c.Recover(m.Key(), now)
					return nil
				}); err != nil {
					return err
				}
			}
			notes[m.AuthorKey()] = append(notes[m.AuthorKey()], authorNote{m: m, caseID: caseID, thanked: thanked})
			counts.add(m)
		}
		if err := noteAuthors(ctx, tx, notes, now); err != nil {
			return err
		}
		if err := counts.save(ctx, tx); err != nil {
			return err
		}
		doc, err := json.Marshal(cursorDoc{Cursor: cursor, UpdatedAt: exact(now)})
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO cursors (source, updated_ns, doc) VALUES ($1, $2, $3)
			ON CONFLICT (source) DO UPDATE SET updated_ns = excluded.updated_ns, doc = excluded.doc`,
			clean(source), unixNano(now), doc)
		return err
	})
	if err != nil {
		return core.SaveResult{}, fmt.Errorf("store: save batch from %s: %w", source, err)
	}
	return res, nil
}

// insertMentions stores the mentions of ds that are not stored yet and
// reports, for each decision, whether its mention was stored by this
// transaction (a mention twice in ds counts the first time). They are
// inserted in key order, so that two transactions saving overlapping
// batches wait for each other instead of deadlocking.
func insertMentions(ctx context.Context, tx pgx.Tx, ds []core.Decision, now time.Time) ([]bool, error) {
	fresh := make([]bool, len(ds))
	first := make(map[string]int, len(ds))
	order := make([]int, 0, len(ds))
	for i, d := range ds {
		k := clean(d.Mention.Key())
		if _, ok := first[k]; ok {
			continue
		}
		first[k] = i
		order = append(order, i)
	}
	if len(order) == 0 {
		return fresh, nil
	}
	slices.SortFunc(order, func(a, b int) int {
		ka, kb := clean(ds[a].Mention.Key()), clean(ds[b].Mention.Key())
		switch {
		case ka < kb:
			return -1
		case ka > kb:
			return 1
		}
		return 0
	})
	b := &pgx.Batch{}
	for _, i := range order {
		args, err := mentionArgs(ds[i].Mention, now)
		if err != nil {
			return nil, err
		}
		b.Queue(insertMention, args...)
	}
	br := tx.SendBatch(ctx, b)
	for _, i := range order {
		tag, err := br.Exec()
		if err != nil {
			br.Close()
			return nil, err
		}
		fresh[i] = tag.RowsAffected() == 1
	}
	return fresh, br.Close()
}

// Mention returns one stored mention.
func (s *DB) Mention(ctx context.Context, key string) (core.Mention, error) {
	var m core.Mention
	err := s.view(ctx, func(tx pgx.Tx) error {
		var err error
		m, err = getMention(ctx, tx, key)
		return err
	})
	if err != nil {
		return core.Mention{}, fmt.Errorf("store: mention %s: %w", key, err)
	}
	return m, nil
}

func getMention(ctx context.Context, tx pgx.Tx, key string) (core.Mention, error) {
	var doc []byte
	err := tx.QueryRow(ctx, `SELECT doc FROM mentions WHERE key = $1`, clean(key)).Scan(&doc)
	if errors.Is(err, pgx.ErrNoRows) {
		return core.Mention{}, core.ErrNotFound
	}
	if err != nil {
		return core.Mention{}, err
	}
	return decodeMention(key, doc)
}

// walkChunk is how many rows a walk over mentions or cases reads at a time.
const walkChunk = 500

// ForEachMention calls fn for each mention created in [from, to), oldest
// first. fn runs inside a read transaction: it must not call other DB
// methods that write. Returning an error from fn stops the walk.
func (s *DB) ForEachMention(ctx context.Context, from, to time.Time, fn func(core.Mention) error) error {
	var stopped error
	err := s.view(ctx, func(tx pgx.Tx) error {
		stopped = nil
		atNs, key := timeNano(from), ""
		end := timeNano(to)
		for {
			rows, err := tx.Query(ctx, `SELECT at_ns, key, doc FROM mentions
				WHERE (at_ns, key) > ($1, $2) AND at_ns >= $1 AND at_ns < $3
				ORDER BY at_ns, key LIMIT $4`, atNs, key, end, walkChunk)
			if err != nil {
				return err
			}
			chunk, err := pgx.CollectRows(rows, pgx.RowToStructByPos[mentionRow])
			if err != nil {
				return err
			}
			for _, r := range chunk {
				if err := ctx.Err(); err != nil {
					return err
				}
				m, err := decodeMention(r.Key, r.Doc)
				if err != nil {
					return err
				}
				if err := fn(m); err != nil {
					// Not the transaction's error: a retry must not
					// call fn again.
					stopped = err
					return errStopped
				}
			}
			if len(chunk) < walkChunk {
				return nil
			}
			atNs, key = chunk[len(chunk)-1].AtNs, chunk[len(chunk)-1].Key
		}
	})
	if stopped != nil {
		err = stopped
	}
	if err != nil {
		return fmt.Errorf("store: mentions from %s to %s: %w", from.Format(time.RFC3339), to.Format(time.RFC3339), err)
	}
	return nil
}

// errStopped ends a read transaction whose callback returned an error.
var errStopped = errors.New("stopped by the callback")

// mentionRow is one row of a walk over the time index.
type mentionRow struct {
	AtNs int64
	Key  string
	Doc  []byte
}

// MentionCount returns how many mentions are stored.
func (s *DB) MentionCount(ctx context.Context) (int, error) {
	var n int
	err := s.view(ctx, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `SELECT count(*) FROM mentions`).Scan(&n)
	})
	if err != nil {
		return 0, fmt.Errorf("store: mention count: %w", err)
	}
	return n, nil
}

// exact is t as the store gives it back: UTC, to the nanosecond, without
// a monotonic reading (the zero time stays zero).
func exact(t time.Time) time.Time { return fromNano(unixNano(t)) }
