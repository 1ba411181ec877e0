package casework

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/shenava/shenava/core"
)

// Approval states.
const (
	ApprovalPending = "pending"
	ApprovalSent    = "sent"
	ApprovalSkipped = "skipped"
)

// Approval is a drafted thank-you waiting for a manager, and once decided
// who decided what. It is kept in core.SpaceApprovals under an ID the
// caller chooses (the bot uses its button token).
type Approval struct {
	Mention string    `json:"mention"`
	Text    string    `json:"text"`
	State   string    `json:"state"`
	By      string    `json:"by,omitempty"`
	Edited  bool      `json:"edited,omitempty"`
	At      time.Time `json:"at,omitzero"`
	// Refs are where the caller shows the draft (for the bot
	// "chat:message"), so every copy can be redrawn when one manager
	// decides.
	Refs []string `json:"refs,omitempty"`
}

// DecidedError refuses a second decision on one approval; Approval is the
// first one.
type DecidedError struct{ Approval Approval }

func (e *DecidedError) Error() string {
	return "thank-you already " + e.Approval.State + " by " + e.Approval.By
}

// Draft records a drafted thank-you for mentionKey, pending, under id.
func (s *Service) Draft(ctx context.Context, id, mentionKey, text string) error {
	raw, err := json.Marshal(Approval{Mention: mentionKey, Text: text, State: ApprovalPending})
	if err != nil {
		return err
	}
	if err := s.st.BotPut(ctx, core.SpaceApprovals, id, raw, s.now()); err != nil {
		return fmt.Errorf("casework: draft thank-you: %w", err)
	}
	return nil
}

// ShownAt records where the draft id is shown.
func (s *Service) ShownAt(ctx context.Context, id string, refs []string) error {
	_, err := s.st.BotSwap(ctx, core.SpaceApprovals, id, s.now(), func(old []byte) ([]byte, []core.Action, error) {
		if old == nil {
			return nil, nil, core.ErrNotFound
		}
		var cur Approval
		if err := json.Unmarshal(old, &cur); err != nil {
			return nil, nil, err
		}
		cur.Refs = refs
		raw, err := json.Marshal(cur)
		return raw, nil, err
	})
	if err != nil {
		return fmt.Errorf("casework: thank-you %s: %w", id, err)
	}
	return nil
}

// Approval returns the approval id, and whether there is one.
func (s *Service) Approval(ctx context.Context, id string) (Approval, bool, error) {
	var a Approval
	raw, ok, err := s.st.BotGet(ctx, core.SpaceApprovals, id)
	if err != nil || !ok {
		return a, false, err
	}
	if err := json.Unmarshal(raw, &a); err != nil {
		return a, false, fmt.Errorf("casework: thank-you %s: %w", id, err)
	}
	return a, true, nil
}

// Approve sends the drafted thank-you id: the draft, or text when the
// manager rewrote it ({author} and {brand} filled in).
func (s *Service) Approve(ctx context.Context, id, actor, text string) (Approval, error) {
	if text != "" {
		if a, ok, _ := s.Approval(ctx, id); ok {
			if m, err := s.st.Mention(ctx, a.Mention); err == nil {
				text = s.Expand(text, m)
			}
		}
	}
	return s.decide(ctx, id, actor, ApprovalSent, text)
}

// Skip decides not to send the drafted thank-you id.
func (s *Service) Skip(ctx context.Context, id, actor string) (Approval, error) {
	return s.decide(ctx, id, actor, ApprovalSkipped, "")
}

// decide writes the decision and, for a send, the thank-you action
// together. The action's dedup key "thank:<mention>" means a mention is
// thanked at most once whatever anyone taps. A decided approval refuses
// another decision with a *DecidedError; a missing one wraps
// core.ErrNotFound.
func (s *Service) decide(ctx context.Context, id, actor, state, text string) (Approval, error) {
	if err := s.permit(actor); err != nil {
		return Approval{}, err
	}
	now := s.now()
	var a Approval
	actions, err := s.st.BotSwap(ctx, core.SpaceApprovals, id, now, func(old []byte) ([]byte, []core.Action, error) {
		if old == nil {
			return nil, nil, core.ErrNotFound
		}
		a = Approval{}
		if err := json.Unmarshal(old, &a); err != nil {
			return nil, nil, err
		}
		if a.State != ApprovalPending {
			return nil, nil, &DecidedError{a}
		}
		a.State, a.By, a.At = state, actor, now
		var acts []core.Action
		if state == ApprovalSent {
			if text != "" {
				a.Text, a.Edited = text, true
			}
			acts = append(acts, core.Action{Kind: core.ActionThankPublic, DedupKey: "thank:" + a.Mention,
				MentionKey: a.Mention, Text: a.Text, Actor: actor, CreatedAt: now})
		}
		raw, err := json.Marshal(a)
		return raw, acts, err
	})
	var decided *DecidedError
	switch {
	case errors.As(err, &decided):
		return decided.Approval, fmt.Errorf("casework: thank-you %s: %w", id, err)
	case err != nil:
		return a, fmt.Errorf("casework: thank-you %s: %w", id, err)
	}
	s.queued(actions)
	s.logger.Info("thank-you decided", "mention", a.Mention, "state", state, "by", actor)
	return a, nil
}
