package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/shenava/shenava/bot"
	"github.com/shenava/shenava/config"
	"github.com/shenava/shenava/connector/file"
	"github.com/shenava/shenava/connector/mastodon"
	"github.com/shenava/shenava/connector/rss"
	"github.com/shenava/shenava/connector/x"
	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/httpx"
	"github.com/shenava/shenava/listen"
	"github.com/shenava/shenava/store"
)

// version is stamped by the build (-ldflags "-X main.version=...").
var version = "dev"

// loadConfig reads and checks the configuration. Every problem is in the
// returned error, one per line, each naming its key.
func loadConfig(e env, path string) (*config.Config, error) {
	cfg, err := config.Load(path, e.getenv)
	if err != nil {
		return nil, fmt.Errorf("configuration has problems:\n%w", err)
	}
	return cfg, nil
}

// warnConfig logs what is allowed but probably not meant, including files
// other users can read.
func warnConfig(cfg *config.Config, logger *slog.Logger) {
	for _, w := range cfg.Warnings() {
		logger.Warn("configuration", "warning", w)
	}
	for _, path := range privateFiles(cfg) {
		if path == "" {
			continue
		}
		for _, w := range config.CheckPermissions(path) {
			logger.Warn("file permissions", "warning", w)
		}
	}
}

// privateFiles are the files that hold secrets or private data: the
// config, and the bbolt database when that is the driver.
func privateFiles(cfg *config.Config) []string {
	if cfg.Storage.Postgres() {
		return []string{cfg.Path()}
	}
	return []string{cfg.Path(), cfg.Storage.Path}
}

// connectors are the configured sources and the ways to answer on each
// platform.
type connectors struct {
	sources  []listen.SourceSpec
	repliers map[core.Platform]listen.Replier
	// x is the X client, when X is enabled: run gives it the store to
	// meter its daily budget in.
	x *x.Client
	// checks verify each connector's credentials with one cheap call.
	checks []check
	// push are the sources platforms deliver to; keepers their upkeep.
	push    []pushSource
	keepers []keeper
}

type check struct {
	name string
	run  func(ctx context.Context) error
}

// buildConnectors makes every enabled source from the configuration.
func buildConnectors(cfg *config.Config, hc *http.Client, logger *slog.Logger) (*connectors, error) {
	c := &connectors{repliers: map[core.Platform]listen.Replier{}}
	var errs []error
	for i, fs := range cfg.Sources.File {
		src, err := file.New(fs, logger)
		if err != nil {
			errs = append(errs, cfg.Problem(fmt.Sprintf("sources.file[%d]", i), err))
			continue
		}
		c.sources = append(c.sources, listen.SourceSpec{Name: fs.Name, Source: src, Interval: fs.Interval})
	}
	if cfg.Sources.X.Enabled {
		errs = append(errs, c.addX(cfg, hc, logger))
	}
	if cfg.Sources.Mastodon.Enabled {
		errs = append(errs, c.addMastodon(cfg, hc, logger))
	}
	if cfg.Sources.RSS.Enabled {
		errs = append(errs, c.addRSS(cfg, hc, logger))
	}
	if cfg.Sources.Instagram.Enabled {
		errs = append(errs, c.addInstagram(cfg, hc, logger))
	}
	if cfg.Sources.TelegramChannels.Enabled {
		errs = append(errs, c.addTelegramChannels(cfg, logger))
	}
	if cfg.Telegram.Enabled {
		bc := cfg.Telegram
		c.checks = append(c.checks, check{name: "telegram", run: func(ctx context.Context) error {
			return bot.CheckToken(ctx, bc, hc, logger)
		}})
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *connectors) addX(cfg *config.Config, hc *http.Client, logger *slog.Logger) error {
	xc := cfg.Sources.X
	xc.UserAgent = userAgent()
	xc.NoticeLang = cfg.Digest.Lang
	client, err := x.New(xc, hc, logger)
	if err != nil {
		return cfg.Problem("sources.x", err)
	}
	if xc.Mentions.Enabled {
		c.sources = append(c.sources, listen.SourceSpec{Name: config.SourceXMentions,
			Source: client.Mentions(config.SourceXMentions), Interval: xc.Mentions.Interval, Scoped: true})
	}
	if xc.Search.Enabled {
		c.sources = append(c.sources, listen.SourceSpec{Name: config.SourceXSearch,
			Source: client.Search(config.SourceXSearch), Interval: xc.Search.Interval})
	}
	c.repliers[core.PlatformX] = client
	c.x = client
	c.checks = append(c.checks, check{name: "x", run: client.Check})
	return nil
}

// meterX counts X's billed reads in the store, where they survive
// restarts, and lets the budget notices wake the outbox.
func (c *connectors) meterX(db store.Store, g x.BudgetGauge, wake func()) {
	if c.x != nil {
		c.x.SetMetering(x.Metering{Ledger: db, Notices: db, Gauge: g, OnQueued: wake})
	}
}

func (c *connectors) addMastodon(cfg *config.Config, hc *http.Client, logger *slog.Logger) error {
	mc := cfg.Sources.Mastodon
	mc.UserAgent = userAgent()
	client, err := mastodon.New(mc, hc, logger)
	if err != nil {
		return cfg.Problem("sources.mastodon", err)
	}
	for _, s := range client.Streams() {
		c.sources = append(c.sources, listen.SourceSpec{Name: s.Name(), Source: s, Interval: s.Interval(),
			Scoped: s.Scoped()})
	}
	c.repliers[core.PlatformMastodon] = client
	c.checks = append(c.checks, check{name: "mastodon", run: client.Check})
	return nil
}

func (c *connectors) addRSS(cfg *config.Config, hc *http.Client, logger *slog.Logger) error {
	rc := cfg.Sources.RSS
	if rc.UserAgent == "" {
		rc.UserAgent = userAgent()
	}
	client, err := rss.New(rc, hc, logger)
	if err != nil {
		return cfg.Problem("sources.rss", err)
	}
	for _, f := range client.Feeds() {
		c.sources = append(c.sources, listen.SourceSpec{Name: f.Name(), Source: f, Interval: f.Interval()})
	}
	c.repliers[core.PlatformRSS] = client
	c.checks = append(c.checks, check{name: "rss", run: client.Check})
	return nil
}

// userAgent is sent to every platform.
func userAgent() string {
	return httpx.UserAgent(version)
}

// newHTTPClient is the one client connectors share; each request also has
// the connector's own timeout.
func newHTTPClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 4
	t.ResponseHeaderTimeout = time.Minute
	return &http.Client{Transport: t, Timeout: 2 * time.Minute}
}

// engineConfig is the listen section with the policy the routing, brand
// and sla sections make.
func engineConfig(cfg *config.Config) listen.Config {
	ec := cfg.Listen
	ec.Policy = cfg.Policy()
	return ec
}
