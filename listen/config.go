package listen

import (
	"context"
	"runtime"
	"time"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/conf"
)

// Engine defaults and limits: the listen section of config.yaml.
const (
	// DefaultInterval is the poll interval of sources without their own
	// (listen.poll_interval).
	DefaultInterval   = 5 * time.Minute
	MinInterval       = time.Second
	DefaultJitter     = 0.1
	MaxJitter         = 0.5
	DefaultBackoffMin = 30 * time.Second
	DefaultBackoffMax = 30 * time.Minute
	// DefaultBatchSize bounds the mentions stored in one transaction; the
	// file connector reads that many at a time.
	DefaultBatchSize   = 100
	MaxBatchSize       = 10000
	MaxAnalysisWorkers = 256
)

// Config is the listen section of config.yaml, which tunes the engine.
// Fields without a YAML key are set by the program: Policy from the
// routing, brand and sla sections, the dependencies by the daemon. Zero
// fields take the defaults.
type Config struct {
	// PollInterval is the interval of sources without their own.
	PollInterval time.Duration `yaml:"poll_interval"`
	// Jitter spreads polls: each wait is the interval ± this fraction.
	Jitter float64 `yaml:"jitter"`
	// BackoffMin and BackoffMax bound the doubling wait after a failed poll.
	BackoffMin time.Duration `yaml:"backoff_min"`
	BackoffMax time.Duration `yaml:"backoff_max"`
	// BatchSize bounds the mentions stored in one transaction.
	BatchSize int `yaml:"batch_size"`
	// AnalysisWorkers analyse a batch's mentions in parallel; 0 means one
	// per CPU (the config package fills in the number).
	AnalysisWorkers int `yaml:"analysis_workers"`

	// Policy decides what each mention gets.
	Policy Policy `yaml:"-"`
	// Metrics receives the engine's counters; nil = none.
	Metrics Metrics `yaml:"-" json:"-"`
	// OnSaved runs after a save that queued actions (the daemon wakes the
	// outbox with it); nil = nothing.
	OnSaved func() `yaml:"-" json:"-"`
	// Leases say which sources this replica polls, when several share one
	// database; nil = every source, always (the only process).
	Leases Leases `yaml:"-" json:"-"`
}

// Leases are this replica's leases (package replica): a source is polled
// only while its lease is held.
type Leases interface {
	// Hold waits until the lease name is held, then returns a context
	// that ends when it is lost, and the func to call once the holder
	// stops acting on it.
	Hold(ctx context.Context, name string) (context.Context, func(), error)
}

// DefaultConfig is the listen section with every default filled in.
func DefaultConfig() Config {
	return Config{
		PollInterval: DefaultInterval,
		Jitter:       DefaultJitter,
		BackoffMin:   DefaultBackoffMin,
		BackoffMax:   DefaultBackoffMax,
		BatchSize:    DefaultBatchSize,
	}
}

func (c Config) withDefaults() Config {
	conf.OrPositive(&c.PollInterval, DefaultInterval)
	conf.OrPositive(&c.BackoffMin, DefaultBackoffMin)
	conf.OrPositive(&c.BackoffMax, DefaultBackoffMax)
	conf.OrPositive(&c.BatchSize, DefaultBatchSize)
	conf.OrPositive(&c.AnalysisWorkers, runtime.GOMAXPROCS(0))
	return c
}

// Validate reports the problems of the config New would use (zero fields
// take the defaults) at once, a *conf.Error with each key under listen.
func (c Config) Validate() error { return c.withDefaults().Problems().Err() }

// Problems lists the section's problems, each naming its key under
// listen, with the values as written (0 analysis workers is allowed: one
// per CPU); the config package checks the file this way.
func (c Config) Problems() conf.Problems {
	var ps conf.Problems
	ps.MinDuration("poll_interval", c.PollInterval, MinInterval)
	if c.Jitter < 0 || c.Jitter > MaxJitter {
		ps.Add("jitter", "must be a fraction between 0 and %g, got %g", MaxJitter, c.Jitter)
	}
	ps.Backoff(c.BackoffMin, c.BackoffMax)
	ps.IntRange("batch_size", c.BatchSize, 1, MaxBatchSize)
	if c.AnalysisWorkers != 0 {
		ps.IntRange("analysis_workers", c.AnalysisWorkers, 1, MaxAnalysisWorkers)
	}
	return ps
}

// Outbox defaults and limits: the outbox section of config.yaml.
const (
	DefaultOutboxWorkers     = 2
	DefaultOutboxBatch       = 16
	MaxOutboxWorkers         = 64
	DefaultMaxAttempts       = 8
	MaxMaxAttempts           = 100
	DefaultOutboxBackoffMin  = 2 * time.Second
	DefaultOutboxBackoffMax  = 10 * time.Minute
	DefaultOutboxPoll        = time.Second
	DefaultDrainTimeout      = 30 * time.Second
	defaultRateLimitFallback = time.Minute

	// Outgoing caps, below each platform's own limits: X allows about 100
	// posts per 15 minutes per user, Mastodon 300 statuses per 3 hours,
	// Telegram 20 messages per minute in one group.
	DefaultXPerMinute        = 5
	DefaultXPerHour          = 60
	DefaultMastodonPerMinute = 10
	DefaultMastodonPerHour   = 100
	DefaultTelegramPerMinute = 20
	DefaultTelegramPerHour   = 600
)

// OutboxConfig is the outbox section of config.yaml, which tunes the
// worker that delivers alerts, replies and thank-yous. Zero fields take
// the defaults.
type OutboxConfig struct {
	Workers     int           `yaml:"workers"`
	MaxAttempts int           `yaml:"max_attempts"`
	BackoffMin  time.Duration `yaml:"backoff_min"`
	BackoffMax  time.Duration `yaml:"backoff_max"`
	// RateLimits cap outgoing replies and private messages per platform.
	RateLimits RateLimits `yaml:"rate_limits"`

	// Batch is how many due actions one round claims, and then settles,
	// in one store transaction each (default DefaultOutboxBatch, at least
	// Workers); a round whose claim joins the engine's batch save takes up
	// to four times as many. Workers of them are sent at a time.
	Batch int `yaml:"-"`
	// Poll is how often the worker looks for due work when nobody woke it.
	Poll time.Duration `yaml:"-"`
	// DrainTimeout bounds how long an action already being sent may take
	// to finish after shutdown began.
	DrainTimeout time.Duration `yaml:"-"`
	// RateCaps limits outgoing public and private answers per platform;
	// every cap of a platform applies (e.g. 5 a minute and 60 an hour).
	// When nil, RateLimits gives the caps.
	RateCaps map[core.Platform][]RateCap `yaml:"-"`
	// Metrics receives the outbox's counters; nil = none.
	Metrics Metrics `yaml:"-" json:"-"`
}

// RateLimits cap outgoing replies and private messages per platform.
type RateLimits struct {
	X        RateLimit `yaml:"x"`
	Mastodon RateLimit `yaml:"mastodon"`
	Telegram RateLimit `yaml:"telegram"`
}

// RateLimit caps messages sent on one platform; 0 = no cap.
type RateLimit struct {
	PerMinute int `yaml:"per_minute"`
	PerHour   int `yaml:"per_hour"`
}

// For returns the cap of one platform; zero (no cap) for others.
func (r RateLimits) For(p core.Platform) RateLimit {
	switch p {
	case core.PlatformX:
		return r.X
	case core.PlatformMastodon:
		return r.Mastodon
	case core.PlatformTelegram:
		return r.Telegram
	}
	return RateLimit{}
}

// Caps turns the limits into the caps the outbox applies.
func (r RateLimits) Caps() map[core.Platform][]RateCap {
	caps := map[core.Platform][]RateCap{}
	for _, p := range core.Platforms {
		rl := r.For(p)
		caps[p] = []RateCap{{N: rl.PerMinute, Per: time.Minute}, {N: rl.PerHour, Per: time.Hour}}
	}
	return caps
}

// DefaultOutboxConfig is the outbox section with every default filled in.
func DefaultOutboxConfig() OutboxConfig {
	return OutboxConfig{
		Workers:     DefaultOutboxWorkers,
		MaxAttempts: DefaultMaxAttempts,
		BackoffMin:  DefaultOutboxBackoffMin,
		BackoffMax:  DefaultOutboxBackoffMax,
		RateLimits: RateLimits{
			X:        RateLimit{PerMinute: DefaultXPerMinute, PerHour: DefaultXPerHour},
			Mastodon: RateLimit{PerMinute: DefaultMastodonPerMinute, PerHour: DefaultMastodonPerHour},
			Telegram: RateLimit{PerMinute: DefaultTelegramPerMinute, PerHour: DefaultTelegramPerHour},
		},
	}
}

// Validate reports the problems of the config NewOutbox would use (zero
// fields take the defaults) at once, a *conf.Error with each key under
// outbox.
func (c OutboxConfig) Validate() error { return c.withDefaults().Problems().Err() }

// Problems lists the section's problems, each naming its key under
// outbox, with the values as written; the config package checks the file
// this way.
func (c OutboxConfig) Problems() conf.Problems {
	var ps conf.Problems
	ps.IntRange("workers", c.Workers, 1, MaxOutboxWorkers)
	ps.IntRange("max_attempts", c.MaxAttempts, 1, MaxMaxAttempts)
	ps.Backoff(c.BackoffMin, c.BackoffMax)
	for _, r := range []struct {
		key string
		l   RateLimit
	}{{"x", c.RateLimits.X}, {"mastodon", c.RateLimits.Mastodon}, {"telegram", c.RateLimits.Telegram}} {
		if r.l.PerMinute < 0 {
			ps.Add("rate_limits."+r.key+".per_minute", "must not be negative (0 = no cap), got %d", r.l.PerMinute)
		}
		if r.l.PerHour < 0 {
			ps.Add("rate_limits."+r.key+".per_hour", "must not be negative (0 = no cap), got %d", r.l.PerHour)
		}
	}
	return ps
}
