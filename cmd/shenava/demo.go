package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/shenava/shenava"
	"github.com/shenava/shenava/brand"
	"github.com/shenava/shenava/casework"
	"github.com/shenava/shenava/cmd/shenava/demo"
	"github.com/shenava/shenava/config"
	"github.com/shenava/shenava/connector/console"
	"github.com/shenava/shenava/connector/file"
	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/digest"
	"github.com/shenava/shenava/internal/conf"
	"github.com/shenava/shenava/listen"
	"github.com/shenava/shenava/sentiment"
	"github.com/shenava/shenava/store"
)

// demoNow is "this morning" in the demo: 09:00 in Tehran the day after the
// sample mentions, when the digest goes out.
var demoNow = time.Date(2026, 11, 23, 5, 30, 0, 0, time.UTC)

// demoCodes are reward codes for the private thank-yous of the demo.
var demoCodes = []string{"SHENAVA-7K2Q", "SHENAVA-9F4M", "SHENAVA-2X8P", "SHENAVA-5T1R", "SHENAVA-3B6W"}

// demoConfig is the shipped config.yaml with the sample file as the only
// source, a database in dir, and thank-yous sent at once with a reward code.
func demoConfig(dir, lang string) (*config.Config, error) {
	cfg, err := config.Parse(shenava.DefaultConfig, func(string) string { return "" })
	if err != nil {
		return nil, fmt.Errorf("the shipped config.yaml: %w", err)
	}
	cfg.Sources.File = []config.FileSource{{Name: "demo", Path: filepath.Join(dir, "mentions.jsonl"), Interval: time.Minute}}
	cfg.Routing.ThankYou.Mode = config.ThankYouAuto
	cfg.Routing.ThankYou.RewardCode = true
	cfg.Storage.Path = filepath.Join(dir, "shenava.db")
	cfg.Digest.Lang = lang
	return cfg, nil
}

func cmdDemo() command {
	return command{
		summary: "the whole pipeline on the bundled sample mentions, offline, no tokens",
		run: func(ctx context.Context, e env, args []string) error {
			fs := newFlagSet(e, "demo", "[-lang en|fa] [-v]")
			lang := fs.String("lang", "en", "language of the digest: en or fa")
			verbose := fs.Bool("v", false, "log what the engine does")
			if err := parseFlags(fs, args); err != nil {
				return err
			}
			if *lang != "en" && *lang != "fa" {
				return fmt.Errorf("demo: -lang %q: want en or fa: %w", *lang, errUsage)
			}
			level := slog.LevelWarn
			if *verbose {
				level = slog.LevelDebug
			}
			logger := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: level}))
			dir, err := os.MkdirTemp("", "shenava-demo-")
			if err != nil {
				return fmt.Errorf("demo: %w", err)
			}
			defer os.RemoveAll(dir)
			cfg, err := demoConfig(dir, *lang)
			if err != nil {
				return fmt.Errorf("demo: %w", err)
			}
			return runDemo(ctx, e.stdout, cfg, logger)
		},
	}
}

// demoClock is the demo's simulated time, moved along as the day is
// replayed.
type demoClock struct{ t time.Time }

func (c *demoClock) now() time.Time { return c.t }

// managerDelays are how long the demo's manager takes to answer each new
// complaint, in turn: mostly quick, one past the one-hour SLA target.
var managerDelays = []time.Duration{4 * time.Minute, 9 * time.Minute, 75 * time.Minute, 16 * time.Minute}

// managerOffDuty: complaints opened after this hour (UTC) wait for the
// next morning, so the digest has open cases and SLA reminders to show.
const managerOffDuty = 15

// runDemo replays the sample day in time order: each post reaches
// Shenava a minute after it was written, the outbox delivers at once, and a
// manager answers complaints during the day. Then comes the next morning:
// SLA reminders for what nobody answered, and the digest.
func runDemo(ctx context.Context, w io.Writer, cfg *config.Config, logger *slog.Logger) error {
	start := time.Now()
	if err := os.WriteFile(cfg.Sources.File[0].Path, demo.Mentions, 0o600); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("demo: configuration: %w", err)
	}
	db, err := store.Open(cfg.Storage.Path, store.Options{Location: cfg.Digest.TimeZone.Location(), NoSync: true})
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	defer db.Close()
	if _, err := db.AddCodes(ctx, demoCodes); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	model, err := sentiment.Load()
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	matcher, err := brand.New(cfg.Brand)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	src, err := file.New(file.Config{Name: "demo", Path: cfg.Sources.File[0].Path}, logger)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	clock := &demoClock{t: demoNow}
	src.SetClock(clock.now)

	printer := console.New(w)
	repliers := map[core.Platform]listen.Replier{}
	for _, p := range core.Platforms {
		repliers[p] = printer.Replier(p)
	}
	outbox := listen.NewOutbox(db, printer, repliers, cfg.Outbox, logger)
	outbox.SetClock(clock.now)
	spec := listen.SourceSpec{Name: "demo", Source: src}
	engine, err := listen.New(db, model, matcher, outbox.Capabilities, []listen.SourceSpec{spec}, engineConfig(cfg), logger)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	engine.SetClock(clock.now)
	watcher, err := newWatcher(cfg, db, nil, logger)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	cases, err := demoCasework(cfg, db, clock.now, outbox.Capabilities, logger)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}

	// Read the whole file, then replay it in the order it was written.
	var posts []core.Mention
	cursor := ""
	for {
		b, err := src.Fetch(ctx, cursor)
		if err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		posts, cursor = append(posts, b.Mentions...), b.Cursor
		if !b.More {
			break
		}
	}
	slices.SortStableFunc(posts, func(a, b core.Mention) int { return a.CreatedAt.Compare(b.CreatedAt) })

	fmt.Fprintf(w, "Shenava demo: %d sample posts about %s (a fictional café) on %s, in Persian, English and Finglish,\n",
		len(posts), cfg.Brand.Name, demoNow.AddDate(0, 0, -1).Format(core.DayFormat))
	fmt.Fprintln(w, "replayed in the order they were written. Nothing leaves this machine: every alert, reply and thank-you")
	fmt.Fprintln(w, "is printed instead of sent.")
	fmt.Fprintln(w)

	type answer struct {
		caseID uint64
		at     time.Time
	}
	var (
		total   listen.PollResult
		pending []answer
		opened  int
	)
	answerDue := func(until time.Time) error {
		for len(pending) > 0 && !pending[0].at.After(until) {
			a := pending[0]
			pending = pending[1:]
			clock.t = a.at
			if err := demoAnswer(ctx, w, cases, a.caseID, a.at); err != nil {
				return err
			}
			if _, err := outbox.Drain(ctx); err != nil {
				return err
			}
		}
		return nil
	}
	for _, m := range posts {
		arrives := m.CreatedAt.Add(time.Minute)
		if err := answerDue(arrives); err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		clock.t = arrives
		res, err := engine.Process(ctx, spec, core.Batch{Mentions: []core.Mention{m}, Cursor: cursor})
		if err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		total.Fetched++
		total.Stored += res.Stored
		total.Duplicates += res.Duplicates
		total.Dropped += res.Dropped
		total.Cases += res.Cases
		// The manager answers in the day, where the platform takes a
		// public reply (an RSS article's complaint stays a case to read).
		if res.Cases > 0 && arrives.Hour() < managerOffDuty && outbox.Capabilities(m.Platform).Reply {
			c, err := db.CaseByMention(ctx, m.Key())
			if err != nil {
				return fmt.Errorf("demo: %w", err)
			}
			pending = append(pending, answer{c.ID, arrives.Add(managerDelays[opened%len(managerDelays)])})
			slices.SortFunc(pending, func(a, b answer) int { return a.at.Compare(b.at) })
			opened++
		}
		if _, err := outbox.Drain(ctx); err != nil {
			return fmt.Errorf("demo: %w", err)
		}
	}
	if err := answerDue(demoNow); err != nil {
		return fmt.Errorf("demo: %w", err)
	}

	clock.t = demoNow
	fmt.Fprintf(w, "\n== The day in short: %d posts read, %d stored, %d duplicate, %d dropped (not about the brand, or its own); %d complaints needed a manager.\n",
		total.Fetched, total.Stored, total.Duplicates, total.Dropped, total.Cases)
	if watcher != nil {
		watcher.SetClock(clock.now)
		fmt.Fprintf(w, "\n== Next morning, 09:00 %s: reminders for complaints nobody claimed\n", cfg.Digest.TimeZone)
		if _, err := watcher.Check(ctx); err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		if _, err := outbox.Drain(ctx); err != nil {
			return fmt.Errorf("demo: %w", err)
		}
	}
	d, err := digest.New(cfg.DigestConfig(), db, printer, logger)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	d.SetClock(clock.now, nil)
	text, _, err := d.Digest(ctx, d.Yesterday(demoNow))
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	fmt.Fprintf(w, "\n== The morning digest:\n\n%s\n", text)
	fmt.Fprintf(w, "\n(demo finished in %s)\n", time.Since(start).Round(10*time.Millisecond))
	return nil
}

// demoManager is the demo's community manager.
const demoManager = "Sara"

// demoCasework is the case workflows the demo's manager uses, over the
// shipped templates, replies sent at once (no undo window).
func demoCasework(cfg *config.Config, db store.Store, now func() time.Time, caps func(core.Platform) core.Capabilities,
	logger *slog.Logger) (*casework.Service, error) {
	cc := casework.Config{Brand: cfg.Brand.Name, Managers: []string{demoManager}}
	for _, t := range cfg.Routing.Templates {
		cc.Templates = append(cc.Templates, core.Template{Name: t.Name, FA: t.FA, EN: t.EN, FI: t.FI})
	}
	return casework.New(cc, casework.Deps{Store: db, Now: now, Capabilities: caps, Logger: logger})
}

// demoAnswer is a manager claiming a case and answering it publicly with
// the "sorry" template in one go.
func demoAnswer(ctx context.Context, w io.Writer, cases *casework.Service, id uint64, at time.Time) error {
	sorry, ok := cases.TemplateNamed("sorry")
	if !ok {
		return errors.New(`the configuration has no "sorry" template`)
	}
	c, _, err := cases.Load(ctx, id)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "🧑‍💼 %s claims case #%d and answers with the \"sorry\" template, %s after the alert:\n",
		demoManager, id, shortDuration(at.Sub(c.CreatedAt)))
	r := casework.Request{Case: id, Actor: demoManager, Origin: fmt.Sprintf("demo:%d", id)}
	_, err = cases.AnswerTemplate(ctx, r, sorry, casework.How{Claim: true})
	return err
}

// shortDuration writes 4m or 1h15m.
func shortDuration(d time.Duration) string { return conf.FormatDuration(d.Round(time.Minute)) }
