package instagram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/backoff"
	"github.com/shenava/shenava/internal/httpx"
)

// tokenCheckEvery is how often Run looks at the token's expiry and, with
// Instagram Login, refreshes it.
const tokenCheckEvery = 12 * time.Hour

// Permissions each login flavour needs for everything Shenava does.
var (
	instagramScopes = []string{"instagram_business_basic", "instagram_business_manage_comments", "instagram_business_manage_messages"}
	facebookScopes  = []string{"instagram_basic", "instagram_manage_comments", "pages_read_engagement", "pages_manage_metadata", "instagram_manage_messages"}
)

// loadTokenFile reads a token refreshed by an earlier run, when
// token_file is set and exists.
func (c *Client) loadTokenFile() error {
	if c.cfg.TokenFile == "" {
		return nil
	}
	data, err := os.ReadFile(c.cfg.TokenFile)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("instagram: token_file: %w", err)
	}
	var f tokenFile
	if err := json.Unmarshal(data, &f); err != nil || f.AccessToken == "" {
		return fmt.Errorf("instagram: token_file %s is not a token Shenava wrote", c.cfg.TokenFile)
	}
	c.token, c.expires = f.AccessToken, f.ExpiresAt
	return nil
}

type tokenFile struct {
	AccessToken string    `json:"access_token"`
	ExpiresAt   time.Time `json:"expires_at"`
}

// saveTokenFile replaces token_file atomically, readable by its owner only.
func (c *Client) saveTokenFile(token string, expires time.Time) error {
	if c.cfg.TokenFile == "" {
		return nil
	}
	data, _ := json.Marshal(tokenFile{AccessToken: token, ExpiresAt: expires})
	tmp, err := os.CreateTemp(filepath.Dir(c.cfg.TokenFile), ".instagram-token-*")
	if err != nil {
		return fmt.Errorf("instagram: token_file: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err == nil {
		if _, err = tmp.Write(data); err == nil {
			err = tmp.Sync()
		}
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), c.cfg.TokenFile)
	}
	if err != nil {
		return fmt.Errorf("instagram: token_file: %w", err)
	}
	return nil
}

// Expires is when the access token expires; zero when not known (yet) or
// never.
func (c *Client) Expires() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.expires
}

// Refresh exchanges the long-lived Instagram Login token for a fresh one
// (GET /refresh_access_token, allowed once the token is a day old), keeps
// it and writes it to token_file. With Facebook Login it reports
// core.ErrUnsupported: Page tokens are renewed in Meta's tools.
func (c *Client) Refresh(ctx context.Context) error {
	if c.cfg.Login != LoginInstagram {
		return fmt.Errorf("instagram: refresh with facebook login: %w", core.ErrUnsupported)
	}
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	q := url.Values{"grant_type": {"ig_refresh_token"}, "access_token": {c.accessToken()}}
	req, err := http.NewRequestWithContext(ctx, "GET", c.cfg.APIURL+"/refresh_access_token?"+q.Encode(), nil)
	if err != nil {
		return fmt.Errorf("instagram: refresh token: %w", err)
	}
	req.Header.Set("User-Agent", c.cfg.UserAgent)
	resp, err := c.hc.Do(req)
	if err != nil {
		// The URL holds the token: report the error without it.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return fmt.Errorf("instagram: refresh token: %w", err)
	}
	defer resp.Body.Close()
	data, err := httpx.ReadAll(resp.Body, c.cfg.MaxBodyBytes)
	if err != nil {
		return fmt.Errorf("instagram: refresh token: %w", err)
	}
	if resp.StatusCode/100 != 2 {
		return c.apiError("refresh_access_token", resp, data)
	}
	var ans struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int64  `json:"expires_in"`
	}
	if err := json.Unmarshal(data, &ans); err != nil || ans.AccessToken == "" {
		return fmt.Errorf("instagram: refresh token: answer without access_token: %w", core.ErrInvalid)
	}
	expires := c.now().Add(time.Duration(ans.ExpiresIn) * time.Second)
	c.mu.Lock()
	c.token, c.expires = ans.AccessToken, expires
	c.mu.Unlock()
	if err := c.saveTokenFile(ans.AccessToken, expires); err != nil {
		return err
	}
	c.logger.Info("access token refreshed", "expires", expires.Format(time.DateOnly))
	return nil
}

// debugToken reads the token's validity, scopes and expiry (Facebook
// Login: GET /debug_token).
func (c *Client) debugToken(ctx context.Context) (valid bool, scopes []string, expires time.Time, err error) {
	var ans struct {
		Data struct {
			IsValid   bool     `json:"is_valid"`
			ExpiresAt int64    `json:"expires_at"`
			Scopes    []string `json:"scopes"`
		} `json:"data"`
	}
	q := url.Values{"input_token": {c.accessToken()}}
	if err := c.call(ctx, "GET", "debug_token", q, nil, &ans); err != nil {
		return false, nil, time.Time{}, err
	}
	if ans.Data.ExpiresAt > 0 {
		expires = time.Unix(ans.Data.ExpiresAt, 0).UTC()
		c.mu.Lock()
		c.expires = expires
		c.mu.Unlock()
	}
	return ans.Data.IsValid, ans.Data.Scopes, expires, nil
}

// Check verifies the token and the account and names what is wrong: an
// expired or revoked token, a missing permission, a user_id the token
// does not reach, or a token that expires within token_warn.
func (c *Client) Check(ctx context.Context) error {
	if c.cfg.Login == LoginFacebook {
		valid, scopes, _, err := c.debugToken(ctx)
		if err != nil {
			return err
		}
		if !valid {
			return fmt.Errorf("instagram: the access token is invalid or expired: %w", core.ErrUnauthorized)
		}
		if missing := missingScopes(scopes, facebookScopes); len(missing) > 0 && len(scopes) > 0 {
			return fmt.Errorf("instagram: the token lacks the permission(s) %s", strings.Join(missing, ", "))
		}
	}
	path, fields := c.cfg.UserID, "id,username"
	if c.cfg.Login == LoginInstagram {
		path, fields = "me", "user_id,username"
	}
	var me struct {
		ID       string `json:"id"`
		UserID   flexID `json:"user_id"`
		Username string `json:"username"`
	}
	if err := c.call(ctx, "GET", path, url.Values{"fields": {fields}}, nil, &me); err != nil {
		return err
	}
	id := me.ID
	if c.cfg.Login == LoginInstagram {
		id = string(me.UserID)
	}
	if id != c.cfg.UserID {
		return fmt.Errorf("instagram: the token belongs to account %s (@%s), but user_id is %s", id, me.Username, c.cfg.UserID)
	}
	c.mu.Lock()
	c.username = me.Username
	c.mu.Unlock()
	return c.expiryProblem()
}

func missingScopes(have, want []string) []string {
	var out []string
	for _, w := range want {
		if !slices.Contains(have, w) {
			out = append(out, w)
		}
	}
	return out
}

// expiryProblem reports a token that expires within token_warn.
func (c *Client) expiryProblem() error {
	exp := c.Expires()
	if exp.IsZero() {
		return nil
	}
	left := exp.Sub(c.now())
	if left <= 0 {
		return fmt.Errorf("instagram: the access token expired on %s: %w", exp.Format(time.DateOnly), core.ErrUnauthorized)
	}
	if left < c.cfg.TokenWarn {
		return fmt.Errorf("instagram: the access token expires on %s (in %d day(s)): create a new long-lived token",
			exp.Format(time.DateOnly), int(left.Hours()/24))
	}
	return nil
}

// Run keeps the token alive until ctx ends: every 12 hours it refreshes
// an Instagram Login token (or, with Facebook Login, reads its expiry),
// and tells warn when the token is about to expire or was rejected.
func (c *Client) Run(ctx context.Context, warn func(text string)) error {
	if warn == nil {
		warn = func(string) {}
	}
	for {
		var err error
		if c.cfg.Login == LoginInstagram {
			err = c.Refresh(ctx)
		} else {
			_, _, _, err = c.debugToken(ctx)
		}
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			c.logger.Warn("cannot refresh or read the access token", "error", err)
			// A refresh is refused for a token younger than a day too; only a
			// token the API itself rejects is worth a notice.
			if errors.Is(err, core.ErrUnauthorized) && errors.Is(c.ping(ctx), core.ErrUnauthorized) {
				warn("Instagram: the access token was rejected; Shenava cannot read or answer Instagram until a new one is set (" + err.Error() + ")")
			}
		}
		if p := c.expiryProblem(); p != nil {
			c.logger.Warn("access token", "problem", p)
			warn("Instagram: " + strings.TrimPrefix(p.Error(), "instagram: "))
		}
		if backoff.Sleep(ctx, tokenCheckEvery) != nil {
			return nil
		}
	}
}

// flexID is an ID the API writes as a string or as a number.
type flexID string

func (f *flexID) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		*f = flexID(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	*f = flexID(n.String())
	return nil
}

// ping is the cheapest call that needs a valid token: the account's ID.
func (c *Client) ping(ctx context.Context) error {
	var me struct {
		ID string `json:"id"`
	}
	return c.call(ctx, "GET", c.cfg.UserID, url.Values{"fields": {"id,username"}}, nil, &me)
}
