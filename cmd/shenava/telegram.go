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

func botConfig(cfg *config.Config) bot.Config {
	t := cfg.Telegram
	bc := bot.Config{
		APIURL: t.APIURL, Token: t.Token.Reveal(),
		AlertChatID: t.AlertChatID, DigestChatID: cfg.Digest.ChatID,
		SourceName:     config.SourceTelegramGroups,
		PollTimeout:    t.PollTimeout.D(),
		RequestTimeout: t.Timeout.D(),
		DefaultLang:    t.DefaultLang,
		Brand:          cfg.Brand.Name,
		ThankApproval:  cfg.Routing.ThankYou.Mode == config.ThankYouApprove,
		Location:       cfg.Digest.TimeZone.Location(),
		MuteDefault:    t.Mute.Default.D(),
		MuteMax:        t.Mute.Max.D(),
		UndoWindow:     t.UndoWindow.D(),
	}
	for _, m := range t.Managers {
		bc.Managers = append(bc.Managers, bot.Manager{ID: m.ID, Name: m.Name, Lang: m.Lang, Alerts: m.Alerts})
	}
	for _, g := range t.Groups {
		bc.Groups = append(bc.Groups, bot.Group{ChatID: g.ChatID, Name: g.Name})
	}
	for _, tpl := range cfg.Routing.Templates {
		bc.Templates = append(bc.Templates, bot.Template{Name: tpl.Name, FA: tpl.FA, EN: tpl.EN, FI: tpl.FI})
	}
	return bc
}

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
	b, err := bot.New(botConfig(cfg), deps)
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
