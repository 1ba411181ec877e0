package e2e

// The web inbox in a real browser: headless Chromium, driven by chromedp,
// against the real binary reading a fake X.

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/shenava/shenava/internal/modroot"
	"github.com/shenava/shenava/internal/sharedtest"
	"github.com/shenava/shenava/internal/xtest"
)

var webScreenshots = flag.Bool("web.screenshots", false, "write the web inbox screenshots into docs/ for the README")

// chromium finds Chromium; without one the browser tests skip, except
// under CI, where they fail.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("no Chromium on PATH: the browser tests must run under CI (apt-get install chromium)")
	}
	t.Skip("no Chromium on PATH (apt-get install chromium); the browser tests need one")
	return ""
}

// browser starts a headless Chromium with a profile of its own.
func browser(t *testing.T, exe string) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1100, 900),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelA)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(cancel)
	ctx, cancelT := context.WithTimeout(ctx, 2*time.Minute)
	t.Cleanup(cancelT)
	return ctx
}

func TestWebInbox_Browser(t *testing.T) {
	exe := chromium(t)
	bin := mustBinary(t)
	xs := xtest.New(t)
	const complaint = "1990000000000000001"
	xs.AddMention(xtest.Post{ID: complaint, Text: "@shenava my order is two hours late and nobody answers the phone, this is terrible",
		Created: time.Now().Add(-time.Hour)}, xtest.User{ID: "3000000000000000001", Username: "arash", Name: "Arash", Followers: 1200})
	xs.AddMention(xtest.Post{ID: "1990000000000000002", Text: "@shenava best flat white in town, I tell all my friends to go",
		Created: time.Now().Add(-30 * time.Minute)}, xtest.User{ID: "3000000000000000002", Username: "mina", Name: "Mina", Followers: 300})

	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "mentions.jsonl"), "", 0o600)
	webAddr := sharedtest.FreeAddr(t)
	cfg := fmt.Sprintf(`brand:
  name: "Shenava Coffee"
  keywords: ["shenava"]
  handles:
    x: ["shenava"]
sources:
  file:
    - name: replay
      path: mentions.jsonl
  x:
    enabled: true
    base_url: %q
    bearer_token: ${X_BEARER_TOKEN}
    user_id: %q
    mentions:
      enabled: true
      interval: 1m
    oauth2_user_token: ${X_OAUTH2_USER_TOKEN}
telegram:
  managers:
    - {id: 101, name: Sara, lang: en}
  undo_window: 2s
routing:
  templates:
    - name: sorry
      en: "Sorry {author}, we are on it."
      fa: "{author} عزیز، پیگیری می‌کنیم."
digest:
  enabled: false
outbox:
  backoff_min: 1s
  backoff_max: 2s
storage:
  path: shenava.db
metrics:
  listen: ""
web:
  listen: %q
  secret: ${SHENAVA_WEB_SECRET}
log:
  level: debug
`, xs.URL(), xtest.DefaultUserID, webAddr)
	cfgPath := filepath.Join(dir, "config.yaml")
	writeFile(t, cfgPath, cfg, 0o600)
	env := []string{"X_BEARER_TOKEN=" + xtest.DefaultBearerToken, "X_OAUTH2_USER_TOKEN=" + xtest.DefaultUserToken,
		"SHENAVA_WEB_SECRET=e2e web secret"}
	var out logBuffer
	d := startDaemon(t, bin, cfgPath, env, &out)
	defer d.stop(syscall.SIGTERM, 10*time.Second)
	waitFor(t, "the web inbox", 30*time.Second, func() bool { return strings.Contains(out.String(), "web inbox ready") })
	waitFor(t, "the complaint's alert", 30*time.Second, func() bool { return strings.Contains(out.String(), "ALERT case #1") })

	cmd := exec.Command(bin, "web", "link", "-config", cfgPath, "-manager", "101")
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH")}, env...)
	link, err := cmd.Output()
	if err != nil {
		t.Fatalf("shenava web link: %v", err)
	}
	ctx := browser(t, exe)
	base := "http://" + webAddr
	do := func(steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatalf("browser: %v\n%s", err, out.String())
		}
	}
	get := func(what string, a chromedp.Action[string]) string {
		t.Helper()
		v, err := chromedp.Run(ctx, a)
		if err != nil {
			t.Fatalf("browser: %s: %v", what, err)
		}
		return v
	}
	shot := func() []byte {
		t.Helper()
		b, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot: %v", err)
		}
		return b
	}
	complaintText := chromedp.Search(`//p[contains(., "two hours late")]`)
	do(chromedp.Navigate(strings.TrimSpace(string(link))),
		chromedp.Click(chromedp.ID("signin")),
		chromedp.WaitVisible(complaintText))
	inboxPNG := shot()
	// The inbox's tab counts follow a change made elsewhere without a
	// reload, pushed by the server (the page's fallback polls only every
	// 30 s): Sara claims the complaint in a second tab.
	count := func(tab string) string {
		t.Helper()
		return strings.TrimSpace(get("the "+tab+" count", chromedp.Text(chromedp.CSS("#tab-"+tab+" .count"))))
	}
	if n := count("claimed"); n != "0" {
		t.Fatalf("claimed count at first %q", n)
	}
	other, closeOther := chromedp.NewContext(ctx)
	if err := chromedp.Do(other, chromedp.Navigate(base+"/case/1"), chromedp.Click(chromedp.ID("claim")),
		chromedp.WaitVisible(chromedp.ID("flash"))); err != nil {
		t.Fatalf("browser: claim in a second tab: %v\n%s", err, out.String())
	}
	closeOther()
	waitFor(t, "the pushed counts", 10*time.Second, func() bool { return count("claimed") == "1" && count("new") == "0" })
	do(chromedp.Click(chromedp.CSS("a.open")), chromedp.WaitVisible(chromedp.ID("reply-text")))
	if caseText := get("the post", chromedp.Text(chromedp.ID("post"))); !strings.Contains(caseText, "two hours late") {
		t.Fatalf("the case page shows %q", caseText)
	}
	do(chromedp.SendKeys(chromedp.ID("reply-text"), "Sorry {author}, a courier is on the way."),
		chromedp.Click(chromedp.ID("send")),
		chromedp.WaitVisible(chromedp.ID("flash")))
	// The reply reaches X once, after the undo window, as a reply to the post.
	waitFor(t, "the reply on X", 30*time.Second, func() bool { return len(xs.Posts()) > 0 })
	time.Sleep(3 * time.Second)
	posts := xs.Posts()
	if len(posts) != 1 || posts[0].InReplyTo != complaint || posts[0].Text != "Sorry @arash, a courier is on the way." {
		t.Fatalf("posts on X = %+v, want one reply to %s", posts, complaint)
	}
	do(chromedp.Reload(), chromedp.WaitVisible(chromedp.ID("state")))
	state := get("the state", chromedp.Text(chromedp.ID("state")))
	// The switch posts a form; the page that comes back is in Persian.
	do(chromedp.Click(chromedp.ID("lang")), chromedp.WaitReady(chromedp.CSS(`html[lang="fa"]`)), chromedp.WaitVisible(chromedp.ID("timeline")))
	attr, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS("html"), "dir"))
	if err != nil {
		t.Fatal(err)
	}
	dirAttr := attr.Value
	do(chromedp.Navigate(base+"/?state=replied"), chromedp.WaitVisible(complaintText),
		chromedp.Navigate(base+"/reports?days=7"), chromedp.WaitVisible(chromedp.CSS("svg.chart")))
	reportsPNG := shot()
	// On a phone nothing is wider than the screen.
	do(chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2)))
	for _, page := range []string{"/", "/case/1", "/mentions", "/reports?days=30"} {
		do(chromedp.Navigate(base+page), chromedp.WaitVisible(chromedp.CSS("main")))
		w, err := chromedp.Run(ctx, chromedp.Evaluate[int]("document.documentElement.scrollWidth"))
		if err != nil {
			t.Fatal(err)
		}
		if w > 391 {
			t.Errorf("%s is %d px wide on a 390 px phone", page, w)
		}
	}
	do(chromedp.Navigate(base+"/case/1"), chromedp.WaitVisible(chromedp.ID("timeline")))
	phonePNG := shot()
	if state != "Replied" {
		t.Fatalf("the case is %q after answering, want Replied", state)
	}
	if dirAttr != "rtl" {
		t.Fatalf("after switching to Persian the page is dir=%q, want rtl", dirAttr)
	}
	if got := len(xs.Posts()); got != 1 {
		t.Fatalf("%d posts on X after browsing on, want still 1", got)
	}
	for name, b := range map[string][]byte{"web-inbox.png": inboxPNG, "web-reports.png": reportsPNG, "web-phone.png": phonePNG} {
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil || img.Bounds().Dx() < 700 {
			t.Fatalf("%s is not a screenshot: %v", name, err)
		}
		if *webScreenshots {
			root, err := modroot.Find()
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(root, "docs", name), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}
