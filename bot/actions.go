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

func mentionLink(m Manager) string {
	return `<a href="tg://user?id=` + strconv.FormatInt(m.ID, 10) + `">` + esc(m.Name) + "</a>"
}

// prompt asks a manager for text with a force-reply message and remembers
// what the text is for.
func (ac *actions) prompt(ctx context.Context, mgr Manager, lang string, chat int64, replyTo int, p promptRec) {
	var text, placeholder string
	switch {
	case p.Kind == promptThanks:
		text, placeholder = msg(lang, "prompt.thanks", mentionLink(mgr)), msg(lang, "prompt.placeholder.thanks")
	case p.Private:
		text, placeholder = msg(lang, "prompt.private", mentionLink(mgr), id(lang, p.Case)), msg(lang, "prompt.placeholder.private")
	default:
		text, placeholder = msg(lang, "prompt.public", mentionLink(mgr), id(lang, p.Case)), msg(lang, "prompt.placeholder.public")
	}
	sent, ok := ac.out.reply(ctx, chat, replyTo, rtlLine(lang, text), forceReply{ForceReply: true, Selective: true, InputFieldPlaceholder: placeholder})
	if !ok {
		return
	}
	p.User, p.Chat, p.Msg, p.At = mgr.ID, chat, sent.ID, ac.now()
	if err := ac.recs.putRec(ctx, core.SpaceMessages, ref(chat, sent.ID), msgRec{Kind: msgPrompt, Prompt: &p}); err != nil {
		ac.logger.Error("could not remember a prompt", "error", err)
	}
	if err := ac.recs.putRec(ctx, core.SpacePrompts, strconv.FormatInt(mgr.ID, 10), p); err != nil {
		ac.logger.Error("could not remember a prompt", "error", err)
	}
}

func rtlLine(lang, s string) string { return lines(lang, s) }

// onManagerText handles text a manager typed: the answer to a prompt, a
// reply to an alert (a public reply), an edited thank-you, or nothing we
// understand.
func (ac *actions) onManagerText(ctx context.Context, mgr Manager, m *models.Message) {
	text := strings.TrimSpace(m.Text)
	if text == "" {
		return
	}
	lang := ac.recs.lang(ctx, mgr.ID)
	chat := m.Chat.ID
	origin := "msg:" + ref(chat, m.ID)
	me := ac.self()
	if r := m.ReplyToMessage; r != nil && me != nil && r.From != nil && r.From.ID == me.ID {
		var rec msgRec
		found, err := ac.recs.getRec(ctx, core.SpaceMessages, ref(chat, r.ID), &rec)
		if err != nil {
			ac.logger.Error("could not look up a replied message", "error", err)
			ac.out.reply(ctx, chat, m.ID, msg(lang, "err.internal"), nil)
			return
		}
		switch {
		case found && rec.Kind == msgPrompt && rec.Prompt != nil:
			ac.completePrompt(ctx, mgr, lang, m, *rec.Prompt, text, origin)
		case found && rec.Kind == msgAlert:
			ac.replyToCase(ctx, mgr, lang, m, rec.Case, text, false, origin)
		case found && rec.Kind == msgApproval:
			ac.thanksFromText(ctx, mgr, lang, m, rec.Token, text)
		default:
			ac.out.reply(ctx, chat, m.ID, msg(lang, "reply.unknown"), nil)
		}
		return
	}
	if m.Chat.Type != models.ChatTypePrivate {
		return // managers talking among themselves in the alert chat
	}
	var p promptRec
	found, err := ac.recs.getRec(ctx, core.SpacePrompts, strconv.FormatInt(mgr.ID, 10), &p)
	if err == nil && found && p.Chat == chat && ac.now().Sub(p.At) < ac.cfg.PromptTTL {
		ac.completePrompt(ctx, mgr, lang, m, p, text, origin)
		return
	}
	ac.out.reply(ctx, chat, m.ID, msg(lang, "reply.unknown"), nil)
}

func (ac *actions) completePrompt(ctx context.Context, mgr Manager, lang string, m *models.Message, p promptRec, text, origin string) {
	var ok bool
	switch p.Kind {
	case promptThanks:
		ok = ac.thanksFromText(ctx, mgr, lang, m, p.Token, text)
	default:
		ok = ac.replyToCase(ctx, mgr, lang, m, p.Case, text, p.Private, origin)
	}
	if !ok {
		return
	}
	ac.st.BotDelete(ctx, core.SpaceMessages, ref(p.Chat, p.Msg))
	var cur promptRec
	if found, _ := ac.recs.getRec(ctx, core.SpacePrompts, strconv.FormatInt(mgr.ID, 10), &cur); found && cur.Msg == p.Msg && cur.Chat == p.Chat {
		ac.st.BotDelete(ctx, core.SpacePrompts, strconv.FormatInt(mgr.ID, 10))
	}
}

// thanksFromText sends a thank-you a manager rewrote.
func (ac *actions) thanksFromText(ctx context.Context, mgr Manager, lang string, m *models.Message, tok, text string) bool {
	ok, note := ac.decideApproval(ctx, mgr, lang, tok, false, text)
	if !ok {
		ac.out.reply(ctx, m.Chat.ID, m.ID, lines(lang, note), nil)
		return false
	}
	ac.out.reply(ctx, m.Chat.ID, m.ID, lines(lang, msg(lang, "approval.edited", esc(mgr.Name))), nil)
	return true
}

// replyToCase queues a manager's text as the case's public or private
// reply and confirms it. It reports whether the reply was queued.
func (ac *actions) replyToCase(ctx context.Context, mgr Manager, lang string, m *models.Message, caseID uint64, text string, private bool, origin string) bool {
	chat := m.Chat.ID
	res, err := ac.cases.Answer(ctx, casework.Request{Case: caseID, Actor: mgr.Name, Origin: origin}, text, casework.How{Private: private})
	switch {
	case errors.Is(err, casework.ErrCannotAnswer):
		ac.out.reply(ctx, chat, m.ID, ac.view.cannotAnswerNote(lang, res.Mention, private), nil)
		return false
	case errors.Is(err, casework.ErrClosed):
		ac.out.reply(ctx, chat, m.ID, ac.view.closedNote(lang, res.Case), nil)
		return false
	case err != nil:
		ac.logger.Error("could not queue a reply", "case_id", caseID, "error", err)
		ac.out.reply(ctx, chat, m.ID, msg(lang, "err.internal"), nil)
		return false
	}
	key := "reply.queued.public"
	if private {
		key = "reply.queued.private"
	}
	quoted, _ := cut(res.Text, 1000)
	confirm, kb := ac.undoable(ctx, lang, res.Reply, msg(lang, key, id(lang, caseID), userText("<blockquote>"+esc(quoted)+"</blockquote>")))
	ac.out.reply(ctx, chat, m.ID, confirm, kb)
	return true
}

// undoable renders the confirmation of a queued reply and, while the undo
// window is open, the Undo button that withdraws it. reply is nil when
// nothing new was queued (a redelivered update).
func (ac *actions) undoable(ctx context.Context, lang string, reply *core.Action, confirm string) (string, any) {
	window := ac.cases.UndoWindow()
	if reply == nil || window <= 0 {
		return lines(lang, confirm), nil
	}
	tok, err := ac.recs.token(ctx, tokenRec{Kind: tokenUndo, Case: reply.CaseID, Actions: []uint64{reply.ID}})
	if err != nil {
		ac.logger.Error("could not make an undo button", "action_id", reply.ID, "error", err)
		return lines(lang, confirm), nil
	}
	return lines(lang, confirm, msg(lang, "undo.note", seconds(lang, window))),
		&inlineKeyboard{InlineKeyboard: [][]button{{{Text: msg(lang, "btn.undo"), CallbackData: cb(verbUndo, tok)}}}}
}
