package watch

import (
	"errors"
	"fmt"
	"time"
	_ "time/tzdata" // the operator's zone must load on hosts without zoneinfo

	"github.com/shenava/shenava/internal/conf"
)

// Defaults for Config's zero fields.
const (
	DefaultInterval = time.Minute
	DefaultTimezone = "Asia/Tehran"
	DefaultLang     = "fa"
	DefaultK        = 3.0
	DefaultMinCount = 5
	// DefaultBaselineDays is how many days of the same hour a spike is
	// measured against.
	DefaultBaselineDays = 7
	// MaxBaselineDays is four weeks of the same hour.
	MaxBaselineDays = 28
	// MaxK bounds spike.k.
	MaxK                 = 10.0
	MaxTerms, MaxSamples = 20, 10
	// MaxRemindSteps bounds sla.remind_after.
	MaxRemindSteps = 10
	DefaultTerms   = 5
	DefaultSamples = 3
)

// DefaultRemindAfter are the SLA steps used when none are configured
// (sla.remind_after).
func DefaultRemindAfter() []time.Duration {
	return []time.Duration{30 * time.Minute, 2 * time.Hour}
}

// Config tunes the watcher. Zero fields take the defaults above. The
// config package maps the YAML keys named in Validate's messages onto it.
type Config struct {
	// Interval is how often the checks run. YAML: watch.interval.
	Interval time.Duration
	// Timezone is the operator's IANA zone, for the times in notices.
	// YAML: watch.timezone (normally the digest's).
	Timezone string
	// Lang is the language of the notices' fallback text, "fa" or "en"
	// (the bot renders notices by topic in each manager's language).
	// YAML: watch.lang.
	Lang  string
	Spike SpikeConfig
	SLA   SLAConfig

	// OnQueued runs after a check queued notices (the daemon wakes the
	// outbox with it); nil = nothing.
	OnQueued func()
}

// SpikeConfig is the spike section of config.yaml: spike alerts. An hour
// is a spike when its negative mentions reach MinCount and exceed the mean
// of the same hour on the BaselineDays days before by more than K standard
// deviations. Fields without a YAML key are set by the program; zero
// fields of an enabled section take the defaults.
type SpikeConfig struct {
	// Enabled turns spike alerts on.
	Enabled bool `yaml:"enabled"`
	// K is how many standard deviations above the mean a spike is.
	K float64 `yaml:"k"`
	// MinCount is the fewest negative mentions in an hour that can be a
	// spike.
	MinCount int `yaml:"min_count"`
	// BaselineDays is how many days of the same hour a spike is measured
	// against.
	BaselineDays int `yaml:"baseline_days"`
	// Terms is how many top terms the alert lists.
	Terms int `yaml:"-"`
	// Samples is how many sample mentions the alert quotes.
	Samples int `yaml:"-"`
	// IgnoreTerms are left out of the top terms: the brand's own names and
	// keywords, which every mention contains. The config package fills
	// them from the brand section.
	IgnoreTerms []string `yaml:"-"`
}

// SLAConfig tunes the re-pings for unclaimed negative cases.
type SLAConfig struct {
	// Disabled turns SLA re-pings off. YAML: sla.remind_after: [] sets it.
	Disabled bool
	// RemindAfter are the steps, from the case's opening, at which a case
	// still unclaimed re-pings the managers, once each, in increasing
	// order. YAML: sla.remind_after.
	RemindAfter []time.Duration
}

func (c Config) withDefaults() Config {
	if c.Interval == 0 {
		c.Interval = DefaultInterval
	}
	if c.Timezone == "" {
		c.Timezone = DefaultTimezone
	}
	if c.Lang == "" {
		c.Lang = DefaultLang
	}
	if c.Spike.K == 0 {
		c.Spike.K = DefaultK
	}
	if c.Spike.MinCount == 0 {
		c.Spike.MinCount = DefaultMinCount
	}
	if c.Spike.BaselineDays == 0 {
		c.Spike.BaselineDays = DefaultBaselineDays
	}
	if c.Spike.Terms == 0 {
		c.Spike.Terms = DefaultTerms
	}
	if c.Spike.Samples == 0 {
		c.Spike.Samples = DefaultSamples
	}
	if c.SLA.RemindAfter == nil {
		c.SLA.RemindAfter = DefaultRemindAfter()
	}
	return c
}

// Validate reports every impossible setting at once, each by its YAML key.
func (c Config) Validate() error {
	c = c.withDefaults()
	var errs []error
	if c.Interval < time.Second {
		errs = append(errs, fmt.Errorf("watch.interval %s: want at least 1s", c.Interval))
	}
	if _, err := time.LoadLocation(c.Timezone); err != nil {
		errs = append(errs, fmt.Errorf("watch.timezone %q: not an IANA time zone name (for example Asia/Tehran)", c.Timezone))
	}
	if c.Lang != "fa" && c.Lang != "en" {
		errs = append(errs, fmt.Errorf("watch.lang %q: want fa or en", c.Lang))
	}
	if c.Spike.Enabled {
		for _, p := range c.Spike.Problems().All() {
			errs = append(errs, fmt.Errorf("spike.%s", p))
		}
	}
	if !c.SLA.Disabled && len(c.SLA.RemindAfter) == 0 {
		errs = append(errs, errors.New("sla.remind_after: no steps while re-pings are on; list at least one step (for example [15m, 1h, 4h]), or [] in config.yaml to turn them off"))
	}
	for i, d := range c.SLA.RemindAfter {
		switch {
		case d <= 0:
			errs = append(errs, fmt.Errorf("sla.remind_after[%d] %s: want a positive duration", i, d))
		case i > 0 && d <= c.SLA.RemindAfter[i-1]:
			errs = append(errs, fmt.Errorf("sla.remind_after[%d] %s: want it after sla.remind_after[%d] (%s)",
				i, d, i-1, c.SLA.RemindAfter[i-1]))
		}
	}
	return errors.Join(errs...)
}

// DefaultSpikeConfig is the spike section with every default filled in.
func DefaultSpikeConfig() SpikeConfig {
	return SpikeConfig{
		Enabled: true, K: DefaultK, MinCount: DefaultMinCount, BaselineDays: DefaultBaselineDays,
		Terms: DefaultTerms, Samples: DefaultSamples,
	}
}

// Problems lists the spike section's problems, each naming its key under
// spike, with the values as written; the config package checks the file
// this way, and Validate the config New would use.
func (s SpikeConfig) Problems() conf.Problems {
	var ps conf.Problems
	if !(s.K > 0 && s.K <= MaxK) {
		ps.Add("k", "must be above 0 and at most %g (standard deviations), got %g", MaxK, s.K)
	}
	if s.MinCount < 1 {
		ps.Add("min_count", "must be at least 1, got %d", s.MinCount)
	}
	ps.IntRange("baseline_days", s.BaselineDays, 1, MaxBaselineDays)
	if s.Terms < 0 || s.Terms > MaxTerms {
		ps.Add("top_terms", "must be between 1 and %d, got %d", MaxTerms, s.Terms)
	}
	if s.Samples < 0 || s.Samples > MaxSamples {
		ps.Add("samples", "must be between 1 and %d, got %d", MaxSamples, s.Samples)
	}
	return ps
}
