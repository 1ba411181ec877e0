package instagram

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/shenava/shenava/core"
)

// commentsPageSize is the comments asked for per request (the API's most
// is 50).
const commentsPageSize = 50

// pollCursor is the saved position of the comments poll.
type pollCursor struct {
	// Since: comments at or after this time (Unix seconds) are new.
	// Comments of the same second as the newest one stored are read
	// again and deduplicated, so none is skipped.
	Since int64 `json:"since"`
	// Counts are the comment counts of the media read in full, so a
	// media whose count has not moved is not read again.
	Counts map[string]int `json:"counts,omitempty"`
	// Walk is a walk over the media that max_pages cut short, resumed by
	// the next call.
	Walk *walk `json:"walk,omitempty"`
}

type walk struct {
	// Newest is the newest comment time seen so far in this walk; it
	// becomes Since when the walk ends.
	Newest int64 `json:"newest"`
	// Media are the media still to read, the first one in progress.
	Media []walkMedia `json:"media"`
	// After is the comments page cursor within Media[0].
	After string `json:"after,omitempty"`
}

type walkMedia struct {
	ID        string `json:"id"`
	Permalink string `json:"permalink,omitempty"`
	Count     int    `json:"count"`
}

func parseCursor(s string) (pollCursor, error) {
	var c pollCursor
	if s == "" {
		return c, nil
	}
	if err := json.Unmarshal([]byte(s), &c); err != nil {
		return c, fmt.Errorf("instagram: bad cursor: %w", core.ErrInvalid)
	}
	return c, nil
}

func (c pollCursor) String() string {
	b, _ := json.Marshal(c)
	return string(b)
}

// Poller reads new comments on the account's recent media.
type Poller struct {
	c    *Client
	name string
}

// Poller returns the polling source, named name.
func (c *Client) Poller(name string) *Poller { return &Poller{c: c, name: name} }

// Name is the source's name.
func (p *Poller) Name() string { return p.name }

// Interval is how often it is polled.
func (p *Poller) Interval() time.Duration { return p.c.cfg.PollInterval }

// Fetch returns the comments made since the cursor on the newest
// media_window media whose comment count moved, in at most max_pages
// requests. The API does not promise an order for comments, so every page
// of such a media is read. A walk cut short returns Batch.More and a
// cursor that resumes it; the cursor only moves past a comment's time
// once every media has been read.
func (p *Poller) Fetch(ctx context.Context, cursorText string) (core.Batch, error) {
	c := p.c
	cur, err := parseCursor(cursorText)
	if err != nil {
		return core.Batch{}, err
	}
	now := c.now()
	if cursorText == "" {
		cur.Since = now.Add(-c.cfg.Backfill).Unix()
	}
	budget := c.cfg.MaxPages
	if cur.Walk == nil {
		ms, err := c.recentMedia(ctx)
		if err != nil {
			return core.Batch{}, err
		}
		budget--
		w := &walk{Newest: cur.Since}
		counts := make(map[string]int, len(ms))
		for _, m := range ms {
			if seen, ok := cur.Counts[m.ID]; ok {
				counts[m.ID] = seen
			}
			if m.CommentsCount > 0 && m.CommentsCount != cur.Counts[m.ID] {
				w.Media = append(w.Media, walkMedia{ID: m.ID, Permalink: m.Permalink, Count: m.CommentsCount})
			}
		}
		cur.Counts, cur.Walk = counts, w
	}
	var out []core.Mention
	w := cur.Walk
	for len(w.Media) > 0 && budget > 0 {
		m := w.Media[0]
		page, err := c.comments(ctx, m.ID, w.After)
		if err != nil {
			return core.Batch{}, err
		}
		budget--
		for _, cm := range page.Data {
			for _, x := range append([]comment{cm}, replies(cm)...) {
				t, err := parseTime(x.Timestamp)
				if err != nil {
					c.logger.Warn("skipping a comment with a bad timestamp", "comment_id", x.ID, "error", err)
					continue
				}
				if t.Unix() < cur.Since || x.ID == "" || strings.TrimSpace(x.Text) == "" || c.own(x) {
					continue
				}
				w.Newest = max(w.Newest, t.Unix())
				out = append(out, toMention(x, m.ID, m.Permalink, false, t, now))
			}
		}
		if page.Paging.Next == "" || page.Paging.Cursors.After == "" {
			if cur.Counts == nil {
				cur.Counts = map[string]int{}
			}
			cur.Counts[m.ID] = m.Count
			w.Media, w.After = w.Media[1:], ""
		} else {
			w.After = page.Paging.Cursors.After
		}
	}
	more := len(w.Media) > 0
	if !more {
		cur.Since, cur.Walk = w.Newest, nil
	}
	return core.Batch{Mentions: out, Cursor: cur.String(), More: more}, nil
}

func replies(c comment) []comment {
	if c.Replies == nil {
		return nil
	}
	out := slices.Clone(c.Replies.Data)
	for i := range out {
		if out[i].ParentID == "" {
			out[i].ParentID = c.ID
		}
	}
	return out
}

// own reports whether the brand's account wrote the comment: its own
// comments are never mentions and never answered.
func (c *Client) own(x comment) bool {
	if x.From != nil && x.From.ID == c.cfg.UserID {
		return true
	}
	c.mu.Lock()
	name := c.username
	c.mu.Unlock()
	handle := x.Username
	if handle == "" && x.From != nil {
		handle = x.From.Username
	}
	return name != "" && strings.EqualFold(handle, name)
}

// recentMedia reads the first page of the account's media, newest first.
func (c *Client) recentMedia(ctx context.Context) ([]media, error) {
	var page mediaPage
	q := url.Values{"fields": {mediaFields}, "limit": {strconv.Itoa(c.cfg.MediaWindow)}}
	if err := c.call(ctx, "GET", c.cfg.UserID+"/media", q, nil, &page); err != nil {
		return nil, err
	}
	c.mu.Lock()
	for _, m := range page.Data {
		if m.Username != "" && c.username == "" {
			c.username = m.Username
		}
		if m.Permalink != "" {
			c.rememberPermalink(m.ID, m.Permalink)
		}
	}
	c.mu.Unlock()
	return page.Data, nil
}

// maxPermalinks bounds the permalink cache.
const maxPermalinks = 1000

// rememberPermalink must be called with c.mu held.
func (c *Client) rememberPermalink(id, link string) {
	if len(c.permalinks) >= maxPermalinks {
		clear(c.permalinks)
	}
	c.permalinks[id] = link
}

// comments reads one page of a media's comments, newest first.
func (c *Client) comments(ctx context.Context, mediaID, after string) (commentPage, error) {
	var page commentPage
	q := url.Values{"fields": {commentFields}, "limit": {strconv.Itoa(commentsPageSize)}}
	if after != "" {
		q.Set("after", after)
	}
	err := c.call(ctx, "GET", mediaID+"/comments", q, nil, &page)
	return page, err
}
