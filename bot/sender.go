package bot

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/shenava/shenava/core"
)

// sender puts the bot's messages in chats: sends (split to fit), edits,
// answers to button presses. It knows the Bot API and nothing of cases.
type sender struct {
	api    *api
	logger *slog.Logger
	sleep  func(ctx context.Context, d time.Duration) error
}

var noPreview = &models.LinkPreviewOptions{IsDisabled: tgbot.True()}

// sendParts sends HTML pieces to a chat, the markup under the last one.
// Pieces over the limit are split at line breaks.
func (snd *sender) sendParts(ctx context.Context, chat int64, parts []string, markup any) ([]*models.Message, error) {
	var all []string
	for _, p := range parts {
		all = append(all, splitHTML(p, maxText)...)
	}
	var out []*models.Message
	for i, part := range all {
		p := &tgbot.SendMessageParams{ChatID: chat, Text: part, ParseMode: models.ParseModeHTML, LinkPreviewOptions: noPreview}
		if i == len(all)-1 && markup != nil {
			p.ReplyMarkup = markup
		}
		m, err := snd.api.sendMessage(ctx, p)
		if err != nil {
			return out, err
		}
		out = append(out, m)
	}
	return out, nil
}

// sendDigestTo sends text and chart to one chat. The digest's text is
// plain (no parse mode), so nothing in it needs escaping. The text goes
// out even when the chart cannot (chartErr says why); err says the text
// did not. A rate limit on the chart is returned as err with nothing
// sent, to be tried again once it has passed.
func (snd *sender) sendDigestTo(ctx context.Context, chat int64, text string, png []byte) (chartErr, err error) {
	text = strings.TrimSpace(text)
	if len(png) > 0 {
		p := &tgbot.SendPhotoParams{ChatID: chat, Photo: &models.InputFileUpload{Filename: "digest.png", Data: bytes.NewReader(png)}}
		captioned := units(text) <= maxCaption
		if captioned {
			p.Caption = text
		}
		_, chartErr = snd.api.sendPhoto(ctx, p)
		switch {
		case chartErr == nil && captioned:
			return nil, nil
		case chartErr != nil && (isRateLimit(chartErr) || ctx.Err() != nil):
			return nil, chartErr
		case chartErr != nil:
			snd.logger.Warn("could not send the digest's chart; sending its text alone", "chat_id", chat, "error", chartErr)
		}
	}
	if text == "" {
		return chartErr, nil
	}
	for _, part := range split(text, maxText) {
		if _, err := snd.api.sendMessage(ctx, &tgbot.SendMessageParams{ChatID: chat, Text: part, LinkPreviewOptions: noPreview}); err != nil {
			return chartErr, err
		}
	}
	return chartErr, nil
}

// sendRetrying sends a message for an interactive answer: it waits out a
// rate limit (up to maxInteractiveWait) and retries a transient failure
// once. The outbox-driven methods never wait: they return the rate limit.
func (snd *sender) sendRetrying(ctx context.Context, p *tgbot.SendMessageParams) (*models.Message, error) {
	for attempt := 0; ; attempt++ {
		m, err := snd.api.sendMessage(ctx, p)
		if err == nil || attempt >= 2 || ctx.Err() != nil {
			return m, err
		}
		wait, limited := core.RetryAfter(err)
		switch {
		case limited && wait <= maxInteractiveWait:
			wait = max(wait, time.Second)
			snd.logger.Warn("rate limited by telegram; waiting before answering", "wait", wait)
		case !limited && !errors.Is(err, core.ErrPermanent) && !errors.Is(err, core.ErrUnauthorized) && attempt == 0:
			wait = loopWait(1)
		default:
			return m, err
		}
		if snd.sleep(ctx, wait) != nil {
			return m, err
		}
	}
}

// reply sends our HTML to a chat, as a reply to replyTo when it is not 0,
// split at line breaks when it is too long (the markup goes on the last
// piece). It returns the last message sent; failures are logged.
func (snd *sender) reply(ctx context.Context, chat int64, replyTo int, html string, markup any) (*models.Message, bool) {
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
		m, err := snd.sendRetrying(ctx, p)
		if err != nil {
			if ctx.Err() == nil {
				snd.logger.Warn("could not answer in chat", "chat_id", chat, "error", err)
			}
			return last, false
		}
		last = m
	}
	return last, last != nil
}

// toast answers a button press; every press must be answered or the
// client keeps spinning.
func (snd *sender) toast(ctx context.Context, queryID, text string, alert bool) {
	text, _ = cut(text, maxToast)
	err := snd.api.answerCallbackQuery(ctx, &tgbot.AnswerCallbackQueryParams{CallbackQueryID: queryID, Text: text, ShowAlert: alert})
	if err != nil && ctx.Err() == nil {
		snd.logger.Warn("could not answer a button press", "error", err)
	}
}

// edit replaces one of our messages; "not modified" counts as done.
func (snd *sender) edit(ctx context.Context, chat int64, msgID int, html string, markup any) error {
	p := &tgbot.EditMessageTextParams{ChatID: chat, MessageID: msgID, Text: html, ParseMode: models.ParseModeHTML,
		LinkPreviewOptions: noPreview}
	if markup != nil {
		p.ReplyMarkup = markup
	}
	err := snd.api.editMessageText(ctx, p)
	if err == nil || isNotModified(err) {
		return nil
	}
	return err
}

func (snd *sender) editMarkup(ctx context.Context, chat int64, msgID int, markup any) {
	err := snd.api.editMessageReplyMarkup(ctx, &tgbot.EditMessageReplyMarkupParams{ChatID: chat, MessageID: msgID, ReplyMarkup: markup})
	if err != nil && !isNotModified(err) && ctx.Err() == nil {
		snd.logger.Warn("could not change a message's buttons", "chat_id", chat, "error", err)
	}
}
