package digest

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // the operator's zone must load on hosts without zoneinfo

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/conf"
)

// Defaults for Config's zero fields.
const (
	DefaultTime        = "09:00"
	DefaultTimezone    = "Asia/Tehran"
	DefaultLang        = "fa"
	DefaultTopCases    = 5
	DefaultTopAuthors  = 3
	DefaultSLATarget   = time.Hour
	DefaultCatchUp     = 12 * time.Hour
	DefaultSendTimeout = 2 * time.Minute

	// MaxTop bounds the lists, so the digest fits one Telegram message.
	MaxTop = 10
)

// Section is the digest section of config.yaml: the daily summary.
// Without Telegram it is printed to standard output instead of sent.
// Fields without a YAML key are set by the program.
type Section struct {
	Enabled  bool           `yaml:"enabled"`
	Time     conf.TimeOfDay `yaml:"time"`
	TimeZone conf.TimeZone  `yaml:"timezone"`
	// Lang is the language of the digest, and of spike alerts and SLA
	// reminders: "fa" or "en".
	Lang string `yaml:"lang"`
	// ChatID defaults to telegram.alert_chat_id; when both are 0 each
	// manager gets it privately.
	ChatID int64 `yaml:"chat_id"`
	// Top is the number of unresolved negative cases listed.
	Top   int  `yaml:"top"`
	Chart bool `yaml:"chart"`
}

// DefaultSection is the digest section with every default filled in.
func DefaultSection() Section {
	t, err := conf.ParseTimeOfDay(DefaultTime)
	if err != nil {
		panic("digest: DefaultTime is not HH:MM")
	}
	return Section{
		Enabled:  true,
		Time:     t,
		TimeZone: conf.MustTimeZone(DefaultTimezone),
		Lang:     DefaultLang,
		Top:      DefaultTopCases,
		Chart:    true,
	}
}

// Problems lists the section's problems, each naming its key under
// digest, with the values as written. A disabled digest still names the
// language spike alerts and SLA reminders are written in, so only its
// lang is checked.
func (s Section) Problems() conf.Problems {
	var ps conf.Problems
	ps.OneOf("lang", s.Lang, core.LangPersian, core.LangEnglish)
	if s.Enabled {
		ps.IntRange("top", s.Top, 1, MaxTop)
	}
	return ps
}

// CronSpec is the schedule in robfig/cron syntax with the zone:
// "CRON_TZ=Asia/Tehran 0 9 * * *".
func (s Section) CronSpec() string {
	return "CRON_TZ=" + s.TimeZone.String() + " " + strconv.Itoa(s.Time.Minute) + " " +
		strconv.Itoa(s.Time.Hour) + " * * *"
}

// Config is what the digest runs by: the section with the SLA's
// first-response target and recovery window (the sla section, which the
// engine and the watcher read too).
func (s Section) Config(slaTarget, recoveryWindow time.Duration) Config {
	return Config{
		Time:           s.Time.String(),
		Timezone:       s.TimeZone.String(),
		Lang:           s.Lang,
		TopCases:       s.Top,
		SLATarget:      slaTarget,
		RecoveryWindow: recoveryWindow,
		NoChart:        !s.Chart,
	}
}

// Config says when the digest goes out and what it shows. Zero fields take
// the defaults above. [Section.Config] builds it from the digest section;
// the keys Validate's messages name that the file does not have are
// settings only a program sets.
type Config struct {
	// Time is the local time of day the digest of the day before is sent,
	// "HH:MM" (24-hour clock). YAML: digest.time.
	Time string
	// Timezone is the operator's IANA zone (Asia/Tehran): the digest's
	// days are calendar days there, and the store's daily counters must be
	// kept in the same zone. YAML: digest.timezone.
	Timezone string
	// Lang is the language of the text: "fa" or "en". YAML: digest.lang.
	Lang string
	// TopCases is how many unresolved negative cases are listed.
	// YAML: digest.top.
	TopCases int
	// TopAuthors is how many of the day's most active authors are listed.
	// Not in config.yaml: always its default.
	TopAuthors int
	// SLATarget is the first-response time a case should not exceed; cases
	// answered later, or still unanswered and older, are breaches.
	// YAML: sla.first_response.
	SLATarget time.Duration
	// RecoveryWindow: the recovery rate is over the cases first answered in
	// this window up to the end of the day. Use the engine's recovery
	// window. YAML: sla.recovery_window.
	RecoveryWindow time.Duration
	// CatchUp: a digest missed because Shenava was down at the scheduled
	// time is still sent if it starts within this time after it; later, the
	// day is left to the /digest command. Not in config.yaml: always its
	// default.
	CatchUp time.Duration
	// SendTimeout bounds one delivery; a delivery under way when shutdown
	// begins is given this long to finish. Not in config.yaml: always its
	// default.
	SendTimeout time.Duration
	// NoChart leaves the 14-day chart out: the digest goes as text only.
	// YAML: digest.chart (false).
	NoChart bool
}

func (c Config) withDefaults() Config {
	if c.Time == "" {
		c.Time = DefaultTime
	}
	if c.Timezone == "" {
		c.Timezone = DefaultTimezone
	}
	if c.Lang == "" {
		c.Lang = DefaultLang
	}
	if c.TopCases == 0 {
		c.TopCases = DefaultTopCases
	}
	if c.TopAuthors == 0 {
		c.TopAuthors = DefaultTopAuthors
	}
	if c.SLATarget == 0 {
		c.SLATarget = DefaultSLATarget
	}
	if c.RecoveryWindow == 0 {
		c.RecoveryWindow = core.DefaultRecoveryWindow
	}
	if c.CatchUp == 0 {
		c.CatchUp = DefaultCatchUp
	}
	if c.SendTimeout == 0 {
		c.SendTimeout = DefaultSendTimeout
	}
	return c
}

// Validate reports every impossible setting at once, each by its YAML key.
func (c Config) Validate() error {
	c = c.withDefaults()
	var errs []error
	if _, _, err := parseClock(c.Time); err != nil {
		errs = append(errs, fmt.Errorf("digest.time %q: %w", c.Time, err))
	}
	if _, err := time.LoadLocation(c.Timezone); err != nil {
		errs = append(errs, fmt.Errorf("digest.timezone %q: not an IANA time zone name (for example Asia/Tehran)", c.Timezone))
	}
	if c.Lang != "fa" && c.Lang != "en" {
		errs = append(errs, fmt.Errorf("digest.lang %q: want fa or en", c.Lang))
	}
	if c.TopCases < 0 || c.TopCases > MaxTop {
		errs = append(errs, fmt.Errorf("digest.top %d: want 1 to %d", c.TopCases, MaxTop))
	}
	if c.TopAuthors < 0 || c.TopAuthors > MaxTop {
		errs = append(errs, fmt.Errorf("digest TopAuthors %d (not a YAML key): want 1 to %d", c.TopAuthors, MaxTop))
	}
	for _, d := range []struct {
		key string
		v   time.Duration
	}{
		{"sla.first_response", c.SLATarget},
		{"sla.recovery_window", c.RecoveryWindow},
		{"digest CatchUp (not a YAML key)", c.CatchUp},
		{"digest SendTimeout (not a YAML key)", c.SendTimeout},
	} {
		if d.v < 0 {
			errs = append(errs, fmt.Errorf("%s %s: want a positive duration", d.key, d.v))
		}
	}
	if c.CatchUp >= 24*time.Hour {
		errs = append(errs, fmt.Errorf("digest CatchUp %s (not a YAML key): want less than 24h, or the next digest would be due first", c.CatchUp))
	}
	return errors.Join(errs...)
}

// parseClock reads "HH:MM".
func parseClock(s string) (hour, minute int, err error) {
	h, m, ok := strings.Cut(s, ":")
	if !ok || len(m) != 2 || len(h) < 1 || len(h) > 2 {
		return 0, 0, errors.New("want HH:MM on a 24-hour clock, for example 09:00")
	}
	hour, err1 := strconv.Atoi(h)
	minute, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hour < 0 || hour > 23 || minute < 0 || minute > 59 {
		return 0, 0, errors.New("want HH:MM on a 24-hour clock, for example 09:00")
	}
	return hour, minute, nil
}

// cronSpec is the standard cron line for the daily digest, in the
// operator's zone.
func (c Config) cronSpec() (string, error) {
	h, m, err := parseClock(c.Time)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("CRON_TZ=%s %d %d * * *", c.Timezone, m, h), nil
}
