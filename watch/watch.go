// Package watch runs Shenava's periodic checks and tells the managers
// through the outbox when something needs them:
//
//   - spike alerts: negative mentions in an hour far above the same hour on
//     the days before — one urgent notice per spike, with its top terms and
//     sample mentions (core.TopicSpike);
//   - SLA re-pings: a negative case nobody claimed after each configured
//     step re-pings the managers once per step (core.TopicSLA), and the
//     case's audit trail records it.
//
// Notices are core.ActionNotify actions queued with Store.Enqueue (or with
// the case update, for re-pings); their dedup keys make each one go out at
// most once, across restarts. The outbox worker delivers them.
package watch

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/shenava/shenava/core"
)

// Store is what the watcher reads and writes. The bbolt store implements
// it.
type Store interface {
	HourlyCounts(ctx context.Context, label core.Label, from, to time.Time) ([]int, error)
	ForEachMention(ctx context.Context, from, to time.Time, fn func(core.Mention) error) error
	KnownActions(ctx context.Context, dedupKeys []string) (map[string]bool, error)
	Enqueue(ctx context.Context, actions ...core.Action) ([]core.Action, error)
	OpenCases(ctx context.Context, f core.CaseFilter) ([]core.Case, int, error)
	UpdateCase(ctx context.Context, id uint64, fn func(c *core.Case) ([]core.Action, error)) (core.Case, []core.Action, error)
}

// Watcher runs the spike and SLA checks on a ticker.
type Watcher struct {
	st     Store
	cfg    Config
	loc    *time.Location
	text   texts
	stop   map[string]bool // folded stop words and ignored terms
	logger *slog.Logger

	now       func() time.Time
	newTicker func(time.Duration) (<-chan time.Time, func())
	// onQueued runs after a check queued notices (wakes the outbox).
	onQueued func()
}

// New builds a watcher.
func New(cfg Config, st Store, logger *slog.Logger) (*Watcher, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("watch: %w", err)
	}
	cfg = cfg.withDefaults()
	loc, err := time.LoadLocation(cfg.Timezone)
	if err != nil {
		return nil, fmt.Errorf("watch: watch.timezone: %w", err)
	}
	onQueued := cfg.OnQueued
	if onQueued == nil {
		onQueued = func() {}
	}
	return &Watcher{
		st: st, cfg: cfg, loc: loc, text: newTexts(cfg.Lang),
		stop:   stopSet(cfg.Spike.IgnoreTerms),
		logger: logger.With("component", "watch"),
		now:    time.Now,
		newTicker: func(d time.Duration) (<-chan time.Time, func()) {
			t := time.NewTicker(d)
			return t.C, t.Stop
		},
		onQueued: onQueued,
	}, nil
}

// SetClock replaces the wall clock (tests, demo).
func (w *Watcher) SetClock(now func() time.Time) { w.now = now }

// SetTicker replaces the ticker Run waits on (tests).
func (w *Watcher) SetTicker(newTicker func(time.Duration) (<-chan time.Time, func())) {
	w.newTicker = newTicker
}

// Run checks at once and then every Interval until ctx ends; then it
// returns nil. A failed check is logged and tried again at the next tick.
func (w *Watcher) Run(ctx context.Context) error {
	tick, stop := w.newTicker(w.cfg.Interval)
	defer stop()
	w.logger.Info("watching", "interval", w.cfg.Interval, "spikes", w.cfg.Spike.Enabled, "sla", !w.cfg.SLA.Disabled)
	for {
		if _, err := w.Check(ctx); err != nil && ctx.Err() == nil {
			w.logger.Error("check failed; will try again", "error", err)
		}
		select {
		case <-ctx.Done():
			w.logger.Info("stopped watching")
			return nil
		case <-tick:
		}
	}
}

// Report says what one round of checks queued.
type Report struct {
	Spikes    []core.Action
	Reminders []core.Action
}

// Check runs both checks once and queues what they call for. A failure of
// one does not stop the other; both errors are returned.
func (w *Watcher) Check(ctx context.Context) (Report, error) {
	var (
		r    Report
		errs []error
	)
	if w.cfg.Spike.Enabled {
		a, err := w.CheckSpike(ctx)
		if err != nil {
			errs = append(errs, err)
		}
		r.Spikes = a
	}
	if !w.cfg.SLA.Disabled {
		a, err := w.CheckSLA(ctx)
		if err != nil {
			errs = append(errs, err)
		}
		r.Reminders = a
	}
	if len(r.Spikes)+len(r.Reminders) > 0 {
		w.onQueued()
	}
	return r, errors.Join(errs...)
}
