package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/shenava/shenava/core"
)

type codeUse struct {
	MentionKey string    `json:"mention_key"`
	At         time.Time `json:"at"`
}

// ValidCode reports whether code can be a reward code: it is not empty
// and holds no white space (a code is sent as one word).
func ValidCode(code string) bool {
	return code != "" && !strings.ContainsAny(code, " \t\r\n")
}

// AddCodes loads reward codes into the pool, in order.
func (s *DB) AddCodes(ctx context.Context, codes []string) (core.CodeLoad, error) {
	var res core.CodeLoad
	err := s.update(ctx, func(tx *bolt.Tx) error {
		res = core.CodeLoad{}
		free, seen := tx.Bucket(bktCodesFree), tx.Bucket(bktCodesSeen)
		for _, code := range codes {
			if !ValidCode(code) {
				res.Invalid++
				continue
			}
			if seen.Get([]byte(code)) != nil {
				res.Duplicates++
				continue
			}
			seq, err := free.NextSequence()
			if err != nil {
				return err
			}
			if err := free.Put(append(itob(seq), code...), nil); err != nil {
				return err
			}
			if err := seen.Put([]byte(code), []byte{1}); err != nil {
				return err
			}
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
	err := s.view(ctx, func(tx *bolt.Tx) error {
		n = tx.Bucket(bktCodesFree).Stats().KeyN
		return nil
	})
	return n, err
}

// keyCodesLowWater (meta) holds how few codes left make the managers'
// notice that the pool runs low (8, BE; absent = DefaultCodesLowWater).
var keyCodesLowWater = []byte("codes_low_water")

// DefaultCodesLowWater is the low-water mark until SetCodesLowWater.
const DefaultCodesLowWater = 5

// SetCodesLowWater sets how few codes left make the store queue the
// managers' notice that the pool runs low (0: only when it is empty). The
// notice is queued in the transaction that hands out the code, whichever
// path the thank-you took (automatic or approved).
func (s *DB) SetCodesLowWater(ctx context.Context, n int) error {
	err := s.update(ctx, func(tx *bolt.Tx) error {
		return tx.Bucket(bktMeta).Put(keyCodesLowWater, itob(uint64(max(n, 0))))
	})
	if err != nil {
		return fmt.Errorf("store: set codes low-water mark: %w", err)
	}
	return nil
}

func codesLowWater(tx *bolt.Tx) int {
	if v := tx.Bucket(bktMeta).Get(keyCodesLowWater); len(v) == 8 {
		return int(btoi(v))
	}
	return DefaultCodesLowWater
}

// takeCode hands out the oldest free code, for the mention's thank-you,
// and queues the managers' notice when that leaves the pool at or under
// its low-water mark, or empty: once per load of codes (the dedup key
// carries how many were ever loaded, so loading more re-arms it).
func takeCode(tx *bolt.Tx, mentionKey string, at time.Time) (string, bool, error) {
	free := tx.Bucket(bktCodesFree)
	k, _ := free.Cursor().First()
	if k == nil {
		return "", false, nil
	}
	code := string(k[8:])
	if err := free.Delete(k); err != nil {
		return "", false, err
	}
	if err := putJSON(tx.Bucket(bktCodesUsed), []byte(code), codeUse{MentionKey: mentionKey, At: at}); err != nil {
		return "", false, err
	}
	// Count what is left only up to the mark (Stats would not see this
	// transaction's deletes).
	low, left := codesLowWater(tx), 0
	c := free.Cursor()
	for k, _ := c.First(); k != nil && left <= low; k, _ = c.Next() {
		left++
	}
	switch {
	case left == 0:
		return code, true, codesNotice(tx, core.TopicCodesEmpty, 0, at)
	case left <= low:
		return code, true, codesNotice(tx, core.TopicCodesLow, left, at)
	}
	return code, true, nil
}

// missCode records that the mention's private thank-you found the pool
// empty (the digest counts those thanked without a code) and queues the
// "no codes left" notice, once per load.
func missCode(tx *bolt.Tx, mentionKey string, at time.Time) error {
	if err := tx.Bucket(bktCodesMissed).Put([]byte(mentionKey), itob(uint64(max(at.UnixNano(), 0)))); err != nil {
		return err
	}
	return codesNotice(tx, core.TopicCodesEmpty, 0, at)
}

func codesNotice(tx *bolt.Tx, topic string, left int, at time.Time) error {
	loaded := tx.Bucket(bktCodesFree).Sequence()
	_, err := putAction(tx, &core.Action{Kind: core.ActionNotify, Topic: topic, Actor: core.ActorSystem,
		DedupKey: topic + ":" + strconv.FormatUint(loaded, 10), Text: strconv.Itoa(left), CreatedAt: at})
	return err
}

// missedCode reports whether a, which putAction did not queue, is a
// private thank-you that found the reward-code pool empty.
func missedCode(tx *bolt.Tx, a core.Action) bool {
	return a.Kind == core.ActionThankPrivate && a.Code == "" && tx.Bucket(bktCodesMissed).Get([]byte(a.MentionKey)) != nil &&
		tx.Bucket(bktOutboxDedup).Get([]byte(a.DedupKey)) == nil
}

// CodesMissed says which of the mentions' referrers were thanked without
// the reward code their thank-you asked for, the pool being empty.
func (s *DB) CodesMissed(ctx context.Context, mentionKeys []string) (map[string]bool, error) {
	out := map[string]bool{}
	err := s.view(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bktCodesMissed)
		for _, k := range mentionKeys {
			if b.Get([]byte(k)) != nil {
				out[k] = true
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: codes missed: %w", err)
	}
	return out, nil
}
