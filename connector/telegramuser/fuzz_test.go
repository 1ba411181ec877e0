package telegramuser

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/gotd/td/bin"
	"github.com/gotd/td/tg"

	"github.com/shenava/shenava/core"
)

// FuzzToMention decodes arbitrary bytes as a TL message, as an answer
// from the network would be, and converts it: no input makes it panic, and
// every mention it makes has the key, link and author a public message
// has.
func FuzzToMention(f *testing.F) {
	seed := func(m *tg.Message) {
		m.SetFlags()
		var b bin.Buffer
		if err := m.Encode(&b); err != nil {
			f.Fatal(err)
		}
		f.Add(b.Buf, "koala_news", int64(1001))
	}
	seed(&tg.Message{ID: 7, PeerID: &tg.PeerChannel{ChannelID: 1001}, Date: 1795334400, Message: "کوالا خوبه"})
	seed(&tg.Message{ID: 8, PeerID: &tg.PeerChannel{ChannelID: 1001}, FromID: &tg.PeerUser{UserID: 5}, Date: 1795334400, Message: "koala \xff",
		Views: 10, ReplyTo: &tg.MessageReplyHeader{ReplyToMsgID: 7}})
	seed(&tg.Message{ID: 9, PeerID: &tg.PeerUser{UserID: 5}, Date: 1795334400, Message: "private"})
	f.Fuzz(func(t *testing.T, raw []byte, username string, chanID int64) {
		var m tg.Message
		if err := m.Decode(&bin.Buffer{Buf: raw}); err != nil {
			return
		}
		e := entities{channels: map[int64]*tg.Channel{chanID: {ID: chanID, Username: username, Title: "T"}},
			users: map[int64]*tg.User{5: {ID: 5, Username: "reza"}}}
		got, ok := toMention(&m, e, time.Unix(1795334400, 0))
		if !ok {
			return
		}
		got.Normalize()
		if got.Platform != core.PlatformTelegram || !strings.HasPrefix(got.Key(), "telegram:-100") ||
			got.URL != "https://t.me/"+username+"/"+strings.TrimPrefix(got.NativeID, chatID(chanID)+":") ||
			got.Author.ID == "" || !utf8.ValidString(got.Text) || got.CreatedAt.IsZero() {
			t.Fatalf("bad mention %+v from %+v", got, m)
		}
	})
}

func TestCollected(t *testing.T) {
	for src, want := range map[string]bool{"telegram-channel-koala_news": true, SearchSourceName: true, "telegram-groups": false, "": false} {
		if got := Collected(core.Mention{Platform: core.PlatformTelegram, Source: src}); got != want {
			t.Errorf("Collected(source %q) = %v", src, got)
		}
	}
	if Collected(core.Mention{Platform: core.PlatformX, Source: SearchSourceName}) {
		t.Error("an X mention counted as collected")
	}
}
