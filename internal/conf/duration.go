package conf

import (
	"errors"
	"strings"
	"time"
)

// Duration is a time.Duration written in YAML as a Go duration string:
// "90s", "2m", "1h30m", "36h". A bare number other than 0 is rejected so
// that "30" cannot silently mean 30 nanoseconds.
type Duration time.Duration

// D returns the duration as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// String prints the duration the way the config file writes it: "2m",
// "1h30m", "36h", "500ms".
func (d Duration) String() string { return FormatDuration(time.Duration(d)) }

// MarshalText writes the duration as in the config file.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// MarshalYAML writes the duration as in the config file.
func (d Duration) MarshalYAML() (any, error) { return d.String(), nil }

// UnmarshalText reads a Go duration string.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := ParseDuration(string(b))
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

// ParseDuration reads a duration as the config file writes it.
func ParseDuration(s string) (time.Duration, error) {
	v, err := time.ParseDuration(s)
	if err != nil {
		return 0, errors.New(`must be a duration such as "90s", "15m" or "36h"`)
	}
	return v, nil
}

// FormatDuration prints a duration the way the config file writes it:
// "2m" rather than "2m0s", "36h" rather than "36h0m0s".
func FormatDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
