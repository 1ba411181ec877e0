// Package mastodon listens to the brand's Mastodon account and answers from
// it. Three kinds of stream each become a source: the account's mentions
// (notifications of type mention), hashtag timelines, and full-text status
// searches. Replies go out as statuses in reply to the mention, public or
// unlisted; private replies are direct statuses addressed to the author.
//
// The client is github.com/mattn/go-mastodon for the calls it can express
// (hashtag timeline, reading and posting statuses, verifying the token);
// the notification filter and the search type it cannot, and those two
// calls are made here on the same *http.Client. Every request passes
// through one transport that turns Mastodon's rate limit into
// *core.RateLimitError, bounds bodies and sets the User-Agent.
package mastodon

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	gomastodon "github.com/mattn/go-mastodon"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/httpx"
)

// Client is one brand account on one Mastodon server. It is safe for
// concurrent use.
type Client struct {
	cfg     Config
	api     *gomastodon.Client
	base    *url.URL
	log     *slog.Logger
	streams []*Stream

	ownAccts map[string]bool // configured own accounts, lower case acct forms
	ownMu    sync.Mutex
	learnMu  sync.Mutex // held while the own account is looked up
	ownID    string     // the token's account, once learned

	// Now is the clock; tests replace it. It must be set before the first
	// call and not changed afterwards.
	Now func() time.Time
}

// New builds a client from cfg. hc is copied, not changed: its Transport
// (or http.DefaultTransport) is wrapped, and its Timeout, when zero, becomes
// cfg.Timeout. hc may be nil: the client then has a connection pool of its
// own (httpx.NewClient). New makes no network calls.
func New(cfg Config, hc *http.Client, logger *slog.Logger) (*Client, error) {
	cfg = cfg.withDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("mastodon: %w", err)
	}
	base, err := url.Parse(cfg.Server)
	if err != nil {
		return nil, fmt.Errorf("mastodon: server: %w", err)
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	c := &Client{
		cfg:      cfg,
		base:     base,
		log:      logger.With("component", "connector.mastodon"),
		ownAccts: ownAccountForms(cfg.OwnAccounts, base.Hostname()),
		Now:      time.Now,
	}

	if hc == nil {
		hc = httpx.NewClient(0)
	}
	httpc := *hc
	rt := httpc.Transport
	if rt == nil {
		rt = http.DefaultTransport
	}
	httpc.Transport = &transport{base: httpx.NoReplay(rt), ua: cfg.UserAgent, maxBody: cfg.MaxBodyBytes, now: func() time.Time { return c.Now() },
		secret: cfg.AccessToken.Reveal()}
	if httpc.Timeout == 0 {
		httpc.Timeout = cfg.Timeout
	}
	c.api = &gomastodon.Client{
		Client:    httpc,
		Config:    &gomastodon.Config{Server: cfg.Server, AccessToken: cfg.AccessToken.Reveal()},
		UserAgent: cfg.UserAgent,
	}

	if cfg.Notifications.Enabled {
		c.streams = append(c.streams, &Stream{c: c, name: cfg.Name + "/mentions", interval: cfg.Notifications.Interval,
			limit: min(cfg.PageSize*2, 80), page: c.mentionsPage, scoped: true})
	}
	for _, tag := range cfg.hashtags() {
		c.streams = append(c.streams, &Stream{c: c, name: cfg.Name + "/tag/" + tag, interval: cfg.Hashtags.Interval,
			limit: min(cfg.PageSize, 40), page: c.hashtagPage(tag), needsOwn: true})
	}
	for _, q := range cfg.searches() {
		q = strings.TrimSpace(q)
		c.streams = append(c.streams, &Stream{c: c, name: cfg.Name + "/search/" + q, interval: cfg.Search.Interval,
			limit: min(cfg.PageSize, 40), page: c.searchPage(q), needsOwn: true})
	}
	return c, nil
}

// Streams returns the sources: mentions first, then hashtags, then
// searches, in configuration order.
func (c *Client) Streams() []*Stream { return append([]*Stream(nil), c.streams...) }

// Check verifies the access token with GET
// /api/v1/accounts/verify_credentials. Rejected credentials wrap
// core.ErrUnauthorized.
func (c *Client) Check(ctx context.Context) error {
	acc, err := c.verifyCredentials(ctx)
	if err != nil {
		return err
	}
	c.log.Debug("credentials verified", "account", acc.Acct)
	return nil
}

func (c *Client) verifyCredentials(ctx context.Context) (account, error) {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	acc, err := c.api.GetAccountCurrentUser(ctx)
	if err != nil {
		return account{}, classify("verify credentials", err)
	}
	a := fromAccount(acc)
	c.ownMu.Lock()
	c.ownID = a.ID
	c.ownMu.Unlock()
	return a, nil
}

// learnOwnAccount makes sure the token's own account is known, so that the
// brand's own posts in a hashtag or a search are never taken for mentions.
// It costs one call, once: streams polled at the same time (at start)
// wait for that one lookup rather than each making their own.
func (c *Client) learnOwnAccount(ctx context.Context) error {
	c.learnMu.Lock()
	defer c.learnMu.Unlock()
	c.ownMu.Lock()
	known := c.ownID != ""
	c.ownMu.Unlock()
	if known {
		return nil
	}
	_, err := c.verifyCredentials(ctx)
	return err
}

func (c *Client) isOwn(a account) bool {
	c.ownMu.Lock()
	ownID := c.ownID
	c.ownMu.Unlock()
	if ownID != "" && a.ID == ownID {
		return true
	}
	return c.ownAccts[strings.ToLower(a.Acct)]
}

// ownAccountForms lists the acct forms under which the configured accounts
// appear in statuses: "user" for accounts on our server, "user@domain" for
// the others.
func ownAccountForms(accts []string, serverHost string) map[string]bool {
	out := map[string]bool{}
	host := strings.ToLower(serverHost)
	for _, a := range accts {
		a = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(a), "@"))
		if a == "" {
			continue
		}
		out[a] = true
		user, domain, remote := strings.Cut(a, "@")
		switch {
		case !remote:
			out[a+"@"+host] = true
		case domain == host:
			out[user] = true
		}
	}
	return out
}

// mentionsPage reads notifications of type mention.
//
// go-mastodon v0.0.13 can send types[] only through Client.Notifications,
// an iterator that follows the Link header's rel="next" (older pages) until
// the account's history ends; it cannot be stopped at a page boundary or
// told to walk between two IDs. So this one request is made here, on the
// client's own http.Client, decoding into our wire types.
//
// include_filtered=true: since Mastodon 4.3 notifications from accounts the
// brand's notification policy filters (new accounts, people it does not
// follow) are held back from this list unless asked for, and those are
// exactly the customers a brand must hear.
func (c *Client) mentionsPage(ctx context.Context, since, max string, limit int) ([]item, error) {
	q := url.Values{}
	q.Add("types[]", "mention")
	q.Set("include_filtered", "true")
	q.Set("limit", strconv.Itoa(limit))
	if since != "" {
		q.Set("since_id", since)
	}
	if max != "" {
		q.Set("max_id", max)
	}
	var ns []notification
	if err := c.getJSON(ctx, "/api/v1/notifications", q, &ns); err != nil {
		return nil, classify("fetch mentions", err)
	}
	items := make([]item, 0, len(ns))
	for i := range ns {
		it := item{id: ns[i].ID}
		if ns[i].Type == "mention" {
			it.status = ns[i].Status
		}
		items = append(items, it)
	}
	return items, nil
}

// hashtagPage reads a hashtag timeline through go-mastodon.
func (c *Client) hashtagPage(tag string) func(context.Context, string, string, int) ([]item, error) {
	return func(ctx context.Context, since, max string, limit int) ([]item, error) {
		ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
		defer cancel()
		pg := &gomastodon.Pagination{SinceID: gomastodon.ID(since), MaxID: gomastodon.ID(max), Limit: int64(limit)}
		sts, err := c.api.GetTimelineHashtag(ctx, tag, false, pg)
		if err != nil {
			return nil, classify("fetch hashtag #"+tag, err)
		}
		items := make([]item, 0, len(sts))
		for _, s := range sts {
			if s == nil {
				continue
			}
			st := fromStatus(s)
			items = append(items, item{id: st.ID, status: &st})
		}
		return items, nil
	}
}

// searchPage runs a full-text status search. go-mastodon's Search cannot
// restrict the type to statuses or page by ID, so this request is ours too.
// The search has no since_id; min_id bounds it from below the same way.
func (c *Client) searchPage(query string) func(context.Context, string, string, int) ([]item, error) {
	return func(ctx context.Context, since, max string, limit int) ([]item, error) {
		q := url.Values{}
		q.Set("q", query)
		q.Set("type", "statuses")
		q.Set("resolve", "false")
		q.Set("limit", strconv.Itoa(limit))
		if since != "" {
			q.Set("min_id", since)
		}
		if max != "" {
			q.Set("max_id", max)
		}
		var res searchResults
		if err := c.getJSON(ctx, "/api/v2/search", q, &res); err != nil {
			return nil, classify(fmt.Sprintf("search %q", query), err)
		}
		items := make([]item, 0, len(res.Statuses))
		for i := range res.Statuses {
			items = append(items, item{id: res.Statuses[i].ID, status: &res.Statuses[i]})
		}
		return items, nil
	}
}

// getJSON makes one authenticated GET and decodes the JSON answer into out.
func (c *Client) getJSON(ctx context.Context, path string, q url.Values, out any) error {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	u := c.base.JoinPath(path)
	u.RawQuery = q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+c.cfg.AccessToken.Reveal())
	req.Header.Set("Accept", "application/json")
	resp, err := c.api.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return &statusError{code: resp.StatusCode, message: apiMessage(resp.Body, c.cfg.MaxBodyBytes)}
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("decode answer: %w", err)
	}
	return nil
}

// Capabilities: Mastodon takes public and private replies.
func (c *Client) Capabilities() core.Capabilities {
	return core.Capabilities{Reply: true, DirectMessage: true}
}
