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

// errNoChange stops a case update that would change nothing (a second tap
// on Claim, the same label again), so nothing is written or sent.
var errNoChange = errors.New("nothing to change")

func mentionLink(m Manager) string {
	return `<a href="tg://user?id=` + strconv.FormatInt(m.ID, 10) + `">` + esc(m.Name) + "</a>"
}

// prompt asks a manager for text with a force-reply message and remembers
// what the text is for.
func (b *Bot) prompt(ctx context.Context, mgr Manager, lang string, chat int64, replyTo int, p promptRec) {
	var text, placeholder string
	switch {
	case p.Kind == promptThanks:
		text, placeholder = msg(lang, "prompt.thanks", mentionLink(mgr)), msg(lang, "prompt.placeholder.thanks")
	case p.Private:
		text, placeholder = msg(lang, "prompt.private", mentionLink(mgr), id(lang, p.Case)), msg(lang, "prompt.placeholder.private")
	default:
		text, placeholder = msg(lang, "prompt.public", mentionLink(mgr), id(lang, p.Case)), msg(lang, "prompt.placeholder.public")
	}
	sent, ok := b.out.reply(ctx, chat, replyTo, rtlLine(lang, text), forceReply{ForceReply: true, Selective: true, InputFieldPlaceholder: placeholder})
	if !ok {
		return
	}
	p.User, p.Chat, p.Msg, p.At = mgr.ID, chat, sent.ID, b.now()
	if err := b.recs.putRec(ctx, core.SpaceMessages, ref(chat, sent.ID), msgRec{Kind: msgPrompt, Prompt: &p}); err != nil {
		b.logger.Error("could not remember a prompt", "error", err)
	}
	if err := b.recs.putRec(ctx, core.SpacePrompts, strconv.FormatInt(mgr.ID, 10), p); err != nil {
		b.logger.Error("could not remember a prompt", "error", err)
	}
}

func rtlLine(lang, s string) string { return lines(lang, s) }

// onManagerText handles text a manager typed: the answer to a prompt, a
// reply to an alert (a public reply), an edited thank-you, or nothing we
// understand.
func (b *Bot) onManagerText(ctx context.Context, mgr Manager, m *models.Message) {
	text := strings.TrimSpace(m.Text)
	if text == "" {
		return
	}
	lang := b.recs.lang(ctx, mgr.ID)
	chat := m.Chat.ID
	origin := "msg:" + ref(chat, m.ID)
	me := b.self()
	if r := m.ReplyToMessage; r != nil && me != nil && r.From != nil && r.From.ID == me.ID {
		var rec msgRec
		found, err := b.recs.getRec(ctx, core.SpaceMessages, ref(chat, r.ID), &rec)
		if err != nil {
			b.logger.Error("could not look up a replied message", "error", err)
			b.out.reply(ctx, chat, m.ID, msg(lang, "err.internal"), nil)
			return
		}
		switch {
		case found && rec.Kind == msgPrompt && rec.Prompt != nil:
			b.completePrompt(ctx, mgr, lang, m, *rec.Prompt, text, origin)
		case found && rec.Kind == msgAlert:
			b.replyToCase(ctx, mgr, lang, m, rec.Case, text, false, origin)
		case found && rec.Kind == msgApproval:
			b.thanksFromText(ctx, mgr, lang, m, rec.Token, text)
		default:
			b.out.reply(ctx, chat, m.ID, msg(lang, "reply.unknown"), nil)
		}
		return
	}
	if m.Chat.Type != models.ChatTypePrivate {
		return // managers talking among themselves in the alert chat
	}
	var p promptRec
	found, err := b.recs.getRec(ctx, core.SpacePrompts, strconv.FormatInt(mgr.ID, 10), &p)
	if err == nil && found && p.Chat == chat && b.now().Sub(p.At) < b.cfg.PromptTTL {
		b.completePrompt(ctx, mgr, lang, m, p, text, origin)
		return
	}
	b.out.reply(ctx, chat, m.ID, msg(lang, "reply.unknown"), nil)
}

func (b *Bot) completePrompt(ctx context.Context, mgr Manager, lang string, m *models.Message, p promptRec, text, origin string) {
	var ok bool
	switch p.Kind {
	case promptThanks:
		ok = b.thanksFromText(ctx, mgr, lang, m, p.Token, text)
	default:
		ok = b.replyToCase(ctx, mgr, lang, m, p.Case, text, p.Private, origin)
	}
	if !ok {
		return
	}
	b.st.BotDelete(ctx, core.SpaceMessages, ref(p.Chat, p.Msg))
	var cur promptRec
	if found, _ := b.recs.getRec(ctx, core.SpacePrompts, strconv.FormatInt(mgr.ID, 10), &cur); found && cur.Msg == p.Msg && cur.Chat == p.Chat {
		b.st.BotDelete(ctx, core.SpacePrompts, strconv.FormatInt(mgr.ID, 10))
	}
}

// thanksFromText sends a thank-you a manager rewrote.
func (b *Bot) thanksFromText(ctx context.Context, mgr Manager, lang string, m *models.Message, tok, text string) bool {
	ok, note := b.decideApproval(ctx, mgr, lang, tok, false, text)
	if !ok {
		b.out.reply(ctx, m.Chat.ID, m.ID, lines(lang, note), nil)
		return false
	}
	b.out.reply(ctx, m.Chat.ID, m.ID, lines(lang, msg(lang, "approval.edited", esc(mgr.Name))), nil)
	return true
}

// replyToCase queues a manager's text as the case's public or private
// reply and confirms it. It reports whether the reply was queued.
func (b *Bot) replyToCase(ctx context.Context, mgr Manager, lang string, m *models.Message, caseID uint64, text string, private bool, origin string) bool {
	chat := m.Chat.ID
	res, err := b.cases.Answer(ctx, casework.Request{Case: caseID, Actor: mgr.Name, Origin: origin}, text, casework.How{Private: private})
	switch {
	case errors.Is(err, casework.ErrCannotAnswer):
		b.out.reply(ctx, chat, m.ID, b.view.cannotAnswerNote(lang, res.Mention, private), nil)
		return false
	case errors.Is(err, casework.ErrClosed):
		b.out.reply(ctx, chat, m.ID, b.view.closedNote(lang, res.Case), nil)
		return false
	case err != nil:
		b.logger.Error("could not queue a reply", "case_id", caseID, "error", err)
		b.out.reply(ctx, chat, m.ID, msg(lang, "err.internal"), nil)
		return false
	}
	key := "reply.queued.public"
	if private {
		key = "reply.queued.private"
	}
	quoted, _ := cut(res.Text, 1000)
	confirm, kb := b.undoable(ctx, lang, res.Reply, msg(lang, key, id(lang, caseID), userText("<blockquote>"+esc(quoted)+"</blockquote>")))
	b.out.reply(ctx, chat, m.ID, confirm, kb)
	return true
}

// undoable renders the confirmation of a queued reply and, while the undo
// window is open, the Undo button that withdraws it. reply is nil when
// nothing new was queued (a redelivered update).
func (b *Bot) undoable(ctx context.Context, lang string, reply *core.Action, confirm string) (string, any) {
	window := b.cases.UndoWindow()
	if reply == nil || window <= 0 {
		return lines(lang, confirm), nil
	}
	tok, err := b.recs.token(ctx, tokenRec{Kind: tokenUndo, Case: reply.CaseID, Actions: []uint64{reply.ID}})
	if err != nil {
		b.logger.Error("could not make an undo button", "action_id", reply.ID, "error", err)
		return lines(lang, confirm), nil
	}
	return lines(lang, confirm, msg(lang, "undo.note", seconds(lang, window))),
		&inlineKeyboard{InlineKeyboard: [][]button{{{Text: msg(lang, "btn.undo"), CallbackData: cb(verbUndo, tok)}}}}
}
