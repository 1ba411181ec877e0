// Package bot is the Telegram side of Shenava, the part community managers
// touch all day. It announces cases in Telegram with buttons to answer,
// claim, resolve, ignore or relabel them; takes replies typed by managers
// and queues them through the outbox; answers /pending, /case, /stats,
// /digest, /mute, /templates and /lang in Persian or English; delivers
// notices, thank-you approvals and the daily digest; reads listed groups as
// a source of mentions and answers in them.
//
// Only allow-listed Telegram user IDs may act, on every kind of update;
// everyone else gets at most one polite refusal per chat per hour. Buttons
// carry opaque random tokens looked up in the store, so a forged button does
// nothing, and a button for a closed case changes nothing.
//
// The bot is built on github.com/go-telegram/bot for the typed Bot API
// methods, against any Bot-API-compatible server (Telegram, Bale, a
// self-hosted server, a local fake). It drives getUpdates itself: see Run.
package bot

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/shenava/shenava/casework"
	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/backoff"
)

// Store is what the bot needs from the store. *store.DB satisfies it.
type Store interface {
	caseStore
	stateStore
	inboxStore
}

type caseStore interface {
	casework.Store
	ForEachCase(ctx context.Context, from, to time.Time, fn func(core.Case) error) error
	OpenCases(ctx context.Context, f core.CaseFilter) ([]core.Case, int, error)
	DayCounts(ctx context.Context, day string) (core.Counts, error)
}

type stateStore interface {
	BotGet(ctx context.Context, space core.Space, key string) ([]byte, bool, error)
	BotPut(ctx context.Context, space core.Space, key string, value []byte, at time.Time) error
	BotDelete(ctx context.Context, space core.Space, key string) error
	BotSwap(ctx context.Context, space core.Space, key string, at time.Time, fn func(old []byte) ([]byte, []core.Action, error)) ([]core.Action, error)
	BotPrune(ctx context.Context, space core.Space, before time.Time) (int, error)
}

type inboxStore interface {
	InboxAppend(ctx context.Context, updateID int64, ms ...core.Mention) error
	InboxAfter(ctx context.Context, after uint64, limit int) ([]core.Mention, uint64, error)
	InboxTrim(ctx context.Context, upTo uint64) (int, error)
	UpdateOffset(ctx context.Context) (int64, error)
	SetUpdateOffset(ctx context.Context, id int64) error
}

// DigestSource builds one day's digest: its text and a PNG chart (nil
// when there is none). The digest package implements it.
type DigestSource interface {
	Digest(ctx context.Context, day time.Time) (text string, chart []byte, err error)
}

// DigestFunc is a function that is a DigestSource: a caller that builds
// the digest after the bot (the digest sends through the bot) binds it.
type DigestFunc func(ctx context.Context, day time.Time) (text string, chart []byte, err error)

// Digest calls f.
func (f DigestFunc) Digest(ctx context.Context, day time.Time) (string, []byte, error) {
	return f(ctx, day)
}

// Metrics receives what the bot observes of the Bot API. The Prometheus
// adapter implements it; the default does nothing.
type Metrics interface {
	// TelegramError counts a failed call by method and kind
	// ("rate_limited", "server", "network", "timeout", "malformed",
	// "too_large", "unauthorized", "forbidden", "bad_request"), and
	// "odd_result" for a call the server accepted whose result did not
	// decode (counted as done).
	TelegramError(method, kind string)
	// RateLimited records a wait Telegram imposed.
	RateLimited(source string, wait time.Duration)
}

type nopMetrics struct{}

func (nopMetrics) TelegramError(string, string)      {}
func (nopMetrics) RateLimited(string, time.Duration) {}

// Update-loop backoff after failed getUpdates calls.
const (
	loopBackoffMin = time.Second
	loopBackoffMax = time.Minute
	// maxInteractiveWait bounds how long a command answer waits out a
	// rate limit before it is dropped.
	maxInteractiveWait = 2 * time.Minute
)

// allowedUpdates are the update kinds the bot asks for. Everything else
// (reactions, polls, payments...) it has no use for.
var allowedUpdates = []string{
	models.AllowedUpdateMessage, models.AllowedUpdateEditedMessage, models.AllowedUpdateCallbackQuery,
	models.AllowedUpdateInlineQuery, models.AllowedUpdateMyChatMember,
}

// Bot is the Telegram bot. Its Alerter methods, Replier and GroupSource are
// safe for concurrent use with Run.
//
// Bot itself owns the update loop (Run), the router that authenticates and
// dispatches each update (updates.go) and the outbox-facing alerter
// (alert.go). The rest are parts with one job each, none of which knows the
// others' insides or the loop:
//
//   - cases (package casework): every change to a case or a thank-you,
//     with the audit trail; nothing of Telegram;
//   - act (callbacks.go, interact.go): managers' button presses and text
//     replies on cases, carried out through cases;
//   - cmds (commands.go): the slash commands;
//   - view (render.go): text and buttons of alerts, notices and drafts;
//   - out (sender.go): sending, editing, answering presses over the Bot API;
//   - recs (state.go): the bot's own records (button tokens, messages,
//     prompts, preferences) in the store.
type Bot struct {
	cfg      Config
	st       Store
	api      *api
	logger   *slog.Logger
	managers map[int64]Manager
	groups   map[int64]Group

	cases    *casework.Service
	out      *sender
	view     *renderer
	recs     *records
	act      *actions
	cmds     *commander
	metrics  Metrics
	now      func() time.Time
	sleep    func(ctx context.Context, d time.Duration) error
	newToken func() string

	mu       sync.Mutex
	me       *models.User
	refusals map[int64]time.Time

	storm storm // alert storms (storm.go)
}

// Deps are what the bot runs on besides its configuration. Store is
// required; the others are optional. Capabilities and Wake are functions so
// that a caller can build the outbox (which delivers through the bot) after
// the bot and bind them to it.
type Deps struct {
	Store Store
	// HTTPClient reaches the Bot API; nil uses a default client.
	HTTPClient *http.Client
	Logger     *slog.Logger
	// Capabilities says what can be done on each platform (the outbox's
	// Capabilities), so buttons say so instead of failing. Without it RSS
	// cannot be answered and everything else can.
	Capabilities func(core.Platform) core.Capabilities
	// MentionCapabilities narrows them for one mention (the outbox's
	// CapabilitiesFor); nil = the platform's.
	MentionCapabilities func(core.Mention) core.Capabilities
	// Wake is called after the bot queued outbox actions (the outbox's
	// Wake).
	Wake func()
	// Digest answers /digest; without it /digest says there is none.
	Digest DigestSource
	// Metrics receives what the bot observes of the Bot API.
	Metrics Metrics
	// WebLink makes a single-use sign-in link to the web inbox for /web;
	// without it /web says the web inbox is off.
	WebLink func(managerID int64) (string, error)
}

// New builds the bot. It makes no network call: Run checks the token.
func New(cfg Config, d Deps) (*Bot, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("bot: %w", err)
	}
	if d.Store == nil {
		return nil, errors.New("bot: no store")
	}
	cfg = cfg.withDefaults()
	logger := d.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	logger = logger.With("component", "bot")
	a, err := newAPI(cfg, d.HTTPClient, logger)
	if err != nil {
		return nil, fmt.Errorf("bot: %w", err)
	}
	b := &Bot{
		cfg: cfg, st: d.Store, api: a, logger: logger,
		managers: map[int64]Manager{}, groups: map[int64]Group{},
		metrics:  nopMetrics{},
		now:      time.Now,
		sleep:    backoff.Sleep,
		newToken: randomToken,
		refusals: map[int64]time.Time{},
	}
	if d.Metrics != nil {
		b.metrics, a.metrics = d.Metrics, d.Metrics
	}
	caps := d.Capabilities
	if caps == nil {
		caps = defaultCaps
	}
	cc := casework.Config{Brand: cfg.Brand, UndoWindow: cfg.UndoWindow}
	for _, m := range cfg.Managers {
		b.managers[m.ID] = m
		cc.Managers = append(cc.Managers, m.Name)
	}
	for _, g := range cfg.Groups {
		b.groups[g.ChatID] = g
	}
	for _, t := range cfg.Templates {
		cc.Templates = append(cc.Templates, core.Template{Name: t.Name, FA: t.FA, EN: t.EN, FI: t.FI})
	}
	// The parts read the clock, sleep and make tokens through the bot, so
	// SetClock (and tests) reach all of them.
	now := func() time.Time { return b.now() }
	b.cases, err = casework.New(cc, casework.Deps{Store: d.Store, Capabilities: caps,
		MentionCapabilities: d.MentionCapabilities, Wake: d.Wake, Logger: logger, Now: now})
	if err != nil {
		return nil, fmt.Errorf("bot: %w", err)
	}
	b.out = &sender{api: a, logger: logger, sleep: func(ctx context.Context, d time.Duration) error { return b.sleep(ctx, d) }}
	b.view = &renderer{cfg: cfg, cases: b.cases}
	b.recs = &records{st: d.Store, now: now, newToken: func() string { return b.newToken() }, managers: b.managers,
		defaultLang: cfg.DefaultLang}
	b.act = &actions{cfg: cfg, logger: logger, now: now, st: d.Store, cases: b.cases, out: b.out, view: b.view, recs: b.recs,
		self: b.self}
	b.cmds = &commander{cfg: cfg, logger: logger, now: now, st: d.Store, cases: b.cases, out: b.out, view: b.view, recs: b.recs,
		digest: d.Digest, webLink: d.WebLink, relabel: b.setMenuButton}
	return b, nil
}

// defaultCaps is used without Deps.Capabilities: RSS cannot be answered,
// everything else can.
func defaultCaps(p core.Platform) core.Capabilities {
	if p == core.PlatformRSS {
		return core.Capabilities{}
	}
	return core.Capabilities{Reply: true, DirectMessage: true}
}

// SetClock replaces the wall clock.
func (b *Bot) SetClock(now func() time.Time) { b.now = now; b.api.now = now }

// randomToken is 72 random bits, URL-safe: a button's data cannot be
// guessed.
func randomToken() string {
	var buf [9]byte
	if _, err := rand.Read(buf[:]); err != nil {
		panic("bot: no randomness: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(buf[:])
}

// Check makes one cheap authenticated call (getMe). The error wraps
// core.ErrUnauthorized when the server rejects the token.
func (b *Bot) Check(ctx context.Context) error {
	me, err := b.api.getMe(ctx)
	if err != nil {
		return fmt.Errorf("bot: check token: %w", err)
	}
	b.mu.Lock()
	b.me = me
	b.mu.Unlock()
	return nil
}

// CheckToken makes the one getMe call that proves cfg's token and server,
// without a store: for `shenava check` while the daemon may hold the
// database. The error wraps core.ErrUnauthorized when the token is refused.
func CheckToken(ctx context.Context, cfg Config, hc *http.Client, logger *slog.Logger) error {
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("bot: %w", err)
	}
	a, err := newAPI(cfg.withDefaults(), hc, logger.With("component", "bot"))
	if err != nil {
		return fmt.Errorf("bot: %w", err)
	}
	if _, err := a.getMe(ctx); err != nil {
		// No answer at all (no connection, a timeout) says nothing about
		// the token.
		if ae := (*apiError)(nil); errors.As(err, &ae) && ae.status == 0 {
			return fmt.Errorf("bot: token not checked: the Bot API could not be reached: %w", err)
		}
		return fmt.Errorf("bot: check token: %w", err)
	}
	return nil
}

func (b *Bot) self() *models.User {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.me
}

// Run owns the bot's single getUpdates loop (Telegram allows one consumer
// per token) until ctx ends, then returns nil. It fails only when the
// server rejects the token.
//
// Why not go-telegram/bot's Start: its loop advances the offset as soon as
// updates are read and hands them to handlers asynchronously, so an update
// is confirmed to Telegram (by the next getUpdates) whether or not its
// handler finished. A group message would be lost if the process died in
// between. Here each update is handled to the end, group messages are
// written to the store's inbox together with the update's ID, and only
// then does the next getUpdates confirm it. Updates whose storing fails are
// fetched again after a backoff.
func (b *Bot) Run(ctx context.Context) error {
	if err := b.start(ctx); err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return err
	}
	offset, err := b.st.UpdateOffset(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return fmt.Errorf("bot: %w", err)
	}
	if b.cfg.AlertBurst > 0 {
		sctx, stop := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { defer close(done); b.summaries(sctx) }()
		defer func() { stop(); <-done }()
	}
	me := b.self()
	b.logger.Info("bot started", "username", me.Username, "bot_id", me.ID, "managers", len(b.managers),
		"groups", len(b.groups), "offset", offset)
	failures := 0
	lastPrune := time.Time{}
	for ctx.Err() == nil {
		if b.now().Sub(lastPrune) >= 24*time.Hour {
			b.prune(ctx)
			lastPrune = b.now()
		}
		updates, err := b.api.getUpdates(ctx, offset+1, allowedUpdates)
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			if errors.Is(err, core.ErrUnauthorized) {
				return fmt.Errorf("bot: %w", err)
			}
			failures++
			wait := loopWait(failures)
			if ra, ok := core.RetryAfter(err); ok {
				wait = max(ra, time.Second)
				b.logger.Warn("rate limited by telegram; waiting", "wait", wait)
			} else {
				b.logger.Warn("getUpdates failed; backing off", "wait", wait, "failures", failures, "error", err)
			}
			if b.sleep(ctx, wait) != nil {
				break
			}
			continue
		}
		failures = 0
		start := offset
		for _, u := range updates {
			if u.ID <= offset {
				continue // a server resending what we confirmed
			}
			if err := b.handleUpdate(ctx, u); err != nil {
				if ctx.Err() != nil {
					break
				}
				failures++
				wait := loopWait(failures)
				b.logger.Error("could not store an update; it will be fetched again", "update_id", u.ID, "wait", wait, "error", err)
				b.sleep(ctx, wait)
				break
			}
			offset = u.ID
		}
		if offset > start {
			if err := b.st.SetUpdateOffset(ctx, offset); err != nil && ctx.Err() == nil {
				b.logger.Error("could not save the update offset", "error", err)
			}
		}
	}
	b.logger.Info("bot stopped")
	return nil
}

// start checks the token, retrying transient failures, and registers the
// command menu and the managers' menu buttons.
func (b *Bot) start(ctx context.Context) error {
	for failures := 1; ; failures++ {
		err := b.Check(ctx)
		if err == nil {
			break
		}
		if errors.Is(err, core.ErrUnauthorized) || errors.Is(err, core.ErrPermanent) || ctx.Err() != nil {
			return fmt.Errorf("%w (is telegram.api_url %s right?)", err, b.cfg.APIURL)
		}
		wait := loopWait(failures)
		if ra, ok := core.RetryAfter(err); ok {
			wait = max(ra, time.Second)
		}
		b.logger.Warn("telegram not reachable; retrying", "wait", wait, "error", err)
		if err := b.sleep(ctx, wait); err != nil {
			return err
		}
	}
	b.registerCommands(ctx)
	b.setMenuButtons(ctx)
	return nil
}

// loopWait doubles from loopBackoffMin to loopBackoffMax with ±20% jitter.
func loopWait(failures int) time.Duration {
	return backoff.Jitter(backoff.Exp(loopBackoffMin, loopBackoffMax, failures), 0.2)
}

// prune drops bot records older than the retention.
func (b *Bot) prune(ctx context.Context) {
	before := b.now().Add(-b.cfg.Retention)
	for _, space := range []core.Space{core.SpaceCallbacks, core.SpaceMessages, core.SpaceApprovals, core.SpaceCaseTokens, core.SpacePrompts} {
		if n, err := b.st.BotPrune(ctx, space, before); err != nil {
			b.logger.Warn("could not prune old bot records", "space", space, "error", err)
		} else if n > 0 {
			b.logger.Debug("pruned old bot records", "space", space, "count", n)
		}
	}
}

// registerCommands sets the command menu in both languages; failures only
// cost the menu.
func (b *Bot) registerCommands(ctx context.Context) {
	for _, lang := range []string{LangEnglish, LangPersian} {
		var cmds []models.BotCommand
		for _, c := range commandList {
			cmds = append(cmds, models.BotCommand{Command: c, Description: msg(lang, "cmd."+c)})
		}
		p := &tgbot.SetMyCommandsParams{Commands: cmds}
		if lang == LangPersian {
			p.LanguageCode = LangPersian
		}
		if err := b.api.setMyCommands(ctx, p); err != nil {
			b.logger.Warn("could not register the command menu", "lang", lang, "error", err)
		}
	}
}
