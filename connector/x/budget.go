package x

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"sync"
	"time"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/locale"
)

// Usage meters, as the store counts them per UTC day.
const (
	MeterRequests  = "x.requests"
	MeterPostReads = "x.post_reads"
)

// budgetLevels are the shares of a daily budget at which the managers get
// a notice, in percent.
var budgetLevels = []int64{80, 100}

// ErrBudgetSpent is wrapped by the error a poll returns while the day's
// budget is spent. That error is a *core.RateLimitError whose RetryAfter
// ends at 00:00 UTC, so the engine waits for the new day.
var ErrBudgetSpent = errors.New("the X budget for the day (UTC) is spent")

// Ledger keeps the usage counters per UTC day; the store implements it.
type Ledger interface {
	AddUsage(ctx context.Context, at time.Time, add map[string]int64) (map[string]int64, error)
	Usage(ctx context.Context, at time.Time) (map[string]int64, error)
}

// Noticer queues notices to the managers; the store implements it. Its
// dedup keys make each notice go out once, across restarts.
type Noticer interface {
	Enqueue(ctx context.Context, actions ...core.Action) ([]core.Action, error)
}

// BudgetGauge is told the day's usage after each change.
type BudgetGauge interface {
	XBudget(meter string, used, limit int64)
}

// Metering is where a client keeps its daily usage. Every field may be
// nil: without a Ledger the counts live in memory only (until a restart).
type Metering struct {
	Ledger  Ledger
	Notices Noticer
	Gauge   BudgetGauge
	// OnQueued runs after a notice was queued (wakes the outbox).
	OnQueued func()
}

// SetMetering makes the client count its usage in m, enforce the daily
// budget with it and tell the managers at 80% and 100%. Call it before the
// first request.
func (c *Client) SetMetering(m Metering) {
	c.budget.mu.Lock()
	defer c.budget.mu.Unlock()
	c.budget.m = m
	c.budget.day = "" // read the day again from the new ledger
}

// budget meters the client's billed reads per UTC day.
type budget struct {
	limits map[string]int64
	lang   string
	logger *slog.Logger

	mu     sync.Mutex
	m      Metering
	day    string // UTC day of used
	used   map[string]int64
	queued map[string]bool // notice dedup keys this process has queued
	paused string          // the UTC day whose pause was logged
}

func newBudget(cfg Config, logger *slog.Logger) *budget {
	return &budget{
		limits: map[string]int64{
			MeterRequests:  int64(cfg.Budget.RequestsPerDay),
			MeterPostReads: int64(cfg.Budget.PostReadsPerDay),
		},
		lang: cfg.NoticeLang, logger: logger, queued: map[string]bool{},
	}
}

// load makes used the counters of now's UTC day. Called with mu held.
func (b *budget) load(ctx context.Context, now time.Time) {
	day := usageDay(now)
	if b.day == day {
		return
	}
	if b.paused != "" && b.paused != day {
		b.logger.Info("new UTC day: the X budget is renewed and polling resumes", "day", day)
		b.paused = ""
	}
	b.day, b.used = day, map[string]int64{}
	if b.m.Ledger != nil {
		u, err := b.m.Ledger.Usage(ctx, now)
		if err != nil {
			// Counting from zero could overspend; the next spend retries.
			b.day = ""
			b.logger.Error("could not read the day's X usage", "error", err)
			return
		}
		maps.Copy(b.used, u)
	}
	for meter, limit := range b.limits {
		b.report(meter, limit)
	}
}

// allow returns an error wrapping ErrBudgetSpent, a *core.RateLimitError
// lasting until 00:00 UTC, once a budget of the day is spent.
func (b *budget) allow(ctx context.Context, now time.Time) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.load(ctx, now)
	for _, meter := range []string{MeterRequests, MeterPostReads} {
		used, limit := b.used[meter], b.limits[meter]
		if used < limit {
			continue
		}
		resume := nextUTCDay(now)
		if b.paused != b.day {
			b.paused = b.day
			b.logger.Warn("X budget for the day spent: polling paused until 00:00 UTC",
				"meter", meter, "used", used, "limit", limit, "resume", resume)
		}
		return &core.RateLimitError{Platform: core.PlatformX, RetryAfter: resume.Sub(now),
			Err: fmt.Errorf("%w: %s %d of %d; polling resumes at %s", ErrBudgetSpent, meter, used, limit, resume.Format(time.RFC3339))}
	}
	return nil
}

// spend counts requests and posts read at now, then queues the notices
// the new totals call for. It never fails a poll: a counter that cannot be
// saved is logged and kept in memory.
func (b *budget) spend(ctx context.Context, now time.Time, requests, posts int64) {
	ctx = context.WithoutCancel(ctx)
	b.mu.Lock()
	defer b.mu.Unlock()
	b.load(ctx, now)
	add := map[string]int64{MeterRequests: requests, MeterPostReads: posts}
	saved := false
	if b.m.Ledger != nil && b.day == usageDay(now) {
		if u, err := b.m.Ledger.AddUsage(ctx, now, add); err != nil {
			b.logger.Error("could not save the X usage; counting it in memory", "error", err)
		} else {
			maps.Copy(b.used, u)
			saved = true
		}
	}
	if !saved {
		if b.day != usageDay(now) {
			b.day, b.used = usageDay(now), map[string]int64{}
		}
		for k, n := range add {
			b.used[k] += n
		}
	}
	for _, meter := range []string{MeterRequests, MeterPostReads} {
		if add[meter] == 0 {
			continue
		}
		limit := b.limits[meter]
		b.report(meter, limit)
		for _, level := range budgetLevels {
			if b.used[meter]*100 >= limit*level {
				b.notify(ctx, now, meter, level)
			}
		}
	}
}

func (b *budget) report(meter string, limit int64) {
	if b.m.Gauge != nil {
		b.m.Gauge.XBudget(meter, b.used[meter], limit)
	}
}

// notify queues the notice for a budget level once. Called with mu held.
func (b *budget) notify(ctx context.Context, now time.Time, meter string, level int64) {
	key := fmt.Sprintf("budget:x:%s:%s:%d", b.day, meter, level)
	if b.queued[key] {
		return
	}
	used, limit := b.used[meter], b.limits[meter]
	if level >= 100 {
		b.logger.Warn("X budget for the day spent", "meter", meter, "used", used, "limit", limit)
	} else {
		b.logger.Info("X budget for the day mostly spent", "meter", meter, "used", used, "limit", limit, "percent", level)
	}
	if b.m.Notices == nil {
		b.queued[key] = true
		return
	}
	queued, err := b.m.Notices.Enqueue(ctx, core.Action{
		Kind: core.ActionNotify, Topic: core.TopicBudget, Actor: core.ActorSystem,
		DedupKey: key, Text: budgetText(b.lang, meter, level, used, limit), CreatedAt: now,
	})
	if err != nil {
		b.logger.Error("could not queue the X budget notice; will try again", "error", err)
		return
	}
	b.queued[key] = true
	if len(queued) > 0 && b.m.OnQueued != nil {
		b.m.OnQueued()
	}
}

// budgetText is the notice's text: what was used, and what happens now.
func budgetText(lang, meter string, level, used, limit int64) string {
	n := func(v int64) string { return locale.Int(lang, int(v)) }
	fa := lang == locale.Persian
	what := map[bool]map[string]string{
		false: {MeterRequests: "read requests", MeterPostReads: "posts read"},
		true:  {MeterRequests: "درخواست خواندن", MeterPostReads: "پست خوانده‌شده"},
	}[fa][meter]
	switch {
	case fa && level >= 100:
		return fmt.Sprintf("بودجهٔ امروز X تمام شد: %s از %s %s (روز به وقت UTC).\nخواندن از X تا ساعت ۰۰:۰۰ UTC متوقف است؛ پاسخ‌ها و پیام‌های خصوصی همچنان فرستاده می‌شوند.",
			n(used), n(limit), what)
	case fa:
		return fmt.Sprintf("%s٪ بودجهٔ امروز X مصرف شده: %s از %s %s (روز به وقت UTC).\nبا رسیدن به ۱۰۰٪ خواندن از X تا ساعت ۰۰:۰۰ UTC متوقف می‌شود.",
			n(level), n(used), n(limit), what)
	case level >= 100:
		return fmt.Sprintf("Today's X budget is spent: %s of %s %s (UTC day).\nReading from X is paused until 00:00 UTC; replies and DMs still go out.",
			n(used), n(limit), what)
	default:
		return fmt.Sprintf("%d%% of today's X budget is used: %s of %s %s (UTC day).\nAt 100%% reading from X pauses until 00:00 UTC.",
			level, n(used), n(limit), what)
	}
}

// usageDay is the UTC day X's usage counts toward.
func usageDay(t time.Time) string { return t.UTC().Format(time.DateOnly) }

// nextUTCDay is the next 00:00 UTC after t.
func nextUTCDay(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, time.UTC)
}
