package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/shenava/shenava/core"
)

// authorNote is a newly stored mention to fold into its author's history.
type authorNote struct {
	m       core.Mention
	caseID  uint64
	thanked bool
}

// noteAuthors folds newly stored mentions into their authors' histories,
// each author's in the order stored. The authors' rows are locked (created
// when new) in key order, so that concurrent batches take turns on a
// shared author instead of deadlocking, and none loses another's change.
func noteAuthors(ctx context.Context, tx pgx.Tx, notes map[string][]authorNote, now time.Time) error {
	if len(notes) == 0 {
		return nil
	}
	keys := make([]string, 0, len(notes))
	for k := range notes {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return clean(keys[i]) < clean(keys[j]) })
	// The upsert locks an existing row (its no-op update) and returns its
	// document, or creates the row and returns null.
	lock := &pgx.Batch{}
	for _, k := range keys {
		lock.Queue(`INSERT INTO authors (key, doc) VALUES ($1, 'null') ON CONFLICT (key) DO UPDATE SET key = excluded.key RETURNING doc`, clean(k))
	}
	docs := make([][]byte, len(keys))
	br := tx.SendBatch(ctx, lock)
	for i := range keys {
		if err := br.QueryRow().Scan(&docs[i]); err != nil {
			br.Close()
			return err
		}
	}
	if err := br.Close(); err != nil {
		return err
	}
	write := &pgx.Batch{}
	for i, k := range keys {
		var h core.AuthorHistory
		if err := json.Unmarshal(docs[i], &h); err != nil {
			return fmt.Errorf("decode author %q: %w", k, err)
		}
		for _, n := range notes[k] {
			h.Note(n.m, n.caseID, n.thanked, now)
		}
		doc, err := json.Marshal(exactAuthor(h))
		if err != nil {
			return fmt.Errorf("encode author %q: %w", k, err)
		}
		write.Queue(`UPDATE authors SET doc = $2 WHERE key = $1`, clean(k), doc)
	}
	return tx.SendBatch(ctx, write).Close()
}

// exactAuthor is h with its times as the store gives them back.
func exactAuthor(h core.AuthorHistory) core.AuthorHistory {
	h.FirstSeen, h.LastSeen, h.LastThankedAt = exact(h.FirstSeen), exact(h.LastSeen), exact(h.LastThankedAt)
	return h
}

func decodeAuthor(key string, doc []byte) (core.AuthorHistory, error) {
	var h core.AuthorHistory
	if err := json.Unmarshal(doc, &h); err != nil {
		return h, fmt.Errorf("decode %q: %w", key, err)
	}
	return h, nil
}

// Author returns what Shenava remembers about one author; a never-seen
// author gives ErrNotFound.
func (s *DB) Author(ctx context.Context, key string) (core.AuthorHistory, error) {
	var h core.AuthorHistory
	err := s.view(ctx, func(tx pgx.Tx) error {
		var doc []byte
		err := tx.QueryRow(ctx, `SELECT doc FROM authors WHERE key = $1`, clean(key)).Scan(&doc)
		if errors.Is(err, pgx.ErrNoRows) {
			return core.ErrNotFound
		}
		if err != nil {
			return err
		}
		h, err = decodeAuthor(key, doc)
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
	err := s.view(ctx, func(tx pgx.Tx) error {
		clear(out)
		rows, err := tx.Query(ctx, `SELECT key, doc FROM authors WHERE key = ANY($1)`, cleanAll(keys))
		if err != nil {
			return err
		}
		type row struct {
			Key string
			Doc []byte
		}
		rs, err := pgx.CollectRows(rows, pgx.RowToStructByPos[row])
		if err != nil {
			return err
		}
		docs := make(map[string][]byte, len(rs))
		for _, r := range rs {
			docs[r.Key] = r.Doc
		}
		for _, k := range keys {
			doc, ok := docs[clean(k)]
			if !ok {
				continue
			}
			h, err := decodeAuthor(k, doc)
			if err != nil {
				return err
			}
			out[k] = h
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: authors: %w", err)
	}
	return out, nil
}
