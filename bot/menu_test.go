package bot

import (
	"context"
	"testing"
	"time"

	"github.com/shenava/shenava/internal/telegramtest"
)

const miniApp = "https://inbox.example.com/app"

// runUntil runs b until the returned stop is called, which first waits
// for the bot to be polling for updates.
func runUntil(t *testing.T, tg *telegramtest.Server, b *Bot) (stop func()) {
	t.Helper()
	polls := len(tg.Offsets())
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	return func() {
		t.Helper()
		tg.Wait(t, "the bot polls", func() bool { return len(tg.Offsets()) > polls })
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("Run did not stop")
		}
	}
}

// With the web inbox served over HTTPS, each manager's private chat gets a
// menu button opening it as a Mini App, labelled in the manager's
// language; a manager taken off the list, and everyone when the button is
// turned off, gets the default back.
func TestBot_MenuButton(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.MiniAppURL = miniApp })
	button := func(id int64) (text, url string, ok bool) {
		t.Helper()
		b, ok := h.tg.MenuButton(id)
		if !ok {
			return "", "", false
		}
		if b["type"] != "web_app" {
			t.Fatalf("chat %d's menu button %v is not a Mini App", id, b)
		}
		return b["text"].(string), b["web_app"].(map[string]any)["url"].(string), true
	}
	stop := runUntil(t, h.tg, h.bot)
	h.tg.WaitCalls(t, "setChatMenuButton", 2)
	for _, tt := range []struct {
		id   int64
		text string
	}{{sara.ID, "صندوق"}, {ali.ID, "Inbox"}} {
		if text, url, ok := button(tt.id); !ok || text != tt.text || url != miniApp {
			t.Fatalf("chat %d's menu button: %q %q %v, want %q opening %s", tt.id, text, url, ok, tt.text, miniApp)
		}
	}
	if _, ok := h.tg.MenuButton(0); ok {
		t.Fatal("the bot's default menu button was changed: strangers would see it")
	}
	// /lang relabels it.
	h.tg.SendText(ali, telegramtest.PrivateChat(ali), "/lang fa")
	h.tg.WaitConfirmed(t)
	if text, _, _ := button(ali.ID); text != "صندوق" {
		t.Fatalf("after /lang fa Ali's menu button says %q", text)
	}
	stop()

	// Ali is taken off the list.
	restart := func(edit func(*Config)) func() {
		t.Helper()
		cfg := testConfig(h.tg)
		edit(&cfg)
		b, err := New(cfg, Deps{Store: h.db})
		if err != nil {
			t.Fatal(err)
		}
		return runUntil(t, h.tg, b)
	}
	calls := len(h.tg.Calls("setChatMenuButton"))
	stop = restart(func(c *Config) { c.MiniAppURL, c.Managers = miniApp, c.Managers[:1] })
	h.tg.WaitCalls(t, "setChatMenuButton", calls+2)
	if _, _, ok := button(ali.ID); ok {
		t.Fatal("Ali, no longer a manager, keeps the menu button")
	}
	if _, _, ok := button(sara.ID); !ok {
		t.Fatal("Sara lost her menu button")
	}
	stop()

	// The button is turned off: Sara gets the default back, once.
	calls = len(h.tg.Calls("setChatMenuButton"))
	stop = restart(func(c *Config) {})
	h.tg.WaitCalls(t, "setChatMenuButton", calls+1)
	if _, _, ok := button(sara.ID); ok {
		t.Fatal("Sara keeps the menu button it was turned off")
	}
	stop()
	calls = len(h.tg.Calls("setChatMenuButton"))
	stop = restart(func(c *Config) {})
	h.tg.WaitCalls(t, "setMyCommands", 8)
	stop()
	if n := len(h.tg.Calls("setChatMenuButton")); n != calls {
		t.Fatalf("%d menu button calls at a start with nothing to change", n-calls)
	}
}

// Without the Mini App the bot leaves the menu button alone.
func TestBot_NoMenuButton(t *testing.T) {
	h := newHarness(t)
	h.run()
	h.tg.SendText(ali, telegramtest.PrivateChat(ali), "/lang fa")
	h.settle()
	if n := len(h.tg.Calls("setChatMenuButton")); n != 0 {
		t.Fatalf("%d setChatMenuButton calls without a Mini App", n)
	}
}
