package mastodon

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	gomastodon "github.com/mattn/go-mastodon"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/httpx"
	"github.com/shenava/shenava/internal/retryafter"
)

// transport sits under every request, go-mastodon's and our own, and is
// where the platform's rules meet the engine's conventions:
//
//   - go-mastodon answers a 429 by sleeping and retrying, with a doubling
//     backoff up to an hour, inside the call. The engine must decide when to
//     retry (and record the wait), so a 429, or a 503 with Retry-After,
//     becomes a *core.RateLimitError here and never reaches the library;
//   - Mastodon reports the remaining budget in X-RateLimit-Remaining and
//     X-RateLimit-Reset (an ISO 8601 time); once it reaches zero no request
//     is sent until the reset, rather than spending a call to learn we are
//     limited. Reads and posts are kept apart: posting statuses has its own,
//     longer budget (300 per 3 hours by default), and using it up must not
//     stop Shenava from listening;
//   - response bodies are cut at max_body_bytes, with an error rather than
//     silent truncation;
//   - the User-Agent and, for posts, the Idempotency-Key are set;
//   - no write is re-sent by net/http (httpx.NoReplay sits below), and a
//     write the server answered 2xx but whose answer could not be read
//     whole fails wrapping core.ErrInDoubt: the status exists, so it must
//     be looked up, not posted again.
type transport struct {
	base    http.RoundTripper
	ua      string
	maxBody int64
	now     func() time.Time
	// secret is the access token, cut out of error answers (see redact).
	secret string

	mu           sync.Mutex
	blockedUntil map[bool]time.Time // by isWrite
}

func isWrite(method string) bool { return method != http.MethodGet && method != http.MethodHead }

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	now := t.now()
	write := isWrite(req.Method)
	t.mu.Lock()
	until := t.blockedUntil[write]
	t.mu.Unlock()
	if until.After(now) {
		if req.Body != nil {
			_ = req.Body.Close()
		}
		return nil, &core.RateLimitError{
			Platform:   core.PlatformMastodon,
			RetryAfter: until.Sub(now),
			Err:        errors.New("request budget used up until the rate limit resets"),
		}
	}
	req = req.Clone(req.Context())
	req.Header.Set("User-Agent", t.ua)
	if key, ok := req.Context().Value(idempotencyKey{}).(string); ok && req.Method == http.MethodPost {
		req.Header.Set("Idempotency-Key", key)
	}
	resp, err := t.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode >= 300 {
		resp.Body = t.redact(resp.Body)
	}
	reset := parseReset(resp.Header.Get("X-RateLimit-Reset"))
	if rem := resp.Header.Get("X-RateLimit-Remaining"); rem != "" && !reset.IsZero() {
		if n, err := strconv.Atoi(strings.TrimSpace(rem)); err == nil {
			t.mu.Lock()
			if t.blockedUntil == nil {
				t.blockedUntil = map[bool]time.Time{}
			}
			if n <= 0 {
				t.blockedUntil[write] = reset
			} else {
				delete(t.blockedUntil, write)
			}
			t.mu.Unlock()
		}
	}
	if resp.StatusCode == http.StatusTooManyRequests ||
		(resp.StatusCode == http.StatusServiceUnavailable && resp.Header.Get("Retry-After") != "") {
		msg := apiMessage(resp.Body, t.maxBody)
		_ = resp.Body.Close()
		if msg != "" {
			msg = ": " + msg
		}
		wait, _ := retryafter.Parse(resp.Header.Get("Retry-After"), now, maxRetryAfter)
		if wait == 0 && reset.After(now) {
			wait = reset.Sub(now)
		}
		return nil, &core.RateLimitError{
			Platform:   core.PlatformMastodon,
			RetryAfter: wait,
			Err:        fmt.Errorf("HTTP %s%s", resp.Status, msg),
		}
	}
	if write && resp.StatusCode >= 200 && resp.StatusCode < 300 {
		// The server acted on the write: an answer cut short now must not
		// look like a failure worth repeating, so it is read whole here,
		// where losing it can still be told apart.
		data, err := httpx.ReadAll(resp.Body, t.maxBody)
		_ = resp.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("%w: %s %s: HTTP %d, reading the answer: %w", core.ErrInDoubt, req.Method, req.URL.Path, resp.StatusCode, err)
		}
		resp.Body = io.NopCloser(bytes.NewReader(data))
		return resp, nil
	}
	resp.Body = httpx.LimitBody(resp.Body, t.maxBody)
	return resp, nil
}

// redact cuts the access token out of an error answer before anything
// reads it: a proxy's error page may quote the request it failed,
// Authorization header and all, and the message of an error answer goes
// into errors, logs and notices to managers. It reads at most one byte
// past max_body_bytes, so an oversized answer still fails as one.
func (t *transport) redact(body io.ReadCloser) io.ReadCloser {
	if t.secret == "" {
		return body
	}
	data, err := io.ReadAll(io.LimitReader(body, t.maxBody+1))
	for _, form := range []string{t.secret, url.QueryEscape(t.secret), url.PathEscape(t.secret)} {
		data = bytes.ReplaceAll(data, []byte(form), []byte("[redacted]"))
	}
	var r io.Reader = bytes.NewReader(data)
	if err != nil {
		r = io.MultiReader(r, errReader{err})
	}
	return readCloser{r, body}
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

type readCloser struct {
	io.Reader
	io.Closer
}

// maxRetryAfter is the longest Retry-After believed: Mastodon's windows
// are five minutes to a few hours.
const maxRetryAfter = 24 * time.Hour

// idempotencyKey carries the Idempotency-Key of a post through
// go-mastodon, which has no way to set a header per request.
type idempotencyKey struct{}

// parseReset reads X-RateLimit-Reset, an ISO 8601 time.
func parseReset(v string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(v))
	if err != nil {
		return time.Time{}
	}
	return t
}

// apiMessage reads the {"error": "..."} of an error answer, or "" when the
// body is not that (an HTML error page says nothing useful).
func apiMessage(body io.Reader, limit int64) string {
	var e struct {
		Error string `json:"error"`
	}
	b, err := io.ReadAll(io.LimitReader(body, min(limit, 64<<10)))
	if err != nil || json.Unmarshal(b, &e) != nil {
		return ""
	}
	return e.Error
}

// classify turns an error from a call into the engine's conventions:
// credentials rejected → core.ErrUnauthorized (and permanent); other 4xx
// and oversized bodies → core.ErrPermanent; rate limits, 5xx, network
// errors and undecodable bodies stay as they are (worth retrying). what
// names the call for the message.
func classify(what string, err error) error {
	if err == nil {
		return nil
	}
	var rl *core.RateLimitError
	if errors.As(err, &rl) {
		return &core.RateLimitError{Platform: rl.Platform, RetryAfter: rl.RetryAfter, Err: fmt.Errorf("%s: %w", what, rl.Err)}
	}
	if errors.Is(err, httpx.ErrTooLarge) {
		return fmt.Errorf("mastodon: %s: %w", what, core.Permanent(fmt.Errorf("%w (max_body_bytes)", err)))
	}
	status, msg := 0, ""
	var api *gomastodon.APIError
	var own *statusError
	switch {
	case errors.As(err, &api):
		status, msg = api.StatusCode, api.Message
	case errors.As(err, &own):
		status, msg = own.code, own.message
	}
	switch {
	case status == http.StatusUnauthorized, status == http.StatusForbidden:
		// 403 is what Mastodon answers a token without the needed scope.
		return fmt.Errorf("mastodon: %s: %w", what, core.Permanent(fmt.Errorf("%w: HTTP %d %s", core.ErrUnauthorized, status, msg)))
	case status >= 400 && status < 500 && status != http.StatusRequestTimeout:
		return fmt.Errorf("mastodon: %s: %w", what, core.Permanent(err))
	}
	return fmt.Errorf("mastodon: %s: %w", what, err)
}

// statusError is an unexpected status from one of our own requests.
type statusError struct {
	code    int
	message string
}

func (e *statusError) Error() string {
	s := fmt.Sprintf("HTTP %d %s", e.code, http.StatusText(e.code))
	if e.message != "" {
		s += ": " + e.message
	}
	return s
}
