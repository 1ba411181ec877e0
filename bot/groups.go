package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/shenava/shenava/core"
)

// Group messages reach the engine through a durable inbox rather than
// being handed to it from the update loop. The update handler only
// appends the message to the store's inbox together with the update's ID
// (one transaction), and the next getUpdates confirms the update to
// Telegram only after that. The engine then polls GroupSource like any
// other source, its cursor being the last inbox sequence it stored, saved
// in the same transaction as the mentions. So:
//
//   - a crash before the inbox write: Telegram still has the update and
//     delivers it again;
//   - a crash after it: the message is on disk and the engine picks it up;
//   - the update loop never waits for analysis, and a slow or failing
//     engine never holds up managers' buttons and commands.
//
// Calling the engine directly from the handler would also be crash-safe,
// but would tie the loop's latency and failures to the engine's.

// inboxBatch bounds one Fetch.
const inboxBatch = 200

// GroupSource is the source of mentions read in the configured groups.
type GroupSource struct{ b *Bot }

// GroupSource returns the group-message source for the engine.
func (b *Bot) GroupSource() *GroupSource { return &GroupSource{b} }

// Fetch returns the inbox messages after the cursor (the last inbox
// sequence the engine stored). Everything up to the cursor has been
// stored by the engine, so it is trimmed from the inbox. Fetch is safe to
// repeat with the same cursor.
func (g *GroupSource) Fetch(ctx context.Context, cursor string) (core.Batch, error) {
	var after uint64
	if cursor != "" {
		n, err := strconv.ParseUint(cursor, 10, 64)
		if err != nil {
			return core.Batch{}, fmt.Errorf("telegram groups: bad cursor %q: %w", cursor, core.ErrInvalid)
		}
		after = n
	}
	if n, err := g.b.st.InboxTrim(ctx, after); err != nil {
		return core.Batch{}, fmt.Errorf("telegram groups: %w", err)
	} else if n > 0 {
		g.b.logger.Debug("inbox trimmed", "count", n)
	}
	ms, last, err := g.b.st.InboxAfter(ctx, after, inboxBatch)
	if err != nil {
		return core.Batch{}, fmt.Errorf("telegram groups: %w", err)
	}
	return core.Batch{Mentions: ms, Cursor: strconv.FormatUint(last, 10), More: len(ms) == inboxBatch}, nil
}

// Replier answers mentions that came from Telegram groups: a public reply
// is a reply in the group, a private one a message to the author, which
// Telegram allows only if they started the bot.
type Replier struct{ b *Bot }

// Replier returns the answering side for platform telegram.
func (b *Bot) Replier() *Replier { return &Replier{b} }

// Capabilities: both, with the caveat that a private message fails (with
// core.ErrUnsupported) for a user who never started the bot.
func (r *Replier) Capabilities() core.Capabilities {
	return core.Capabilities{Reply: true, DirectMessage: true}
}

// Reply answers in the group, as a reply to the mention's message. Text
// longer than one message continues in further messages.
func (r *Replier) Reply(ctx context.Context, m core.Mention, text string) (string, error) {
	chat, msgID, ok := parseRef(m.NativeID)
	if !ok || m.Platform != core.PlatformTelegram {
		return "", fmt.Errorf("telegram: reply to %s: not a Telegram group message: %w", m.Key(), core.ErrUnsupported)
	}
	refs, err := r.send(ctx, chat, msgID, text)
	if err != nil {
		return strings.Join(refs, ","), fmt.Errorf("telegram: reply to %s: %w", m.Key(), err)
	}
	return strings.Join(refs, ","), nil
}

// DirectMessage writes to the author privately.
func (r *Replier) DirectMessage(ctx context.Context, m core.Mention, text string) (string, error) {
	user, err := strconv.ParseInt(m.Author.ID, 10, 64)
	if err != nil || user <= 0 || m.Platform != core.PlatformTelegram {
		return "", fmt.Errorf("telegram: message the author of %s: no Telegram user: %w", m.Key(), core.ErrUnsupported)
	}
	refs, err := r.send(ctx, user, 0, text)
	if errors.Is(err, errForbidden) {
		return "", fmt.Errorf("telegram: message the author of %s: they never started the bot or blocked it: %w: %w",
			m.Key(), core.ErrUnsupported, err)
	}
	if err != nil {
		return strings.Join(refs, ","), fmt.Errorf("telegram: message the author of %s: %w", m.Key(), err)
	}
	return strings.Join(refs, ","), nil
}

// send delivers a manager's text as plain text (no parse mode: nothing
// to escape), split to Telegram's limit.
func (r *Replier) send(ctx context.Context, chat int64, replyTo int, text string) ([]string, error) {
	var out []string
	for i, part := range split(strings.TrimSpace(text), maxText) {
		p := &tgbot.SendMessageParams{ChatID: chat, Text: part}
		if i == 0 && replyTo != 0 {
			p.ReplyParameters = &models.ReplyParameters{MessageID: replyTo, AllowSendingWithoutReply: true}
		}
		m, err := r.b.api.sendMessage(ctx, p)
		if err != nil {
			return out, err
		}
		if m.ID != 0 { // sent, though the server did not say as which message
			out = append(out, ref(chat, m.ID))
		}
	}
	return out, nil
}
