package telegramuser

import (
	"strconv"
	"strings"
	"time"

	"github.com/gotd/td/tg"

	"github.com/shenava/shenava/core"
)

// entities are the chats and users an answer carries, by ID.
type entities struct {
	channels map[int64]*tg.Channel
	users    map[int64]*tg.User
}

func newEntities(chats []tg.ChatClass, users []tg.UserClass) entities {
	e := entities{channels: map[int64]*tg.Channel{}, users: map[int64]*tg.User{}}
	for _, c := range chats {
		if ch, ok := c.(*tg.Channel); ok {
			e.channels[ch.ID] = ch
		}
	}
	for _, u := range users {
		if us, ok := u.(*tg.User); ok {
			e.users[us.ID] = us
		}
	}
	return e
}

// chatID writes a channel's ID as the Bot API does (-100<id>), so a group
// both the bot and the collector read keeps one key per message.
func chatID(channelID int64) string { return "-100" + strconv.FormatInt(channelID, 10) }

// toMention turns a message of a public channel or group into a mention.
// Messages elsewhere (private chats, groups without a public @username),
// service messages and messages without text are not mentions.
func toMention(mc tg.MessageClass, e entities, fetched time.Time) (core.Mention, bool) {
	msg, ok := mc.(*tg.Message)
	if !ok || msg == nil || msg.ID <= 0 || strings.TrimSpace(msg.Message) == "" || msg.Date <= 0 {
		return core.Mention{}, false
	}
	peer, ok := msg.PeerID.(*tg.PeerChannel)
	if !ok {
		return core.Mention{}, false
	}
	ch := e.channels[peer.ChannelID]
	if ch == nil || ch.Username == "" {
		return core.Mention{}, false
	}
	id := strconv.Itoa(msg.ID)
	m := core.Mention{
		Platform: core.PlatformTelegram, NativeID: chatID(ch.ID) + ":" + id,
		URL:  "https://t.me/" + ch.Username + "/" + id,
		Text: msg.Message, CreatedAt: time.Unix(int64(msg.Date), 0).UTC(), FetchedAt: fetched,
		ConversationID: chatID(ch.ID),
	}
	if r, ok := msg.ReplyTo.(*tg.MessageReplyHeader); ok && r.ReplyToMsgID > 0 {
		m.ReplyToID = chatID(ch.ID) + ":" + strconv.Itoa(r.ReplyToMsgID)
	}
	author := core.Author{ID: chatID(ch.ID), Handle: ch.Username, Name: ch.Title}
	if from, ok := msg.FromID.(*tg.PeerUser); ok {
		author = core.Author{ID: strconv.FormatInt(from.UserID, 10)}
		if u := e.users[from.UserID]; u != nil {
			author.Handle, author.Bot = u.Username, u.Bot
			author.Name = strings.TrimSpace(u.FirstName + " " + u.LastName)
		}
	} else {
		// A channel post: the channel speaks, and the people who saw or
		// forwarded the post are its reach.
		author.Followers = max(msg.Views, msg.Forwards)
	}
	m.Author = author
	return m, true
}

// messagesOf reads the messages and entities of any history or search
// answer; notModified is true for an answer without messages by design.
func messagesOf(res tg.MessagesMessagesClass) (msgs []tg.MessageClass, e entities, nextRate int, ok bool) {
	switch r := res.(type) {
	case *tg.MessagesMessages:
		return r.Messages, newEntities(r.Chats, r.Users), 0, true
	case *tg.MessagesMessagesSlice:
		return r.Messages, newEntities(r.Chats, r.Users), r.NextRate, true
	case *tg.MessagesChannelMessages:
		return r.Messages, newEntities(r.Chats, r.Users), 0, true
	}
	return nil, entities{}, 0, false
}
