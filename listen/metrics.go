package listen

import (
	"time"

	"github.com/shenava/shenava/core"
)

// Metrics receives what the engine and the outbox observe. The Prometheus
// adapter implements it; the default does nothing.
type Metrics interface {
	// Polled records one poll of a source and its outcome.
	Polled(source string, err error)
	// Ingested records a newly stored mention.
	Ingested(source string, label core.Label)
	// Dropped records a mention not stored, with why ("duplicate",
	// "not_about_brand", "own_account", "invalid").
	Dropped(source, reason string)
	// Analyzed records the time one analysis took.
	Analyzed(d time.Duration)
	// RateLimited records a wait imposed by a platform.
	RateLimited(source string, wait time.Duration)
	// ActionDone records one outbox execution.
	ActionDone(kind core.ActionKind, err error, d time.Duration)
}

type nopMetrics struct{}

func (nopMetrics) Polled(string, error)                             {}
func (nopMetrics) Ingested(string, core.Label)                      {}
func (nopMetrics) Dropped(string, string)                           {}
func (nopMetrics) Analyzed(time.Duration)                           {}
func (nopMetrics) RateLimited(string, time.Duration)                {}
func (nopMetrics) ActionDone(core.ActionKind, error, time.Duration) {}
