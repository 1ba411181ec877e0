package store

import (
	"fmt"
	"time"

	"github.com/shenava/shenava/core"
)

// DayCounter names one daily counter: a dimension and its value
// (core.DimTotal's value is "").
type DayCounter struct{ Dim, Value string }

// MentionCounts is what a newly stored mention adds one to: the daily
// counters of its local creation day and, when it is analysed, the hourly
// counter of its label.
type MentionCounts struct {
	Day   string // the local creation day, core.DayFormat
	Daily []DayCounter
	// Hourly: the mention is analysed, and counts in the hour Hour (whole
	// UTC hours since 1970; earlier ones count in hour 0) for Label.
	Hourly bool
	Hour   int64
	Label  core.Label
}

// CountsOf is what m adds to the counters, its day taken in loc: the
// total, its platform and, when analysed, its language, its label and
// whether it is a referral.
func CountsOf(m core.Mention, loc *time.Location) MentionCounts {
	c := MentionCounts{
		Day:   m.CreatedAt.In(loc).Format(core.DayFormat),
		Daily: []DayCounter{{core.DimTotal, ""}, {core.DimPlatform, string(m.Platform)}},
	}
	if a := m.Analysis; a != nil {
		c.Daily = append(c.Daily, DayCounter{core.DimLang, a.Lang}, DayCounter{core.DimLabel, string(a.Label)})
		if a.Referral {
			c.Daily = append(c.Daily, DayCounter{core.DimReferral, "yes"})
		}
		c.Hourly, c.Hour, c.Label = true, max(0, m.CreatedAt.Unix()/3600), a.Label
	}
	return c
}

// CheckDay checks that day is a calendar day as the counters spell it
// ("YYYY-MM-DD"); op names the read for the error.
func CheckDay(op, day string) error {
	if _, err := time.Parse(core.DayFormat, day); err != nil {
		return fmt.Errorf("store: %s: day %q: want YYYY-MM-DD: %w", op, day, core.ErrInvalid)
	}
	return nil
}
