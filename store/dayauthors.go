package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/shenava/shenava/core"
)

// bktDayAuthors tallies each day's mentions per author, so that the
// digest's most active authors come from one short range read instead of
// decoding every mention of the day: day "YYYY-MM-DD" 0 author key →
// mentions (8, BE) | negative (8, BE) | the author's display name.
var bktDayAuthors = []byte("day_authors")

func dayAuthorKey(day, author string) []byte { return []byte(day + "\x00" + author) }

// tallyAuthor adds a newly stored mention to its author's tally of the
// mention's local creation day.
func (s *DB) tallyAuthor(tx *bolt.Tx, m core.Mention) error {
	b := appending(tx.Bucket(bktDayAuthors))
	key := dayAuthorKey(m.CreatedAt.In(s.loc).Format(core.DayFormat), m.AuthorKey())
	var n, neg uint64
	var name []byte
	if v := b.Get(key); len(v) >= 16 {
		n, neg, name = binary.BigEndian.Uint64(v), binary.BigEndian.Uint64(v[8:]), v[16:]
	}
	n++
	if m.Analysis != nil && m.Analysis.Label == core.LabelNegative {
		neg++
	}
	if s := m.Author.Display(); s != "" {
		name = []byte(s)
	}
	v := make([]byte, 16, 16+len(name))
	binary.BigEndian.PutUint64(v, n)
	binary.BigEndian.PutUint64(v[8:], neg)
	return b.Put(key, append(v, name...))
}

// DayAuthors returns the tally of each author who wrote on a local
// calendar day ("YYYY-MM-DD" in the store's time zone), in author key
// order.
func (s *DB) DayAuthors(ctx context.Context, day string) ([]core.AuthorTally, error) {
	if err := CheckDay("day authors", day); err != nil {
		return nil, err
	}
	if s.version < 2 {
		return nil, fmt.Errorf("store: day authors: the database (schema version %d, opened read-only) has no tallies yet: %w", s.version, core.ErrUnsupported)
	}
	var out []core.AuthorTally
	err := s.view(ctx, func(tx *bolt.Tx) error {
		c := tx.Bucket(bktDayAuthors).Cursor()
		prefix := []byte(day + "\x00")
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			if len(v) < 16 {
				return fmt.Errorf("day authors %q: corrupt tally", k)
			}
			key := string(k[len(prefix):])
			p, id, _ := bytes.Cut(k[len(prefix):], []byte(":"))
			out = append(out, core.AuthorTally{
				Key: key, Platform: core.Platform(p), ID: string(id), Name: string(v[16:]),
				Mentions: int(binary.BigEndian.Uint64(v)), Negative: int(binary.BigEndian.Uint64(v[8:])),
			})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: day authors %s: %w", day, err)
	}
	return out, nil
}

// migrateDayAuthors builds the day_authors tallies of a database written
// before they existed (schema version 1), from its stored mentions, in the
// transaction that moves it to version 2.
func (s *DB) migrateDayAuthors(tx *bolt.Tx) error {
	if err := tx.DeleteBucket(bktDayAuthors); err != nil && tx.Bucket(bktDayAuthors) != nil {
		return err
	}
	if _, err := tx.CreateBucket(bktDayAuthors); err != nil {
		return err
	}
	return tx.Bucket(bktMentions).ForEach(func(k, v []byte) error {
		var rec MentionRec
		if err := decodeMention(v, &rec); err != nil {
			return fmt.Errorf("mention %q: %w", k, err)
		}
		return s.tallyAuthor(tx, rec.Mention())
	})
}
