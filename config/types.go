package config

import "github.com/shenava/shenava/internal/conf"

// Duration is a time.Duration written in YAML as a Go duration string;
// see [conf.Duration].
type Duration = conf.Duration

// Secret holds a credential; see [conf.Secret].
type Secret = conf.Secret

// NewSecret wraps a credential, for wiring and tests.
func NewSecret(value string) Secret { return conf.NewSecret(value) }

// TimeOfDay is a wall-clock time written "HH:MM"; see [conf.TimeOfDay].
type TimeOfDay = conf.TimeOfDay

// TimeZone is an IANA time zone loaded with the config; see
// [conf.TimeZone].
type TimeZone = conf.TimeZone

// MustTimeZone loads an IANA zone and panics if it does not exist. It is
// meant for defaults and tests.
func MustTimeZone(name string) TimeZone { return conf.MustTimeZone(name) }
