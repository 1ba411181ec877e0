package main

import (
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/shenava/shenava/core"
)

func TestTelegramLogin_Usage(t *testing.T) {
	if _, _, err := runCmd(t, "", "telegram"); !errors.Is(err, errUsage) {
		t.Errorf("telegram without login: %v", err)
	}
	dir := t.TempDir()
	path := writeConfig(t, dir, "")
	if _, _, err := runCmd(t, "", "telegram", "login", "-config", path); err == nil || !strings.Contains(err.Error(), "sources.telegram_channels is not enabled") {
		t.Errorf("login with the collector off: %v", err)
	}
}

// Both new sources are built from the file: the channel and search
// sources of the collector, and Instagram's poller, webhook, replier and
// checks.
func TestBuildConnectors_NewSources(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config.yaml")
	err := os.WriteFile(path, []byte(`brand:
  name: Koala
  keywords: [koala]
sources:
  instagram:
    enabled: true
    user_id: "17841400000000001"
    access_token: tok
    app_secret: sec
    verify_token: ver
    webhook: true
  telegram_channels:
    enabled: true
    api_id: 17349
    api_hash: hash
    channels: ["@tehran_food"]
storage:
  path: shenava.db
`), 0o600)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := loadConfig(env{getenv: func(string) string { return "" }}, path)
	if err != nil {
		t.Fatal(err)
	}
	conns, err := buildConnectors(cfg, nil, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range conns.sources {
		names = append(names, s.Name)
	}
	for _, want := range []string{"instagram", "telegram-channel-tehran_food", "telegram-search"} {
		if !slices.Contains(names, want) {
			t.Errorf("sources %v lack %s", names, want)
		}
	}
	if len(conns.push) != 1 || conns.push[0].spec.Name != "instagram-webhook" || conns.push[0].path != "/webhooks/instagram" {
		t.Errorf("push sources %+v", conns.push)
	}
	if _, ok := conns.repliers[core.PlatformInstagram]; !ok {
		t.Error("no Instagram replier")
	}
	var checks []string
	for _, c := range conns.checks {
		checks = append(checks, c.name)
	}
	if !slices.Contains(checks, "instagram") || !slices.Contains(checks, "telegram collector") {
		t.Errorf("checks %v", checks)
	}
	if cfg.Sources.TelegramChannels.SessionFile != filepath.Join(dir, "telegram-session.json") {
		t.Errorf("session file %q, want it next to the config", cfg.Sources.TelegramChannels.SessionFile)
	}
}
