// Package digest computes, renders and schedules Shenava's daily digest:
// how customers felt on one local calendar day compared with the week
// before, how fast complaints were answered, who was thanked, which
// complaints are still open, and a chart of the last 14 days.
//
// Mentions and complaints alike belong to the day they were written, in
// the digest's zone (a complaint read late, after an outage or in a
// backfill, still counts on its own day); first-response times count from
// when Shenava read the mention.
//
// The digest is read from the store; nothing here writes to it except the
// record of the last day sent. The schedule is a standard cron line in the
// operator's zone (robfig/cron's parser, so CRON_TZ and daylight saving are
// handled), run by a timer loop with an injectable clock behind Run(ctx).
package digest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/shenava/shenava/core"
)

// Store is what the digest reads. The bbolt store implements it.
type Store interface {
	// Location is the zone of the daily counters.
	Location() *time.Location
	DayCounts(ctx context.Context, day string) (core.Counts, error)
	ForEachMention(ctx context.Context, from, to time.Time, fn func(core.Mention) error) error
	ForEachCase(ctx context.Context, from, to time.Time, fn func(core.Case) error) error
	ForEachAction(ctx context.Context, from, to time.Time, fn func(core.Action) error) error
	OpenCases(ctx context.Context, f core.CaseFilter) ([]core.Case, int, error)
	Mention(ctx context.Context, key string) (core.Mention, error)
	LastDigestDay(ctx context.Context) (string, error)
	SetDigestSent(ctx context.Context, day string) error
	// CodesMissed says which mentions' referrers were thanked without the
	// reward code their thank-you asked for (the pool was empty).
	CodesMissed(ctx context.Context, mentionKeys []string) (map[string]bool, error)
}

// Sender delivers a digest to the managers' chat: the text as a message and
// the chart as a photo. The Telegram bot implements it.
type Sender interface {
	SendDigest(ctx context.Context, text string, png []byte) error
}

// Digester computes digests and sends one a day. Its methods are safe for
// concurrent use.
type Digester struct {
	st     Store
	send   Sender
	cfg    Config
	loc    *time.Location
	sched  cron.Schedule
	loc10n locale
	logger *slog.Logger

	now   func() time.Time
	after func(time.Duration) <-chan time.Time
}

// New builds a Digester. sender may be nil where digests are only printed
// (shenava digest without -send); Run and Send then fail. The store's
// daily counters must be kept in the digest's zone.
func New(cfg Config, st Store, sender Sender, logger *slog.Logger) (*Digester, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("digest: %w", err)
	}
	cfg = cfg.withDefaults()
	loc, err := time.LoadLocation(cfg.Timezone)
	if err != nil {
		return nil, fmt.Errorf("digest: digest.timezone: %w", err)
	}
	if sl := st.Location(); sl == nil || sl.String() != loc.String() {
		return nil, fmt.Errorf("digest: digest.timezone is %s but the store keeps its daily counters in %v: open the store with the same zone", loc, sl)
	}
	spec, err := cfg.cronSpec()
	if err != nil {
		return nil, fmt.Errorf("digest: digest.time: %w", err)
	}
	sched, err := cron.ParseStandard(spec)
	if err != nil {
		return nil, fmt.Errorf("digest: schedule %q: %w", spec, err)
	}
	return &Digester{
		st: st, send: sender, cfg: cfg, loc: loc, sched: sched, loc10n: newLocale(cfg.Lang),
		logger: logger.With("component", "digest"),
		now:    time.Now, after: time.After,
	}, nil
}

// SetClock replaces the wall clock and the timer Run waits on (tests).
func (d *Digester) SetClock(now func() time.Time, after func(time.Duration) <-chan time.Time) {
	d.now, d.after = now, after
}

// Location is the operator's zone, whose calendar days digests cover.
func (d *Digester) Location() *time.Location { return d.loc }

// Day returns the operator's local calendar day that the instant t falls
// in, as its midnight. Day(time.Now()) is today in the operator's zone,
// whatever the host's zone.
func (d *Digester) Day(t time.Time) time.Time {
	y, m, dd := t.In(d.loc).Date()
	return time.Date(y, m, dd, 0, 0, 0, 0, d.loc)
}

// ParseDay reads a day written YYYY-MM-DD (shenava digest -date) as that
// calendar day in the operator's zone.
func (d *Digester) ParseDay(s string) (time.Time, error) {
	t, err := time.ParseInLocation(core.DayFormat, s, d.loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("digest: day %q: want YYYY-MM-DD: %w", s, core.ErrInvalid)
	}
	return t, nil
}

// Yesterday is the local day before the one t falls on in the operator's
// zone: the day a digest sent at t reports.
func (d *Digester) Yesterday(t time.Time) time.Time {
	return d.Day(t.In(d.loc)).AddDate(0, 0, -1)
}

// Digest computes and renders one day's digest: the text in the configured
// language and the PNG chart of the 14 days ending with it (nil when the
// chart is turned off). The day is the
// operator's local day that the instant day falls in (see Day and
// ParseDay); a day still under way is reported so far.
func (d *Digester) Digest(ctx context.Context, day time.Time) (text string, chart []byte, err error) {
	f, err := d.Figures(ctx, day)
	if err != nil {
		return "", nil, err
	}
	if !d.cfg.NoChart {
		if chart, err = Chart(f.History); err != nil {
			return "", nil, fmt.Errorf("digest: chart: %w", err)
		}
	}
	return render(f, d.loc10n), chart, nil
}

// ErrNoSender is returned by Send and Run when the Digester was built
// without a Sender.
var ErrNoSender = errors.New("digest: no sender configured")

// Send computes one day's digest and delivers it. When the day is over, it
// is recorded as sent, so the schedule does not send it again; a day still
// under way is sent but not recorded, so its full digest still goes out.
func (d *Digester) Send(ctx context.Context, day time.Time) error {
	if d.send == nil {
		return ErrNoSender
	}
	day = d.Day(day)
	text, chart, err := d.Digest(ctx, day)
	if err != nil {
		return err
	}
	if err := d.send.SendDigest(ctx, text, chart); err != nil {
		return fmt.Errorf("digest: send %s: %w", day.Format(core.DayFormat), err)
	}
	if !day.AddDate(0, 0, 1).After(d.now()) {
		if err := d.st.SetDigestSent(ctx, day.Format(core.DayFormat)); err != nil {
			return fmt.Errorf("digest: %w", err)
		}
	}
	return nil
}
