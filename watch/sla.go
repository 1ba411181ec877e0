package watch

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/conf"
)

// errNotDue aborts a case update that found the case no longer needs a
// re-ping (claimed or closed since it was read).
var errNotDue = errors.New("no longer due")

// CheckSLA re-pings the managers about negative cases still unclaimed (new
// or alerted) after each step of RemindAfter, counted from the case's
// opening: once per step. When Shenava was down through several steps, one
// re-ping names the latest. Each re-ping is recorded on the case
// (Case.Remind) in the transaction that queues it. Its text says how long
// the case has really been open, not which step it passed. It returns what
// it queued.
func (w *Watcher) CheckSLA(ctx context.Context) ([]core.Action, error) {
	now := w.now()
	open, _, err := w.st.OpenCases(ctx, core.CaseFilter{Label: core.LabelNegative})
	if err != nil {
		return nil, fmt.Errorf("watch: sla: %w", err)
	}
	type due struct {
		id   uint64
		step time.Duration
		key  string
	}
	var dues []due
	var keys []string
	for _, c := range open {
		step, ok := w.dueStep(c, now)
		if !ok {
			continue
		}
		k := slaKey(c.ID, step)
		dues = append(dues, due{c.ID, step, k})
		keys = append(keys, k)
	}
	if len(dues) == 0 {
		return nil, nil
	}
	known, err := w.st.KnownActions(ctx, keys)
	if err != nil {
		return nil, fmt.Errorf("watch: sla: %w", err)
	}
	var queued []core.Action
	var errs []error
	for _, d := range dues {
		if known[d.key] {
			continue
		}
		_, actions, err := w.st.UpdateCase(ctx, d.id, func(c *core.Case) ([]core.Action, error) {
			if step, ok := w.dueStep(*c, now); !ok || step != d.step {
				return nil, errNotDue
			}
			c.Remind(now)
			return []core.Action{{
				Kind: core.ActionNotify, Topic: core.TopicSLA, Actor: core.ActorSystem,
				DedupKey: d.key, CaseID: c.ID, MentionKey: c.MentionKey,
				Text: w.text.sla(c.ID, now.Sub(c.CreatedAt)), CreatedAt: now,
			}}, nil
		})
		switch {
		case errors.Is(err, errNotDue):
		case err != nil:
			errs = append(errs, fmt.Errorf("watch: sla: case %d: %w", d.id, err))
		default:
			queued = append(queued, actions...)
			w.logger.Info("case still unclaimed; managers re-pinged", "case_id", d.id, "after", d.step)
		}
	}
	return queued, errors.Join(errs...)
}

// dueStep is the latest step a case has passed, if it still waits for a
// manager: negative (unless a manager corrected the label), new or
// alerted.
func (w *Watcher) dueStep(c core.Case, now time.Time) (time.Duration, bool) {
	if c.State != core.CaseNew && c.State != core.CaseAlerted {
		return 0, false
	}
	if c.Label != core.LabelNegative || (c.CorrectedLabel != "" && c.CorrectedLabel != core.LabelNegative) {
		return 0, false
	}
	age := now.Sub(c.CreatedAt)
	var step time.Duration
	ok := false
	for _, s := range w.cfg.SLA.RemindAfter {
		if age >= s {
			step, ok = s, true
		}
	}
	return step, ok
}

// slaKey is "sla:<case>:<step>", the step written short ("15m", "1h",
// "1h30m") so changing the list of steps keeps the keys of the steps kept.
func slaKey(id uint64, step time.Duration) string {
	return fmt.Sprintf("sla:%d:%s", id, conf.FormatDuration(step))
}
