package core

import (
	"context"
	"sync"
	"time"
)

// Space names one kind of the small records the managers' side (the bot,
// case workflows) keeps in the store: button tokens, which chat message is
// what, prompts, preferences, thank-you approvals. The store keeps each
// space apart and does not interpret the records; only the spaces listed
// here exist.
type Space string

// Spaces of managers' records.
const (
	SpaceCallbacks  Space = "callbacks"   // button token → what it acts on
	SpaceMessages   Space = "messages"    // "chat:message" → what the message is (alert, prompt, approval)
	SpacePrompts    Space = "prompts"     // manager ID → the force-reply prompt waiting for their text
	SpacePrefs      Space = "prefs"       // manager ID → language and mute
	SpaceApprovals  Space = "approvals"   // approval ID → draft thank-you and its decision
	SpaceCaseTokens Space = "case_tokens" // case ID → the token of its buttons
	SpaceHeld       Space = "held"        // "alerts" → cases of an alert storm waiting for their summary
)

// Spaces lists every space, in a fixed order.
var Spaces = []Space{SpaceCallbacks, SpaceMessages, SpacePrompts, SpacePrefs, SpaceApprovals, SpaceCaseTokens, SpaceHeld}

// Record is one managers' record written by the store in the transaction
// that settles the action whose delivery produced it (the bot's "this chat
// message is the alert of case 12"), instead of in a commit of its own.
type Record struct {
	Space Space
	Key   string
	// Value is JSON.
	Value []byte
	At    time.Time
	// IfAbsent keeps a record already at Key (a case's button token, which
	// the first writer decides).
	IfAbsent bool
}

// Records collects the records a delivery produces, for the outbox to
// hand to the store with the delivery's outcome. It is safe for concurrent
// use.
type Records struct {
	mu   sync.Mutex
	recs []Record
}

// Add keeps r.
func (rs *Records) Add(r Record) {
	rs.mu.Lock()
	rs.recs = append(rs.recs, r)
	rs.mu.Unlock()
}

// All returns what was added, in order.
func (rs *Records) All() []Record {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	return append([]Record(nil), rs.recs...)
}

type recordsKey struct{}

// WithRecords returns a context whose deliveries add their records to rs
// rather than writing them themselves.
func WithRecords(ctx context.Context, rs *Records) context.Context {
	return context.WithValue(ctx, recordsKey{}, rs)
}

// RecordsFrom returns the collector of ctx, or nil when the records are to
// be written at once.
func RecordsFrom(ctx context.Context) *Records {
	rs, _ := ctx.Value(recordsKey{}).(*Records)
	return rs
}
