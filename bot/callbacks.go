package bot

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/go-telegram/bot/models"

	"github.com/shenava/shenava/core"
)

// Button data is "<verb>[:<arg>]:<token>". The token is random and only
// means something through its record in the store: a forged press (a
// token never issued, or one for something else) finds nothing and does
// nothing. Verbs a token kind does not know are refused the same way.
var tokenVerbs = map[string][]string{
	tokenCase:     {"rp", "rd", "xp", "xd", "tp", "tu", "tv", "cl", "rs", "ig", "wl", "lb", "bk"},
	tokenApproval: {"as", "ae", "ak"},
	tokenResend:   {"re"},
	tokenUndo:     {"un"},
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

func (b *Bot) onCallback(ctx context.Context, q *models.CallbackQuery) {
	mgr, ok := b.manager(&q.From)
	if !ok || b.ignorable(&q.From) {
		b.logger.Info("refused a button press from a user who is not a manager", "user_id", q.From.ID)
		b.toast(ctx, q.ID, msg(strangerLang(&q.From), "refuse", b.brandName()), false)
		return
	}
	lang := b.lang(ctx, mgr.ID)
	chat, msgID, hasMsg := callbackMessage(q)
	parts := strings.Split(q.Data, ":")
	verb := parts[0]
	if verb == "pg" && len(parts) == 2 && hasMsg {
		// Paging /pending reads only; it needs no token.
		offset, err := strconv.Atoi(parts[1])
		if err != nil || offset < 0 {
			b.toast(ctx, q.ID, msg(lang, "err.stale"), false)
			return
		}
		b.sendPending(ctx, chat, msgID, lang, offset)
		b.toast(ctx, q.ID, "", false)
		return
	}
	if len(parts) < 2 {
		b.stale(ctx, q, lang, "malformed")
		return
	}
	tok, args := parts[len(parts)-1], parts[1:len(parts)-1]
	var rec tokenRec
	found, err := b.getRec(ctx, core.SpaceCallbacks, tok, &rec)
	switch {
	case err != nil:
		b.logger.Error("could not look up a button", "error", err)
		b.toast(ctx, q.ID, msg(lang, "err.internal"), false)
		return
	case !found:
		b.stale(ctx, q, lang, "unknown token")
		return
	case !slices.Contains(tokenVerbs[rec.Kind], verb):
		b.stale(ctx, q, lang, "verb does not fit the token")
		return
	}
	origin := "cb:" + q.ID
	switch rec.Kind {
	case tokenCase:
		b.onCaseButton(ctx, q, mgr, lang, verb, args, rec.Case, tok, origin)
	case tokenApproval:
		b.onApprovalButton(ctx, q, mgr, lang, verb, tok)
	case tokenResend:
		b.onResendButton(ctx, q, lang, args, rec)
	case tokenUndo:
		b.onUndoButton(ctx, q, mgr, lang, rec, origin)
	}
}

// stale answers a press that matches nothing we issued: forged, or older
// than the retention.
func (b *Bot) stale(ctx context.Context, q *models.CallbackQuery, lang, why string) {
	b.logger.Warn("button press matches nothing the bot issued", "user_id", q.From.ID, "why", why)
	b.toast(ctx, q.ID, msg(lang, "err.stale"), false)
}

func (b *Bot) onCaseButton(ctx context.Context, q *models.CallbackQuery, mgr Manager, lang, verb string, args []string, caseID uint64, tok, origin string) {
	chat, msgID, hasMsg := callbackMessage(q)
	c, m, err := b.caseAndMention(ctx, caseID)
	if errors.Is(err, core.ErrNotFound) {
		b.stale(ctx, q, lang, "case gone")
		return
	}
	if err != nil {
		b.logger.Error("could not load a case", "case_id", caseID, "error", err)
		b.toast(ctx, q.ID, msg(lang, "err.internal"), false)
		return
	}
	now := b.now()
	pname := platformName(lang, m.Platform)
	switch verb {
	case "xp":
		b.toast(ctx, q.ID, msg(lang, "err.nopublic", pname), true)
	case "xd":
		b.toast(ctx, q.ID, msg(lang, "err.noprivate", pname), true)
	case "rp", "rd":
		private := verb == "rd"
		if !c.State.Open() {
			b.toast(ctx, q.ID, plain(b.closedNote(lang, c)), true)
			return
		}
		if note, ok := b.canAnswer(lang, m, private); !ok || !hasMsg {
			b.toast(ctx, q.ID, note, true)
			return
		}
		note := ""
		if private && m.Platform == core.PlatformTelegram {
			note = msg(lang, "err.tgprivate")
		}
		b.toast(ctx, q.ID, note, note != "")
		b.prompt(ctx, mgr, lang, chat, msgID, promptRec{Kind: promptReply, Case: c.ID, Private: private})
	case "tp":
		if !c.State.Open() {
			b.toast(ctx, q.ID, plain(b.closedNote(lang, c)), true)
			return
		}
		b.toast(ctx, q.ID, "", false)
		if len(b.cfg.Templates) == 0 {
			b.reply(ctx, chat, msgID, msg(lang, "tpl.none"), nil)
			return
		}
		text, kb := b.renderTemplates(lang, c, m, tok)
		b.reply(ctx, chat, msgID, text, kb)
	case "tu", "tv":
		i, err := strconv.Atoi(strings.Join(args, ""))
		if err != nil || i < 0 || i >= len(b.cfg.Templates) {
			b.toast(ctx, q.ID, msg(lang, "err.notemplate"), true)
			return
		}
		private := verb == "tv"
		if note, ok := b.canAnswer(lang, m, private); !ok {
			b.toast(ctx, q.ID, note, true)
			return
		}
		t := b.cfg.Templates[i]
		c2, queued, err := b.queueReply(ctx, mgr, c.ID, b.expand(t.For(mentionLang(m)), m), private, origin)
		switch {
		case errors.Is(err, core.ErrInvalidTransition):
			b.toast(ctx, q.ID, plain(b.closedNote(lang, c2)), true)
		case err != nil:
			b.logger.Error("could not queue a template reply", "case_id", c.ID, "error", err)
			b.toast(ctx, q.ID, msg(lang, "err.internal"), false)
		default:
			key := "ok.queued.public"
			if private {
				key = "ok.queued.private"
			}
			b.toast(ctx, q.ID, msg(lang, key, id(lang, c.ID)), false)
			if hasMsg {
				text, kb := b.undoable(ctx, lang, queued, msg(lang, "tpl.used", esc(t.Name), id(lang, c.ID)))
				b.edit(ctx, chat, msgID, text, kb)
			}
		}
	case "cl":
		b.transition(ctx, q, mgr, lang, c, origin, "ok.claimed", func(c *core.Case) error {
			if c.ClaimedBy == mgr.Name && c.State == core.CaseClaimed {
				return errNoChange
			}
			return c.Claim(mgr.Name, now)
		})
	case "rs":
		b.transition(ctx, q, mgr, lang, c, origin, "ok.resolved", func(c *core.Case) error { return c.Resolve(mgr.Name, now) })
	case "ig":
		b.transition(ctx, q, mgr, lang, c, origin, "ok.ignored", func(c *core.Case) error { return c.Ignore(mgr.Name, now) })
	case "wl":
		b.toast(ctx, q.ID, "", false)
		if hasMsg {
			b.editMarkup(ctx, chat, msgID, b.labelKeyboard(b.chatLang(ctx, chat), c, tok))
		}
	case "lb":
		l, ok := labelOf(strings.Join(args, ""))
		if !ok {
			b.stale(ctx, q, lang, "unknown label")
			return
		}
		b.transition(ctx, q, mgr, lang, c, origin, "ok.labelled", func(c *core.Case) error {
			if c.CorrectedLabel == l || (c.CorrectedLabel == "" && c.Label == l) {
				return errNoChange
			}
			return c.CorrectLabel(mgr.Name, l, now)
		}, labelName(lang, l))
	case "bk":
		b.toast(ctx, q.ID, "", false)
		if hasMsg {
			b.editMarkup(ctx, chat, msgID, b.caseKeyboard(b.chatLang(ctx, chat), c, m, tok))
		}
	}
}

// plain strips our HTML for a toast.
func plain(html string) string { return visible(html) }

// transition applies a manager's change to a case and queues the alert
// edit in the same transaction; the pressed message is refreshed at once
// when it is not one of the alerts the edit will reach (a /case view).
func (b *Bot) transition(ctx context.Context, q *models.CallbackQuery, mgr Manager, lang string, c core.Case, origin, okKey string,
	fn func(*core.Case) error, extra ...any) {
	now := b.now()
	updated, actions, err := b.st.UpdateCase(ctx, c.ID, func(c *core.Case) ([]core.Action, error) {
		if err := fn(c); err != nil {
			return nil, err
		}
		return []core.Action{{Kind: core.ActionCaseUpdate, DedupKey: "case_update:" + origin, Actor: mgr.Name, CreatedAt: now}}, nil
	})
	switch {
	case errors.Is(err, errNoChange):
		b.toast(ctx, q.ID, msg(lang, "ok.nochange"), false)
		b.refreshPressed(ctx, q, c)
		return
	case errors.Is(err, core.ErrInvalidTransition):
		cur, _ := b.st.Case(ctx, c.ID)
		b.toast(ctx, q.ID, plain(b.closedNote(lang, cur)), true)
		b.refreshPressed(ctx, q, cur)
		return
	case err != nil:
		b.logger.Error("could not update a case", "case_id", c.ID, "error", err)
		b.toast(ctx, q.ID, msg(lang, "err.internal"), false)
		return
	}
	b.queued(actions)
	b.logger.Info("case updated from telegram", "case_id", c.ID, "state", string(updated.State), "by", mgr.Name)
	args := append([]any{id(lang, c.ID)}, extra...)
	b.toast(ctx, q.ID, msg(lang, okKey, args...), false)
	b.refreshPressed(ctx, q, updated)
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
			tok, err2 := b.caseToken(ctx, c.ID)
			if err == nil && err2 == nil {
				b.editMarkup(ctx, chat, msgID, b.caseKeyboard(b.chatLang(ctx, chat), c, m, tok))
			}
		}
		return
	}
	var rec msgRec
	if found, _ := b.getRec(ctx, core.SpaceMessages, ref(chat, msgID), &rec); !found || rec.Kind != msgAlert {
		return
	}
	m, err := b.st.Mention(ctx, c.MentionKey)
	if err != nil {
		return
	}
	tok, err := b.caseToken(ctx, c.ID)
	if err != nil {
		return
	}
	lang := b.chatLang(ctx, chat)
	if err := b.edit(ctx, chat, msgID, b.renderCaseView(ctx, lang, c, m), b.caseKeyboard(lang, c, m, tok)); err != nil {
		b.logger.Debug("could not refresh a case view", "error", err)
	}
}

func isLabelChooser(kb *models.InlineKeyboardMarkup) bool {
	for _, row := range kb.InlineKeyboard {
		for _, btn := range row {
			if strings.HasPrefix(btn.CallbackData, "lb:") {
				return true
			}
		}
	}
	return false
}

func (b *Bot) onApprovalButton(ctx context.Context, q *models.CallbackQuery, mgr Manager, lang, verb, tok string) {
	chat, msgID, _ := callbackMessage(q)
	if !b.cfg.ThankApproval {
		b.toast(ctx, q.ID, msg(lang, "approval.off"), true)
		return
	}
	switch verb {
	case "as", "ak":
		state := approvalSent
		if verb == "ak" {
			state = approvalSkipped
		}
		if ok, note := b.decideApproval(ctx, mgr, lang, tok, state, ""); !ok {
			b.toast(ctx, q.ID, plain(note), true)
			return
		}
		b.toast(ctx, q.ID, "", false)
	case "ae":
		var rec approvalRec
		if found, err := b.getRec(ctx, core.SpaceApprovals, tok, &rec); err != nil || !found {
			b.stale(ctx, q, lang, "approval gone")
			return
		}
		if rec.State != approvalPending {
			b.toast(ctx, q.ID, msg(lang, "approval.done", plain(b.decision(lang, rec))), true)
			return
		}
		b.toast(ctx, q.ID, "", false)
		b.prompt(ctx, mgr, lang, chat, msgID, promptRec{Kind: promptThanks, Token: tok})
	}
}

// decidedError stops a second decision on one approval.
type decidedError struct{ rec approvalRec }

func (e decidedError) Error() string { return "approval already decided: " + e.rec.State }

// decideApproval sends (with the draft, or text when a manager rewrote
// it) or skips a drafted thank-you. The decision and the thank-you action
// are written together, and the action's dedup key "thank:<mention>" means
// a mention is thanked at most once whatever anyone taps. Every copy of the
// draft is then redrawn. When this call did not decide, it returns what to
// tell the manager.
func (b *Bot) decideApproval(ctx context.Context, mgr Manager, lang, tok, state, text string) (bool, string) {
	now := b.now()
	var rec approvalRec
	if text != "" {
		// Fill {author} and {brand} in what the manager typed, as for replies.
		if found, _ := b.getRec(ctx, core.SpaceApprovals, tok, &rec); found {
			if m, err := b.st.Mention(ctx, rec.Mention); err == nil {
				text = b.expand(text, m)
			}
		}
	}
	actions, err := b.st.BotSwap(ctx, core.SpaceApprovals, tok, now, func(old []byte) ([]byte, []core.Action, error) {
		if old == nil {
			return nil, nil, core.ErrNotFound
		}
		rec = approvalRec{}
		if err := json.Unmarshal(old, &rec); err != nil {
			return nil, nil, err
		}
		if rec.State != approvalPending {
			return nil, nil, decidedError{rec}
		}
		rec.State, rec.By, rec.At = state, mgr.Name, now
		var acts []core.Action
		if state == approvalSent {
			if text != "" {
				rec.Text, rec.Edited = text, true
			}
			acts = append(acts, core.Action{Kind: core.ActionThankPublic, DedupKey: "thank:" + rec.Mention,
				MentionKey: rec.Mention, Text: rec.Text, Actor: mgr.Name, CreatedAt: now})
		}
		raw, err := json.Marshal(rec)
		return raw, acts, err
	})
	var decided decidedError
	switch {
	case errors.As(err, &decided):
		return false, msg(lang, "approval.done", b.decision(lang, decided.rec))
	case errors.Is(err, core.ErrNotFound):
		return false, msg(lang, "err.stale")
	case err != nil:
		b.logger.Error("could not record a thank-you decision", "error", err)
		return false, msg(lang, "err.internal")
	}
	b.queued(actions)
	b.logger.Info("thank-you decided", "mention", rec.Mention, "state", state, "by", mgr.Name)
	b.redrawApproval(ctx, tok)
	return true, ""
}

func (b *Bot) decision(lang string, rec approvalRec) string {
	switch {
	case rec.State == approvalSkipped:
		return msg(lang, "approval.skipped", esc(rec.By))
	case rec.Edited:
		return msg(lang, "approval.edited", esc(rec.By))
	}
	return msg(lang, "approval.sent", esc(rec.By))
}

// redrawApproval updates every copy of a draft to show the decision.
func (b *Bot) redrawApproval(ctx context.Context, tok string) {
	var rec approvalRec
	if found, err := b.getRec(ctx, core.SpaceApprovals, tok, &rec); err != nil || !found {
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
		lang := b.chatLang(ctx, chat)
		if err := b.edit(ctx, chat, msgID, b.renderApproval(lang, rec, m), nil); err != nil && !isGone(err) {
			b.logger.Warn("could not update a thank-you draft", "chat_id", chat, "error", err)
		}
	}
}

func (b *Bot) onResendButton(ctx context.Context, q *models.CallbackQuery, lang string, args []string, rec tokenRec) {
	i, err := strconv.Atoi(strings.Join(args, ""))
	if err != nil || i < 0 || i >= len(rec.Actions) {
		b.stale(ctx, q, lang, "unknown action")
		return
	}
	actionID := rec.Actions[i]
	if err := b.st.Resend(ctx, actionID, b.now()); err != nil {
		b.logger.Error("could not queue an action again", "action_id", actionID, "error", err)
		b.toast(ctx, q.ID, msg(lang, "err.internal"), false)
		return
	}
	b.logger.Info("action queued again by a manager", "action_id", actionID, "by", q.From.ID)
	b.wake()
	b.toast(ctx, q.ID, msg(lang, "ok.resent", id(lang, actionID)), false)
}

// onUndoButton withdraws a manager's reply the outbox has not sent yet.
func (b *Bot) onUndoButton(ctx context.Context, q *models.CallbackQuery, mgr Manager, lang string, rec tokenRec, origin string) {
	if len(rec.Actions) != 1 {
		b.stale(ctx, q, lang, "undo token without its reply")
		return
	}
	chat, msgID, hasMsg := callbackMessage(q)
	c, err := b.st.WithdrawReply(ctx, rec.Actions[0], mgr.Name, b.now())
	switch {
	case errors.Is(err, core.ErrInvalidTransition):
		b.toast(ctx, q.ID, msg(lang, "err.toolate"), true)
		if hasMsg {
			b.editMarkup(ctx, chat, msgID, &inlineKeyboard{InlineKeyboard: [][]button{}})
		}
		return
	case err != nil:
		b.logger.Error("could not withdraw a reply", "action_id", rec.Actions[0], "error", err)
		b.toast(ctx, q.ID, msg(lang, "err.internal"), false)
		return
	}
	b.logger.Info("reply withdrawn by a manager", "action_id", rec.Actions[0], "case_id", c.ID, "by", mgr.ID)
	queued, err := b.st.Enqueue(ctx, core.Action{Kind: core.ActionCaseUpdate, DedupKey: "case_update:" + origin,
		CaseID: c.ID, MentionKey: c.MentionKey, Actor: mgr.Name, CreatedAt: b.now()})
	if err != nil {
		b.logger.Error("could not queue the alert edit after a withdrawal", "case_id", c.ID, "error", err)
	}
	b.queued(queued)
	b.toast(ctx, q.ID, "", false)
	if hasMsg {
		b.edit(ctx, chat, msgID, lines(lang, msg(lang, "ok.withdrawn", id(lang, c.ID), esc(mgr.Name))), nil)
	}
}
