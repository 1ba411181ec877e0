package pgstore

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/store"
)

// metaCodesLowWater (meta) is how few codes left make the managers'
// notice that the pool runs low.
const metaCodesLowWater = "codes_low_water"

// AddCodes loads reward codes into the pool, in order. A code ever loaded
// before is a duplicate, whether or not it was handed out.
func (s *DB) AddCodes(ctx context.Context, codes []string) (core.CodeLoad, error) {
	var res core.CodeLoad
	err := s.update(ctx, func(tx pgx.Tx) error {
		res = core.CodeLoad{}
		// One loader at a time keeps load_seq in order.
		if _, err := tx.Exec(ctx, `LOCK TABLE codes IN SHARE ROW EXCLUSIVE MODE`); err != nil {
			return err
		}
		var seq int64
		if err := tx.QueryRow(ctx, `SELECT coalesce(max(load_seq), 0) FROM codes`).Scan(&seq); err != nil {
			return err
		}
		for _, code := range codes {
			// A text column cannot hold U+0000.
			if !store.ValidCode(code) || strings.IndexByte(code, 0) >= 0 {
				res.Invalid++
				continue
			}
			tag, err := tx.Exec(ctx, `INSERT INTO codes (code, load_seq) VALUES ($1, $2) ON CONFLICT (code) DO NOTHING`, code, seq+1)
			if err != nil {
				return err
			}
			if tag.RowsAffected() == 0 {
				res.Duplicates++
				continue
			}
			seq++
			res.Added++
		}
		return nil
	})
	if err != nil {
		return core.CodeLoad{}, fmt.Errorf("store: add codes: %w", err)
	}
	return res, nil
}

// CodesLeft counts the codes not yet handed out.
func (s *DB) CodesLeft(ctx context.Context) (int, error) {
	var n int
	err := s.view(ctx, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `SELECT count(*) FROM codes WHERE given_to IS NULL`).Scan(&n)
	})
	return n, err
}

// SetCodesLowWater sets how few codes left make the store queue the
// managers' notice that the pool runs low (0: only when it is empty).
func (s *DB) SetCodesLowWater(ctx context.Context, n int) error {
	err := s.update(ctx, func(tx pgx.Tx) error {
		return putMeta(ctx, tx, metaCodesLowWater, max(n, 0))
	})
	if err != nil {
		return fmt.Errorf("store: set codes low-water mark: %w", err)
	}
	return nil
}

// CodesMissed says which of the mentions' referrers were thanked without
// the reward code their thank-you asked for, the pool being empty.
func (s *DB) CodesMissed(ctx context.Context, mentionKeys []string) (map[string]bool, error) {
	out := map[string]bool{}
	err := s.view(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT mention_key FROM codes_missed WHERE mention_key = ANY($1)`, cleanAll(mentionKeys))
		if err != nil {
			return err
		}
		keys, err := pgx.CollectRows(rows, pgx.RowTo[string])
		for _, k := range keys {
			out[k] = true
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: codes missed: %w", err)
	}
	return out, nil
}

// takeCode hands out the oldest free code for the mention's thank-you
// (concurrent transactions each take a different one), and queues the
// managers' notice when that leaves the pool at or under its low-water
// mark, or empty: once per load of codes.
func takeCode(ctx context.Context, tx pgx.Tx, mentionKey string, at time.Time) (string, bool, error) {
	var code string
	err := tx.QueryRow(ctx, `SELECT code FROM codes WHERE given_to IS NULL ORDER BY load_seq LIMIT 1 FOR UPDATE SKIP LOCKED`).Scan(&code)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	if _, err := tx.Exec(ctx, `UPDATE codes SET given_to = $2, given_ns = $3 WHERE code = $1`, code, clean(mentionKey), unixNano(at)); err != nil {
		return "", false, err
	}
	low := store.DefaultCodesLowWater
	if _, err := getMeta(ctx, tx, metaCodesLowWater, &low); err != nil {
		return "", false, err
	}
	var left int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM (SELECT 1 FROM codes WHERE given_to IS NULL LIMIT $1) f`, low+1).Scan(&left); err != nil {
		return "", false, err
	}
	switch {
	case left == 0:
		return code, true, codesNotice(ctx, tx, core.TopicCodesEmpty, 0, at)
	case left <= low:
		return code, true, codesNotice(ctx, tx, core.TopicCodesLow, left, at)
	}
	return code, true, nil
}

// missCode records that the mention's private thank-you found the pool
// empty (the digest counts those thanked without a code) and queues the
// managers' notice.
func missCode(ctx context.Context, tx pgx.Tx, mentionKey string, at time.Time) error {
	if _, err := tx.Exec(ctx, `INSERT INTO codes_missed (mention_key, at_ns) VALUES ($1, $2)
		ON CONFLICT (mention_key) DO UPDATE SET at_ns = excluded.at_ns`, clean(mentionKey), max(at.UnixNano(), 0)); err != nil {
		return err
	}
	return codesNotice(ctx, tx, core.TopicCodesEmpty, 0, at)
}

func codesNotice(ctx context.Context, tx pgx.Tx, topic string, left int, at time.Time) error {
	var loaded int64
	if err := tx.QueryRow(ctx, `SELECT coalesce(max(load_seq), 0) FROM codes`).Scan(&loaded); err != nil {
		return err
	}
	_, err := putAction(ctx, tx, &core.Action{Kind: core.ActionNotify, Topic: topic, Actor: core.ActorSystem,
		DedupKey: topic + ":" + strconv.FormatInt(loaded, 10), Text: strconv.Itoa(left), CreatedAt: at})
	return err
}

// missedCode reports whether a, which putAction did not queue, is a
// private thank-you that found the reward-code pool empty.
func missedCode(ctx context.Context, tx pgx.Tx, a core.Action) (bool, error) {
	if a.Kind != core.ActionThankPrivate || a.Code != "" {
		return false, nil
	}
	var missed bool
	err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM codes_missed WHERE mention_key = $1)
		AND NOT EXISTS (SELECT 1 FROM outbox WHERE dedup_key = $2)`, clean(a.MentionKey), clean(a.DedupKey)).Scan(&missed)
	return missed, err
}

func cleanAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = clean(s)
	}
	return out
}
