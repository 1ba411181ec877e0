package pgstore

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// The web inbox's sign-in records: sessions (opaque records under the
// hash of their ID) and the nonces of the sign-in links used, kept until
// the links expire. Any replica may get a sign-in: a link is used once
// across all of them.

// WebSession returns the session record stored under id.
func (s *DB) WebSession(ctx context.Context, id string) ([]byte, bool, error) {
	var out []byte
	ok := false
	err := s.view(ctx, func(tx pgx.Tx) error {
		out, ok = nil, false
		rows, err := tx.Query(ctx, `SELECT rec FROM web_sessions WHERE id = $1`, []byte(id))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			if err := rows.Scan(&out); err != nil {
				return err
			}
			if out == nil {
				out = []byte{}
			}
			ok = true
		}
		return rows.Err()
	})
	if err != nil {
		return nil, false, fmt.Errorf("store: web session: %w", err)
	}
	return out, ok, nil
}

// PutWebSession stores a session record under id; a nil rec deletes it.
func (s *DB) PutWebSession(ctx context.Context, id string, rec []byte) error {
	err := s.update(ctx, func(tx pgx.Tx) error {
		if rec == nil {
			_, err := tx.Exec(ctx, `DELETE FROM web_sessions WHERE id = $1`, []byte(id))
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO web_sessions (id, rec) VALUES ($1, $2)
			ON CONFLICT (id) DO UPDATE SET rec = excluded.rec`, []byte(id), rec)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: web session: %w", err)
	}
	return nil
}

// PruneWebSessions deletes the session records keep refuses. keep may run
// more than once for a record (when the transaction is retried).
func (s *DB) PruneWebSessions(ctx context.Context, keep func(rec []byte) bool) (int, error) {
	n := 0
	err := s.update(ctx, func(tx pgx.Tx) error {
		n = 0
		rows, err := tx.Query(ctx, `SELECT id, rec FROM web_sessions ORDER BY id FOR UPDATE`)
		if err != nil {
			return err
		}
		var gone [][]byte
		for rows.Next() {
			var id, rec []byte
			if err := rows.Scan(&id, &rec); err != nil {
				rows.Close()
				return err
			}
			if rec == nil {
				rec = []byte{}
			}
			if !keep(rec) {
				gone = append(gone, id)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(gone) == 0 {
			return nil
		}
		tag, err := tx.Exec(ctx, `DELETE FROM web_sessions WHERE id = ANY($1)`, gone)
		n = int(tag.RowsAffected())
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: prune web sessions: %w", err)
	}
	return n, nil
}

// UseWebLink records that the sign-in link with this nonce, valid until
// expires, was used. It reports false when it had been used before.
// Records of links past their expiry are dropped on the way. Two replicas
// given one link at the same moment both insert its nonce: the second
// waits for the first to commit, and finds it used.
func (s *DB) UseWebLink(ctx context.Context, nonce string, expires, now time.Time) (bool, error) {
	first := false
	err := s.update(ctx, func(tx pgx.Tx) error {
		first = false
		tag, err := tx.Exec(ctx, `INSERT INTO web_links (nonce, expires_ns) VALUES ($1, $2) ON CONFLICT (nonce) DO NOTHING`,
			[]byte(nonce), max(0, boundNano(expires)))
		if err != nil || tag.RowsAffected() == 0 {
			return err
		}
		first = true
		_, err = tx.Exec(ctx, `DELETE FROM web_links WHERE expires_ns < $1 AND nonce <> $2`, boundNano(now), []byte(nonce))
		return err
	})
	if err != nil {
		return false, fmt.Errorf("store: sign-in link: %w", err)
	}
	return first, nil
}
