package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/shenava/shenava/config"
	"github.com/shenava/shenava/connector/telegramuser"
	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/listen"
)

func (c *connectors) addTelegramChannels(cfg *config.Config, logger *slog.Logger) error {
	col, err := telegramuser.New(cfg.Sources.TelegramChannels, logger, telegramuser.Options{})
	if err != nil {
		return cfg.Problem("sources.telegram_channels", err)
	}
	for _, s := range col.Channels() {
		c.sources = append(c.sources, listen.SourceSpec{Name: s.Name(), Source: s, Interval: s.Interval()})
	}
	if s := col.Search(); s != nil {
		c.sources = append(c.sources, listen.SourceSpec{Name: config.SourceTelegramSearch, Source: s, Interval: s.Interval()})
	}
	c.checks = append(c.checks, check{name: "telegram collector", run: col.Check})
	c.keepers = append(c.keepers, keeper{name: "telegram-collector", run: func(ctx context.Context, _ func(string)) error {
		return col.Run(ctx)
	}})
	return nil
}

func cmdTelegram() command {
	return command{
		summary: "telegram login: sign the public-channel collector account in (MTProto)",
		run: func(ctx context.Context, e env, args []string) error {
			if len(args) == 0 || args[0] != "login" {
				return fmt.Errorf("telegram: want 'telegram login [-config config.yaml]': %w", errUsage)
			}
			fs := newFlagSet(e, "telegram login", "[-config config.yaml]")
			path := fs.String("config", "config.yaml", "configuration file")
			if err := parseFlags(fs, args[1:]); err != nil {
				return err
			}
			cfg, err := loadConfig(e, *path)
			if err != nil {
				return err
			}
			tc := cfg.Sources.TelegramChannels
			if !tc.Enabled {
				return fmt.Errorf("telegram login: sources.telegram_channels is not enabled in %s", *path)
			}
			// Nothing of the sign-in is logged: the phone number, the code
			// and the password are read from the terminal only.
			col, err := telegramuser.New(tc, slog.New(slog.DiscardHandler), telegramuser.Options{})
			if err != nil {
				return cfg.Problem("sources.telegram_channels", err)
			}
			u, err := col.Login(ctx, e.stdin, e.stdout)
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "Signed in as %s (id %d); the session is in %s.\n", displayName(u.Username, u.FirstName), u.ID, tc.SessionFile)
			return nil
		},
	}
}

func displayName(username, first string) string {
	if username != "" {
		return "@" + username
	}
	return first
}

// collectorGuard answers Telegram mentions through the bot, except those
// the collector account read from channels and search: the bot is not in
// those chats and the collector never writes, so managers open them in
// Telegram. Refusing here makes a reply to one a clear failure notice
// instead of a post attempted in a chat the bot does not belong to.
type collectorGuard struct{ listen.Replier }

func (g collectorGuard) fromCollector(m core.Mention) bool {
	return telegramuser.Collected(m)
}

func (g collectorGuard) Reply(ctx context.Context, m core.Mention, text string) (string, error) {
	if g.fromCollector(m) {
		return "", errCollectorReadOnly(m)
	}
	return g.Replier.Reply(ctx, m, text)
}

func (g collectorGuard) DirectMessage(ctx context.Context, m core.Mention, text string) (string, error) {
	if g.fromCollector(m) {
		return "", errCollectorReadOnly(m)
	}
	return g.Replier.DirectMessage(ctx, m, text)
}

func errCollectorReadOnly(m core.Mention) error {
	return core.Permanent(fmt.Errorf("telegram: %s was read by the collector account, which never writes; open %s in Telegram to answer: %w",
		m.Key(), m.URL, core.ErrUnsupported))
}

// CapabilitiesFor: nothing for what the collector read, saying why (the
// alert then offers the post in Telegram); the bot's capabilities for the
// rest.
func (g collectorGuard) CapabilitiesFor(m core.Mention) core.Capabilities {
	if g.fromCollector(m) {
		return core.Capabilities{Limit: core.LimitReadOnly}
	}
	return g.Replier.Capabilities()
}
