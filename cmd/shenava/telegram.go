package main

import (
	"fmt"
	"time"

	"github.com/shenava/shenava/bot"
	"github.com/shenava/shenava/config"
	"github.com/shenava/shenava/listen"
)

// groupPollInterval is how often the engine reads the group messages the
// bot has stored: often, because the bot pushes them as they come.
const groupPollInterval = 2 * time.Second

// managersBot is the Telegram side as the daemon uses it.
type managersBot struct {
	*bot.Bot
	sources []listen.SourceSpec
}

// newManagersBot builds the bot on deps when telegram is enabled (nil
// otherwise).
func newManagersBot(cfg *config.Config, deps bot.Deps) (*managersBot, error) {
	if !cfg.Telegram.Enabled {
		return nil, nil
	}
	b, err := bot.New(cfg.Telegram, deps)
	if err != nil {
		return nil, fmt.Errorf("telegram: %w", err)
	}
	mb := &managersBot{Bot: b}
	if len(cfg.Telegram.Groups) > 0 {
		mb.sources = append(mb.sources, listen.SourceSpec{Name: config.SourceTelegramGroups, Source: b.GroupSource(),
			Interval: groupPollInterval})
	}
	return mb, nil
}

var (
	_ listen.Alerter = (*bot.Bot)(nil)
	_ listen.Source  = (*bot.GroupSource)(nil)
	_ listen.Replier = (*bot.Replier)(nil)
)
