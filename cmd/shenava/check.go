package main

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/shenava/shenava/config"
	"github.com/shenava/shenava/connector/x"
)

func cmdCheck() command {
	return command{
		summary: "validate the config and each credential, naming what is wrong",
		run: func(ctx context.Context, e env, args []string) error {
			fs := newFlagSet(e, "check", "[-config config.yaml]")
			path := fs.String("config", "config.yaml", "configuration file")
			offline := fs.Bool("offline", false, "check the file only; do not call any platform")
			if err := parseFlags(fs, args); err != nil {
				return err
			}
			cfg, err := loadConfig(e, *path)
			if err != nil {
				return err
			}
			failed := 0
			report := func(name string, err error) {
				if err != nil {
					failed++
					fmt.Fprintf(e.stdout, "✗ %s: %v\n", name, err)
					return
				}
				fmt.Fprintf(e.stdout, "✓ %s\n", name)
			}
			report("config "+*path, nil)
			for _, w := range cfg.Warnings() {
				fmt.Fprintf(e.stdout, "! %s\n", w)
			}
			for _, w := range xLinkWarnings(cfg) {
				fmt.Fprintf(e.stdout, "! %s\n", w)
			}
			report("files", cfg.CheckFiles())
			if m, err := loadModel(cfg.Routing.Model); err != nil {
				report("model", cfg.Problem("routing.model", err))
			} else {
				report("model "+m.Name(), nil)
			}
			for _, p := range privateFiles(cfg) {
				for _, w := range config.CheckPermissions(p) {
					fmt.Fprintf(e.stdout, "! %s\n", w)
				}
			}
			if cfg.Storage.Postgres() {
				if *offline {
					fmt.Fprintln(e.stdout, "- database not checked (-offline)")
				} else {
					cctx, cancel := context.WithTimeout(ctx, cfg.Storage.ConnectTimeout+30*time.Second)
					rep, err := checkPostgres(cctx, cfg)
					cancel()
					if err != nil {
						report("storage (postgres)", withoutPrefix("pgstore", err))
					} else {
						report(fmt.Sprintf("storage: PostgreSQL %s, schema version %d", rep.server, rep.version), nil)
					}
					for _, w := range rep.warnings {
						fmt.Fprintf(e.stdout, "! storage: %s\n", w)
					}
				}
			}
			conns, err := buildConnectors(cfg, newHTTPClient(), slog.New(slog.DiscardHandler))
			if err != nil {
				report("connectors", err)
				return fmt.Errorf("check: %d problem(s)", failed)
			}
			if *offline {
				fmt.Fprintln(e.stdout, "- credentials not checked (-offline)")
			} else {
				for _, c := range conns.checks {
					cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
					report(c.name, withoutPrefix(c.name, c.run(cctx)))
					cancel()
				}
			}
			if failed > 0 {
				return fmt.Errorf("check: %d problem(s)", failed)
			}
			return nil
		},
	}
}

// xLinkWarnings names the thank-you templates Shenava posts by itself that
// carry a link while X is enabled: X bills a post with a URL at about 13
// times a plain one.
func xLinkWarnings(cfg *config.Config) []string {
	ty := cfg.Routing.ThankYou
	if !cfg.Sources.X.Enabled || ty.Mode == config.ThankYouOff {
		return nil
	}
	var out []string
	for _, l := range []struct {
		key   string
		texts config.TextList
	}{{"fa", ty.Public.FA}, {"en", ty.Public.EN}, {"fi", ty.Public.FI}} {
		for i, t := range l.texts {
			if link := x.FindLink(t); link != "" {
				out = append(out, fmt.Sprintf("routing.thank_you.public.%s[%d]: contains a link (%s); on X a post with a URL "+
					"is billed about 13× a plain one (see connector/x/README.md)", l.key, i, link))
			}
		}
	}
	return out
}

// withoutPrefix drops the "name: " that connector errors start with, on
// every line, since the report already names the check: "✗ x: check
// bearer_token: …", not "✗ x: x: check bearer_token: …". Further lines of a
// joined error are indented under the first.
func withoutPrefix(name string, err error) error {
	if err == nil {
		return nil
	}
	lines := strings.Split(err.Error(), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimPrefix(l, name+": ")
	}
	return &checkError{msg: strings.Join(lines, "\n  "), err: err}
}

// checkError rewords an error for the report and keeps it for errors.Is.
type checkError struct {
	msg string
	err error
}

func (e *checkError) Error() string { return e.msg }
func (e *checkError) Unwrap() error { return e.err }
