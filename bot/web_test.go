package bot

import (
	"fmt"
	"strings"
	"testing"

	"github.com/shenava/shenava/internal/telegramtest"
)

func TestBot_WebCommand(t *testing.T) {
	h := newHarness(t)
	h.run()
	var asked []int64
	h.bot.cmds.webLink = func(id int64) (string, error) {
		asked = append(asked, id)
		return fmt.Sprintf("https://inbox.example.com/login?t=T%d", id), nil
	}
	last := func(chat int64) string {
		t.Helper()
		sent := h.sentTo(chat)
		if len(sent) == 0 {
			t.Fatalf("nothing sent to %d", chat)
		}
		return sent[len(sent)-1].String("text")
	}
	h.tg.SendText(ali, telegramtest.PrivateChat(ali), "/web")
	h.settle()
	if got := last(ali.ID); !strings.Contains(got, fmt.Sprintf("https://inbox.example.com/login?t=T%d", ali.ID)) ||
		!strings.Contains(got, "works once") {
		t.Fatalf("/web in private answered %q", got)
	}
	// In the managers' group anyone could use the link first.
	h.tg.SendText(sara, alertChat, "/web")
	h.settle()
	if got := last(alertChat.ID); strings.Contains(got, "login?t=") || !strings.Contains(got, "/web") {
		t.Fatalf("/web in the group answered %q", got)
	}
	if len(asked) != 1 || asked[0] != ali.ID {
		t.Fatalf("links made for %v, want only Ali's", asked)
	}
	h.bot.cmds.webLink = nil
	h.tg.SendText(sara, telegramtest.PrivateChat(sara), "/web")
	h.settle()
	if got := last(sara.ID); !strings.Contains(got, "web.listen") {
		t.Fatalf("/web with the inbox off answered %q", got)
	}
}
