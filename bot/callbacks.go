package bot

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/go-telegram/bot/models"

	"github.com/shenava/shenava/casework"
	"github.com/shenava/shenava/core"
)

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

func (b *Bot) onCallback(ctx context.Context, q *models.CallbackQuery) {
	mgr, ok := b.manager(&q.From)
	if !ok || b.ignorable(&q.From) {
		b.logger.Info("refused a button press from a user who is not a manager", "user_id", q.From.ID)
		b.out.toast(ctx, q.ID, msg(strangerLang(&q.From), "refuse", b.brandName()), false)
		return
	}
	lang := b.recs.lang(ctx, mgr.ID)
	chat, msgID, hasMsg := callbackMessage(q)
	parts := strings.Split(q.Data, ":")
	v := verb(parts[0])
	if v == verbPage && len(parts) == 2 && hasMsg {
		// Paging /pending reads only; it needs no token.
		offset, err := strconv.Atoi(parts[1])
		if err != nil || offset < 0 {
			b.out.toast(ctx, q.ID, msg(lang, "err.stale"), false)
			return
		}
		b.sendPending(ctx, chat, msgID, lang, offset)
		b.out.toast(ctx, q.ID, "", false)
		return
	}
	if len(parts) < 2 {
		b.stale(ctx, q, lang, "malformed")
		return
	}
	tok, args := parts[len(parts)-1], parts[1:len(parts)-1]
	var rec tokenRec
	found, err := b.recs.getRec(ctx, core.SpaceCallbacks, tok, &rec)
	switch {
	case err != nil:
		b.logger.Error("could not look up a button", "error", err)
		b.out.toast(ctx, q.ID, msg(lang, "err.internal"), false)
		return
	case !found:
		b.stale(ctx, q, lang, "unknown token")
		return
	case !slices.Contains(tokenVerbs[rec.Kind], v):
		b.stale(ctx, q, lang, "verb does not fit the token")
		return
	}
	origin := "cb:" + q.ID
	switch rec.Kind {
	case tokenCase:
		b.onCaseButton(ctx, q, mgr, lang, v, args, rec.Case, tok, origin)
	case tokenApproval:
		b.onApprovalButton(ctx, q, mgr, lang, v, tok)
	case tokenResend:
		b.onResendButton(ctx, q, mgr, lang, args, rec)
	case tokenUndo:
		b.onUndoButton(ctx, q, mgr, lang, rec, origin)
	}
}

// stale answers a press that matches nothing we issued: forged, or older
// than the retention.
func (b *Bot) stale(ctx context.Context, q *models.CallbackQuery, lang, why string) {
	b.logger.Warn("button press matches nothing the bot issued", "user_id", q.From.ID, "why", why)
	b.out.toast(ctx, q.ID, msg(lang, "err.stale"), false)
}

func (b *Bot) onCaseButton(ctx context.Context, q *models.CallbackQuery, mgr Manager, lang string, v verb, args []string, caseID uint64, tok, origin string) {
	chat, msgID, hasMsg := callbackMessage(q)
	c, m, err := b.cases.Load(ctx, caseID)
	if errors.Is(err, core.ErrNotFound) {
		b.stale(ctx, q, lang, "case gone")
		return
	}
	if err != nil {
		b.logger.Error("could not load a case", "case_id", caseID, "error", err)
		b.out.toast(ctx, q.ID, msg(lang, "err.internal"), false)
		return
	}
	req := casework.Request{Case: c.ID, Actor: mgr.Name, Origin: origin}
	switch v {
	case verbNoPublic, verbNoPrivate:
		b.out.toast(ctx, q.ID, b.view.cannotAnswerNote(lang, m, v == verbNoPrivate), true)
	case verbReplyPublic, verbReplyPrivate:
		private := v == verbReplyPrivate
		if !c.State.Open() {
			b.out.toast(ctx, q.ID, plain(b.view.closedNote(lang, c)), true)
			return
		}
		if err := b.cases.CanAnswer(m.Platform, private); err != nil || !hasMsg {
			note := ""
			if err != nil {
				note = b.view.cannotAnswerNote(lang, m, private)
			}
			b.out.toast(ctx, q.ID, note, true)
			return
		}
		note := ""
		if private && m.Platform == core.PlatformTelegram {
			note = msg(lang, "err.tgprivate")
		}
		b.out.toast(ctx, q.ID, note, note != "")
		b.prompt(ctx, mgr, lang, chat, msgID, promptRec{Kind: promptReply, Case: c.ID, Private: private})
	case verbTemplates:
		if !c.State.Open() {
			b.out.toast(ctx, q.ID, plain(b.view.closedNote(lang, c)), true)
			return
		}
		b.out.toast(ctx, q.ID, "", false)
		if len(b.cases.Templates()) == 0 {
			b.out.reply(ctx, chat, msgID, msg(lang, "tpl.none"), nil)
			return
		}
		text, kb := b.view.renderTemplates(lang, c, m, tok)
		b.out.reply(ctx, chat, msgID, text, kb)
	case verbTemplatePublic, verbTemplatePrivate:
		i, err := strconv.Atoi(strings.Join(args, ""))
		if err != nil {
			i = -1
		}
		private := v == verbTemplatePrivate
		res, err := b.cases.AnswerTemplate(ctx, req, i, casework.How{Private: private})
		switch {
		case errors.Is(err, casework.ErrNoTemplate):
			b.out.toast(ctx, q.ID, msg(lang, "err.notemplate"), true)
		case errors.Is(err, casework.ErrCannotAnswer):
			b.out.toast(ctx, q.ID, b.view.cannotAnswerNote(lang, m, private), true)
		case errors.Is(err, casework.ErrClosed):
			b.out.toast(ctx, q.ID, plain(b.view.closedNote(lang, res.Case)), true)
		case err != nil:
			b.logger.Error("could not queue a template reply", "case_id", c.ID, "error", err)
			b.out.toast(ctx, q.ID, msg(lang, "err.internal"), false)
		default:
			key := "ok.queued.public"
			if private {
				key = "ok.queued.private"
			}
			b.out.toast(ctx, q.ID, msg(lang, key, id(lang, c.ID)), false)
			if hasMsg {
				text, kb := b.undoable(ctx, lang, res.Reply, msg(lang, "tpl.used", esc(res.Template.Name), id(lang, c.ID)))
				b.out.edit(ctx, chat, msgID, text, kb)
			}
		}
	case verbClaim:
		b.transition(ctx, q, lang, c, "ok.claimed", func() (casework.Result, error) { return b.cases.Claim(ctx, req) })
	case verbResolve:
		b.transition(ctx, q, lang, c, "ok.resolved", func() (casework.Result, error) { return b.cases.Resolve(ctx, req) })
	case verbIgnore:
		b.transition(ctx, q, lang, c, "ok.ignored", func() (casework.Result, error) { return b.cases.Ignore(ctx, req) })
	case verbWrongLabel:
		b.out.toast(ctx, q.ID, "", false)
		if hasMsg {
			b.out.editMarkup(ctx, chat, msgID, b.view.labelKeyboard(b.recs.chatLang(ctx, chat), c, tok))
		}
	case verbLabel:
		l, ok := labelOf(strings.Join(args, ""))
		if !ok {
			b.stale(ctx, q, lang, "unknown label")
			return
		}
		b.transition(ctx, q, lang, c, "ok.labelled", func() (casework.Result, error) { return b.cases.Relabel(ctx, req, l) },
			labelName(lang, l))
	case verbBack:
		b.out.toast(ctx, q.ID, "", false)
		if hasMsg {
			b.out.editMarkup(ctx, chat, msgID, b.view.caseKeyboard(b.recs.chatLang(ctx, chat), c, m, tok))
		}
	}
}

// plain strips our HTML for a toast.
func plain(html string) string { return visible(html) }

// transition runs a manager's change to a case (change, which queues the
// alert edit with it) and answers the press; the pressed message is
// refreshed at once when it is not one of the alerts the edit will reach
// (a /case view).
func (b *Bot) transition(ctx context.Context, q *models.CallbackQuery, lang string, c core.Case, okKey string,
	change func() (casework.Result, error), extra ...any) {
	res, err := change()
	switch {
	case errors.Is(err, casework.ErrNoChange):
		b.out.toast(ctx, q.ID, msg(lang, "ok.nochange"), false)
		b.refreshPressed(ctx, q, c)
		return
	case errors.Is(err, casework.ErrClosed):
		b.out.toast(ctx, q.ID, plain(b.view.closedNote(lang, res.Case)), true)
		b.refreshPressed(ctx, q, res.Case)
		return
	case err != nil:
		b.logger.Error("could not update a case", "case_id", c.ID, "error", err)
		b.out.toast(ctx, q.ID, msg(lang, "err.internal"), false)
		return
	}
	args := append([]any{id(lang, c.ID)}, extra...)
	b.out.toast(ctx, q.ID, msg(lang, okKey, args...), false)
	b.refreshPressed(ctx, q, res.Case)
}

// refreshPressed redraws the message a button was pressed on when the
// alert edit will not reach it: a /case view, or an alert whose keyboard a
// manager switched to the label chooser.
func (b *Bot) refreshPressed(ctx context.Context, q *models.CallbackQuery, c core.Case) {
	chat, msgID, ok := callbackMessage(q)
	if !ok || c.ID == 0 {
		return
	}
	if slices.Contains(refs(c.Alerts), ref(chat, msgID)) {
		// The queued case update edits it; but restore its main keyboard
		// now in case it shows the label chooser.
		if q.Message.Message != nil && q.Message.Message.ReplyMarkup != nil && isLabelChooser(q.Message.Message.ReplyMarkup) {
			m, err := b.st.Mention(ctx, c.MentionKey)
			tok, err2 := b.recs.caseToken(ctx, c.ID)
			if err == nil && err2 == nil {
				b.out.editMarkup(ctx, chat, msgID, b.view.caseKeyboard(b.recs.chatLang(ctx, chat), c, m, tok))
			}
		}
		return
	}
	var rec msgRec
	if found, _ := b.recs.getRec(ctx, core.SpaceMessages, ref(chat, msgID), &rec); !found || rec.Kind != msgAlert {
		return
	}
	m, err := b.st.Mention(ctx, c.MentionKey)
	if err != nil {
		return
	}
	tok, err := b.recs.caseToken(ctx, c.ID)
	if err != nil {
		return
	}
	lang := b.recs.chatLang(ctx, chat)
	if err := b.out.edit(ctx, chat, msgID, b.view.renderCaseView(ctx, lang, c, m), b.view.caseKeyboard(lang, c, m, tok)); err != nil {
		b.logger.Debug("could not refresh a case view", "error", err)
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

func (b *Bot) onApprovalButton(ctx context.Context, q *models.CallbackQuery, mgr Manager, lang string, v verb, tok string) {
	chat, msgID, _ := callbackMessage(q)
	if !b.cfg.ThankApproval {
		b.out.toast(ctx, q.ID, msg(lang, "approval.off"), true)
		return
	}
	switch v {
	case verbThankSend, verbThankSkip:
		if ok, note := b.decideApproval(ctx, mgr, lang, tok, v == verbThankSkip, ""); !ok {
			b.out.toast(ctx, q.ID, plain(note), true)
			return
		}
		b.out.toast(ctx, q.ID, "", false)
	case verbThankEdit:
		a, found, err := b.cases.Approval(ctx, tok)
		if err != nil || !found {
			b.stale(ctx, q, lang, "approval gone")
			return
		}
		if a.State != casework.ApprovalPending {
			b.out.toast(ctx, q.ID, msg(lang, "approval.done", plain(b.view.decision(lang, a))), true)
			return
		}
		b.out.toast(ctx, q.ID, "", false)
		b.prompt(ctx, mgr, lang, chat, msgID, promptRec{Kind: promptThanks, Token: tok})
	}
}

// decideApproval sends (with the draft, or text when a manager rewrote
// it) or skips a drafted thank-you, then redraws every copy of the draft.
// When this call did not decide, it returns what to tell the manager.
func (b *Bot) decideApproval(ctx context.Context, mgr Manager, lang, tok string, skip bool, text string) (bool, string) {
	var err error
	if skip {
		_, err = b.cases.Skip(ctx, tok, mgr.Name)
	} else {
		_, err = b.cases.Approve(ctx, tok, mgr.Name, text)
	}
	var decided *casework.DecidedError
	switch {
	case errors.As(err, &decided):
		return false, msg(lang, "approval.done", b.view.decision(lang, decided.Approval))
	case errors.Is(err, core.ErrNotFound):
		return false, msg(lang, "err.stale")
	case err != nil:
		b.logger.Error("could not record a thank-you decision", "error", err)
		return false, msg(lang, "err.internal")
	}
	b.redrawApproval(ctx, tok)
	return true, ""
}

// redrawApproval updates every copy of a draft to show the decision.
func (b *Bot) redrawApproval(ctx context.Context, tok string) {
	rec, found, err := b.cases.Approval(ctx, tok)
	if err != nil || !found {
		return
	}
	var m *core.Mention
	if mm, err := b.st.Mention(ctx, rec.Mention); err == nil {
		m = &mm
	}
	for _, r := range rec.Refs {
		chat, msgID, ok := parseRef(r)
		if !ok {
			continue
		}
		lang := b.recs.chatLang(ctx, chat)
		if err := b.out.edit(ctx, chat, msgID, b.view.renderApproval(lang, rec, m), nil); err != nil && !isGone(err) {
			b.logger.Warn("could not update a thank-you draft", "chat_id", chat, "error", err)
		}
	}
}

func (b *Bot) onResendButton(ctx context.Context, q *models.CallbackQuery, mgr Manager, lang string, args []string, rec tokenRec) {
	i, err := strconv.Atoi(strings.Join(args, ""))
	if err != nil || i < 0 || i >= len(rec.Actions) {
		b.stale(ctx, q, lang, "unknown action")
		return
	}
	actionID := rec.Actions[i]
	if err := b.cases.Resend(ctx, mgr.Name, actionID); err != nil {
		b.logger.Error("could not queue an action again", "action_id", actionID, "error", err)
		b.out.toast(ctx, q.ID, msg(lang, "err.internal"), false)
		return
	}
	b.out.toast(ctx, q.ID, msg(lang, "ok.resent", id(lang, actionID)), false)
}

// onUndoButton withdraws a manager's reply the outbox has not sent yet.
func (b *Bot) onUndoButton(ctx context.Context, q *models.CallbackQuery, mgr Manager, lang string, rec tokenRec, origin string) {
	if len(rec.Actions) != 1 {
		b.stale(ctx, q, lang, "undo token without its reply")
		return
	}
	chat, msgID, hasMsg := callbackMessage(q)
	c, err := b.cases.Withdraw(ctx, mgr.Name, origin, rec.Actions[0])
	switch {
	case errors.Is(err, casework.ErrTooLate):
		b.out.toast(ctx, q.ID, msg(lang, "err.toolate"), true)
		if hasMsg {
			b.out.editMarkup(ctx, chat, msgID, &inlineKeyboard{InlineKeyboard: [][]button{}})
		}
		return
	case err != nil:
		b.logger.Error("could not withdraw a reply", "action_id", rec.Actions[0], "error", err)
		b.out.toast(ctx, q.ID, msg(lang, "err.internal"), false)
		return
	}
	b.out.toast(ctx, q.ID, "", false)
	if hasMsg {
		b.out.edit(ctx, chat, msgID, lines(lang, msg(lang, "ok.withdrawn", id(lang, c.ID), esc(mgr.Name))), nil)
	}
}
