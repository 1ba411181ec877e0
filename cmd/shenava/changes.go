package main

import (
	"context"
	"time"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/store"
)

// caseWatch is the daemon's store as its parts that write cases see it
// (the engine, the outbox, the bot, the watchers, the web inbox) on the
// bbolt file, where one process makes every write: it calls changed after
// each committed write that may move a case between the inbox's tabs (a
// case opened, moved on, answered, withdrawn; an answer put in doubt or
// sent again). On PostgreSQL the shenava_cases notification does this for
// every replica's writes, so the store is not wrapped there.
type caseWatch struct {
	store.Store
	changed func()
}

func (w caseWatch) SaveBatch(ctx context.Context, source, cursor string, ds []core.Decision, now time.Time) (core.SaveResult, error) {
	res, err := w.Store.SaveBatch(ctx, source, cursor, ds, now)
	if err == nil && (len(res.Cases) > 0 || recovers(ds)) {
		w.changed()
	}
	return res, err
}

// recovers says whether a decision marks cases recovered (the author came
// back satisfied), which writes those cases.
func recovers(ds []core.Decision) bool {
	for _, d := range ds {
		if len(d.Recovers) > 0 {
			return true
		}
	}
	return false
}

func (w caseWatch) UpdateCase(ctx context.Context, id uint64, fn func(c *core.Case) ([]core.Action, error)) (core.Case, []core.Action, error) {
	c, as, err := w.Store.UpdateCase(ctx, id, fn)
	if err == nil {
		w.changed()
	}
	return c, as, err
}

func (w caseWatch) WithdrawReply(ctx context.Context, id uint64, actor string, at time.Time) (core.Case, error) {
	c, err := w.Store.WithdrawReply(ctx, id, actor, at)
	if err == nil {
		w.changed()
	}
	return c, err
}

// settled: a delivered answer moves its case on; one in doubt joins the
// In doubt tab.
func (w caseWatch) settled(outcomes []core.Outcome) {
	for _, o := range outcomes {
		if o.State == core.ActionDone || o.State == core.ActionInDoubt {
			w.changed()
			return
		}
	}
}

func (w caseWatch) Settle(ctx context.Context, outcomes ...core.Outcome) error {
	err := w.Store.Settle(ctx, outcomes...)
	if err == nil {
		w.settled(outcomes)
	}
	return err
}

func (w caseWatch) SettleAndClaim(ctx context.Context, outcomes []core.Outcome, now time.Time, limit int) ([]core.Action, error) {
	as, err := w.Store.SettleAndClaim(ctx, outcomes, now, limit)
	if err == nil {
		w.settled(outcomes)
	}
	return as, err
}

func (w caseWatch) SettleAndClaimNext(ctx context.Context, outcomes []core.Outcome, now func() time.Time, limit, joinedLimit int,
	wait time.Duration) ([]core.Action, bool, error) {
	as, joined, err := w.Store.SettleAndClaimNext(ctx, outcomes, now, limit, joinedLimit, wait)
	if err == nil {
		w.settled(outcomes)
	}
	return as, joined, err
}

// Resend takes an answer out of doubt.
func (w caseWatch) Resend(ctx context.Context, id uint64, at time.Time) error {
	err := w.Store.Resend(ctx, id, at)
	if err == nil {
		w.changed()
	}
	return err
}

func (w caseWatch) RecoverInFlight(ctx context.Context, report func(stuck []core.Action) []core.Action) ([]core.Action, error) {
	doubt, err := w.Store.RecoverInFlight(ctx, report)
	if err == nil && len(doubt) > 0 {
		w.changed()
	}
	return doubt, err
}

func (w caseWatch) ResumeInFlight(ctx context.Context, now time.Time, resume func(core.Action) bool,
	report func(stuck []core.Action) []core.Action) ([]core.Action, []core.Action, error) {
	resumed, doubt, err := w.Store.ResumeInFlight(ctx, now, resume, report)
	if err == nil && len(doubt) > 0 {
		w.changed()
	}
	return resumed, doubt, err
}
