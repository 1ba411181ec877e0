package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/shenava/shenava/config"
	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/store"
	"github.com/shenava/shenava/web"
)

func cmdWeb() command {
	return command{
		summary: "web link -manager ID: print a single-use sign-in link to the web inbox",
		run: func(ctx context.Context, e env, args []string) error {
			if len(args) == 0 || args[0] != "link" {
				return fmt.Errorf("web: want 'web link [-config config.yaml] -manager ID': %w", errUsage)
			}
			fs := newFlagSet(e, "web link", "[-config config.yaml] -manager ID")
			path := fs.String("config", "config.yaml", "configuration file")
			id := fs.String("manager", "", "the manager's Telegram user ID, as in telegram.managers")
			if err := parseFlags(fs, args[1:]); err != nil {
				return err
			}
			n, err := strconv.ParseInt(*id, 10, 64)
			if err != nil {
				return fmt.Errorf("web link: -manager wants a Telegram user ID, got %q: %w", *id, errUsage)
			}
			cfg, err := loadConfig(e, *path)
			if err != nil {
				return err
			}
			if !cfg.Web.Enabled() {
				return errors.New("web link: the web inbox is off (web.listen is empty)")
			}
			link, err := web.LinkFor(webConfig(cfg), n, time.Now())
			if err != nil {
				return fmt.Errorf("web link: %w", err)
			}
			fmt.Fprintln(e.stdout, link)
			fmt.Fprintf(e.stderr, "valid for %s, once\n", web.LinkTTL)
			return nil
		},
	}
}

// webConfig is the web section with what it takes from the others: the
// managers, templates, undo window and token of the bot, the brand.
func webConfig(cfg *config.Config) web.Config {
	wc := cfg.Web
	t := cfg.Telegram
	wc.Brand, wc.Templates, wc.UndoWindow, wc.BotToken, wc.DefaultLang = cfg.Brand.Name, nil, t.UndoWindow, t.Token, t.DefaultLang
	dc := cfg.DigestConfig()
	wc.SLATarget, wc.RecoveryWindow = dc.SLATarget, dc.RecoveryWindow
	for _, m := range t.Managers {
		lang := m.Lang
		if lang == "" {
			lang = t.DefaultLang
		}
		wc.Managers = append(wc.Managers, web.Manager{ID: m.ID, Name: m.Name, Lang: lang})
	}
	for _, tpl := range t.Templates {
		wc.Templates = append(wc.Templates, core.Template{Name: tpl.Name, FA: tpl.FA, EN: tpl.EN, FI: tpl.FI})
	}
	return wc
}

// newWebInbox builds the web inbox when web.listen is set and a key can
// sign its links (nil otherwise); changes wakes its count streams.
func newWebInbox(cfg *config.Config, db store.Store, caps func(core.Platform) core.Capabilities,
	mcaps func(core.Mention) core.Capabilities, wake func(), changes *web.Changes, logger *slog.Logger) (*web.Server, error) {
	if !cfg.Web.Enabled() {
		return nil, nil
	}
	if len(cfg.Telegram.Managers) == 0 {
		// The inbox is for the managers the bot allows; without them
		// nobody could sign in.
		logger.Info("web inbox off: no managers (telegram.managers) to sign in", "listen", cfg.Web.Listen)
		return nil, nil
	}
	srv, err := web.New(webConfig(cfg), web.Deps{Store: db, Capabilities: caps, MentionCapabilities: mcaps,
		Wake: wake, Changes: changes, Logger: logger})
	if errors.Is(err, web.ErrNoKey) {
		logger.Warn("web inbox off: nothing signs its sign-in links; set web.secret or telegram.token", "listen", cfg.Web.Listen)
		return nil, nil
	}
	return srv, err
}

// webLinker makes /web's sign-in links when the web inbox is on and a key
// signs them (nil otherwise).
func webLinker(cfg *config.Config) func(int64) (string, error) {
	wc := webConfig(cfg)
	if !wc.Enabled() {
		return nil
	}
	if _, err := web.LinkFor(wc, 0, time.Now()); errors.Is(err, web.ErrNoKey) {
		return nil
	}
	return func(id int64) (string, error) { return web.LinkFor(wc, id, time.Now()) }
}
