package core

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Sentinel errors callers branch on with errors.Is.
var (
	// ErrNotFound: the mention, case, action or record does not exist.
	ErrNotFound = errors.New("not found")
	// ErrInvalid: the input breaks a domain rule; the message says which.
	ErrInvalid = errors.New("invalid")
	// ErrUnsupported: the platform cannot do this (RSS cannot reply; a
	// Telegram user who never started the bot cannot be messaged).
	ErrUnsupported = errors.New("not supported by the platform")
	// ErrUnauthorized: the platform rejected our credentials.
	ErrUnauthorized = errors.New("credentials rejected")
	// ErrForbidden: the person asking is not allowed to act.
	ErrForbidden = errors.New("not allowed")
	// ErrInvalidTransition: a case cannot move from its state to the one asked.
	ErrInvalidTransition = errors.New("invalid case transition")
	// ErrPermanent marks a failure that retrying will not fix (a 4xx other
	// than 429, a deleted post). The outbox gives up at once on it.
	ErrPermanent = errors.New("permanent failure")
	// ErrInDoubt: a write went out but its answer was lost (the connection
	// dropped, the wait ran out), so the platform may or may not have
	// carried it out. Sending it again blindly could post twice: read back
	// what the platform holds first.
	ErrInDoubt = errors.New("delivery in doubt: the request went out but its answer was lost")
)

// Permanent wraps err so that errors.Is(err, ErrPermanent) holds.
func Permanent(err error) error {
	if err == nil || errors.Is(err, ErrPermanent) {
		return err
	}
	return fmt.Errorf("%w: %w", ErrPermanent, err)
}

// RateLimitError reports that a platform refused a call because of its rate
// limit. RetryAfter is how long the platform asked us to wait (zero when it
// did not say).
type RateLimitError struct {
	Platform   Platform
	RetryAfter time.Duration
	Err        error
}

func (e *RateLimitError) Error() string {
	msg := fmt.Sprintf("%s: rate limited", e.Platform)
	if e.RetryAfter > 0 {
		msg += fmt.Sprintf(", retry after %s", e.RetryAfter)
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *RateLimitError) Unwrap() error { return e.Err }

// RetryAfter returns the wait a rate-limit error anywhere in err's chain
// asks for, and whether there was one.
func RetryAfter(err error) (time.Duration, bool) {
	var rl *RateLimitError
	if errors.As(err, &rl) {
		return rl.RetryAfter, true
	}
	return 0, false
}

type repeatKey struct{}

// WithRepeat marks ctx as carrying a repeated delivery: an alert or notice
// sent again because the first attempt may or may not have arrived.
func WithRepeat(ctx context.Context) context.Context {
	return context.WithValue(ctx, repeatKey{}, true)
}

// IsRepeat reports whether ctx carries a repeated delivery (WithRepeat).
func IsRepeat(ctx context.Context) bool {
	v, _ := ctx.Value(repeatKey{}).(bool)
	return v
}
