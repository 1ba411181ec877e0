package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/shenava/shenava/casework"
	"github.com/shenava/shenava/core"
)

// The outbox worker calls Alert, UpdateAlert and Notify (listen.Alerter).
// They never wait out a rate limit themselves: a 429 comes back as a
// *core.RateLimitError and the outbox postpones the action.

// recipient is a chat alerts go to, with its language.
type recipient struct {
	chat int64
	lang string
}

// recipients are the alert chat and the managers who asked for alerts
// privately; muted managers are left out unless all is set.
func (b *Bot) recipients(ctx context.Context, all bool) []recipient {
	var out []recipient
	if b.cfg.AlertChatID != 0 {
		out = append(out, recipient{b.cfg.AlertChatID, b.cfg.DefaultLang})
	}
	for _, m := range b.cfg.Managers {
		if !m.Alerts || (!all && b.recs.muted(ctx, m.ID)) {
			continue
		}
		out = append(out, recipient{m.ID, b.recs.lang(ctx, m.ID)})
	}
	return out
}

// digestRecipients: the digest chat, else the alert chat, else every
// manager privately.
func (b *Bot) digestRecipients(ctx context.Context) []recipient {
	switch {
	case b.cfg.DigestChatID != 0:
		return []recipient{{b.cfg.DigestChatID, b.recs.chatLang(ctx, b.cfg.DigestChatID)}}
	case b.cfg.AlertChatID != 0:
		return []recipient{{b.cfg.AlertChatID, b.cfg.DefaultLang}}
	}
	var out []recipient
	for _, m := range b.cfg.Managers {
		out = append(out, recipient{m.ID, b.recs.lang(ctx, m.ID)})
	}
	return out
}

// Alert announces a case to every recipient. The ref lists every message
// sent ("chat:msg" joined by commas). If at least one went out it succeeds
// with those; the failures are logged.
func (b *Bot) Alert(ctx context.Context, c core.Case, m core.Mention) (string, error) {
	tok, err := b.recs.caseToken(ctx, c.ID)
	if err != nil {
		return "", fmt.Errorf("bot: alert case %d: %w", c.ID, err)
	}
	rs := b.recipients(ctx, false)
	if len(rs) == 0 {
		b.logger.Warn("every manager muted alerts; the case waits in /pending", "case_id", c.ID)
		return "", nil
	}
	if held, err := b.holdAlert(ctx, c); held || err != nil {
		// Part of a storm: announced in the next summary (storm.go).
		return "", err
	}
	sent, err := b.broadcast(ctx, rs, "case_id", c.ID, func(r recipient) (string, any) {
		return repeated(ctx, r.lang, b.view.renderAlert(r.lang, c, m)), b.view.caseKeyboard(r.lang, c, m, tok)
	}, func(r string) {
		if err := b.recs.putRec(ctx, core.SpaceMessages, r, msgRec{Kind: msgAlert, Case: c.ID}); err != nil {
			b.logger.Warn("could not remember an alert message; replies to it will not find the case", "ref", r, "error", err)
		}
	})
	if err != nil {
		return "", fmt.Errorf("bot: alert case %d: %w", c.ID, err)
	}
	b.logger.Info("case alerted", "case_id", c.ID, "messages", len(sent))
	return strings.Join(sent, ","), nil
}

// repeated heads the text of an alert or notice sent again, because its
// first delivery may or may not have arrived (core.IsRepeat), with a line
// saying so.
func repeated(ctx context.Context, lang, text string) string {
	if !core.IsRepeat(ctx) {
		return text
	}
	return msg(lang, "alert.repeat") + "\n" + text
}

// broadcast sends one message per recipient (render gives each its text
// and markup) and returns the refs sent. It fails only when nothing went
// out, with the first error.
func (b *Bot) broadcast(ctx context.Context, rs []recipient, logKey string, logVal any,
	render func(recipient) (string, any), done func(ref string)) ([]string, error) {
	var sent []string
	var first error
	delivered := 0
	for _, r := range rs {
		text, markup := render(r)
		msgs, err := b.out.sendParts(ctx, r.chat, []string{text}, markup)
		delivered += len(msgs)
		for _, m := range msgs {
			if m.ID == 0 {
				b.logger.Warn("a message went out but its ID is unknown; it will not be edited or matched to replies",
					logKey, logVal, "chat_id", r.chat)
				continue
			}
			sent = append(sent, ref(r.chat, m.ID))
			if done != nil {
				done(ref(r.chat, m.ID))
			}
		}
		if err != nil {
			if first == nil {
				first = err
			}
			b.logger.Warn("could not send to a recipient", logKey, logVal, "chat_id", r.chat, "error", err)
		}
	}
	if delivered == 0 && first != nil {
		return nil, first
	}
	return sent, nil
}

// UpdateAlert edits every alert message of the case to show where it
// stands. Messages deleted meanwhile are skipped; a rate limit or a
// transient failure is returned so the outbox tries again (re-editing is
// harmless: Telegram's "not modified" counts as done).
func (b *Bot) UpdateAlert(ctx context.Context, c core.Case, m core.Mention) error {
	list := refs(c.Alerts)
	if len(list) == 0 {
		return nil
	}
	tok, err := b.recs.caseToken(ctx, c.ID)
	if err != nil {
		return fmt.Errorf("bot: update alert of case %d: %w", c.ID, err)
	}
	var retry error
	for _, r := range list {
		chat, msgID, ok := parseRef(r)
		if !ok {
			continue
		}
		lang := b.recs.chatLang(ctx, chat)
		err := b.out.edit(ctx, chat, msgID, b.view.renderAlert(lang, c, m), b.view.caseKeyboard(lang, c, m, tok))
		switch {
		case err == nil:
		case isGone(err):
			b.logger.Debug("alert message gone; not edited", "case_id", c.ID, "ref", r)
		case isRateLimit(err):
			return fmt.Errorf("bot: update alert of case %d: %w", c.ID, err)
		case errors.Is(err, core.ErrPermanent):
			b.logger.Warn("could not edit an alert", "case_id", c.ID, "ref", r, "error", err)
		default:
			retry = err
		}
	}
	if retry != nil {
		return fmt.Errorf("bot: update alert of case %d: %w", c.ID, retry)
	}
	return nil
}

func isRateLimit(err error) bool {
	_, ok := core.RetryAfter(err)
	return ok
}

// Notify delivers a notice (by topic, in each recipient's language) or a
// thank-you draft waiting for approval.
func (b *Bot) Notify(ctx context.Context, a core.Action, m *core.Mention) (string, error) {
	if a.Kind == core.ActionApproval {
		return b.notifyApproval(ctx, a, m)
	}
	markups, err := b.noticeMarkup(ctx, a, m)
	if err != nil {
		return "", fmt.Errorf("bot: notify #%d: %w", a.ID, err)
	}
	rs := b.recipients(ctx, a.Topic == core.TopicDigest || a.Topic == core.TopicInDoubt || a.Topic == core.TopicDeliveryFailed)
	var sent []string
	var first error
	delivered := 0
	for _, r := range rs {
		var markup any
		if kb := markups(r.lang); kb != nil {
			markup = kb
		}
		parts := b.view.renderNotice(r.lang, a, m)
		if len(parts) > 0 {
			parts[0] = repeated(ctx, r.lang, parts[0])
		}
		msgs, err := b.out.sendParts(ctx, r.chat, parts, markup)
		delivered += len(msgs)
		for _, mm := range msgs {
			if mm.ID != 0 {
				sent = append(sent, ref(r.chat, mm.ID))
			}
		}
		if err != nil {
			if first == nil {
				first = err
			}
			b.logger.Warn("could not send a notice", "action_id", a.ID, "chat_id", r.chat, "error", err)
		}
	}
	if delivered == 0 && first != nil {
		return "", fmt.Errorf("bot: notify #%d: %w", a.ID, first)
	}
	return strings.Join(sent, ","), nil
}

// noticeMarkup gives a notice its buttons: the case's buttons for an SLA
// re-ping, "send again" for failed or interrupted actions.
func (b *Bot) noticeMarkup(ctx context.Context, a core.Action, m *core.Mention) (func(lang string) *inlineKeyboard, error) {
	none := func(string) *inlineKeyboard { return nil }
	switch a.Topic {
	case core.TopicSLA:
		if a.CaseID == 0 || m == nil {
			return none, nil
		}
		c, err := b.st.Case(ctx, a.CaseID)
		if err != nil {
			return nil, err
		}
		tok, err := b.recs.caseToken(ctx, c.ID)
		if err != nil {
			return nil, err
		}
		return func(lang string) *inlineKeyboard { return b.view.caseKeyboard(lang, c, *m, tok) }, nil
	case core.TopicDeliveryFailed, core.TopicInDoubt:
		ids := actionIDs(a.DedupKey)
		if len(ids) == 0 {
			return none, nil
		}
		if len(ids) > 8 {
			ids = ids[:8]
		}
		tok, err := b.recs.token(ctx, tokenRec{Kind: tokenResend, Actions: ids})
		if err != nil {
			return nil, err
		}
		return func(lang string) *inlineKeyboard {
			var rows [][]button
			for i, actionID := range ids {
				rows = append(rows, []button{{Text: msg(lang, "btn.resend", id(lang, actionID)), CallbackData: cb(verbResend, tok, strconv.Itoa(i))}})
			}
			return &inlineKeyboard{InlineKeyboard: rows}
		}, nil
	}
	return none, nil
}

// actionIDs reads the actions a failure notice is about from its dedup
// key ("failed:12", "in_doubt:3,4").
func actionIDs(dedup string) []uint64 {
	_, list, ok := strings.Cut(dedup, ":")
	if !ok {
		return nil
	}
	var out []uint64
	for _, s := range strings.Split(list, ",") {
		if n, err := strconv.ParseUint(s, 10, 64); err == nil {
			out = append(out, n)
		}
	}
	return out
}

// notifyApproval shows a drafted thank-you with Send, Edit and Skip.
func (b *Bot) notifyApproval(ctx context.Context, a core.Action, m *core.Mention) (string, error) {
	rec := casework.Approval{Mention: a.MentionKey, Text: a.Text, State: casework.ApprovalPending}
	tok := ""
	if b.cfg.ThankApproval {
		var err error
		if tok, err = b.recs.token(ctx, tokenRec{Kind: tokenApproval, Mention: a.MentionKey}); err != nil {
			return "", fmt.Errorf("bot: approval #%d: %w", a.ID, err)
		}
		if err := b.cases.Draft(ctx, tok, a.MentionKey, a.Text); err != nil {
			return "", fmt.Errorf("bot: approval #%d: %w", a.ID, err)
		}
	}
	sent, err := b.broadcast(ctx, b.recipients(ctx, false), "action_id", a.ID, func(r recipient) (string, any) {
		if tok == "" {
			return b.view.renderApproval(r.lang, rec, m), nil
		}
		return b.view.renderApproval(r.lang, rec, m), approvalKeyboard(r.lang, tok)
	}, func(r string) {
		if tok != "" {
			b.recs.putRec(ctx, core.SpaceMessages, r, msgRec{Kind: msgApproval, Token: tok})
		}
	})
	if err != nil {
		return "", fmt.Errorf("bot: approval #%d: %w", a.ID, err)
	}
	if tok != "" {
		if err := b.cases.ShownAt(ctx, tok, sent); err != nil {
			b.logger.Warn("could not remember where a thank-you draft was shown", "error", err)
		}
	}
	return strings.Join(sent, ","), nil
}

// SendDigest sends the daily digest to the digest chat (see
// Config.DigestChatID), mute or not: the chart with the text as its caption, or the chart and
// the text as separate messages when the text is longer than a caption
// may be. It fails only when no recipient got it.
func (b *Bot) SendDigest(ctx context.Context, text string, png []byte) error {
	var first error
	ok := 0
	for _, r := range b.digestRecipients(ctx) {
		if _, err := b.out.sendDigestTo(ctx, r.chat, text, png); err != nil {
			if first == nil {
				first = err
			}
			b.logger.Warn("could not send the digest", "chat_id", r.chat, "error", err)
			continue
		}
		ok++
	}
	if ok == 0 && first != nil {
		return fmt.Errorf("bot: send digest: %w", first)
	}
	return nil
}
