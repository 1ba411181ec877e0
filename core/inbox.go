package core

import "time"

// The types below are how the web inbox pages through stored cases and
// mentions, newest first, without the store knowing what a filter means:
// the caller's Match decides, and Budget bounds how many records one page
// may look at, so a page view never walks a whole bucket.

// PageQuery asks for one page of cases or mentions, newest first.
type PageQuery struct {
	// States keeps cases in these states (cases only; empty = every state).
	States []CaseState
	// From and To bound the creation time: [From, To). Zero = unbounded.
	From, To time.Time
	// After is the Next of the previous page ("" = from the newest).
	After string
	// Limit is the page size (0 = 50).
	Limit int
	// Budget is how many records the page may look at before it stops
	// short (0 = 5000). A page that stops short has Next set and Partial
	// true: the caller can offer to look further back.
	Budget int
	// Until stops the page, partial, once the wall clock passes it, however
	// much budget is left: a busy machine still answers in time. Zero =
	// no deadline.
	Until time.Time
	// Match keeps a record; nil keeps all. For cases m is the case's
	// mention.
	Match func(c *Case, m *Mention) bool
}

// CasePage is one page of cases with their mentions (Mentions[i] is the
// mention of Cases[i]).
type CasePage struct {
	Cases    []Case
	Mentions []Mention
	// Next continues after this page; "" when there is nothing older.
	Next string
	// Partial: the page stopped at its budget, not at its limit or the end.
	Partial bool
	// Reached is the creation time of the oldest record looked at.
	Reached time.Time
}

// MentionPage is one page of mentions.
type MentionPage struct {
	Mentions []Mention
	Next     string
	Partial  bool
	Reached  time.Time
}
