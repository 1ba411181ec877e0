// Package rss turns RSS, Atom and JSON feeds (news sites, blogs, search-alert
// feeds) into mentions. Every configured feed is a source with its own
// cursor: the conditional-request validators of the last answer and the keys
// of the entries already seen, so an unchanged feed costs one 304 and a
// restart never brings an entry back.
//
// Feeds cannot be answered: Reply and DirectMessage fail with
// core.ErrUnsupported, and the bot tells the manager to answer on the site.
package rss

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/httpx"
)

// Client polls the configured feeds. It is safe for concurrent use.
type Client struct {
	cfg   Config
	hc    *http.Client
	log   *slog.Logger
	feeds []*Feed

	// Now is the clock; tests replace it. It must be set before the first
	// Fetch and not changed afterwards.
	Now func() time.Time
}

// New builds a client for the feeds in cfg. hc may be nil, in which case a
// client with cfg.Timeout is used; either way every request is also bounded
// by cfg.Timeout. New makes no network calls.
func New(cfg Config, hc *http.Client, logger *slog.Logger) (*Client, error) {
	cfg = cfg.withDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("rss: %w", err)
	}
	if hc == nil {
		hc = httpx.NewClient(cfg.Timeout)
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	c := &Client{
		cfg: cfg,
		hc:  hc,
		log: logger.With("component", "connector.rss"),
		Now: time.Now,
	}
	for _, fc := range cfg.Feeds {
		f, err := newFeed(c, fc)
		if err != nil {
			return nil, err
		}
		c.feeds = append(c.feeds, f)
	}
	return c, nil
}

// Feeds returns one source per configured feed, in configuration order.
func (c *Client) Feeds() []*Feed { return append([]*Feed(nil), c.feeds...) }

// Check fetches every feed once, unconditionally, and reports each feed
// that cannot be fetched or parsed, by name.
func (c *Client) Check(ctx context.Context) error {
	var errs []error
	for _, f := range c.feeds {
		if _, err := f.Fetch(ctx, ""); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// errNoReply is what a manager's answer to a feed entry ends in.
var errNoReply = fmt.Errorf("RSS entries cannot be answered; reply on the site: %w", core.ErrUnsupported)

// Reply always fails: a feed has no way to answer an entry.
func (c *Client) Reply(_ context.Context, m core.Mention, _ string) (string, error) {
	return "", fmt.Errorf("rss: reply to %s: %w", m.Key(), errNoReply)
}

// DirectMessage always fails: a feed has no way to reach an author.
func (c *Client) DirectMessage(_ context.Context, m core.Mention, _ string) (string, error) {
	return "", fmt.Errorf("rss: direct message for %s: %w", m.Key(), errNoReply)
}

// Capabilities says feeds can be read, never answered.
func (c *Client) Capabilities() core.Capabilities { return core.Capabilities{} }
