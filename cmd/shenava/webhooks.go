package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/shenava/shenava/config"
	"github.com/shenava/shenava/connector/instagram"
	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/listen"
	"github.com/shenava/shenava/store"
)

// pushSource is a source that platforms deliver to over HTTP: its handler
// hands each delivery to sink, which returns once it is stored.
type pushSource struct {
	spec    listen.SourceSpec
	path    string // served on webhooks.listen
	handler func(sink func(ctx context.Context, ms []core.Mention) error) http.Handler
}

// keeper is background upkeep of a connector (token refresh); notify
// tells the managers something they must act on.
type keeper struct {
	name string
	run  func(ctx context.Context, notify func(text string)) error
	// lease, when set, makes the upkeep a singleton among replicas.
	lease string
}

func (c *connectors) addInstagram(cfg *config.Config, hc *http.Client, logger *slog.Logger) error {
	ic := cfg.Sources.Instagram
	ic.UserAgent = userAgent()
	client, err := instagram.New(ic, hc, logger)
	if err != nil {
		return cfg.Problem("sources.instagram", err)
	}
	if ic.PollInterval > 0 {
		// Comments on the brand's own media are about the brand.
		c.sources = append(c.sources, listen.SourceSpec{Name: config.SourceInstagram,
			Source: client.Poller(config.SourceInstagram), Interval: ic.PollInterval, Scoped: true})
	}
	if ic.Webhook {
		c.push = append(c.push, pushSource{
			spec: listen.SourceSpec{Name: config.SourceInstagramWebhook, Scoped: true},
			path: instagram.WebhookPath,
			handler: func(sink func(context.Context, []core.Mention) error) http.Handler {
				return client.Webhook(sink)
			},
		})
	}
	c.repliers[core.PlatformInstagram] = client
	c.checks = append(c.checks, check{name: "instagram", run: client.Check})
	c.keepers = append(c.keepers, keeper{name: "instagram-token", run: client.Run})
	return nil
}

// startPush serves the push sources on webhooks.listen and starts the
// connectors' upkeep, once the engine and the outbox exist.
func (d *daemon) startPush(cfg *config.Config, conns *connectors, engine *listen.Engine, wake func()) error {
	for _, k := range conns.keepers {
		run := func(ctx context.Context) error {
			return k.run(ctx, managerNotice(d.db, k.name, wake, d.logger))
		}
		if k.lease != "" {
			run = d.singleton(k.lease, run)
		}
		d.runners = append(d.runners, runner{k.name, run})
	}
	if len(conns.push) == 0 {
		return nil
	}
	mux := http.NewServeMux()
	for _, p := range conns.push {
		mux.Handle(p.path, p.handler(engine.Pusher(p.spec)))
	}
	ln, err := net.Listen("tcp", cfg.Webhooks.Listen)
	if err != nil {
		return cfg.Problem("webhooks.listen", err)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: time.Minute, MaxHeaderBytes: 64 << 10}
	logger := d.logger.With("component", "webhooks")
	d.runners = append(d.runners, runner{"webhooks", func(ctx context.Context) error {
		errc := make(chan error, 1)
		go func() { errc <- srv.Serve(ln) }()
		logger.Info("serving webhooks", "addr", ln.Addr().String())
		select {
		case err := <-errc:
			return fmt.Errorf("webhooks: %w", err)
		case <-ctx.Done():
		}
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("webhooks: %w", err)
		}
		return nil
	}})
	return nil
}

// managerNotice queues a notice to the managers, at most one per upkeep
// task and day.
func managerNotice(db store.Store, name string, wake func(), logger *slog.Logger) func(text string) {
	return func(text string) {
		now := time.Now()
		_, err := db.Enqueue(context.Background(), core.Action{
			Kind: core.ActionNotify, Actor: core.ActorSystem, Text: text, CreatedAt: now,
			DedupKey: name + ":" + now.UTC().Format(time.DateOnly),
		})
		if err != nil {
			logger.Error("cannot queue a notice to the managers", "notice", name, "error", err)
			return
		}
		wake()
	}
}
