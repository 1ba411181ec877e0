package x

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/shenava/shenava/core"
)

// Fields requested with every page. The names are X's documented wire
// names (docs.x.com), which the published OpenAPI document spells
// differently in places; see spec_test.go.
const (
	tweetFields = "created_at,conversation_id,lang,public_metrics,referenced_tweets,author_id,note_tweet"
	userFields  = "username,name,public_metrics"
	expansions  = "author_id"
)

type streamKind int

const (
	streamMentions streamKind = iota
	streamSearch
)

// Source is one stream of posts (the brand's mentions, or keyword search)
// that the engine polls with Fetch.
type Source struct {
	c        *Client
	name     string
	kind     streamKind
	interval time.Duration
	logger   *slog.Logger
}

// Mentions returns the source of posts that mention the brand account
// (GET /2/users/{id}/mentions). name is the configured source name stamped
// on every mention.
func (c *Client) Mentions(name string) *Source {
	return &Source{c: c, name: name, kind: streamMentions, interval: c.cfg.Mentions.Interval,
		logger: c.logger.With("source", name)}
}

// Search returns the source of recent posts matching the brand query
// (GET /2/tweets/search/recent).
func (c *Client) Search(name string) *Source {
	return &Source{c: c, name: name, kind: streamSearch, interval: c.cfg.Search.Interval,
		logger: c.logger.With("source", name)}
}

// Name is the source name given to Mentions or Search.
func (s *Source) Name() string { return s.name }

// Interval is how often the operator asked for this stream to be polled.
func (s *Source) Interval() time.Duration { return s.interval }

// cursor is where a stream stands. X returns posts newest first, and a
// page walk goes from the newest page to older ones, all bounded below by
// since_id. So since_id may only move up to the newest post seen once a
// walk has reached its end; while a walk is unfinished (capped by
// max_pages, or cut short by an error after some pages) the cursor keeps
// the old since_id, the token of the next older page, and the newest ID
// seen, so the walk resumes exactly where it stopped.
type cursor struct {
	// SinceID: every post up to it has been returned.
	SinceID string `json:"since_id,omitempty"`
	// NextToken is the next older page of the walk in progress.
	NextToken string `json:"next_token,omitempty"`
	// Newest is the newest post of the walk in progress; it becomes
	// SinceID when the walk completes.
	Newest string `json:"newest,omitempty"`
	// Started is set once the first poll has been made, so that an empty
	// stream is not mistaken for a new install forever.
	Started bool `json:"started,omitempty"`
}

func decodeCursor(s string) (cursor, error) {
	var c cursor
	if s == "" {
		return c, nil
	}
	if err := json.Unmarshal([]byte(s), &c); err != nil {
		return c, fmt.Errorf("cursor %q: %w: %w", s, core.ErrInvalid, err)
	}
	for _, id := range []string{c.SinceID, c.Newest} {
		if id != "" && !numericID.MatchString(id) {
			return c, fmt.Errorf("cursor %q: post ID %q is not numeric: %w", s, id, core.ErrInvalid)
		}
	}
	return c, nil
}

func (c cursor) encode() string {
	b, _ := json.Marshal(c)
	return string(b)
}

// Fetch returns the posts newer than the cursor, newest first, at most
// MaxPages pages (requests) of them. When it stops before the end it says
// so with Batch.More and a cursor that resumes the walk; the engine makes
// that next call at the stream's next interval, so MaxPages bounds the
// requests per interval. Posts by the brand's own
// account and retweets are dropped. Fetch is safe to repeat with the same
// cursor.
func (s *Source) Fetch(ctx context.Context, cursorStr string) (core.Batch, error) {
	op := "fetch mentions"
	if s.kind == streamSearch {
		op = "search"
	}
	cur, err := decodeCursor(cursorStr)
	if err != nil {
		return core.Batch{}, core.Permanent(fmt.Errorf("x: %s: %w", op, err))
	}
	first := !cur.Started
	pages := s.c.cfg.MaxPages
	if first {
		pages = min(pages, max(s.c.cfg.BackfillPages, 1))
	}
	var (
		out        []core.Mention
		pagesTaken int
		// Each kind of restart is tried once per call.
		retriedToken, retriedSince bool
	)
	for pagesTaken < pages {
		page, err := s.page(ctx, cur)
		if err != nil {
			var apiErr *APIError
			if errors.As(err, &apiErr) && apiErr.Status == 400 {
				switch {
				case !retriedToken && cur.NextToken != "" && (apiErr.names("pagination_token") || apiErr.names("next_token")):
					// The saved page position expired. Walk again from the
					// top: posts already returned come again (the engine
					// deduplicates), none is skipped.
					s.logger.Warn("page token rejected, restarting the page walk", "error", err)
					cur.NextToken, retriedToken = "", true
					continue
				case !retriedSince && cur.SinceID != "" && apiErr.names("since_id"):
					// Recent search reaches back 7 days; after a longer
					// outage since_id is refused. Take everything X still
					// has: older posts are out of anyone's reach.
					s.logger.Warn("since_id refused as too old, reading all the posts X still returns", "since_id", cur.SinceID, "error", err)
					cur.SinceID, cur.NextToken, retriedSince = "", "", true
					continue
				}
			}
			if pagesTaken > 0 {
				// Keep what was read (X bills every post): the next call
				// resumes the walk and meets the error itself.
				s.logger.Info("page walk stopped early", "pages", pagesTaken, "error", err)
				return core.Batch{Mentions: out, Cursor: cur.encode(), More: true}, nil
			}
			return core.Batch{}, fmt.Errorf("x: %s: %w", op, err)
		}
		pagesTaken++
		cur.Started = true
		out = append(out, s.mentions(page)...)
		for _, p := range page.Data {
			if numericID.MatchString(p.ID) && idLess(cur.Newest, p.ID) {
				cur.Newest = p.ID
			}
		}
		if n := page.Meta.NewestID; numericID.MatchString(n) && idLess(cur.Newest, n) {
			cur.Newest = n
		}
		if page.Meta.NextToken == "" {
			cur.finishWalk()
			return core.Batch{Mentions: out, Cursor: cur.encode()}, nil
		}
		cur.NextToken = page.Meta.NextToken
	}
	if first {
		// A new install takes BackfillPages of history and then starts
		// from the newest post: older history is deliberately left.
		s.logger.Info("first poll: history beyond the backfill is not read", "pages", pagesTaken)
		cur.finishWalk()
		return core.Batch{Mentions: out, Cursor: cur.encode()}, nil
	}
	return core.Batch{Mentions: out, Cursor: cur.encode(), More: true}, nil
}

func (c *cursor) finishWalk() {
	if c.Newest != "" && idLess(c.SinceID, c.Newest) {
		c.SinceID = c.Newest
	}
	c.NextToken, c.Newest = "", ""
}

// page requests one page at the cursor's position.
func (s *Source) page(ctx context.Context, cur cursor) (*timelinePage, error) {
	cfg := s.c.cfg
	q := url.Values{}
	q.Set("max_results", strconv.Itoa(cfg.MaxResults))
	q.Set("tweet.fields", tweetFields)
	q.Set("expansions", expansions)
	q.Set("user.fields", userFields)
	if cur.SinceID != "" {
		q.Set("since_id", cur.SinceID)
	}
	cl := call{method: "GET", query: q, out: &timelinePage{}}
	switch s.kind {
	case streamMentions:
		cl.endpoint, cl.path = epMentions, "/2/users/"+url.PathEscape(cfg.UserID)+"/mentions"
		if cur.NextToken != "" {
			q.Set("pagination_token", cur.NextToken)
		}
	case streamSearch:
		cl.endpoint, cl.path = epSearch, "/2/tweets/search/recent"
		q.Set("query", s.c.query)
		q.Set("sort_order", "recency")
		if cur.NextToken != "" {
			q.Set("next_token", cur.NextToken)
		}
	}
	if err := s.c.do(ctx, cl); err != nil {
		return nil, err
	}
	page := cl.out.(*timelinePage)
	if n := len(page.Errors); n > 0 {
		s.c.partial.Add(int64(n))
		for _, p := range page.Errors {
			s.logger.Debug("partial error next to data", "type", p.Type, "title", p.Title, "resource_type", p.ResourceType, "resource_id", p.ResourceID, "detail", p.Detail)
		}
	}
	return page, nil
}

// mentions converts a page to core mentions, dropping the brand's own
// posts, retweets, and posts too broken to keep.
func (s *Source) mentions(page *timelinePage) []core.Mention {
	users := map[string]user{}
	if page.Includes != nil {
		for _, u := range page.Includes.Users {
			users[u.ID] = u
		}
	}
	now := s.c.Now()
	var out []core.Mention
	for _, p := range page.Data {
		if p.AuthorID != "" && p.AuthorID == s.c.cfg.UserID {
			continue
		}
		if isRetweet(p) {
			continue
		}
		m, err := s.toMention(p, users[p.AuthorID], now)
		if err != nil {
			s.logger.Debug("post dropped", "post_id", p.ID, "error", err)
			continue
		}
		out = append(out, m)
	}
	return out
}

func isRetweet(p post) bool {
	for _, r := range p.ReferencedTweets {
		if r.Type == "retweeted" {
			return true
		}
	}
	return false
}

func (s *Source) toMention(p post, u user, now time.Time) (core.Mention, error) {
	if !numericID.MatchString(p.ID) {
		return core.Mention{}, fmt.Errorf("post ID %q is not numeric", p.ID)
	}
	text := p.Text
	if p.NoteTweet != nil && strings.TrimSpace(p.NoteTweet.Text) != "" {
		text = p.NoteTweet.Text
	}
	m := core.Mention{
		Platform:       core.PlatformX,
		NativeID:       p.ID,
		Source:         s.name,
		URL:            PostURL(u.Username, p.ID),
		Author:         core.Author{ID: p.AuthorID, Handle: u.Username, Name: u.Name},
		Text:           text,
		CreatedAt:      postTime(p),
		FetchedAt:      now,
		ConversationID: p.ConversationID,
		LangHint:       langHint(p.Lang),
	}
	if u.PublicMetrics != nil && u.PublicMetrics.FollowersCount > 0 {
		m.Author.Followers = int(min(u.PublicMetrics.FollowersCount, int64(^uint32(0)>>1)))
	}
	for _, r := range p.ReferencedTweets {
		if r.Type == "replied_to" {
			m.ReplyToID = r.ID
		}
	}
	m.Normalize()
	if err := m.Validate(); err != nil {
		return core.Mention{}, err
	}
	return m, nil
}

// PostURL is the public address of a post. Without the author's handle X
// still resolves /i/web/status/ID.
func PostURL(username, id string) string {
	if username == "" || !handleRE.MatchString(username) {
		return "https://x.com/i/web/status/" + id
	}
	return "https://x.com/" + username + "/status/" + id
}

// twitterEpoch is the start of X's snowflake IDs, in Unix milliseconds.
const twitterEpoch = 1288834974657

// postTime is when the post was written: created_at, or, when that is
// missing or unreadable, the time inside the snowflake ID.
func postTime(p post) time.Time {
	if t, err := time.Parse(time.RFC3339Nano, p.CreatedAt); err == nil {
		return t.UTC()
	}
	id, err := strconv.ParseUint(p.ID, 10, 64)
	if err != nil || id>>22 == 0 {
		return time.Time{}
	}
	return time.UnixMilli(int64(id>>22) + twitterEpoch).UTC()
}

// langHint keeps X's language tag unless it is one of its "no language"
// codes (und, qme, qam, zxx, ...).
func langHint(lang string) string {
	if lang == "" || lang == "und" || lang == "zxx" || (len(lang) == 3 && lang[0] == 'q') {
		return ""
	}
	return lang
}

// idLess compares two numeric post IDs; "" is less than any ID.
func idLess(a, b string) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}
