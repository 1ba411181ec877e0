package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/shenava/shenava/core"
)

// putAction queues a in tx, unless an action with its dedup key exists
// (ever): it reports whether it queued it, and sets its ID and state. A
// private thank-you asking for {code} takes the oldest free reward code;
// with none left the miss is recorded and the managers told instead.
func putAction(ctx context.Context, tx pgx.Tx, a *core.Action) (bool, error) {
	if err := a.Validate(); err != nil {
		return false, err
	}
	var exists bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM outbox WHERE dedup_key = $1)`, clean(a.DedupKey)).Scan(&exists); err != nil {
		return false, err
	}
	if exists {
		return false, nil
	}
	if a.Kind == core.ActionThankPrivate && a.Code == "" && strings.Contains(a.Text, "{code}") {
		code, ok, err := takeCode(ctx, tx, a.MentionKey, a.CreatedAt)
		if err != nil {
			return false, err
		}
		if !ok {
			return false, missCode(ctx, tx, a.MentionKey, a.CreatedAt)
		}
		a.Code = code
	}
	a.State = core.ActionPending
	if a.NextAttemptAt.IsZero() {
		a.NextAttemptAt = a.CreatedAt
	}
	// The ID is the row's; the doc is written once it is known.
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO outbox (dedup_key, kind, state, mention_key, case_id, created_ns, next_attempt_ns, doc)
		VALUES ($1, $2, $3, $4, $5, $6, $7, '{}') ON CONFLICT (dedup_key) DO NOTHING RETURNING id`,
		clean(a.DedupKey), string(a.Kind), string(a.State), clean(a.MentionKey), int64(a.CaseID),
		unixNano(a.CreatedAt), unixNano(a.NextAttemptAt)).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		// Another transaction queued the same key first.
		return false, nil
	}
	if err != nil {
		return false, err
	}
	a.ID = uint64(id)
	return true, updateAction(ctx, tx, *a)
}

// updateAction writes a's state, times and document.
func updateAction(ctx context.Context, tx pgx.Tx, a core.Action) error {
	doc, err := json.Marshal(a)
	if err != nil {
		return err
	}
	tag, err := tx.Exec(ctx, `UPDATE outbox SET state = $2, next_attempt_ns = $3, case_id = $4, doc = $5 WHERE id = $1`,
		int64(a.ID), string(a.State), unixNano(a.NextAttemptAt), int64(a.CaseID), doc)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("action %d: %w", a.ID, core.ErrNotFound)
	}
	return nil
}

// getAction reads action id, locking its row for the rest of tx when lock.
func getAction(ctx context.Context, tx pgx.Tx, id uint64, lock bool) (core.Action, error) {
	q := `SELECT doc FROM outbox WHERE id = $1`
	if lock {
		q += ` FOR UPDATE`
	}
	var doc []byte
	var a core.Action
	err := tx.QueryRow(ctx, q, int64(id)).Scan(&doc)
	if errors.Is(err, pgx.ErrNoRows) {
		return a, fmt.Errorf("action %d: %w", id, core.ErrNotFound)
	}
	if err != nil {
		return a, err
	}
	if err := json.Unmarshal(doc, &a); err != nil {
		return a, fmt.Errorf("action %d: %w", id, err)
	}
	return a, nil
}

// Enqueue queues actions decided outside a batch save (a digest, a spike
// alert, an SLA re-ping). Actions whose dedup key exists are skipped; the
// queued ones are returned.
func (s *DB) Enqueue(ctx context.Context, actions ...core.Action) ([]core.Action, error) {
	var queued []core.Action
	err := s.update(ctx, func(tx pgx.Tx) error {
		queued = nil
		for _, a := range actions {
			ok, err := putAction(ctx, tx, &a)
			if err != nil {
				return err
			}
			if ok {
				queued = append(queued, a)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: enqueue: %w", err)
	}
	return queued, nil
}

// unixNano is t in Unix nanoseconds, 0 for the zero time.
func unixNano(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

// fromNano is the UTC time of Unix nanoseconds n, the zero time for 0.
func fromNano(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

// clean makes s storable in a text column, which cannot hold U+0000: it
// becomes U+FFFD there (keys and indexed copies only; the JSON document,
// which escapes it, keeps the text as it was).
func clean(s string) string {
	if strings.IndexByte(s, 0) < 0 {
		return s
	}
	return strings.ReplaceAll(s, "\x00", "\uFFFD")
}
