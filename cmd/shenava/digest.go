package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/shenava/shenava/admin"
	"github.com/shenava/shenava/bot"
	"github.com/shenava/shenava/config"
	"github.com/shenava/shenava/digest"
	"github.com/shenava/shenava/internal/logging"
	"github.com/shenava/shenava/store"
)

func cmdDigest() command {
	return command{
		summary: "print, or send, one day's digest",
		run: func(ctx context.Context, e env, args []string) error {
			fs := newFlagSet(e, "digest", "[-config config.yaml] [-date YYYY-MM-DD] [-chart FILE.png] [-send]")
			path := fs.String("config", "config.yaml", "configuration file")
			date := fs.String("date", "", "the day, in digest.timezone (default: yesterday)")
			chartOut := fs.String("chart", "", "also write the 14-day chart to this PNG file")
			send := fs.Bool("send", false, "send it to the managers' chat instead of printing it")
			if err := parseFlags(fs, args); err != nil {
				return err
			}
			cfg, err := loadConfig(e, *path)
			if err != nil {
				return err
			}
			if *send && !cfg.Telegram.Enabled {
				return fmt.Errorf("digest: -send needs telegram.enabled: true in %s", *path)
			}
			logger := logging.New(cfg.Log, e.stderr)
			var text string
			var chart []byte
			err = withDatabase(ctx, cfg, !*send,
				func(db store.Store) error {
					d, err := newDigester(cfg, db, logger, *send)
					if err != nil {
						return err
					}
					day := d.Yesterday(time.Now())
					if *date != "" {
						if day, err = d.ParseDay(*date); err != nil {
							return err
						}
					}
					if *send {
						return d.Send(ctx, day)
					}
					text, chart, err = d.Digest(ctx, day)
					return err
				},
				func(c admin.Client) error {
					text, chart, err = c.Digest(ctx, *date, *send)
					return err
				})
			if err != nil {
				return fmt.Errorf("digest: %w", err)
			}
			if *send {
				fmt.Fprintln(e.stdout, "digest sent")
				return nil
			}
			fmt.Fprintln(e.stdout, text)
			if *chartOut != "" && chart != nil {
				if err := os.WriteFile(*chartOut, chart, 0o644); err != nil {
					return fmt.Errorf("digest: %w", err)
				}
				fmt.Fprintf(e.stderr, "chart written to %s\n", *chartOut)
			}
			return nil
		},
	}
}

// newDigester builds the digester over db. With send, the managers' bot is
// its sender.
func newDigester(cfg *config.Config, db store.Store, logger *slog.Logger, send bool) (*digest.Digester, error) {
	var sender digest.Sender
	if send {
		mgr, err := newManagersBot(cfg, bot.Deps{Store: db, HTTPClient: newHTTPClient(), Logger: logger})
		if err != nil {
			return nil, err
		}
		sender = mgr
	}
	return digest.New(cfg.DigestConfig(), db, sender, logger)
}
