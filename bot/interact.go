package bot

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/shenava/shenava/casework"
	"github.com/shenava/shenava/core"
)

// errNoChange stops a case update that would change nothing (a second tap
// on Claim, the same label again), so nothing is written or sent.
var errNoChange = errors.New("nothing to change")

var noPreview = &models.LinkPreviewOptions{IsDisabled: tgbot.True()}

// sendRetrying sends a message for an interactive answer: it waits out a
// rate limit (up to maxInteractiveWait) and retries a transient failure
// once. The outbox-driven methods never wait: they return the rate limit.
func (b *Bot) sendRetrying(ctx context.Context, p *tgbot.SendMessageParams) (*models.Message, error) {
	for attempt := 0; ; attempt++ {
		m, err := b.api.sendMessage(ctx, p)
		if err == nil || attempt >= 2 || ctx.Err() != nil {
			return m, err
		}
		wait, limited := core.RetryAfter(err)
		switch {
		case limited && wait <= maxInteractiveWait:
			wait = max(wait, time.Second)
			b.logger.Warn("rate limited by telegram; waiting before answering", "wait", wait)
		case !limited && !errors.Is(err, core.ErrPermanent) && !errors.Is(err, core.ErrUnauthorized) && attempt == 0:
			wait = backoff(1)
		default:
			return m, err
		}
		if b.sleep(ctx, wait) != nil {
			return m, err
		}
	}
}

// reply sends our HTML to a chat, as a reply to replyTo when it is not 0,
// split at line breaks when it is too long (the markup goes on the last
// piece). It returns the last message sent; failures are logged.
func (b *Bot) reply(ctx context.Context, chat int64, replyTo int, html string, markup any) (*models.Message, bool) {
	parts := splitHTML(html, maxText)
	var last *models.Message
	for i, part := range parts {
		p := &tgbot.SendMessageParams{ChatID: chat, Text: part, ParseMode: models.ParseModeHTML, LinkPreviewOptions: noPreview}
		if i == 0 && replyTo != 0 {
			p.ReplyParameters = &models.ReplyParameters{MessageID: replyTo, AllowSendingWithoutReply: true}
		}
		if i == len(parts)-1 && markup != nil {
			p.ReplyMarkup = markup
		}
		m, err := b.sendRetrying(ctx, p)
		if err != nil {
			if ctx.Err() == nil {
				b.logger.Warn("could not answer in chat", "chat_id", chat, "error", err)
			}
			return last, false
		}
		last = m
	}
	return last, last != nil
}

// toast answers a button press; every press must be answered or the
// client keeps spinning.
func (b *Bot) toast(ctx context.Context, queryID, text string, alert bool) {
	text, _ = cut(text, maxToast)
	err := b.api.answerCallbackQuery(ctx, &tgbot.AnswerCallbackQueryParams{CallbackQueryID: queryID, Text: text, ShowAlert: alert})
	if err != nil && ctx.Err() == nil {
		b.logger.Warn("could not answer a button press", "error", err)
	}
}

// edit replaces one of our messages; "not modified" counts as done.
func (b *Bot) edit(ctx context.Context, chat int64, msgID int, html string, markup any) error {
	p := &tgbot.EditMessageTextParams{ChatID: chat, MessageID: msgID, Text: html, ParseMode: models.ParseModeHTML,
		LinkPreviewOptions: noPreview}
	if markup != nil {
		p.ReplyMarkup = markup
	}
	err := b.api.editMessageText(ctx, p)
	if err == nil || isNotModified(err) {
		return nil
	}
	return err
}

func (b *Bot) editMarkup(ctx context.Context, chat int64, msgID int, markup any) {
	err := b.api.editMessageReplyMarkup(ctx, &tgbot.EditMessageReplyMarkupParams{ChatID: chat, MessageID: msgID, ReplyMarkup: markup})
	if err != nil && !isNotModified(err) && ctx.Err() == nil {
		b.logger.Warn("could not change a message's buttons", "chat_id", chat, "error", err)
	}
}

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
	sent, ok := b.reply(ctx, chat, replyTo, rtlLine(lang, text), forceReply{ForceReply: true, Selective: true, InputFieldPlaceholder: placeholder})
	if !ok {
		return
	}
	p.User, p.Chat, p.Msg, p.At = mgr.ID, chat, sent.ID, b.now()
	if err := b.putRec(ctx, core.SpaceMessages, ref(chat, sent.ID), msgRec{Kind: msgPrompt, Prompt: &p}); err != nil {
		b.logger.Error("could not remember a prompt", "error", err)
	}
	if err := b.putRec(ctx, core.SpacePrompts, strconv.FormatInt(mgr.ID, 10), p); err != nil {
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
	lang := b.lang(ctx, mgr.ID)
	chat := m.Chat.ID
	origin := "msg:" + ref(chat, m.ID)
	me := b.self()
	if r := m.ReplyToMessage; r != nil && me != nil && r.From != nil && r.From.ID == me.ID {
		var rec msgRec
		found, err := b.getRec(ctx, core.SpaceMessages, ref(chat, r.ID), &rec)
		if err != nil {
			b.logger.Error("could not look up a replied message", "error", err)
			b.reply(ctx, chat, m.ID, msg(lang, "err.internal"), nil)
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
			b.reply(ctx, chat, m.ID, msg(lang, "reply.unknown"), nil)
		}
		return
	}
	if m.Chat.Type != models.ChatTypePrivate {
		return // managers talking among themselves in the alert chat
	}
	var p promptRec
	found, err := b.getRec(ctx, core.SpacePrompts, strconv.FormatInt(mgr.ID, 10), &p)
	if err == nil && found && p.Chat == chat && b.now().Sub(p.At) < b.cfg.PromptTTL {
		b.completePrompt(ctx, mgr, lang, m, p, text, origin)
		return
	}
	b.reply(ctx, chat, m.ID, msg(lang, "reply.unknown"), nil)
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
	if found, _ := b.getRec(ctx, core.SpacePrompts, strconv.FormatInt(mgr.ID, 10), &cur); found && cur.Msg == p.Msg && cur.Chat == p.Chat {
		b.st.BotDelete(ctx, core.SpacePrompts, strconv.FormatInt(mgr.ID, 10))
	}
}

// thanksFromText sends a thank-you a manager rewrote.
func (b *Bot) thanksFromText(ctx context.Context, mgr Manager, lang string, m *models.Message, tok, text string) bool {
	ok, note := b.decideApproval(ctx, mgr, lang, tok, false, text)
	if !ok {
		b.reply(ctx, m.Chat.ID, m.ID, lines(lang, note), nil)
		return false
	}
	b.reply(ctx, m.Chat.ID, m.ID, lines(lang, msg(lang, "approval.edited", esc(mgr.Name))), nil)
	return true
}

// replyToCase queues a manager's text as the case's public or private
// reply and confirms it. It reports whether the reply was queued.
func (b *Bot) replyToCase(ctx context.Context, mgr Manager, lang string, m *models.Message, caseID uint64, text string, private bool, origin string) bool {
	chat := m.Chat.ID
	res, err := b.cases.Answer(ctx, casework.Request{Case: caseID, Actor: mgr.Name, Origin: origin}, text, casework.How{Private: private})
	switch {
	case errors.Is(err, casework.ErrCannotAnswer):
		b.reply(ctx, chat, m.ID, b.cannotAnswerNote(lang, res.Mention, private), nil)
		return false
	case errors.Is(err, casework.ErrClosed):
		b.reply(ctx, chat, m.ID, b.closedNote(lang, res.Case), nil)
		return false
	case err != nil:
		b.logger.Error("could not queue a reply", "case_id", caseID, "error", err)
		b.reply(ctx, chat, m.ID, msg(lang, "err.internal"), nil)
		return false
	}
	key := "reply.queued.public"
	if private {
		key = "reply.queued.private"
	}
	quoted, _ := cut(res.Text, 1000)
	confirm, kb := b.undoable(ctx, lang, res.Reply, msg(lang, key, id(lang, caseID), userText("<blockquote>"+esc(quoted)+"</blockquote>")))
	b.reply(ctx, chat, m.ID, confirm, kb)
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
	tok, err := b.token(ctx, tokenRec{Kind: tokenUndo, Case: reply.CaseID, Actions: []uint64{reply.ID}})
	if err != nil {
		b.logger.Error("could not make an undo button", "action_id", reply.ID, "error", err)
		return lines(lang, confirm), nil
	}
	return lines(lang, confirm, msg(lang, "undo.note", seconds(lang, window))),
		&inlineKeyboard{InlineKeyboard: [][]button{{{Text: msg(lang, "btn.undo"), CallbackData: cb(verbUndo, tok)}}}}
}

// cannotAnswerNote says the mention's platform does not allow a public (or
// private) answer.
func (b *Bot) cannotAnswerNote(lang string, m core.Mention, private bool) string {
	if private {
		return msg(lang, "err.noprivate", platformName(lang, m.Platform))
	}
	return msg(lang, "err.nopublic", platformName(lang, m.Platform))
}

// closedNote says a case is closed and by whom.
func (b *Bot) closedNote(lang string, c core.Case) string {
	how := ""
	switch c.State {
	case core.CaseResolved:
		how = msg(lang, "status.resolved", esc(c.ClosedBy))
	case core.CaseIgnored:
		how = msg(lang, "status.ignored", esc(c.ClosedBy))
	}
	return msg(lang, "err.closed", id(lang, c.ID), how)
}
