package web

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/conf"
	"github.com/shenava/shenava/internal/goldentest"
)

func linkToken(t *testing.T, f *fixture, manager int64) string {
	t.Helper()
	link, err := f.srv.LinkFor(manager)
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(link)
	if err != nil || u.Path != "/login" {
		t.Fatalf("link %q is not a /login URL", link)
	}
	return u.Query().Get("t")
}

// Behind an HTTPS reverse proxy (an https base_url) the session cookie is
// Secure, so a browser never sends it over plain http.
func TestSignIn_SecureCookieOverHTTPS(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.BaseURL = "https://inbox.example.com" })
	tok := linkToken(t, f, 1)
	w := httptest.NewRecorder()
	r := httptest.NewRequest(http.MethodPost, "https://inbox.example.com/login", strings.NewReader(url.Values{"t": {tok}}.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	f.srv.Handler().ServeHTTP(w, r)
	if w.Code != http.StatusSeeOther {
		t.Fatalf("sign-in: %d\n%s", w.Code, w.Body)
	}
	var ck *http.Cookie
	for _, k := range w.Result().Cookies() {
		if k.Name == sessionCookie {
			ck = k
		}
	}
	if ck == nil || !ck.Secure || !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode {
		t.Fatalf("session cookie = %+v, want Secure, HttpOnly, SameSite=Strict", ck)
	}
}

// Sign-in links, session cookies, CSRF tokens and the bot token never
// reach the log, and no page shows the bot token, the web secret or the
// session cookie.
func TestSecrets_NotInLogsOrPages(t *testing.T) {
	const secret = "web-secret-NEVER-SHOWN-4d1f"
	f := newFixture(t, func(c *Config) { c.Secret = conf.NewSecret(secret) })
	f.save(f.mention(core.PlatformX, "en", core.LabelNegative, "my order never came"))
	tok := linkToken(t, f, 1)
	c := f.client()
	if resp, _ := c.post("/login", url.Values{"t": {tok}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in: %d", resp.StatusCode)
	}
	// The used link again, a forged one, a change without its CSRF token
	// and a Mini App sign-in with bad initData: each is logged.
	f.client().post("/login", url.Values{"t": {tok}})
	f.client().post("/login", url.Values{"t": {tok + "x"}})
	_, page := c.get("/")
	_, casePage := c.get("/case/1")
	csrf := c.csrf
	if csrf == "" {
		t.Fatal("no CSRF token on the case page")
	}
	c.post("/case/1/claim", url.Values{"csrf": {"wrong"}})
	f.client().post("/app", url.Values{"init_data": {"user=%7B%22id%22%3A1%7D&hash=00"}})
	var session string
	u, _ := url.Parse(f.ts.URL)
	for _, k := range c.hc.Jar.Cookies(u) {
		if k.Name == sessionCookie {
			session = k.Value
		}
	}
	if session == "" {
		t.Fatal("no session cookie")
	}
	c.post("/logout", url.Values{"csrf": {csrf}})
	logs := f.logs.String()
	if !strings.Contains(logs, "manager signed in") || !strings.Contains(logs, "CSRF") {
		t.Fatalf("the log does not show the sign-in and the refused change:\n%s", logs)
	}
	for name, s := range map[string]string{"sign-in link token": tok, "session cookie": session, "CSRF token": csrf,
		"bot token": botToken, "web secret": secret} {
		if strings.Contains(logs, s) {
			t.Errorf("the log shows the %s:\n%s", name, logs)
		}
	}
	for name, s := range map[string]string{"bot token": botToken, "web secret": secret, "session cookie": session} {
		if strings.Contains(page, s) || strings.Contains(casePage, s) {
			t.Errorf("a page shows the %s", name)
		}
	}
}

func TestSignIn_LinkWorksOnce(t *testing.T) {
	f := newFixture(t)
	tok := linkToken(t, f, 1)
	c := f.client()
	// Opening the link (as a chat app's preview does) signs no one in and
	// uses nothing up.
	for range 2 {
		resp, body := c.get("/login?t=" + tok)
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, `action="/login"`) {
			t.Fatalf("GET link: %d, want the sign-in button page:\n%s", resp.StatusCode, body)
		}
		if len(resp.Cookies()) != 0 {
			t.Fatal("opening the link set a cookie")
		}
	}
	resp, _ := c.post("/login", url.Values{"t": {tok}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Fatalf("POST link: %d to %q, want 303 to /", resp.StatusCode, resp.Header.Get("Location"))
	}
	var ck *http.Cookie
	for _, k := range resp.Cookies() {
		if k.Name == sessionCookie {
			ck = k
		}
	}
	if ck == nil || !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode || ck.Secure {
		t.Fatalf("session cookie = %+v, want HttpOnly, SameSite=Strict, not Secure over http", ck)
	}
	if resp, body := c.get("/"); resp.StatusCode != http.StatusOK || !strings.Contains(body, "Sara") {
		t.Fatalf("inbox: %d", resp.StatusCode)
	}
	// The same link again, from another browser.
	other := f.client()
	resp, body := other.post("/login", url.Values{"t": {tok}})
	if resp.StatusCode != http.StatusGone || !strings.Contains(body, "already used") {
		t.Fatalf("reused link: %d\n%s", resp.StatusCode, body)
	}
}

func TestSignIn_RefusedLinks(t *testing.T) {
	f := newFixture(t)
	expired := linkToken(t, f, 1)
	f.now = f.now.Add(LinkTTL + time.Second)
	tampered := []byte(linkToken(t, f, 1))
	tampered[3] ^= 1
	for _, tc := range []struct {
		name, token, want string
	}{
		{"expired", expired, "has expired"},
		{"tampered", string(tampered), "not valid"},
		{"garbage", "<script>alert(1)</script>", "not valid"},
		{"empty", "", "not valid"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := f.client()
			for _, do := range []func() (*http.Response, string){
				func() (*http.Response, string) { return c.get("/login?t=" + url.QueryEscape(tc.token)) },
				func() (*http.Response, string) { return c.post("/login", url.Values{"t": {tc.token}}) },
			} {
				resp, body := do()
				if resp.StatusCode != http.StatusGone || !strings.Contains(body, tc.want) {
					t.Fatalf("status %d, want 410 saying %q:\n%s", resp.StatusCode, tc.want, body)
				}
				if strings.Contains(body, "<script>alert") {
					t.Fatal("the token was written into the page unescaped")
				}
			}
		})
	}
	// A link for someone who is not a manager cannot be made.
	if _, err := f.srv.LinkFor(99); err == nil {
		t.Fatal("a link was made for a non-manager")
	}
}

func TestSignIn_RateLimited(t *testing.T) {
	f := newFixture(t)
	c := f.client()
	var last int
	for range 11 {
		resp, _ := c.post("/login", url.Values{"t": {"nope"}})
		last = resp.StatusCode
	}
	if last != http.StatusTooManyRequests {
		t.Fatalf("11th attempt in a minute: %d, want 429", last)
	}
	f.now = f.now.Add(2 * time.Minute)
	if resp, _ := c.post("/login", url.Values{"t": {"nope"}}); resp.StatusCode != http.StatusGone {
		t.Fatalf("attempt after the window: %d, want 410", resp.StatusCode)
	}
}

func TestSession_Authorisation(t *testing.T) {
	f := newFixture(t)
	cs := f.save(f.mention(core.PlatformX, "en", core.LabelNegative, "broken"))
	id := strconv.FormatUint(cs[0].ID, 10)
	anon := f.client()
	for _, p := range []string{"/", "/case/" + id, "/mentions", "/mentions.csv", "/reports"} {
		resp, _ := anon.get(p)
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/signed-out") {
			t.Errorf("GET %s signed out: %d to %q, want 303 to /signed-out", p, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	if resp, _ := anon.post("/case/"+id+"/claim", url.Values{"csrf": {"x"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("POST claim signed out: %d, want 403", resp.StatusCode)
	}
	if f.caseNow(cs[0].ID).State != core.CaseNew {
		t.Fatal("a signed-out request changed the case")
	}

	c := f.signIn(1)
	// Idle expiry.
	f.now = f.now.Add(DefaultSessionIdle + time.Minute)
	resp, _ := c.get("/")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/signed-out?why=expired" {
		t.Fatalf("idle session: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}

	// A manager removed from the config is signed out at the next request.
	c = f.signIn(1)
	f.start(func(cfg *Config) { cfg.Managers = cfg.Managers[1:] })
	resp, _ = c.get("/")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/signed-out?why=removed" {
		t.Fatalf("removed manager: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	f.start()
	if resp, _ := c.get("/"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("the revoked session came back when the manager did: %d", resp.StatusCode)
	}
}

func TestSession_AbsoluteExpiryAndSignOut(t *testing.T) {
	f := newFixture(t)
	c := f.signIn(1)
	for range 8 {
		f.now = f.now.Add(DefaultSessionMax / 8)
		c.get("/")
	}
	if resp, _ := c.get("/"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("a session older than session_max still works: %d", resp.StatusCode)
	}
	stale := f.signIn(1)
	_ = stale
	c = f.signIn(2)
	if resp := c.do("/logout"); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/signed-out?why=bye" {
		t.Fatalf("sign out: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, _ := c.get("/"); resp.StatusCode != http.StatusSeeOther {
		t.Fatal("the session works after signing out")
	}
	f.now = f.now.Add(DefaultSessionIdle + time.Minute)
	if n, err := f.srv.pruneSessions(ctx); err != nil || n != 1 {
		t.Fatalf("pruned %d sessions (%v), want the expired one", n, err)
	}
}

func TestCSRF_Refused(t *testing.T) {
	f := newFixture(t)
	cs := f.save(f.mention(core.PlatformX, "en", core.LabelNegative, "broken"))
	path := "/case/" + strconv.FormatUint(cs[0].ID, 10) + "/claim"
	c := f.signIn(1)
	for _, tc := range []struct {
		name string
		form url.Values
		hdr  map[string]string
	}{
		{"no token", url.Values{}, nil},
		{"wrong token", url.Values{"csrf": {"x" + c.csrf}}, nil},
		{"cross-site", url.Values{"csrf": {c.csrf}}, map[string]string{"Sec-Fetch-Site": "cross-site"}},
		{"other origin", url.Values{"csrf": {c.csrf}}, map[string]string{"Origin": "https://evil.example"}},
	} {
		req, _ := http.NewRequest(http.MethodPost, f.ts.URL+path, strings.NewReader(tc.form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for k, v := range tc.hdr {
			req.Header.Set(k, v)
		}
		resp, err := c.hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s: %d, want 403", tc.name, resp.StatusCode)
		}
	}
	if f.caseNow(cs[0].ID).State != core.CaseNew {
		t.Fatal("a refused request changed the case")
	}
	// The language switch and sign-out need the token too.
	if resp, _ := c.post("/logout", url.Values{}); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("sign-out without a token: %d", resp.StatusCode)
	}
	if resp, _ := c.post("/lang", url.Values{"lang": {"fa"}}); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("language without a token: %d", resp.StatusCode)
	}
}

func TestSecurityHeaders(t *testing.T) {
	f := newFixture(t)
	c := f.signIn(1)
	for _, p := range []string{"/", "/login?t=x", "/signed-out", "/static/style.css"} {
		resp, _ := c.get(p)
		h := resp.Header
		csp := h.Get("Content-Security-Policy")
		if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") ||
			!strings.Contains(csp, "frame-ancestors 'none'") || h.Get("X-Frame-Options") != "DENY" ||
			h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") != "no-referrer" {
			t.Errorf("%s: headers %v", p, h)
		}
	}
	resp, _ := c.get("/app")
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors "+miniAppOrigin) ||
		resp.Header.Get("X-Frame-Options") != "" {
		t.Errorf("/app may be framed by Telegram only: %v", resp.Header)
	}
}

func TestCase_Actions(t *testing.T) {
	f := newFixture(t)
	cs := f.save(f.mention(core.PlatformX, "en", core.LabelNegative, "My order never came"))
	id := cs[0].ID
	base := "/case/" + strconv.FormatUint(id, 10)
	c := f.signIn(1)
	_, body := c.get(base)
	mustContain(t, body, "My order never came", "Sorry, @user101. Koala will fix it.", "Replies wait 15 s before")

	if resp := c.do(base+"/claim", "g", "g1"); resp.Header.Get("Location") != base+"?ok=claimed" {
		t.Fatalf("claim redirect %q", resp.Header.Get("Location"))
	}
	if cs := f.caseNow(id); cs.State != core.CaseClaimed || cs.ClaimedBy != "Sara" {
		t.Fatalf("after claim: %s by %q", cs.State, cs.ClaimedBy)
	}
	if resp := c.do(base+"/claim", "g", "g2"); resp.Header.Get("Location") != base+"?no=change" {
		t.Fatalf("second claim redirect %q", resp.Header.Get("Location"))
	}
	// A reply submitted twice (a double tap, a resent form) is queued once.
	for i, want := range []string{base + "?ok=replied", base} {
		if resp := c.do(base+"/reply", "g", "g3", "how", "public", "text", "We are on it, {author}"); resp.Header.Get("Location") != want {
			t.Fatalf("reply %d redirect %q, want %q", i, resp.Header.Get("Location"), want)
		}
	}
	var replies []core.Action
	f.db.ForEachAction(ctx, time.Time{}, f.now.Add(time.Hour), func(a core.Action) error {
		if a.Kind == core.ActionReplyPublic {
			replies = append(replies, a)
		}
		return nil
	})
	if len(replies) != 1 || replies[0].Text != "We are on it, @user101" || replies[0].Actor != "Sara" ||
		!replies[0].NextAttemptAt.Equal(f.now.Add(15*time.Second)) {
		t.Fatalf("replies = %+v, want one by Sara waiting the undo window", replies)
	}
	_, body = c.get(base + "?ok=replied")
	mustContain(t, body, "Reply queued: it is sent at", "Withdraw", "waiting")
	if resp := c.do(base+"/withdraw", "g", "g4", "reply", strconv.FormatUint(replies[0].ID, 10)); resp.Header.Get("Location") != base+"?ok=withdrawn" {
		t.Fatalf("withdraw redirect %q", resp.Header.Get("Location"))
	}
	if resp := c.do(base+"/reply", "g", "g5", "template", "0"); resp.Header.Get("Location") != base+"?ok=replied" {
		t.Fatalf("template reply redirect %q", resp.Header.Get("Location"))
	}
	if resp := c.do(base+"/reply", "g", "g6"); resp.Header.Get("Location") != base+"?no=text" {
		t.Fatalf("empty reply redirect %q", resp.Header.Get("Location"))
	}
	if resp := c.do(base+"/reply", "g", "g6b", "how", "private", "template", "7"); resp.Header.Get("Location") != base+"?no=answer" {
		t.Fatalf("unknown template redirect %q", resp.Header.Get("Location"))
	}
	if resp := c.do(base+"/relabel", "g", "g7", "label", "neutral"); resp.Header.Get("Location") != base+"?ok=relabelled" {
		t.Fatalf("relabel redirect %q", resp.Header.Get("Location"))
	}
	ali := f.signIn(2)
	if resp := ali.do(base+"/resolve", "g", "g8"); resp.Header.Get("Location") != base+"?ok=resolved" {
		t.Fatalf("resolve redirect %q", resp.Header.Get("Location"))
	}
	if resp := c.do(base+"/ignore", "g", "g9"); resp.Header.Get("Location") != base+"?no=closed" {
		t.Fatalf("ignore after resolve redirect %q", resp.Header.Get("Location"))
	}
	_, body = c.get(base + "?no=closed")
	mustContain(t, body, "The case is already closed (Resolved by Ali).")
	got := f.caseNow(id)
	if got.State != core.CaseResolved || got.CorrectedLabel != core.LabelNeutral {
		t.Fatalf("case = %s / %s", got.State, got.CorrectedLabel)
	}
	var trail []string
	for _, e := range got.Events {
		trail = append(trail, e.Actor+" "+e.Action+" "+e.Via)
	}
	want := []string{"system opened ", "Sara claimed web", "Sara replied publicly web", "Sara withdrew reply ",
		"Sara replied publicly web", "Sara corrected label web", "Ali resolved web"}
	if !slices.Equal(trail, want) {
		t.Fatalf("audit trail = %q, want %q", trail, want)
	}
	if f.wakes.Load() == 0 {
		t.Fatal("the outbox was never woken")
	}
	// Unknown cases and verbs.
	if resp, _ := c.get("/case/999"); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown case: %d", resp.StatusCode)
	}
	if resp := c.do(base + "/explode"); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown verb: %d", resp.StatusCode)
	}
}

func TestCase_CannotAnswer(t *testing.T) {
	f := newFixture(t)
	cs := f.save(f.mention(core.PlatformRSS, "en", core.LabelNegative, "feed complaint"))
	base := "/case/" + strconv.FormatUint(cs[0].ID, 10)
	c := f.signIn(1)
	_, body := c.get(base)
	mustContain(t, body, "RSS has no public replies.", "RSS has no private messages.")
	if strings.Contains(body, `id="send"`) {
		t.Fatal("a send button is offered where nothing can be sent")
	}
	if resp := c.do(base+"/reply", "text", "hello"); resp.Header.Get("Location") != base+"?no=answer" {
		t.Fatalf("reply on RSS: %q", resp.Header.Get("Location"))
	}
}

func TestPages_EscapeAttackerText(t *testing.T) {
	f := newFixture(t)
	m := f.mention(core.PlatformX, "en", core.LabelNegative, "<script>alert(1)</script> \u202Egnp.exe <img src=x onerror=alert(2)>")
	m.URL = "javascript:alert(3)"
	m.Author.Name = "<b>evil</b>\u202E"
	m.Author.Handle = `"><script>alert(4)</script>`
	cs := f.save(m)
	c := f.signIn(1)
	for _, p := range []string{"/", "/case/" + strconv.FormatUint(cs[0].ID, 10), "/mentions", "/reports?days=7"} {
		_, body := c.get(p)
		for _, bad := range []string{"<script>alert", "<img src=x", "javascript:alert", "<b>evil", "\u202E"} {
			if strings.Contains(body, bad) {
				t.Errorf("%s holds %q unescaped", p, bad)
			}
		}
		if p != "/reports?days=7" {
			mustContain(t, body, "&lt;script&gt;alert(")
		}
	}
}

func TestInbox_TabsFiltersSearch(t *testing.T) {
	f := newFixture(t)
	f.save(f.mention(core.PlatformX, "fa", core.LabelNegative, "سفارشم نيومد ۱۲ روزه"))
	f.now = f.now.Add(time.Minute)
	f.save(f.mention(core.PlatformMastodon, "en", core.LabelNegative, "app crashes on login"))
	f.now = f.now.Add(time.Minute)
	vip := f.mention(core.PlatformX, "en", core.LabelNegative, "refund please")
	vip.Author.Followers = 50000
	cs := f.save(vip)
	f.save(f.mention(core.PlatformX, "en", core.LabelPositive, "love it"))
	c := f.signIn(1)
	c.do("/case/"+strconv.FormatUint(cs[0].ID, 10)+"/claim", "g", "x")

	rows := func(q string) []string {
		t.Helper()
		_, body := c.get("/?" + q)
		var out []string
		for _, m := range regexp.MustCompile(`<p class="text" dir="auto"><bdi>([^<]*)</bdi>`).FindAllStringSubmatch(body, -1) {
			out = append(out, m[1])
		}
		return out
	}
	for _, tc := range []struct {
		q    string
		want []string
	}{
		{"", []string{"app crashes on login", "سفارشم نيومد ۱۲ روزه"}},
		{"state=claimed", []string{"refund please"}},
		{"state=claimed&claimed=Ali", nil},
		{"state=claimed&vip=1", []string{"refund please"}},
		{"vip=1", nil},
		{"platform=mastodon", []string{"app crashes on login"}},
		{"lang=fa", []string{"سفارشم نيومد ۱۲ روزه"}},
		// Arabic ي and Persian digits fold: نیومد and 12 find the post.
		{"q=" + url.QueryEscape("نیومد 12"), []string{"سفارشم نيومد ۱۲ روزه"}},
		{"q=" + url.QueryEscape(`"crashes on" -refund`), []string{"app crashes on login"}},
		{"q=" + url.QueryEscape("from:user102"), []string{"app crashes on login"}},
		{"from=2026-11-23", nil},
		{"from=2026-11-22&to=2026-11-22", []string{"app crashes on login", "سفارشم نيومد ۱۲ روزه"}},
	} {
		if got := rows(tc.q); !slices.Equal(got, tc.want) {
			t.Errorf("inbox ?%s = %q, want %q", tc.q, got, tc.want)
		}
	}
	_, body := c.get("/")
	mustContain(t, body, `id="tab-new">New <span class="count">2</span>`, `id="tab-claimed">Claimed <span class="count">1</span>`)
}

func TestInbox_PagingByCursor(t *testing.T) {
	f := newFixture(t)
	for i := range 120 {
		f.now = f.now.Add(time.Second)
		f.save(f.mention(core.PlatformX, "en", core.LabelNegative, "complaint "+strconv.Itoa(i)))
	}
	c := f.signIn(1)
	seen := map[string]bool{}
	next := "/"
	pages := 0
	for next != "" {
		_, body := c.get(next)
		pages++
		for _, m := range regexp.MustCompile(`complaint \d+`).FindAllString(body, -1) {
			if seen[m] {
				t.Fatalf("%s shown twice", m)
			}
			seen[m] = true
		}
		next = ""
		if m := regexp.MustCompile(`id="older" href="([^"]+)"`).FindStringSubmatch(body); m != nil {
			next = strings.ReplaceAll(m[1], "&amp;", "&")
		}
		if pages == 1 && !strings.Contains(body, "complaint 119") {
			t.Fatal("the first page does not start with the newest")
		}
	}
	if len(seen) != 120 || pages != 3 {
		t.Fatalf("saw %d complaints on %d pages, want 120 on 3", len(seen), pages)
	}
}

func TestMentions_PageAndCSV(t *testing.T) {
	f := newFixture(t)
	f.save(f.mention(core.PlatformX, "fa", core.LabelPositive, "عالیه، به همه پیشنهاد می‌کنم"))
	f.now = f.now.Add(time.Minute)
	f.save(f.mention(core.PlatformMastodon, "en", core.LabelNeutral, "=HYPERLINK(\"http://evil\") meh"))
	f.now = f.now.Add(time.Minute)
	cs := f.save(f.mention(core.PlatformX, "en", core.LabelNegative, "broken again"))
	c := f.signIn(2)
	_, body := c.get("/mentions")
	mustContain(t, body, "عالیه، به همه پیشنهاد می‌کنم", "=HYPERLINK", `dir="rtl"`, `lang="fa"`,
		`href="/case/`+strconv.FormatUint(cs[0].ID, 10)+`"`)
	_, body = c.get("/mentions?platform=x")
	if strings.Contains(body, "HYPERLINK") {
		t.Fatal("the platform filter kept a Mastodon mention")
	}

	resp, err := c.hc.Get(f.ts.URL + "/mentions.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" ||
		!strings.Contains(resp.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("CSV headers: %v", resp.Header)
	}
	br := bufio.NewReader(resp.Body)
	bom, _, _ := br.ReadRune()
	if bom != '\ufeff' {
		t.Fatalf("CSV starts with %q, want a byte-order mark", bom)
	}
	recs, err := csv.NewReader(br).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 4 || !slices.Equal(recs[0], csvColumns) {
		t.Fatalf("CSV = %q", recs)
	}
	if recs[2][1] != "mastodon" || !strings.HasPrefix(recs[2][12], "'=HYPERLINK") {
		t.Errorf("second row = %q, want the Mastodon mention with its formula defused", recs[2])
	}
	if recs[3][12] != "عالیه، به همه پیشنهاد می‌کنم" || recs[3][9] != "positive" {
		t.Errorf("third row = %q", recs[3])
	}
	// The export keeps the page's filters.
	resp2, filtered := c.get("/mentions.csv?label=negative")
	if lines := strings.Split(strings.TrimSpace(filtered), "\n"); resp2.StatusCode != http.StatusOK || len(lines) != 2 ||
		!strings.Contains(lines[1], "broken again") {
		t.Fatalf("CSV of negative mentions: %d %q", resp2.StatusCode, lines)
	}
}

func TestLanguageSwitch(t *testing.T) {
	f := newFixture(t)
	c := f.signIn(1)
	_, body := c.get("/mentions")
	mustContain(t, body, `<html lang="en" dir="ltr">`)
	resp := c.do("/lang", "lang", "fa", "back", "/mentions")
	if resp.Header.Get("Location") != "/mentions" {
		t.Fatalf("language switch went to %q", resp.Header.Get("Location"))
	}
	_, body = c.get("/mentions")
	mustContain(t, body, `<html lang="fa" dir="rtl">`, "همه‌ی اشاره‌ها")
	if resp := c.do("/lang", "lang", "en", "back", "//evil.example/"); resp.Header.Get("Location") != "/" {
		t.Fatalf("the switch followed an off-site back link: %q", resp.Header.Get("Location"))
	}
}

func TestMiniApp_SignIn(t *testing.T) {
	f := newFixture(t)
	fields := url.Values{"auth_date": {strconv.FormatInt(f.now.Unix(), 10)}, "query_id": {"AAE"},
		"user": {`{"id":2,"first_name":"Ali"}`}}
	c := f.client()
	resp, _ := c.post("/app", url.Values{"init_data": {signInitData(botToken, fields)}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("Mini App sign-in: %d", resp.StatusCode)
	}
	resp, body := c.get("/")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `dir="rtl"`) {
		t.Fatalf("inbox in the Mini App: %d", resp.StatusCode)
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, miniAppOrigin) {
		t.Fatalf("Mini App pages cannot be framed by Telegram: %q", csp)
	}
	other := url.Values{"auth_date": fields["auth_date"], "user": {`{"id":77}`}}
	if resp, _ := f.client().post("/app", url.Values{"init_data": {signInitData(botToken, other)}}); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("a Telegram user who is no manager: %d", resp.StatusCode)
	}
	if resp, _ := f.client().post("/app", url.Values{"init_data": {signInitData("999:other", fields)}}); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("data signed with another bot's token: %d", resp.StatusCode)
	}
}

func TestCheckInitData(t *testing.T) {
	now := t0
	good := url.Values{"auth_date": {strconv.FormatInt(now.Unix(), 10)}, "user": {`{"id":42}`}, "query_id": {"q"}}
	signed := signInitData(botToken, good)
	if id, err := checkInitData(botToken, signed, now.Add(time.Minute), MiniAppMaxAge); err != nil || id != 42 {
		t.Fatalf("valid data: %d, %v", id, err)
	}
	// Telegram's documented example form: fields in any order, hash hex.
	for name, data := range map[string]string{
		"stale":       signed,
		"tampered":    strings.Replace(signed, "42", "43", 1),
		"no hash":     good.Encode(),
		"other token": signInitData("1:x", good),
		"no user":     signInitData(botToken, url.Values{"auth_date": good["auth_date"]}),
	} {
		at := now
		if name == "stale" {
			at = now.Add(MiniAppMaxAge + time.Second)
		}
		if _, err := checkInitData(botToken, data, at, MiniAppMaxAge); !errors.Is(err, ErrInitData) {
			t.Errorf("%s: err = %v, want ErrInitData", name, err)
		}
	}
	if _, err := checkInitData("", signed, now, MiniAppMaxAge); err == nil {
		t.Error("data accepted without a bot token")
	}
}

func TestLinkKey(t *testing.T) {
	cfg := testConfig()
	k1, _ := linkKey(cfg)
	cfg.Secret = conf.NewSecret("s3cret")
	k2, _ := linkKey(cfg)
	if string(k1) == string(k2) || strings.Contains(string(k1), botToken) {
		t.Fatal("the link key is not derived, or web.secret does not change it")
	}
	cfg.Secret, cfg.BotToken = conf.Secret{}, conf.Secret{}
	if _, err := linkKey(cfg); !errors.Is(err, ErrNoKey) {
		t.Fatalf("no key: %v", err)
	}
	if _, err := New(cfg, Deps{}); err == nil {
		t.Fatal("New without a key or a store succeeded")
	}
}

func TestConfig_Problems(t *testing.T) {
	for _, tc := range []struct {
		edit func(*Config)
		want string
	}{
		{func(c *Config) {}, ""},
		{func(c *Config) { c.Listen = "" }, ""},
		{func(c *Config) { c.Listen = "0.0.0.0:8090" }, "listen"},
		{func(c *Config) { c.Listen, c.AllowRemote = "0.0.0.0:8090", true }, ""},
		{func(c *Config) { c.Listen = "nope" }, "listen"},
		{func(c *Config) { c.BaseURL = "ftp://x" }, "base_url"},
		{func(c *Config) { c.BaseURL = "https://inbox.example.com/?a" }, "base_url"},
		{func(c *Config) { c.BaseURL = "https://example.com/inbox" }, "base_url"},
		{func(c *Config) { c.BaseURL = "https://inbox.example.com/" }, ""},
		{func(c *Config) { c.SessionIdle = time.Second }, "session_idle"},
		{func(c *Config) { c.SessionIdle, c.SessionMax = 48*time.Hour, 24*time.Hour }, "session_idle"},
		{func(c *Config) { c.VIPFollowers = -1 }, "vip_followers"},
		{func(c *Config) { c.MenuButton = true }, "menu_button"},
		{func(c *Config) { c.MenuButton, c.BaseURL = true, "http://127.0.0.1:8090" }, "menu_button"},
		{func(c *Config) { c.MenuButton, c.BaseURL = true, "https://inbox.example.com/" }, ""},
	} {
		c := DefaultConfig()
		tc.edit(&c)
		err := c.Validate()
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%+v: %v", c, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%+v: err %v, want one naming %s", c, err, tc.want)
		}
	}
	c := DefaultConfig()
	c.BaseURL = "https://inbox.example.com"
	if !c.secure() || c.Base() != "https://inbox.example.com" {
		t.Fatal("an https base URL does not make cookies Secure")
	}
	if got := c.MiniAppURL(); got != "" {
		t.Fatalf("Mini App %q without menu_button", got)
	}
	c.MenuButton = true
	if got := c.MiniAppURL(); got != "https://inbox.example.com/app" {
		t.Fatalf("Mini App %q, want the /app page", got)
	}
	c.BaseURL = "http://inbox.example.com"
	if ps := c.Problems(); len(ps.Warnings()) == 0 {
		t.Fatal("plain http to another host gives no warning")
	}
	if got := c.MiniAppURL(); got != "" {
		t.Fatalf("Mini App %q over plain http", got)
	}
}

// goldenPage renders a page with the per-session and per-render secrets
// replaced, for a golden file.
func goldenPage(t *testing.T, c *client, path, golden string) {
	t.Helper()
	resp, body := c.get(path)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s: %d", path, resp.StatusCode)
	}
	body = regexp.MustCompile(`name="csrf" value="[^"]+"`).ReplaceAllString(body, `name="csrf" value="CSRF"`)
	body = regexp.MustCompile(`name="g" value="[A-Za-z0-9_-]{16}`).ReplaceAllString(body, `name="g" value="GESTURE`)
	goldentest.Text(t, golden, body)
}

func TestGolden_InboxAndCase(t *testing.T) {
	f := newFixture(t)
	m := f.mention(core.PlatformX, "fa", core.LabelNegative, "سه روزه منتظر پاسخم، <پشتیبانی> کجاست؟")
	cs := f.save(m)
	f.now = f.now.Add(3 * time.Minute)
	f.save(f.mention(core.PlatformMastodon, "en", core.LabelNegative, "The app logs me out every hour."))
	f.now = f.now.Add(2 * time.Minute)
	ali := f.signIn(2)
	ali.do("/case/"+strconv.FormatUint(cs[0].ID, 10)+"/claim", "g", "golden")
	sara := f.signIn(1)
	for _, tc := range []struct {
		c    *client
		lang string
	}{{sara, "en"}, {ali, "fa"}} {
		goldenPage(t, tc.c, "/", "testdata/inbox."+tc.lang+".html")
		goldenPage(t, tc.c, "/case/"+strconv.FormatUint(cs[0].ID, 10), "testdata/case."+tc.lang+".html")
	}
}

func TestCase_InDoubtReplySentAgain(t *testing.T) {
	f := newFixture(t)
	cs := f.save(f.mention(core.PlatformX, "en", core.LabelNegative, "where is my order"),
		f.mention(core.PlatformX, "en", core.LabelNegative, "another one"))
	base := "/case/" + strconv.FormatUint(cs[0].ID, 10)
	c := f.signIn(1)
	c.do(base+"/reply", "g", "r1", "text", "On its way")
	// The daemon dies while sending it: after the restart it is in doubt.
	if _, err := f.db.ClaimDue(ctx, f.now.Add(time.Minute), 10); err != nil {
		t.Fatal(err)
	}
	stuck, err := f.db.RecoverInFlight(ctx, func([]core.Action) []core.Action { return nil })
	if err != nil || len(stuck) != 2 || stuck[0].Kind != core.ActionReplyPublic {
		t.Fatalf("in doubt: %+v, %v", stuck, err)
	}
	_, body := c.get("/?state=doubt")
	mustContain(t, body, "where is my order", `id="tab-doubt">In doubt <span class="count">1</span>`)
	if strings.Contains(body, "another one") {
		t.Fatal("a case with nothing in doubt is in the in-doubt tab")
	}
	_, body = c.get(base)
	mustContain(t, body, "in doubt", "Send again")
	other := "/case/" + strconv.FormatUint(cs[1].ID, 10)
	if resp := c.do(other+"/resend", "g", "x1", "reply", strconv.FormatUint(stuck[0].ID, 10)); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("resending another case's reply: %d, want 404", resp.StatusCode)
	}
	if resp := c.do(base+"/resend", "g", "x2", "reply", strconv.FormatUint(stuck[0].ID, 10)); resp.Header.Get("Location") != base+"?ok=resent" {
		t.Fatalf("resend: %q", resp.Header.Get("Location"))
	}
	a, err := f.db.Action(ctx, stuck[0].ID)
	if err != nil || a.State != core.ActionPending {
		t.Fatalf("after resend the reply is %s (%v), want pending", a.State, err)
	}
	_, body = c.get("/?state=doubt")
	mustContain(t, body, `id="tab-doubt">In doubt <span class="count">0</span>`)
}

// A private reply from the case page goes through the same workflow as
// from the bot: one private reply queued for the platform by the
// manager, after the undo window, and the audit trail says who and
// "web".
func TestCase_PrivateReply(t *testing.T) {
	f := newFixture(t)
	cs := f.save(f.mention(core.PlatformX, "fa", core.LabelNegative, "سفارشم هنوز نرسیده"))
	id := cs[0].ID
	base := "/case/" + strconv.FormatUint(id, 10)
	ali := f.signIn(2)
	_, body := ali.get(base)
	mustContain(t, body, `value="private"`)
	if resp := ali.do(base+"/reply", "g", "p1", "how", "private", "text", "{author} عزیز، شمارهٔ سفارش را بفرستید"); resp.Header.Get("Location") != base+"?ok=replied" {
		t.Fatalf("private reply redirect %q", resp.Header.Get("Location"))
	}
	var sent []core.Action
	f.db.ForEachAction(ctx, time.Time{}, f.now.Add(time.Hour), func(a core.Action) error {
		if a.Kind == core.ActionReplyPublic || a.Kind == core.ActionReplyPrivate {
			sent = append(sent, a)
		}
		return nil
	})
	if len(sent) != 1 || sent[0].Kind != core.ActionReplyPrivate || sent[0].Text != "@user101 عزیز، شمارهٔ سفارش را بفرستید" ||
		sent[0].Actor != "Ali" || sent[0].CaseID != id || sent[0].MentionKey != cs[0].MentionKey ||
		!sent[0].NextAttemptAt.Equal(f.now.Add(15*time.Second)) {
		t.Fatalf("outbox = %+v, want one private reply by Ali waiting the undo window", sent)
	}
	got := f.caseNow(id)
	last := got.Events[len(got.Events)-1]
	if last.Actor != "Ali" || last.Action != "replied privately" || last.Via != "web" {
		t.Fatalf("audit line = %+v, want Ali replied privately via web", last)
	}
	if f.wakes.Load() == 0 {
		t.Fatal("the outbox was not woken")
	}
}

// The inbox keeps its tab counts current from /counts: the counts as
// they are now, written in the manager's language, for a signed-in
// manager only, and polling it is not activity that keeps a session
// from its idle expiry.
func TestInbox_LiveCounts(t *testing.T) {
	f := newFixture(t)
	cs := f.save(f.mention(core.PlatformX, "en", core.LabelNegative, "My order never came"),
		f.mention(core.PlatformX, "en", core.LabelNegative, "Still waiting"))
	counts := func(c *client) map[string]struct {
		N    int    `json:"n"`
		Text string `json:"text"`
	} {
		t.Helper()
		resp, body := c.get("/counts")
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") ||
			resp.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("/counts: %d %v\n%s", resp.StatusCode, resp.Header, body)
		}
		var out struct {
			Tabs map[string]struct {
				N    int    `json:"n"`
				Text string `json:"text"`
			} `json:"tabs"`
		}
		if err := json.Unmarshal([]byte(body), &out); err != nil {
			t.Fatalf("/counts: %v\n%s", err, body)
		}
		return out.Tabs
	}
	ali := f.signIn(2)
	_, page := ali.get("/")
	mustContain(t, page, `data-counts="/counts"`, `<script src="/static/app.js"></script>`)
	if resp, js := ali.get("/static/app.js"); resp.StatusCode != http.StatusOK || !strings.Contains(js, "data-counts") ||
		!strings.Contains(resp.Header.Get("Content-Security-Policy"), "connect-src 'self'") {
		t.Fatalf("the counts script: %d %v", resp.StatusCode, resp.Header)
	}
	if got := counts(ali); got["new"].N != 2 || got["new"].Text != "۲" || got["claimed"].N != 0 || len(got) != len(tabs) {
		t.Fatalf("counts at first: %+v", got)
	}
	sara := f.signIn(1)
	base := "/case/" + strconv.FormatUint(cs[0].ID, 10)
	sara.get(base)
	if resp := sara.do(base+"/claim", "g", "c1"); resp.Header.Get("Location") != base+"?ok=claimed" {
		t.Fatalf("claim redirect %q", resp.Header.Get("Location"))
	}
	if got := counts(ali); got["new"].N != 1 || got["claimed"].N != 1 || got["claimed"].Text != "۱" {
		t.Fatalf("counts after a claim: %+v", got)
	}
	if got := counts(sara); got["claimed"].Text != "1" {
		t.Fatalf("counts in English: %+v", got)
	}

	// Signed out: a bare 401, no page, no redirect.
	if resp, body := f.client().get("/counts"); resp.StatusCode != http.StatusUnauthorized || strings.Contains(body, "tabs") {
		t.Fatalf("/counts without a session: %d %q", resp.StatusCode, body)
	}
	// Polling alone lets the session expire when the manager is idle.
	for range 4 {
		f.now = f.now.Add(DefaultSessionIdle / 3)
		if resp, _ := ali.get("/counts"); resp.StatusCode != http.StatusOK && f.now.Sub(t0) < DefaultSessionIdle {
			t.Fatalf("/counts refused before the idle expiry: %d", resp.StatusCode)
		}
	}
	if resp, _ := ali.get("/counts"); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("polling kept an idle session alive: %d", resp.StatusCode)
	}
	if resp, _ := ali.get("/"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("the idle session still opens the inbox: %d", resp.StatusCode)
	}
}

// The case page says why an answer is missing: a channel post the
// read-only collector read, an Instagram comment past its private-reply
// window.
func TestCase_AnswerLimits(t *testing.T) {
	f := newFixture(t)
	post := f.mention(core.PlatformTelegram, "en", core.LabelNegative, "Koala support is silent")
	post.Source = "telegram-channel-koala_news"
	old := f.mention(core.PlatformInstagram, "fa", core.LabelNegative, "هنوز جوابی نگرفتم")
	old.CreatedAt = f.now.Add(-8 * 24 * time.Hour)
	cs := f.save(post, old)
	c := f.signIn(1)
	_, body := c.get("/case/" + strconv.FormatUint(cs[0].ID, 10))
	mustContain(t, body, `<p id="readonly">Read by the read-only Telegram collector account, which never writes: this post cannot be answered from here. Open it in Telegram to answer.</p>`,
		`href="https://example.com/telegram/101"`)
	if strings.Contains(body, "has no public replies") || strings.Contains(body, `value="public"`) {
		t.Fatal("a collected post is offered or refused an answer as if Telegram took none")
	}
	_, body = c.get("/case/" + strconv.FormatUint(cs[1].ID, 10))
	mustContain(t, body, `value="public"`, `<span id="noprivate">Instagram&#39;s private-reply window (7 days after the comment) has passed.</span>`)
	if strings.Contains(body, `value="private"`) {
		t.Fatal("a private reply is offered past the window")
	}
}
