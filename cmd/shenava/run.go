package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/shenava/shenava/bot"
	"github.com/shenava/shenava/brand"
	"github.com/shenava/shenava/config"
	"github.com/shenava/shenava/connector/console"
	"github.com/shenava/shenava/connector/telegramuser"
	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/digest"
	"github.com/shenava/shenava/internal/logging"
	"github.com/shenava/shenava/listen"
	"github.com/shenava/shenava/metrics"
	"github.com/shenava/shenava/replica"
	"github.com/shenava/shenava/store"
	"github.com/shenava/shenava/store/pgstore"
	"github.com/shenava/shenava/watch"
	"github.com/shenava/shenava/web"
)

func cmdRun() command {
	return command{
		summary: "the daemon: connectors, engine, bot, digest schedule",
		run: func(ctx context.Context, e env, args []string) error {
			fs := newFlagSet(e, "run", "[-config config.yaml]")
			path := fs.String("config", "config.yaml", "configuration file")
			if err := parseFlags(fs, args); err != nil {
				return err
			}
			cfg, err := loadConfig(e, *path)
			if err != nil {
				return err
			}
			logger := logging.New(cfg.Log, e.stderr)
			warnConfig(cfg, logger)
			if err := cfg.CheckFiles(); err != nil {
				return fmt.Errorf("run: %w", err)
			}
			d, err := newDaemon(cfg, e, logger)
			if err != nil {
				return fmt.Errorf("run: %w", err)
			}
			defer d.close()
			return d.run(ctx)
		},
	}
}

// daemon is everything `shenava run` starts, built in dependency order:
// store, model, connectors, bot, outbox, engine, digest, watchers, metrics.
type daemon struct {
	logger  *slog.Logger
	db      store.Store
	runners []runner
	closers []func() error
	// leases are this replica's on a PostgreSQL database, which other
	// replicas may share; nil on the bbolt file, whose one process runs
	// every source and job.
	leases *replica.Shared
}

type runner struct {
	name string
	run  func(ctx context.Context) error
}

func newDaemon(cfg *config.Config, e env, logger *slog.Logger) (_ *daemon, err error) {
	d := &daemon{logger: logger}
	// A start that fails (a busy metrics port, a refused token) leaves no
	// database file behind that it created itself.
	_, statErr := os.Stat(cfg.Storage.Path)
	created := errors.Is(statErr, fs.ErrNotExist)
	defer func() {
		if err != nil {
			d.close()
			if created && d.db != nil {
				os.Remove(cfg.Storage.Path)
			}
		}
	}()
	start := time.Now()
	if d.db, err = openStore(cfg); err != nil {
		return nil, err
	}
	d.closers = append(d.closers, d.db.Close)
	if err := d.db.SetCodesLowWater(context.Background(), cfg.Routing.ThankYou.CodesLowWater); err != nil {
		return nil, err
	}
	model, err := loadModel(cfg.Routing.Model)
	if err != nil {
		return nil, cfg.Problem("routing.model", err)
	}
	matcher, err := brand.New(cfg.Brand)
	if err != nil {
		return nil, err
	}
	hc := newHTTPClient()
	conns, err := buildConnectors(cfg, hc, logger)
	if err != nil {
		return nil, err
	}
	outboxDepth := metrics.OutboxFunc(func(ctx context.Context) (metrics.OutboxStats, error) {
		st, err := d.db.Outbox(ctx)
		return metrics.OutboxStats{Pending: st.Pending, OldestPending: st.OldestPending}, err
	})
	m := metrics.New(outboxDepth)
	m.WatchCodes(d.db.CodesLeft)
	d.startLeases(cfg, m)

	// The web inbox's count streams hear of every case change: from the
	// store's notifications on PostgreSQL, from this process's writes on
	// the bbolt file.
	changes := web.NewChanges()
	cases := d.db
	if _, ok := d.db.(*pgstore.DB); !ok {
		cases = caseWatch{Store: d.db, changed: changes.Notify}
	}

	printer := console.New(e.stdout)
	var (
		alerter listen.Alerter = printer
		sender  digest.Sender  = printer
	)
	// The outbox and the digest deliver through the bot, so they are built
	// after it; the bot reaches them through these funcs, called only once
	// everything runs.
	var (
		outbox   *listen.Outbox
		digester *digest.Digester
	)
	botDeps := bot.Deps{Store: cases, HTTPClient: hc, Logger: logger, Metrics: m,
		Capabilities:        func(p core.Platform) core.Capabilities { return outbox.Capabilities(p) },
		MentionCapabilities: func(m core.Mention) core.Capabilities { return outbox.CapabilitiesFor(m) },
		Wake:                func() { outbox.Wake() }}
	if cfg.Digest.Enabled {
		botDeps.Digest = bot.DigestFunc(func(ctx context.Context, day time.Time) (string, []byte, error) { return digester.Digest(ctx, day) })
	}
	botDeps.WebLink = webLinker(cfg)
	if botDeps.WebLink != nil {
		// The menu button opens the inbox only where it is served.
		cfg.Telegram.MiniAppURL = cfg.Web.MiniAppURL()
	}
	mgr, err := newManagersBot(cfg, botDeps)
	if err != nil {
		return nil, err
	}
	if mgr != nil {
		alerter, sender = mgr, mgr
		conns.repliers[core.PlatformTelegram] = telegramuser.Guard{Replier: mgr.Replier()}
		conns.sources = append(conns.sources, mgr.sources...)
		// Telegram allows one getUpdates consumer per token.
		d.runners = append(d.runners, runner{"telegram", d.singleton(leaseBot, mgr.Run)})
	}
	// A platform with no configured connector (files, a disabled platform
	// in a replay) has no replier, so no reply capability: its alerts offer
	// no answer and casework refuses one. Printing what would be sent is
	// for `shenava demo` only; here it would look like a delivery.

	oc := cfg.Outbox
	oc.Metrics = m
	outbox = listen.NewOutbox(cases, alerter, conns.repliers, oc, logger)
	conns.meterX(d.db, m, outbox.Wake)
	ec := engineConfig(cfg)
	ec.Metrics, ec.OnSaved = m, outbox.Wake
	if d.leases != nil {
		ec.Leases = d.leases
	}
	engine, err := listen.New(cases, model, matcher, outbox.Capabilities, conns.sources, ec, logger)
	if err != nil {
		return nil, err
	}
	// Every replica delivers: the store hands each action to one of them.
	d.runners = append(d.runners, runner{"engine", engine.Run}, runner{"outbox", outbox.Run})
	d.listenNotifications(outbox.Wake, changes.Notify)
	for _, s := range conns.sources {
		m.Expect(s.Name)
	}
	for _, p := range conns.push {
		m.Expect(p.spec.Name)
	}
	if err := d.startPush(cfg, conns, engine, outbox.Wake); err != nil {
		return nil, err
	}

	if cfg.Digest.Enabled {
		if digester, err = digest.New(cfg.DigestConfig(), d.db, sender, logger); err != nil {
			return nil, err
		}
		d.runners = append(d.runners, runner{"digest", d.singleton(leaseDigest, digester.Run)})
	}
	if w, err := newWatcher(cfg, cases, outbox.Wake, logger); err != nil {
		return nil, err
	} else if w != nil {
		d.runners = append(d.runners, runner{"watch", d.singleton(leaseWatch, w.Run)})
	}
	if inbox, err := newWebInbox(cfg, cases, outbox.Capabilities, outbox.CapabilitiesFor, outbox.Wake, changes, logger); err != nil {
		return nil, err
	} else if inbox != nil {
		d.runners = append(d.runners, runner{"web", inbox.Run})
	}
	if cfg.Metrics.Enabled() {
		mux := http.NewServeMux()
		mux.Handle("/", m.Handler(outboxDepth))
		mux.Handle("/admin/", adminHandler(d.db, digester))
		srv, err := metrics.Listen(cfg.Metrics.Listen, mux, logger)
		if err != nil {
			return nil, err
		}
		d.runners = append(d.runners, runner{"metrics", srv.Run})
	}
	ready := []any{"version", version, "sources", len(conns.sources),
		"telegram", mgr != nil, "database", storeName(cfg), "startup", time.Since(start).Round(time.Millisecond)}
	if d.leases != nil {
		ready = append(ready, "replica", d.leases.Name(), "lease_ttl", d.leases.TTL())
	}
	logger.Info("shenava ready", ready...)
	return d, nil
}

// Leases of the singleton jobs: one replica at a time runs each. Sources
// are polled under "source:NAME" (listen.SourceSpec.LeaseName). The web
// inbox, the webhooks, the outbox and the metrics run on every replica.
const (
	leaseBot       = "bot"                // the Telegram getUpdates loop
	leaseDigest    = "digest"             // the daily digest's schedule
	leaseWatch     = "watch"              // spike alerts and SLA reminders
	leaseCollector = "telegram-collector" // the MTProto account's connection and its sources
)

// startLeases makes this replica take part in the leases, on a PostgreSQL
// database (which other replicas may share, whether or not it is told).
func (d *daemon) startLeases(cfg *config.Config, m *metrics.Metrics) {
	pg, ok := d.db.(*pgstore.DB)
	if !ok {
		return
	}
	d.leases = replica.NewShared(pg, replica.Config{Name: replicaName(cfg.Storage.Replica), LeaseTTL: cfg.Storage.LeaseTTL}, d.logger)
	m.SetReplica(d.leases.Name(), d.leases.Holding)
	d.runners = append(d.runners, runner{"leases", d.leases.Run})
}

// singleton runs run only while this replica holds the lease name; on the
// bbolt file, always.
func (d *daemon) singleton(name string, run func(ctx context.Context) error) func(ctx context.Context) error {
	if d.leases == nil {
		return run
	}
	return replica.Singleton(d.leases, name, run)
}

// listenNotifications wakes the outbox when any replica queues work, and
// the web inbox's count streams when any replica changes cases, on
// PostgreSQL (LISTEN/NOTIFY); otherwise the process's own writes wake
// them (listen's OnSaved, caseWatch).
func (d *daemon) listenNotifications(wakeOutbox, casesChanged func()) {
	pg, ok := d.db.(*pgstore.DB)
	if !ok {
		return
	}
	d.runners = append(d.runners, runner{"notifications", func(ctx context.Context) error {
		return pg.Listen(ctx, wakeOutbox, casesChanged)
	}})
}

// run starts every part under one errgroup: if one fails the others are
// cancelled; on SIGINT/SIGTERM (ctx) all of them drain and return.
func (d *daemon) run(ctx context.Context) error {
	g, ctx := errgroup.WithContext(ctx)
	for _, r := range d.runners {
		g.Go(func() error {
			if err := r.run(ctx); err != nil {
				return fmt.Errorf("%s: %w", r.name, err)
			}
			return nil
		})
	}
	err := g.Wait()
	d.logger.Info("shenava stopped")
	return err
}

func (d *daemon) close() {
	for i := len(d.closers) - 1; i >= 0; i-- {
		if err := d.closers[i](); err != nil {
			d.logger.Error("closing", "error", err)
		}
	}
	d.closers = nil
}

// newWatcher builds the watcher when spike alerts or reminders are on (nil
// otherwise).
func newWatcher(cfg *config.Config, db store.Store, onQueued func(), logger *slog.Logger) (*watch.Watcher, error) {
	wc, ok := cfg.WatchConfig()
	if !ok {
		return nil, nil
	}
	wc.OnQueued = onQueued
	return watch.New(wc, db, logger)
}
