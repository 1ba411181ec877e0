package e2e

// Small fakes of Mastodon and of a news feed, for the fault and security
// tests. They speak the real wire formats (TestFakes_SpeakTheWireFormat
// checks the Mastodon answers against the published API description); the
// connectors' own packages test every detail of those formats.

import (
	"encoding/json"
	"fmt"
	"hash/crc32"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shenava/shenava/connector/mastodon"
	"github.com/shenava/shenava/internal/conf"
	"github.com/shenava/shenava/internal/spectest"
)

// mastoFake serves GET /api/v1/notifications (mentions) and POST
// /api/v1/statuses for one brand account.
type mastoFake struct {
	srv   *httptest.Server
	token string

	mu       sync.Mutex
	statuses []mastoStatus // ascending IDs
	posted   []string
	requests int
}

type mastoStatus struct {
	id      int64
	text    string
	created time.Time
	author  string
}

func newMastoFake(tb testing.TB, token string, wrap func(http.Handler) http.Handler) *mastoFake {
	tb.Helper()
	f := &mastoFake{token: token}
	var h http.Handler = http.HandlerFunc(f.serve)
	if wrap != nil {
		h = wrap(h)
	}
	f.srv = httptest.NewServer(h)
	tb.Cleanup(f.srv.Close)
	return f
}

func (f *mastoFake) add(text string, created time.Time, author string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.statuses = append(f.statuses, mastoStatus{id: 113200000000000000 + int64(len(f.statuses)) + 1, text: text, created: created, author: author})
}

func (f *mastoFake) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.requests
}

func (f *mastoFake) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.requests++
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if r.Header.Get("Authorization") != "Bearer "+f.token {
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte(`{"error":"The access token is invalid"}`))
		return
	}
	switch {
	case r.Method == http.MethodGet && r.URL.Path == "/api/v1/notifications":
		json.NewEncoder(w).Encode(f.page(r))
	case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/api/v1/statuses/"):
		// Replies read the status they answer first; any numeric ID exists.
		id, err := strconv.ParseInt(strings.TrimPrefix(r.URL.Path, "/api/v1/statuses/"), 10, 64)
		if err != nil {
			w.WriteHeader(http.StatusNotFound)
			w.Write([]byte(`{"error":"Record not found"}`))
			return
		}
		json.NewEncoder(w).Encode(mastoStatusJSON(mastoStatus{id: id, text: "shenava", created: time.Now(), author: "someone"}))
	case r.Method == http.MethodPost && r.URL.Path == "/api/v1/statuses":
		r.ParseForm()
		f.mu.Lock()
		f.posted = append(f.posted, r.PostForm.Get("status"))
		id := 113300000000000000 + int64(len(f.posted))
		f.mu.Unlock()
		json.NewEncoder(w).Encode(mastoStatusJSON(mastoStatus{id: id, text: r.PostForm.Get("status"), created: time.Now(), author: "brand"}))
	default:
		w.WriteHeader(http.StatusNotFound)
		w.Write([]byte(`{"error":"Record not found"}`))
	}
}

func (f *mastoFake) page(r *http.Request) []map[string]any {
	q := r.URL.Query()
	limit, _ := strconv.Atoi(q.Get("limit"))
	if limit <= 0 || limit > 80 {
		limit = 40
	}
	since, _ := strconv.ParseInt(q.Get("since_id"), 10, 64)
	maxID, _ := strconv.ParseInt(q.Get("max_id"), 10, 64)
	f.mu.Lock()
	defer f.mu.Unlock()
	out := []map[string]any{}
	for i := len(f.statuses) - 1; i >= 0 && len(out) < limit; i-- {
		s := f.statuses[i]
		nid := s.id - 113200000000000000 + 35000000
		if (since != 0 && nid <= since) || (maxID != 0 && nid >= maxID) {
			continue
		}
		out = append(out, map[string]any{
			"id": strconv.FormatInt(nid, 10), "type": "mention", "group_key": fmt.Sprintf("ungrouped-%d", nid),
			"created_at": s.created.UTC().Format("2006-01-02T15:04:05.000Z"),
			"account":    mastoAccountJSON(s.author), "status": mastoStatusJSON(s),
		})
	}
	return out
}

func mastoAccountJSON(name string) map[string]any {
	return map[string]any{
		"id": strconv.FormatUint(110000000000000000+uint64(crc32.ChecksumIEEE([]byte(name))), 10), "username": name, "acct": name, "display_name": strings.ToUpper(name[:1]) + name[1:],
		"locked": false, "bot": false, "discoverable": true, "indexable": true, "group": false,
		"created_at": "2023-04-01T00:00:00.000Z", "note": "", "url": "https://mastodon.example/@" + name,
		"uri": "https://mastodon.example/users/" + name, "avatar": "https://mastodon.example/avatars/original/missing.png",
		"avatar_static": "https://mastodon.example/avatars/original/missing.png", "header": "https://mastodon.example/headers/original/missing.png",
		"header_static": "https://mastodon.example/headers/original/missing.png", "followers_count": 87, "following_count": 120,
		"statuses_count": 845, "last_status_at": "2025-03-10", "hide_collections": false, "emojis": []any{}, "fields": []any{},
	}
}

func mastoStatusJSON(s mastoStatus) map[string]any {
	id := strconv.FormatInt(s.id, 10)
	return map[string]any{
		"id": id, "created_at": s.created.UTC().Format("2006-01-02T15:04:05.000Z"), "in_reply_to_id": nil, "in_reply_to_account_id": nil,
		"sensitive": false, "spoiler_text": "", "visibility": "public", "language": "en",
		"uri": "https://mastodon.example/users/" + s.author + "/statuses/" + id, "url": "https://mastodon.example/@" + s.author + "/" + id,
		"replies_count": 0, "reblogs_count": 0, "favourites_count": 0, "quotes_count": 0, "edited_at": nil,
		"favourited": false, "reblogged": false, "muted": false, "bookmarked": false, "pinned": false,
		"content": "<p>" + html.EscapeString(s.text) + "</p>", "filtered": []any{}, "reblog": nil,
		"application": map[string]any{"name": "Web", "website": nil}, "account": mastoAccountJSON(s.author),
		"media_attachments": []any{}, "mentions": []any{}, "tags": []any{}, "emojis": []any{}, "card": nil, "poll": nil,
	}
}

// feedFake serves one RSS 2.0 feed.
type feedFake struct {
	srv *httptest.Server

	mu       sync.Mutex
	items    []feedItem
	requests int
}

type feedItem struct {
	guid, title string
	published   time.Time
}

func newFeedFake(tb testing.TB, wrap func(http.Handler) http.Handler) *feedFake {
	tb.Helper()
	f := &feedFake{}
	var h http.Handler = http.HandlerFunc(f.serve)
	if wrap != nil {
		h = wrap(h)
	}
	f.srv = httptest.NewServer(h)
	tb.Cleanup(f.srv.Close)
	return f
}

func (f *feedFake) add(title string, published time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.items = append(f.items, feedItem{guid: fmt.Sprintf("https://news.example/%d", len(f.items)+1), title: title, published: published})
}

func (f *feedFake) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.requests
}

func (f *feedFake) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.requests++
	items := slices.Clone(f.items)
	f.mu.Unlock()
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<rss version="2.0"><channel><title>News</title><link>https://news.example/</link><description>News</description>`)
	for i := len(items) - 1; i >= 0; i-- {
		it := items[i]
		fmt.Fprintf(&b, "<item><title>%s</title><link>%s</link><guid>%s</guid><description>%s</description><pubDate>%s</pubDate></item>",
			html.EscapeString(it.title), it.guid, it.guid, html.EscapeString(it.title), it.published.UTC().Format(time.RFC1123Z))
	}
	b.WriteString("</channel></rss>")
	w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
	w.Write([]byte(b.String()))
}

// TestFakes_SpeakTheWireFormat checks the Mastodon fake's answers against
// the published API description, as the connector's own fixtures are.
func TestFakes_SpeakTheWireFormat(t *testing.T) {
	t.Parallel()
	spec := spectest.Load(t, "mastodon/openapi.json")
	f := newMastoFake(t, "tok", nil)
	f.add("shenava is slow today", faultT0, "mina")
	f.add("shenava again", faultT0.Add(time.Minute), "reza")
	req, _ := http.NewRequest(http.MethodGet, f.srv.URL+"/api/v1/notifications?types[]=mention&limit=40", nil)
	req.Header.Set("Authorization", "Bearer tok")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "shenava again") {
		t.Fatalf("notifications: %d %s", resp.StatusCode, body)
	}
	spec.ValidateResponse(t, "GET", "/api/v1/notifications", 200, body)
}

func (f *mastoFake) postCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.posted)
}

// newMastoClient is the real Mastodon connector against the fake.
func newMastoClient(tb testing.TB, server, token string, now func() time.Time) *mastodon.Client {
	tb.Helper()
	c, err := mastodon.New(mastodon.Config{Server: server, AccessToken: conf.NewSecret(token), Notifications: mastodon.StreamConfig{Enabled: true},
		UserAgent: "Shenava/test (+https://github.com/shenava/shenava)"}, nil, discardLogger())
	if err != nil {
		tb.Fatal(err)
	}
	c.Now = now
	return c
}
