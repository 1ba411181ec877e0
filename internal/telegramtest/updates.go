package telegramtest

import (
	"strconv"
	"strings"
	"unicode/utf16"
)

// Queue adds an update of the given kind ("message", "callback_query",
// "my_chat_member", ...) with its payload, checks it against the spec's
// Update type, and returns its update_id.
func (s *Server) Queue(kind string, payload map[string]any) int64 {
	s.mu.Lock()
	s.nextUpdate++
	id := s.nextUpdate
	u := map[string]any{"update_id": id, kind: payload}
	s.updates = append(s.updates, u)
	close(s.arrived)
	s.arrived = make(chan struct{})
	s.mu.Unlock()
	if err := s.spec.CheckValue("Update", roundTrip(u)); err != nil {
		s.violate("queued update does not fit the spec: %v", err)
	}
	return id
}

// userMessage builds a message from a user and keeps it, so later
// replies and callbacks can refer to it.
func (s *Server) userMessage(from User, chat Chat, text string, extra ...func(map[string]any)) map[string]any {
	s.mu.Lock()
	if _, ok := s.chats[chat.ID]; !ok && chat.ID < 0 {
		s.chats[chat.ID] = chat
	}
	date := s.now().Unix()
	s.mu.Unlock()
	msg := map[string]any{"date": date, "chat": chat.value(), "from": from.value()}
	if text != "" {
		msg["text"] = text
		if strings.HasPrefix(text, "/") {
			cmd, _, _ := strings.Cut(text, " ")
			msg["entities"] = []map[string]any{{"type": "bot_command", "offset": 0, "length": len(utf16.Encode([]rune(cmd)))}}
		}
	}
	return s.store(chat, msg, extra...)
}

// SendText queues a text message from a user (commands get their
// bot_command entity) and returns it.
func (s *Server) SendText(from User, chat Chat, text string) Msg {
	msg := s.userMessage(from, chat, text)
	s.Queue("message", msg)
	return Msg{Chat: chat, ID: msg["message_id"].(int)}
}

// SendCaption queues a photo with a caption from a user.
func (s *Server) SendCaption(from User, chat Chat, caption string) Msg {
	msg := s.userMessage(from, chat, "", func(m map[string]any) {
		m["caption"] = caption
		m["photo"] = []map[string]any{{"file_id": "p", "file_unique_id": "p", "width": 10, "height": 10}}
	})
	s.Queue("message", msg)
	return Msg{Chat: chat, ID: msg["message_id"].(int)}
}

// ReplyText queues a text message from a user that replies to an earlier
// message in the same chat (the bot's or anyone's).
func (s *Server) ReplyText(from User, to Msg, text string) Msg {
	s.mu.Lock()
	replied, ok := s.msgs[msgKey{to.Chat.ID, to.ID}]
	if ok {
		replied = shallow(replied)
	}
	s.mu.Unlock()
	if !ok {
		s.tb.Errorf("telegramtest: ReplyText to unknown message %d in chat %d", to.ID, to.Chat.ID)
		return Msg{}
	}
	msg := s.userMessage(from, to.Chat, text, func(m map[string]any) { m["reply_to_message"] = replied })
	s.Queue("message", msg)
	return Msg{Chat: to.Chat, ID: msg["message_id"].(int)}
}

// EditText queues an edited_message update: the user changed the text of
// their message.
func (s *Server) EditText(from User, m Msg, text string) {
	s.mu.Lock()
	orig, ok := s.msgs[msgKey{m.Chat.ID, m.ID}]
	if !ok {
		s.mu.Unlock()
		s.tb.Errorf("telegramtest: EditText of unknown message %d in chat %d", m.ID, m.Chat.ID)
		return
	}
	edited := copyMsg(orig)
	edited["text"] = text
	edited["edit_date"] = s.now().Unix()
	s.msgs[msgKey{m.Chat.ID, m.ID}] = edited
	s.mu.Unlock()
	s.Queue("edited_message", edited)
}

// Press queues a callback query: from tapped a button with data on message
// m (normally one the bot sent). It returns the query's ID.
func (s *Server) Press(from User, m Msg, data string) string {
	s.mu.Lock()
	s.seq++
	id := "cbq" + strconv.Itoa(s.seq)
	s.callbacks[id] = true
	msg, ok := s.msgs[msgKey{m.Chat.ID, m.ID}]
	var payload map[string]any
	if ok {
		payload = map[string]any{"id": id, "from": from.value(), "message": shallow(msg),
			"chat_instance": "ci" + strconv.FormatInt(m.Chat.ID, 10), "data": data}
	}
	s.mu.Unlock()
	if !ok {
		s.tb.Errorf("telegramtest: Press on unknown message %d in chat %d", m.ID, m.Chat.ID)
		return id
	}
	s.Queue("callback_query", payload)
	return id
}

// InlineQuery queues an inline query and returns its ID.
func (s *Server) InlineQuery(from User, query string) string {
	s.mu.Lock()
	s.seq++
	id := "iq" + strconv.Itoa(s.seq)
	s.mu.Unlock()
	s.Queue("inline_query", map[string]any{"id": id, "from": from.value(), "query": query, "offset": ""})
	return id
}

// MemberChange queues a my_chat_member update: by changed the bot's
// status in chat from oldStatus to newStatus ("member", "left", ...).
func (s *Server) MemberChange(chat Chat, by User, oldStatus, newStatus string) int64 {
	s.mu.Lock()
	if chat.ID < 0 {
		s.chats[chat.ID] = chat
	}
	date := s.now().Unix()
	s.mu.Unlock()
	bot := s.bot.value()
	return s.Queue("my_chat_member", map[string]any{
		"chat": chat.value(), "from": by.value(), "date": date,
		"old_chat_member": member(oldStatus, bot),
		"new_chat_member": member(newStatus, bot),
	})
}

// member builds a ChatMember of the given status with the fields each
// variant requires.
func member(status string, user map[string]any) map[string]any {
	m := map[string]any{"status": status, "user": user}
	switch status {
	case "kicked":
		m["until_date"] = 0
	case "administrator":
		for _, f := range []string{"can_be_edited", "is_anonymous", "can_manage_chat", "can_delete_messages",
			"can_manage_video_chats", "can_restrict_members", "can_promote_members", "can_change_info",
			"can_invite_users", "can_post_stories", "can_edit_stories", "can_delete_stories"} {
			m[f] = false
		}
		m["can_manage_chat"], m["can_delete_messages"] = true, true
	}
	return m
}

// LastSent returns the last message the bot sent to a chat (text or
// photo), and false when there is none.
func (s *Server) LastSent(chat int64) (Msg, map[string]any, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for id := s.nextMsg[chat]; id > 0; id-- {
		m, ok := s.msgs[msgKey{chat, id}]
		if !ok {
			continue
		}
		if from, _ := m["from"].(map[string]any); from != nil && from["id"] == s.bot.ID {
			c := s.chats[chat]
			if c.ID == 0 {
				c = Chat{ID: chat, Type: "private"}
			}
			return Msg{Chat: c, ID: id}, copyMsg(m), true
		}
	}
	return Msg{}, nil, false
}
