package httpx

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptrace"
	"strings"
	"sync/atomic"

	"github.com/shenava/shenava/core"
)

// NoReplay wraps the transport that opens connections (http.Transport, or
// http.DefaultTransport when base is nil) so that no write request is ever
// sent twice by it.
//
// net/http re-sends a request on a fresh connection when a kept-alive one
// fails before the answer arrives, if it deems the request replayable: a
// GET, or any request carrying an Idempotency-Key header whose body can be
// rewound (GetBody). The server may well have acted on the first copy
// (GoToSocial, for one, ignores Idempotency-Key), so for a post or a
// direct message that replay is a duplicate nobody asked for and nobody
// logged. Every request but GET, HEAD and OPTIONS goes down without
// GetBody and with its idempotency key out of net/http's sight, which
// makes it non-replayable; the decision to try again stays with the caller.
//
// A write that fails once its request began to go out may or may not have
// been acted on: its error wraps core.ErrInDoubt. A write that failed
// before anything was sent (no connection, a refused dial) fails with the
// transport's error alone.
//
// NoReplay must be the innermost wrapper: net/http looks at the request
// it is given, so a wrapper below NoReplay that copies the request with
// its GetBody would undo it.
func NoReplay(base http.RoundTripper) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	if _, ok := base.(noReplay); ok {
		return base
	}
	return noReplay{base}
}

type noReplay struct{ base http.RoundTripper }

// IsWrite reports whether a request with this method changes something on
// the server.
func IsWrite(method string) bool {
	switch method {
	case "", http.MethodGet, http.MethodHead, http.MethodOptions:
		return false
	}
	return true
}

func (t noReplay) RoundTrip(req *http.Request) (*http.Response, error) {
	if !IsWrite(req.Method) {
		return t.base.RoundTrip(req)
	}
	var wrote atomic.Bool
	trace := &httptrace.ClientTrace{
		WroteHeaderField: func(string, []string) { wrote.Store(true) },
		WroteHeaders:     func() { wrote.Store(true) },
	}
	r := req.Clone(httptrace.WithClientTrace(req.Context(), trace))
	r.GetBody = nil
	// A request without a body counts as rewindable when it carries an
	// idempotency key; net/http looks the key up by its canonical name
	// only, so it goes out under its lower-case name (header names are
	// case-insensitive on the wire).
	for _, k := range []string{"Idempotency-Key", "X-Idempotency-Key"} {
		if v, ok := r.Header[k]; ok {
			delete(r.Header, k)
			r.Header[strings.ToLower(k)] = v
		}
	}
	resp, err := t.base.RoundTrip(r)
	if err != nil && wrote.Load() {
		return nil, fmt.Errorf("%w: %s %s: %w", core.ErrInDoubt, req.Method, req.URL.Redacted(), err)
	}
	return resp, err
}

// InDoubt reports whether err says a write may have been carried out
// although its answer was lost.
func InDoubt(err error) bool { return errors.Is(err, core.ErrInDoubt) }
