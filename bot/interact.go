package bot

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/go-telegram/bot/models"

	"github.com/shenava/shenava/casework"
	"github.com/shenava/shenava/core"
)

// Managers' text: prompts that ask for it, and what it does when it comes
// (a reply to a case, an edited thank-you).

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
	if sent.ID != 0 {
		if err := ac.recs.putRec(ctx, core.SpaceMessages, ref(chat, sent.ID), msgRec{Kind: msgPrompt, Prompt: &p}); err != nil {
			ac.logger.Error("could not remember a prompt", "error", err)
		}
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
