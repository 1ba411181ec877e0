package bot

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/shenava/shenava/casework"
	"github.com/shenava/shenava/core"
)

// actions carries out what managers do to cases from Telegram: button
// presses on alerts, case views, drafts and confirmations, and the text
// they type as replies. Each change goes to casework; actions asks for
// what it needs (prompts), and renders and sends the outcome.
type actions struct {
	cfg    Config
	logger *slog.Logger
	now    func() time.Time
	st     Store
	cases  *casework.Service
	out    *sender
	view   *renderer
	recs   *records
	self   func() *models.User // the bot's own user, once known
}

// callbackMessage is the message a pressed button sits on.
func callbackMessage(q *models.CallbackQuery) (chat int64, msgID int, ok bool) {
	switch {
	case q.Message.Message != nil:
		return q.Message.Message.Chat.ID, q.Message.Message.ID, true
	case q.Message.InaccessibleMessage != nil:
		return q.Message.InaccessibleMessage.Chat.ID, q.Message.InaccessibleMessage.MessageID, true
	}
	return 0, 0, false
}

// press carries out a button press of a manager: parts is the button's
// data, split, v its verb.
func (ac *actions) press(ctx context.Context, q *models.CallbackQuery, mgr Manager, lang string, v verb, parts []string) {
	if len(parts) < 2 {
		ac.stale(ctx, q, lang, "malformed")
		return
	}
	tok, args := parts[len(parts)-1], parts[1:len(parts)-1]
	var rec tokenRec
	found, err := ac.recs.getRec(ctx, core.SpaceCallbacks, tok, &rec)
	switch {
	case err != nil:
		ac.logger.Error("could not look up a button", "error", err)
		ac.out.toast(ctx, q.ID, msg(lang, "err.internal"), false)
		return
	case !found:
		ac.stale(ctx, q, lang, "unknown token")
		return
	case !slices.Contains(tokenVerbs[rec.Kind], v):
		ac.stale(ctx, q, lang, "verb does not fit the token")
		return
	}
	origin := "cb:" + q.ID
	switch rec.Kind {
	case tokenCase:
		ac.onCaseButton(ctx, q, mgr, lang, v, args, rec.Case, tok, origin)
	case tokenApproval:
		ac.onApprovalButton(ctx, q, mgr, lang, v, tok)
	case tokenResend:
		ac.onResendButton(ctx, q, mgr, lang, args, rec)
	case tokenUndo:
		ac.onUndoButton(ctx, q, mgr, lang, rec, origin)
	}
}

// stale answers a press that matches nothing we issued: forged, or older
// than the retention.
func (ac *actions) stale(ctx context.Context, q *models.CallbackQuery, lang, why string) {
	ac.logger.Warn("button press matches nothing the bot issued", "user_id", q.From.ID, "why", why)
	ac.out.toast(ctx, q.ID, msg(lang, "err.stale"), false)
}

func (ac *actions) onCaseButton(ctx context.Context, q *models.CallbackQuery, mgr Manager, lang string, v verb, args []string, caseID uint64, tok, origin string) {
	chat, msgID, hasMsg := callbackMessage(q)
	c, m, err := ac.cases.Load(ctx, caseID)
	if errors.Is(err, core.ErrNotFound) {
		ac.stale(ctx, q, lang, "case gone")
		return
	}
	if err != nil {
		ac.logger.Error("could not load a case", "case_id", caseID, "error", err)
		ac.out.toast(ctx, q.ID, msg(lang, "err.internal"), false)
		return
	}
	req := casework.Request{Case: c.ID, Actor: mgr.Name, Origin: origin}
	switch v {
	case verbNoPublic, verbNoPrivate:
		ac.out.toast(ctx, q.ID, ac.view.cannotAnswerNote(lang, m, v == verbNoPrivate), true)
	case verbReplyPublic, verbReplyPrivate:
		private := v == verbReplyPrivate
		if !c.State.Open() {
			ac.out.toast(ctx, q.ID, plain(ac.view.closedNote(lang, c)), true)
			return
		}
		if err := ac.cases.CanAnswer(m.Platform, private); err != nil || !hasMsg {
			note := ""
			if err != nil {
				note = ac.view.cannotAnswerNote(lang, m, private)
			}
			ac.out.toast(ctx, q.ID, note, true)
			return
		}
		note := ""
		if private && m.Platform == core.PlatformTelegram {
			note = msg(lang, "err.tgprivate")
		}
		ac.out.toast(ctx, q.ID, note, note != "")
		ac.prompt(ctx, mgr, lang, chat, msgID, promptRec{Kind: promptReply, Case: c.ID, Private: private})
	case verbTemplates:
		if !c.State.Open() {
			ac.out.toast(ctx, q.ID, plain(ac.view.closedNote(lang, c)), true)
			return
		}
		ac.out.toast(ctx, q.ID, "", false)
		if len(ac.cases.Templates()) == 0 {
			ac.out.reply(ctx, chat, msgID, msg(lang, "tpl.none"), nil)
			return
		}
		text, kb := ac.view.renderTemplates(lang, c, m, tok)
		ac.out.reply(ctx, chat, msgID, text, kb)
	case verbTemplatePublic, verbTemplatePrivate:
		i, err := strconv.Atoi(strings.Join(args, ""))
		if err != nil {
			i = -1
		}
		private := v == verbTemplatePrivate
		res, err := ac.cases.AnswerTemplate(ctx, req, i, casework.How{Private: private})
		switch {
		case errors.Is(err, casework.ErrNoTemplate):
			ac.out.toast(ctx, q.ID, msg(lang, "err.notemplate"), true)
		case errors.Is(err, casework.ErrCannotAnswer):
			ac.out.toast(ctx, q.ID, ac.view.cannotAnswerNote(lang, m, private), true)
		case errors.Is(err, casework.ErrClosed):
			ac.out.toast(ctx, q.ID, plain(ac.view.closedNote(lang, res.Case)), true)
		case err != nil:
			ac.logger.Error("could not queue a template reply", "case_id", c.ID, "error", err)
			ac.out.toast(ctx, q.ID, msg(lang, "err.internal"), false)
		default:
			key := "ok.queued.public"
			if private {
				key = "ok.queued.private"
			}
			ac.out.toast(ctx, q.ID, msg(lang, key, id(lang, c.ID)), false)
			if hasMsg {
				text, kb := ac.undoable(ctx, lang, res.Reply, msg(lang, "tpl.used", esc(res.Template.Name), id(lang, c.ID)))
				ac.out.edit(ctx, chat, msgID, text, kb)
			}
		}
	case verbClaim:
		ac.transition(ctx, q, lang, c, "ok.claimed", func() (casework.Result, error) { return ac.cases.Claim(ctx, req) })
	case verbResolve:
		ac.transition(ctx, q, lang, c, "ok.resolved", func() (casework.Result, error) { return ac.cases.Resolve(ctx, req) })
	case verbIgnore:
		ac.transition(ctx, q, lang, c, "ok.ignored", func() (casework.Result, error) { return ac.cases.Ignore(ctx, req) })
	case verbHide:
		ac.transition(ctx, q, lang, c, "ok.hidden", func() (casework.Result, error) { return ac.cases.Hide(ctx, req) })
	case verbWrongLabel:
		ac.out.toast(ctx, q.ID, "", false)
		if hasMsg {
			ac.out.editMarkup(ctx, chat, msgID, ac.view.labelKeyboard(ac.recs.chatLang(ctx, chat), c, tok))
		}
	case verbLabel:
		l, ok := labelOf(strings.Join(args, ""))
		if !ok {
			ac.stale(ctx, q, lang, "unknown label")
			return
		}
		ac.transition(ctx, q, lang, c, "ok.labelled", func() (casework.Result, error) { return ac.cases.Relabel(ctx, req, l) },
			labelName(lang, l))
	case verbBack:
		ac.out.toast(ctx, q.ID, "", false)
		if hasMsg {
			ac.out.editMarkup(ctx, chat, msgID, ac.view.caseKeyboard(ac.recs.chatLang(ctx, chat), c, m, tok))
		}
	}
}

// plain strips our HTML for a toast.
func plain(html string) string { return visible(html) }

// transition runs a manager's change to a case (change, which queues the
// alert edit with it) and answers the press; the pressed message is
// refreshed at once when it is not one of the alerts the edit will reach
// (a /case view).
func (ac *actions) transition(ctx context.Context, q *models.CallbackQuery, lang string, c core.Case, okKey string,
	change func() (casework.Result, error), extra ...any) {
	res, err := change()
	switch {
	case errors.Is(err, casework.ErrNoChange):
		ac.out.toast(ctx, q.ID, msg(lang, "ok.nochange"), false)
		ac.refreshPressed(ctx, q, c)
		return
	case errors.Is(err, casework.ErrClosed):
		ac.out.toast(ctx, q.ID, plain(ac.view.closedNote(lang, res.Case)), true)
		ac.refreshPressed(ctx, q, res.Case)
		return
	case errors.Is(err, casework.ErrCannotHide):
		key := "err.nohide"
		if ac.cases.Capabilities(c.Platform).Hide {
			key = "err.nohide.this" // the platform can, not for this mention
		}
		ac.out.toast(ctx, q.ID, msg(lang, key, platformName(lang, c.Platform)), true)
		return
	case err != nil:
		ac.logger.Error("could not update a case", "case_id", c.ID, "error", err)
		ac.out.toast(ctx, q.ID, msg(lang, "err.internal"), false)
		return
	}
	args := append([]any{id(lang, c.ID)}, extra...)
	ac.out.toast(ctx, q.ID, msg(lang, okKey, args...), false)
	ac.refreshPressed(ctx, q, res.Case)
}

// refreshPressed redraws the message a button was pressed on when the
// alert edit will not reach it: a /case view, or an alert whose keyboard a
// manager switched to the label chooser.
func (ac *actions) refreshPressed(ctx context.Context, q *models.CallbackQuery, c core.Case) {
	chat, msgID, ok := callbackMessage(q)
	if !ok || c.ID == 0 {
		return
	}
	if slices.Contains(refs(c.Alerts), ref(chat, msgID)) {
		// The queued case update edits it; but restore its main keyboard
		// now in case it shows the label chooser.
		if q.Message.Message != nil && q.Message.Message.ReplyMarkup != nil && isLabelChooser(q.Message.Message.ReplyMarkup) {
			m, err := ac.st.Mention(ctx, c.MentionKey)
			tok, err2 := ac.recs.caseToken(ctx, c.ID)
			if err == nil && err2 == nil {
				ac.out.editMarkup(ctx, chat, msgID, ac.view.caseKeyboard(ac.recs.chatLang(ctx, chat), c, m, tok))
			}
		}
		return
	}
	var rec msgRec
	if found, _ := ac.recs.getRec(ctx, core.SpaceMessages, ref(chat, msgID), &rec); !found || rec.Kind != msgAlert {
		return
	}
	m, err := ac.st.Mention(ctx, c.MentionKey)
	if err != nil {
		return
	}
	tok, err := ac.recs.caseToken(ctx, c.ID)
	if err != nil {
		return
	}
	lang := ac.recs.chatLang(ctx, chat)
	if err := ac.out.edit(ctx, chat, msgID, ac.view.renderCaseView(ctx, lang, c, m), ac.view.caseKeyboard(lang, c, m, tok)); err != nil {
		ac.logger.Debug("could not refresh a case view", "error", err)
	}
}

func isLabelChooser(kb *models.InlineKeyboardMarkup) bool {
	for _, row := range kb.InlineKeyboard {
		for _, btn := range row {
			if strings.HasPrefix(btn.CallbackData, string(verbLabel)+":") {
				return true
			}
		}
	}
	return false
}

func (ac *actions) onApprovalButton(ctx context.Context, q *models.CallbackQuery, mgr Manager, lang string, v verb, tok string) {
	chat, msgID, _ := callbackMessage(q)
	if !ac.cfg.ThankApproval {
		ac.out.toast(ctx, q.ID, msg(lang, "approval.off"), true)
		return
	}
	switch v {
	case verbThankSend, verbThankSkip:
		if ok, note := ac.decideApproval(ctx, mgr, lang, tok, v == verbThankSkip, ""); !ok {
			ac.out.toast(ctx, q.ID, plain(note), true)
			return
		}
		ac.out.toast(ctx, q.ID, "", false)
	case verbThankEdit:
		a, found, err := ac.cases.Approval(ctx, tok)
		if err != nil || !found {
			ac.stale(ctx, q, lang, "approval gone")
			return
		}
		if a.State != casework.ApprovalPending {
			ac.out.toast(ctx, q.ID, msg(lang, "approval.done", plain(ac.view.decision(lang, a))), true)
			return
		}
		ac.out.toast(ctx, q.ID, "", false)
		ac.prompt(ctx, mgr, lang, chat, msgID, promptRec{Kind: promptThanks, Token: tok})
	}
}

// decideApproval sends (with the draft, or text when a manager rewrote
// it) or skips a drafted thank-you, then redraws every copy of the draft.
// When this call did not decide, it returns what to tell the manager.
func (ac *actions) decideApproval(ctx context.Context, mgr Manager, lang, tok string, skip bool, text string) (bool, string) {
	var err error
	if skip {
		_, err = ac.cases.Skip(ctx, tok, mgr.Name)
	} else {
		_, err = ac.cases.Approve(ctx, tok, mgr.Name, text)
	}
	var decided *casework.DecidedError
	switch {
	case errors.As(err, &decided):
		return false, msg(lang, "approval.done", ac.view.decision(lang, decided.Approval))
	case errors.Is(err, core.ErrNotFound):
		return false, msg(lang, "err.stale")
	case err != nil:
		ac.logger.Error("could not record a thank-you decision", "error", err)
		return false, msg(lang, "err.internal")
	}
	ac.redrawApproval(ctx, tok)
	return true, ""
}

// redrawApproval updates every copy of a draft to show the decision.
func (ac *actions) redrawApproval(ctx context.Context, tok string) {
	rec, found, err := ac.cases.Approval(ctx, tok)
	if err != nil || !found {
		return
	}
	var m *core.Mention
	if mm, err := ac.st.Mention(ctx, rec.Mention); err == nil {
		m = &mm
	}
	for _, r := range rec.Refs {
		chat, msgID, ok := parseRef(r)
		if !ok {
			continue
		}
		lang := ac.recs.chatLang(ctx, chat)
		if err := ac.out.edit(ctx, chat, msgID, ac.view.renderApproval(lang, rec, m), nil); err != nil && !isGone(err) {
			ac.logger.Warn("could not update a thank-you draft", "chat_id", chat, "error", err)
		}
	}
}

func (ac *actions) onResendButton(ctx context.Context, q *models.CallbackQuery, mgr Manager, lang string, args []string, rec tokenRec) {
	i, err := strconv.Atoi(strings.Join(args, ""))
	if err != nil || i < 0 || i >= len(rec.Actions) {
		ac.stale(ctx, q, lang, "unknown action")
		return
	}
	actionID := rec.Actions[i]
	if err := ac.cases.Resend(ctx, mgr.Name, actionID); err != nil {
		ac.logger.Error("could not queue an action again", "action_id", actionID, "error", err)
		ac.out.toast(ctx, q.ID, msg(lang, "err.internal"), false)
		return
	}
	ac.out.toast(ctx, q.ID, msg(lang, "ok.resent", id(lang, actionID)), false)
}

// onUndoButton withdraws a manager's reply the outbox has not sent yet.
func (ac *actions) onUndoButton(ctx context.Context, q *models.CallbackQuery, mgr Manager, lang string, rec tokenRec, origin string) {
	if len(rec.Actions) != 1 {
		ac.stale(ctx, q, lang, "undo token without its reply")
		return
	}
	chat, msgID, hasMsg := callbackMessage(q)
	c, err := ac.cases.Withdraw(ctx, mgr.Name, origin, rec.Actions[0])
	switch {
	case errors.Is(err, casework.ErrTooLate):
		ac.out.toast(ctx, q.ID, msg(lang, "err.toolate"), true)
		if hasMsg {
			ac.out.editMarkup(ctx, chat, msgID, &inlineKeyboard{InlineKeyboard: [][]button{}})
		}
		return
	case err != nil:
		ac.logger.Error("could not withdraw a reply", "action_id", rec.Actions[0], "error", err)
		ac.out.toast(ctx, q.ID, msg(lang, "err.internal"), false)
		return
	}
	ac.out.toast(ctx, q.ID, "", false)
	if hasMsg {
		ac.out.edit(ctx, chat, msgID, lines(lang, msg(lang, "ok.withdrawn", id(lang, c.ID), esc(mgr.Name))), nil)
	}
}
