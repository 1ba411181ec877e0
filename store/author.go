package store

import (
	"context"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/shenava/shenava/core"
)

// noteAuthor folds a newly stored mention into its author's history.
func (s *DB) noteAuthor(tx *bolt.Tx, m core.Mention, caseID uint64, thanked bool, now time.Time) error {
	b := tx.Bucket(bktAuthors)
	key := m.AuthorKey()
	var h core.AuthorHistory
	if _, err := getAuthor(b, key, &h); err != nil {
		return err
	}
	h.Note(m, caseID, thanked, now)
	return b.Put([]byte(key), encodeAuthor(h))
}

// getAuthor reads an author's history (binary, or JSON as files written
// before hold), and whether there is one.
func getAuthor(b *bolt.Bucket, key string, h *core.AuthorHistory) (bool, error) {
	raw := b.Get([]byte(key))
	if raw == nil {
		return false, nil
	}
	if err := decodeAuthor(raw, h); err != nil {
		return true, fmt.Errorf("decode %q: %w", key, err)
	}
	return true, nil
}

// Author returns what Shenava remembers about one author; a never-seen
// author gives ErrNotFound.
func (s *DB) Author(ctx context.Context, key string) (core.AuthorHistory, error) {
	var h core.AuthorHistory
	err := s.view(ctx, func(tx *bolt.Tx) error {
		ok, err := getAuthor(tx.Bucket(bktAuthors), key, &h)
		if err == nil && !ok {
			err = core.ErrNotFound
		}
		return err
	})
	if err != nil {
		return h, fmt.Errorf("store: author %s: %w", key, err)
	}
	return h, nil
}

// Authors returns the histories of the given authors that exist.
func (s *DB) Authors(ctx context.Context, keys []string) (map[string]core.AuthorHistory, error) {
	out := make(map[string]core.AuthorHistory, len(keys))
	err := s.view(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bktAuthors)
		for _, k := range keys {
			var h core.AuthorHistory
			ok, err := getAuthor(b, k, &h)
			if err != nil {
				return err
			}
			if ok {
				out[k] = h
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: authors: %w", err)
	}
	return out, nil
}
