package store

import (
	"errors"
	"fmt"
	"time"

	"github.com/shenava/shenava/core"
)

// How a write queues outbox actions, the same in every driver: put is the
// driver's insert into the outbox, in the write's transaction, which
// stores an action (giving it its ID) or reports false, storing nothing,
// when one with its dedup key is stored already.

// Queue puts actions in the outbox, each completed first by fill when fill
// is not nil; an action whose dedup key is stored is skipped. It returns
// the actions queued, as stored.
func Queue(actions []core.Action, fill func(*core.Action), put func(*core.Action) (bool, error)) ([]core.Action, error) {
	var queued []core.Action
	for _, a := range actions {
		if fill != nil {
			fill(&a)
		}
		ok, err := put(&a)
		if err != nil {
			return nil, err
		}
		if ok {
			queued = append(queued, a)
		}
	}
	return queued, nil
}

// QueueDecided queues the actions decided for a mention a batch has just
// stored, with the mention's new case caseID (0 for none) and created at
// now where they say neither, and notes in res what became of each:
// queued (res.Actions), or not queued for want of a reward code (missed:
// res.NoCode) or as a duplicate (res.Skipped). It reports whether one
// queued thanks the author (a thank-you, or an approval that may become
// one), which the author's history records.
func QueueDecided(res *core.SaveResult, actions []core.Action, caseID uint64, now time.Time,
	put func(*core.Action) (bool, error), missed func(core.Action) (bool, error)) (thanked bool, err error) {
	for _, a := range actions {
		if a.CaseID == 0 {
			a.CaseID = caseID
		}
		if a.CreatedAt.IsZero() {
			a.CreatedAt = now
		}
		ok, err := put(&a)
		if err != nil {
			return false, err
		}
		if !ok {
			noCode, err := missed(a)
			if err != nil {
				return false, err
			}
			if noCode {
				res.NoCode = append(res.NoCode, a.MentionKey)
			} else {
				res.Skipped++
			}
			continue
		}
		if a.Kind == core.ActionThankPublic || a.Kind == core.ActionThankPrivate || a.Kind == core.ActionApproval {
			thanked = true
		}
		res.Actions = append(res.Actions, a)
	}
	return thanked, nil
}

// RecoverInterrupted applies ResumeInFlight's rule, in a write, to the
// actions a crash left in sending (stuck): each one resume accepts goes
// back to pending, due at now, and the others become in doubt
// (core.Action.Interrupted), each written back by set. report, when not
// nil, is given the in-doubt ones, and the actions it returns (the
// managers' notice) are put in the outbox. It returns the resumed and the
// in-doubt actions.
func RecoverInterrupted(stuck []core.Action, now time.Time, resume func(core.Action) bool,
	report func(stuck []core.Action) []core.Action, set func(core.Action) error,
	put func(*core.Action) (bool, error)) (resumed, doubt []core.Action, err error) {
	for _, a := range stuck {
		a.Interrupted(resume != nil && resume(a), now)
		if err := set(a); err != nil {
			return nil, nil, err
		}
		if a.State == core.ActionInDoubt {
			doubt = append(doubt, a)
		} else {
			resumed = append(resumed, a)
		}
	}
	if len(doubt) == 0 || report == nil {
		return resumed, doubt, nil
	}
	for _, a := range report(doubt) {
		if _, err := put(&a); err != nil {
			return nil, nil, fmt.Errorf("report: %w", err)
		}
	}
	return resumed, doubt, nil
}

// Settled queues what settling action a with outcome o calls for, once a
// is written back: the outcome's report (the managers' notice), and, when
// a is a case's action now done, the case's record of the delivery
// (core.Case.Delivered, through modify, which changes a case in the
// write) and the actions that follow it.
func Settled(a core.Action, o core.Outcome, modify func(id uint64, fn func(*core.Case) error) error,
	put func(*core.Action) (bool, error)) error {
	if o.Report != nil {
		r := *o.Report
		if _, err := put(&r); err != nil {
			return fmt.Errorf("report: %w", err)
		}
	}
	if a.State != core.ActionDone || a.CaseID == 0 {
		return nil
	}
	var follow []core.Action
	err := modify(a.CaseID, func(c *core.Case) error {
		follow = c.Delivered(a, o.Result, o.At)
		return nil
	})
	for i := range follow {
		if err == nil {
			_, err = put(&follow[i])
		}
	}
	return err
}

// EditCase is the part of UpdateCase every driver runs the same, in its
// transaction, on c as stored: fn edits c and returns the actions the
// change calls for, put saves the edited case, and the actions are queued
// (see Queue) with their case fields taken from it. It returns the saved
// case and the actions queued.
func EditCase(c core.Case, fn func(*core.Case) ([]core.Action, error), put func(core.Case) error,
	putAction func(*core.Action) (bool, error)) (core.Case, []core.Action, error) {
	actions, err := fn(&c)
	if err != nil {
		return core.Case{}, nil, err
	}
	if err := put(c); err != nil {
		return core.Case{}, nil, err
	}
	queued, err := Queue(actions, func(a *core.Action) { a.OfCase(c) }, putAction)
	if err != nil {
		return core.Case{}, nil, err
	}
	return c, queued, nil
}

// UpdateCaseError is how UpdateCase reports err in every driver: a missing
// case and the refusals fn returns (an invalid transition or input, a
// forbidden change) as they are, so that errors.Is and the caller's own
// message hold; anything else as a store error naming the case.
func UpdateCaseError(id uint64, err error) error {
	if errors.Is(err, core.ErrNotFound) || errors.Is(err, core.ErrInvalidTransition) ||
		errors.Is(err, core.ErrInvalid) || errors.Is(err, core.ErrForbidden) {
		return err
	}
	return fmt.Errorf("store: update case %d: %w", id, err)
}
