package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shenava/shenava/config"
	"github.com/shenava/shenava/internal/sharedtest"
	"github.com/shenava/shenava/internal/telegramtest"
)

// The daemon serves the web inbox, and `shenava web link` signs a manager
// in to it.
func TestRun_WebInbox(t *testing.T) {
	dir := t.TempDir()
	addr := sharedtest.FreeAddr(t)
	path := writeConfig(t, dir, fmt.Sprintf(`telegram:
  managers:
    - {id: 5, name: Sara, lang: en}
metrics:
  listen: ""
web:
  listen: %q
  secret: ${WEB_SECRET}
`, addr))
	mentions := `{"id":"1","platform":"x","author":{"id":"7","handle":"arash"},"text":"@shenava my order is two hours late, nobody answers the phone, this is terrible","created_at":"2026-11-22T08:00:00Z"}
`
	if err := os.WriteFile(filepath.Join(dir, "mentions.jsonl"), []byte(mentions), 0o600); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{"WEB_SECRET": "a long operator secret"}
	var te testEnv
	te.vars = vars
	if err := te.run(t, "web", "link", "-config", path, "-manager", "9"); err == nil || !strings.Contains(err.Error(), "not one of the managers") {
		t.Fatalf("web link for a stranger: %v", err)
	}
	if err := te.run(t, "web", "link", "-config", path, "-manager", "5"); err != nil {
		t.Fatal(err)
	}
	link := strings.TrimSpace(te.stdout.String())
	if !strings.HasPrefix(link, "http://"+addr+"/login?t=") {
		t.Fatalf("web link printed %q", link)
	}

	var stdout, stderr syncBuffer
	e := env{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, getenv: func(k string) string { return vars[k] }}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, e, []string{"run", "-config", path}) }()
	waitFor(t, "the alert", func() bool { return strings.Contains(stdout.String(), "🔔 ALERT case #1") })
	waitFor(t, "the web inbox", func() bool { return strings.Contains(stderr.String(), "web inbox ready") })

	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar}
	u, _ := url.Parse(link)
	resp, err := hc.PostForm("http://"+addr+"/login", url.Values{"t": {u.Query().Get("t")}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "my order is two hours late") {
		t.Fatalf("inbox after signing in: %d\n%s", resp.StatusCode, body)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run returned %v\n%s", err, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("run did not stop")
	}
	if strings.Contains(stderr.String(), u.Query().Get("t")) {
		t.Fatal("the sign-in token is in the log")
	}
}

// With no managers to sign in, the web inbox stays off without a warning:
// the shipped configuration and the peers' configurations run without a
// bot, and must log no WARN for a feature they never asked for.
func TestWebInbox_OffWithoutManagers(t *testing.T) {
	t.Parallel()
	cfg, err := config.Parse([]byte(`brand: {name: Shenava, keywords: [shenava]}
sources:
  file: [{name: replay, path: mentions.jsonl}]
`), func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	var logs strings.Builder
	srv, err := newWebInbox(cfg, nil, nil, nil, func() {}, nil, slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil || srv != nil {
		t.Fatalf("newWebInbox = %v, %v; want nothing to serve", srv, err)
	}
	if strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), "web inbox off") {
		t.Fatalf("logs:\n%s\nwant one INFO line saying the inbox is off", logs.String())
	}
}

// With web.menu_button and an https base_url, the daemon's bot gives the
// managers' private chats a menu button opening the inbox's Mini App page.
func TestRun_WebMenuButton(t *testing.T) {
	tg := telegramtest.New(t)
	dir := t.TempDir()
	path := writeConfig(t, dir, fmt.Sprintf(`telegram:
  enabled: true
  api_url: %s
  token: ${TELEGRAM_BOT_TOKEN}
  default_lang: en
  poll_timeout: 1s
  managers:
    - {id: 42, name: Sara, alerts: true}
metrics:
  listen: ""
web:
  listen: %q
  base_url: https://inbox.example.com
  menu_button: true
`, tg.URL(), sharedtest.FreeAddr(t)))
	var stdout, stderr syncBuffer
	e := env{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr,
		getenv: func(k string) string { return map[string]string{"TELEGRAM_BOT_TOKEN": tg.Token()}[k] }}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, e, []string{"run", "-config", path}) }()
	tg.WaitCalls(t, "setChatMenuButton", 1)
	b, ok := tg.MenuButton(42)
	if !ok || b["type"] != "web_app" || b["web_app"].(map[string]any)["url"] != "https://inbox.example.com/app" {
		t.Fatalf("Sara's menu button: %v, %v", b, ok)
	}
	waitFor(t, "the daemon running", func() bool {
		return strings.Contains(stderr.String(), "web inbox ready") && len(tg.Offsets()) > 0
	})
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run returned %v\n%s", err, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("run did not stop")
	}
}
