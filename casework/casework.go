// Package casework is what community managers do with cases, whichever
// screen they do it from: answer a case publicly or privately (in their own
// words or with a saved template, withdrawable for a short undo window),
// claim it, resolve it, ignore it, correct its label, hide its comment on
// the platform (spam, abuse), take back a reply not
// yet sent, ask for a failed delivery again, and approve, edit or skip a
// drafted thank-you.
//
// Each change is written with the outbox actions it calls for (the reply,
// the edit of the alert messages) in one store transaction, and the case's
// events record who did what and when: the audit trail. An origin names the
// gesture a change came from (a chat message, a button press, a web form),
// so a gesture delivered twice changes and sends nothing the second time.
//
// The package knows nothing of Telegram or HTTP: the bot, the web inbox and
// the demo call it and render its results and errors their own way.
package casework

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/shenava/shenava/core"
)

// Store is what case workflows need from the store. *store.DB satisfies it.
type Store interface {
	Case(ctx context.Context, id uint64) (core.Case, error)
	Mention(ctx context.Context, key string) (core.Mention, error)
	UpdateCase(ctx context.Context, id uint64, fn func(c *core.Case) ([]core.Action, error)) (core.Case, []core.Action, error)
	Enqueue(ctx context.Context, actions ...core.Action) ([]core.Action, error)
	Resend(ctx context.Context, id uint64, at time.Time) error
	WithdrawReply(ctx context.Context, id uint64, actor string, at time.Time) (core.Case, error)
	BotGet(ctx context.Context, space core.Space, key string) ([]byte, bool, error)
	BotPut(ctx context.Context, space core.Space, key string, value []byte, at time.Time) error
	BotSwap(ctx context.Context, space core.Space, key string, at time.Time, fn func(old []byte) ([]byte, []core.Action, error)) ([]core.Action, error)
}

// Errors callers render. Each is wrapped with what it is about; test with
// errors.Is.
var (
	// ErrNoChange: the change would change nothing (a second Claim by the
	// same manager, the label the case already has). Nothing was written.
	ErrNoChange = errors.New("nothing to change")
	// ErrNotPermitted: the actor is not one of the managers.
	ErrNotPermitted = errors.New("not permitted")
	// ErrCannotAnswer: the case's platform does not allow that kind of
	// answer (a public reply on RSS, a private message where the platform
	// has none).
	ErrCannotAnswer = errors.New("the platform does not allow that answer")
	// ErrClosed: the case is resolved or ignored. It also matches
	// core.ErrInvalidTransition.
	ErrClosed = errors.New("the case is closed")
	// ErrCannotHide: the mention cannot be hidden on its platform (the
	// platform has no such thing, or not for this mention).
	ErrCannotHide = errors.New("the platform cannot hide it")
	// ErrNoTemplate: no template has that number.
	ErrNoTemplate = errors.New("no such template")
	// ErrTooLate: the reply has already been sent (or is being sent), so it
	// cannot be withdrawn. It also matches core.ErrInvalidTransition.
	ErrTooLate = errors.New("the reply has already gone")
)

// Config is how case workflows behave.
type Config struct {
	// Brand fills {brand} in replies and thank-yous.
	Brand string
	// Managers are the names of the people who may act, as written in case
	// events. Anyone else is refused with ErrNotPermitted.
	Managers []string
	// Templates are the saved replies, numbered from 0 in this order.
	Templates []core.Template
	// UndoWindow is how long a manager's reply waits in the outbox, during
	// which Withdraw takes it back. 0 sends at once.
	UndoWindow time.Duration
}

// Deps are what case workflows run on. Store is required; the others
// default to the wall clock, every platform answerable both ways, nothing
// to wake and a discarding logger.
type Deps struct {
	Store Store
	// Now is the clock.
	Now func() time.Time
	// Capabilities says what can be done on a platform (the outbox's
	// Capabilities).
	Capabilities func(core.Platform) core.Capabilities
	// MentionCapabilities, when set, narrows them for one mention (a
	// private reply whose window has passed, a post nobody may answer):
	// the outbox's CapabilitiesFor.
	MentionCapabilities func(core.Mention) core.Capabilities
	// Wake is called after outbox actions were queued (the outbox's Wake).
	Wake func()
	// Logger records each change.
	Logger *slog.Logger
}

// Service runs case workflows. It is safe for concurrent use.
type Service struct {
	cfg    Config
	st     Store
	now    func() time.Time
	caps   func(core.Platform) core.Capabilities
	mcaps  func(core.Mention) core.Capabilities
	wake   func()
	logger *slog.Logger
}

// New builds the service.
func New(cfg Config, d Deps) (*Service, error) {
	if d.Store == nil {
		return nil, errors.New("casework: no store")
	}
	if cfg.UndoWindow < 0 {
		return nil, fmt.Errorf("casework: undo window %s is negative", cfg.UndoWindow)
	}
	s := &Service{cfg: cfg, st: d.Store, now: d.Now, caps: d.Capabilities, mcaps: d.MentionCapabilities, wake: d.Wake, logger: d.Logger}
	s.cfg.Managers = slices.Clone(cfg.Managers)
	s.cfg.Templates = slices.Clone(cfg.Templates)
	if s.now == nil {
		s.now = time.Now
	}
	if s.caps == nil {
		s.caps = func(core.Platform) core.Capabilities { return core.Capabilities{Reply: true, DirectMessage: true} }
	}
	if s.wake == nil {
		s.wake = func() {}
	}
	if s.logger == nil {
		s.logger = slog.New(slog.DiscardHandler)
	}
	return s, nil
}

// Request is one manager's change to one case.
type Request struct {
	Case  uint64
	Actor string // the manager's name, one of Config.Managers
	// Origin names the gesture the change came from ("msg:<chat>:<id>",
	// "cb:<query>"). The actions it queues are keyed by it, so the same
	// origin never queues the same kind of action twice: a gesture
	// delivered again is a no-op, and changes made under one origin share
	// one refresh of the alert messages.
	Origin string
	// Via names the screen the change came from ("web"), written on the
	// case events it records; "" for the bot.
	Via string
}

// stamp writes r.Via on the events a change appended from event n on.
func (r Request) stamp(c *core.Case, n int) {
	if r.Via == "" {
		return
	}
	for i := n; i < len(c.Events); i++ {
		c.Events[i].Via = r.Via
	}
}

// Result is a case after a change: as it stands now, and when a change was
// refused because the case is closed, as it stands now too (for saying who
// closed it).
type Result struct {
	Case    core.Case
	Mention core.Mention
	// Reply is the queued reply of an answer; nil when nothing new was
	// queued (the origin was seen before).
	Reply *core.Action
	// Text is the answer as queued, {author} and {brand} filled in.
	Text string
	// Template is the template an answer used.
	Template core.Template
}

// Load returns a case and its mention.
func (s *Service) Load(ctx context.Context, caseID uint64) (core.Case, core.Mention, error) {
	c, err := s.st.Case(ctx, caseID)
	if err != nil {
		return c, core.Mention{}, err
	}
	m, err := s.st.Mention(ctx, c.MentionKey)
	return c, m, err
}

// Capabilities says what can be done on a platform.
func (s *Service) Capabilities(p core.Platform) core.Capabilities { return s.caps(p) }

// CapabilitiesFor says what can be done in answer to one mention: the
// platform's capabilities, narrowed by what the platform allows for it.
func (s *Service) CapabilitiesFor(m core.Mention) core.Capabilities {
	c := s.caps(m.Platform)
	if s.mcaps != nil {
		c = c.Narrow(s.mcaps(m))
	}
	return c
}

// Templates are the saved replies, in the order AnswerTemplate numbers
// them.
func (s *Service) Templates() []core.Template { return slices.Clone(s.cfg.Templates) }

// TemplateNamed returns the number of the template called name.
func (s *Service) TemplateNamed(name string) (int, bool) {
	i := slices.IndexFunc(s.cfg.Templates, func(t core.Template) bool { return t.Name == name })
	return i, i >= 0
}

// UndoWindow is how long a queued reply can be withdrawn.
func (s *Service) UndoWindow() time.Duration { return s.cfg.UndoWindow }

// Expand fills {author} and {brand} in a text for a mention.
func (s *Service) Expand(text string, m core.Mention) string {
	return core.Expand(text, core.TemplateVars{Author: Who(m), Brand: s.cfg.Brand})
}

// Who is how a mention's author is named: @handle, else their name, else
// their platform ID.
func Who(m core.Mention) string {
	switch {
	case m.Author.Handle != "":
		return "@" + m.Author.Handle
	case m.Author.Name != "":
		return m.Author.Name
	}
	return m.Author.ID
}

// MentionLang is the language a mention was written in ("" when unknown).
func MentionLang(m core.Mention) string {
	if m.Analysis != nil {
		return m.Analysis.Lang
	}
	return m.LangHint
}

// CanAnswer says whether the platform allows a public (or private) answer;
// the error wraps ErrCannotAnswer when it does not.
func (s *Service) CanAnswer(p core.Platform, private bool) error {
	caps := s.caps(p)
	switch {
	case private && !caps.DirectMessage:
		return fmt.Errorf("casework: no private messages on %s: %w", p, ErrCannotAnswer)
	case !private && !caps.Reply:
		return fmt.Errorf("casework: no public replies on %s: %w", p, ErrCannotAnswer)
	}
	return nil
}

func (s *Service) permit(actor string) error {
	if actor == "" || !slices.Contains(s.cfg.Managers, actor) {
		return fmt.Errorf("casework: %q is not a manager: %w", actor, ErrNotPermitted)
	}
	return nil
}

// queued wakes the outbox when actions were queued.
func (s *Service) queued(actions []core.Action) {
	if len(actions) > 0 {
		s.wake()
	}
}

// closed turns a refused transition into ErrClosed, with the case as it
// stands now in res.
func (s *Service) closed(ctx context.Context, res *Result, err error) error {
	if cur, cerr := s.st.Case(ctx, res.Case.ID); cerr == nil {
		res.Case = cur
	}
	return fmt.Errorf("casework: case %d: %w: %w", res.Case.ID, ErrClosed, err)
}

// How says how a manager answers.
type How struct {
	// Private sends a private message instead of a public reply.
	Private bool
	// Claim also makes the actor the case's owner, in the same change: a
	// manager taking a case and answering it at once.
	Claim bool
}

// Answer queues text as the case's public (or private) reply, {author}
// and {brand} filled in, and records it on the case. The reply waits
// Config.UndoWindow in the outbox.
func (s *Service) Answer(ctx context.Context, r Request, text string, how How) (Result, error) {
	if err := s.permit(r.Actor); err != nil {
		return Result{}, err
	}
	c, m, err := s.Load(ctx, r.Case)
	if err != nil {
		return Result{}, fmt.Errorf("casework: case %d: %w", r.Case, err)
	}
	return s.answer(ctx, r, Result{Case: c, Mention: m}, text, how)
}

// AnswerTemplate answers with template number i (of Templates) in the
// mention's language.
func (s *Service) AnswerTemplate(ctx context.Context, r Request, i int, how How) (Result, error) {
	if err := s.permit(r.Actor); err != nil {
		return Result{}, err
	}
	if i < 0 || i >= len(s.cfg.Templates) {
		return Result{}, fmt.Errorf("casework: template %d: %w", i, ErrNoTemplate)
	}
	c, m, err := s.Load(ctx, r.Case)
	if err != nil {
		return Result{}, fmt.Errorf("casework: case %d: %w", r.Case, err)
	}
	t := s.cfg.Templates[i]
	res := Result{Case: c, Mention: m, Template: t}
	return s.answer(ctx, r, res, t.For(MentionLang(m)), how)
}

func (s *Service) answer(ctx context.Context, r Request, res Result, text string, how How) (Result, error) {
	private := how.Private
	if err := s.CanAnswer(res.Mention.Platform, private); err != nil {
		return res, err
	}
	res.Text = s.Expand(text, res.Mention)
	kind := core.ActionReplyPublic
	if private {
		kind = core.ActionReplyPrivate
	}
	now := s.now()
	c, actions, err := s.st.UpdateCase(ctx, res.Case.ID, func(c *core.Case) ([]core.Action, error) {
		defer r.stamp(c, len(c.Events))
		if how.Claim {
			if err := c.Claim(r.Actor, now); err != nil {
				return nil, err
			}
		}
		if err := c.Responded(r.Actor, private, now); err != nil {
			return nil, err
		}
		return []core.Action{
			{Kind: kind, DedupKey: "reply:" + r.Origin, Text: res.Text, Actor: r.Actor, CreatedAt: now,
				NextAttemptAt: now.Add(s.cfg.UndoWindow)},
			{Kind: core.ActionCaseUpdate, DedupKey: "case_update:" + r.Origin, Actor: r.Actor, CreatedAt: now},
		}, nil
	})
	switch {
	case errors.Is(err, core.ErrInvalidTransition):
		return res, s.closed(ctx, &res, err)
	case err != nil:
		return res, fmt.Errorf("casework: answer case %d: %w", res.Case.ID, err)
	}
	res.Case = c
	s.queued(actions)
	for i := range actions {
		if actions[i].Kind == kind {
			res.Reply = &actions[i]
		}
	}
	s.logger.Info("case answered", "case_id", c.ID, "private", private, "by", r.Actor)
	return res, nil
}

// Claim makes the actor the case's owner (taking it over from another
// manager is allowed).
func (s *Service) Claim(ctx context.Context, r Request) (Result, error) {
	return s.change(ctx, r, "claim", func(c *core.Case, now time.Time) error {
		if c.ClaimedBy == r.Actor && c.State == core.CaseClaimed {
			return ErrNoChange
		}
		return c.Claim(r.Actor, now)
	})
}

// Resolve closes the case as handled.
func (s *Service) Resolve(ctx context.Context, r Request) (Result, error) {
	return s.change(ctx, r, "resolve", func(c *core.Case, now time.Time) error { return c.Resolve(r.Actor, now) })
}

// Ignore closes the case as needing nothing.
func (s *Service) Ignore(ctx context.Context, r Request) (Result, error) {
	return s.change(ctx, r, "ignore", func(c *core.Case, now time.Time) error { return c.Ignore(r.Actor, now) })
}

// Relabel records what the label should have been, in any state (a closed
// case still teaches the model).
func (s *Service) Relabel(ctx context.Context, r Request, l core.Label) (Result, error) {
	if _, err := core.ParseLabel(string(l)); err != nil {
		return Result{}, fmt.Errorf("casework: relabel case %d: %w", r.Case, err)
	}
	return s.change(ctx, r, "relabel", func(c *core.Case, now time.Time) error {
		if c.CorrectedLabel == l || (c.CorrectedLabel == "" && c.Label == l) {
			return ErrNoChange
		}
		return c.CorrectLabel(r.Actor, l, now)
	})
}

// Hide asks the platform to hide the case's mention from public view (a
// comment that is spam or abuse), in any state, and records who asked.
// The outbox sends it; the case records when the platform did. A second
// request changes nothing (ErrNoChange); a mention its platform cannot
// hide is refused with ErrCannotHide.
func (s *Service) Hide(ctx context.Context, r Request) (Result, error) {
	if err := s.permit(r.Actor); err != nil {
		return Result{}, err
	}
	c, m, err := s.Load(ctx, r.Case)
	if err != nil {
		return Result{}, fmt.Errorf("casework: case %d: %w", r.Case, err)
	}
	if !s.CapabilitiesFor(m).Hide {
		return Result{Case: c, Mention: m}, fmt.Errorf("casework: case %d: %s: %w", c.ID, m.Platform, ErrCannotHide)
	}
	return s.changeWith(ctx, r, "hide", func(c *core.Case, now time.Time) ([]core.Action, error) {
		if !c.Hide(r.Actor, now) {
			return nil, ErrNoChange
		}
		return []core.Action{{Kind: core.ActionHide, DedupKey: fmt.Sprintf("hide:%d", c.ID), Actor: r.Actor, CreatedAt: now}}, nil
	})
}

// change applies fn to the case and queues the edit of its alert
// messages in the same transaction.
func (s *Service) change(ctx context.Context, r Request, what string, fn func(*core.Case, time.Time) error) (Result, error) {
	return s.changeWith(ctx, r, what, func(c *core.Case, now time.Time) ([]core.Action, error) { return nil, fn(c, now) })
}

// changeWith is change for a fn that also queues actions of its own.
func (s *Service) changeWith(ctx context.Context, r Request, what string, fn func(*core.Case, time.Time) ([]core.Action, error)) (Result, error) {
	if err := s.permit(r.Actor); err != nil {
		return Result{}, err
	}
	now := s.now()
	c, actions, err := s.st.UpdateCase(ctx, r.Case, func(c *core.Case) ([]core.Action, error) {
		defer r.stamp(c, len(c.Events))
		more, err := fn(c, now)
		if err != nil {
			return nil, err
		}
		return append(more, core.Action{Kind: core.ActionCaseUpdate, DedupKey: "case_update:" + r.Origin, Actor: r.Actor, CreatedAt: now}), nil
	})
	res := Result{Case: c}
	switch {
	case errors.Is(err, ErrNoChange):
		if cur, cerr := s.st.Case(ctx, r.Case); cerr == nil {
			res.Case = cur
		}
		return res, fmt.Errorf("casework: %s case %d: %w", what, r.Case, ErrNoChange)
	case errors.Is(err, core.ErrInvalidTransition):
		res.Case.ID = r.Case
		return res, s.closed(ctx, &res, err)
	case err != nil:
		return res, fmt.Errorf("casework: %s case %d: %w", what, r.Case, err)
	}
	s.queued(actions)
	if m, err := s.st.Mention(ctx, c.MentionKey); err == nil {
		res.Mention = m
	}
	s.logger.Info("case updated", "case_id", c.ID, "state", string(c.State), "by", r.Actor)
	return res, nil
}

// Withdraw takes back a reply (the action Answer queued) that the outbox
// has not sent yet, records it on the case, and queues the edit of the
// case's alert messages. Once the reply has gone the error wraps ErrTooLate.
func (s *Service) Withdraw(ctx context.Context, actor, origin string, replyID uint64) (core.Case, error) {
	if err := s.permit(actor); err != nil {
		return core.Case{}, err
	}
	c, err := s.st.WithdrawReply(ctx, replyID, actor, s.now())
	switch {
	case errors.Is(err, core.ErrInvalidTransition):
		return c, fmt.Errorf("casework: withdraw reply %d: %w: %w", replyID, ErrTooLate, err)
	case err != nil:
		return c, fmt.Errorf("casework: withdraw reply %d: %w", replyID, err)
	}
	s.logger.Info("reply withdrawn", "action_id", replyID, "case_id", c.ID, "by", actor)
	queued, err := s.st.Enqueue(ctx, core.Action{Kind: core.ActionCaseUpdate, DedupKey: "case_update:" + origin,
		CaseID: c.ID, MentionKey: c.MentionKey, Actor: actor, CreatedAt: s.now()})
	if err != nil {
		// The reply is withdrawn; only the alert edit is missing.
		s.logger.Error("could not queue the alert edit after a withdrawal", "case_id", c.ID, "error", err)
	}
	s.queued(queued)
	return c, nil
}

// Resend queues a failed or interrupted outbox action again.
func (s *Service) Resend(ctx context.Context, actor string, actionID uint64) error {
	if err := s.permit(actor); err != nil {
		return err
	}
	if err := s.st.Resend(ctx, actionID, s.now()); err != nil {
		return fmt.Errorf("casework: send action %d again: %w", actionID, err)
	}
	s.logger.Info("action queued again by a manager", "action_id", actionID, "by", actor)
	s.wake()
	return nil
}
