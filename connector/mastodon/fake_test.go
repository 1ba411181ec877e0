package mastodon

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	gomastodon "github.com/mattn/go-mastodon"

	"github.com/shenava/shenava/internal/conf"
	"github.com/shenava/shenava/internal/spectest"
)

// testNow is the injected clock: fixtures are from the morning before it.
var testNow = time.Date(2025, 3, 10, 12, 0, 0, 0, time.UTC)

const testToken = "test-token-7f3a"

// MustFixture reads testdata/name.
func MustFixture(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// loadSpec returns the Mastodon API document, or nil when ../shared is not
// there outside CI (spectest then skips the "spec" subtest and the rest of
// the test runs without validation; in CI it fails).
func loadSpec(t *testing.T) *spectest.Spec {
	t.Helper()
	var spec *spectest.Spec
	t.Run("spec", func(t *testing.T) { spec = spectest.Load(t, "mastodon/openapi.json") })
	return spec
}

// fake is a Mastodon server on 127.0.0.1 that answers like the real one
// from the fixtures: notifications, hashtag timelines and search are paged
// by since_id, min_id, max_id and limit with Link headers; statuses can be
// read and posted; every request it receives and every JSON body it sends is
// checked against the API document.
type fake struct {
	t    testing.TB
	spec *spectest.Spec
	srv  *httptest.Server

	mu            sync.Mutex
	notifications []json.RawMessage // newest first
	timeline      []json.RawMessage
	search        []json.RawMessage
	statuses      map[string]json.RawMessage
	posts         []url.Values
	idempotent    map[string][]byte
	requests      []*http.Request
	remaining     int       // X-RateLimit-Remaining to send
	reset         time.Time // X-RateLimit-Reset to send
	// posted holds the statuses made, oldest first.
	posted []json.RawMessage
	// dropAnswers makes the next posts go through and then closes their
	// connections unanswered, as a proxy that loses the answer does.
	dropAnswers int
	// ignoreKeys makes the fake ignore Idempotency-Key, as GoToSocial does.
	ignoreKeys bool
	// hook, when set, may answer a request itself (fault injection);
	// it returns true when it did.
	hook func(w http.ResponseWriter, r *http.Request) bool
}

func newFake(t *testing.T) *fake {
	t.Helper()
	f := &fake{t: t, spec: loadSpec(t), statuses: map[string]json.RawMessage{}, idempotent: map[string][]byte{},
		remaining: 299, reset: testNow.Add(5 * time.Minute)}
	var ns []json.RawMessage
	mustUnmarshal(t, MustFixture(t, "notifications_mentions.json"), &ns)
	f.setNotifications(ns)
	mustUnmarshal(t, MustFixture(t, "timeline_tag.json"), &f.timeline)
	var sr struct {
		Statuses []json.RawMessage `json:"statuses"`
	}
	mustUnmarshal(t, MustFixture(t, "search_statuses.json"), &sr)
	f.search = sr.Statuses
	for _, raw := range append(slices.Clone(f.timeline), f.search...) {
		f.statuses[idOf(t, raw)] = raw
	}
	for _, raw := range f.notifications {
		var n struct {
			Status json.RawMessage `json:"status"`
		}
		mustUnmarshal(t, raw, &n)
		f.statuses[idOf(t, n.Status)] = n.Status
	}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fake) setNotifications(ns []json.RawMessage) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.notifications = ns
}

func (f *fake) setHook(h func(w http.ResponseWriter, r *http.Request) bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.hook = h
}

// Requests returns the requests received so far.
func (f *fake) Requests() []*http.Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.requests)
}

// Posts returns the forms of the statuses posted so far.
func (f *fake) Posts() []url.Values {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.posts)
}

func mustUnmarshal(tb testing.TB, b []byte, v any) {
	tb.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		tb.Fatalf("fixture: %v", err)
	}
}

func idOf(tb testing.TB, raw json.RawMessage) string {
	tb.Helper()
	var v struct {
		ID string `json:"id"`
	}
	mustUnmarshal(tb, raw, &v)
	return v.ID
}

func (f *fake) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.requests = append(f.requests, r.Clone(r.Context()))
	hook := f.hook
	f.mu.Unlock()
	f.validateRequest(r, body)

	if got := r.Header.Get("Authorization"); got != "Bearer "+testToken {
		f.reply(w, r, http.StatusUnauthorized, MustFixture(f.t, "error_401.json"))
		return
	}
	if ua := r.Header.Get("User-Agent"); !strings.HasPrefix(ua, "Shenava/") {
		f.t.Errorf("User-Agent=%q, want Shenava/...", ua)
	}
	if hook != nil && hook(w, r) {
		return
	}
	q := r.URL.Query()
	switch {
	case r.Method == http.MethodGet && r.URL.Path == "/api/v1/notifications":
		if got := q["types[]"]; !slices.Equal(got, []string{"mention"}) {
			f.t.Errorf("types[]=%q, want [mention]", got)
		}
		if q.Get("include_filtered") != "true" {
			f.t.Errorf("include_filtered=%q, want true", q.Get("include_filtered"))
		}
		f.mu.Lock()
		all := slices.Clone(f.notifications)
		f.mu.Unlock()
		f.page(w, r, all)
	case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/api/v1/timelines/tag/"):
		f.page(w, r, f.timeline)
	case r.Method == http.MethodGet && r.URL.Path == "/api/v2/search":
		if q.Get("type") != "statuses" || q.Get("q") == "" || q.Get("resolve") != "false" {
			f.t.Errorf("search query %q, want q, type=statuses, resolve=false", r.URL.RawQuery)
		}
		page := f.pageOf(w, r, f.search)
		b, _ := json.Marshal(map[string]any{"accounts": []any{}, "statuses": page, "hashtags": []any{}})
		f.reply(w, r, http.StatusOK, b)
	case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/api/v1/statuses/") && strings.HasSuffix(r.URL.Path, "/context"):
		id := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/api/v1/statuses/"), "/context")
		f.mu.Lock()
		_, ok := f.statuses[id]
		var desc []json.RawMessage
		for _, raw := range f.posted {
			var st struct {
				InReplyTo string `json:"in_reply_to_id"`
			}
			mustUnmarshal(f.t, raw, &st)
			if st.InReplyTo == id {
				desc = append(desc, raw)
			}
		}
		f.mu.Unlock()
		if !ok {
			f.reply(w, r, http.StatusNotFound, MustFixture(f.t, "error_404.json"))
			return
		}
		b, _ := json.Marshal(map[string]any{"ancestors": []any{}, "descendants": append([]json.RawMessage{}, desc...)})
		f.reply(w, r, http.StatusOK, b)
	case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/api/v1/accounts/") && strings.HasSuffix(r.URL.Path, "/statuses"):
		f.mu.Lock()
		own := slices.Clone(f.posted)
		f.mu.Unlock()
		slices.Reverse(own)
		f.page(w, r, own)
	case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/api/v1/statuses/"):
		raw, ok := f.statuses[strings.TrimPrefix(r.URL.Path, "/api/v1/statuses/")]
		if !ok {
			f.reply(w, r, http.StatusNotFound, MustFixture(f.t, "error_404.json"))
			return
		}
		f.reply(w, r, http.StatusOK, raw)
	case r.Method == http.MethodPost && r.URL.Path == "/api/v1/statuses":
		f.post(w, r, body)
	case r.Method == http.MethodGet && r.URL.Path == "/api/v1/accounts/verify_credentials":
		f.reply(w, r, http.StatusOK, MustFixture(f.t, "verify_credentials.json"))
	default:
		f.t.Errorf("unexpected request %s %s", r.Method, r.URL)
		f.reply(w, r, http.StatusNotFound, MustFixture(f.t, "error_404.json"))
	}
}

// page answers a list request with the page Mastodon would give.
func (f *fake) page(w http.ResponseWriter, r *http.Request, all []json.RawMessage) {
	page := f.pageOf(w, r, all)
	b, _ := json.Marshal(page)
	f.reply(w, r, http.StatusOK, b)
}

// pageOf applies Mastodon's paging: since_id and max_id bound the IDs and
// the newest limit items come; with min_id the oldest limit items above it
// come (still newest first). It sets the Link header as Mastodon does.
func (f *fake) pageOf(w http.ResponseWriter, r *http.Request, all []json.RawMessage) []json.RawMessage {
	q := r.URL.Query()
	limit := 40
	if l, err := strconv.Atoi(q.Get("limit")); err == nil && l > 0 {
		limit = l
	}
	var in []json.RawMessage
	for _, raw := range all {
		id := gomastodon.ID(idOf(f.t, raw))
		if s := q.Get("since_id"); s != "" && id.Compare(gomastodon.ID(s)) <= 0 {
			continue
		}
		if s := q.Get("min_id"); s != "" && id.Compare(gomastodon.ID(s)) <= 0 {
			continue
		}
		if s := q.Get("max_id"); s != "" && id.Compare(gomastodon.ID(s)) >= 0 {
			continue
		}
		in = append(in, raw)
	}
	slices.SortFunc(in, func(a, b json.RawMessage) int {
		return gomastodon.ID(idOf(f.t, b)).Compare(gomastodon.ID(idOf(f.t, a)))
	})
	if len(in) > limit {
		if q.Get("min_id") != "" {
			in = in[len(in)-limit:]
		} else {
			in = in[:limit]
		}
	}
	if len(in) > 0 {
		u := *r.URL
		u.Scheme, u.Host = "http", r.Host
		next, prev := u, u
		nq, pq := url.Values{"limit": {strconv.Itoa(limit)}}, url.Values{"limit": {strconv.Itoa(limit)}}
		nq.Set("max_id", idOf(f.t, in[len(in)-1]))
		pq.Set("min_id", idOf(f.t, in[0]))
		next.RawQuery, prev.RawQuery = nq.Encode(), pq.Encode()
		w.Header().Set("Link", fmt.Sprintf(`<%s>; rel="next", <%s>; rel="prev"`, next.String(), prev.String()))
	}
	if in == nil {
		in = []json.RawMessage{}
	}
	return in
}

// post answers POST /api/v1/statuses like Mastodon: form or JSON body, and
// a repeated Idempotency-Key returns the first answer without posting again.
func (f *fake) post(w http.ResponseWriter, r *http.Request, body []byte) {
	form, err := url.ParseQuery(string(body))
	if err != nil || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		f.t.Errorf("POST /api/v1/statuses: Content-Type %q, body %q: want a form", r.Header.Get("Content-Type"), body)
	}
	key := r.Header.Get("Idempotency-Key")
	f.mu.Lock()
	if f.ignoreKeys {
		key = ""
	}
	if prev, ok := f.idempotent[key]; ok && key != "" {
		f.mu.Unlock()
		f.reply(w, r, http.StatusOK, prev)
		return
	}
	f.posts = append(f.posts, form)
	n := len(f.posts)
	f.mu.Unlock()

	var st map[string]any
	mustUnmarshal(f.t, MustFixture(f.t, "status_posted.json"), &st)
	st["id"] = fmt.Sprintf("1132000000000%05d", 99900+n)
	st["visibility"] = form.Get("visibility")
	st["in_reply_to_id"] = form.Get("in_reply_to_id")
	st["content"] = "<p>" + form.Get("status") + "</p>"
	out, _ := json.Marshal(st)
	f.mu.Lock()
	if key != "" {
		f.idempotent[key] = out
	}
	f.posted = append(f.posted, out)
	f.statuses[st["id"].(string)] = out
	drop := f.dropAnswers > 0
	if drop {
		f.dropAnswers--
	}
	f.mu.Unlock()
	if drop {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err != nil {
			f.t.Errorf("hijack: %v", err)
			return
		}
		conn.Close() // the status exists; its answer never arrives
		return
	}
	f.reply(w, r, http.StatusOK, out)
}

// reply sends a JSON answer with Mastodon's rate-limit headers, after
// checking it against the document.
func (f *fake) reply(w http.ResponseWriter, r *http.Request, status int, body []byte) {
	if f.spec != nil {
		f.spec.ValidateResponse(f.t, r.Method, r.URL.Path, status, body)
	}
	f.replyUnchecked(w, status, body)
}

// replyUnchecked sends an answer the document does not describe, for the
// faults Mastodon does produce that its document leaves out.
func (f *fake) replyUnchecked(w http.ResponseWriter, status int, body []byte) {
	f.mu.Lock()
	rem, reset := f.remaining, f.reset
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-RateLimit-Limit", "300")
	w.Header().Set("X-RateLimit-Remaining", strconv.Itoa(rem))
	w.Header().Set("X-RateLimit-Reset", reset.Format("2006-01-02T15:04:05.000000Z"))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// validateRequest checks a request against the document (spectest reads
// Rails-style array parameters, types[]=mention, as the document's types).
// One difference between Mastodon's wire format and the document is bridged
// here, confirmed by Mastodon's documentation: POST /api/v1/statuses takes a
// form as well as JSON (Rails reads both into the same params), and
// go-mastodon sends a form; the document describes only JSON, so the form's
// fields are checked as the JSON object they stand for.
//
// And one mistake of the document is stepped around: it types the
// Idempotency-Key header as an object while its own description (and
// Mastodon's documentation) says "any arbitrary string"; the header is
// checked here instead.
func (f *fake) validateRequest(r *http.Request, body []byte) {
	if f.spec == nil {
		return
	}
	c := r.Clone(r.Context())
	if key, ok := c.Header["Idempotency-Key"]; ok {
		if len(key) != 1 || strings.TrimSpace(key[0]) == "" || len(key[0]) > 128 {
			f.t.Errorf("Idempotency-Key %q, want one short string", key)
		}
		c.Header.Del("Idempotency-Key")
	}
	if r.Method == http.MethodPost && strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		form, err := url.ParseQuery(string(body))
		if err != nil {
			f.t.Errorf("form body: %v", err)
			return
		}
		body = formAsJSON(form)
		c.Header.Set("Content-Type", "application/json")
	}
	f.spec.ValidateRequest(f.t, c, body)
}

// formAsJSON turns a Rails-style form into the JSON object it means.
func formAsJSON(form url.Values) []byte {
	obj := map[string]any{}
	for k, vs := range form {
		switch {
		case strings.HasSuffix(k, "[]"):
			obj[strings.TrimSuffix(k, "[]")] = vs
		case vs[0] == "true" || vs[0] == "false":
			obj[k] = vs[0] == "true"
		default:
			obj[k] = vs[0]
		}
	}
	b, _ := json.Marshal(obj)
	return b
}

// MustClient builds a client for the fake with the test clock.
func MustClient(tb testing.TB, f *fake, cfg Config) *Client {
	tb.Helper()
	cfg.Server = f.srv.URL
	if cfg.AccessToken.Empty() {
		cfg.AccessToken = conf.NewSecret(testToken)
	}
	if !cfg.Notifications.Enabled && !cfg.Hashtags.Enabled && !cfg.Search.Enabled {
		cfg.Notifications.Enabled = true
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = "Shenava/test (+https://github.com/shenava/shenava)"
	}
	c, err := New(cfg, nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		tb.Fatal(err)
	}
	c.Now = func() time.Time { return testNow }
	return c
}
