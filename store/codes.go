package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/shenava/shenava/core"
)

type codeUse struct {
	MentionKey string    `json:"mention_key"`
	At         time.Time `json:"at"`
}

// AddCodes loads reward codes into the pool, in order.
func (s *DB) AddCodes(ctx context.Context, codes []string) (core.CodeLoad, error) {
	var res core.CodeLoad
	err := s.update(ctx, func(tx *bolt.Tx) error {
		res = core.CodeLoad{}
		free, seen := tx.Bucket(bktCodesFree), tx.Bucket(bktCodesSeen)
		for _, code := range codes {
			if code == "" || strings.ContainsAny(code, " \t\r\n") {
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

// takeCode hands out the oldest free code, for the mention's thank-you.
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
	return code, true, nil
}
