package store

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/shenava/shenava/core"
)

// What the web inbox needs: pages of cases by state and of mentions,
// newest first, each looking at a bounded number of records; counts of
// cases by state; and its sign-in records (sessions, used sign-in links).
//
// Cases are indexed by state in two buckets, and counted by state in a
// third, kept in step with every case write (putCase, putNewCase). Databases written before the index existed
// are indexed once by IndexCases, which the web inbox calls at start.

var (
	bktWebCaseState  = []byte("web_case_state")  // case id (8, BE) → state
	bktWebStateCases = []byte("web_state_cases") // state 0 case id (8, BE) → nil
	bktWebStateCount = []byte("web_state_count") // state → cases in it (8, BE)
	bktWebSessions   = []byte("web_sessions")    // session id hash → session record
	bktWebLinks      = []byte("web_links")       // sign-in link nonce → expiry (8, BE, unix nanos)

	keyWebIndex  = []byte("web_case_index")  // in meta: present once every case is indexed
	keyWebCounts = []byte("web_case_counts") // in meta: present once the cases of each state are counted
)

// Defaults of core.PageQuery.
const (
	DefaultPageLimit  = 50
	DefaultPageBudget = 5000
)

func stateKey(state core.CaseState, id uint64) []byte {
	return append(append([]byte(state), 0), itob(id)...)
}

// indexCase keeps the state index in step with a case being written.
func indexCase(tx *bolt.Tx, c core.Case) error {
	byID, err := tx.CreateBucketIfNotExists(bktWebCaseState)
	if err != nil {
		return err
	}
	byState, err := tx.CreateBucketIfNotExists(bktWebStateCases)
	if err != nil {
		return err
	}
	counts, err := tx.CreateBucketIfNotExists(bktWebStateCount)
	if err != nil {
		return err
	}
	id := itob(c.ID)
	if old := byID.Get(id); old != nil {
		if string(old) == string(c.State) {
			return nil
		}
		if err := byState.Delete(stateKey(core.CaseState(old), c.ID)); err != nil {
			return err
		}
		if err := addCount(counts, old, -1); err != nil {
			return err
		}
	}
	if err := byID.Put(id, []byte(c.State)); err != nil {
		return err
	}
	if err := addCount(counts, []byte(c.State), 1); err != nil {
		return err
	}
	return byState.Put(stateKey(c.State, c.ID), nil)
}

// addCount adds d to the count of cases in state.
func addCount(counts *bolt.Bucket, state []byte, d int64) error {
	var n int64
	if v := counts.Get(state); len(v) == 8 {
		n = int64(btoi(v))
	}
	if n += d; n <= 0 {
		return counts.Delete(state)
	}
	return counts.Put(state, itob(uint64(n)))
}

// countStates counts the cases of each state from the state index, once:
// a file indexed before the counts existed.
func countStates(tx *bolt.Tx) error {
	meta := tx.Bucket(bktMeta)
	if meta.Get(keyWebCounts) != nil {
		return nil
	}
	if tx.Bucket(bktWebStateCount) != nil {
		if err := tx.DeleteBucket(bktWebStateCount); err != nil {
			return err
		}
	}
	counts, err := tx.CreateBucket(bktWebStateCount)
	if err != nil {
		return err
	}
	n := map[string]int64{}
	if b := tx.Bucket(bktWebCaseState); b != nil {
		if err := b.ForEach(func(_, v []byte) error { n[string(v)]++; return nil }); err != nil {
			return err
		}
	}
	for st, k := range n {
		if err := counts.Put([]byte(st), itob(uint64(k))); err != nil {
			return err
		}
	}
	return meta.Put(keyWebCounts, itob(1))
}

// IndexCases indexes every case by state, and the outbox's replies in
// doubt (see DoubtCases), once: a database written before an index existed
// is indexed whole, in one transaction; after that it returns at once.
func (s *DB) IndexCases(ctx context.Context) error {
	err := s.update(ctx, func(tx *bolt.Tx) error {
		if err := indexDoubtful(tx); err != nil {
			return err
		}
		meta := tx.Bucket(bktMeta)
		if meta.Get(keyWebIndex) != nil {
			return countStates(tx)
		}
		if err := meta.Delete(keyWebCounts); err != nil {
			return err
		}
		for _, name := range [][]byte{bktWebCaseState, bktWebStateCases, bktWebStateCount} {
			if tx.Bucket(name) != nil {
				if err := tx.DeleteBucket(name); err != nil {
					return err
				}
			}
		}
		if err := tx.Bucket(bktCases).ForEach(func(k, v []byte) error {
			var c core.Case
			if err := decodeCase(v, &c); err != nil {
				return fmt.Errorf("case %d: %w", btoi(k), err)
			}
			return indexCase(tx, c)
		}); err != nil {
			return err
		}
		for _, name := range [][]byte{bktWebSessions, bktWebLinks} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		if err := meta.Put(keyWebCounts, itob(1)); err != nil {
			return err
		}
		return meta.Put(keyWebIndex, itob(1))
	})
	if err != nil {
		return fmt.Errorf("store: index cases: %w", err)
	}
	return nil
}

// CaseCounts returns how many cases are in each state, from counts kept
// with the state index.
func (s *DB) CaseCounts(ctx context.Context) (map[core.CaseState]int, error) {
	out := map[core.CaseState]int{}
	err := s.view(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bktWebStateCount)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			if len(v) != 8 {
				return fmt.Errorf("case count of %q is corrupt", k)
			}
			out[core.CaseState(k)] = int(btoi(v))
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("store: case counts: %w", err)
	}
	return out, nil
}

// descending walks the keys of one prefix of a bucket from just below
// upper (a full key) down.
type descending struct {
	c      *bolt.Cursor
	prefix []byte
	k      []byte
}

func newDescending(b *bolt.Bucket, prefix, upper []byte) *descending {
	d := &descending{c: b.Cursor(), prefix: prefix}
	k, _ := d.c.Seek(upper)
	if k == nil {
		k, _ = d.c.Last()
	} else {
		k, _ = d.c.Prev()
	}
	d.set(k)
	return d
}

func (d *descending) set(k []byte) {
	if k != nil && !bytes.HasPrefix(k, d.prefix) {
		k = nil
	}
	d.k = k
}

func (d *descending) next() { k, _ := d.c.Prev(); d.set(k) }

// CasePage returns cases in q.States (every state when empty), newest
// first, that q.Match keeps.
func (s *DB) CasePage(ctx context.Context, q core.PageQuery) (core.CasePage, error) {
	q = PageDefaults(q)
	var page core.CasePage
	after, err := CasePageAfter(q)
	if err != nil {
		return page, err
	}
	err = s.view(ctx, func(tx *bolt.Tx) error {
		page = core.CasePage{}
		var walks []*descending
		idOf := func(d *descending) uint64 { return btoi(d.k[len(d.k)-8:]) }
		if len(q.States) == 0 {
			walks = append(walks, newDescending(tx.Bucket(bktCases), nil, itob(after)))
		} else {
			b := tx.Bucket(bktWebStateCases)
			if b == nil {
				return nil
			}
			for _, st := range q.States {
				prefix := append([]byte(st), 0)
				walks = append(walks, newDescending(b, prefix, stateKey(st, after)))
			}
		}
		looked := 0
		for {
			if err := ctx.Err(); err != nil {
				return err
			}
			// The newest head of the walks is the next case.
			var best *descending
			for _, w := range walks {
				if w.k != nil && (best == nil || idOf(w) > idOf(best)) {
					best = w
				}
			}
			if best == nil {
				page.Next = ""
				return nil
			}
			id := idOf(best)
			if end, partial := PageEnds(q, len(page.Cases), looked); end {
				page.Partial = partial
				return nil
			}
			best.next()
			looked++
			c, err := getCase(tx, id)
			if err != nil {
				return err
			}
			more, err := PageCase(q, &page, id, c, func() (core.Mention, error) { return getMention(tx, c.MentionKey) })
			if err != nil || !more {
				return err
			}
		}
	})
	if err != nil {
		return core.CasePage{}, fmt.Errorf("store: case page: %w", err)
	}
	return page, nil
}

// MentionPage returns stored mentions, newest first by creation time, that
// q.Match keeps (q.States is ignored).
func (s *DB) MentionPage(ctx context.Context, q core.PageQuery) (core.MentionPage, error) {
	q = PageDefaults(q)
	var page core.MentionPage
	upper := []byte{0xff}
	if !q.To.IsZero() {
		upper = timeKey(q.To, "")
	}
	if q.After != "" {
		k, err := base64.RawURLEncoding.DecodeString(q.After)
		if err != nil || len(k) < 9 {
			return page, fmt.Errorf("store: mention page: cursor %q: %w", q.After, core.ErrInvalid)
		}
		if bytes.Compare(k, upper) < 0 {
			upper = k
		}
	}
	var lower []byte
	if !q.From.IsZero() {
		lower = timeKey(q.From, "")
	}
	err := s.view(ctx, func(tx *bolt.Tx) error {
		page = core.MentionPage{}
		w := newDescending(tx.Bucket(bktMentionsTime), nil, upper)
		mentions := tx.Bucket(bktMentions)
		looked := 0
		for ; w.k != nil; w.next() {
			if err := ctx.Err(); err != nil {
				return err
			}
			if lower != nil && bytes.Compare(w.k, lower) < 0 {
				break
			}
			if end, partial := PageEnds(q, len(page.Mentions), looked); end {
				page.Partial = partial
				return nil
			}
			looked++
			page.Next = base64.RawURLEncoding.EncodeToString(w.k)
			raw := mentions.Get(w.k[8:])
			if raw == nil {
				return fmt.Errorf("time index points at missing mention %q", w.k[8:])
			}
			var rec MentionRec
			if err := decodeMention(raw, &rec); err != nil {
				return fmt.Errorf("decode %q: %w", w.k[8:], err)
			}
			PageMention(q, &page, rec.Mention())
		}
		page.Next = ""
		return nil
	})
	if err != nil {
		return core.MentionPage{}, fmt.Errorf("store: mention page: %w", err)
	}
	return page, nil
}

// WebSession returns the session record stored under id.
func (s *DB) WebSession(ctx context.Context, id string) ([]byte, bool, error) {
	var out []byte
	err := s.view(ctx, func(tx *bolt.Tx) error {
		if b := tx.Bucket(bktWebSessions); b != nil {
			if v := b.Get([]byte(id)); v != nil {
				out = bytes.Clone(v)
			}
		}
		return nil
	})
	if err != nil {
		return nil, false, fmt.Errorf("store: web session: %w", err)
	}
	return out, out != nil, nil
}

// PutWebSession stores a session record under id; a nil rec deletes it.
func (s *DB) PutWebSession(ctx context.Context, id string, rec []byte) error {
	err := s.update(ctx, func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bktWebSessions)
		if err != nil {
			return err
		}
		if rec == nil {
			return b.Delete([]byte(id))
		}
		return b.Put([]byte(id), rec)
	})
	if err != nil {
		return fmt.Errorf("store: web session: %w", err)
	}
	return nil
}

// PruneWebSessions deletes the session records keep refuses.
func (s *DB) PruneWebSessions(ctx context.Context, keep func(rec []byte) bool) (int, error) {
	n := 0
	err := s.update(ctx, func(tx *bolt.Tx) error {
		n = 0
		b, err := tx.CreateBucketIfNotExists(bktWebSessions)
		if err != nil {
			return err
		}
		c := b.Cursor()
		for k, v := c.First(); k != nil; {
			if keep(v) {
				k, v = c.Next()
				continue
			}
			if err := c.Delete(); err != nil {
				return err
			}
			n++
			k, v = c.Seek(k)
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: prune web sessions: %w", err)
	}
	return n, nil
}

// UseWebLink records that the sign-in link with this nonce, valid until
// expires, was used. It reports false when it had been used before.
// Records of links past their expiry are dropped on the way.
func (s *DB) UseWebLink(ctx context.Context, nonce string, expires, now time.Time) (bool, error) {
	first := false
	err := s.update(ctx, func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bktWebLinks)
		if err != nil {
			return err
		}
		if b.Get([]byte(nonce)) != nil {
			first = false
			return nil
		}
		c := b.Cursor()
		for k, v := c.First(); k != nil; {
			if len(v) == 8 && int64(btoi(v)) < now.UnixNano() {
				if err := c.Delete(); err != nil {
					return err
				}
				k, v = c.Seek(k)
				continue
			}
			k, v = c.Next()
		}
		first = true
		return b.Put([]byte(nonce), itob(uint64(max(0, expires.UnixNano()))))
	})
	if err != nil {
		return false, fmt.Errorf("store: sign-in link: %w", err)
	}
	return first, nil
}
