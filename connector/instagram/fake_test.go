package instagram

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

	"github.com/shenava/shenava/internal/conf"
)

const (
	testUser    = "17841400000000001"
	testToken   = "IGQVJ-test-token"
	testSecret  = "app-secret"
	testVerify  = "verify-me"
	testVersion = "v23.0"
	testAgent   = "Shenava/test (+https://github.com/shenava/shenava)"
)

var t0 = time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)

// fakeGraph speaks the Instagram Graph API as Meta documents it, for one
// account, and checks every request: version prefix, bearer token,
// User-Agent, query and body.
type fakeGraph struct {
	t   *testing.T
	srv *httptest.Server

	mu       sync.Mutex
	token    string
	media    []*fakeMedia
	requests []string // "METHOD path?query"
	// fail answers the next requests whose "METHOD path" matches with
	// the given status, headers and testdata file, in order.
	fail     map[string][]fakeFailure
	headers  http.Header // added to every successful answer
	replies  []url.Values
	messages []map[string]any
	hidden   map[string]string
	nextID   int
	// debugFile is the answer to debug_token.
	debugFile string
	// refuseRefresh answers refresh_access_token with code 190.
	refuseRefresh bool
}

type fakeMedia struct {
	ID, Caption, Permalink string
	At                     time.Time
	Comments               []comment // any order; served newest first
}

type fakeFailure struct {
	status  int
	file    string
	headers map[string]string
}

func newFakeGraph(t *testing.T) *fakeGraph {
	f := &fakeGraph{t: t, token: testToken, fail: map[string][]fakeFailure{}, headers: http.Header{},
		hidden: map[string]string{}, nextID: 900, debugFile: "debug_token.json"}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeGraph) config() Config {
	return Config{Enabled: true, APIURL: f.srv.URL, UserID: testUser, AccessToken: secret(testToken),
		AppSecret: secret(testSecret), VerifyToken: secret(testVerify), Webhook: true,
		PollInterval: 15 * time.Minute, UserAgent: testAgent}
}

func (f *fakeGraph) client(cfg Config) *Client {
	f.t.Helper()
	c, err := New(cfg, f.srv.Client(), slog.New(slog.DiscardHandler))
	if err != nil {
		f.t.Fatal(err)
	}
	c.SetClock(func() time.Time { return t0 })
	return c
}

func (f *fakeGraph) failNext(methodPath string, ff fakeFailure) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fail[methodPath] = append(f.fail[methodPath], ff)
}

func (f *fakeGraph) addMedia(m *fakeMedia) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.media = append(f.media, m)
}

func (f *fakeGraph) addComment(mediaID string, c comment) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, m := range f.media {
		if m.ID == mediaID {
			m.Comments = append(m.Comments, c)
		}
	}
}

func (f *fakeGraph) log() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.requests)
}

func (f *fakeGraph) count(prefix string) int {
	n := 0
	for _, r := range f.log() {
		if strings.HasPrefix(r, prefix) {
			n++
		}
	}
	return n
}

func (f *fakeGraph) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	t := f.t
	f.requests = append(f.requests, r.Method+" "+r.URL.Path+"?"+r.URL.RawQuery)
	if got := r.Header.Get("User-Agent"); got != testAgent {
		t.Errorf("%s %s: User-Agent %q, want %q", r.Method, r.URL.Path, got, testAgent)
	}
	if r.URL.Path == "/refresh_access_token" {
		f.refresh(w, r)
		return
	}
	if got := r.Header.Get("Authorization"); got != "Bearer "+f.token {
		t.Errorf("%s %s: Authorization %q, want the bearer token", r.Method, r.URL.Path, got)
		writeFile(t, w, http.StatusBadRequest, "error_190_invalid.json")
		return
	}
	if r.URL.Query().Has("access_token") {
		t.Errorf("%s %s: token in the query, where logs and errors would show it", r.Method, r.URL.Path)
	}
	path, ok := strings.CutPrefix(r.URL.Path, "/"+testVersion+"/")
	if !ok {
		t.Errorf("%s %s: path without the /%s/ prefix", r.Method, r.URL.Path, testVersion)
		http.NotFound(w, r)
		return
	}
	if fs := f.fail[r.Method+" "+path]; len(fs) > 0 {
		f.fail[r.Method+" "+path] = fs[1:]
		for k, v := range fs[0].headers {
			w.Header().Set(k, v)
		}
		writeFile(t, w, fs[0].status, fs[0].file)
		return
	}
	for k, v := range f.headers {
		w.Header()[k] = v
	}
	parts := strings.Split(path, "/")
	q := r.URL.Query()
	switch {
	case r.Method == "GET" && path == "me":
		f.wantQuery(r, "fields", "user_id,username")
		writeJSON(w, map[string]any{"id": "app-scoped-1", "user_id": testUser, "username": "shenava.cafe"})
	case r.Method == "GET" && path == "debug_token":
		if q.Get("input_token") != f.token {
			t.Errorf("debug_token: input_token is not the token")
		}
		writeFile(t, w, http.StatusOK, f.debugFile)
	case r.Method == "GET" && path == testUser && strings.HasPrefix(q.Get("fields"), "mentioned_"):
		f.mentioned(w, q.Get("fields"))
	case r.Method == "GET" && path == testUser:
		f.wantQuery(r, "fields", "id,username")
		writeJSON(w, map[string]any{"id": testUser, "username": "shenava.cafe"})
	case r.Method == "GET" && len(parts) == 2 && parts[0] == testUser && parts[1] == "media":
		f.wantQuery(r, "fields", mediaFields)
		f.listMedia(w, q)
	case r.Method == "GET" && len(parts) == 2 && parts[1] == "comments":
		f.wantQuery(r, "fields", commentFields)
		f.wantQuery(r, "limit", strconv.Itoa(commentsPageSize))
		f.listComments(w, parts[0], q.Get("after"))
	case r.Method == "GET" && len(parts) == 1:
		f.wantQuery(r, "fields", "id,permalink")
		for _, m := range f.media {
			if m.ID == parts[0] {
				writeJSON(w, map[string]any{"id": m.ID, "permalink": m.Permalink})
				return
			}
		}
		writeFile(t, w, http.StatusBadRequest, "error_100_33.json")
	case r.Method == "POST" && len(parts) == 2 && (parts[1] == "replies" || parts[1] == "comments" || parts[1] == "mentions"):
		form := f.form(r)
		form.Set("_edge", parts[0]+"/"+parts[1])
		f.replies = append(f.replies, form)
		f.nextID++
		writeJSON(w, map[string]any{"id": fmt.Sprint("1800000000000", f.nextID)})
	case r.Method == "POST" && len(parts) == 2 && parts[1] == "messages":
		if ct := r.Header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("messages: Content-Type %q, want application/json", ct)
		}
		var body map[string]any
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			t.Errorf("messages: body is not JSON: %v", err)
		}
		body["_sender"] = parts[0]
		f.messages = append(f.messages, body)
		f.nextID++
		writeJSON(w, map[string]any{"recipient_id": "5551", "message_id": fmt.Sprint("m_", f.nextID)})
	case r.Method == "POST" && len(parts) == 1:
		// POST /{ig-comment-id}?hide=true|false; the parameter may come in
		// the query or, as the connector sends it, in the form body.
		form := f.form(r)
		for k, v := range q {
			form[k] = append(form[k], v...)
		}
		if h := form["hide"]; len(form) != 1 || len(h) != 1 || (h[0] != "true" && h[0] != "false") {
			t.Errorf("hide %s: parameters %v, want hide=true or hide=false alone", parts[0], form)
			writeFile(t, w, http.StatusBadRequest, "error_100_33.json")
			return
		}
		f.hidden[parts[0]] = form.Get("hide")
		writeJSON(w, map[string]any{"success": true})
	default:
		t.Errorf("unexpected request %s %s", r.Method, r.URL.Path)
		http.NotFound(w, r)
	}
}

func (f *fakeGraph) wantQuery(r *http.Request, key, want string) {
	if got := r.URL.Query().Get(key); got != want {
		f.t.Errorf("%s %s: %s=%q, want %q", r.Method, r.URL.Path, key, got, want)
	}
}

func (f *fakeGraph) form(r *http.Request) url.Values {
	if ct := r.Header.Get("Content-Type"); ct != "application/x-www-form-urlencoded" {
		f.t.Errorf("%s %s: Content-Type %q, want a form", r.Method, r.URL.Path, ct)
	}
	b, _ := io.ReadAll(r.Body)
	v, err := url.ParseQuery(string(b))
	if err != nil {
		f.t.Errorf("%s %s: body is not a form: %v", r.Method, r.URL.Path, err)
	}
	return v
}

func (f *fakeGraph) refresh(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if f.refuseRefresh {
		writeFile(f.t, w, http.StatusBadRequest, "error_190_invalid.json")
		return
	}
	if q.Get("grant_type") != "ig_refresh_token" || q.Get("access_token") != f.token {
		f.t.Errorf("refresh: query %v, want grant_type=ig_refresh_token and the current token", q)
		writeFile(f.t, w, http.StatusBadRequest, "error_190_invalid.json")
		return
	}
	f.token = testToken + "-refreshed"
	writeJSON(w, map[string]any{"access_token": f.token, "token_type": "bearer", "expires_in": 5183944})
}

func (f *fakeGraph) listMedia(w http.ResponseWriter, q url.Values) {
	limit, _ := strconv.Atoi(q.Get("limit"))
	ms := slices.Clone(f.media)
	slices.SortFunc(ms, func(a, b *fakeMedia) int { return b.At.Compare(a.At) })
	var data []map[string]any
	for i, m := range ms {
		if i >= limit {
			break
		}
		data = append(data, map[string]any{"id": m.ID, "caption": m.Caption, "permalink": m.Permalink,
			"timestamp": m.At.Format(timeLayout), "username": "shenava.cafe", "comments_count": len(m.Comments)})
	}
	writeJSON(w, map[string]any{"data": data, "paging": map[string]any{"cursors": map[string]string{"before": "b", "after": "a"}}})
}

func (f *fakeGraph) listComments(w http.ResponseWriter, mediaID, after string) {
	var m *fakeMedia
	for _, x := range f.media {
		if x.ID == mediaID {
			m = x
		}
	}
	if m == nil {
		writeFile(f.t, w, http.StatusBadRequest, "error_100_33.json")
		return
	}
	cs := slices.Clone(m.Comments)
	slices.SortStableFunc(cs, func(a, b comment) int { return strings.Compare(b.Timestamp, a.Timestamp) })
	start := 0
	if after != "" {
		start, _ = strconv.Atoi(strings.TrimPrefix(after, "c"))
	}
	end := min(start+commentsPageSize, len(cs))
	page := map[string]any{"data": cs[start:end]}
	if end < len(cs) {
		page["paging"] = map[string]any{
			"cursors": map[string]string{"before": "c" + strconv.Itoa(start), "after": "c" + strconv.Itoa(end)},
			"next":    f.srv.URL + "/" + testVersion + "/" + mediaID + "/comments?after=c" + strconv.Itoa(end),
		}
	}
	writeJSON(w, page)
}

func (f *fakeGraph) mentioned(w http.ResponseWriter, fields string) {
	switch {
	case strings.HasPrefix(fields, "mentioned_comment.comment_id(17894227972186120){"):
		writeFile(f.t, w, http.StatusOK, "mentioned_comment.json")
	case strings.HasPrefix(fields, "mentioned_media.media_id(17918195224117851){"):
		writeFile(f.t, w, http.StatusOK, "mentioned_media.json")
	default:
		writeFile(f.t, w, http.StatusBadRequest, "error_100_33.json")
	}
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

func writeFile(t *testing.T, w http.ResponseWriter, status int, name string) {
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Errorf("fixture: %v", err)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(data)
}

func ts(t time.Time) string { return t.UTC().Format(timeLayout) }

func cmt(id, who, text string, at time.Time) comment {
	return comment{ID: id, Text: text, Timestamp: ts(at), Username: who, From: &user{ID: "u-" + who, Username: who}}
}

func secret(s string) conf.Secret { return conf.NewSecret(s) }
