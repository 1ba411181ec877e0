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

// The Telegram bot keeps small records of its own: which chat message
// announces which case, the opaque tokens its buttons carry, force-reply
// prompts waiting for a manager's text, managers' language and mute
// choices, thank-you approvals. The store does not interpret them: each is
// a JSON value the bot encodes, kept in one of the spaces of core.Spaces
// (table bot_records, keys and values as bytes) with the time it was
// written, so old records can be pruned.
//
// Group messages the bot reads wait in a durable inbox until the engine
// has stored them: InboxAppend writes them together with the Telegram
// update offset that confirms them, so an update is never confirmed to
// Telegram before its message is on disk.

// Meta keys of the bot and the digest.
const (
	metaUpdateOffset = "update_offset"
	metaDigestDay    = "digest_last_day"
)

// inboxLock is the advisory lock key InboxAppend holds until it commits,
// so that inbox sequence numbers become visible in order and a reader
// that has seen one never misses a lower one committed later.
const inboxLock = 0x5348454e41564102 // "SHENAVA\x02"

func checkSpace(space core.Space) error {
	if !slices.Contains(core.Spaces, space) {
		return fmt.Errorf("bot state space %q: %w", space, core.ErrInvalid)
	}
	return nil
}

// getBotRec reads the record at key in space, locking its row for the
// rest of tx when lock.
func getBotRec(ctx context.Context, tx pgx.Tx, space core.Space, key string, lock bool) ([]byte, bool, error) {
	q := `SELECT value FROM bot_records WHERE space = $1 AND key = $2 AND value IS NOT NULL`
	if lock {
		q += ` FOR UPDATE`
	}
	var val []byte
	err := tx.QueryRow(ctx, q, string(space), []byte(key)).Scan(&val)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	if val == nil {
		val = []byte{}
	}
	return val, true, nil
}

// putBotRec writes a bot record (a JSON value); with ifAbsent a record
// already at key is kept.
func putBotRec(ctx context.Context, tx pgx.Tx, space core.Space, key string, value []byte, at time.Time, ifAbsent bool) error {
	if err := checkSpace(space); err != nil {
		return err
	}
	if !json.Valid(value) {
		return fmt.Errorf("bot record %q is not JSON: %w", key, core.ErrInvalid)
	}
	q := `INSERT INTO bot_records (space, key, at_ns, value) VALUES ($1, $2, $3, $4)
		ON CONFLICT (space, key) DO UPDATE SET at_ns = excluded.at_ns, value = excluded.value`
	if ifAbsent {
		q = `INSERT INTO bot_records (space, key, at_ns, value) VALUES ($1, $2, $3, $4)
			ON CONFLICT (space, key) DO UPDATE SET at_ns = excluded.at_ns, value = excluded.value WHERE bot_records.value IS NULL`
	}
	_, err := tx.Exec(ctx, q, string(space), []byte(key), unixNano(at), value)
	return err
}

// BotGet returns the bot record at key in space, and whether it exists.
func (s *DB) BotGet(ctx context.Context, space core.Space, key string) ([]byte, bool, error) {
	var (
		val []byte
		ok  bool
	)
	err := s.view(ctx, func(tx pgx.Tx) error {
		if err := checkSpace(space); err != nil {
			return err
		}
		var err error
		val, ok, err = getBotRec(ctx, tx, space, key, false)
		return err
	})
	if err != nil {
		return nil, false, fmt.Errorf("store: bot %s %q: %w", space, key, err)
	}
	return val, ok, nil
}

// BotPut writes a bot record (a JSON value) at key in space.
func (s *DB) BotPut(ctx context.Context, space core.Space, key string, value []byte, at time.Time) error {
	err := s.update(ctx, func(tx pgx.Tx) error {
		return putBotRec(ctx, tx, space, key, value, at, false)
	})
	if err != nil {
		return fmt.Errorf("store: put bot %s %q: %w", space, key, err)
	}
	return nil
}

// BotDelete removes a bot record; a missing one is not an error.
func (s *DB) BotDelete(ctx context.Context, space core.Space, key string) error {
	err := s.update(ctx, func(tx pgx.Tx) error {
		if err := checkSpace(space); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `DELETE FROM bot_records WHERE space = $1 AND key = $2`, string(space), []byte(key))
		return err
	})
	if err != nil {
		return fmt.Errorf("store: delete bot %s %q: %w", space, key, err)
	}
	return nil
}

// BotSwap reads a bot record, lets fn decide its new value and the outbox
// actions the change calls for, and writes both in one transaction: a
// decision and what it sends can never come apart. fn gets nil when the
// record is absent; returning a nil value deletes the record. If fn returns
// an error nothing is written and the error is returned as is. Actions
// whose dedup key already exists are skipped; the queued ones are returned.
//
// The record's row is locked from the read to the commit, also when the
// record is absent (a row with no value holds the place until then), so
// replicas swapping one record take turns and no decision is lost. fn may
// run more than once (when the transaction is retried).
func (s *DB) BotSwap(ctx context.Context, space core.Space, key string, at time.Time, fn func(old []byte) ([]byte, []core.Action, error)) ([]core.Action, error) {
	var queued []core.Action
	var fnErr error
	err := s.update(ctx, func(tx pgx.Tx) error {
		queued, fnErr = nil, nil
		if err := checkSpace(space); err != nil {
			return err
		}
		old, ok, err := lockBotRec(ctx, tx, space, key)
		if err != nil {
			return err
		}
		if !ok {
			old = nil
		}
		val, actions, err := fn(old)
		if err != nil {
			fnErr = err
			return err
		}
		if val == nil {
			if _, err := tx.Exec(ctx, `DELETE FROM bot_records WHERE space = $1 AND key = $2`, string(space), []byte(key)); err != nil {
				return err
			}
		} else if err := putBotRec(ctx, tx, space, key, val, at, false); err != nil {
			return err
		}
		queued, err = store.Queue(actions, func(a *core.Action) {
			if a.CreatedAt.IsZero() {
				a.CreatedAt = at
			}
		}, func(a *core.Action) (bool, error) { return putAction(ctx, tx, a) })
		return err
	})
	if fnErr != nil {
		return nil, fnErr
	}
	if err != nil {
		return nil, fmt.Errorf("store: swap bot %s %q: %w", space, key, err)
	}
	return queued, nil
}

// lockBotRec reads the record at key and locks its row; an absent record
// gets a row without a value first, which only this transaction sees until
// it commits (and which it deletes or fills before then).
func lockBotRec(ctx context.Context, tx pgx.Tx, space core.Space, key string) ([]byte, bool, error) {
	for {
		var val []byte
		err := tx.QueryRow(ctx, `SELECT value FROM bot_records WHERE space = $1 AND key = $2 FOR UPDATE`,
			string(space), []byte(key)).Scan(&val)
		if err == nil {
			return val, val != nil, nil
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return nil, false, err
		}
		// Absent: hold its place. When another transaction has just
		// written it, the insert waits for that one and does nothing, and
		// the read above, again, finds and locks the record.
		tag, err := tx.Exec(ctx, `INSERT INTO bot_records (space, key, at_ns, value) VALUES ($1, $2, 0, NULL)
			ON CONFLICT (space, key) DO NOTHING`, string(space), []byte(key))
		if err != nil {
			return nil, false, err
		}
		if tag.RowsAffected() == 1 {
			return nil, false, nil
		}
		if err := ctx.Err(); err != nil {
			return nil, false, err
		}
	}
}

// BotPrune deletes the records of space written before the given time and
// returns how many went.
func (s *DB) BotPrune(ctx context.Context, space core.Space, before time.Time) (int, error) {
	n := 0
	err := s.update(ctx, func(tx pgx.Tx) error {
		n = 0
		if err := checkSpace(space); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `DELETE FROM bot_records WHERE space = $1 AND at_ns < $2 AND value IS NOT NULL`,
			string(space), boundNano(before))
		n = int(tag.RowsAffected())
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: prune bot %s: %w", space, err)
	}
	return n, nil
}

// UpdateOffset returns the ID of the last Telegram update the bot finished
// with (0 when none), so the next getUpdates asks for the ones after it.
func (s *DB) UpdateOffset(ctx context.Context) (int64, error) {
	var off int64
	err := s.view(ctx, func(tx pgx.Tx) error {
		off = 0
		_, err := getMeta(ctx, tx, metaUpdateOffset, &off)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: update offset: %w", err)
	}
	return off, nil
}

// setOffset records id as finished unless a later update already is, in
// one statement, so concurrent writers keep the greatest.
func setOffset(ctx context.Context, tx pgx.Tx, id int64) error {
	if id <= 0 {
		return nil
	}
	_, err := tx.Exec(ctx, `INSERT INTO meta (key, value) VALUES ($1, to_jsonb($2::bigint))
		ON CONFLICT (key) DO UPDATE SET value = excluded.value WHERE (meta.value #>> '{}')::numeric < $2::bigint`,
		metaUpdateOffset, id)
	return err
}

// SetUpdateOffset records that the bot finished with update id. The offset
// only moves forward.
func (s *DB) SetUpdateOffset(ctx context.Context, id int64) error {
	err := s.update(ctx, func(tx pgx.Tx) error { return setOffset(ctx, tx, id) })
	if err != nil {
		return fmt.Errorf("store: set update offset: %w", err)
	}
	return nil
}

// InboxAppend stores group messages read from Telegram update updateID and
// records that update as finished, in one transaction. Until it returns
// nil the bot does not confirm the update to Telegram, so a crash before
// this point makes Telegram deliver the update again.
func (s *DB) InboxAppend(ctx context.Context, updateID int64, ms ...core.Mention) error {
	err := s.update(ctx, func(tx pgx.Tx) error {
		if len(ms) > 0 {
			if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(inboxLock)); err != nil {
				return err
			}
			docs := make([]string, len(ms))
			for i, m := range ms {
				doc, err := json.Marshal(m)
				if err != nil {
					return err
				}
				docs[i] = string(doc)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO bot_inbox (doc) SELECT d::json FROM unnest($1::text[]) WITH ORDINALITY AS u(d, n) ORDER BY n`,
				docs); err != nil {
				return err
			}
		}
		return setOffset(ctx, tx, updateID)
	})
	if err != nil {
		return fmt.Errorf("store: inbox append (update %d): %w", updateID, err)
	}
	return nil
}

// InboxAfter returns up to limit inbox mentions after sequence number after,
// oldest first, and the sequence number of the last one returned (after
// itself when there are none).
func (s *DB) InboxAfter(ctx context.Context, after uint64, limit int) ([]core.Mention, uint64, error) {
	var out []core.Mention
	last := after
	err := s.view(ctx, func(tx pgx.Tx) error {
		out, last = nil, after
		rows, err := tx.Query(ctx, `SELECT seq, doc FROM bot_inbox WHERE seq > $1 ORDER BY seq LIMIT NULLIF($2, 0)`,
			int64(min(after, math.MaxInt64)), max(limit, 0))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var (
				seq int64
				doc []byte
			)
			if err := rows.Scan(&seq, &doc); err != nil {
				return err
			}
			var m core.Mention
			if err := json.Unmarshal(doc, &m); err != nil {
				return fmt.Errorf("inbox %d: %w", seq, err)
			}
			m.CreatedAt, m.FetchedAt = utc(m.CreatedAt), utc(m.FetchedAt)
			out = append(out, m)
			last = uint64(seq)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, after, fmt.Errorf("store: inbox: %w", err)
	}
	return out, last, nil
}

// InboxTrim deletes inbox mentions up to and including sequence number
// upTo (the engine has stored them) and returns how many went. It only
// opens a write transaction when there is something to delete.
func (s *DB) InboxTrim(ctx context.Context, upTo uint64) (int, error) {
	if upTo == 0 {
		return 0, nil
	}
	bound := int64(min(upTo, math.MaxInt64))
	due := false
	err := s.view(ctx, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM bot_inbox WHERE seq <= $1)`, bound).Scan(&due)
	})
	if err != nil {
		return 0, fmt.Errorf("store: inbox trim: %w", err)
	}
	if !due {
		return 0, nil
	}
	n := 0
	err = s.update(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM bot_inbox WHERE seq <= $1`, bound)
		n = int(tag.RowsAffected())
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: inbox trim: %w", err)
	}
	return n, nil
}

// LastDigestDay returns the last day whose daily digest was sent, "" when
// none was.
func (s *DB) LastDigestDay(ctx context.Context) (string, error) {
	var day string
	err := s.view(ctx, func(tx pgx.Tx) error {
		day = ""
		_, err := getMeta(ctx, tx, metaDigestDay, &day)
		return err
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
	if err := store.CheckDay("digest sent", day); err != nil {
		return err
	}
	err := s.update(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO meta (key, value) VALUES ($1, to_jsonb($2::text))
			ON CONFLICT (key) DO UPDATE SET value = excluded.value
			WHERE (meta.value #>> '{}') COLLATE "C" < $2::text COLLATE "C"`, metaDigestDay, day)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: digest sent %s: %w", day, err)
	}
	return nil
}
