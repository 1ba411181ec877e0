package digest

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/backoff"
)

// Retry waits after a failed delivery: doubling from the first, capped.
const (
	retryMin = time.Minute
	retryMax = 30 * time.Minute
)

var errJobPanicked = errors.New("digest: the digest job panicked (see the log)")

// Next returns the first scheduled send strictly after t.
func (d *Digester) Next(t time.Time) time.Time { return d.sched.Next(t) }

// Run sends the digest of the day before at the configured time every day,
// until ctx ends; then it returns nil. A delivery under way when ctx ends is
// given SendTimeout to finish, and Run waits for it.
//
// The day sent is recorded in the store after the Sender accepted it, so a
// restart never sends a day twice (except after a crash between the two,
// when sending again is better than not at all). A digest missed because
// Shenava was down at the scheduled time is sent at start-up if that is
// within CatchUp of it. A failed delivery is retried with a doubling wait
// from 1 minute to 30, until it succeeds or CatchUp has passed.
//
// The schedule is a standard cron line in the operator's zone
// (robfig/cron's parser, so CRON_TZ and daylight saving are handled); the
// loop waits on a timer for the next occurrence instead of running cron's
// own goroutine, so tests can drive it with an injected clock. The job runs
// under cron.Recover: a panic is logged and retried like a failure.
func (d *Digester) Run(ctx context.Context) error {
	if d.send == nil {
		return ErrNoSender
	}
	chain := cron.NewChain(cron.Recover(cronLogger{d.logger}))
	d.logger.Info("digest scheduled", "at", d.cfg.Time, "timezone", d.cfg.Timezone, "next", d.Next(d.now()))
	failures := 0
	for ctx.Err() == nil {
		now := d.now()
		wait := d.Next(now).Sub(now)
		day, ok, err := d.due(ctx, now)
		if err == nil && ok {
			err = d.runJob(ctx, chain, day)
			if err == nil {
				d.logger.Info("digest sent", "day", day.Format(core.DayFormat))
			}
		}
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			failures++
			retry := backoff.Exp(retryMin, retryMax, failures)
			d.logger.Error("digest not sent; will retry", "retry_in", retry, "failures", failures, "error", err)
			wait = min(wait, retry)
		} else {
			failures = 0
		}
		select {
		case <-ctx.Done():
		case <-d.after(wait):
		}
	}
	d.logger.Info("digest schedule stopped")
	return nil
}

// due returns the day whose digest should go out at now: the day before
// the latest scheduled time at or before now, if that time is no more than
// CatchUp ago and the day was not sent yet.
func (d *Digester) due(ctx context.Context, now time.Time) (time.Time, bool, error) {
	last := d.lastRun(now)
	if last.IsZero() || now.Sub(last) > d.cfg.CatchUp {
		return time.Time{}, false, nil
	}
	day := d.Yesterday(last)
	sent, err := d.st.LastDigestDay(ctx)
	if err != nil {
		return time.Time{}, false, err
	}
	if sent >= day.Format(core.DayFormat) {
		return time.Time{}, false, nil
	}
	return day, true, nil
}

// lastRun is the latest scheduled time at or before now (the schedule is
// daily, so it lies within the last two days).
func (d *Digester) lastRun(now time.Time) time.Time {
	var last time.Time
	for t := d.Next(now.Add(-48 * time.Hour)); !t.IsZero() && !t.After(now); t = d.Next(t) {
		last = t
	}
	return last
}

func (d *Digester) runJob(ctx context.Context, chain cron.Chain, day time.Time) error {
	// A delivery that started finishes even when shutdown begins.
	sendCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), d.cfg.SendTimeout)
	defer cancel()
	err := errJobPanicked
	chain.Then(cron.FuncJob(func() { err = d.Send(sendCtx, day) })).Run()
	return err
}

// cronLogger lets cron.Recover log through slog.
type cronLogger struct{ l *slog.Logger }

func (c cronLogger) Info(msg string, kv ...any) { c.l.Debug(msg, kv...) }

func (c cronLogger) Error(err error, msg string, kv ...any) {
	c.l.Error("digest job: "+msg, append([]any{"error", err}, kv...)...)
}
