package telegramuser

import (
	"context"
	"fmt"

	"github.com/shenava/shenava/core"
)

// Replier is what answers Telegram mentions (the bot's replier, a
// listen.Replier).
type Replier interface {
	Reply(ctx context.Context, m core.Mention, text string) (ref string, err error)
	DirectMessage(ctx context.Context, m core.Mention, text string) (ref string, err error)
	Capabilities() core.Capabilities
}

// Guard answers Telegram mentions through the bot, except those the
// collector account read from channels and search: the bot is not in
// those chats and the collector never writes, so managers open them in
// Telegram. Refusing here makes a reply to one a clear failure notice
// instead of a post attempted in a chat the bot does not belong to.
type Guard struct{ Replier }

func (g Guard) Reply(ctx context.Context, m core.Mention, text string) (string, error) {
	if Collected(m) {
		return "", errReadOnly(m)
	}
	return g.Replier.Reply(ctx, m, text)
}

func (g Guard) DirectMessage(ctx context.Context, m core.Mention, text string) (string, error) {
	if Collected(m) {
		return "", errReadOnly(m)
	}
	return g.Replier.DirectMessage(ctx, m, text)
}

func errReadOnly(m core.Mention) error {
	return core.Permanent(fmt.Errorf("telegram: %s was read by the collector account, which never writes; open %s in Telegram to answer: %w",
		m.Key(), m.URL, core.ErrUnsupported))
}

// CapabilitiesFor: nothing for what the collector read, saying why (the
// alert then offers the post in Telegram); the bot's capabilities for the
// rest.
func (g Guard) CapabilitiesFor(m core.Mention) core.Capabilities {
	if Collected(m) {
		return core.Capabilities{Limit: core.LimitReadOnly}
	}
	return g.Replier.Capabilities()
}
