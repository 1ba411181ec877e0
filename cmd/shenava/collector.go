package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/shenava/shenava/config"
	"github.com/shenava/shenava/connector/telegramuser"
	"github.com/shenava/shenava/listen"
)

func (c *connectors) addTelegramChannels(cfg *config.Config, logger *slog.Logger) error {
	col, err := telegramuser.New(cfg.Sources.TelegramChannels, logger, telegramuser.Options{})
	if err != nil {
		return cfg.Problem("sources.telegram_channels", err)
	}
	// The account's one connection and every source read through it move
	// between replicas together, under one lease.
	for _, s := range col.Channels() {
		c.sources = append(c.sources, listen.SourceSpec{Name: s.Name(), Source: s, Interval: s.Interval(), Lease: leaseCollector})
	}
	if s := col.Search(); s != nil {
		c.sources = append(c.sources, listen.SourceSpec{Name: config.SourceTelegramSearch, Source: s, Interval: s.Interval(),
			Lease: leaseCollector})
	}
	c.checks = append(c.checks, check{name: "telegram collector", run: col.Check})
	c.keepers = append(c.keepers, keeper{name: "telegram-collector", lease: leaseCollector,
		run: func(ctx context.Context, _ func(string)) error { return col.Run(ctx) }})
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
