package mastodon

import (
	"time"

	gomastodon "github.com/mattn/go-mastodon"
)

// The wire types below hold exactly the fields Shenava reads from Mastodon.
// Our own requests decode into them; what go-mastodon decodes is copied
// into them field by field (fromStatus, fromAccount), so the conversion to
// core.Mention can only see these fields. The tests check every one of them
// against the published API document, and check that each has the same JSON
// name as the go-mastodon field it is copied from.

// status is a Mastodon Status.
type status struct {
	ID          string    `json:"id"`
	URI         string    `json:"uri"`
	URL         string    `json:"url"`
	CreatedAt   time.Time `json:"created_at"`
	Account     account   `json:"account"`
	Content     string    `json:"content"`
	SpoilerText string    `json:"spoiler_text"`
	Visibility  string    `json:"visibility"`
	Language    string    `json:"language"`
	InReplyToID string    `json:"in_reply_to_id"`
	Reblog      *status   `json:"reblog"`
}

// account is a Mastodon Account.
type account struct {
	ID             string `json:"id"`
	Username       string `json:"username"`
	Acct           string `json:"acct"`
	DisplayName    string `json:"display_name"`
	Bot            bool   `json:"bot"`
	FollowersCount int64  `json:"followers_count"`
}

// notification is a Mastodon Notification.
type notification struct {
	ID     string  `json:"id"`
	Type   string  `json:"type"`
	Status *status `json:"status"`
}

// searchResults is the answer of GET /api/v2/search; only statuses are
// asked for.
type searchResults struct {
	Statuses []status `json:"statuses"`
}

func fromStatus(s *gomastodon.Status) status {
	out := status{
		ID:          string(s.ID),
		URI:         s.URI,
		URL:         s.URL,
		CreatedAt:   s.CreatedAt,
		Account:     fromAccount(&s.Account),
		Content:     s.Content,
		SpoilerText: s.SpoilerText,
		Visibility:  s.Visibility,
		Language:    s.Language,
	}
	// go-mastodon leaves in_reply_to_id untyped: a string, or nil.
	if id, ok := s.InReplyToID.(string); ok {
		out.InReplyToID = id
	}
	if s.Reblog != nil {
		r := fromStatus(s.Reblog)
		out.Reblog = &r
	}
	return out
}

func fromAccount(a *gomastodon.Account) account {
	return account{
		ID:             string(a.ID),
		Username:       a.Username,
		Acct:           a.Acct,
		DisplayName:    a.DisplayName,
		Bot:            a.Bot,
		FollowersCount: a.FollowersCount,
	}
}
