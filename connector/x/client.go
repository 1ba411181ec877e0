package x

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/dghubble/oauth1"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/conf"
	"github.com/shenava/shenava/internal/httpx"
)

// Client talks to the X API v2 for one brand account. It is safe for
// concurrent use; build sources with Mentions and Search.
type Client struct {
	cfg    Config
	read   *http.Client // app bearer token, or the user credentials
	write  *http.Client // user credentials; nil when none are configured
	limits *limiter
	budget *budget
	logger *slog.Logger
	query  string // the search query, checked by Validate
	// partial counts entries of errors arrays in 2xx answers.
	partial atomic.Int64

	// Now is the clock used for rate-limit arithmetic and FetchedAt. It is
	// time.Now unless a test replaces it before the first call.
	Now func() time.Time
}

// Endpoints, as keys of the rate limiter and names in error messages.
const (
	epMentions = "mentions"
	epSearch   = "search"
	epPost     = "create post"
	epDM       = "send DM"
	epMe       = "users/me"
	epUser     = "users/{id}"
)

// New checks cfg and builds a client. It makes no network call. hc may be
// nil (a plain client is used); its Transport carries every request, OAuth
// 1.0a signed ones included.
func New(cfg Config, hc *http.Client, logger *slog.Logger) (*Client, error) {
	cfg = cfg.withDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("x: %w: %w", core.ErrInvalid, err)
	}
	if hc == nil {
		hc = httpx.NewClient(0)
	}
	// No request is re-sent by the transport: a post whose answer was lost
	// is in doubt, not replayed (see httpx.NoReplay).
	guarded := *hc
	guarded.Transport = httpx.NoReplay(hc.Transport)
	hc = &guarded
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	c := &Client{
		cfg:    cfg,
		limits: newLimiter(),
		logger: logger.With("component", "connector.x"),
		Now:    time.Now,
	}
	c.budget = newBudget(cfg, c.logger)
	switch {
	case cfg.OAuth1.Any():
		o := cfg.OAuth1
		oc := oauth1.NewConfig(o.ConsumerKey.Reveal(), o.ConsumerSecret.Reveal())
		signed := oc.Client(context.WithValue(context.Background(), oauth1.HTTPClient, hc),
			oauth1.NewToken(o.AccessToken.Reveal(), o.AccessTokenSecret.Reveal()))
		c.write = &http.Client{Transport: signed.Transport, CheckRedirect: hc.CheckRedirect, Jar: hc.Jar, Timeout: hc.Timeout}
	case !cfg.OAuth2UserToken.Empty():
		c.write = withBearer(hc, cfg.OAuth2UserToken.Reveal())
	}
	if !cfg.BearerToken.Empty() {
		c.read = withBearer(hc, cfg.BearerToken.Reveal())
	} else {
		c.read = c.write
	}
	if cfg.Search.Enabled {
		c.query, _, _ = cfg.searchQuery() // Validate has checked it
	}
	return c, nil
}

// SearchQuery is the query the search stream sends.
func (c *Client) SearchQuery() string { return c.query }

// PartialErrors counts the errors X reported next to good data (posts it
// could not return whole); the data was still used.
func (c *Client) PartialErrors() int64 { return c.partial.Load() }

// bearerTransport adds "Authorization: Bearer" to each request.
type bearerTransport struct {
	base  http.RoundTripper
	token string
}

func (t *bearerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r2 := r.Clone(r.Context())
	r2.Header.Set("Authorization", "Bearer "+t.token)
	return t.base.RoundTrip(r2)
}

func withBearer(hc *http.Client, token string) *http.Client {
	base := hc.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	return &http.Client{Transport: &bearerTransport{base: base, token: token}, CheckRedirect: hc.CheckRedirect, Jar: hc.Jar, Timeout: hc.Timeout}
}

// call is one API request.
type call struct {
	endpoint string // rate-limit key and message name
	method   string
	path     string // already escaped
	query    url.Values
	body     any
	write    bool // needs user context
	out      any  // decoded on 2xx
}

// do sends the call and decodes a 2xx answer into call.out. Failures are
// classified per the connector contract: *core.RateLimitError for 429 (and
// before calling, while a window is spent), core.ErrUnauthorized for
// rejected credentials, core.ErrPermanent for other 4xx, plain errors for
// 5xx, network trouble and unreadable bodies.
func (c *Client) do(ctx context.Context, cl call) error {
	now := c.Now()
	if wait := c.limits.wait(cl.endpoint, now); wait > 0 {
		return &core.RateLimitError{Platform: core.PlatformX, RetryAfter: wait,
			Err: fmt.Errorf("%s: rate-limit window spent, not calling until it resets", cl.endpoint)}
	}
	hc := c.read
	if cl.write {
		hc = c.write
	}
	if hc == nil {
		return fmt.Errorf("%s: no credentials for this call: %w", cl.endpoint, core.ErrUnsupported)
	}
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()

	u := c.cfg.BaseURL + cl.path
	if len(cl.query) > 0 {
		u += "?" + cl.query.Encode()
	}
	var body io.Reader
	if cl.body != nil {
		b, err := json.Marshal(cl.body)
		if err != nil {
			return fmt.Errorf("%s: encode request: %w", cl.endpoint, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, cl.method, u, body)
	if err != nil {
		return core.Permanent(fmt.Errorf("%s: %w", cl.endpoint, err))
	}
	req.Header.Set("User-Agent", c.cfg.UserAgent)
	req.Header.Set("Accept", "application/json")
	if cl.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if cl.endpoint == epMentions || cl.endpoint == epSearch {
		// Polling stops for the day once the budget is spent; credential
		// checks and writes go on.
		if err := c.budget.allow(ctx, now); err != nil {
			return err
		}
	}
	if cl.method == http.MethodGet {
		// Every read sent counts, answered or not; the posts X returned
		// are known once the body is decoded.
		defer func() { c.budget.spend(ctx, now, 1, postsIn(cl.out)) }()
	}
	resp, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("%s: %w", cl.endpoint, redactURL(err))
	}
	defer resp.Body.Close()
	c.limits.observe(cl.endpoint, resp.Header)
	ok := resp.StatusCode >= 200 && resp.StatusCode < 300
	// A post or DM that X answered with 2xx was made, even when the answer
	// cannot be read: retrying would post it a second time.
	unreadable := func(err error) error {
		if ok && cl.method != http.MethodGet {
			return core.Permanent(fmt.Errorf("%w (X accepted the call; it is not repeated): %w", err, core.ErrInDoubt))
		}
		return err
	}
	data, err := httpx.ReadAll(resp.Body, c.cfg.MaxBodyBytes)
	if errors.Is(err, httpx.ErrTooLarge) {
		return unreadable(fmt.Errorf("%s: HTTP %d: response is larger than %d bytes", cl.endpoint, resp.StatusCode, c.cfg.MaxBodyBytes))
	}
	if err != nil {
		return unreadable(fmt.Errorf("%s: read response: %w", cl.endpoint, err))
	}

	if ok {
		if cl.out == nil {
			return nil
		}
		if err := decodeJSON(resp.Header.Get("Content-Type"), data, cl.out); err != nil {
			return unreadable(fmt.Errorf("%s: HTTP %d: %w", cl.endpoint, resp.StatusCode, err))
		}
		return nil
	}

	apiErr := parseAPIError(resp.StatusCode, resp.Header.Get("Content-Type"), c.redact(data))
	err = fmt.Errorf("%s: %w", cl.endpoint, apiErr)
	switch s := resp.StatusCode; {
	case s == http.StatusTooManyRequests:
		wait := retryAfter(resp.Header, now)
		if wait > 0 {
			c.limits.block(cl.endpoint, now.Add(wait))
		}
		return &core.RateLimitError{Platform: core.PlatformX, RetryAfter: wait, Err: err}
	case s == http.StatusUnauthorized:
		return fmt.Errorf("%w: %w", core.ErrUnauthorized, err)
	case s == http.StatusForbidden && apiErr.credentialProblem():
		return fmt.Errorf("%w: %w", core.ErrUnauthorized, err)
	case s >= 400 && s < 500:
		return core.Permanent(err)
	default:
		return err
	}
}

// decodeJSON decodes a 2xx body, telling an HTML page (a proxy's or a
// captive portal's) apart from broken JSON.
func decodeJSON(contentType string, data []byte, out any) error {
	if err := json.Unmarshal(data, out); err != nil {
		if mt, _, _ := mime.ParseMediaType(contentType); mt != "" && mt != "application/json" && !strings.HasSuffix(mt, "+json") {
			return fmt.Errorf("response is %s, not JSON: %w", mt, err)
		}
		return fmt.Errorf("decode response: %w", err)
	}
	return nil
}

// redact removes our credentials from an error body before any of it goes
// into an error: a proxy's error page may quote the request it failed,
// Authorization header and all, and errors end up in logs and in notices
// to managers.
func (c *Client) redact(body []byte) []byte {
	o := c.cfg.OAuth1
	for _, sec := range []conf.Secret{c.cfg.BearerToken, c.cfg.OAuth2UserToken, o.ConsumerKey, o.ConsumerSecret, o.AccessToken, o.AccessTokenSecret} {
		s := sec.Reveal()
		if s == "" {
			continue
		}
		for _, form := range []string{s, url.QueryEscape(s), url.PathEscape(s)} {
			body = bytes.ReplaceAll(body, []byte(form), []byte("[redacted]"))
		}
	}
	return body
}

// redactURL drops the query from a *url.Error: it is long and says
// nothing the caller does not know. No secret travels in X URLs.
func redactURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		if u, perr := url.Parse(ue.URL); perr == nil {
			u.RawQuery = ""
			return &url.Error{Op: ue.Op, URL: u.String(), Err: ue.Err}
		}
	}
	return err
}
