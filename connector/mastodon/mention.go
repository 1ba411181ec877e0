package mastodon

import (
	"strings"
	"time"

	"github.com/shenava/shenava/core"
)

// skipReason says why a status is not a mention, or "" when it is one.
func (c *Client) skipReason(s *status, now time.Time) string {
	switch {
	case s == nil:
		return "no status"
	case s.Reblog != nil:
		// A boost repeats someone else's post; the original is what counts
		// and comes on its own where it matches.
		return "reblog"
	case c.isOwn(s.Account):
		return "own account"
	case !s.CreatedAt.IsZero() && s.CreatedAt.Before(now.Add(-c.cfg.MaxAge)):
		return "older than max_age"
	}
	return ""
}

// toMention converts a status. ok is false when it has no text at all (a
// post with only an image and no description).
func toMention(source string, s *status, now time.Time) (core.Mention, bool) {
	text := plainText(s.Content)
	if cw := strings.TrimSpace(plainText(s.SpoilerText)); cw != "" {
		// A content warning is often the gist ("CW: rant about Novava").
		text = strings.TrimSpace(cw + "\n\n" + text)
	}
	if text == "" || s.ID == "" {
		return core.Mention{}, false
	}
	created := s.CreatedAt
	if created.IsZero() {
		created = now
	}
	link := s.URL
	if link == "" {
		link = s.URI
	}
	m := core.Mention{
		Platform: core.PlatformMastodon,
		NativeID: s.ID,
		Source:   source,
		URL:      link,
		Author: core.Author{
			ID:        s.Account.ID,
			Handle:    s.Account.Acct,
			Name:      strings.TrimSpace(s.Account.DisplayName),
			Followers: int(s.Account.FollowersCount),
			Bot:       s.Account.Bot,
		},
		Text:      text,
		CreatedAt: created,
		FetchedAt: now,
		ReplyToID: s.InReplyToID,
		LangHint:  strings.ToLower(s.Language),
	}
	if m.Author.Name == "" {
		m.Author.Name = s.Account.Username
	}
	m.Normalize()
	return m, true
}
