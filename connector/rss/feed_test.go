package rss

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/goldentest"
)

func TestFeed_Fetch_Formats(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		fixture     string
		contentType string
		wantN       int
		wantText    string // a substring of the first mention's text
		wantLang    string
	}{
		{"RSS2", "rss2_en.xml", "application/rss+xml; charset=utf-8", 4, "Podcast notes without a link\nThis week", "en"},
		{"Atom", "atom_en.xml", "application/atom+xml", 2, "Switching to Novava — a month later", "en"},
		{"RDF", "rdf.xml", "application/rdf+xml", 2, "Which ISP in Tehran?", "en"},
		{"SearchAlerts", "alerts_atom.xml", "application/atom+xml", 2, "Why I recommend Novava to my family", ""},
		{"PersianRTL", "fa_rtl.xml", "application/rss+xml", 2, "به همه‌ی دوستانم پیشنهاد می‌کنم", "fa"},
		{"Windows1256Declared", "fa_windows1256.xml", "text/xml", 1, "سرعت نوآوا امشب", "fa"},
		{"Windows1256FromHeader", "fa_windows1256_nodecl.xml", "text/xml; charset=windows-1256", 1, "سرعت نوآوا امشب", "fa"},
		{"Windows1256MislabelledUTF8", "fa_rtl.xml", "text/xml; charset=windows-1256", 2, "به همه‌ی دوستانم", "fa"},
		{"JSONFeed", "feed.json", "application/feed+json", 1, "Novava's app finally has dark mode. Nice.", "en"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := MustServer(t, serveFixture(t, tt.fixture, tt.contentType))
			c := MustClient(t, Config{}, FeedConfig{Name: "news", URL: srv.URL + "/feed"})
			b := MustFetch(t, c, "")
			if len(b.Mentions) != tt.wantN {
				t.Fatalf("got %d mentions, want %d: %+v", len(b.Mentions), tt.wantN, b.Mentions)
			}
			if b.More {
				t.Errorf("More=true, want false for a single document")
			}
			if !strings.Contains(b.Mentions[0].Text, tt.wantText) {
				t.Errorf("first text=%q, want it to contain %q", b.Mentions[0].Text, tt.wantText)
			}
			for i, m := range b.Mentions {
				if err := m.Validate(); err != nil {
					t.Errorf("mention %d: %v", i, err)
				}
				if m.Platform != core.PlatformRSS || m.Source != "news" || !m.FetchedAt.Equal(testNow) {
					t.Errorf("mention %d: platform=%q source=%q fetched=%v", i, m.Platform, m.Source, m.FetchedAt)
				}
				if m.LangHint != tt.wantLang {
					t.Errorf("mention %d: lang=%q, want %q", i, m.LangHint, tt.wantLang)
				}
				if i > 0 && m.CreatedAt.Before(b.Mentions[i-1].CreatedAt) {
					t.Errorf("mention %d is older than mention %d: want oldest first", i, i-1)
				}
				if strings.ContainsAny(m.Text, "<>") || strings.Contains(m.Text, "&amp;") || strings.Contains(m.Text, "  ") {
					t.Errorf("mention %d text still has markup or double spaces: %q", i, m.Text)
				}
			}
			goldentest.JSON(t, filepath.Join("testdata", "golden", tt.name+".golden"), b.Mentions)
		})
	}
}

func TestFeed_Fetch_Entries(t *testing.T) {
	t.Parallel()
	srv := MustServer(t, serveFixture(t, "rss2_en.xml", "application/rss+xml"))
	c := MustClient(t, Config{}, FeedConfig{Name: "techdaily", URL: srv.URL})
	b := MustFetch(t, c, "")
	byURL := map[string]core.Mention{}
	for _, m := range b.Mentions {
		byURL[m.URL] = m
	}
	t.Run("GUIDIsTheKey", func(t *testing.T) {
		m := byURL["https://techdaily.example.com/2025/03/10/novava-router-drops/"]
		if m.NativeID != "https://techdaily.example.com/?p=48213" {
			t.Errorf("NativeID=%q, want the guid", m.NativeID)
		}
		if m.Author.Name != "Dana Whitfield" || m.Author.ID != "techdaily.example.com" {
			t.Errorf("Author=%+v, want Dana Whitfield at techdaily.example.com", m.Author)
		}
		if strings.Contains(m.Text, "trackPageView") {
			t.Errorf("script text leaked into %q", m.Text)
		}
		want := "Novava’s new router drops connections, readers say\nSeveral readers wrote in about the Novava X2 router dropping Wi-Fi every few hours. “Support told me to reboot it,” one reader said. Another called it unusable. The X2 router"
		if m.Text != want {
			t.Errorf("Text=%q\nwant %q", m.Text, want)
		}
	})
	t.Run("LinkWithoutGUID", func(t *testing.T) {
		m := byURL["https://techdaily.example.com/2025/03/07/reader-tip/"]
		if m.NativeID != "https://techdaily.example.com/2025/03/07/reader-tip/" {
			t.Errorf("NativeID=%q, want the link", m.NativeID)
		}
	})
	t.Run("NeitherGUIDNorLink", func(t *testing.T) {
		m := byURL[""]
		if !strings.HasPrefix(m.NativeID, "techdaily#sha256:") {
			t.Errorf("NativeID=%q, want a hash scoped by the source", m.NativeID)
		}
		if m.Author.ID != "techdaily.example.com" {
			t.Errorf("Author.ID=%q, want the feed's site", m.Author.ID)
		}
	})
	t.Run("TooOld", func(t *testing.T) {
		if _, ok := byURL["https://techdaily.example.com/2024/01/05/roundup/"]; ok {
			t.Errorf("an entry from 2024 became a mention; want it left out by max_age")
		}
	})
	t.Run("SearchAlertRedirectUnwrapped", func(t *testing.T) {
		srv := MustServer(t, serveFixture(t, "alerts_atom.xml", "application/atom+xml"))
		c := MustClient(t, Config{}, FeedConfig{Name: "alerts", URL: srv.URL})
		b := MustFetch(t, c, "")
		got := []string{b.Mentions[0].URL, b.Mentions[1].URL}
		want := []string{"https://blog.example.ir/novava-review", "https://news.example.com/2025/03/10/novava-outage"}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("URLs=%v, want %v", got, want)
		}
		if b.Mentions[0].Author.ID != "blog.example.ir" {
			t.Errorf("Author.ID=%q, want the linked site", b.Mentions[0].Author.ID)
		}
	})
	t.Run("UndatedEntry", func(t *testing.T) {
		srv := MustServer(t, serveFixture(t, "atom_en.xml", "application/atom+xml"))
		c := MustClient(t, Config{}, FeedConfig{Name: "blog", URL: srv.URL})
		b := MustFetch(t, c, "")
		m := b.Mentions[len(b.Mentions)-1]
		if m.URL != "https://notes.example.org/drafts/mesh" || !m.CreatedAt.Equal(testNow) {
			t.Errorf("undated entry: URL=%q CreatedAt=%v, want created at fetch time", m.URL, m.CreatedAt)
		}
		if again := MustFetch(t, c, b.Cursor); len(again.Mentions) != 0 {
			t.Errorf("undated entry came back on the next poll: %+v", again.Mentions)
		}
	})
}

func TestFeed_Fetch_Request(t *testing.T) {
	t.Parallel()
	body := MustFixture(t, "rss2_en.xml")
	var calls atomic.Int32
	srv := MustServer(t, func(w http.ResponseWriter, r *http.Request) {
		n := calls.Add(1)
		if r.Method != http.MethodGet || r.URL.Path != "/feed/" || r.URL.RawQuery != "tag=novava" {
			t.Errorf("request %s %s, want GET /feed/?tag=novava", r.Method, r.URL)
		}
		if ua := r.Header.Get("User-Agent"); ua != "Shenava/1.2.3 (+https://github.com/shenava/shenava)" {
			t.Errorf("User-Agent=%q", ua)
		}
		if !strings.Contains(r.Header.Get("Accept"), "application/rss+xml") {
			t.Errorf("Accept=%q, want feed types", r.Header.Get("Accept"))
		}
		inm, ims := r.Header.Get("If-None-Match"), r.Header.Get("If-Modified-Since")
		switch n {
		case 1:
			if inm != "" || ims != "" {
				t.Errorf("first request is conditional: If-None-Match=%q If-Modified-Since=%q", inm, ims)
			}
		default:
			if inm != `W/"v1"` || ims != "Mon, 10 Mar 2025 09:30:00 GMT" {
				t.Errorf("request %d: If-None-Match=%q If-Modified-Since=%q, want the validators of the first answer", n, inm, ims)
			}
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `W/"v1"`)
		w.Header().Set("Last-Modified", "Mon, 10 Mar 2025 09:30:00 GMT")
		_, _ = w.Write(body)
	})
	c := MustClient(t, Config{UserAgent: "Shenava/1.2.3 (+https://github.com/shenava/shenava)"},
		FeedConfig{Name: "techdaily", URL: srv.URL + "/feed/?tag=novava"})
	first := MustFetch(t, c, "")
	if len(first.Mentions) == 0 {
		t.Fatal("first poll found nothing")
	}
	second := MustFetch(t, c, first.Cursor)
	if len(second.Mentions) != 0 || second.Cursor != first.Cursor {
		t.Errorf("304: got %d mentions and cursor %q, want none and the cursor unchanged", len(second.Mentions), second.Cursor)
	}
	if calls.Load() != 2 {
		t.Errorf("server saw %d requests, want 2", calls.Load())
	}
}

// feedOf renders an RSS document with the given items, newest first. Each
// item is {guid, title, rfc1123 date}.
func feedOf(items ...[3]string) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><link>https://t.example/</link>`)
	for _, it := range items {
		fmt.Fprintf(&b, `<item><guid>%s</guid><title>%s</title><link>%s</link><pubDate>%s</pubDate></item>`, it[0], it[1], it[0], it[2])
	}
	b.WriteString(`</channel></rss>`)
	return b.String()
}

func item(n int) [3]string {
	return [3]string{
		fmt.Sprintf("https://t.example/p/%d", n),
		fmt.Sprintf("post %d about Novava", n),
		testNow.Add(time.Duration(n-100) * time.Minute).Format(time.RFC1123Z),
	}
}

func TestFeed_Fetch_Cursor(t *testing.T) {
	t.Parallel()
	var doc atomic.Value
	srv := MustServer(t, func(w http.ResponseWriter, r *http.Request) {
		// This server ignores conditional requests, as many do.
		_, _ = w.Write([]byte(doc.Load().(string)))
	})
	feed := FeedConfig{Name: "t", URL: srv.URL}
	c := MustClient(t, Config{MaxSeen: 5}, feed)
	ids := func(b core.Batch) []string {
		var out []string
		for _, m := range b.Mentions {
			out = append(out, strings.TrimPrefix(m.NativeID, "https://t.example/p/"))
		}
		return out
	}

	doc.Store(feedOf(item(3), item(2), item(1)))
	b1 := MustFetch(t, c, "")
	if got := ids(b1); fmt.Sprint(got) != "[1 2 3]" {
		t.Fatalf("first poll=%v, want [1 2 3]", got)
	}
	t.Run("UnchangedFeedYieldsNothing", func(t *testing.T) {
		if got := ids(MustFetch(t, c, b1.Cursor)); len(got) != 0 {
			t.Errorf("got %v, want nothing new", got)
		}
	})
	t.Run("OnlyNewEntries", func(t *testing.T) {
		doc.Store(feedOf(item(5), item(4), item(3), item(2)))
		b2 := MustFetch(t, c, b1.Cursor)
		if got := ids(b2); fmt.Sprint(got) != "[4 5]" {
			t.Errorf("got %v, want [4 5]", got)
		}
		t.Run("RestartResumes", func(t *testing.T) {
			restarted := MustClient(t, Config{MaxSeen: 5}, feed)
			if got := ids(MustFetch(t, restarted, b2.Cursor)); len(got) != 0 {
				t.Errorf("after restart got %v, want nothing", got)
			}
			// A crash before the cursor was stored re-polls from the old
			// one: the same entries come again, and the engine's dedup by
			// key makes that a no-op.
			if got := ids(MustFetch(t, restarted, b1.Cursor)); fmt.Sprint(got) != "[4 5]" {
				t.Errorf("re-poll from the previous cursor got %v, want [4 5] again", got)
			}
		})
	})
	t.Run("CursorIsBounded", func(t *testing.T) {
		cur := b1.Cursor
		for n := 10; n < 30; n++ {
			doc.Store(feedOf(item(n)))
			cur = MustFetch(t, c, cur).Cursor
		}
		dec, err := decodeCursor(cur)
		if err != nil {
			t.Fatal(err)
		}
		if len(dec.Seen) != 5 {
			t.Errorf("cursor remembers %d keys, want max_seen=5", len(dec.Seen))
		}
	})
	t.Run("FeedLargerThanMaxSeen", func(t *testing.T) {
		// Every entry still in the document is remembered, whatever
		// max_seen says, so none of them comes back.
		var items [][3]string
		for n := 60; n > 40; n-- {
			items = append(items, item(n))
		}
		doc.Store(feedOf(items...))
		b := MustFetch(t, c, "")
		if len(b.Mentions) != 20 {
			t.Fatalf("got %d, want 20", len(b.Mentions))
		}
		if got := ids(MustFetch(t, c, b.Cursor)); len(got) != 0 {
			t.Errorf("got %v again, want nothing", got)
		}
	})
	t.Run("UnreadableCursorStartsOver", func(t *testing.T) {
		doc.Store(feedOf(item(2), item(1)))
		for _, cur := range []string{"{", `{"v":99}`, "null"} {
			b, err := c.Feeds()[0].Fetch(context.Background(), cur)
			if err != nil || len(b.Mentions) != 2 {
				t.Errorf("cursor %q: %d mentions, err %v; want a fresh start", cur, len(b.Mentions), err)
			}
		}
	})
}

func TestFeed_Fetch_Errors(t *testing.T) {
	t.Parallel()
	huge := strings.Repeat("x", 4096)
	tests := []struct {
		name          string
		handler       http.HandlerFunc
		wantRetry     time.Duration
		wantRateLimit bool
		wantPermanent bool
		wantUnauth    bool
		errContains   string
	}{
		{name: "429RetryAfterSeconds", handler: status(429, "Retry-After", "120"), wantRateLimit: true, wantRetry: 2 * time.Minute},
		{name: "429RetryAfterDate", handler: status(429, "Retry-After", testNow.Add(90*time.Second).Format(http.TimeFormat)), wantRateLimit: true, wantRetry: 90 * time.Second},
		{name: "429RetryAfterCapped", handler: status(429, "Retry-After", testNow.Add(30*24*time.Hour).Format(http.TimeFormat)), wantRateLimit: true, wantRetry: 7 * 24 * time.Hour},
		{name: "429WithoutRetryAfter", handler: status(429), wantRateLimit: true},
		{name: "429RetryAfterGarbage", handler: status(429, "Retry-After", "soon"), wantRateLimit: true},
		{name: "503RetryAfter", handler: status(503, "Retry-After", "30"), wantRateLimit: true, wantRetry: 30 * time.Second},
		{name: "503", handler: status(503), errContains: "HTTP 503"},
		{name: "500", handler: status(500), errContains: "HTTP 500"},
		{name: "502", handler: status(502), errContains: "HTTP 502"},
		{name: "408", handler: status(408), errContains: "HTTP 408"},
		{name: "401", handler: status(401), wantPermanent: true, wantUnauth: true},
		{name: "403", handler: status(403), wantPermanent: true, wantUnauth: true},
		{name: "404", handler: status(404), wantPermanent: true, errContains: "HTTP 404"},
		{name: "410", handler: status(410), wantPermanent: true, errContains: "HTTP 410"},
		{name: "HTMLPage", handler: serveFixture(t, "html_error.html", "text/html"), errContains: "an HTML page, not a feed"},
		{name: "Malformed", handler: serveFixture(t, "malformed.xml", "application/xml"), errContains: "parse"},
		{name: "Truncated", handler: serveFixture(t, "truncated.xml", "application/xml"), errContains: "parse"},
		{name: "EmptyBody", handler: func(w http.ResponseWriter, r *http.Request) {}, errContains: "empty document"},
		{name: "HugeBody", handler: func(w http.ResponseWriter, r *http.Request) {
			_, _ = w.Write([]byte(`<?xml version="1.0"?><rss version="2.0"><channel><title>` + huge + huge + `</title></channel></rss>`))
		}, wantPermanent: true, errContains: "max_body_bytes"},
		{name: "ConnectionReset", handler: func(w http.ResponseWriter, r *http.Request) {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err != nil {
				t.Error(err)
				return
			}
			if tc, ok := conn.(*net.TCPConn); ok {
				_ = tc.SetLinger(0) // RST instead of FIN
			}
			_ = conn.Close()
		}, errContains: "fetch"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := MustServer(t, tt.handler)
			c := MustClient(t, Config{MaxBodyBytes: 8000}, FeedConfig{Name: "broken", URL: srv.URL})
			b, err := c.Feeds()[0].Fetch(context.Background(), "")
			if err == nil {
				t.Fatalf("got %d mentions and no error, want an error", len(b.Mentions))
			}
			if !strings.HasPrefix(err.Error(), "rss: ") || !strings.Contains(err.Error(), `"broken"`) {
				t.Errorf("error %q does not name the component and the feed", err)
			}
			retry, limited := core.RetryAfter(err)
			if limited != tt.wantRateLimit || retry != tt.wantRetry {
				t.Errorf("RetryAfter=(%v, %v), want (%v, %v); err=%v", retry, limited, tt.wantRetry, tt.wantRateLimit, err)
			}
			if got := isPermanent(err); got != tt.wantPermanent {
				t.Errorf("permanent=%v, want %v; err=%v", got, tt.wantPermanent, err)
			}
			if got := errors.Is(err, core.ErrUnauthorized); got != tt.wantUnauth {
				t.Errorf("unauthorized=%v, want %v; err=%v", got, tt.wantUnauth, err)
			}
			if !strings.Contains(err.Error(), tt.errContains) {
				t.Errorf("error %q does not contain %q", err, tt.errContains)
			}
		})
	}
}

func status(code int, header ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(code)
		_, _ = w.Write([]byte("<html><body><h1>" + http.StatusText(code) + "</h1></body></html>"))
	}
}

func TestFeed_Fetch_Recovers(t *testing.T) {
	t.Parallel()
	var healthy atomic.Bool
	body := MustFixture(t, "rss2_en.xml")
	srv := MustServer(t, func(w http.ResponseWriter, r *http.Request) {
		if !healthy.Load() {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		_, _ = w.Write(body)
	})
	c := MustClient(t, Config{}, FeedConfig{Name: "flaky", URL: srv.URL})
	if _, err := c.Feeds()[0].Fetch(context.Background(), ""); err == nil {
		t.Fatal("no error from a failing server")
	}
	healthy.Store(true)
	if b := MustFetch(t, c, ""); len(b.Mentions) != 4 {
		t.Errorf("after the server healed: %d mentions, want 4", len(b.Mentions))
	}
}

func TestFeed_Fetch_Context(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	srv := MustServer(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	t.Run("Cancelled", func(t *testing.T) {
		c := MustClient(t, Config{}, FeedConfig{Name: "slow", URL: srv.URL})
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() {
			_, err := c.Feeds()[0].Fetch(ctx, "")
			done <- err
		}()
		cancel()
		select {
		case err := <-done:
			if !errors.Is(err, context.Canceled) {
				t.Errorf("err=%v, want context.Canceled", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("Fetch did not return after the context was cancelled")
		}
	})
	t.Run("Timeout", func(t *testing.T) {
		c := MustClient(t, Config{Timeout: 50 * time.Millisecond}, FeedConfig{Name: "slow", URL: srv.URL})
		_, err := c.Feeds()[0].Fetch(context.Background(), "")
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("err=%v, want a deadline error", err)
		}
		if isPermanent(err) {
			t.Errorf("a timeout is not permanent: %v", err)
		}
	})
}

func TestClient_Check(t *testing.T) {
	t.Parallel()
	good := MustServer(t, serveFixture(t, "rss2_en.xml", "application/rss+xml"))
	bad := MustServer(t, status(404))
	html := MustServer(t, serveFixture(t, "html_error.html", "text/html"))
	c := MustClient(t, Config{},
		FeedConfig{Name: "good", URL: good.URL},
		FeedConfig{Name: "gone", URL: bad.URL},
		FeedConfig{Name: "homepage", URL: html.URL},
	)
	err := c.Check(context.Background())
	if err == nil {
		t.Fatal("Check passed with two broken feeds")
	}
	for _, want := range []string{`"gone"`, `"homepage"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Check error %q does not name feed %s", err, want)
		}
	}
	if strings.Contains(err.Error(), `"good"`) {
		t.Errorf("Check error %q names the healthy feed", err)
	}
	ok := MustClient(t, Config{}, FeedConfig{Name: "good", URL: good.URL})
	if err := ok.Check(context.Background()); err != nil {
		t.Errorf("Check of a healthy feed: %v", err)
	}
}

func TestClient_Reply(t *testing.T) {
	t.Parallel()
	c := MustClient(t, Config{}, FeedConfig{Name: "n", URL: "https://example.com/feed"})
	m := core.Mention{Platform: core.PlatformRSS, NativeID: "https://example.com/a"}
	if _, err := c.Reply(context.Background(), m, "thanks"); !errors.Is(err, core.ErrUnsupported) || !strings.Contains(err.Error(), "reply on the site") {
		t.Errorf("Reply err=%v, want ErrUnsupported telling to reply on the site", err)
	}
	if _, err := c.DirectMessage(context.Background(), m, "thanks"); !errors.Is(err, core.ErrUnsupported) {
		t.Errorf("DirectMessage err=%v, want ErrUnsupported", err)
	}
	if got := c.Capabilities(); got.Reply || got.DirectMessage {
		t.Errorf("Capabilities=%+v, want none", got)
	}
}

func TestFeed_Fetch_TextIsValidUTF8(t *testing.T) {
	t.Parallel()
	// Latin-1 bytes in a document that names no encoding at all.
	doc := "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>x</title><item><guid>https://x.example/1</guid><title>caf\xe9 Novava</title><pubDate>" +
		testNow.Format(time.RFC1123Z) + "</pubDate></item></channel></rss>"
	srv := MustServer(t, func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(doc)) })
	c := MustClient(t, Config{}, FeedConfig{Name: "x", URL: srv.URL})
	b := MustFetch(t, c, "")
	if len(b.Mentions) != 1 || !utf8.ValidString(b.Mentions[0].Text) || !strings.Contains(b.Mentions[0].Text, "Novava") {
		t.Errorf("got %+v, want one mention with valid UTF-8 text", b.Mentions)
	}
}
