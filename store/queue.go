package store

import (
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
