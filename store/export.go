package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/shenava/shenava/core"
)

// Export hands every record of the database to fn, kind by kind, as
// another storage driver needs them to hold the same state: each record
// with its ID, times and state as stored. Indexes the store derives from
// records (the time index, cases by state, the in-doubt index, the count
// of mentions) are not records: each driver builds its own. What the
// store keeps in its meta bucket comes last, as one Settings record.
//
// Export reads one transaction, so the records are one consistent state
// even while others write; a file of an older layout opened read-only
// (not brought up to date) is refused; fn runs inside it and must not call methods of
// this DB that write. Returning an error from fn stops the export.
func (s *DB) Export(ctx context.Context, fn func(Record) error) error {
	if s.version < SchemaVersion {
		return fmt.Errorf("store: export: the file's layout (schema version %d) is older than this shenava's (%d), "+
			"and it was opened read-only: open it for writing once, which brings it up to date: %w",
			s.version, SchemaVersion, core.ErrUnsupported)
	}
	err := s.view(ctx, func(tx *bolt.Tx) error {
		e := exporter{ctx: ctx, tx: tx, fn: fn}
		for _, step := range []func() error{
			e.mentions, e.cursors, e.cases, e.actions, e.authors, e.dayCounts, e.hourCounts,
			e.dayAuthors, e.codes, e.codesMissed, e.botRecords, e.inbox, e.usage, e.webSessions,
			e.webLinks, e.settings,
		} {
			if err := step(); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: export: %w", err)
	}
	return nil
}

// Kind names one kind of record Export yields; it is how `shenava
// migrate` reports counts.
type Kind string

// Kinds of records, in the order Export yields them.
const (
	KindMention    Kind = "mentions"
	KindCursor     Kind = "cursors"
	KindCase       Kind = "cases"
	KindAction     Kind = "outbox actions"
	KindAuthor     Kind = "authors"
	KindDayCount   Kind = "day counters"
	KindHourCount  Kind = "hour counters"
	KindDayAuthor  Kind = "day author tallies"
	KindCodeFree   Kind = "reward codes free"
	KindCodeUsed   Kind = "reward codes handed out"
	KindCodeMissed Kind = "thank-yous without a code"
	KindBot        Kind = "bot records"
	KindInbox      Kind = "bot inbox mentions"
	KindUsage      Kind = "usage counters"
	KindWebSession Kind = "web sessions"
	KindWebLink    Kind = "used sign-in links"
	KindSettings   Kind = "settings"
)

// Kinds lists every kind, in the order Export yields them.
var Kinds = []Kind{KindMention, KindCursor, KindCase, KindAction, KindAuthor, KindDayCount, KindHourCount,
	KindDayAuthor, KindCodeFree, KindCodeUsed, KindCodeMissed, KindBot, KindInbox, KindUsage, KindWebSession,
	KindWebLink, KindSettings}

// Record is one exported record: one of the *Record types of this file.
type Record interface {
	Kind() Kind
}

// MentionRecord is a stored mention and when Shenava processed it.
type MentionRecord struct {
	Mention     core.Mention
	ProcessedAt time.Time
}

// CursorRecord is a source's saved position.
type CursorRecord struct {
	Source    string
	Cursor    string
	UpdatedAt time.Time
}

// CaseRecord is a case with its ID and audit trail.
type CaseRecord struct{ Case core.Case }

// ActionRecord is an outbox action with its ID and state.
type ActionRecord struct{ Action core.Action }

// AuthorRecord is what Shenava remembers of an author.
type AuthorRecord struct{ Author core.AuthorHistory }

// DayCountRecord is one daily counter: of the local calendar day Day, the
// mentions whose Dim (core.DimTotal, core.DimLabel, …) is Value.
type DayCountRecord struct {
	Day, Dim, Value string
	N               int64
}

// HourCountRecord counts the mentions with Label created in the UTC hour
// that starts at Hour×3600 Unix seconds.
type HourCountRecord struct {
	Hour  int64
	Label core.Label
	N     int64
}

// DayAuthorRecord is an author's tally of one local calendar day.
type DayAuthorRecord struct {
	Day   string
	Tally core.AuthorTally
}

// CodeRecord is a reward code: free, with its place in the load order
// (Seq, oldest first), or handed out to the thank-you of GivenTo (a
// mention key) at GivenAt. The load order of a handed-out code is not
// kept; every free code was loaded after every handed-out one, since the
// oldest free code is handed out first.
type CodeRecord struct {
	Code    string
	Seq     uint64
	Used    bool
	GivenTo string
	GivenAt time.Time
}

// CodeMissedRecord: the private thank-you of the mention found no code
// left, at At.
type CodeMissedRecord struct {
	MentionKey string
	At         time.Time
}

// BotRecord is one of the managers' bot's records, its JSON value as the
// bot wrote it.
type BotRecord struct {
	Space core.Space
	Key   string
	Value []byte
	At    time.Time
}

// InboxRecord is a group message waiting in the bot's inbox for the
// engine, with its sequence number.
type InboxRecord struct {
	Seq     uint64
	Mention core.Mention
}

// UsageRecord is one usage counter of a paid API, of the UTC day Day.
type UsageRecord struct {
	Day, Meter string
	N          int64
}

// WebSessionRecord is a web inbox session record under its ID (a hash of
// the session cookie).
type WebSessionRecord struct {
	ID  string
	Rec []byte
}

// WebLinkRecord is a used sign-in link's nonce and when the link expires.
type WebLinkRecord struct {
	Nonce   string
	Expires time.Time
}

// Settings are the database's facts besides its records. The sequences
// are the last IDs handed out (never reused, also after the record is
// gone): a copy hands out IDs after them.
type Settings struct {
	// DigestDay is the last day whose digest was sent ("" = none).
	DigestDay string
	// UpdateOffset is the last Telegram update the bot finished with.
	UpdateOffset int64
	// CodesLowWater is the reward codes' low-water mark; HasCodesLowWater
	// is false when none was set (DefaultCodesLowWater applies).
	CodesLowWater    int
	HasCodesLowWater bool
	// CodesLoaded counts the reward codes ever loaded (the load sequence).
	CodesLoaded uint64
	// CaseSeq, ActionSeq and InboxSeq are the last case ID, outbox action
	// ID and inbox sequence number handed out.
	CaseSeq, ActionSeq, InboxSeq uint64
}

// Kind implements Record.
func (MentionRecord) Kind() Kind { return KindMention }

// Kind implements Record.
func (CursorRecord) Kind() Kind { return KindCursor }

// Kind implements Record.
func (CaseRecord) Kind() Kind { return KindCase }

// Kind implements Record.
func (ActionRecord) Kind() Kind { return KindAction }

// Kind implements Record.
func (AuthorRecord) Kind() Kind { return KindAuthor }

// Kind implements Record.
func (DayCountRecord) Kind() Kind { return KindDayCount }

// Kind implements Record.
func (HourCountRecord) Kind() Kind { return KindHourCount }

// Kind implements Record.
func (DayAuthorRecord) Kind() Kind { return KindDayAuthor }

// Kind implements Record: free or handed out.
func (r CodeRecord) Kind() Kind {
	if r.Used {
		return KindCodeUsed
	}
	return KindCodeFree
}

// Kind implements Record.
func (CodeMissedRecord) Kind() Kind { return KindCodeMissed }

// Kind implements Record.
func (BotRecord) Kind() Kind { return KindBot }

// Kind implements Record.
func (InboxRecord) Kind() Kind { return KindInbox }

// Kind implements Record.
func (UsageRecord) Kind() Kind { return KindUsage }

// Kind implements Record.
func (WebSessionRecord) Kind() Kind { return KindWebSession }

// Kind implements Record.
func (WebLinkRecord) Kind() Kind { return KindWebLink }

// Kind implements Record.
func (Settings) Kind() Kind { return KindSettings }

type exporter struct {
	ctx context.Context
	tx  *bolt.Tx
	fn  func(Record) error
}

// each walks a bucket (absent buckets, created on first use, are empty).
func (e *exporter) each(name []byte, fn func(k, v []byte) error) error {
	b := e.tx.Bucket(name)
	if b == nil {
		return nil
	}
	c := b.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if err := e.ctx.Err(); err != nil {
			return err
		}
		if err := fn(k, v); err != nil {
			return fmt.Errorf("%s %q: %w", name, k, err)
		}
	}
	return nil
}

// mentions walks the time index, oldest first, and checks that it and the
// mentions agree.
func (e *exporter) mentions() error {
	mentions := e.tx.Bucket(bktMentions)
	if mentions == nil {
		return nil
	}
	n := 0
	err := e.each(bktMentionsTime, func(k, _ []byte) error {
		if len(k) < 8 {
			return fmt.Errorf("corrupt time index key")
		}
		raw := mentions.Get(k[8:])
		if raw == nil {
			return fmt.Errorf("time index points at a missing mention")
		}
		var rec MentionRec
		if err := decodeMention(raw, &rec); err != nil {
			return err
		}
		n++
		return e.fn(MentionRecord{Mention: rec.Mention(), ProcessedAt: fromNano(rec.Processed)})
	})
	if err != nil {
		return err
	}
	if all := e.keys(bktMentions); all != n {
		return fmt.Errorf("the time index holds %d mentions, the mentions bucket %d", n, all)
	}
	return nil
}

func (e *exporter) cursors() error {
	return e.each(bktCursors, func(k, v []byte) error {
		var rec cursorRec
		if err := json.Unmarshal(v, &rec); err != nil {
			return err
		}
		return e.fn(CursorRecord{Source: string(k), Cursor: rec.Cursor, UpdatedAt: rec.UpdatedAt})
	})
}

func (e *exporter) cases() error {
	return e.each(bktCases, func(_, v []byte) error {
		var c core.Case
		if err := decodeCase(v, &c); err != nil {
			return err
		}
		return e.fn(CaseRecord{Case: c})
	})
}

func (e *exporter) actions() error {
	return e.each(bktOutbox, func(_, v []byte) error {
		var a core.Action
		if err := decodeAction(v, &a); err != nil {
			return err
		}
		return e.fn(ActionRecord{Action: a})
	})
}

func (e *exporter) authors() error {
	return e.each(bktAuthors, func(_, v []byte) error {
		var h core.AuthorHistory
		if err := decodeAuthor(v, &h); err != nil {
			return err
		}
		return e.fn(AuthorRecord{Author: h})
	})
}

func (e *exporter) dayCounts() error {
	return e.each(bktDaily, func(k, v []byte) error {
		parts := bytes.SplitN(k, []byte{0}, 3)
		if len(parts) != 3 || len(v) != 8 {
			return fmt.Errorf("corrupt counter")
		}
		return e.fn(DayCountRecord{Day: string(parts[0]), Dim: string(parts[1]), Value: string(parts[2]), N: int64(btoi(v))})
	})
}

func (e *exporter) hourCounts() error {
	return e.each(bktHourly, func(k, v []byte) error {
		if len(k) < 8 || len(v) != 8 {
			return fmt.Errorf("corrupt counter")
		}
		return e.fn(HourCountRecord{Hour: int64(btoi(k[:8])), Label: core.Label(k[8:]), N: int64(btoi(v))})
	})
}

func (e *exporter) dayAuthors() error {
	return e.each(bktDayAuthors, func(k, v []byte) error {
		day, author, ok := bytes.Cut(k, []byte{0})
		if !ok || len(v) < 16 {
			return fmt.Errorf("corrupt tally")
		}
		p, id, _ := bytes.Cut(author, []byte(":"))
		return e.fn(DayAuthorRecord{Day: string(day), Tally: core.AuthorTally{
			Key: string(author), Platform: core.Platform(p), ID: string(id), Name: string(v[16:]),
			Mentions: int(binary.BigEndian.Uint64(v)), Negative: int(binary.BigEndian.Uint64(v[8:])),
		}})
	})
}

// codes yields the free codes, oldest first, then the handed-out ones, and
// checks that together they are every code ever loaded.
func (e *exporter) codes() error {
	n := 0
	err := e.each(bktCodesFree, func(k, _ []byte) error {
		if len(k) <= 8 {
			return fmt.Errorf("corrupt free code")
		}
		n++
		return e.fn(CodeRecord{Code: string(k[8:]), Seq: btoi(k[:8])})
	})
	if err != nil {
		return err
	}
	err = e.each(bktCodesUsed, func(k, v []byte) error {
		var use codeUse
		if err := json.Unmarshal(v, &use); err != nil {
			return err
		}
		n++
		return e.fn(CodeRecord{Code: string(k), Used: true, GivenTo: use.MentionKey, GivenAt: use.At})
	})
	if err != nil {
		return err
	}
	if seen := e.keys(bktCodesSeen); seen != n {
		return fmt.Errorf("reward codes: %d ever loaded, but %d free or handed out", seen, n)
	}
	return nil
}

func (e *exporter) codesMissed() error {
	return e.each(bktCodesMissed, func(k, v []byte) error {
		if len(v) != 8 {
			return fmt.Errorf("corrupt time")
		}
		return e.fn(CodeMissedRecord{MentionKey: string(k), At: fromNano(int64(btoi(v)))})
	})
}

func (e *exporter) botRecords() error {
	for _, space := range core.Spaces {
		err := e.each(botSpaces[space], func(k, v []byte) error {
			rec, err := decodeBotRec(v)
			if err != nil {
				return err
			}
			return e.fn(BotRecord{Space: space, Key: string(k), Value: []byte(rec.Value), At: fromNano(rec.At)})
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func (e *exporter) inbox() error {
	return e.each(bktBotInbox, func(k, v []byte) error {
		var rec MentionRec
		if err := decodeMention(v, &rec); err != nil {
			return err
		}
		return e.fn(InboxRecord{Seq: btoi(k), Mention: rec.Mention()})
	})
}

func (e *exporter) usage() error {
	return e.each(bktUsage, func(k, v []byte) error {
		day, meter, ok := bytes.Cut(k, []byte{0})
		if !ok || len(v) != 8 {
			return fmt.Errorf("corrupt usage counter")
		}
		return e.fn(UsageRecord{Day: string(day), Meter: string(meter), N: int64(btoi(v))})
	})
}

func (e *exporter) webSessions() error {
	return e.each(bktWebSessions, func(k, v []byte) error {
		return e.fn(WebSessionRecord{ID: string(k), Rec: bytes.Clone(v)})
	})
}

func (e *exporter) webLinks() error {
	return e.each(bktWebLinks, func(k, v []byte) error {
		if len(v) != 8 {
			return fmt.Errorf("corrupt expiry")
		}
		return e.fn(WebLinkRecord{Nonce: string(k), Expires: fromNano(int64(btoi(v)))})
	})
}

func (e *exporter) settings() error {
	meta := e.tx.Bucket(bktMeta)
	st := Settings{DigestDay: string(meta.Get(keyDigestDay))}
	if v := meta.Get(keyCodesLowWater); len(v) == 8 {
		st.CodesLowWater, st.HasCodesLowWater = int(btoi(v)), true
	}
	if b := e.tx.Bucket(bktBotMeta); b != nil && b.Get(keyUpdateOffset) != nil {
		v := b.Get(keyUpdateOffset)
		off, err := strconv.ParseInt(string(v), 10, 64)
		if err != nil {
			return fmt.Errorf("corrupt update offset %q", v)
		}
		st.UpdateOffset = off
	}
	st.CodesLoaded, st.CaseSeq = e.seq(bktCodesFree), e.seq(bktCases)
	st.ActionSeq, st.InboxSeq = e.seq(bktOutbox), e.seq(bktBotInbox)
	return e.fn(st)
}

// seq is a bucket's sequence, 0 for a bucket a read-only file lacks.
func (e *exporter) seq(name []byte) uint64 {
	if b := e.tx.Bucket(name); b != nil {
		return b.Sequence()
	}
	return 0
}

// keys counts a bucket's keys, 0 for a bucket a read-only file lacks.
func (e *exporter) keys(name []byte) int {
	if b := e.tx.Bucket(name); b != nil {
		return b.Stats().KeyN
	}
	return 0
}
