package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/shenava/shenava/core"
)

// The Telegram bot keeps small records of its own: which chat message
// announces which case, the opaque tokens its buttons carry, force-reply
// prompts waiting for a manager's text, managers' language and mute
// choices, thank-you approvals. The store does not interpret them: each is
// a JSON value the bot encodes, kept in one of the spaces of core.Spaces
// (one bucket each) with the time it was written, so old records can be pruned.
//
// Group messages the bot reads wait in a durable inbox until the engine
// has stored them: InboxAppend writes them together with the Telegram
// update offset that confirms them, so an update is never confirmed to
// Telegram before its message is on disk.

var (
	bktBotInbox      = []byte("bot_inbox") // sequence (8, BE) → mention record
	bktBotMeta       = []byte("bot_meta")  // update_offset → decimal update ID
	bktBotCallbacks  = []byte("bot_callbacks")
	bktBotMessages   = []byte("bot_messages")
	bktBotPrompts    = []byte("bot_prompts")
	bktBotPrefs      = []byte("bot_prefs")
	bktBotApprovals  = []byte("bot_approvals")
	bktBotCaseTokens = []byte("bot_case_tokens")
	bktBotHeld       = []byte("bot_held")

	keyUpdateOffset = []byte("update_offset")

	// botSpaces gives each space of core.Spaces its bucket.
	botSpaces = map[core.Space][]byte{
		core.SpaceCallbacks:  bktBotCallbacks,
		core.SpaceMessages:   bktBotMessages,
		core.SpacePrompts:    bktBotPrompts,
		core.SpacePrefs:      bktBotPrefs,
		core.SpaceApprovals:  bktBotApprovals,
		core.SpaceCaseTokens: bktBotCaseTokens,
		core.SpaceHeld:       bktBotHeld,
	}
)

// botRec is the stored form of a bot record: the bot's JSON value and when
// it was written.
type botRec struct {
	At    int64           `json:"at"`
	Value json.RawMessage `json:"v"`
}

func botBucket(tx *bolt.Tx, space core.Space) (*bolt.Bucket, error) {
	name, ok := botSpaces[space]
	if !ok {
		return nil, fmt.Errorf("bot state space %q: %w", space, core.ErrInvalid)
	}
	return tx.Bucket(name), nil
}

func getBotRec(b *bolt.Bucket, key string) ([]byte, bool, error) {
	raw := b.Get([]byte(key))
	if raw == nil {
		return nil, false, nil
	}
	rec, err := decodeBotRec(raw)
	if err != nil {
		return nil, true, fmt.Errorf("decode %q: %w", key, err)
	}
	return []byte(rec.Value), true, nil
}

// A bot record is stored as its format byte (recBinaryV1), when it was
// written (varint nanos) and the bot's JSON value as it is; files written
// before hold the JSON envelope botRec, which stays readable. Wrapping the
// value in JSON had it validated and copied a second time at every write.
func encodeBotRec(value []byte, at time.Time) []byte {
	w := recWriter{b: make([]byte, 0, 11+len(value))}
	w.byte(recBinaryV1)
	w.int(unixNano(at))
	w.b = append(w.b, value...)
	return w.b
}

func decodeBotRec(raw []byte) (botRec, error) {
	if len(raw) == 0 || raw[0] != recBinaryV1 {
		var rec botRec
		err := json.Unmarshal(raw, &rec)
		return rec, err
	}
	rd := recReader{b: raw[1:]}
	at := rd.int()
	if rd.err != nil || len(rd.b) == 0 {
		return botRec{}, errShortRecord
	}
	// The value outlives the transaction: a copy, not the mapped page.
	return botRec{At: at, Value: bytes.Clone(rd.b)}, nil
}

func putBotRec(b *bolt.Bucket, key string, value []byte, at time.Time) error {
	if !json.Valid(value) {
		return fmt.Errorf("bot record %q is not JSON: %w", key, core.ErrInvalid)
	}
	return b.Put([]byte(key), encodeBotRec(value, at))
}

// BotGet returns the bot record at key in space, and whether it exists.
func (s *DB) BotGet(ctx context.Context, space core.Space, key string) ([]byte, bool, error) {
	var (
		val []byte
		ok  bool
	)
	err := s.view(ctx, func(tx *bolt.Tx) error {
		b, err := botBucket(tx, space)
		if err != nil {
			return err
		}
		val, ok, err = getBotRec(b, key)
		return err
	})
	if err != nil {
		return nil, false, fmt.Errorf("store: bot %s %q: %w", space, key, err)
	}
	return val, ok, nil
}

// BotPut writes a bot record (a JSON value) at key in space.
func (s *DB) BotPut(ctx context.Context, space core.Space, key string, value []byte, at time.Time) error {
	err := s.update(ctx, func(tx *bolt.Tx) error {
		b, err := botBucket(tx, space)
		if err != nil {
			return err
		}
		return putBotRec(b, key, value, at)
	})
	if err != nil {
		return fmt.Errorf("store: put bot %s %q: %w", space, key, err)
	}
	return nil
}

// BotDelete removes a bot record; a missing one is not an error.
func (s *DB) BotDelete(ctx context.Context, space core.Space, key string) error {
	err := s.update(ctx, func(tx *bolt.Tx) error {
		b, err := botBucket(tx, space)
		if err != nil {
			return err
		}
		return b.Delete([]byte(key))
	})
	if err != nil {
		return fmt.Errorf("store: delete bot %s %q: %w", space, key, err)
	}
	return nil
}

// BotSwap reads a bot record, lets fn decide its new value and the outbox
// actions the change calls for, and writes both in one transaction: a
// decision and what it sends can never come apart. fn gets nil when the
// record is absent; returning a nil value deletes the record. If fn returns
// an error nothing is written and the error is returned as is. Actions
// whose dedup key already exists are skipped; the queued ones are returned.
func (s *DB) BotSwap(ctx context.Context, space core.Space, key string, at time.Time, fn func(old []byte) ([]byte, []core.Action, error)) ([]core.Action, error) {
	var queued []core.Action
	var fnErr error
	err := s.update(ctx, func(tx *bolt.Tx) error {
		queued = nil
		b, err := botBucket(tx, space)
		if err != nil {
			return err
		}
		old, _, err := getBotRec(b, key)
		if err != nil {
			return err
		}
		val, actions, err := fn(old)
		if err != nil {
			fnErr = err
			return err
		}
		if val == nil {
			if err := b.Delete([]byte(key)); err != nil {
				return err
			}
		} else if err := putBotRec(b, key, val, at); err != nil {
			return err
		}
		queued, err = Queue(actions, func(a *core.Action) {
			if a.CreatedAt.IsZero() {
				a.CreatedAt = at
			}
		}, func(a *core.Action) (bool, error) { return putAction(tx, a) })
		return err
	})
	if fnErr != nil {
		return nil, fnErr
	}
	if err != nil {
		return nil, fmt.Errorf("store: swap bot %s %q: %w", space, key, err)
	}
	return queued, nil
}

// BotPrune deletes the records of space written before the given time and
// returns how many went.
func (s *DB) BotPrune(ctx context.Context, space core.Space, before time.Time) (int, error) {
	n := 0
	err := s.update(ctx, func(tx *bolt.Tx) error {
		n = 0
		b, err := botBucket(tx, space)
		if err != nil {
			return err
		}
		var old [][]byte
		err = b.ForEach(func(k, v []byte) error {
			rec, err := decodeBotRec(v)
			if err != nil {
				return fmt.Errorf("decode %q: %w", k, err)
			}
			if rec.At < before.UnixNano() {
				old = append(old, bytes.Clone(k))
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, k := range old {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
		n = len(old)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: prune bot %s: %w", space, err)
	}
	return n, nil
}

// UpdateOffset returns the ID of the last Telegram update the bot finished
// with (0 when none), so the next getUpdates asks for the ones after it.
func (s *DB) UpdateOffset(ctx context.Context) (int64, error) {
	var off int64
	err := s.view(ctx, func(tx *bolt.Tx) error {
		var err error
		off, err = getOffset(tx)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: update offset: %w", err)
	}
	return off, nil
}

func getOffset(tx *bolt.Tx) (int64, error) {
	v := tx.Bucket(bktBotMeta).Get(keyUpdateOffset)
	if v == nil {
		return 0, nil
	}
	off, err := strconv.ParseInt(string(v), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("corrupt update offset %q", v)
	}
	return off, nil
}

// setOffset records id as finished unless a later update already is.
func setOffset(tx *bolt.Tx, id int64) error {
	cur, err := getOffset(tx)
	if err != nil {
		return err
	}
	if id <= cur {
		return nil
	}
	return tx.Bucket(bktBotMeta).Put(keyUpdateOffset, []byte(strconv.FormatInt(id, 10)))
}

// SetUpdateOffset records that the bot finished with update id. The offset
// only moves forward.
func (s *DB) SetUpdateOffset(ctx context.Context, id int64) error {
	err := s.update(ctx, func(tx *bolt.Tx) error { return setOffset(tx, id) })
	if err != nil {
		return fmt.Errorf("store: set update offset: %w", err)
	}
	return nil
}

// InboxAppend stores group messages read from Telegram update updateID and
// records that update as finished, in one transaction. Until it returns
// nil the bot does not confirm the update to Telegram, so a crash before
// this point makes Telegram deliver the update again.
func (s *DB) InboxAppend(ctx context.Context, updateID int64, ms ...core.Mention) error {
	err := s.update(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bktBotInbox)
		for _, m := range ms {
			seq, err := b.NextSequence()
			if err != nil {
				return err
			}
			if err := b.Put(itob(seq), encodeMention(ToMentionRec(m))); err != nil {
				return err
			}
		}
		return setOffset(tx, updateID)
	})
	if err != nil {
		return fmt.Errorf("store: inbox append (update %d): %w", updateID, err)
	}
	return nil
}

// InboxAfter returns up to limit inbox mentions after sequence number after,
// oldest first, and the sequence number of the last one returned (after
// itself when there are none).
func (s *DB) InboxAfter(ctx context.Context, after uint64, limit int) ([]core.Mention, uint64, error) {
	var out []core.Mention
	last := after
	err := s.view(ctx, func(tx *bolt.Tx) error {
		c := tx.Bucket(bktBotInbox).Cursor()
		for k, v := c.Seek(itob(after + 1)); k != nil && (limit <= 0 || len(out) < limit); k, v = c.Next() {
			var rec MentionRec
			if err := decodeMention(v, &rec); err != nil {
				return fmt.Errorf("inbox %d: %w", btoi(k), err)
			}
			out = append(out, rec.Mention())
			last = btoi(k)
		}
		return nil
	})
	if err != nil {
		return nil, after, fmt.Errorf("store: inbox: %w", err)
	}
	return out, last, nil
}

// InboxTrim deletes inbox mentions up to and including sequence number
// upTo (the engine has stored them) and returns how many went. It only
// opens a write transaction when there is something to delete.
func (s *DB) InboxTrim(ctx context.Context, upTo uint64) (int, error) {
	if upTo == 0 {
		return 0, nil
	}
	due := false
	err := s.view(ctx, func(tx *bolt.Tx) error {
		k, _ := tx.Bucket(bktBotInbox).Cursor().First()
		due = k != nil && btoi(k) <= upTo
		return nil
	})
	if err != nil || !due {
		return 0, err
	}
	n := 0
	err = s.update(ctx, func(tx *bolt.Tx) error {
		n = 0
		b := tx.Bucket(bktBotInbox)
		var keys [][]byte
		c := b.Cursor()
		for k, _ := c.First(); k != nil && btoi(k) <= upTo; k, _ = c.Next() {
			keys = append(keys, bytes.Clone(k))
		}
		for _, k := range keys {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
		n = len(keys)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: inbox trim: %w", err)
	}
	return n, nil
}
