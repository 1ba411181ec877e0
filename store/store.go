// Package store keeps Shenava's state in one bbolt file: mentions with a
// time-ordered index, per-source cursors, cases, the outbox, authors, daily
// and hourly counters. It is the only package that imports bbolt.
//
// Every public method is one transaction. Saving a polled batch of mentions
// and the source's new cursor happens in a single transaction together with
// the cases and outbox actions decided for those mentions, so a crash either
// keeps all of it or none of it.
package store

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"github.com/shenava/shenava/internal/newfile"
)

// SchemaVersion is the layout this code reads and writes. Version 2 added
// the per-day author tallies (day_authors); version 3 binary case and bot
// records and inbox mentions (JSON ones, from before, read as they are)
// and the count of stored mentions (keyMentionCount). An older file opened for writing is migrated
// on open.
const SchemaVersion = 3

// DefaultLockTimeout is how long Open waits for another process to release
// the database file.
const DefaultLockTimeout = 5 * time.Second

// ErrLocked is returned by Open when another process holds the file.
var ErrLocked = errors.New("database is in use by another process")

var (
	bktMeta          = []byte("meta")
	bktMentions      = []byte("mentions")       // key → mention record
	bktMentionsTime  = []byte("mentions_time")  // created nanos (8, BE) | key → nil
	bktCursors       = []byte("cursors")        // source → cursor record
	bktCases         = []byte("cases")          // id (8, BE) → case
	bktCasesMention  = []byte("cases_mention")  // mention key → case id
	bktCasesOpen     = []byte("cases_open")     // id → label, for open cases
	bktOutbox        = []byte("outbox")         // id → action
	bktOutboxPending = []byte("outbox_pending") // id → state, next attempt, created (see pendingVal), for pending and sending actions
	bktOutboxDedup   = []byte("outbox_dedup")   // dedup key → id
	bktAuthors       = []byte("authors")        // author key → history
	bktDaily         = []byte("daily")          // day "YYYY-MM-DD" 0 dim 0 value → count (8, BE)
	bktHourly        = []byte("hourly")         // unix hour (8, BE) | label → count (8, BE)
	bktCodesFree     = []byte("codes_free")     // load sequence (8, BE) | code → nil
	bktCodesUsed     = []byte("codes_used")     // code → who got it, when
	bktCodesSeen     = []byte("codes_seen")     // code → nil, every code ever loaded
	bktCodesMissed   = []byte("codes_missed")   // mention key → when its thank-you found no code (nanos, 8 BE)

	allBuckets = [][]byte{bktMeta, bktMentions, bktMentionsTime, bktCursors, bktCases,
		bktCasesMention, bktCasesOpen, bktOutbox, bktOutboxPending, bktOutboxDedup,
		bktAuthors, bktDaily, bktHourly, bktCodesFree, bktCodesUsed, bktCodesSeen, bktCodesMissed,
		bktBotInbox, bktBotMeta, bktBotCallbacks, bktBotMessages, bktBotPrompts, bktBotPrefs,
		bktBotApprovals, bktBotCaseTokens, bktBotHeld, bktDayAuthors}

	keySchema = []byte("schema_version")
	// keyMentionCount, in the meta bucket, counts the stored mentions (8,
	// BE), so that counting them reads no bucket.
	keyMentionCount = []byte("mention_count")
)

// Options tune Open. The zero value is usable.
type Options struct {
	// LockTimeout bounds the wait for another process's file lock.
	LockTimeout time.Duration
	// Location is the time zone whose calendar days the daily counters use.
	// Nil means UTC.
	Location *time.Location
	// NoSync skips fsync after each commit: only for benchmarks and tests.
	NoSync bool
	// ReadOnly opens the file for reading (backups of a stopped database).
	ReadOnly bool
}

// DB is an open Shenava database.
type DB struct {
	db  *bolt.DB
	loc *time.Location
	// version is the file's schema version once open (a read-only open
	// does not migrate).
	version uint64
	// commits counts the write transactions committed (each costs two
	// fsyncs, data and meta page).
	commits atomic.Uint64
	// guests wait for the next batch save to commit them (group.go).
	guests guests
}

// Open opens or creates the database at path, creates its buckets and
// checks the schema version.
func Open(path string, opts Options) (*DB, error) {
	if opts.LockTimeout <= 0 {
		opts.LockTimeout = DefaultLockTimeout
	}
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	bdb, err := bolt.Open(path, 0o600, &bolt.Options{
		Timeout:      opts.LockTimeout,
		NoSync:       opts.NoSync,
		ReadOnly:     opts.ReadOnly,
		FreelistType: bolt.FreelistMapType,
	})
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, fmt.Errorf("store: open %s: %w (waited %s; is another shenava running on it?)", path, ErrLocked, opts.LockTimeout)
	}
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	s := &DB{db: bdb, loc: opts.Location}
	if opts.ReadOnly {
		err = s.checkSchema()
	} else {
		err = s.init()
	}
	if err != nil {
		bdb.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	return s, nil
}

func (s *DB) init() error {
	return s.db.Update(func(tx *bolt.Tx) error {
		for _, name := range allBuckets {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return fmt.Errorf("create bucket %s: %w", name, err)
			}
		}
		meta := tx.Bucket(bktMeta)
		v := meta.Get(keySchema)
		if v == nil {
			s.version = SchemaVersion
			return meta.Put(keySchema, itob(SchemaVersion))
		}
		if err := checkVersion(v); err != nil {
			return err
		}
		if btoi(v) < 2 {
			if err := s.migrateDayAuthors(tx); err != nil {
				return fmt.Errorf("migrate to schema version 2: %w", err)
			}
		}
		if btoi(v) < 3 {
			// Case records need no rewrite: both forms are read.
			n := tx.Bucket(bktMentions).Stats().KeyN
			if err := meta.Put(keyMentionCount, itob(uint64(n))); err != nil {
				return fmt.Errorf("migrate to schema version 3: %w", err)
			}
		}
		s.version = SchemaVersion
		return meta.Put(keySchema, itob(SchemaVersion))
	})
}

func (s *DB) checkSchema() error {
	return s.db.View(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bktMeta)
		if meta == nil {
			return errors.New("not a shenava database (no meta bucket)")
		}
		if err := checkVersion(meta.Get(keySchema)); err != nil {
			return err
		}
		s.version = btoi(meta.Get(keySchema))
		return nil
	})
}

func checkVersion(v []byte) error {
	if len(v) != 8 {
		return errors.New("schema version key is corrupt")
	}
	if got := btoi(v); got > SchemaVersion {
		return fmt.Errorf("database schema version %d is newer than this shenava understands (%d): upgrade shenava", got, SchemaVersion)
	}
	return nil
}

// Close releases the file.
func (s *DB) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("store: close: %w", err)
	}
	return nil
}

// Path is the database file's path.
func (s *DB) Path() string { return s.db.Path() }

// Backup writes a consistent copy of the whole database to w while others
// keep reading and writing.
func (s *DB) Backup(ctx context.Context, w io.Writer) (int64, error) {
	var n int64
	err := s.view(ctx, func(tx *bolt.Tx) error {
		var err error
		n, err = tx.WriteTo(w)
		return err
	})
	if err != nil {
		return n, fmt.Errorf("store: backup: %w", err)
	}
	return n, nil
}

// BackupFile writes a consistent copy to path (created with mode 0600,
// never overwriting an existing file) and syncs it.
func (s *DB) BackupFile(ctx context.Context, path string) (int64, error) {
	var berr error
	n, err := newfile.Write(path, func(w io.Writer) (int64, error) {
		var n int64
		n, berr = s.Backup(ctx, w)
		return n, berr
	})
	switch {
	case berr != nil:
		return 0, berr
	case err != nil:
		return 0, fmt.Errorf("store: backup: %w", err)
	}
	return n, nil
}

func (s *DB) view(ctx context.Context, fn func(*bolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.db.View(fn)
}

func (s *DB) update(ctx context.Context, fn func(*bolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := s.db.Update(fn); err != nil {
		return err
	}
	s.commits.Add(1)
	return nil
}

// Commits returns how many write transactions this handle committed: the
// cost that matters with fsync on, two syncs each.
func (s *DB) Commits() uint64 { return s.commits.Load() }

// appendFill is the fill of pages in buckets whose keys only grow
// (sequence numbers, times): bbolt splits a page at half full by default,
// which leaves such buckets half empty for good, since no key ever lands
// in the older pages again.
const appendFill = 0.95

// appending sets the fill of an append-mostly bucket for this transaction.
func appending(b *bolt.Bucket) *bolt.Bucket {
	b.FillPercent = appendFill
	return b
}

func itob(v uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, v)
	return b
}

func btoi(b []byte) uint64 { return binary.BigEndian.Uint64(b) }

// getJSON decodes the value at key into v; it reports whether the key existed.
func getJSON(b *bolt.Bucket, key []byte, v any) (bool, error) {
	raw := b.Get(key)
	if raw == nil {
		return false, nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return true, fmt.Errorf("decode %q: %w", key, err)
	}
	return true, nil
}

func putJSON(b *bolt.Bucket, key []byte, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %q: %w", key, err)
	}
	return b.Put(key, raw)
}
