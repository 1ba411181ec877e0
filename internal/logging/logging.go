// Package logging owns the log section of config.yaml and builds the one
// logger of the process from it.
package logging

import (
	"io"
	"log/slog"

	"github.com/shenava/shenava/internal/conf"
)

// Defaults of the log section.
const (
	DefaultLevel  = "info"
	DefaultFormat = "text"
)

// Config is the log section of config.yaml.
type Config struct {
	// Level is debug, info, warn or error.
	Level string `yaml:"level"`
	// Format is text or json.
	Format string `yaml:"format"`
}

// DefaultConfig is the section with its defaults.
func DefaultConfig() Config { return Config{Level: DefaultLevel, Format: DefaultFormat} }

// SlogLevel returns Level as a slog.Level (info when unknown).
func (c Config) SlogLevel() slog.Level {
	switch c.Level {
	case "debug":
		return slog.LevelDebug
	case "warn":
		return slog.LevelWarn
	case "error":
		return slog.LevelError
	}
	return slog.LevelInfo
}

// Validate reports the section's problems (a *conf.Error), each naming its
// key under log.
func (c Config) Validate() error { return c.Problems().Err() }

// Problems lists the section's problems, as Validate reports them.
func (c Config) Problems() conf.Problems {
	var ps conf.Problems
	ps.OneOf("level", c.Level, "debug", "info", "warn", "error")
	ps.OneOf("format", c.Format, "text", "json")
	return ps
}

// New builds a logger writing to w as the section says.
func New(c Config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.SlogLevel()}
	if c.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
