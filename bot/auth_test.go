package bot

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/telegramtest"
)

func TestBot_Authorisation(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.run()
	c := h.ingest(negativeMention("1001", "بد"))
	alert := h.alertIn(c, alertChat.ID)
	before, beforeActions := h.caseNow(c.ID), len(h.actions())
	private := telegramtest.PrivateChat(stranger)
	unknownGroup := telegramtest.Supergroup(-1009999, "Random group", "")
	bot := h.tg.Bot()

	refusalsIn := func(chat int64) int {
		n := 0
		for _, r := range h.sentTo(chat) {
			if strings.Contains(r.String("text"), "only for Koala") || strings.Contains(r.String("text"), "فقط برای تیم پشتیبانی") {
				n++
			}
		}
		return n
	}

	t.Run("Messages", func(t *testing.T) {
		h.tg.SendText(stranger, private, "/start")
		h.tg.SendText(stranger, private, "/pending")
		h.tg.SendText(stranger, private, "/case "+itoa64(c.ID))
		h.tg.SendText(stranger, private, "hello?")
		h.settle()
		if n := refusalsIn(stranger.ID); n != 1 {
			t.Fatalf("%d refusals in an hour, want exactly 1", n)
		}
		h.clock.Advance(61 * time.Minute)
		h.tg.SendText(stranger, private, "/stats")
		h.settle()
		if n := refusalsIn(stranger.ID); n != 2 {
			t.Fatalf("%d refusals after an hour, want 2", n)
		}
		if len(h.sentTo(stranger.ID)) != 2 {
			t.Fatalf("the stranger got more than refusals: %d messages", len(h.sentTo(stranger.ID)))
		}
	})
	t.Run("ReplyToAlertInAlertChat", func(t *testing.T) {
		h.tg.ReplyText(stranger, alert, "I am answering the customer")
		h.tg.ReplyText(stranger, alert, "again")
		h.settle()
		if n := refusalsIn(alertChat.ID); n != 1 {
			t.Fatalf("%d refusals in the alert chat, want 1", n)
		}
		if len(h.x.Calls()) != 0 {
			t.Fatalf("a stranger's reply went out: %q", h.x.Calls())
		}
	})
	t.Run("CallbackQuery", func(t *testing.T) {
		for _, label := range []string{"حل شد", "نادیده بگیر", "برمی‌دارم", "پاسخ عمومی"} {
			h.tg.Press(stranger, alert, h.buttonData(alert, label))
		}
		h.settle()
		answers := h.tg.Calls("answerCallbackQuery")
		if len(answers) < 4 || !strings.Contains(answers[len(answers)-1].String("text"), "only for Koala") {
			t.Fatalf("stranger's presses not answered with a refusal: %d answers", len(answers))
		}
	})
	t.Run("EditedMessage", func(t *testing.T) {
		sent := len(h.tg.Calls("sendMessage"))
		m := h.tg.SendText(stranger, alertChat, "ok")
		h.tg.EditText(stranger, m, "/resolve")
		h.settle()
		if n := len(h.tg.Calls("sendMessage")) - sent; n != 0 {
			t.Fatalf("%d messages sent for a stranger's edit", n)
		}
	})
	t.Run("InlineQuery", func(t *testing.T) {
		h.tg.InlineQuery(stranger, "sorry")
		h.tg.InlineQuery(sara, "")
		h.settle()
		answers := h.tg.Calls("answerInlineQuery")
		if len(answers) != 2 {
			t.Fatalf("%d inline answers, want 2", len(answers))
		}
		var forStranger, forSara []map[string]any
		json.Unmarshal([]byte(answers[0].String("results")), &forStranger)
		json.Unmarshal([]byte(answers[1].String("results")), &forSara)
		if len(forStranger) != 0 || len(forSara) != 3 {
			t.Fatalf("results: stranger %d, manager %d; want 0 and 3 (one per template text)", len(forStranger), len(forSara))
		}
	})
	t.Run("AddedToGroupByStranger", func(t *testing.T) {
		h.tg.MemberChange(unknownGroup, stranger, "left", "member")
		h.settle()
		if left := h.tg.Calls("leaveChat"); len(left) != 1 || left[0].Int("chat_id") != unknownGroup.ID {
			t.Fatalf("leaveChat calls %+v, want one for the unknown group", left)
		}
	})
	t.Run("BotsAndSelfIgnored", func(t *testing.T) {
		sent := len(h.tg.Calls("sendMessage"))
		h.tg.SendText(otherBot, alertChat, "/pending")
		h.tg.ReplyText(otherBot, alert, "spam reply")
		h.tg.SendText(bot, alertChat, "/pending")
		h.tg.SendText(otherBot, fansGroup, "Koala is the worst, buy CryptoX")
		h.tg.Press(otherBot, alert, h.buttonData(alert, "حل شد"))
		h.settle()
		if n := len(h.tg.Calls("sendMessage")) - sent; n != 0 {
			t.Fatalf("%d messages sent for bots", n)
		}
		if ms, _, _ := h.db.InboxAfter(ctx, 0, 0); len(ms) != 0 {
			t.Fatalf("a bot's group message became a mention: %v", ms)
		}
	})
	t.Run("CommandsInSourceGroup", func(t *testing.T) {
		sent := len(h.sentTo(fansGroup.ID))
		h.tg.SendText(stranger, fansGroup, "/pending")                        // not addressed to us
		h.tg.SendText(stranger, fansGroup, "/pending@"+bot.Username)          // addressed: refused
		h.tg.SendText(stranger, fansGroup, "/pending@"+bot.Username+" again") // within the hour: silent
		h.tg.SendText(sara, fansGroup, "/pending")                            // managers get no case data in public
		h.settle()
		if n := len(h.sentTo(fansGroup.ID)) - sent; n != 1 {
			t.Fatalf("%d messages in the public group, want 1 refusal", n)
		}
	})

	after := h.caseNow(c.ID)
	if after.State != before.State || len(after.Events) != len(before.Events) {
		t.Fatalf("strangers changed the case: %s→%s", before.State, after.State)
	}
	if n := len(h.actions()) - beforeActions; n != 0 {
		t.Fatalf("strangers queued %d actions", n)
	}
	for _, id := range []int64{stranger.ID, otherBot.ID} {
		if _, ok, _ := h.db.BotGet(ctx, core.SpacePrefs, itoa64(uint64(id))); ok {
			t.Fatalf("state stored for %d", id)
		}
	}
	if c.State != core.CaseAlerted {
		t.Fatal("setup")
	}
}

func itoa64(n uint64) string {
	b, _ := json.Marshal(n)
	return string(b)
}
