package store

import (
	"context"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/shenava/shenava/core"
)

// The web inbox's In doubt tab lists the cases with a reply or thank-you
// whose delivery is unknown (interrupted by a crash mid-send). The outbox
// keeps them in an index, in step with every action state written
// (putActionState), so that the tab reads a few keys instead of the whole
// outbox. Files written before the index existed are indexed once by
// IndexCases.

var (
	bktWebDoubt = []byte("web_doubt") // case id (8, BE) | action id (8, BE) → nil, for replies in doubt

	keyWebDoubtIndex = []byte("web_doubt_index") // in meta: present once the outbox is indexed
)

func doubtKey(a core.Action) []byte { return append(itob(a.CaseID), itob(a.ID)...) }

// indexDoubt keeps the in-doubt index in step with an action being
// written: what reaches the author counts, a refresh of an alert message
// in doubt does not.
func indexDoubt(tx *bolt.Tx, a core.Action) error {
	if a.CaseID == 0 || !(a.Kind.Public() || a.Kind.Private()) {
		return nil
	}
	b, err := tx.CreateBucketIfNotExists(bktWebDoubt)
	if err != nil {
		return err
	}
	if a.State == core.ActionInDoubt {
		return b.Put(doubtKey(a), nil)
	}
	return b.Delete(doubtKey(a))
}

// indexDoubtful builds the in-doubt index from the whole outbox, once.
func indexDoubtful(tx *bolt.Tx) error {
	meta := tx.Bucket(bktMeta)
	if meta.Get(keyWebDoubtIndex) != nil {
		return nil
	}
	if tx.Bucket(bktWebDoubt) != nil {
		if err := tx.DeleteBucket(bktWebDoubt); err != nil {
			return err
		}
	}
	if _, err := tx.CreateBucket(bktWebDoubt); err != nil {
		return err
	}
	if err := tx.Bucket(bktOutbox).ForEach(func(k, v []byte) error {
		var a core.Action
		if err := decodeAction(v, &a); err != nil {
			return fmt.Errorf("action %d: %w", btoi(k), err)
		}
		return indexDoubt(tx, a)
	}); err != nil {
		return err
	}
	return meta.Put(keyWebDoubtIndex, itob(1))
}

// DoubtCases returns the cases with a reply or thank-you in doubt, newest
// first. It reads only the in-doubt index.
func (s *DB) DoubtCases(ctx context.Context) ([]uint64, error) {
	var ids []uint64
	err := s.view(ctx, func(tx *bolt.Tx) error {
		ids = nil
		b := tx.Bucket(bktWebDoubt)
		if b == nil {
			return nil
		}
		c := b.Cursor()
		for k, _ := c.Last(); k != nil; k, _ = c.Prev() {
			if len(k) != 16 {
				return fmt.Errorf("in-doubt index: corrupt key %x", k)
			}
			if id := btoi(k[:8]); len(ids) == 0 || ids[len(ids)-1] != id {
				ids = append(ids, id)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: cases in doubt: %w", err)
	}
	return ids, nil
}
