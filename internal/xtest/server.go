// Package xtest is a fake X API v2 server for tests that need one outside
// connector/x (end-to-end, crash-safety and fault tests). It speaks the
// documented wire format for the calls Shenava makes:
//
//   - GET /2/users/{id}/mentions: newest first, bounded by since_id, paged
//     with max_results and pagination_token (tokens stay valid across
//     restarts of the client), authors in includes.users, and the
//     x-rate-limit-limit, -remaining and -reset headers;
//   - POST /2/tweets (replies) and POST /2/dm_conversations/with/{id}/messages
//     (direct messages), answered 201 with the created object;
//   - GET /2/users/me and GET /2/users/{id} (credential checks);
//   - GET /2/users/{id}/tweets (the brand's own posts, newest first) and
//     GET /2/dm_conversations/with/{id}/dm_events (the DMs sent to a
//     user), which Shenava reads back to settle a post in doubt.
//
// Every request is recorded and checked against the published API
// description (../shared/specs/x-api-v2/openapi.json), where a mismatch
// fails the test, and against the credentials the server was given: the app
// bearer token for reads, the OAuth 2.0 user token or a valid OAuth 1.0a
// signature for writes; other credentials are answered 401 as X does. Mentions can be added while clients poll; the
// server keeps its state for as long as the test runs, so a client process
// can be killed and restarted against it.
package xtest

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shenava/shenava/internal/spectest"
)

// Test credentials the server accepts unless told otherwise. They are long
// and distinctive so tests can search logs for them.
const (
	DefaultBearerToken = "xtest-app-bearer-AAAAAAAAAAAAAAAAAAAAAMLheAAAAAAA0%2BuSeid"
	DefaultUserToken   = "xtest-oauth2-user-token-VGhpcyBpcyBhIHNlY3JldA"
	// DefaultUserID is the brand account.
	DefaultUserID = "1700000000000000001"
)

// OAuth1 holds the four OAuth 1.0a credentials a signed request must carry.
type OAuth1 struct {
	ConsumerKey, ConsumerSecret, AccessToken, AccessTokenSecret string
}

// Post is a post that mentions the brand.
type Post struct {
	// ID is numeric, as X's are; order follows numeric order.
	ID       string
	Text     string
	AuthorID string
	Created  time.Time
	Lang     string
	// ReplyTo is the post this one answers, if any.
	ReplyTo string
}

// User is an author.
type User struct {
	ID        string
	Username  string
	Name      string
	Followers int
}

// Request is one recorded call.
type Request struct {
	Method string
	Path   string
	Query  url.Values
	Header http.Header
	Body   []byte
	// Status is what the fake answered (0 when the client hung up before
	// the request was read whole).
	Status int
	// Results and NextToken are a mentions page's result_count and
	// next_token ("": the page walk ended there).
	Results   int
	NextToken string
}

// Created is a post or DM the server accepted.
type Created struct {
	// ID is the new post's ID (the DM event's for a DM).
	ID   string
	Text string
	// InReplyTo is the post a reply answers; To the user a DM went to.
	InReplyTo string
	To        string
}

// Option configures the server.
type Option func(*Server)

// WithUserID sets the brand account whose mentions are served.
func WithUserID(id string) Option { return func(s *Server) { s.userID = id } }

// WithBearerToken sets the app token reads must carry.
func WithBearerToken(t string) Option { return func(s *Server) { s.bearer = t } }

// WithUserToken sets the OAuth 2.0 user token writes may carry.
func WithUserToken(t string) Option { return func(s *Server) { s.userToken = t } }

// WithOAuth1 makes writes signed with these credentials acceptable; the
// signature is verified.
func WithOAuth1(c OAuth1) Option { return func(s *Server) { s.oauth1 = &c } }

// WithLatency makes every call slow twice over: the request takes d() to
// arrive (a client that goes away meanwhile leaves no trace), then the
// answer takes d() after the call took effect (a client that goes away then
// leaves a post it never heard about).
func WithLatency(d func() time.Duration) Option { return func(s *Server) { s.latency = d } }

// WithRateLimit sets the x-rate-limit-limit of every 15-minute window
// (default 10000: tests rarely want the client to stop).
func WithRateLimit(n int) Option { return func(s *Server) { s.limit = n } }

// WithClock sets the clock of the rate-limit windows and post IDs.
func WithClock(now func() time.Time) Option { return func(s *Server) { s.now = now } }

// WithEndlessPages makes every mentions page carry a next_token, as a
// server that never ends a page walk would: past the oldest post the
// pages are empty and the token stays the same.
func WithEndlessPages() Option { return func(s *Server) { s.endless = true } }

// WithWrap puts a handler in front of the server's (a fault injector, a
// logger); the fake's own checks still see every request that reaches it.
func WithWrap(w func(http.Handler) http.Handler) Option { return func(s *Server) { s.wrap = w } }

// Server is the fake. Its methods are safe for concurrent use.
type Server struct {
	tb        testing.TB
	spec      *spectest.Spec
	srv       *httptest.Server
	userID    string
	bearer    string
	userToken string
	oauth1    *OAuth1
	latency   func() time.Duration
	limit     int
	now       func() time.Time
	wrap      func(http.Handler) http.Handler
	endless   bool

	mu       sync.Mutex
	posts    []Post // ascending by ID
	users    map[string]User
	requests []Request
	created  []Created
	dms      []Created
	window   time.Time // start of the current rate-limit window
	used     int
	nextID   uint64
	changed  chan struct{}
	// drop counts the writes still to be carried out with their answer
	// lost (DropAnswers).
	drop int
}

// DropAnswers makes the next n posts and DMs be carried out and then
// their connections closed unanswered, as a proxy that loses the answer
// on its way back does.
func (s *Server) DropAnswers(n int) {
	s.mu.Lock()
	s.drop = n
	s.mu.Unlock()
}

// New starts the server on 127.0.0.1 and stops it when the test ends. It
// skips or fails the test (see spectest) when the API description is
// missing.
func New(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	s := &Server{
		tb: tb, spec: LoadSpec(tb),
		userID: DefaultUserID, bearer: DefaultBearerToken, userToken: DefaultUserToken,
		latency: func() time.Duration { return 0 }, limit: 10000, now: time.Now,
		users: map[string]User{}, nextID: 1990000000000000000, changed: make(chan struct{}),
	}
	for _, o := range opts {
		o(s)
	}
	var h http.Handler = http.HandlerFunc(s.serve)
	if s.wrap != nil {
		h = s.wrap(h)
	}
	s.srv = httptest.NewServer(h)
	tb.Cleanup(s.srv.Close)
	return s
}

// LoadSpec loads the published X API description with the differences
// between it and X's documented wire format spelled out (the same ones
// connector/x's tests declare): the document renames "tweet" to "post"
// where the API itself still says tweet.
func LoadSpec(tb testing.TB) *spectest.Spec {
	tb.Helper()
	return spectest.Load(tb, "x-api-v2/openapi.json",
		spectest.ParamFrom("tweet.fields", "GET", "/2/tweets/search/stream"),
		spectest.Rename("referenced_tweets", "referenced_posts"),
		spectest.Rename("edit_history_tweet_ids", "edit_history_post_ids"),
		spectest.Rename("note_tweet", "note_post"),
		spectest.Rename("retweet_count", "repost_count"),
		spectest.Rename("tweet_count", "post_count"),
	)
}

// URL is the API root to configure as base_url.
func (s *Server) URL() string { return s.srv.URL }

// UserID is the brand account.
func (s *Server) UserID() string { return s.userID }

// AddMention makes p visible in the brand's mentions, by u.
func (s *Server) AddMention(p Post, u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p.AuthorID == "" {
		p.AuthorID = u.ID
	}
	s.users[u.ID] = u
	i := sort.Search(len(s.posts), func(i int) bool { return !idLess(s.posts[i].ID, p.ID) })
	s.posts = slices.Insert(s.posts, i, p)
	s.signal()
}

// Requests returns every recorded call, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// Posts returns the posts created through POST /2/tweets, in order.
func (s *Server) Posts() []Created {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.created)
}

// DMs returns the direct messages sent, in order.
func (s *Server) DMs() []Created {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.dms)
}

// Wait blocks until cond, checked after every recorded request and added
// mention, holds, and fails the test after timeout naming what it waited
// for.
func (s *Server) Wait(tb testing.TB, what string, timeout time.Duration, cond func() bool) {
	tb.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		ch := s.changed
		s.mu.Unlock()
		if cond() {
			return
		}
		select {
		case <-ch:
		case <-deadline.C:
			tb.Fatalf("xtest: gave up after %s waiting for %s", timeout, what)
		}
	}
}

// signal wakes the waiters; s.mu must be held.
func (s *Server) signal() {
	close(s.changed)
	s.changed = make(chan struct{})
}

func (s *Server) record(r Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, r)
	s.signal()
}

var (
	reMentions = regexp.MustCompile(`^/2/users/([0-9]+)/mentions$`)
	reUser     = regexp.MustCompile(`^/2/users/([0-9]+)$`)
	reDM       = regexp.MustCompile(`^/2/dm_conversations/with/([0-9]+)/messages$`)
	reTimeline = regexp.MustCompile(`^/2/users/([0-9]+)/tweets$`)
	reDMEvents = regexp.MustCompile(`^/2/dm_conversations/with/([0-9]+)/dm_events$`)
	numeric    = regexp.MustCompile(`^[0-9]{1,19}$`)
)

// apiError is an error answer in X's problem shape. param, when set,
// names the request parameter at fault, with its value and a message.
type apiError struct {
	status                int
	title, detail, typ    string
	param, value, message string
}

// invalid is X's 400 for a bad request parameter.
func invalid(param, value, message string) *apiError {
	return &apiError{status: 400, title: "Invalid Request", detail: "One or more parameters to your request was invalid.",
		typ: "https://api.x.com/2/problems/invalid-request", param: param, value: value, message: message}
}

func notFound(detail string) *apiError {
	return &apiError{status: 404, title: "Not Found Error", detail: detail, typ: "https://api.x.com/2/problems/resource-not-found"}
}

func (e *apiError) body() map[string]any {
	out := map[string]any{"title": e.title, "detail": e.detail, "type": e.typ}
	if e.param != "" {
		out["errors"] = []map[string]any{{"parameters": map[string][]string{e.param: {e.value}}, "message": e.message}}
	} else {
		out["status"] = e.status
	}
	return out
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	req := Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Header: r.Header.Clone()}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	req.Body = body
	if err != nil {
		// The client hung up half-way through its request (a killed
		// process, a cancelled context): nothing happened.
		s.record(req)
		return
	}
	if !s.wait(r) {
		s.record(req) // the client went away before its request arrived
		return
	}
	s.spec.ValidateRequest(s.tb, r, body)
	if ua := r.Header.Get("User-Agent"); !strings.HasPrefix(ua, "Shenava/") {
		s.tb.Errorf("xtest: %s %s: User-Agent=%q, want Shenava/<version> (...)", r.Method, r.URL.Path, ua)
	}
	status, result, aerr := s.call(r, body)
	if aerr != nil {
		status = aerr.status
	}
	req.Status = status
	if page, ok := result.(map[string]any); ok {
		if meta, ok := page["meta"].(map[string]any); ok {
			req.NextToken, _ = meta["next_token"].(string)
			req.Results, _ = meta["result_count"].(int)
		}
	}
	s.record(req)
	s.rateHeaders(w)
	if !s.wait(r) {
		return
	}
	s.mu.Lock()
	drop := r.Method == http.MethodPost && aerr == nil && s.drop > 0
	if drop {
		s.drop--
	}
	s.mu.Unlock()
	if drop {
		if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
			conn.Close() // carried out; the answer never arrives
			return
		}
	}
	if aerr != nil {
		writeJSON(w, aerr.status, "application/problem+json", aerr.body())
		return
	}
	writeJSON(w, status, "application/json; charset=utf-8", result)
}

// wait spends one latency and reports whether the client is still there.
func (s *Server) wait(r *http.Request) bool {
	d := s.latency()
	if d <= 0 {
		return r.Context().Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	}
}

func writeJSON(w http.ResponseWriter, status int, contentType string, v any) {
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// rateHeaders sends the 15-minute window's headers and counts the call.
func (s *Server) rateHeaders(w http.ResponseWriter) {
	s.mu.Lock()
	now := s.now()
	if s.window.IsZero() || !now.Before(s.window.Add(15*time.Minute)) {
		s.window, s.used = now, 0
	}
	s.used++
	remaining := max(s.limit-s.used, 0)
	reset := s.window.Add(15 * time.Minute).Unix()
	s.mu.Unlock()
	h := w.Header()
	h.Set("x-rate-limit-limit", strconv.Itoa(s.limit))
	h.Set("x-rate-limit-remaining", strconv.Itoa(remaining))
	h.Set("x-rate-limit-reset", strconv.FormatInt(reset, 10))
}

func (s *Server) call(r *http.Request, body []byte) (int, any, *apiError) {
	path := r.URL.Path
	write := r.Method == http.MethodPost || path == "/2/users/me" || reDMEvents.MatchString(path)
	if aerr := s.checkAuth(r, write); aerr != nil {
		return 0, nil, aerr
	}
	switch {
	case r.Method == http.MethodGet && reMentions.MatchString(path):
		return s.mentions(r, reMentions.FindStringSubmatch(path)[1])
	case r.Method == http.MethodGet && path == "/2/users/me":
		return http.StatusOK, map[string]any{"data": s.userValue(User{ID: s.userID, Username: "brand", Name: "Brand"})}, nil
	case r.Method == http.MethodGet && reUser.MatchString(path):
		id := reUser.FindStringSubmatch(path)[1]
		if id == s.userID {
			return http.StatusOK, map[string]any{"data": s.userValue(User{ID: id, Username: "brand", Name: "Brand"})}, nil
		}
		s.mu.Lock()
		u, ok := s.users[id]
		s.mu.Unlock()
		if !ok {
			return 0, nil, notFound("Could not find user with id: [" + id + "].")
		}
		return http.StatusOK, map[string]any{"data": s.userValue(u)}, nil
	case r.Method == http.MethodGet && reTimeline.MatchString(path):
		return s.timeline(reTimeline.FindStringSubmatch(path)[1])
	case r.Method == http.MethodGet && reDMEvents.MatchString(path):
		return s.dmEvents(reDMEvents.FindStringSubmatch(path)[1])
	case r.Method == http.MethodPost && path == "/2/tweets":
		return s.createPost(body)
	case r.Method == http.MethodPost && reDM.MatchString(path):
		return s.sendDM(reDM.FindStringSubmatch(path)[1], body)
	}
	s.tb.Errorf("xtest: %s %s: the fake does not implement this call", r.Method, path)
	return 0, nil, notFound("no such endpoint in the fake")
}

func (s *Server) checkAuth(r *http.Request, write bool) *apiError {
	auth := r.Header.Get("Authorization")
	unauthorized := &apiError{status: 401, title: "Unauthorized", detail: "Unauthorized", typ: "about:blank"}
	switch {
	case !write && auth == "Bearer "+s.bearer:
		return nil
	case s.userToken != "" && auth == "Bearer "+s.userToken:
		return nil
	case s.oauth1 != nil && strings.HasPrefix(auth, "OAuth "):
		if msg := VerifyOAuth1(r, *s.oauth1); msg != "" {
			unauthorized.detail = "OAuth 1.0a: " + msg
			return unauthorized
		}
		return nil
	}
	return unauthorized
}

func (s *Server) userValue(u User) map[string]any {
	return map[string]any{
		"id": u.ID, "username": u.Username, "name": u.Name,
		"public_metrics": map[string]any{"followers_count": u.Followers, "following_count": 0, "tweet_count": 1, "listed_count": 0, "like_count": 0},
	}
}

// pageToken is "n" followed by the ID the next page stays below: opaque to
// clients, and meaningful to this server across client restarts.
func pageToken(below string) string { return "n" + below }

func (s *Server) mentions(r *http.Request, id string) (int, any, *apiError) {
	q := r.URL.Query()
	if id != s.userID {
		return 0, nil, notFound("Could not find user with id: [" + id + "].")
	}
	size := 10
	if v := q.Get("max_results"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 5 || n > 100 {
			return 0, nil, invalid("max_results", v, "The `max_results` query parameter value ["+v+"] is not between 5 and 100")
		}
		size = n
	}
	since := q.Get("since_id")
	below := ""
	if t := q.Get("pagination_token"); t != "" {
		b, ok := strings.CutPrefix(t, "n")
		if !ok || !numeric.MatchString(b) {
			return 0, nil, invalid("pagination_token", t, "The `pagination_token` query parameter value ["+t+"] is not valid")
		}
		below = b
	}
	s.mu.Lock()
	var page []Post
	more := false
	for i := len(s.posts) - 1; i >= 0; i-- {
		p := s.posts[i]
		if (since != "" && !idLess(since, p.ID)) || (below != "" && !idLess(p.ID, below)) {
			continue
		}
		if len(page) == size {
			more = true
			break
		}
		page = append(page, p)
	}
	users := map[string]User{}
	for _, p := range page {
		users[p.AuthorID] = s.users[p.AuthorID]
	}
	s.mu.Unlock()

	data := make([]map[string]any, 0, len(page))
	for _, p := range page {
		v := map[string]any{
			"id": p.ID, "text": p.Text, "author_id": p.AuthorID,
			"created_at":             p.Created.UTC().Format("2006-01-02T15:04:05.000Z"),
			"conversation_id":        p.ID,
			"edit_history_tweet_ids": []string{p.ID},
		}
		if p.Lang != "" {
			v["lang"] = p.Lang
		}
		if p.ReplyTo != "" {
			v["conversation_id"] = p.ReplyTo
			v["referenced_tweets"] = []map[string]any{{"type": "replied_to", "id": p.ReplyTo}}
		}
		data = append(data, v)
	}
	meta := map[string]any{"result_count": len(page)}
	out := map[string]any{"meta": meta}
	if len(page) > 0 {
		out["data"] = data
		meta["newest_id"], meta["oldest_id"] = page[0].ID, page[len(page)-1].ID
		ids := make([]string, 0, len(users))
		for id := range users {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		var us []map[string]any
		for _, id := range ids {
			us = append(us, s.userValue(users[id]))
		}
		out["includes"] = map[string]any{"users": us}
	}
	switch {
	case more || (s.endless && len(page) > 0):
		meta["next_token"] = pageToken(page[len(page)-1].ID)
	case s.endless && below != "":
		meta["next_token"] = pageToken(below)
	case s.endless:
		meta["next_token"] = pageToken("1")
	}
	return http.StatusOK, out, nil
}

func (s *Server) newID() string {
	s.nextID++
	return strconv.FormatUint(s.nextID, 10)
}

func (s *Server) createPost(body []byte) (int, any, *apiError) {
	var req struct {
		Text  string `json:"text"`
		Reply *struct {
			InReplyToTweetID string `json:"in_reply_to_tweet_id"`
		} `json:"reply"`
	}
	if err := json.Unmarshal(body, &req); err != nil || strings.TrimSpace(req.Text) == "" {
		return 0, nil, invalid("text", string(body), "The `text` field is missing or empty")
	}
	c := Created{Text: req.Text}
	if req.Reply != nil {
		c.InReplyTo = req.Reply.InReplyToTweetID
	}
	s.mu.Lock()
	c.ID = s.newID()
	s.created = append(s.created, c)
	s.mu.Unlock()
	return http.StatusCreated, map[string]any{"data": map[string]any{
		"id": c.ID, "text": c.Text, "edit_history_tweet_ids": []string{c.ID}}}, nil
}

func (s *Server) sendDM(to string, body []byte) (int, any, *apiError) {
	var req struct {
		Text string `json:"text"`
	}
	if err := json.Unmarshal(body, &req); err != nil || strings.TrimSpace(req.Text) == "" {
		return 0, nil, invalid("text", string(body), "The `text` field is missing or empty")
	}
	s.mu.Lock()
	c := Created{ID: s.newID(), Text: req.Text, To: to}
	s.dms = append(s.dms, c)
	s.mu.Unlock()
	return http.StatusCreated, map[string]any{"data": map[string]any{
		"dm_conversation_id": s.userID + "-" + to, "dm_event_id": c.ID}}, nil
}

// timeline answers the brand's latest posts (up to 100, newest first):
// the replies it made.
func (s *Server) timeline(id string) (int, any, *apiError) {
	if id != s.userID {
		return 0, nil, notFound("Could not find user with id: [" + id + "].")
	}
	s.mu.Lock()
	var data []map[string]any
	for i := len(s.created) - 1; i >= 0 && len(data) < 100; i-- {
		c := s.created[i]
		p := map[string]any{"id": c.ID, "text": c.Text, "author_id": s.userID, "edit_history_tweet_ids": []string{c.ID}}
		if c.InReplyTo != "" {
			p["referenced_tweets"] = []map[string]any{{"type": "replied_to", "id": c.InReplyTo}}
		}
		data = append(data, p)
	}
	s.mu.Unlock()
	meta := map[string]any{"result_count": len(data)}
	if len(data) > 0 {
		meta["newest_id"], meta["oldest_id"] = data[0]["id"], data[len(data)-1]["id"]
		return http.StatusOK, map[string]any{"data": data, "meta": meta}, nil
	}
	return http.StatusOK, map[string]any{"meta": meta}, nil
}

// dmEvents answers the DMs the brand sent to a user, newest first.
func (s *Server) dmEvents(to string) (int, any, *apiError) {
	s.mu.Lock()
	var data []map[string]any
	for i := len(s.dms) - 1; i >= 0 && len(data) < 100; i-- {
		if c := s.dms[i]; c.To == to {
			data = append(data, map[string]any{"id": c.ID, "event_type": "MessageCreate", "text": c.Text,
				"sender_id": s.userID, "dm_conversation_id": s.userID + "-" + to})
		}
	}
	s.mu.Unlock()
	meta := map[string]any{"result_count": len(data)}
	if len(data) > 0 {
		return http.StatusOK, map[string]any{"data": data, "meta": meta}, nil
	}
	return http.StatusOK, map[string]any{"meta": meta}, nil
}

// idLess compares numeric IDs; "" is less than any ID.
func idLess(a, b string) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}

// VerifyOAuth1 checks an OAuth 1.0a HMAC-SHA1 signature (RFC 5849) the
// way the server sees the request, independently of the signing library,
// and returns what is wrong ("" if nothing).
func VerifyOAuth1(r *http.Request, c OAuth1) string {
	params := map[string]string{}
	for _, part := range strings.Split(strings.TrimPrefix(r.Header.Get("Authorization"), "OAuth "), ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return "malformed header"
		}
		uv, err := url.PathUnescape(strings.Trim(v, `"`))
		if err != nil {
			return "malformed header: " + err.Error()
		}
		params[k] = uv
	}
	if params["oauth_consumer_key"] != c.ConsumerKey || params["oauth_token"] != c.AccessToken {
		return "unknown consumer key or access token"
	}
	if params["oauth_signature_method"] != "HMAC-SHA1" {
		return "signature method " + params["oauth_signature_method"] + ", want HMAC-SHA1"
	}
	if v, ok := params["oauth_version"]; ok && v != "1.0" {
		return "oauth_version " + v + ", want 1.0"
	}
	got := params["oauth_signature"]
	delete(params, "oauth_signature")
	delete(params, "realm")
	for k, vs := range r.URL.Query() {
		params[k] = vs[0]
	}
	pct := func(s string) string { return strings.ReplaceAll(url.QueryEscape(s), "+", "%20") }
	keys := make([]string, 0, len(params))
	for k := range params {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var pairs bytes.Buffer
	for i, k := range keys {
		if i > 0 {
			pairs.WriteByte('&')
		}
		pairs.WriteString(pct(k) + "=" + pct(params[k]))
	}
	base := r.Method + "&" + pct("http://"+r.Host+r.URL.Path) + "&" + pct(pairs.String())
	mac := hmac.New(sha1.New, []byte(pct(c.ConsumerSecret)+"&"+pct(c.AccessTokenSecret)))
	mac.Write([]byte(base))
	if want := base64.StdEncoding.EncodeToString(mac.Sum(nil)); got != want {
		return "signature does not verify"
	}
	return ""
}
