package store

import (
	"bytes"
	"context"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/shenava/shenava/core"
)

// MentionRec is the stored form of a mention, in the bbolt file (binary,
// or JSON as files written before hold) and, as JSON, in the PostgreSQL
// store's documents. Short JSON names keep the records small; the struct
// is the store's own, so core can change without silently changing what
// is stored. (MentionRecord is a mention as exported, with when it was
// processed.)
type MentionRec struct {
	Platform  string         `json:"p"`
	NativeID  string         `json:"i"`
	Source    string         `json:"s,omitempty"`
	URL       string         `json:"u,omitempty"`
	Author    AuthorRec      `json:"a"`
	Text      string         `json:"t"`
	Created   int64          `json:"c"`
	Fetched   int64          `json:"f,omitempty"`
	ReplyTo   string         `json:"r,omitempty"`
	Conv      string         `json:"cv,omitempty"`
	LangHint  string         `json:"lh,omitempty"`
	Analysis  *core.Analysis `json:"an,omitempty"`
	Processed int64          `json:"pr,omitempty"`
}

// AuthorRec is the stored form of a mention's author.
type AuthorRec struct {
	ID        string `json:"i"`
	Handle    string `json:"h,omitempty"`
	Name      string `json:"n,omitempty"`
	Followers int    `json:"f,omitempty"`
	Bot       bool   `json:"b,omitempty"`
}

// ToMentionRec is m's stored form; Processed is left for the caller.
func ToMentionRec(m core.Mention) MentionRec {
	return MentionRec{
		Platform: string(m.Platform), NativeID: m.NativeID, Source: m.Source, URL: m.URL,
		Author: AuthorRec{ID: m.Author.ID, Handle: m.Author.Handle, Name: m.Author.Name,
			Followers: m.Author.Followers, Bot: m.Author.Bot},
		Text: m.Text, Created: unixNano(m.CreatedAt), Fetched: unixNano(m.FetchedAt),
		ReplyTo: m.ReplyToID, Conv: m.ConversationID, LangHint: m.LangHint, Analysis: m.Analysis,
	}
}

// Mention is the mention r stores.
func (r MentionRec) Mention() core.Mention {
	return core.Mention{
		Platform: core.Platform(r.Platform), NativeID: r.NativeID, Source: r.Source, URL: r.URL,
		Author: core.Author{ID: r.Author.ID, Handle: r.Author.Handle, Name: r.Author.Name,
			Followers: r.Author.Followers, Bot: r.Author.Bot},
		Text: r.Text, CreatedAt: fromNano(r.Created), FetchedAt: fromNano(r.Fetched),
		ReplyToID: r.ReplyTo, ConversationID: r.Conv, LangHint: r.LangHint, Analysis: r.Analysis,
	}
}

func unixNano(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func fromNano(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

// timeKey orders the time index: created time (big-endian nanoseconds,
// clamped at the epoch) then the mention key.
func timeKey(t time.Time, key string) []byte {
	n := unixNano(t)
	if n < 0 {
		n = 0
	}
	return append(itob(uint64(n)), key...)
}

// cursorRec is a source's saved position.
type cursorRec struct {
	Cursor    string    `json:"cursor"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Known reports which of keys are already stored.
func (s *DB) Known(ctx context.Context, keys []string) (map[string]bool, error) {
	known := make(map[string]bool)
	err := s.view(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bktMentions)
		for _, k := range keys {
			if b.Get([]byte(k)) != nil {
				known[k] = true
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: known mentions: %w", err)
	}
	return known, nil
}

// Cursor returns the saved cursor of a source ("" when it has none).
func (s *DB) Cursor(ctx context.Context, source string) (string, error) {
	var rec cursorRec
	err := s.view(ctx, func(tx *bolt.Tx) error {
		_, err := getJSON(tx.Bucket(bktCursors), []byte(source), &rec)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("store: cursor of %s: %w", source, err)
	}
	return rec.Cursor, nil
}

// SaveBatch stores, in one transaction, the new mentions of a poll with
// everything decided for them and the source's new cursor. A decision
// whose mention is already stored is skipped whole (the second pass after a
// crash is a no-op); an action whose dedup key exists is skipped alone.
func (s *DB) SaveBatch(ctx context.Context, source, cursor string, ds []core.Decision, now time.Time) (core.SaveResult, error) {
	var res core.SaveResult
	err := s.updateHosting(ctx, func(tx *bolt.Tx) error {
		res = core.SaveResult{}
		mentions := appending(tx.Bucket(bktMentions))
		seen := make(map[string]bool, len(ds))
		for _, d := range ds {
			m := d.Mention
			key := []byte(m.Key())
			if seen[m.Key()] || mentions.Get(key) != nil {
				res.Duplicates++
				continue
			}
			seen[m.Key()] = true
			rec := ToMentionRec(m)
			rec.Processed = now.UnixNano()
			if err := mentions.Put(key, encodeMention(rec)); err != nil {
				return err
			}
			if err := appending(tx.Bucket(bktMentionsTime)).Put(timeKey(m.CreatedAt, m.Key()), nil); err != nil {
				return err
			}
			res.Stored = append(res.Stored, m)
			var caseID uint64
			if d.OpenCase {
				c := core.NewCase(m, now)
				if err := s.putNewCase(tx, &c); err != nil {
					return err
				}
				caseID = c.ID
				res.Cases = append(res.Cases, c)
			}
			thanked, err := QueueDecided(&res, d.Actions, caseID, now,
				func(a *core.Action) (bool, error) { return putAction(tx, a) },
				func(a core.Action) (bool, error) { return missedCode(tx, a), nil })
			if err != nil {
				return err
			}
			for _, id := range d.Recovers {
				if err := modifyCase(tx, id, func(c *core.Case) error {
					c.Recover(m.Key(), now)
					return nil
				}); err != nil {
					return err
				}
			}
			if err := s.noteAuthor(tx, m, caseID, thanked, now); err != nil {
				return err
			}
			if err := s.count(tx, m); err != nil {
				return err
			}
		}
		if len(res.Stored) > 0 {
			if err := incr(tx.Bucket(bktMeta), keyMentionCount, uint64(len(res.Stored))); err != nil {
				return err
			}
		}
		return putJSON(tx.Bucket(bktCursors), []byte(source), cursorRec{Cursor: cursor, UpdatedAt: now})
	})
	if err != nil {
		return core.SaveResult{}, fmt.Errorf("store: save batch from %s: %w", source, err)
	}
	return res, nil
}

// Mention returns one stored mention.
func (s *DB) Mention(ctx context.Context, key string) (core.Mention, error) {
	var m core.Mention
	err := s.view(ctx, func(tx *bolt.Tx) error {
		var err error
		m, err = getMention(tx, key)
		return err
	})
	if err != nil {
		return core.Mention{}, fmt.Errorf("store: mention %s: %w", key, err)
	}
	return m, nil
}

func getMention(tx *bolt.Tx, key string) (core.Mention, error) {
	raw := tx.Bucket(bktMentions).Get([]byte(key))
	if raw == nil {
		return core.Mention{}, core.ErrNotFound
	}
	var rec MentionRec
	if err := decodeMention(raw, &rec); err != nil {
		return core.Mention{}, fmt.Errorf("decode %q: %w", key, err)
	}
	return rec.Mention(), nil
}

// ForEachMention calls fn for each mention created in [from, to), oldest
// first. fn runs inside a read transaction: it must not call other DB
// methods that write. Returning an error from fn stops the walk.
func (s *DB) ForEachMention(ctx context.Context, from, to time.Time, fn func(core.Mention) error) error {
	err := s.view(ctx, func(tx *bolt.Tx) error {
		idx := tx.Bucket(bktMentionsTime).Cursor()
		mentions := tx.Bucket(bktMentions)
		end := timeKey(to, "")
		for k, _ := idx.Seek(timeKey(from, "")); k != nil && bytes.Compare(k, end) < 0; k, _ = idx.Next() {
			if err := ctx.Err(); err != nil {
				return err
			}
			raw := mentions.Get(k[8:])
			if raw == nil {
				return fmt.Errorf("time index points at missing mention %q", k[8:])
			}
			var rec MentionRec
			if err := decodeMention(raw, &rec); err != nil {
				return fmt.Errorf("decode %q: %w", k[8:], err)
			}
			if err := fn(rec.Mention()); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: mentions from %s to %s: %w", from.Format(time.RFC3339), to.Format(time.RFC3339), err)
	}
	return nil
}

// MentionCount returns how many mentions are stored, from the count kept
// with them (a read-only open of a file from before the count walks the
// mentions).
func (s *DB) MentionCount(ctx context.Context) (int, error) {
	var n int
	err := s.view(ctx, func(tx *bolt.Tx) error {
		if v := tx.Bucket(bktMeta).Get(keyMentionCount); len(v) == 8 {
			n = int(btoi(v))
			return nil
		}
		n = tx.Bucket(bktMentions).Stats().KeyN
		return nil
	})
	return n, err
}
