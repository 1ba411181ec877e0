// Package listen is Shenava's engine. It polls each configured source on
// its interval, drops what is not about the brand, deduplicates, analyses,
// decides (alert, thank-you, recovery) and saves everything with the
// source's cursor in one store transaction; the outbox worker then carries
// out the side effects.
package listen

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/backoff"
)

// Source is one configured place mentions come from.
type Source interface {
	Fetch(ctx context.Context, cursor string) (core.Batch, error)
}

// CheapBacklog is implemented by sources whose backlog costs nothing to
// read (a local file). After a batch with More, the engine polls such a
// source again at once. Every other source waits its interval after a
// capped batch and resumes from the saved cursor: a page cap is then a cap
// on requests per interval, whatever the server says about further pages.
type CheapBacklog interface {
	CheapBacklog() bool
}

// Analyzer reads a text: language, sentiment, referral.
type Analyzer interface {
	Analyze(text string) core.Analysis
}

// Matcher decides which posts are about the brand and which come from the
// brand's own accounts.
type Matcher interface {
	// Own reports whether the author is one of the brand's own accounts.
	Own(m core.Mention) bool
	// About reports whether the text mentions the brand.
	About(m core.Mention) bool
}

// Store is what the engine needs from the store.
type Store interface {
	Cursor(ctx context.Context, source string) (string, error)
	Known(ctx context.Context, keys []string) (map[string]bool, error)
	Authors(ctx context.Context, keys []string) (map[string]core.AuthorHistory, error)
	Case(ctx context.Context, id uint64) (core.Case, error)
	SaveBatch(ctx context.Context, source, cursor string, ds []core.Decision, now time.Time) (core.SaveResult, error)
}

// SourceSpec configures one source for the engine.
type SourceSpec struct {
	Name     string
	Source   Source
	Interval time.Duration
	// Scoped sources only return posts addressed to the brand (@mentions,
	// replies): the keyword filter is skipped, own accounts still dropped.
	Scoped bool
	// Lease is the lease under which the source is polled when several
	// replicas share a database; "" means "source:" + Name. Sources that
	// share one connection (a Telegram collector account) share one lease.
	Lease string
}

// LeaseName is the name of the lease the source is polled under.
func (s SourceSpec) LeaseName() string {
	if s.Lease != "" {
		return s.Lease
	}
	return "source:" + s.Name
}

// Engine runs the sources. Its methods are safe for concurrent use.
type Engine struct {
	store    Store
	analyzer Analyzer
	matcher  Matcher
	caps     func(core.Platform) core.Capabilities
	sources  []SourceSpec
	cfg      Config
	logger   *slog.Logger
	metrics  Metrics
	now      func() time.Time
	// sleep waits d or until ctx ends; tests replace it.
	sleep func(ctx context.Context, d time.Duration) error
	// onSaved runs after a save that queued actions (wakes the outbox).
	onSaved func()

	// mu makes deciding and saving one step: author caps read before the
	// save cannot be raced by another source saving the same author.
	mu sync.Mutex
}

// New builds an engine. caps tells which platforms can be answered (the
// outbox's Capabilities); thank-yous are only decided where a public reply
// is possible.
func New(st Store, analyzer Analyzer, matcher Matcher, caps func(core.Platform) core.Capabilities,
	sources []SourceSpec, cfg Config, logger *slog.Logger) (*Engine, error) {
	if err := cfg.Policy.Validate(); err != nil {
		return nil, fmt.Errorf("listen: routing: %w", err)
	}
	cfg.Policy = cfg.Policy.withDefaults()
	cfg = cfg.withDefaults()
	if err := cfg.Problems().Err(); err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	seen := map[string]bool{}
	for i, s := range sources {
		if s.Name == "" || s.Source == nil {
			return nil, fmt.Errorf("listen: source %d has no name or no connector", i)
		}
		if seen[s.Name] {
			return nil, fmt.Errorf("listen: two sources are named %q: names key their cursors and must be unique", s.Name)
		}
		seen[s.Name] = true
		if sources[i].Interval <= 0 {
			sources[i].Interval = cfg.PollInterval
		}
	}
	if caps == nil {
		caps = func(core.Platform) core.Capabilities { return core.Capabilities{} }
	}
	e := &Engine{
		store: st, analyzer: analyzer, matcher: matcher, caps: caps, sources: sources, cfg: cfg,
		logger: logger.With("component", "listen"), metrics: cfg.Metrics, now: time.Now,
		sleep: backoff.Sleep, onSaved: cfg.OnSaved,
	}
	if e.metrics == nil {
		e.metrics = nopMetrics{}
	}
	if e.onSaved == nil {
		e.onSaved = func() {}
	}
	return e, nil
}

// SetClock replaces the wall clock.
func (e *Engine) SetClock(now func() time.Time) { e.now = now }

// SetSleep replaces how Run waits between polls; sleep returns non-nil to
// stop (tests that simulate time).
func (e *Engine) SetSleep(sleep func(ctx context.Context, d time.Duration) error) { e.sleep = sleep }

// Run polls every source on its own schedule until ctx ends, then returns
// nil. A failing source backs off alone; the others go on.
func (e *Engine) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	for _, s := range e.sources {
		wg.Go(func() { e.runSource(ctx, s) })
	}
	e.logger.Info("listening", "sources", len(e.sources))
	wg.Wait()
	e.logger.Info("stopped listening")
	return nil
}

// runSource polls a source while this replica holds its lease: when the
// lease is lost it stops (a poll under way is cancelled, and its save
// with it) and waits to hold it again, then goes on from the saved
// cursor, wherever the replica that held it meanwhile left it.
func (e *Engine) runSource(ctx context.Context, s SourceSpec) {
	if e.cfg.Leases == nil {
		e.pollSource(ctx, s)
		return
	}
	log := e.logger.With("source", s.Name)
	for {
		hctx, release, err := e.cfg.Leases.Hold(ctx, s.LeaseName())
		if err != nil {
			return // ctx ended
		}
		log.Info("polling: this replica holds the source's lease", "lease", s.LeaseName())
		e.pollSource(hctx, s)
		release()
		if ctx.Err() != nil {
			return
		}
		log.Warn("stopped polling: the source's lease was lost; waiting to hold it again", "lease", s.LeaseName())
	}
}

// pollSource polls a source on its schedule until ctx ends.
func (e *Engine) pollSource(ctx context.Context, s SourceSpec) {
	log := e.logger.With("source", s.Name)
	cheap := false
	if c, ok := s.Source.(CheapBacklog); ok {
		cheap = c.CheapBacklog()
	}
	failures := 0
	for ctx.Err() == nil {
		res, err := e.Poll(ctx, s)
		var wait time.Duration
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			failures++
			wait = backoff.Jitter(backoff.Exp(e.cfg.BackoffMin, e.cfg.BackoffMax, failures), e.cfg.Jitter)
			if ra, ok := core.RetryAfter(err); ok {
				if ra > wait {
					wait = ra
				}
				e.metrics.RateLimited(s.Name, wait)
				log.Warn("rate limited; waiting", "wait", wait, "error", err)
			} else {
				log.Error("poll failed; backing off", "wait", wait, "failures", failures, "error", err)
			}
		case res.More && cheap:
			failures = 0
			continue
		case res.More:
			failures = 0
			wait = backoff.Jitter(s.Interval, e.cfg.Jitter)
			log.Info("poll capped with more left to read; the rest follows at the next interval", "fetched", res.Fetched, "wait", wait)
		default:
			failures = 0
			wait = backoff.Jitter(s.Interval, e.cfg.Jitter)
		}
		if e.sleep(ctx, wait) != nil {
			return
		}
	}
}

// PollResult reports one poll.
type PollResult struct {
	Fetched    int
	Stored     int
	Duplicates int
	// Dropped counts posts that were not about the brand, came from the
	// brand's own accounts, or were invalid.
	Dropped int
	Cases   int
	Actions int
	More    bool
}

// Poll fetches one batch from a source and processes it.
func (e *Engine) Poll(ctx context.Context, s SourceSpec) (PollResult, error) {
	cursor, err := e.store.Cursor(ctx, s.Name)
	if err != nil {
		return PollResult{}, fmt.Errorf("listen: %s: %w", s.Name, err)
	}
	b, err := s.Source.Fetch(ctx, cursor)
	e.metrics.Polled(s.Name, err)
	if err != nil {
		return PollResult{}, fmt.Errorf("listen: %s: %w", s.Name, err)
	}
	res, err := e.Process(ctx, s, b)
	if err != nil {
		return res, fmt.Errorf("listen: %s: %w", s.Name, err)
	}
	return res, nil
}

// Process filters, deduplicates, analyses and saves one batch with its
// cursor. It is Poll without the fetch, for sources that push.
func (e *Engine) Process(ctx context.Context, s SourceSpec, b core.Batch) (PollResult, error) {
	res := PollResult{Fetched: len(b.Mentions), More: b.More}
	log := e.logger.With("source", s.Name)
	fresh := make([]core.Mention, 0, len(b.Mentions))
	keys := make([]string, 0, len(b.Mentions))
	inBatch := make(map[string]bool, len(b.Mentions))
	for _, m := range b.Mentions {
		m.Normalize()
		if m.Source == "" {
			m.Source = s.Name
		}
		reason := ""
		switch {
		case m.Validate() != nil:
			reason = "invalid"
			log.Warn("dropping an invalid mention", "post_id", m.NativeID, "error", m.Validate())
		case e.matcher != nil && e.matcher.Own(m):
			reason = "own_account"
		case e.matcher != nil && !s.Scoped && !e.matcher.About(m):
			reason = "not_about_brand"
		case inBatch[m.Key()]:
			reason = "duplicate"
		}
		if reason != "" {
			e.metrics.Dropped(s.Name, reason)
			if reason == "duplicate" {
				res.Duplicates++
			} else {
				res.Dropped++
			}
			continue
		}
		inBatch[m.Key()] = true
		fresh = append(fresh, m)
		keys = append(keys, m.Key())
	}
	known, err := e.store.Known(ctx, keys)
	if err != nil {
		return res, err
	}
	todo := fresh[:0]
	for _, m := range fresh {
		if known[m.Key()] {
			res.Duplicates++
			e.metrics.Dropped(s.Name, "duplicate")
			continue
		}
		todo = append(todo, m)
	}
	e.analyze(todo)

	e.mu.Lock()
	defer e.mu.Unlock()
	ds, err := e.decide(ctx, todo)
	if err != nil {
		return res, err
	}
	saved, err := e.store.SaveBatch(ctx, s.Name, b.Cursor, ds, e.now())
	if err != nil {
		return res, err
	}
	res.Stored, res.Cases, res.Actions = len(saved.Stored), len(saved.Cases), len(saved.Actions)
	res.Duplicates += saved.Duplicates
	for _, k := range saved.NoCode {
		log.Warn("no reward code left: the referrer is thanked without one (load more with shenava codes add)", "mention", k)
	}
	for _, m := range saved.Stored {
		e.metrics.Ingested(s.Name, m.Analysis.Label)
		log.Debug("mention stored", "post_id", m.NativeID, "label", m.Analysis.Label,
			"score", m.Analysis.Confidence(), "lang", m.Analysis.Lang, "referral", m.Analysis.Referral)
	}
	if len(saved.Actions) > 0 {
		e.onSaved()
	}
	if res.Stored > 0 || res.Dropped > 0 {
		log.Info("polled", "fetched", res.Fetched, "stored", res.Stored, "duplicates", res.Duplicates,
			"dropped", res.Dropped, "cases", res.Cases, "actions", res.Actions)
	}
	return res, nil
}

// analyze fills in the analysis of each mention, spreading the work over
// AnalysisWorkers goroutines.
func (e *Engine) analyze(ms []core.Mention) {
	workers := min(e.cfg.AnalysisWorkers, len(ms))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(ms) {
					return
				}
				start := time.Now()
				a := e.analyzer.Analyze(ms[i].Text)
				e.metrics.Analyzed(time.Since(start))
				ms[i].Analysis = &a
			}
		})
	}
	wg.Wait()
}

func (e *Engine) decide(ctx context.Context, ms []core.Mention) ([]core.Decision, error) {
	if len(ms) == 0 {
		return nil, nil
	}
	authorKeys := make([]string, 0, len(ms))
	for _, m := range ms {
		authorKeys = append(authorKeys, m.AuthorKey())
	}
	authors, err := e.store.Authors(ctx, authorKeys)
	if err != nil {
		return nil, err
	}
	var caseErr error
	d := &decider{
		p: e.cfg.Policy, caps: e.caps, authors: authors, now: e.now(),
		cases: func(id uint64) (core.Case, bool) {
			c, err := e.store.Case(ctx, id)
			if err != nil && !errors.Is(err, core.ErrNotFound) {
				caseErr = err
			}
			return c, err == nil
		},
	}
	ds := make([]core.Decision, 0, len(ms))
	for _, m := range ms {
		ds = append(ds, d.decide(m))
	}
	if caseErr != nil {
		return nil, caseErr
	}
	return ds, nil
}
