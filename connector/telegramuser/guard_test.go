package telegramuser

import (
	"context"
	"errors"
	"testing"

	"github.com/shenava/shenava/core"
)

type botReplier struct{ calls int }

func (r *botReplier) Reply(context.Context, core.Mention, string) (string, error) {
	r.calls++
	return "ok", nil
}
func (r *botReplier) DirectMessage(context.Context, core.Mention, string) (string, error) {
	r.calls++
	return "ok", nil
}
func (r *botReplier) Capabilities() core.Capabilities {
	return core.Capabilities{Reply: true, DirectMessage: true}
}

// Mentions the collector read are never answered through the bot; group
// messages the bot heard still are.
func TestGuard(t *testing.T) {
	bot := &botReplier{}
	g := Guard{bot}
	channel := core.Mention{Platform: core.PlatformTelegram, NativeID: "-1001:5", Source: "telegram-channel-tehran_food",
		URL: "https://t.me/tehran_food/5"}
	group := core.Mention{Platform: core.PlatformTelegram, NativeID: "-1002:6", Source: "telegram-groups"}
	if _, err := g.Reply(context.Background(), channel, "hi"); !errors.Is(err, core.ErrUnsupported) || !errors.Is(err, core.ErrPermanent) {
		t.Errorf("reply to a channel post: %v", err)
	}
	if _, err := g.DirectMessage(context.Background(), channel, "hi"); !errors.Is(err, core.ErrUnsupported) {
		t.Errorf("private reply to a channel post: %v", err)
	}
	if got := g.CapabilitiesFor(channel); got != (core.Capabilities{Limit: core.LimitReadOnly}) {
		t.Errorf("a channel post is shown as %+v, want nothing answerable, read-only", got)
	}
	if bot.calls != 0 {
		t.Errorf("the bot was asked %d times", bot.calls)
	}
	if _, err := g.Reply(context.Background(), group, "hi"); err != nil || bot.calls != 1 {
		t.Errorf("reply in a group: %v, %d calls", err, bot.calls)
	}
	if g.CapabilitiesFor(group) != bot.Capabilities() {
		t.Error("group capabilities changed")
	}
}
