package pgstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/shenava/shenava/core"
)

// answerSendsLock is the first key of the advisory lock that serialises
// ReserveSend per platform (the second is the platform's hash).
const answerSendsLock = 0x53484e41 // "SHNA"

// answerSendsKeep is the least time a send is kept for the rate caps.
const answerSendsKeep = 24 * time.Hour

// ReserveSend is the outgoing rate caps of every replica together: it
// records an answer sent on p at now and returns 0, or returns how long
// to wait until every cap (at most caps[per] answers in any window of
// length per) allows one more, recording nothing. Reservations on one
// platform take turns (an advisory lock held to the commit), so replicas
// sharing the database never send more than the caps allow between them.
func (s *DB) ReserveSend(ctx context.Context, p core.Platform, now time.Time, caps map[time.Duration]int) (time.Duration, error) {
	var longest time.Duration
	for per, n := range caps {
		if n > 0 && per > longest {
			longest = per
		}
	}
	if longest == 0 {
		return 0, nil
	}
	var wait time.Duration
	err := s.update(ctx, func(tx pgx.Tx) error {
		wait = 0
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, hashtext($2))`, int32(answerSendsLock), string(p)); err != nil {
			return err
		}
		for per, n := range caps {
			if n <= 0 || per <= 0 {
				continue
			}
			// The n-th newest send inside the window, if there are n.
			var at int64
			err := tx.QueryRow(ctx, `SELECT at_ns FROM answer_sends WHERE platform = $1 AND at_ns > $2
				ORDER BY at_ns DESC OFFSET $3 LIMIT 1`, string(p), now.Add(-per).UnixNano(), n-1).Scan(&at)
			if errors.Is(err, pgx.ErrNoRows) {
				continue
			}
			if err != nil {
				return err
			}
			wait = max(wait, fromNano(at).Add(per).Sub(now))
		}
		if wait > 0 {
			return nil
		}
		if _, err := tx.Exec(ctx, `DELETE FROM answer_sends WHERE platform = $1 AND at_ns <= $2`,
			string(p), now.Add(-max(longest, answerSendsKeep)).UnixNano()); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO answer_sends (platform, at_ns) VALUES ($1, $2)`, string(p), now.UnixNano())
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: reserve a send on %s: %w", p, err)
	}
	return wait, nil
}
