package e2e

// Security end to end. What the bot package already proves at unit level is
// not repeated here: the allow-list on every update type
// (bot/auth_test.go, TestBot_Authorisation) and forged or replayed button
// data doing nothing (bot/interact_test.go, TestBot_ForgedCallbacks).

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/shenava/shenava/connector/x"
	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/conf"
	"github.com/shenava/shenava/internal/sharedtest"
	"github.com/shenava/shenava/internal/telegramtest"
	"github.com/shenava/shenava/internal/xtest"
	"github.com/shenava/shenava/listen"
	"github.com/shenava/shenava/store"
)

// Distinctive credentials: none of them can turn up in output by chance.
const (
	secXBearer         = "xbearer-Q9vT2mWk7ZpL4nRc8sYd1fHj6gBx3aE5"
	secXConsumerKey    = "xck-Lm4Rt8Wq2Zs6Vp0Yn3Kd7Hj1Gf5Ce9Ba"
	secXConsumerSecret = "xcs-Tz7Ny2Mx6Lw0Kv4Ju8Ht3Gs7Fr1Eq5Dp9Co"
	secXAccessToken    = "1700000000000000001-xat-Pk2Qj6Rh0Sg4Tf8Ue3Vd"
	secXAccessSecret   = "xas-Wc7Xb1Ya5Zz9Ay3Bx7Cw1Dv5Eu9Ft3Gs"
	secMastodon        = "masto-Hr6Iq0Jp4Ko8Ln2Mm6Nl0Ok4Pj8Qi2Rh"
	secChat            = -1001000000888
	secManager         = 101
)

// echo is a proxy's error page that quotes the request it failed: the
// credentials first, so that no length cap can cut them off, then the URL.
func echo(r *http.Request) string {
	var b strings.Builder
	b.WriteString("upstream failed for Authorization: " + r.Header.Get("Authorization"))
	fmt.Fprintf(&b, " on %s %s", r.Method, r.URL.String())
	return b.String()
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// TestSecurity_NoSecretInOutput runs the real binary with every credential
// from the environment or a _FILE, at debug level, once with JSON and once
// with text logs, through failing calls on every platform: 5xx answers
// whose bodies quote the request (URL and Authorization header), a
// connection reset on a Telegram call (Go's error then carries the URL,
// token and all) and a Telegram error page quoting the token-bearing path.
// No credential may appear in anything the process wrote, in /metrics or in
// /healthz.
func TestSecurity_NoSecretInOutput(t *testing.T) {
	t.Parallel()
	bin := mustBinary(t)
	tgSecret := strings.SplitN(telegramtest.DefaultToken, ":", 2)[1]
	secrets := map[string]string{
		"telegram token": telegramtest.DefaultToken, "telegram token secret part": tgSecret,
		"x bearer": secXBearer, "x consumer key": secXConsumerKey, "x consumer secret": secXConsumerSecret,
		"x access token": secXAccessToken, "x access token secret": secXAccessSecret, "mastodon token": secMastodon,
	}
	for _, format := range []string{"json", "text"} {
		t.Run(format, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			// The platforms, each failing its first calls.
			tg := telegramtest.New(t)
			tg.AddChat(telegramtest.Supergroup(secChat, "Support", ""))
			// A reset reaches the daemon itself (Go's error then quotes the
			// URL, token included); the error page quotes the path.
			tgIn := newInjector(t)
			tgIn.failNext(1, func(r *http.Request) bool { return strings.HasSuffix(r.URL.Path, "/sendMessage") }, fault{reset: true})
			tgPage := newInjector(t)
			tgPage.failNext(1, func(r *http.Request) bool { return strings.HasSuffix(r.URL.Path, "/getUpdates") },
				fault{status: 502, contentType: "text/html", echo: func(r *http.Request) string { return "<html><body>" + echo(r) + "</body></html>" }})
			tgFront := proxy(t, tg.URL(), func(h http.Handler) http.Handler { return tgIn.wrap(tgPage.wrap(h)) })

			xIn := newInjector(t)
			xIn.failNext(3, nil, fault{status: 503, contentType: "application/problem+json", echo: func(r *http.Request) string {
				return `{"title":"Service Unavailable","detail":` + jsonString(echo(r)) + `,"type":"about:blank","status":503}`
			}})
			xs := xtest.New(t, xtest.WithWrap(xIn.wrap), xtest.WithBearerToken(secXBearer), xtest.WithUserToken(""),
				xtest.WithOAuth1(xtest.OAuth1{ConsumerKey: secXConsumerKey, ConsumerSecret: secXConsumerSecret, AccessToken: secXAccessToken, AccessTokenSecret: secXAccessSecret}))
			xs.AddMention(xtest.Post{ID: "1860000000000000001", Text: "@shenava my order is two weeks late and support never answers, terrible", Created: time.Now().Add(-time.Minute)},
				xtest.User{ID: "2000000000000000001", Username: "mina"})

			mIn := newInjector(t)
			mIn.failNext(2, nil, fault{status: 502, contentType: "application/json", echo: func(r *http.Request) string { return `{"error":` + jsonString(echo(r)) + `}` }})
			masto := newMastoFake(t, secMastodon, mIn.wrap)
			masto.add("@shenava the app crashed again and I lost my order, awful", time.Now().Add(-time.Minute), "reza")

			jsonl := `{"id":"1870000000000000001","platform":"x","url":"https://x.com/sam/status/1870000000000000001","author":{"id":"2000000000000000009","handle":"sam"},"text":"shenava is the best coffee in town, I recommended it to all my friends","created_at":"2026-11-22T08:00:00Z"}` + "\n"
			writeFile(t, filepath.Join(dir, "mentions.jsonl"), jsonl, 0o600)
			for name, v := range map[string]string{"bearer": secXBearer, "consumer_secret": secXConsumerSecret, "access_secret": secXAccessSecret, "mastodon": secMastodon} {
				writeFile(t, filepath.Join(dir, name), v+"\n", 0o600)
			}
			health := sharedtest.FreeAddr(t)
			cfg := fmt.Sprintf(`brand:
  name: "Shenava Coffee"
  keywords: ["shenava"]
  handles:
    x: ["shenava"]
sources:
  file:
    - name: replay
      path: mentions.jsonl
      interval: 1s
  x:
    enabled: true
    base_url: %q
    bearer_token: ${X_BEARER_TOKEN}
    user_id: %q
    mentions: {enabled: true, interval: 1m}
    oauth1:
      consumer_key: ${X_CONSUMER_KEY}
      consumer_secret: ${X_CONSUMER_SECRET}
      access_token: ${X_ACCESS_TOKEN}
      access_token_secret: ${X_ACCESS_TOKEN_SECRET}
    timeout: 5s
  mastodon:
    enabled: true
    server: %q
    access_token: ${MASTODON_ACCESS_TOKEN}
    notifications: {enabled: true, interval: 30s}
    timeout: 5s
telegram:
  enabled: true
  api_url: %q
  token: ${TELEGRAM_BOT_TOKEN}
  alert_chat_id: %d
  managers:
    - {id: %d, name: Sara, lang: en}
  poll_timeout: 1s
  timeout: 5s
routing:
  thank_you: {mode: auto}
digest: {enabled: false}
spike: {enabled: false}
sla: {remind_after: []}
listen: {backoff_min: 1s, backoff_max: 2s}
outbox:
  backoff_min: 1s
  backoff_max: 2s
web: {listen: ""}
storage: {path: shenava.db}
metrics: {listen: %q}
log: {level: debug, format: %s}
`, xs.URL(), xtest.DefaultUserID, masto.srv.URL, tgFront.URL, secChat, secManager, health, format)
			cfgPath := filepath.Join(dir, "config.yaml")
			writeFile(t, cfgPath, cfg, 0o600)
			env := []string{
				"TELEGRAM_BOT_TOKEN=" + telegramtest.DefaultToken,
				"X_BEARER_TOKEN_FILE=" + filepath.Join(dir, "bearer"),
				"X_CONSUMER_KEY=" + secXConsumerKey,
				"X_CONSUMER_SECRET_FILE=" + filepath.Join(dir, "consumer_secret"),
				"X_ACCESS_TOKEN=" + secXAccessToken,
				"X_ACCESS_TOKEN_SECRET_FILE=" + filepath.Join(dir, "access_secret"),
				"MASTODON_ACCESS_TOKEN_FILE=" + filepath.Join(dir, "mastodon"),
			}
			out := &logBuffer{}
			p := startDaemon(t, bin, cfgPath, env, out)
			alerts := func() int {
				n := 0
				for _, r := range tg.Calls("sendMessage") {
					if r.Int("chat_id") == secChat && strings.Contains(r.String("text"), "href=") {
						n++
					}
				}
				return n
			}
			waitFor(t, "two alerts, one thank-you, and every fault served", 60*time.Second, func() bool {
				return alerts() >= 2 && len(xs.Posts()) >= 1 && xIn.injected() == 3 && mIn.injected() == 2 &&
					tgIn.injected() == 1 && tgPage.injected() == 1
			})
			scraped := httpBody(t, "http://"+health+"/metrics") + httpBody(t, "http://"+health+"/healthz")
			if !p.stop(syscall.SIGTERM, 30*time.Second) {
				t.Fatal("SIGTERM did not stop the daemon")
			}
			all := out.String() + scraped
			for name, s := range secrets {
				for _, form := range []string{s, url.QueryEscape(s), url.PathEscape(s)} {
					if i := strings.Index(all, form); i >= 0 {
						t.Errorf("the %s appears in the output: …%s…", name, all[max(0, i-200):min(len(all), i+len(form)+50)])
						break
					}
				}
			}
			// The run went through the failures this test is about.
			for _, want := range []string{"HTTP 503", "502 Bad Gateway", "[redacted]"} {
				if !strings.Contains(all, want) {
					t.Errorf("the output never mentions %q: the failures did not happen as planned", want)
				}
			}
			if !strings.Contains(all, "/bot***/") && !strings.Contains(all, "<token>") {
				t.Error("no Telegram error quoted a masked URL: the reset did not happen as planned")
			}
			if t.Failed() {
				t.Logf("output:\n%s", out.String())
			}
		})
	}
}

func httpBody(tb testing.TB, u string) string {
	tb.Helper()
	resp, err := http.Get(u)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

// TestSecurity_FilePermissionWarnings: the daemon warns at start when the
// configuration or the database can be read by other users, and is quiet
// when both are private.
func TestSecurity_FilePermissionWarnings(t *testing.T) {
	t.Parallel()
	bin := mustBinary(t)
	for _, tt := range []struct {
		name      string
		cfg, db   os.FileMode
		wantWarns []string
	}{
		{"Private", 0o600, 0o600, nil},
		{"ConfigReadable", 0o644, 0o600, []string{"config.yaml: readable by group and others"}},
		{"DatabaseReadable", 0o600, 0o640, []string{"shenava.db: readable by group"}},
		{"Both", 0o604, 0o644, []string{"config.yaml: readable by others", "shenava.db: readable by group and others"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			writeFile(t, filepath.Join(dir, "mentions.jsonl"), "", 0o600)
			cfgPath := filepath.Join(dir, "config.yaml")
			writeFile(t, cfgPath, `brand: {name: "Shenava Coffee", keywords: ["shenava"]}
sources:
  file: [{name: replay, path: mentions.jsonl}]
digest: {enabled: false}
storage: {path: shenava.db}
metrics: {listen: ""}
`, tt.cfg)
			dbPath := filepath.Join(dir, "shenava.db")
			db, err := store.Open(dbPath, store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			db.Close()
			if err := os.Chmod(dbPath, tt.db); err != nil {
				t.Fatal(err)
			}
			out := &logBuffer{}
			p := startDaemon(t, bin, cfgPath, nil, out)
			waitFor(t, "the daemon to be ready", 30*time.Second, func() bool { return strings.Contains(out.String(), "shenava ready") })
			p.stop(syscall.SIGTERM, 30*time.Second)
			var warns []string
			for _, l := range strings.Split(out.String(), "\n") {
				if strings.Contains(l, "file permissions") {
					warns = append(warns, l)
				}
			}
			if len(warns) != len(tt.wantWarns) {
				t.Fatalf("%d permission warnings, want %d:\n%s", len(warns), len(tt.wantWarns), strings.Join(warns, "\n"))
			}
			for _, want := range tt.wantWarns {
				if !slices.ContainsFunc(warns, func(l string) bool { return strings.Contains(l, want) && strings.Contains(l, "level=WARN") }) {
					t.Errorf("no warning %q in:\n%s", want, strings.Join(warns, "\n"))
				}
			}
		})
	}
}

// TestSecurity_ReplyRateCaps queues a burst of thank-yous on X and on
// Mastodon and drains the outbox on an injected clock: each platform gets at
// most its own cap per minute and per hour, the rest wait without counting
// as failed attempts, and a restart in the middle of the burst does not
// hand out a fresh allowance.
func TestSecurity_ReplyRateCaps(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clock := &faultClock{now: faultT0}
	xs := xtest.New(t, xtest.WithClock(clock.Now))
	xc, err := x.New(x.Config{BaseURL: xs.URL(), BearerToken: conf.NewSecret(xtest.DefaultBearerToken), UserID: xs.UserID(),
		OAuth2UserToken: conf.NewSecret(xtest.DefaultUserToken), Mentions: x.Stream{Enabled: true}, UserAgent: "Shenava/test (+https://github.com/shenava/shenava)"},
		nil, discardLogger())
	if err != nil {
		t.Fatal(err)
	}
	xc.Now = clock.Now
	masto := newMastoFake(t, "tok", nil)
	mc := newMastoClient(t, masto.srv.URL, "tok", clock.Now)
	path := filepath.Join(t.TempDir(), "shenava.db")
	db, err := store.Open(path, store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { db.Close() }()
	caps := map[core.Platform][]listen.RateCap{
		core.PlatformX:        {{N: 5, Per: time.Minute}, {N: 8, Per: time.Hour}},
		core.PlatformMastodon: {{N: 3, Per: time.Minute}},
	}
	newOutbox := func() *listen.Outbox {
		o := listen.NewOutbox(db, nopAlerter{}, map[core.Platform]listen.Replier{core.PlatformX: xc, core.PlatformMastodon: mc},
			listen.OutboxConfig{Workers: 4, RateCaps: caps}, discardLogger())
		o.SetClock(clock.Now)
		return o
	}
	var ds []core.Decision
	for i := range 12 {
		ds = append(ds, thankDecision(core.PlatformX, fmt.Sprint(1860000000000000000+i)))
	}
	for i := range 6 {
		ds = append(ds, thankDecision(core.PlatformMastodon, fmt.Sprint(113200000000000000+i)))
	}
	if _, err := db.SaveBatch(ctx, "burst", "c", ds, faultT0); err != nil {
		t.Fatal(err)
	}
	outbox := newOutbox()
	steps := []struct {
		at           time.Duration
		restart      bool
		more         int // X thank-yous queued at this step
		xSent, mSent int // totals so far
		why          string
	}{
		{0, false, 0, 5, 3, "a minute's worth at once"},
		{30 * time.Second, true, 0, 5, 3, "a restart half a minute later"},
		{time.Minute, false, 0, 8, 6, "the next minute: X reaches its hourly cap of 8 (restart or not), Mastodon finishes"},
		{2 * time.Minute, true, 2, 8, 6, "another restart, and new thank-yous due at once: the hour is still spent on X"},
		{time.Hour + time.Second, false, 0, 13, 6, "the first minute's sends age out: five more"},
		{time.Hour + 2*time.Minute, false, 0, 14, 6, "the rest"},
	}
	for _, s := range steps {
		clock.Set(faultT0.Add(s.at))
		if s.restart {
			outbox = newOutbox()
			if err := outbox.Recover(ctx); err != nil {
				t.Fatal(err)
			}
		}
		var more []core.Decision
		for i := range s.more {
			more = append(more, thankDecision(core.PlatformX, fmt.Sprint(1861000000000000000+int(s.at/time.Second)+i)))
		}
		if _, err := db.SaveBatch(ctx, "burst", "c", more, clock.Now()); err != nil {
			t.Fatal(err)
		}
		if _, err := outbox.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		if x, m := len(xs.Posts()), masto.postCount(); x != s.xSent || m != s.mSent {
			t.Fatalf("+%s (%s): %d X replies and %d Mastodon replies sent, want %d and %d", s.at, s.why, x, m, s.xSent, s.mSent)
		}
	}
	acts, err := db.Actions(ctx, store.ActionFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range acts {
		if a.State != core.ActionDone || a.Attempts != 1 {
			t.Errorf("action %d %s: %s after %d attempts, want done after 1 (waiting for a cap is no attempt)", a.ID, a.MentionKey, a.State, a.Attempts)
		}
	}
}

func thankDecision(p core.Platform, id string) core.Decision {
	m := core.Mention{Platform: p, NativeID: id, Source: "burst", Author: core.Author{ID: "9" + id, Handle: "u" + id},
		Text: "shenava is great, I told everyone", CreatedAt: faultT0.Add(-time.Hour), FetchedAt: faultT0,
		Analysis: &core.Analysis{Lang: "en", Label: core.LabelPositive, Scores: core.Scores{Positive: 0.9, Neutral: 0.1}, Referral: true, ReferralScore: 0.9}}
	return core.Decision{Mention: m, Actions: []core.Action{{Kind: core.ActionThankPublic, DedupKey: "thank:" + m.Key(),
		MentionKey: m.Key(), Text: "Thank you, {author}!", Actor: core.ActorSystem, CreatedAt: faultT0}}}
}

// TestSecurity_BotIgnoresBots runs the real binary with a public group as
// a source and the managers' chat, and has another bot and the bot itself
// post there: brand complaints, a command, a reply to an alert. None of it
// becomes a mention, an answer or an action; a person's complaint in the
// same group does.
func TestSecurity_BotIgnoresBots(t *testing.T) {
	t.Parallel()
	bin := mustBinary(t)
	const fansID = -1001000000999
	tg := telegramtest.New(t)
	support := telegramtest.Supergroup(secChat, "Support", "")
	fans := telegramtest.Supergroup(fansID, "Shenava fans", "shenava_fans")
	tg.AddChat(support)
	tg.AddChat(fans)
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "mentions.jsonl"), "", 0o600)
	cfgPath := filepath.Join(dir, "config.yaml")
	writeFile(t, cfgPath, fmt.Sprintf(`brand: {name: "Shenava Coffee", keywords: ["shenava"]}
sources:
  file: [{name: replay, path: mentions.jsonl}]
telegram:
  enabled: true
  api_url: %q
  token: ${TELEGRAM_BOT_TOKEN}
  alert_chat_id: %d
  managers: [{id: %d, name: Sara, lang: en}]
  groups: [{chat_id: %d, name: fans}]
  poll_timeout: 1s
digest: {enabled: false}
spike: {enabled: false}
sla: {remind_after: []}
web: {listen: ""}
storage: {path: shenava.db}
metrics: {listen: ""}
log: {level: debug}
`, tg.URL(), secChat, secManager, fansID), 0o600)
	out := &logBuffer{}
	p := startDaemon(t, bin, cfgPath, []string{"TELEGRAM_BOT_TOKEN=" + tg.Token()}, out)
	tg.WaitCalls(t, "getUpdates", 1)

	spam := telegramtest.User{ID: 777, IsBot: true, FirstName: "SpamBot", Username: "spam_bot"}
	self := tg.Bot()
	tg.SendText(spam, fans, "shenava is the worst coffee ever, a total scam, buy CryptoX instead")
	tg.SendText(self, fans, "shenava: thanks for your patience, we are on it")
	tg.SendText(spam, support, "/pending")
	tg.SendText(self, support, "/pending")
	// A person's complaint, last: once it is alerted, everything before it
	// has been handled.
	person := telegramtest.User{ID: 555, FirstName: "Reza", Username: "reza_k"}
	tg.SendText(person, fans, "shenava my order is two weeks late and nobody answers, terrible service")
	var alert telegramtest.Msg
	waitFor(t, "the person's complaint to be alerted", 30*time.Second, func() bool {
		for _, r := range tg.Calls("sendMessage") {
			if r.Int("chat_id") == secChat && strings.Contains(r.String("text"), "two weeks late") {
				alert = telegramtest.Msg{Chat: support, ID: lastMessageID(tg, secChat)}
				return true
			}
		}
		return false
	})
	// The other bot answers the alert and presses nothing: still nothing.
	tg.ReplyText(spam, alert, "I will handle it, send me your card number")
	tg.SendText(person, telegramtest.PrivateChat(person), "hello?") // a stranger's refusal: proves updates are read
	waitFor(t, "the stranger's refusal", 30*time.Second, func() bool {
		for _, r := range tg.Calls("sendMessage") {
			if r.Int("chat_id") == person.ID {
				return true
			}
		}
		return false
	})
	tg.WaitConfirmed(t)
	p.stop(syscall.SIGTERM, 30*time.Second)

	for _, r := range tg.Calls("sendMessage") {
		switch chat := r.Int("chat_id"); {
		case chat == secChat && strings.Contains(r.String("text"), "two weeks late"):
		case chat == person.ID:
		default:
			t.Errorf("the bot sent %q to chat %d", r.String("text"), chat)
		}
	}
	db := mustOpenReadOnly(t, filepath.Join(dir, "shenava.db"))
	defer db.Close()
	if n, _ := db.MentionCount(context.Background()); n != 1 {
		t.Errorf("%d mentions stored, want only the person's", n)
	}
	acts, _ := db.Actions(context.Background(), store.ActionFilter{})
	if len(acts) != 1 || acts[0].Kind != core.ActionAlert {
		t.Errorf("actions %+v, want the one alert", acts)
	}
	if t.Failed() {
		t.Logf("output:\n%s", out.String())
	}
}

func lastMessageID(tg *telegramtest.Server, chat int64) int {
	m, _, _ := tg.LastSent(chat)
	return m.ID
}
