package mastodon

import (
	"context"
	"slices"
	"time"

	gomastodon "github.com/mattn/go-mastodon"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/jsoncursor"
)

// Stream is one watched feed of statuses on the server: the brand's
// mentions, a hashtag timeline or a search. It is a source for the engine.
type Stream struct {
	c        *Client
	name     string
	interval time.Duration
	limit    int
	// page fetches one page of items with IDs above since and below max
	// (either may be empty).
	page func(ctx context.Context, since, max string, limit int) ([]item, error)
	// needsOwn: the stream can contain the brand's own posts, so the
	// account of the token must be known before converting.
	needsOwn bool
	scoped   bool
}

// item is one entry of a page: its ID orders the stream (a notification's
// ID for mentions, the status ID otherwise) and status is what it is about.
type item struct {
	id     string
	status *status
}

// Name is the source name the stream's mentions carry.
func (s *Stream) Name() string { return s.name }

// Interval is how often the stream wants to be polled.
func (s *Stream) Interval() time.Duration { return s.interval }

// Scoped reports whether every post of the stream addresses the brand (the
// mentions stream), so no keyword filter applies to it.
func (s *Stream) Scoped() bool { return s.scoped }

// cursorVersion changes when the cursor's meaning does; an older cursor is
// then read as empty.
const cursorVersion = 1

// cursor is where a stream is, stored as {"v":1,"since":…,"walk":…,"top":…}.
// All IDs compare as Mastodon IDs (longer is larger, then lexically), which
// is their numeric order.
//
// Between walks only Since is set: everything up to it has been seen. A poll
// asks for the newest page above Since. If the page is full, more may lie
// between Since and the page, so the walk goes on downwards: Walk is the
// oldest ID seen (the next page's max_id) and Top the newest, and Batch.More
// asks the engine to call again at once. When a page comes back short the
// walk is done and Since becomes Top. Nothing is skipped however many pages
// arrived since the last poll, and a crash mid-walk resumes from the stored
// cursor.
type cursor struct {
	Since string `json:"since,omitempty"`
	Walk  string `json:"walk,omitempty"`
	Top   string `json:"top,omitempty"`
}

func decodeCursor(s string) (cursor, error) { return jsoncursor.Decode[cursor](s, cursorVersion) }

func (c cursor) encode() string { return jsoncursor.Encode(c, cursorVersion) }

func cmpID(a, b string) int { return gomastodon.ID(a).Compare(gomastodon.ID(b)) }

// Fetch polls one page of the stream. The first poll of a stream (empty
// cursor) reads only the newest page: it starts listening now rather than
// walking the account's whole history.
func (s *Stream) Fetch(ctx context.Context, raw string) (core.Batch, error) {
	cur, err := decodeCursor(raw)
	if err != nil {
		s.c.log.Warn("stream cursor unreadable, starting from the newest page", "source", s.name, "error", err)
	}
	if s.needsOwn {
		if err := s.c.learnOwnAccount(ctx); err != nil {
			return core.Batch{}, err
		}
	}
	page, err := s.page(ctx, cur.Since, cur.Walk, s.limit)
	if err != nil {
		return core.Batch{}, err
	}
	full := len(page) >= s.limit
	// Newest first, and only what lies inside the bounds asked for: a
	// server that ignores since_id or max_id must not make us repeat
	// ourselves or walk forever.
	page = slices.DeleteFunc(page, func(it item) bool {
		return it.id == "" || (cur.Since != "" && cmpID(it.id, cur.Since) <= 0) || (cur.Walk != "" && cmpID(it.id, cur.Walk) >= 0)
	})
	slices.SortFunc(page, func(a, b item) int { return cmpID(b.id, a.id) })

	next := cur
	if len(page) > 0 && (next.Top == "" || cmpID(page[0].id, next.Top) > 0) {
		next.Top = page[0].id
	}
	more := false
	switch {
	case cur.Since == "":
		next = cursor{Since: next.Top}
	case full && len(page) > 0:
		next.Walk = page[len(page)-1].id
		more = true
	default:
		next = cursor{Since: cmpMax(cur.Since, next.Top)}
	}

	now := s.c.Now()
	var mentions []core.Mention
	for i := len(page) - 1; i >= 0; i-- { // oldest first
		st := page[i].status
		if why := s.c.skipReason(st, now); why != "" {
			s.c.log.Debug("status skipped", "source", s.name, "post_id", page[i].id, "reason", why)
			continue
		}
		if m, ok := toMention(s.name, st, now); ok {
			mentions = append(mentions, m)
		}
	}
	return core.Batch{Mentions: mentions, Cursor: next.encode(), More: more}, nil
}

func cmpMax(a, b string) string {
	if b != "" && (a == "" || cmpID(b, a) > 0) {
		return b
	}
	return a
}
