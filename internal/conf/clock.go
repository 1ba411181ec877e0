package conf

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // time zones load on hosts without a zoneinfo database
)

// TimeOfDay is a wall-clock time written "HH:MM" (24-hour clock).
type TimeOfDay struct {
	Hour, Minute int
}

// ParseTimeOfDay reads "HH:MM".
func ParseTimeOfDay(s string) (TimeOfDay, error) {
	var t TimeOfDay
	err := t.UnmarshalText([]byte(s))
	return t, err
}

// String prints the time as "HH:MM".
func (t TimeOfDay) String() string { return fmt.Sprintf("%02d:%02d", t.Hour, t.Minute) }

// MarshalText writes "HH:MM".
func (t TimeOfDay) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// MarshalYAML writes "HH:MM".
func (t TimeOfDay) MarshalYAML() (any, error) { return t.String(), nil }

// On returns the time of day on the calendar day of date in loc.
func (t TimeOfDay) On(date time.Time, loc *time.Location) time.Time {
	y, m, d := date.In(loc).Date()
	return time.Date(y, m, d, t.Hour, t.Minute, 0, 0, loc)
}

// UnmarshalText reads "HH:MM".
func (t *TimeOfDay) UnmarshalText(b []byte) error {
	s := string(b)
	bad := errors.New(`must be a time of day "HH:MM" between 00:00 and 23:59`)
	hh, mm, ok := strings.Cut(s, ":")
	if !ok || len(hh) != 2 || len(mm) != 2 {
		return bad
	}
	h, err1 := strconv.Atoi(hh)
	m, err2 := strconv.Atoi(mm)
	if err1 != nil || err2 != nil || h < 0 || h > 23 || m < 0 || m > 59 {
		return bad
	}
	*t = TimeOfDay{Hour: h, Minute: m}
	return nil
}

// TimeZone is an IANA time zone such as "Asia/Tehran", loaded when the
// config is loaded (the zone database is embedded, so this works on hosts
// without one).
type TimeZone struct {
	loc *time.Location
}

// MustTimeZone loads an IANA zone and panics if it does not exist. It is
// meant for defaults and tests.
func MustTimeZone(name string) TimeZone {
	var z TimeZone
	if err := z.UnmarshalText([]byte(name)); err != nil {
		panic(fmt.Sprintf("conf: time zone %q: %v", name, err))
	}
	return z
}

// Location returns the zone; UTC when none was set.
func (z TimeZone) Location() *time.Location {
	if z.loc == nil {
		return time.UTC
	}
	return z.loc
}

// String returns the zone's IANA name.
func (z TimeZone) String() string { return z.Location().String() }

// MarshalText writes the IANA name.
func (z TimeZone) MarshalText() ([]byte, error) { return []byte(z.String()), nil }

// MarshalYAML writes the IANA name.
func (z TimeZone) MarshalYAML() (any, error) { return z.String(), nil }

// UnmarshalText loads an IANA zone.
func (z *TimeZone) UnmarshalText(b []byte) error {
	s := string(b)
	if s == "" || s == "Local" {
		return errors.New(`must be an IANA time zone such as "Asia/Tehran" or "UTC"`)
	}
	loc, err := time.LoadLocation(s)
	if err != nil {
		return fmt.Errorf(`unknown time zone %q; want an IANA name such as "Asia/Tehran"`, s)
	}
	z.loc = loc
	return nil
}
