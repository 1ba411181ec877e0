package listen

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/backoff"
	"github.com/shenava/shenava/internal/conf"
)

// Alerter tells the managers: it announces cases, keeps their alert
// messages up to date, and delivers notices and approval requests. The
// Telegram bot implements it; so does the console printer.
type Alerter interface {
	// Alert announces a case; ref identifies the alert message(s) so they
	// can be edited later.
	Alert(ctx context.Context, c core.Case, m core.Mention) (ref string, err error)
	// UpdateAlert edits the case's alert messages (c.Alerts) to show where
	// it stands now.
	UpdateAlert(ctx context.Context, c core.Case, m core.Mention) error
	// Notify delivers a notify or approval action. m is the mention the
	// action is about, when it has one.
	Notify(ctx context.Context, a core.Action, m *core.Mention) (ref string, err error)
}

// Replier answers a mention on its platform.
type Replier interface {
	Reply(ctx context.Context, m core.Mention, text string) (ref string, err error)
	DirectMessage(ctx context.Context, m core.Mention, text string) (ref string, err error)
	Capabilities() core.Capabilities
}

// Hider is a Replier that can hide a mention from public view on its
// platform (a comment under the brand's own post), for spam and abuse. A
// platform whose Replier is not one has no hide capability. Hiding twice
// is harmless, so a hide whose answer was lost is simply sent again.
type Hider interface {
	Hide(ctx context.Context, m core.Mention, hide bool) error
}

// Reconciler is a Replier that can read back what the brand account posted,
// so an answer whose delivery is in doubt (its answer was lost, or a crash
// caught it mid-send) is looked up instead of posted twice.
type Reconciler interface {
	// FindAnswer looks on the platform for the answer to m with text, as a
	// private message when private is set, posted by the brand account. It
	// returns the answer's platform ID and true when it is there, false
	// when it is not; an error when the platform could not tell.
	FindAnswer(ctx context.Context, m core.Mention, text string, private bool) (ref string, found bool, err error)
}

// OutboxStore is what the outbox worker needs from the store.
type OutboxStore interface {
	ClaimDue(ctx context.Context, now time.Time, limit int) ([]core.Action, error)
	Due(ctx context.Context, now time.Time) (bool, error)
	Settle(ctx context.Context, outcomes ...core.Outcome) error
	// SettleAndClaimNext settles outcomes and claims the next due actions
	// (due at now()) in one transaction: the next batch the engine saves,
	// claiming at most joinedLimit, when one begins within wait, else one
	// of its own, claiming at most limit. joined reports which.
	SettleAndClaimNext(ctx context.Context, outcomes []core.Outcome, now func() time.Time, limit, joinedLimit int,
		wait time.Duration) (next []core.Action, joined bool, err error)
	ResumeInFlight(ctx context.Context, now time.Time, resume func(core.Action) bool,
		report func(stuck []core.Action) []core.Action) (resumed, doubt []core.Action, err error)
	ForEachAction(ctx context.Context, from, to time.Time, fn func(core.Action) error) error
	Mention(ctx context.Context, key string) (core.Mention, error)
	Case(ctx context.Context, id uint64) (core.Case, error)
}

func (c OutboxConfig) withDefaults() OutboxConfig {
	conf.OrPositive(&c.Workers, DefaultOutboxWorkers)
	conf.OrPositive(&c.Batch, DefaultOutboxBatch)
	c.Batch = max(c.Batch, c.Workers)
	conf.OrPositive(&c.MaxAttempts, DefaultMaxAttempts)
	conf.OrPositive(&c.BackoffMin, DefaultOutboxBackoffMin)
	conf.OrPositive(&c.BackoffMax, DefaultOutboxBackoffMax)
	conf.OrPositive(&c.Poll, DefaultOutboxPoll)
	conf.OrPositive(&c.DrainTimeout, DefaultDrainTimeout)
	return c
}

// Outbox executes queued actions: alerts and notices through the Alerter,
// replies and thank-yous through the Replier of the mention's platform. It
// retries with capped exponential backoff, honours a Retry-After the adapter
// reports, and marks each action done in the store.
//
// No action is sent twice blindly. An answer that went out and whose
// answer was lost, or that a crash caught mid-send, is looked up on its
// platform (Reconciler): found, it is marked sent with the platform's ID;
// not found, it is sent now. Where the platform cannot be read back, it
// becomes in_doubt and the managers are told. Alerts and notices to the
// managers are at-least-once: such a one is sent again, marked as a repeat
// (a duplicate in the managers' chat is harmless, a missing complaint is
// not).
type Outbox struct {
	store    OutboxStore
	alerter  Alerter
	repliers map[core.Platform]Replier
	cfg      OutboxConfig
	logger   *slog.Logger
	now      func() time.Time
	wake     chan struct{}
	limiter  *rateLimiter
	// ledger, when the store is one, counts the sends of every replica
	// for the rate caps.
	ledger  SendLedger
	metrics Metrics
	// alone is set when the last round's outcomes found no batch save to
	// join: then a round with work due commits at once.
	alone atomic.Bool
	// abandonedEvery is AbandonedEvery (shorter in tests).
	abandonedEvery time.Duration
}

// NewOutbox builds the worker. repliers maps each platform to the adapter
// that answers on it; a platform without one cannot be answered.
func NewOutbox(st OutboxStore, alerter Alerter, repliers map[core.Platform]Replier, cfg OutboxConfig, logger *slog.Logger) *Outbox {
	cfg = cfg.withDefaults()
	caps := cfg.RateCaps
	if caps == nil {
		caps = cfg.RateLimits.Caps()
	}
	var m Metrics = nopMetrics{}
	if cfg.Metrics != nil {
		m = cfg.Metrics
	}
	ledger, _ := st.(SendLedger)
	return &Outbox{
		store: st, alerter: alerter, repliers: repliers, cfg: cfg, ledger: ledger,
		logger:  logger.With("component", "outbox"),
		now:     time.Now,
		wake:    make(chan struct{}, 1),
		limiter: newRateLimiter(caps),
		metrics: m,

		abandonedEvery: AbandonedEvery,
	}
}

// SetClock replaces the wall clock (tests, demo).
func (o *Outbox) SetClock(now func() time.Time) { o.now = now }

// Wake tells the worker new work is queued, so it need not wait for its
// next poll. It never blocks.
func (o *Outbox) Wake() {
	select {
	case o.wake <- struct{}{}:
	default:
	}
}

// Capabilities reports what Shenava can do in answer to mentions on p.
func (o *Outbox) Capabilities(p core.Platform) core.Capabilities {
	if r, ok := o.repliers[p]; ok {
		return replierCapabilities(r)
	}
	return core.Capabilities{}
}

// replierCapabilities is what r says it can do; hiding only if it is a
// Hider.
func replierCapabilities(r Replier) core.Capabilities {
	c := r.Capabilities()
	if _, ok := r.(Hider); !ok {
		c.Hide = false
	}
	return c
}

// rateLookback is how long before its send an answer may have been
// queued, for counting recent sends at start-up.
const rateLookback = 24 * time.Hour

// Recover restores what a restart loses. Actions left in sending by a crash
// become in-doubt ones and the managers are told, in one store transaction;
// and the answers sent within the rate caps' windows are counted again, so
// a restart (or a crash loop) cannot send more than the caps allow. Run
// calls it first; it is exported for tools.
func (o *Outbox) Recover(ctx context.Context) error {
	if err := o.recoverInFlight(ctx); err != nil {
		return err
	}
	window := o.limiter.longest()
	if window == 0 {
		return nil
	}
	now := o.now()
	sent := map[core.Platform][]time.Time{}
	err := o.store.ForEachAction(ctx, now.Add(-window-rateLookback), now.Add(window), func(a core.Action) error {
		if (!a.Kind.Public() && !a.Kind.Private()) || a.State != core.ActionDone || !a.DoneAt.After(now.Add(-window)) {
			return nil
		}
		if p, _, err := core.SplitMentionKey(a.MentionKey); err == nil {
			sent[p] = append(sent[p], a.DoneAt)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("outbox: count recent answers: %w", err)
	}
	for p, at := range sent {
		o.limiter.remember(p, at)
	}
	return nil
}

// AbandonedResumer is a store shared by replicas (PostgreSQL) that tells
// the sends of a replica that is gone from the ones under way: while it
// runs, the outbox recovers the former every AbandonedEvery, as a start
// does, so that a replica that died and is not started again leaves
// nothing in sending.
type AbandonedResumer interface {
	ResumeAbandoned(ctx context.Context, now time.Time, resume func(core.Action) bool,
		report func(stuck []core.Action) []core.Action) (resumed, doubt []core.Action, err error)
}

// AbandonedEvery is how often a running outbox on an AbandonedResumer
// recovers the sends of replicas that are gone.
const AbandonedEvery = 15 * time.Second

func (o *Outbox) recoverInFlight(ctx context.Context) error {
	return o.recover(ctx, o.store.ResumeInFlight)
}

// recoverAbandoned recovers the sends of replicas that are gone, when the
// store can tell them apart, and wakes the worker for those resumed.
func (o *Outbox) recoverAbandoned(ctx context.Context) {
	r, ok := o.store.(AbandonedResumer)
	if !ok {
		return
	}
	if err := o.recover(ctx, r.ResumeAbandoned); err != nil && ctx.Err() == nil {
		o.logger.Error("could not recover the actions of replicas that are gone", "error", err)
	}
}

func (o *Outbox) recover(ctx context.Context, resumeFn func(ctx context.Context, now time.Time, resume func(core.Action) bool,
	report func(stuck []core.Action) []core.Action) (resumed, doubt []core.Action, err error)) error {
	resumed, doubt, err := resumeFn(ctx, o.now(), o.resumable, func(stuck []core.Action) []core.Action {
		var lines []string
		ids := make([]string, 0, len(stuck))
		for _, a := range stuck {
			lines = append(lines, describe(a))
			ids = append(ids, fmt.Sprint(a.ID))
		}
		return []core.Action{{
			Kind: core.ActionNotify, Topic: core.TopicInDoubt, Actor: core.ActorSystem,
			DedupKey:  "in_doubt:" + strings.Join(ids, ","),
			Text:      strings.Join(lines, "\n"),
			CreatedAt: o.now(),
		}}
	})
	if err != nil {
		return fmt.Errorf("outbox: %w", err)
	}
	for _, a := range resumed {
		o.logger.Warn("action interrupted while sending; checking before sending again", "action_id", a.ID, "kind", a.Kind, "case_id", a.CaseID)
	}
	for _, a := range doubt {
		o.logger.Error("action interrupted while sending; its platform cannot be read back, not resending", "action_id", a.ID, "kind", a.Kind, "case_id", a.CaseID)
	}
	if len(resumed) > 0 {
		o.Wake()
	}
	return nil
}

// toManagers reports whether the action goes to the managers (alerts,
// notices, approvals, alert updates), which are delivered at least once.
func toManagers(k core.ActionKind) bool { return !k.Public() && !k.Private() && k != core.ActionHide }

// resumable reports whether an action whose delivery is unknown can be
// made certain: an alert or notice by sending it again, an answer by
// reading back its platform.
func (o *Outbox) resumable(a core.Action) bool {
	if toManagers(a.Kind) || a.Kind == core.ActionHide {
		// Sent again: a repeated notice is harmless, and so is hiding
		// what is hidden already.
		return true
	}
	p, _, err := core.SplitMentionKey(a.MentionKey)
	if err != nil {
		return false
	}
	_, ok := o.repliers[p].(Reconciler)
	return ok
}

// Run executes due actions until ctx ends. Actions already being sent when
// ctx ends finish (within DrainTimeout); nothing is left half-done.
func (o *Outbox) Run(ctx context.Context) error {
	if err := o.Recover(ctx); err != nil {
		if ctx.Err() != nil {
			// Shut down while starting: nothing was claimed, and the next
			// start recovers again.
			return nil
		}
		return err
	}
	o.logger.Info("outbox started", "workers", o.cfg.Workers)
	timer := time.NewTimer(0)
	defer timer.Stop()
	var next []core.Action // claimed with the last settle, to send now
	lastAbandoned := time.Now()
	for {
		if len(next) == 0 {
			select {
			case <-ctx.Done():
				o.logger.Info("outbox stopped")
				return nil
			case <-timer.C:
			case <-o.wake:
			}
		}
		if time.Since(lastAbandoned) >= o.abandonedEvery {
			lastAbandoned = time.Now()
			o.recoverAbandoned(ctx)
		}
		var n int
		var err error
		if len(next) > 0 {
			// Claimed already: they are sent (and recorded) even when
			// shutdown began meanwhile.
			n, next, err = len(next), o.round(ctx, next, true), nil
		} else {
			n, next, err = o.runOnce(ctx, true)
		}
		if err != nil && ctx.Err() == nil {
			o.logger.Error("outbox round failed", "error", err)
		}
		wait := o.cfg.Poll
		if n > 0 {
			wait = 0 // there may be more
		}
		if !timer.Stop() {
			select {
			case <-timer.C:
			default:
			}
		}
		timer.Reset(wait)
	}
}

// Drain executes actions until none is due now, and returns how many it
// ran. The demo and tests use it instead of Run.
func (o *Outbox) Drain(ctx context.Context) (int, error) {
	total := 0
	for {
		n, err := o.RunOnce(ctx)
		total += n
		if err != nil || n == 0 {
			return total, err
		}
	}
}

// RunOnce claims the actions due now (at most Batch) in one store
// transaction, executes them Workers at a time, then records what became
// of them, with the records their delivery produced (the bot's message
// records), in one more: two commits a round, however many actions. It
// returns how many it executed.
func (o *Outbox) RunOnce(ctx context.Context) (int, error) {
	n, _, err := o.runOnce(ctx, false)
	return n, err
}

// runOnce claims the actions due now and runs them as one round (see
// round).
func (o *Outbox) runOnce(ctx context.Context, chain bool) (int, []core.Action, error) {
	now := o.now()
	if any, err := o.store.Due(ctx, now); err != nil {
		return 0, nil, fmt.Errorf("outbox: %w", err)
	} else if !any {
		return 0, nil, nil
	}
	due, err := o.store.ClaimDue(ctx, now, o.cfg.Batch)
	if err != nil {
		return 0, nil, fmt.Errorf("outbox: %w", err)
	}
	return len(due), o.round(ctx, due, chain), nil
}

// settleLinger is how long a round's outcomes may wait for the engine's
// next batch save to record them (and claim the actions it queues) in its
// own transaction. A crash in that wait leaves the round's actions to be
// checked (answers read back, alerts repeated) like a crash during the
// round.
const settleLinger = 50 * time.Millisecond

// joinedBatch is how many times Batch a round that joins a batch save may
// claim. A save of a 100-mention page can queue a few dozen actions (one
// in four an alert, on the benchmark's mix); a round joined to it takes
// them all, so the outbox keeps pace with ingest without commits of its
// own instead of falling behind by the surplus of every save.
const joinedBatch = 4

// round executes claimed actions Workers at a time, then records what
// became of them, with the records their delivery produced, in one store
// transaction. With chain set and no shutdown begun, that transaction is
// the engine's next batch save when one comes within settleLinger, and it
// also claims the next round, which it returns: while mentions keep coming
// the outbox adds no commit of its own. When the last wait found no save
// and work is due, the outbox commits alone at once (draining a backlog
// does not wait for saves that do not come).
func (o *Outbox) round(ctx context.Context, due []core.Action, chain bool) []core.Action {
	// Sends that started finish, and are recorded, even when shutdown
	// begins.
	sendCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), o.cfg.DrainTimeout)
	defer cancel()
	outcomes := make([]core.Outcome, len(due))
	var wg sync.WaitGroup
	slots := make(chan struct{}, o.cfg.Workers)
	for i, a := range due {
		slots <- struct{}{}
		wg.Go(func() {
			defer func() { <-slots }()
			var recs core.Records
			outcomes[i] = o.execute(core.WithRecords(sendCtx, &recs), a)
			outcomes[i].Records = recs.All()
		})
	}
	wg.Wait()
	if chain && ctx.Err() == nil {
		wait := settleLinger
		if o.alone.Load() {
			if more, err := o.store.Due(sendCtx, o.now()); err == nil && more {
				wait = 0
			}
		}
		next, joined, err := o.store.SettleAndClaimNext(sendCtx, outcomes, o.now, o.cfg.Batch, joinedBatch*o.cfg.Batch, wait)
		if wait > 0 {
			o.alone.Store(!joined)
		}
		if err == nil {
			return next
		}
		// The actions stay in sending: at the next start they are
		// checked before being sent again, never sent twice blindly.
		o.logger.Error("could not record the outcome of actions", "actions", len(due), "error", err)
		return nil
	}
	if err := o.store.Settle(sendCtx, outcomes...); err != nil {
		// The actions stay in sending: at the next start they are
		// checked before being sent again, never sent twice blindly.
		o.logger.Error("could not record the outcome of actions", "actions", len(due), "error", err)
	}
	return nil
}

// reserve takes a send on p within the rate caps: from the store's ledger
// of every replica's sends when it keeps one, else from this process's
// count. It returns how long to hold the answer back, or 0.
func (o *Outbox) reserve(ctx context.Context, p core.Platform) time.Duration {
	if o.ledger == nil {
		return o.limiter.reserve(p, o.now())
	}
	caps := o.limiter.capsOf(p)
	if caps == nil {
		return 0
	}
	wait, err := o.ledger.ReserveSend(ctx, p, o.now(), caps)
	if err != nil {
		// Sending uncounted could pass the caps: hold it back a little.
		o.logger.Warn("could not count the send against the rate caps; holding it back", "platform", p, "error", err)
		return o.cfg.BackoffMin
	}
	return wait
}

// execute carries out one action and says what became of it.
func (o *Outbox) execute(ctx context.Context, a core.Action) core.Outcome {
	log := o.logger.With("action_id", a.ID, "kind", a.Kind, "attempt", a.Attempts)
	if a.Kind.Public() || a.Kind.Private() {
		if p, _, err := core.SplitMentionKey(a.MentionKey); err == nil {
			if wait := o.reserve(ctx, p); wait > 0 {
				log.Debug("held back by the outgoing rate cap", "wait", wait)
				return core.Outcome{ActionID: a.ID, State: core.ActionPending, Next: o.now().Add(wait), Uncounted: true}
			}
		}
	}
	start := o.now()
	ref, err := o.send(ctx, a)
	if errors.Is(err, errFound) {
		o.metrics.ActionDone(a.Kind, nil, o.now().Sub(start))
	} else {
		o.metrics.ActionDone(a.Kind, err, o.now().Sub(start))
	}
	now := o.now()
	switch {
	case err == nil:
		log.Info("action delivered", "ref", ref)
		return core.Outcome{ActionID: a.ID, State: core.ActionDone, Result: ref, At: now}
	case errors.Is(err, errFound):
		log.Info("answer found on the platform; marked sent, not sent again", "ref", ref)
		return core.Outcome{ActionID: a.ID, State: core.ActionDone, Result: ref, At: now}
	case errors.Is(err, core.ErrInDoubt) && o.resumable(a) && a.Attempts < o.cfg.MaxAttempts:
		// It may have been delivered: an alert or notice goes again
		// (marked as a repeat), an answer is looked up first.
		next := now.Add(o.backoff(0))
		log.Warn("the answer to a send was lost; checking before sending again", "next_attempt", next, "error", err)
		return core.Outcome{ActionID: a.ID, State: core.ActionPending, Next: next, Error: err.Error(), Unsure: true}
	case !toManagers(a.Kind) && (errors.Is(err, core.ErrInDoubt) || a.Unsure && o.giveUp(a, err)):
		log.Error("delivery in doubt and its platform cannot tell; not resending", "error", err)
		return core.Outcome{ActionID: a.ID, State: core.ActionInDoubt, Error: err.Error(), At: now, Unsure: true,
			Report: o.inDoubtReport(a)}
	case isRateLimit(err):
		wait, _ := core.RetryAfter(err)
		if wait <= 0 {
			wait = max(o.backoff(a.Attempts), defaultRateLimitFallback)
		}
		log.Warn("rate limited; waiting", "wait", wait, "error", err)
		o.metrics.RateLimited("outbox", wait)
		// A refusal for rate is not a failed attempt.
		return core.Outcome{ActionID: a.ID, State: core.ActionPending, Next: now.Add(wait), Uncounted: true}
	case o.giveUp(a, err):
		log.Error("action failed; giving up", "error", err)
		return core.Outcome{ActionID: a.ID, State: core.ActionFailed, Error: err.Error(), At: now, Report: o.failureReport(a, err)}
	default:
		next := now.Add(o.backoff(a.Attempts))
		log.Warn("action failed; will retry", "next_attempt", next, "error", err)
		return core.Outcome{ActionID: a.ID, State: core.ActionPending, Next: next, Error: err.Error()}
	}
}

// giveUp reports whether a failure ends the action's attempts.
func (o *Outbox) giveUp(a core.Action, err error) bool {
	return errors.Is(err, core.ErrUnsupported) || errors.Is(err, core.ErrPermanent) ||
		errors.Is(err, core.ErrUnauthorized) || errors.Is(err, core.ErrNotFound) || a.Attempts >= o.cfg.MaxAttempts
}

// errFound marks an answer in doubt that reading back found on its
// platform: it was delivered, by an earlier attempt.
var errFound = errors.New("found on the platform")

func isRateLimit(err error) bool {
	_, ok := core.RetryAfter(err)
	return ok
}

func (o *Outbox) send(ctx context.Context, a core.Action) (string, error) {
	var m core.Mention
	if a.MentionKey != "" {
		var err error
		if m, err = o.store.Mention(ctx, a.MentionKey); err != nil {
			return "", fmt.Errorf("load mention: %w", err)
		}
	}
	if a.Unsure && toManagers(a.Kind) {
		ctx = core.WithRepeat(ctx)
	}
	switch a.Kind {
	case core.ActionAlert, core.ActionCaseUpdate:
		c, err := o.store.Case(ctx, a.CaseID)
		if err != nil {
			return "", fmt.Errorf("load case: %w", err)
		}
		if a.Kind == core.ActionAlert {
			return o.alerter.Alert(ctx, c, m)
		}
		return "", o.alerter.UpdateAlert(ctx, c, m)
	case core.ActionNotify, core.ActionApproval:
		var mp *core.Mention
		if a.MentionKey != "" {
			mp = &m
		}
		return o.alerter.Notify(ctx, a, mp)
	}
	r, ok := o.repliers[m.Platform]
	if !ok {
		return "", fmt.Errorf("no connector answers on %s: %w", m.Platform, core.ErrUnsupported)
	}
	if a.Kind == core.ActionHide {
		h, ok := r.(Hider)
		if !ok {
			return "", core.Permanent(fmt.Errorf("%s comments cannot be hidden: %w", m.Platform, core.ErrUnsupported))
		}
		if err := h.Hide(ctx, m, true); err != nil {
			return "", err
		}
		return m.NativeID, nil
	}
	text := core.Expand(a.Text, core.TemplateVars{Author: handleOf(m), Code: a.Code})
	if a.Unsure {
		rc, ok := r.(Reconciler)
		if !ok {
			return "", fmt.Errorf("%s cannot be read back to tell whether it was sent: %w", m.Platform, core.ErrInDoubt)
		}
		ref, found, err := rc.FindAnswer(ctx, m, text, a.Kind.Private())
		if err != nil {
			return "", fmt.Errorf("read back whether it was sent: %w", err)
		}
		if found {
			return ref, errFound
		}
		o.logger.Info("answer in doubt not found on the platform; sending it now", "action_id", a.ID, "kind", a.Kind)
	}
	if a.Kind.Private() {
		return r.DirectMessage(ctx, m, text)
	}
	return r.Reply(ctx, m, text)
}

// failureReport is the notice telling the managers that an answer or a
// hide they (or the thank-you rule) asked for could not be done; it is
// queued with the failure. Failed alerts and notices are only logged:
// telling managers about them would go the same failing way.
func (o *Outbox) failureReport(a core.Action, cause error) *core.Action {
	if toManagers(a.Kind) {
		return nil
	}
	return &core.Action{
		Kind: core.ActionNotify, Topic: core.TopicDeliveryFailed, Actor: core.ActorSystem,
		DedupKey: fmt.Sprintf("failed:%d", a.ID), MentionKey: a.MentionKey, CaseID: a.CaseID,
		Text:      describe(a) + ": " + cause.Error(),
		CreatedAt: o.now(),
	}
}

// inDoubtReport is the notice telling the managers that an answer may or
// may not have reached its platform, and nothing can tell which.
func (o *Outbox) inDoubtReport(a core.Action) *core.Action {
	return &core.Action{
		Kind: core.ActionNotify, Topic: core.TopicInDoubt, Actor: core.ActorSystem,
		DedupKey: fmt.Sprintf("in_doubt:%d", a.ID), MentionKey: a.MentionKey, CaseID: a.CaseID,
		Text:      describe(a),
		CreatedAt: o.now(),
	}
}

func describe(a core.Action) string {
	s := fmt.Sprintf("#%d %s", a.ID, a.Kind)
	if a.CaseID != 0 {
		s += fmt.Sprintf(" (case %d)", a.CaseID)
	} else if a.MentionKey != "" {
		s += " (" + a.MentionKey + ")"
	}
	return s
}

// backoff is the wait before attempt n+1: doubling from BackoffMin, capped
// at BackoffMax, with ±20% jitter so retries of many actions spread out.
func (o *Outbox) backoff(attempts int) time.Duration {
	return backoff.Jitter(backoff.Exp(o.cfg.BackoffMin, o.cfg.BackoffMax, attempts), 0.2)
}

func handleOf(m core.Mention) string {
	if m.Author.Handle != "" {
		return "@" + m.Author.Handle
	}
	return m.Author.Name
}
