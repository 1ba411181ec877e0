package core

import "time"

// AuthorHistory is what Shenava remembers about one author across their
// mentions. The engine reads it to apply caps (one thank-you per window) and
// to track complaint recovery.
type AuthorHistory struct {
	Key       string    `json:"key"` // "platform:author_id"
	Platform  Platform  `json:"platform"`
	ID        string    `json:"id"`
	Handle    string    `json:"handle,omitempty"`
	Name      string    `json:"name,omitempty"`
	Followers int       `json:"followers,omitempty"`
	Bot       bool      `json:"bot,omitempty"`
	FirstSeen time.Time `json:"first_seen"`
	LastSeen  time.Time `json:"last_seen"`
	Mentions  int       `json:"mentions"`
	Negative  int       `json:"negative,omitempty"`
	Positive  int       `json:"positive,omitempty"`
	Referrals int       `json:"referrals,omitempty"`
	// LastThankedAt is when a thank-you was last queued for this author.
	LastThankedAt time.Time `json:"last_thanked_at,omitzero"`
	// Recent holds the keys of the author's latest mentions, newest last.
	Recent []string `json:"recent,omitempty"`
	// Cases are the IDs of the author's latest cases (at most
	// MaxAuthorCases), for complaint-recovery tracking.
	Cases []uint64 `json:"cases,omitempty"`
}

// Bounds of the lists in AuthorHistory.
const (
	MaxRecentMentions = 20
	MaxAuthorCases    = 20
)
