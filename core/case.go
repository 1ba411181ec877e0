package core

import (
	"fmt"
	"time"
)

// CaseState is where a case stands in the managers' workflow.
type CaseState string

// Case states. New, alerted, claimed and replied are open; resolved and
// ignored are closed.
const (
	CaseNew      CaseState = "new"
	CaseAlerted  CaseState = "alerted"
	CaseClaimed  CaseState = "claimed"
	CaseReplied  CaseState = "replied"
	CaseResolved CaseState = "resolved"
	CaseIgnored  CaseState = "ignored"
)

// Open reports whether the case still needs a manager.
func (s CaseState) Open() bool {
	switch s {
	case CaseNew, CaseAlerted, CaseClaimed, CaseReplied:
		return true
	}
	return false
}

// Actor names used by Shenava itself in case events.
const ActorSystem = "system"

// CaseEvent is one line of a case's audit trail.
type CaseEvent struct {
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`
	Action string    `json:"action"`
	Detail string    `json:"detail,omitempty"`
	// Via names the screen the change was made from ("web"); empty for
	// the bot and for Shenava itself.
	Via string `json:"via,omitempty"`
}

// Case is the managers' unit of work: one mention that needs a human.
type Case struct {
	ID         uint64    `json:"id"`
	MentionKey string    `json:"mention_key"`
	AuthorKey  string    `json:"author_key"`
	Platform   Platform  `json:"platform"`
	Label      Label     `json:"label"`
	Score      float64   `json:"score"`
	State      CaseState `json:"state"`
	// CreatedAt is when the case was opened: when its mention reached
	// Shenava, which first-response times and SLA re-pings count from.
	CreatedAt time.Time `json:"created_at"`
	// WrittenAt is when the mention was written (Mention.CreatedAt, never
	// after CreatedAt): the day complaints are counted on, as mentions are
	// (see Written).
	WrittenAt time.Time `json:"written_at,omitzero"`
	UpdatedAt time.Time `json:"updated_at"`
	AlertedAt time.Time `json:"alerted_at,omitzero"`
	ClaimedAt time.Time `json:"claimed_at,omitzero"`
	ClaimedBy string    `json:"claimed_by,omitempty"`
	// FirstResponseAt is when the first public or private reply was queued.
	FirstResponseAt time.Time `json:"first_response_at,omitzero"`
	FirstResponder  string    `json:"first_responder,omitempty"`
	ClosedAt        time.Time `json:"closed_at,omitzero"`
	ClosedBy        string    `json:"closed_by,omitempty"`
	// CorrectedLabel is a manager's correction of the model, for retraining.
	CorrectedLabel Label `json:"corrected_label,omitempty"`
	// RecoveredAt is set when the author, after our reply, posted something
	// positive within the recovery window; RecoveredBy is that mention's key.
	RecoveredAt time.Time `json:"recovered_at,omitzero"`
	RecoveredBy string    `json:"recovered_by,omitempty"`
	// HiddenAt is when a manager asked for the mention to be hidden on its
	// platform (spam, abuse), HiddenBy who; HideDoneAt when the platform
	// confirmed it.
	HiddenAt   time.Time `json:"hidden_at,omitzero"`
	HiddenBy   string    `json:"hidden_by,omitempty"`
	HideDoneAt time.Time `json:"hide_done_at,omitzero"`
	// Reminders counts SLA re-pings sent for this case.
	Reminders int `json:"reminders,omitempty"`
	// Alerts are the alerter's references to the messages that announced
	// the case (for Telegram "chat_id:message_id"), so they can be edited
	// as the case moves.
	Alerts []string    `json:"alerts,omitempty"`
	Events []CaseEvent `json:"events,omitempty"`
}

// NewCase opens a case for an analysed mention.
func NewCase(m Mention, at time.Time) Case {
	c := Case{
		MentionKey: m.Key(),
		AuthorKey:  m.AuthorKey(),
		Platform:   m.Platform,
		State:      CaseNew,
		CreatedAt:  at,
		WrittenAt:  m.CreatedAt,
		UpdatedAt:  at,
	}
	if c.WrittenAt.After(at) {
		// A clock ahead of ours: nothing is written after it is read.
		c.WrittenAt = at
	}
	if m.Analysis != nil {
		c.Label = m.Analysis.Label
		c.Score = m.Analysis.Confidence()
	}
	c.log(at, ActorSystem, "opened", string(c.Label))
	return c
}

func (c *Case) log(at time.Time, actor, action, detail string) {
	c.UpdatedAt = at
	c.Events = append(c.Events, CaseEvent{At: at, Actor: actor, Action: action, Detail: detail})
}

func (c *Case) mustBeOpen(to string) error {
	if !c.State.Open() {
		return fmt.Errorf("case %d is %s, cannot %s: %w", c.ID, c.State, to, ErrInvalidTransition)
	}
	return nil
}

// MarkAlerted records that managers were told about the case.
func (c *Case) MarkAlerted(at time.Time) error {
	if err := c.mustBeOpen("alert"); err != nil {
		return err
	}
	if c.AlertedAt.IsZero() {
		c.AlertedAt = at
	}
	if c.State == CaseNew {
		c.State = CaseAlerted
	}
	c.log(at, ActorSystem, "alerted", "")
	return nil
}

// Claim makes actor the owner. Another manager may take a claimed case over.
func (c *Case) Claim(actor string, at time.Time) error {
	if err := c.mustBeOpen("claim"); err != nil {
		return err
	}
	if c.ClaimedBy == actor && c.State == CaseClaimed {
		return nil
	}
	c.ClaimedBy, c.ClaimedAt = actor, at
	if c.State != CaseReplied {
		c.State = CaseClaimed
	}
	c.log(at, actor, "claimed", "")
	return nil
}

// Responded records a public or private reply queued by actor. The first
// one sets the first-response time.
func (c *Case) Responded(actor string, private bool, at time.Time) error {
	if err := c.mustBeOpen("reply"); err != nil {
		return err
	}
	if c.FirstResponseAt.IsZero() {
		c.FirstResponseAt, c.FirstResponder = at, actor
	}
	if c.ClaimedBy == "" {
		c.ClaimedBy, c.ClaimedAt = actor, at
	}
	c.State = CaseReplied
	action := "replied publicly"
	if private {
		action = "replied privately"
	}
	c.log(at, actor, action, ReplyQueued)
	return nil
}

// WithdrawReply records that actor took back the reply they queued at
// replyAt before it was sent. The first-response time then falls back to
// the earliest reply still standing; with none, the case is claimed again
// rather than replied.
func (c *Case) WithdrawReply(actor string, replyAt, at time.Time) {
	c.log(at, actor, "withdrew reply", replyAt.UTC().Format(time.RFC3339Nano))
	withdrawn := map[string]bool{}
	for _, e := range c.Events {
		if e.Action == "withdrew reply" {
			withdrawn[e.Detail] = true
		}
	}
	c.FirstResponseAt, c.FirstResponder = time.Time{}, ""
	for _, e := range c.Events {
		if (e.Action == "replied publicly" || e.Action == "replied privately") &&
			!withdrawn[e.At.UTC().Format(time.RFC3339Nano)] {
			c.FirstResponseAt, c.FirstResponder = e.At, e.Actor
			break
		}
	}
	if c.FirstResponseAt.IsZero() && c.State == CaseReplied {
		c.State = CaseClaimed
	}
}

// Resolve closes the case as handled.
func (c *Case) Resolve(actor string, at time.Time) error { return c.close(CaseResolved, actor, at) }

// Ignore closes the case as needing nothing.
func (c *Case) Ignore(actor string, at time.Time) error { return c.close(CaseIgnored, actor, at) }

func (c *Case) close(to CaseState, actor string, at time.Time) error {
	if err := c.mustBeOpen(string(to)); err != nil {
		return err
	}
	c.State, c.ClosedAt, c.ClosedBy = to, at, actor
	c.log(at, actor, string(to), "")
	return nil
}

// CorrectLabel stores a manager's label for the mention. It is allowed in
// any state: a closed case can still teach the model.
func (c *Case) CorrectLabel(actor string, l Label, at time.Time) error {
	if _, err := ParseLabel(string(l)); err != nil {
		return err
	}
	c.CorrectedLabel = l
	c.log(at, actor, "corrected label", string(l))
	return nil
}

// DefaultRecoveryWindow is how long after our first reply a positive
// mention by the same author counts as a recovery (sla.recovery_window):
// the engine marks recoveries within it and the digest reports the rate
// over it.
const DefaultRecoveryWindow = 7 * 24 * time.Hour

// Hide records that actor asked for the mention to be hidden on its
// platform. It is allowed in any state: an abusive comment may be found
// out after its case was closed. Asking again changes nothing and returns
// false.
func (c *Case) Hide(actor string, at time.Time) bool {
	if !c.HiddenAt.IsZero() {
		return false
	}
	c.HiddenAt, c.HiddenBy = at, actor
	c.log(at, actor, "hid", "")
	return true
}

// Recover records that the author turned positive after our reply.
func (c *Case) Recover(mentionKey string, at time.Time) {
	if !c.RecoveredAt.IsZero() {
		return
	}
	c.RecoveredAt, c.RecoveredBy = at, mentionKey
	c.log(at, ActorSystem, "recovered", mentionKey)
}

// Remind records one SLA re-ping.
func (c *Case) Remind(at time.Time) {
	c.Reminders++
	c.log(at, ActorSystem, "reminded", fmt.Sprint(c.Reminders))
}

// Delivered applies to the case what the delivery of one of its outbox
// actions means: a delivered alert marks the case alerted and remembers
// where the alert is (ref), so it can be edited later; a delivered reply a
// manager queued is recorded as sent ("reply sent", the time it was queued
// as detail), and a delivered hide as done ("hidden"); the case's alerts
// must then be edited to say so: that edit is the action returned, for the
// caller to queue in the same change.
func (c *Case) Delivered(a Action, ref string, at time.Time) []Action {
	switch a.Kind {
	case ActionAlert:
		if ref != "" {
			c.Alerts = append(c.Alerts, ref)
		}
		if c.State.Open() {
			_ = c.MarkAlerted(at) // open cases always accept it
		}
	case ActionHide:
		if !c.HideDoneAt.IsZero() {
			return nil
		}
		c.HideDoneAt = at
		c.log(at, ActorSystem, "hidden", "")
		if len(c.Alerts) == 0 {
			return nil
		}
		return []Action{{Kind: ActionCaseUpdate, DedupKey: fmt.Sprintf("hidden:%d", a.ID),
			CaseID: c.ID, MentionKey: c.MentionKey, CreatedAt: at}}
	case ActionReplyPublic, ActionReplyPrivate:
		actor, ok := c.replyAt(a.CreatedAt)
		if !ok || c.ReplySent(a.CreatedAt) {
			return nil
		}
		c.log(at, actor, "reply sent", a.CreatedAt.UTC().Format(time.RFC3339Nano))
		if len(c.Alerts) == 0 {
			return nil
		}
		return []Action{{Kind: ActionCaseUpdate, DedupKey: fmt.Sprintf("reply_sent:%d", a.ID),
			CaseID: c.ID, MentionKey: c.MentionKey, CreatedAt: at}}
	}
	return nil
}

// replyAt finds the manager who queued a reply on the case at queuedAt.
func (c Case) replyAt(queuedAt time.Time) (actor string, ok bool) {
	for _, e := range c.Events {
		if (e.Action == "replied publicly" || e.Action == "replied privately") && e.At.Equal(queuedAt) {
			return e.Actor, true
		}
	}
	return "", false
}

// ReplyQueued is the detail of a "replied publicly/privately" event: the
// reply was queued, and is sent once a "reply sent" event follows. Events
// recorded before replies were tracked have no detail and count as sent.
const ReplyQueued = "queued"

// FirstReplySent reports whether the first reply still standing (the one
// FirstResponseAt points at) has gone out. False without a reply.
func (c Case) FirstReplySent() bool {
	if c.FirstResponseAt.IsZero() {
		return false
	}
	for _, e := range c.Events {
		if (e.Action == "replied publicly" || e.Action == "replied privately") && e.At.Equal(c.FirstResponseAt) {
			return e.Detail != ReplyQueued || c.ReplySent(e.At)
		}
	}
	return true
}

// ReplySent reports whether the reply queued at queuedAt has been
// delivered; until then it waits out the undo window (or a retry) and can
// still be withdrawn.
func (c Case) ReplySent(queuedAt time.Time) bool {
	for _, e := range c.Events {
		if e.Action == "reply sent" {
			if t, err := time.Parse(time.RFC3339Nano, e.Detail); err == nil && t.Equal(queuedAt) {
				return true
			}
		}
	}
	return false
}

// Written is when the case's mention was written; for cases stored before
// that was recorded, when the case was opened.
func (c Case) Written() time.Time {
	if c.WrittenAt.IsZero() {
		return c.CreatedAt
	}
	return c.WrittenAt
}

// FirstResponseTime is the time from the mention reaching Shenava to the
// first reply, and whether there was one.
func (c Case) FirstResponseTime() (time.Duration, bool) {
	if c.FirstResponseAt.IsZero() {
		return 0, false
	}
	return c.FirstResponseAt.Sub(c.CreatedAt), true
}
