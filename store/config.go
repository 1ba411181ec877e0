package store

import (
	"time"

	"github.com/shenava/shenava/internal/conf"
)

// Defaults and limits of the storage section.
const (
	// DefaultPath is the database file, next to the config file.
	DefaultPath = "shenava.db"
	// MinLockTimeout and MaxLockTimeout bound storage.lock_timeout.
	MinLockTimeout = 10 * time.Millisecond
	MaxLockTimeout = 10 * time.Minute
)

// Config is the storage section of config.yaml: the bbolt database file.
type Config struct {
	// Path is the database file; the config package resolves it against
	// the config file's directory.
	Path string `yaml:"path"`
	// LockTimeout is how long to wait for another process to release the
	// file before failing.
	LockTimeout time.Duration `yaml:"lock_timeout"`
}

// DefaultConfig is the section with its defaults.
func DefaultConfig() Config { return Config{Path: DefaultPath, LockTimeout: DefaultLockTimeout} }

// Options are the options Open takes for this section; loc is the zone of
// the daily counters (the digest's).
func (c Config) Options(loc *time.Location) Options {
	return Options{LockTimeout: c.LockTimeout, Location: loc}
}

// Validate reports the section's problems (a *conf.Error), each naming its
// key under storage. Whether the file's directory exists is checked when
// the config's files are (config.CheckFiles).
func (c Config) Validate() error { return c.Problems().Err() }

// Problems lists the section's problems, as Validate reports them.
func (c Config) Problems() conf.Problems {
	var ps conf.Problems
	if c.Path == "" {
		ps.Add("path", "required: the database file, e.g. %s", DefaultPath)
	}
	ps.DurationRange("lock_timeout", c.LockTimeout, MinLockTimeout, MaxLockTimeout)
	return ps
}
