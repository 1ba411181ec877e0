package core

import (
	"slices"
	"time"
)

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

// Note folds a newly stored mention into the author's history: the
// author's latest handle, name and follower count, the span seen, the
// counts by label, and the bounded lists of recent mentions and cases
// (caseID 0 for none). thanked records a thank-you queued at now. A zero
// history starts from the mention.
func (h *AuthorHistory) Note(m Mention, caseID uint64, thanked bool, now time.Time) {
	if h.Key == "" {
		*h = AuthorHistory{Key: m.AuthorKey(), Platform: m.Platform, ID: m.Author.ID, FirstSeen: m.CreatedAt}
	}
	if m.Author.Handle != "" {
		h.Handle = m.Author.Handle
	}
	if m.Author.Name != "" {
		h.Name = m.Author.Name
	}
	if m.Author.Followers > 0 {
		h.Followers = m.Author.Followers
	}
	h.Bot = h.Bot || m.Author.Bot
	if m.CreatedAt.Before(h.FirstSeen) {
		h.FirstSeen = m.CreatedAt
	}
	if m.CreatedAt.After(h.LastSeen) {
		h.LastSeen = m.CreatedAt
	}
	h.Mentions++
	if a := m.Analysis; a != nil {
		switch a.Label {
		case LabelNegative:
			h.Negative++
		case LabelPositive:
			h.Positive++
		}
		if a.Referral {
			h.Referrals++
		}
	}
	h.Recent = append(h.Recent, m.Key())
	if n := len(h.Recent); n > MaxRecentMentions {
		h.Recent = slices.Clone(h.Recent[n-MaxRecentMentions:])
	}
	if caseID != 0 {
		h.Cases = append(h.Cases, caseID)
		if n := len(h.Cases); n > MaxAuthorCases {
			h.Cases = slices.Clone(h.Cases[n-MaxAuthorCases:])
		}
	}
	if thanked {
		h.LastThankedAt = now
	}
}
