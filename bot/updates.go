package bot

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/shenava/shenava/core"
)

// handleUpdate dispatches one update. It returns an error only when a
// group message could not be stored: the update must then not be
// confirmed. Everything else is answered (or logged) here. A panic in a
// handler is logged and the update counted as handled, so one poisonous
// update cannot stop the bot.
func (b *Bot) handleUpdate(ctx context.Context, u *models.Update) (err error) {
	defer func() {
		if r := recover(); r != nil {
			b.logger.Error("update handler panicked; skipping the update", "update_id", u.ID, "panic", fmt.Sprint(r))
			err = nil
		}
	}()
	switch {
	case u.Message != nil:
		return b.onMessage(ctx, u.ID, u.Message)
	case u.EditedMessage != nil:
		b.onEdited(ctx, u.EditedMessage)
	case u.CallbackQuery != nil:
		b.onCallback(ctx, u.CallbackQuery)
	case u.InlineQuery != nil:
		b.onInlineQuery(ctx, u.InlineQuery)
	case u.MyChatMember != nil:
		b.onMembership(ctx, u.MyChatMember)
	default:
		b.logger.Debug("ignoring an update of a kind the bot does not use", "update_id", u.ID)
	}
	return nil
}

// manager returns the allow-listed manager behind a user, if any.
func (b *Bot) manager(u *models.User) (Manager, bool) {
	if u == nil || u.IsBot {
		return Manager{}, false
	}
	m, ok := b.managers[u.ID]
	return m, ok
}

// ignorable reports senders the bot never reacts to: itself, other bots,
// and messages with no sender.
func (b *Bot) ignorable(from *models.User) bool {
	if from == nil || from.IsBot {
		return true
	}
	me := b.self()
	return me != nil && from.ID == me.ID
}

// refuse tells a stranger, politely and at most once per chat per
// RefusalInterval, that the bot is not for them. Nothing else happens.
func (b *Bot) refuse(ctx context.Context, chat int64, from *models.User) {
	now := b.now()
	b.mu.Lock()
	last, seen := b.refusals[chat]
	allowed := !seen || now.Sub(last) >= b.cfg.RefusalInterval
	if allowed {
		b.refusals[chat] = now
		if len(b.refusals) > 10000 {
			for c, t := range b.refusals {
				if now.Sub(t) >= b.cfg.RefusalInterval {
					delete(b.refusals, c)
				}
			}
		}
	}
	b.mu.Unlock()
	b.logger.Info("refused a user who is not a manager", "user_id", userID(from), "chat_id", chat, "answered", allowed)
	if !allowed {
		return
	}
	b.out.reply(ctx, chat, 0, msg(strangerLang(from), "refuse", esc(b.view.brandName())), nil)
}

func userID(u *models.User) int64 {
	if u == nil {
		return 0
	}
	return u.ID
}

func strangerLang(u *models.User) string {
	if u != nil && strings.HasPrefix(u.LanguageCode, "fa") {
		return LangPersian
	}
	return LangEnglish
}

// command is a parsed /command.
type command struct {
	name string
	args []string
	// addressed is true when the command named this bot (/cmd@thisbot).
	addressed bool
}

// parseCommand reads "/name@bot args". Commands for other bots are
// reported as not commands.
func (b *Bot) parseCommand(text string) (command, bool) {
	if !strings.HasPrefix(text, "/") {
		return command{}, false
	}
	fields := strings.Fields(text)
	name, target, hasTarget := strings.Cut(strings.TrimPrefix(fields[0], "/"), "@")
	c := command{name: strings.ToLower(name), args: fields[1:]}
	if hasTarget {
		me := b.self()
		if me == nil || !strings.EqualFold(target, me.Username) {
			return command{}, false
		}
		c.addressed = true
	}
	// /case_12 is the clickable form of /case 12.
	if rest, ok := strings.CutPrefix(c.name, "case_"); ok && rest != "" {
		c.name, c.args = "case", append([]string{rest}, c.args...)
	}
	return c, c.name != ""
}

// addressedToBot reports whether a group message speaks to the bot: a
// reply to one of its messages or an @mention of it.
func (b *Bot) addressedToBot(m *models.Message) bool {
	me := b.self()
	if me == nil {
		return false
	}
	if m.ReplyToMessage != nil && m.ReplyToMessage.From != nil && m.ReplyToMessage.From.ID == me.ID {
		return true
	}
	return me.Username != "" && strings.Contains(strings.ToLower(m.Text), "@"+strings.ToLower(me.Username))
}

func (b *Bot) onMessage(ctx context.Context, updateID int64, m *models.Message) error {
	if m.From != nil && b.ignorable(m.From) {
		return nil
	}
	chat := m.Chat.ID
	private := m.Chat.Type == models.ChatTypePrivate
	_, isSource := b.groups[chat]
	mgr, isManager := b.manager(m.From)
	cmd, isCmd := b.parseCommand(m.Text)

	switch {
	case isSource && !isManager && !isCmd:
		// A customer talking in a group we listen to.
		return b.toInbox(ctx, updateID, m)
	case !isManager:
		if m.From == nil {
			return nil // channel posts and anonymous admins: not people who can act
		}
		if private || (isCmd && (cmd.addressed || !isSource)) || (!isSource && b.addressedToBot(m)) {
			b.refuse(ctx, chat, m.From)
		}
		return nil
	case !private && chat != b.cfg.AlertChatID:
		// Managers in other groups (a public source group, say) get no
		// case data there.
		return nil
	case isCmd:
		b.cmds.onCommand(ctx, mgr, m, cmd)
		return nil
	}
	b.act.onManagerText(ctx, mgr, m)
	return nil
}

// onEdited ignores edits: what a manager sent is already queued, and group
// messages are read as first posted. A manager who edits a reply is told.
func (b *Bot) onEdited(ctx context.Context, m *models.Message) {
	mgr, ok := b.manager(m.From)
	if !ok || b.ignorable(m.From) {
		return
	}
	if m.Chat.Type != models.ChatTypePrivate && m.Chat.ID != b.cfg.AlertChatID {
		return
	}
	me := b.self()
	if r := m.ReplyToMessage; r != nil && me != nil && r.From != nil && r.From.ID == me.ID {
		lang := b.recs.lang(ctx, mgr.ID)
		b.out.reply(ctx, m.Chat.ID, m.ID, msg(lang, "reply.edited"), nil)
	}
}

func (b *Bot) onInlineQuery(ctx context.Context, q *models.InlineQuery) {
	p := &tgbot.AnswerInlineQueryParams{InlineQueryID: q.ID, Results: []models.InlineQueryResult{}, IsPersonal: true, CacheTime: 0}
	if _, ok := b.manager(q.From); ok && !b.ignorable(q.From) {
		// Managers may paste a saved template anywhere.
		query := strings.ToLower(strings.TrimSpace(q.Query))
		for i, t := range b.cfg.Templates {
			for _, lt := range t.Texts() {
				if query != "" && !strings.Contains(strings.ToLower(t.Name+" "+lt[1]), query) {
					continue
				}
				text := core.Expand(lt[1], core.TemplateVars{Brand: b.cfg.Brand, Author: ""})
				p.Results = append(p.Results, &models.InlineQueryResultArticle{
					ID: "tpl" + strconv.Itoa(i) + lt[0], Title: t.Name + " (" + lt[0] + ")", Description: text,
					InputMessageContent: &models.InputTextMessageContent{MessageText: text},
				})
			}
		}
	} else {
		b.logger.Info("refused an inline query from a user who is not a manager", "user_id", userID(q.From))
	}
	if err := b.api.answerInlineQuery(ctx, p); err != nil {
		b.logger.Warn("could not answer an inline query", "error", err)
	}
}

// onMembership notes the bot being added to or removed from chats. Added
// to a group nobody configured by someone who is not a manager, it leaves.
func (b *Bot) onMembership(ctx context.Context, u *models.ChatMemberUpdated) {
	status := u.NewChatMember.Type
	chat := u.Chat.ID
	joined := status == models.ChatMemberTypeMember || status == models.ChatMemberTypeAdministrator
	known := chat == b.cfg.AlertChatID
	if _, ok := b.groups[chat]; ok {
		known = true
	}
	log := b.logger.With("chat_id", chat, "status", string(status), "by", u.From.ID)
	switch {
	case !joined:
		log.Info("the bot's membership changed")
	case known:
		log.Info("the bot is in a configured chat")
	case u.Chat.Type == models.ChatTypePrivate:
	default:
		if _, ok := b.manager(&u.From); ok {
			log.Warn("the bot was added to a chat that is not configured; add its ID to telegram.groups to read it")
			b.out.reply(ctx, chat, 0, msg(b.cfg.DefaultLang, "groups.added", strconv.FormatInt(chat, 10)), nil)
			return
		}
		log.Warn("the bot was added to a chat by someone who is not a manager; leaving")
		if err := b.api.leaveChat(ctx, chat); err != nil {
			log.Warn("could not leave the chat", "error", err)
		}
	}
}

// toInbox turns a group message into a mention and stores it in the inbox
// with its update ID, in one transaction.
func (b *Bot) toInbox(ctx context.Context, updateID int64, m *models.Message) error {
	mention, ok := b.groupMention(m)
	if !ok {
		return nil
	}
	if err := b.st.InboxAppend(ctx, updateID, mention); err != nil {
		return fmt.Errorf("bot: store group message: %w", err)
	}
	b.logger.Debug("group message stored for the engine", "chat_id", m.Chat.ID, "post_id", mention.NativeID)
	return nil
}

// groupMention converts a group message: platform telegram, native ID
// "<chat_id>:<message_id>", a t.me link when the group is public.
func (b *Bot) groupMention(m *models.Message) (core.Mention, bool) {
	text := m.Text
	if text == "" {
		text = m.Caption
	}
	if strings.TrimSpace(text) == "" {
		return core.Mention{}, false
	}
	var author core.Author
	switch {
	case m.SenderChat != nil:
		author = core.Author{ID: strconv.FormatInt(m.SenderChat.ID, 10), Handle: m.SenderChat.Username, Name: m.SenderChat.Title}
	case m.From != nil:
		name := strings.TrimSpace(m.From.FirstName + " " + m.From.LastName)
		author = core.Author{ID: strconv.FormatInt(m.From.ID, 10), Handle: m.From.Username, Name: name, Bot: m.From.IsBot}
	default:
		return core.Mention{}, false
	}
	created := time.Unix(int64(m.Date), 0).UTC()
	mention := core.Mention{
		Platform: core.PlatformTelegram, NativeID: ref(m.Chat.ID, m.ID), Source: b.cfg.SourceName,
		URL: messageURL(m.Chat, m.ID), Author: author, Text: text,
		CreatedAt: created, FetchedAt: b.now().UTC(),
	}
	if r := m.ReplyToMessage; r != nil && r.Chat.ID == m.Chat.ID {
		mention.ReplyToID = ref(m.Chat.ID, r.ID)
	}
	return mention, true
}

// messageURL links a group message: t.me/<username>/<id> for public
// groups, t.me/c/<id>/<msg> (members only) for private supergroups.
func messageURL(c models.Chat, msgID int) string {
	if c.Username != "" {
		return "https://t.me/" + c.Username + "/" + strconv.Itoa(msgID)
	}
	if s := strconv.FormatInt(c.ID, 10); strings.HasPrefix(s, "-100") {
		return "https://t.me/c/" + s[4:] + "/" + strconv.Itoa(msgID)
	}
	return ""
}

// onCallback answers a button press: strangers are refused, paging
// /pending needs no token, everything else is a manager's action.
func (b *Bot) onCallback(ctx context.Context, q *models.CallbackQuery) {
	mgr, ok := b.manager(&q.From)
	if !ok || b.ignorable(&q.From) {
		b.logger.Info("refused a button press from a user who is not a manager", "user_id", q.From.ID)
		b.out.toast(ctx, q.ID, msg(strangerLang(&q.From), "refuse", b.view.brandName()), false)
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
		b.cmds.sendPending(ctx, chat, msgID, lang, offset)
		b.out.toast(ctx, q.ID, "", false)
		return
	}
	b.act.press(ctx, q, mgr, lang, v, parts)
}
