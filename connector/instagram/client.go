// Package instagram listens to the brand's Instagram professional account
// through Meta's Instagram Platform (the Graph API): comments on its media
// and @mentions of it, by webhook and by polling, and answers them with a
// public reply or a private reply to the commenter. See README.md for what
// the platform allows and how an operator sets the app up.
package instagram

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/httpx"
)

// Client talks to the Graph API for one Instagram professional account. Its
// methods are safe for concurrent use.
type Client struct {
	cfg    Config
	hc     *http.Client
	logger *slog.Logger
	now    func() time.Time

	mu       sync.Mutex
	token    string    // the access token, replaced by a refresh
	expires  time.Time // when the token expires; zero when unknown
	quiet    time.Time // no calls before this (a rate limit)
	username string    // the account's @username, once seen
	// permalinks caches the permalink of media seen, so a webhook comment
	// links to its post without another call.
	permalinks map[string]string
}

// New builds the client; cfg's zero values take the defaults.
func New(cfg Config, hc *http.Client, logger *slog.Logger) (*Client, error) {
	cfg = cfg.withDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if hc == nil {
		hc = httpx.NewClient(0)
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	c := &Client{
		cfg: cfg, hc: hc, logger: logger.With("component", "instagram"), now: time.Now,
		token: cfg.AccessToken.Reveal(), permalinks: map[string]string{},
	}
	if err := c.loadTokenFile(); err != nil {
		return nil, err
	}
	return c, nil
}

// SetClock replaces the wall clock (tests).
func (c *Client) SetClock(now func() time.Time) { c.now = now }

// APIError is an error answer of the Graph API:
// {"error":{"message","type","code","error_subcode","fbtrace_id"}}.
type APIError struct {
	Status    int
	Message   string
	Type      string
	Code      int
	Subcode   int
	FBTraceID string
}

func (e *APIError) Error() string {
	s := fmt.Sprintf("HTTP %d", e.Status)
	if e.Code != 0 {
		s += fmt.Sprintf(", code %d", e.Code)
		if e.Subcode != 0 {
			s += fmt.Sprintf("/%d", e.Subcode)
		}
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	if hint := e.hint(); hint != "" {
		s += " (" + hint + ")"
	}
	return s
}

// hint names what is wrong in the operator's terms.
func (e *APIError) hint() string {
	switch {
	case e.Code == 190 && e.Subcode == 463:
		return "the access token has expired: create a new long-lived token"
	case e.Code == 190:
		return "the access token is invalid or was revoked"
	case e.Code == 10 || (e.Code >= 200 && e.Code <= 299):
		return "the token lacks a permission this call needs; see README.md for the permissions"
	case e.Code == 100 && e.Subcode == 33:
		return "the object does not exist or the token cannot see it: check user_id"
	case rateLimitCode(e.Code):
		return "rate limited"
	}
	return ""
}

// rateLimitCode: the Graph API's throttling codes (app, user, page and
// custom limits, and the Instagram business use case limit).
func rateLimitCode(code int) bool {
	switch code {
	case 4, 17, 32, 613, 80002:
		return true
	}
	return false
}

// defaultRateLimitWait is the wait after a throttled call that did not say
// how long: the app and user windows are rolling hours.
const defaultRateLimitWait = 10 * time.Minute

// usageHigh is the share of a usage window (in percent) at which calls
// stop until the window has moved on.
const usageHigh = 95

// call makes one Graph API request and decodes a 2xx JSON answer into out.
// path is below the version ("17841400000/media"); body, when non-nil, is
// sent as a form (url.Values) or as JSON (anything else).
func (c *Client) call(ctx context.Context, method, path string, query url.Values, body any, out any) error {
	if wait := c.wait(); wait > 0 {
		return &core.RateLimitError{Platform: core.PlatformInstagram, RetryAfter: wait,
			Err: errors.New("instagram: waiting out the usage limit Meta reported")}
	}
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	u := c.cfg.APIURL + "/" + c.cfg.APIVersion + "/" + strings.TrimPrefix(path, "/")
	q := url.Values{}
	for k, v := range query {
		q[k] = v
	}
	token := c.accessToken()
	if c.cfg.Login == LoginFacebook && !c.cfg.AppSecret.Empty() {
		q.Set("appsecret_proof", appSecretProof(token, c.cfg.AppSecret.Reveal()))
	}
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	var rd io.Reader
	contentType := ""
	switch b := body.(type) {
	case nil:
	case url.Values:
		rd, contentType = strings.NewReader(b.Encode()), "application/x-www-form-urlencoded"
	default:
		data, err := json.Marshal(b)
		if err != nil {
			return fmt.Errorf("instagram: %w", err)
		}
		rd, contentType = bytes.NewReader(data), "application/json"
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return fmt.Errorf("instagram: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("User-Agent", c.cfg.UserAgent)
	req.Header.Set("Accept", "application/json")
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return fmt.Errorf("instagram: %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	data, err := httpx.ReadAll(resp.Body, c.cfg.MaxBodyBytes)
	if err != nil {
		return fmt.Errorf("instagram: %s %s: read answer: %w", method, path, err)
	}
	c.observeUsage(resp.Header)
	if resp.StatusCode/100 != 2 {
		return c.apiError(path, resp, data)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("instagram: %s %s: decode answer: %w", method, path, err)
	}
	return nil
}

func (c *Client) apiError(path string, resp *http.Response, data []byte) error {
	var body struct {
		Error struct {
			Message   string `json:"message"`
			Type      string `json:"type"`
			Code      int    `json:"code"`
			Subcode   int    `json:"error_subcode"`
			FBTraceID string `json:"fbtrace_id"`
		} `json:"error"`
	}
	ae := &APIError{Status: resp.StatusCode}
	if json.Unmarshal(data, &body) == nil {
		ae.Message, ae.Type, ae.Code, ae.Subcode, ae.FBTraceID =
			body.Error.Message, body.Error.Type, body.Error.Code, body.Error.Subcode, body.Error.FBTraceID
	}
	err := fmt.Errorf("instagram: %s: %w", path, ae)
	switch {
	case rateLimitCode(ae.Code) || resp.StatusCode == http.StatusTooManyRequests:
		wait := c.regainWait(resp.Header)
		if wait <= 0 {
			wait = defaultRateLimitWait
		}
		c.pause(wait)
		return &core.RateLimitError{Platform: core.PlatformInstagram, RetryAfter: wait, Err: err}
	case ae.Code == 190 || resp.StatusCode == http.StatusUnauthorized:
		return core.Permanent(fmt.Errorf("%w: %w", core.ErrUnauthorized, err))
	case resp.StatusCode >= 500:
		return err
	default:
		return core.Permanent(err)
	}
}

// appSecretProof is the HMAC-SHA256 of the token keyed with the app
// secret, which Facebook Login apps may require on every call.
func appSecretProof(token, secret string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(token))
	return hex.EncodeToString(m.Sum(nil))
}

func (c *Client) accessToken() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.token
}

func (c *Client) wait() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	if d := c.quiet.Sub(c.now()); d > 0 {
		return d
	}
	return 0
}

func (c *Client) pause(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if until := c.now().Add(d); until.After(c.quiet) {
		c.quiet = until
	}
}

// observeUsage reads X-App-Usage and X-Business-Use-Case-Usage: when a
// window is nearly used up, calls stop before Meta starts refusing them.
func (c *Client) observeUsage(h http.Header) {
	high := false
	if v := h.Get("X-App-Usage"); v != "" {
		var u usage
		if json.Unmarshal([]byte(v), &u) == nil && u.max() >= usageHigh {
			high = true
		}
	}
	wait := c.regainWait(h)
	for _, u := range businessUsage(h) {
		if u.max() >= usageHigh {
			high = true
		}
	}
	if high || wait > 0 {
		if wait <= 0 {
			wait = defaultRateLimitWait
		}
		c.logger.Warn("Meta reports the usage limit nearly reached; pausing calls", "wait", wait)
		c.pause(wait)
	}
}

// usage is one window of X-App-Usage or X-Business-Use-Case-Usage, in
// percent of the allowance.
type usage struct {
	CallCount    float64 `json:"call_count"`
	TotalCPUTime float64 `json:"total_cputime"`
	TotalTime    float64 `json:"total_time"`
	// EstimatedTimeToRegainAccess is in minutes (business use case only).
	EstimatedTimeToRegainAccess float64 `json:"estimated_time_to_regain_access"`
}

func (u usage) max() float64 { return max(u.CallCount, u.TotalCPUTime, u.TotalTime) }

func businessUsage(h http.Header) []usage {
	v := h.Get("X-Business-Use-Case-Usage")
	if v == "" {
		return nil
	}
	var m map[string][]usage
	if json.Unmarshal([]byte(v), &m) != nil {
		return nil
	}
	var out []usage
	for _, us := range m {
		out = append(out, us...)
	}
	return out
}

// regainWait is the longest estimated_time_to_regain_access Meta reports.
func (c *Client) regainWait(h http.Header) time.Duration {
	var wait time.Duration
	for _, u := range businessUsage(h) {
		if d := time.Duration(u.EstimatedTimeToRegainAccess * float64(time.Minute)); d > wait {
			wait = d
		}
	}
	return wait
}

// Capabilities: a public reply to any comment, a private reply to a
// commenter within PrivateReplyWindow of the comment, hiding a comment
// under the brand's own posts (CapabilitiesFor says which).
func (c *Client) Capabilities() core.Capabilities {
	return core.Capabilities{Reply: true, DirectMessage: true, Hide: true}
}
