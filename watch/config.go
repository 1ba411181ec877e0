package watch

import (
	"errors"
	"fmt"
	"math"
	"time"
	_ "time/tzdata" // the operator's zone must load on hosts without zoneinfo
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
	DefaultTerms    = 5
	DefaultSamples  = 3
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

// SpikeConfig tunes spike alerts. An hour is a spike when its negative
// mentions reach MinCount and exceed the mean of the same hour on the
// BaselineDays days before by more than K standard deviations.
type SpikeConfig struct {
	// Disabled turns spike alerts off. YAML: spike.disabled.
	Disabled bool
	// K is how many standard deviations above the mean a spike is.
	// YAML: spike.k.
	K float64
	// MinCount is the fewest negative mentions in an hour that can be a
	// spike. YAML: spike.min_count.
	MinCount int
	// BaselineDays is how many days of the same hour a spike is measured
	// against. YAML: spike.baseline_days.
	BaselineDays int
	// Terms is how many top terms the alert lists. YAML: spike.top_terms.
	Terms int
	// Samples is how many sample mentions the alert quotes.
	// YAML: spike.samples.
	Samples int
	// IgnoreTerms are left out of the top terms: the brand's own names and
	// keywords, which every mention contains. YAML: spike.ignore_terms.
	IgnoreTerms []string
}

// SLAConfig tunes the re-pings for unclaimed negative cases.
type SLAConfig struct {
	// Disabled turns SLA re-pings off. YAML: sla.disabled.
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
	if c.Spike.K < 0 || math.IsNaN(c.Spike.K) || math.IsInf(c.Spike.K, 0) {
		errs = append(errs, fmt.Errorf("spike.k %v: want a positive number of standard deviations (3 is usual)", c.Spike.K))
	}
	if c.Spike.MinCount < 1 {
		errs = append(errs, fmt.Errorf("spike.min_count %d: want at least 1", c.Spike.MinCount))
	}
	if c.Spike.BaselineDays < 1 || c.Spike.BaselineDays > MaxBaselineDays {
		errs = append(errs, fmt.Errorf("spike.baseline_days %d: want 1 to %d", c.Spike.BaselineDays, MaxBaselineDays))
	}
	if c.Spike.Terms < 0 || c.Spike.Terms > 20 {
		errs = append(errs, fmt.Errorf("spike.top_terms %d: want 1 to 20", c.Spike.Terms))
	}
	if c.Spike.Samples < 0 || c.Spike.Samples > 10 {
		errs = append(errs, fmt.Errorf("spike.samples %d: want 1 to 10", c.Spike.Samples))
	}
	if !c.SLA.Disabled && len(c.SLA.RemindAfter) == 0 {
		errs = append(errs, errors.New("sla.remind_after: empty; list at least one step (for example [15m, 1h, 4h]) or set sla.disabled"))
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
