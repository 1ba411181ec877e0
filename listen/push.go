package listen

import (
	"context"
	"fmt"

	"github.com/shenava/shenava/core"
)

// Ingest processes mentions a source pushed (a webhook delivery) through
// the same filter, deduplication, analysis and decisions as a poll, and
// returns once they are committed: a caller acknowledges the delivery only
// after a nil error, so the platform's redelivery of a failed one is the
// retry, and deduplication makes a redelivery of a stored one a no-op.
// The source's saved cursor is kept as it is.
func (e *Engine) Ingest(ctx context.Context, s SourceSpec, ms []core.Mention) (PollResult, error) {
	if s.Name == "" {
		return PollResult{}, fmt.Errorf("listen: a pushing source has no name")
	}
	cursor, err := e.store.Cursor(ctx, s.Name)
	if err == nil {
		var res PollResult
		res, err = e.Process(ctx, s, core.Batch{Mentions: ms, Cursor: cursor})
		e.metrics.Polled(s.Name, err)
		if err == nil {
			return res, nil
		}
	}
	return PollResult{}, fmt.Errorf("listen: %s: %w", s.Name, err)
}

// Pusher returns Ingest bound to one source, for an adapter that only
// needs to hand over mentions.
func (e *Engine) Pusher(s SourceSpec) func(ctx context.Context, ms []core.Mention) error {
	return func(ctx context.Context, ms []core.Mention) error {
		_, err := e.Ingest(ctx, s, ms)
		return err
	}
}

// mentionCapable is a Replier whose answers depend on the mention, not
// only on the platform.
type mentionCapable interface {
	CapabilitiesFor(m core.Mention) core.Capabilities
}

// CapabilitiesFor reports what Shenava can do in answer to one mention:
// the platform's capabilities, narrowed by its replier where the platform
// allows less for this mention (Instagram's private-reply window, a post
// read by Telegram's collector account).
func (o *Outbox) CapabilitiesFor(m core.Mention) core.Capabilities {
	r, ok := o.repliers[m.Platform]
	if !ok {
		return core.Capabilities{}
	}
	c := replierCapabilities(r)
	if mc, ok := r.(mentionCapable); ok {
		c = c.Narrow(mc.CapabilitiesFor(m))
	}
	return c
}
