package core

import (
	"fmt"
	"time"
)

// ActionKind says what an outbox action does.
type ActionKind string

// Outbox action kinds.
const (
	// ActionAlert tells the managers about a case.
	ActionAlert ActionKind = "alert"
	// ActionCaseUpdate refreshes the alert messages of a case after it moved.
	ActionCaseUpdate ActionKind = "case_update"
	// ActionReplyPublic posts a public reply to the mention on its platform.
	ActionReplyPublic ActionKind = "reply_public"
	// ActionReplyPrivate sends the mention's author a private message.
	ActionReplyPrivate ActionKind = "reply_private"
	// ActionThankPublic thanks a referrer with a public reply.
	ActionThankPublic ActionKind = "thank_public"
	// ActionThankPrivate thanks a referrer privately, with a reward code.
	ActionThankPrivate ActionKind = "thank_private"
	// ActionNotify sends free text to the managers (SLA re-ping, spike
	// alert, delivery failure).
	ActionNotify ActionKind = "notify"
	// ActionApproval asks the managers to approve a drafted thank-you
	// (Text) before it is sent.
	ActionApproval ActionKind = "approval"
	// ActionHide hides the mention on its platform (a comment that is
	// spam or abuse), at a manager's request.
	ActionHide ActionKind = "hide"
)

// Topics of notify actions.
const (
	TopicDeliveryFailed = "delivery_failed" // an action for a case gave up; Text says why
	TopicInDoubt        = "in_doubt"        // actions interrupted by a crash; Text lists them
	TopicSLA            = "sla"             // a negative case is still unclaimed
	TopicSpike          = "spike"           // negative mentions well above the usual
	TopicDigest         = "digest"          // the daily digest
	TopicBudget         = "budget"          // a paid API's daily budget is 80% or fully spent; Text says which
	TopicCodesLow       = "codes_low"       // few reward codes left; Text is how many
	TopicCodesEmpty     = "codes_empty"     // no reward codes left; referrers are thanked without one
)

// Public reports whether the action posts on the mention's platform in
// public view.
func (k ActionKind) Public() bool { return k == ActionReplyPublic || k == ActionThankPublic }

// Private reports whether the action messages the author privately.
func (k ActionKind) Private() bool { return k == ActionReplyPrivate || k == ActionThankPrivate }

// ActionState is where an action stands in the outbox.
type ActionState string

// Outbox states. An action is pending until it is tried; sending while a
// worker executes it; then done or failed. An action found in sending after
// a crash, or one whose answer was lost, may or may not have reached the
// platform: an answer is looked up on the platform and sent only if it is
// not there, an alert or notice is sent again; an answer on a platform that
// cannot be read back becomes in_doubt and is never executed again
// automatically. A pending action withdrawn by the
// person who asked for it (a manager's undo) is cancelled.
const (
	ActionPending   ActionState = "pending"
	ActionSending   ActionState = "sending"
	ActionDone      ActionState = "done"
	ActionFailed    ActionState = "failed"
	ActionInDoubt   ActionState = "in_doubt"
	ActionCancelled ActionState = "cancelled"
)

// Action is one side effect, written to the outbox in the transaction that
// decided it and executed later by the outbox worker.
type Action struct {
	ID   uint64     `json:"id"`
	Kind ActionKind `json:"kind"`
	// DedupKey makes the action unique: the outbox holds at most one action
	// per key, ever, so deciding twice never sends twice.
	DedupKey   string `json:"dedup_key"`
	MentionKey string `json:"mention_key,omitempty"`
	CaseID     uint64 `json:"case_id,omitempty"`
	// Text is the message to send; for alerts it may be empty (the alerter
	// renders the mention).
	Text string `json:"text,omitempty"`
	// Topic says what a notify action is about (one of the Topic
	// constants), so the alerter can render it in each manager's language;
	// Text is the fallback.
	Topic string `json:"topic,omitempty"`
	// Actor is who asked for it: a manager's ID or "system".
	Actor     string    `json:"actor"`
	CreatedAt time.Time `json:"created_at"`

	State         ActionState `json:"state"`
	Attempts      int         `json:"attempts,omitempty"`
	NextAttemptAt time.Time   `json:"next_attempt_at,omitzero"`
	LastError     string      `json:"last_error,omitempty"`
	DoneAt        time.Time   `json:"done_at,omitzero"`
	// Result is the platform's ID of what was sent (post ID, chat:message).
	Result string `json:"result,omitempty"`
	// Code is the reward code handed to this action from the pool, for
	// private thank-yous; Text may refer to it as {code}.
	Code string `json:"code,omitempty"`
	// Unsure: an earlier attempt went out and its answer was lost (or a
	// crash caught it mid-send), so it may have been delivered. An answer
	// is then looked up on the platform before it is sent again; an alert
	// or notice is sent again, marked as a repeat.
	Unsure bool `json:"unsure,omitempty"`
}

// Validate checks the fields every action needs.
func (a Action) Validate() error {
	switch a.Kind {
	case ActionAlert, ActionCaseUpdate, ActionReplyPublic, ActionReplyPrivate,
		ActionThankPublic, ActionThankPrivate, ActionNotify, ActionApproval, ActionHide:
	default:
		return fmt.Errorf("action kind %q: %w", a.Kind, ErrInvalid)
	}
	if a.DedupKey == "" {
		return fmt.Errorf("action %s: dedup key is empty: %w", a.Kind, ErrInvalid)
	}
	if (a.Kind.Public() || a.Kind.Private() || a.Kind == ActionHide) && a.MentionKey == "" {
		return fmt.Errorf("action %s: mention key is empty: %w", a.Kind, ErrInvalid)
	}
	return nil
}

// Outcome is what one execution of an action came to. The outbox records
// the outcomes of a round of executions in one store transaction.
type Outcome struct {
	ActionID uint64
	// State is ActionDone, ActionPending (to be tried again at Next),
	// ActionFailed (given up) or ActionInDoubt (it may have been delivered
	// and nothing can tell).
	State ActionState
	// At is when the execution ended (done and failed actions).
	At time.Time
	// Result is the platform's reference of what was sent (done).
	Result string
	// Next is when a pending action may be tried again.
	Next time.Time
	// Error says why the action is tried again or given up; "" keeps the
	// last one.
	Error string
	// Uncounted: the execution was no attempt (held back by a rate cap or a
	// platform's rate limit), so it does not count against MaxAttempts.
	Uncounted bool
	// Report, when set, is queued in the same transaction (the managers'
	// notice about a failure).
	Report *Action
	// Unsure marks the action as possibly delivered already (see
	// Action.Unsure); State is then ActionPending (to be read back or
	// repeated) or ActionInDoubt (nothing can tell; Report tells the
	// managers).
	Unsure bool
	// Records are written in the same transaction (the bot's records of
	// the messages it sent).
	Records []Record
}

// Settle applies an execution's outcome to the action. It reports false,
// changing nothing, when the action is done already and the outcome says
// done again (a repeated settlement); an outcome in another state is
// ErrInvalid. A done outcome clears the last error; a pending one keeps it
// unless it gives one, and gives back the attempt when Uncounted.
func (a *Action) Settle(o Outcome) (bool, error) {
	switch o.State {
	case ActionDone:
		if a.State == ActionDone {
			return false, nil
		}
		a.State, a.Result, a.DoneAt, a.LastError = ActionDone, o.Result, o.At, ""
	case ActionPending:
		a.State, a.NextAttemptAt = ActionPending, o.Next
		if o.Error != "" {
			a.LastError = o.Error
		}
		if o.Uncounted && a.Attempts > 0 {
			a.Attempts--
		}
	case ActionFailed:
		a.State, a.LastError, a.DoneAt = ActionFailed, o.Error, o.At
	case ActionInDoubt:
		a.State, a.LastError, a.DoneAt = ActionInDoubt, o.Error, o.At
	default:
		return false, fmt.Errorf("outcome state %q: %w", o.State, ErrInvalid)
	}
	if o.Unsure {
		a.Unsure = true
	}
	return true, nil
}

// Resend queues a failed or in-doubt action again, due at at with its
// attempts counted afresh (a manager's request); an action in any other
// state is left as it is.
func (a *Action) Resend(at time.Time) {
	if a.State == ActionFailed || a.State == ActionInDoubt {
		a.State, a.NextAttemptAt, a.Attempts = ActionPending, at, 0
	}
}

// Interrupted is what becomes of an action a crash left in sending, which
// may or may not have reached the platform. With resume it goes back to
// pending, due at now and marked Unsure, so that it is looked up on the
// platform, or repeated, before anything else; otherwise it becomes
// in_doubt and is never executed again automatically.
func (a *Action) Interrupted(resume bool, now time.Time) {
	if resume {
		a.State, a.Unsure, a.NextAttemptAt = ActionPending, true, now
		a.LastError = "interrupted while sending: to be checked before sending again"
		return
	}
	a.State = ActionInDoubt
	a.LastError = "interrupted while sending: delivery unknown"
}

// Withdraw cancels a reply that has not been sent yet, at a manager's
// (actor's) request. An action that is no reply is ErrInvalid; a reply
// being sent, sent or ended gives ErrInvalidTransition: it is too late.
func (a *Action) Withdraw(actor string, at time.Time) error {
	if !a.Kind.Public() && !a.Kind.Private() {
		return fmt.Errorf("action %d is a %s, not a reply: %w", a.ID, a.Kind, ErrInvalid)
	}
	if a.State != ActionPending {
		return fmt.Errorf("action %d is %s: %w", a.ID, a.State, ErrInvalidTransition)
	}
	a.State, a.DoneAt, a.LastError = ActionCancelled, at, "withdrawn by "+actor
	return nil
}

// OfCase fills in what an action queued for a case leaves out: the case's
// ID and mention, and, as when it was queued, the case's last update.
func (a *Action) OfCase(c Case) {
	if a.CaseID == 0 {
		a.CaseID = c.ID
	}
	if a.MentionKey == "" {
		a.MentionKey = c.MentionKey
	}
	if a.CreatedAt.IsZero() {
		a.CreatedAt = c.UpdatedAt
	}
}

// Capabilities says what a platform lets Shenava do in answer to a mention.
type Capabilities struct {
	Reply         bool `json:"reply"`
	DirectMessage bool `json:"direct_message"`
	// Hide: the mention can be hidden from public view on its platform
	// (a comment under the brand's own post), for spam and abuse.
	Hide bool `json:"hide,omitempty"`
	// Limit, when set, says why a mention allows less than its platform,
	// so alerts can tell managers.
	Limit CapabilityLimit `json:"limit,omitempty"`
}

// CapabilityLimit is why one mention takes fewer answers than its
// platform does.
type CapabilityLimit string

const (
	// LimitReadOnly: the mention was read by a read-only account (the
	// Telegram channel collector), which never writes; managers open it
	// on its platform to answer.
	LimitReadOnly CapabilityLimit = "read_only"
	// LimitPrivateWindow: the platform's window for a private reply to
	// the author (Instagram's 7 days after a comment) has passed.
	LimitPrivateWindow CapabilityLimit = "private_window"
)

// Narrow is what c allows that n allows too: a platform's capabilities
// narrowed by what it allows for one mention. The limit is n's, or c's
// when n names none.
func (c Capabilities) Narrow(n Capabilities) Capabilities {
	limit := n.Limit
	if limit == "" {
		limit = c.Limit
	}
	return Capabilities{Reply: c.Reply && n.Reply, DirectMessage: c.DirectMessage && n.DirectMessage, Hide: c.Hide && n.Hide, Limit: limit}
}
