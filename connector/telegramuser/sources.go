package telegramuser

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gotd/td/tg"

	"github.com/shenava/shenava/core"
)

// ChannelSource reads one public channel or group from a cursor: the ID
// of the last message read.
type ChannelSource struct {
	c        *Collector
	username string
}

// Channels returns one source per configured channel.
func (c *Collector) Channels() []*ChannelSource {
	out := make([]*ChannelSource, 0, len(c.cfg.Channels))
	for _, u := range c.cfg.Channels {
		out = append(out, &ChannelSource{c: c, username: u})
	}
	return out
}

// channelSourcePrefix starts the name of every channel source.
const channelSourcePrefix = "telegram-channel-"

// Name is the source's name: telegram-channel-<username>.
func (s *ChannelSource) Name() string { return channelSourcePrefix + s.username }

// Interval is how often the channel is read.
func (s *ChannelSource) Interval() time.Duration { return s.c.cfg.PollInterval }

// Fetch reads the messages after the cursor, oldest first, in at most
// max_pages requests (Batch.More when there is more). The first read of a
// channel takes its newest page and keeps what is within backfill.
func (s *ChannelSource) Fetch(ctx context.Context, cursor string) (core.Batch, error) {
	c := s.c
	after, first := 0, cursor == ""
	if !first {
		n, err := strconv.Atoi(cursor)
		if err != nil || n < 0 {
			return core.Batch{}, fmt.Errorf("telegram collector: @%s: bad cursor %q: %w", s.username, cursor, core.ErrInvalid)
		}
		after = n
	}
	peer, err := c.resolve(ctx, s.username)
	if err != nil {
		return core.Batch{}, err
	}
	now := c.now()
	var out []core.Mention
	more := false
	for page := 0; page < c.cfg.MaxPages; page++ {
		req := &tg.MessagesGetHistoryRequest{Peer: peer, Limit: PageSize}
		if !first {
			// The page just after the cursor: offset_id with a negative
			// add_offset reads forward; min_id excludes what was read.
			req.OffsetID, req.AddOffset, req.MinID = after+1, -PageSize, after
		}
		var res tg.MessagesMessagesClass
		if err := c.call(ctx, func(ctx context.Context, api *tg.Client) error {
			var err error
			res, err = api.MessagesGetHistory(ctx, req)
			return err
		}); err != nil {
			return core.Batch{}, fmt.Errorf("telegram collector: @%s: %w", s.username, err)
		}
		msgs, ents, _, ok := messagesOf(res)
		if !ok {
			break // not modified: nothing new
		}
		newest := after
		for _, mc := range msgs {
			id := mc.GetID()
			if id <= after {
				continue
			}
			newest = max(newest, id)
			m, ok := toMention(mc, ents, now)
			if !ok || (first && m.CreatedAt.Before(now.Add(-c.cfg.Backfill))) {
				continue
			}
			out = append(out, m)
		}
		full := len(msgs) >= PageSize
		after = newest
		if first || !full || newest == 0 {
			break
		}
		more = page == c.cfg.MaxPages-1
	}
	slices.SortFunc(out, func(a, b core.Mention) int { return a.CreatedAt.Compare(b.CreatedAt) })
	return core.Batch{Mentions: out, Cursor: strconv.Itoa(after), More: more}, nil
}

// SearchSource runs the global search (messages.searchGlobal) for each
// term, from a per-term time cursor.
type SearchSource struct{ c *Collector }

// SearchSourceName is the search source's name.
const SearchSourceName = "telegram-search"

// Search returns the search source, or nil when search is off.
func (c *Collector) Search() *SearchSource {
	if c.cfg.SearchInterval == 0 || len(c.cfg.Search) == 0 {
		return nil
	}
	return &SearchSource{c: c}
}

// Interval is how often the search runs.
func (s *SearchSource) Interval() time.Duration { return s.c.cfg.SearchInterval }

type searchCursor struct {
	Terms map[string]*termCursor `json:"terms"`
}

type termCursor struct {
	// Since: messages at or after this Unix time are new.
	Since int `json:"since"`
	// Walk is a page walk max_pages cut short.
	Walk *searchWalk `json:"walk,omitempty"`
}

type searchWalk struct {
	Newest     int   `json:"newest"`
	Rate       int   `json:"rate"`
	Channel    int64 `json:"channel,omitempty"`
	AccessHash int64 `json:"access_hash,omitempty"`
	ID         int   `json:"id"`
}

// Fetch searches each term for messages since its cursor, newest first,
// walking at most max_pages pages over all terms; a walk cut short is
// resumed by the next call, and a term's time only moves once its walk is
// complete.
func (s *SearchSource) Fetch(ctx context.Context, cursor string) (core.Batch, error) {
	c := s.c
	cur := searchCursor{}
	if cursor != "" {
		if err := json.Unmarshal([]byte(cursor), &cur); err != nil {
			return core.Batch{}, fmt.Errorf("telegram search: bad cursor: %w", core.ErrInvalid)
		}
	}
	if cur.Terms == nil {
		cur.Terms = map[string]*termCursor{}
	}
	now := c.now()
	budget := c.cfg.MaxPages
	var out []core.Mention
	more := false
	for _, term := range c.cfg.Search {
		tc := cur.Terms[term]
		if tc == nil {
			tc = &termCursor{Since: int(now.Add(-c.cfg.Backfill).Unix())}
			cur.Terms[term] = tc
		}
		for {
			if budget == 0 {
				more = true
				break
			}
			w := tc.Walk
			if w == nil {
				w = &searchWalk{Newest: tc.Since}
				tc.Walk = w
			}
			req := &tg.MessagesSearchGlobalRequest{Q: term, Filter: &tg.InputMessagesFilterEmpty{},
				MinDate: tc.Since, OffsetRate: w.Rate, OffsetPeer: &tg.InputPeerEmpty{}, OffsetID: w.ID, Limit: PageSize}
			if w.Channel != 0 {
				req.OffsetPeer = &tg.InputPeerChannel{ChannelID: w.Channel, AccessHash: w.AccessHash}
			}
			var res tg.MessagesMessagesClass
			if err := c.call(ctx, func(ctx context.Context, api *tg.Client) error {
				var err error
				res, err = api.MessagesSearchGlobal(ctx, req)
				return err
			}); err != nil {
				return core.Batch{}, fmt.Errorf("telegram search %q: %w", term, err)
			}
			budget--
			msgs, ents, nextRate, _ := messagesOf(res)
			var last *tg.Message
			for _, mc := range msgs {
				msg, ok := mc.(*tg.Message)
				if !ok {
					continue
				}
				last = msg
				if msg.Date < tc.Since {
					continue
				}
				w.Newest = max(w.Newest, msg.Date)
				if m, ok := toMention(msg, ents, now); ok {
					out = append(out, m)
				}
			}
			if len(msgs) < PageSize || last == nil {
				tc.Since, tc.Walk = w.Newest, nil
				break
			}
			w.Rate, w.ID, w.Channel, w.AccessHash = nextRate, last.ID, 0, 0
			if p, ok := last.PeerID.(*tg.PeerChannel); ok {
				if ch := ents.channels[p.ChannelID]; ch != nil {
					w.Channel, w.AccessHash = ch.ID, ch.AccessHash
				}
			}
		}
		if more {
			break
		}
	}
	b, _ := json.Marshal(cur)
	return core.Batch{Mentions: out, Cursor: string(b), More: more}, nil
}

// Collected reports whether the collector account read the mention (a
// channel or the search): such mentions are answered in Telegram by a
// person, never by Shenava.
func Collected(m core.Mention) bool {
	return m.Platform == core.PlatformTelegram &&
		(strings.HasPrefix(m.Source, channelSourcePrefix) || m.Source == SearchSourceName)
}
