// Package telegramtest is a fake Telegram Bot API server for tests. It
// speaks the real wire format — paths /bot<TOKEN>/<method>, JSON, form and
// multipart bodies, the {"ok":...,"result":...} envelope with error_code,
// description and parameters.retry_after — and checks every call against
// the published API description (../shared/specs/telegram-bot-api/api.json):
// an unknown method or parameter, a missing required one, a value of the
// wrong type, or HTML Telegram would refuse fails the test.
//
// Tests queue updates (messages, callback queries, edits, inline queries,
// membership changes) that the bot receives through getUpdates with
// Telegram's confirmation rule: an update is dropped only when a later
// getUpdates asks for an offset past it. Every request is recorded, and the
// server can be told to fail the next calls with 429, 5xx, garbage, hangs or
// reset connections.
package telegramtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// DefaultToken is the token the server accepts unless told otherwise. It
// is long and distinctive so tests can search logs and errors for it.
const DefaultToken = "7000000001:AAHfakeTokenForTests-NEVER_IN_LOGS_x9"

// Limits Telegram applies (in UTF-16 code units after entity parsing).
const (
	MaxTextLength     = 4096
	MaxCaptionLength  = 1024
	MaxCallbackAnswer = 200
)

// User is a Telegram account in updates.
type User struct {
	ID           int64
	IsBot        bool
	FirstName    string
	LastName     string
	Username     string
	LanguageCode string
}

func (u User) value() map[string]any {
	v := map[string]any{"id": u.ID, "is_bot": u.IsBot, "first_name": u.FirstName}
	if u.FirstName == "" {
		v["first_name"] = "User" + strconv.FormatInt(u.ID, 10)
	}
	if u.LastName != "" {
		v["last_name"] = u.LastName
	}
	if u.Username != "" {
		v["username"] = u.Username
	}
	if u.LanguageCode != "" {
		v["language_code"] = u.LanguageCode
	}
	return v
}

// Chat is a conversation: "private", "group", "supergroup" or "channel".
type Chat struct {
	ID       int64
	Type     string
	Title    string
	Username string
}

// PrivateChat is the chat between the bot and u.
func PrivateChat(u User) Chat { return Chat{ID: u.ID, Type: "private"} }

// Supergroup is a group chat; username makes it public (t.me/username).
func Supergroup(id int64, title, username string) Chat {
	return Chat{ID: id, Type: "supergroup", Title: title, Username: username}
}

func (c Chat) value() map[string]any {
	v := map[string]any{"id": c.ID, "type": c.Type}
	if c.Type == "" {
		v["type"] = "private"
		if c.ID < 0 {
			v["type"] = "supergroup"
		}
	}
	if c.Title != "" {
		v["title"] = c.Title
	}
	if c.Username != "" {
		v["username"] = c.Username
	}
	return v
}

// Msg identifies a message.
type Msg struct {
	Chat Chat
	ID   int
}

// File is an uploaded file.
type File struct {
	Name string
	Data []byte
}

// Param is one request parameter as it arrived: a form value (Text), a
// JSON body member (JSON), or an uploaded file.
type Param struct {
	Text string
	JSON json.RawMessage
	File *File
}

// Request is one recorded call.
type Request struct {
	Method string
	Params map[string]Param
	// Body is "json", "form", "multipart" or "none".
	Body string
	At   time.Time
	// Status is the HTTP status the server answered with (0 for resets).
	Status int
}

// Has reports whether the parameter was sent.
func (r Request) Has(name string) bool { _, ok := r.Params[name]; return ok }

// String returns a parameter as text: form values as sent, JSON strings
// unquoted, other JSON values as their JSON.
func (r Request) String(name string) string {
	p := r.Params[name]
	if p.JSON != nil {
		var s string
		if json.Unmarshal(p.JSON, &s) == nil {
			return s
		}
		return string(p.JSON)
	}
	return p.Text
}

// Int returns a numeric parameter (0 when absent or not a number).
func (r Request) Int(name string) int64 {
	n, _ := strconv.ParseInt(r.String(name), 10, 64)
	return n
}

// Decode unmarshals a JSON-serialised parameter (reply_markup,
// reply_parameters, ...).
func (r Request) Decode(name string, v any) error {
	p, ok := r.Params[name]
	if !ok {
		return fmt.Errorf("parameter %s not sent", name)
	}
	if p.JSON != nil {
		return json.Unmarshal(p.JSON, v)
	}
	return json.Unmarshal([]byte(p.Text), v)
}

// Fault is a failure the server answers with instead of doing the call.
type Fault struct {
	// Status and Description make a Bot API error envelope with error_code.
	Status      int
	Description string
	// RetryAfter goes in parameters.retry_after and the Retry-After header.
	RetryAfter int
	// Body, when set, is sent as is instead of the envelope.
	Body        string
	ContentType string
	// Size, when set, sends a body of that many bytes.
	Size int
	// Hang never answers; the client must give up on its own.
	Hang bool
	// Reset closes the connection without an answer.
	Reset bool
	// Result, when set, does the call (the message is sent, edited...)
	// but answers {"ok":true,"result":Result}: raw JSON that need not be
	// what the method returns, as compatible servers sometimes answer.
	Result string
}

// TooManyRequests is Telegram's flood-control answer.
func TooManyRequests(retryAfter int) Fault {
	return Fault{Status: 429, Description: "Too Many Requests: retry after " + strconv.Itoa(retryAfter), RetryAfter: retryAfter}
}

// ServerError is a 5xx with a JSON envelope.
func ServerError(status int) Fault {
	return Fault{Status: status, Description: http.StatusText(status)}
}

// HTMLErrorPage is what a proxy in front of the API answers when it fails.
func HTMLErrorPage(status int) Fault {
	return Fault{Status: status, ContentType: "text/html",
		Body: "<html><head><title>" + strconv.Itoa(status) + " Bad Gateway</title></head><body><center><h1>" +
			strconv.Itoa(status) + " Bad Gateway</h1></center><hr><center>nginx</center></body></html>"}
}

// Garbage is a 200 whose body is not JSON.
func Garbage() Fault { return Fault{Status: 200, Body: "\x00\xffnot json at all{{"} }

// Truncated is a 200 whose JSON stops half-way.
func Truncated() Fault { return Fault{Status: 200, Body: `{"ok":true,"result":{"message_id":1,"da`} }

// Huge is a 200 with a body of n bytes.
func Huge(n int) Fault { return Fault{Status: 200, Size: n} }

// Hang never answers.
func Hang() Fault { return Fault{Hang: true} }

// Reset drops the connection.
func Reset() Fault { return Fault{Reset: true} }

// OddResult does the call but answers {"ok":true,"result":"sent"}: the
// server accepted it, yet its result is not the method's result type.
func OddResult() Fault { return Fault{Status: 200, Result: `"sent"`} }

type pendingFault struct {
	method string
	n      int
	f      Fault
}

type msgKey struct {
	chat int64
	id   int
}

// Server is the fake. Its methods are safe for concurrent use.
type Server struct {
	tb    testing.TB
	spec  *Spec
	srv   *httptest.Server
	token string
	bot   User
	done  chan struct{}

	mu         sync.Mutex
	now        func() time.Time
	updates    []map[string]any
	nextUpdate int64
	arrived    chan struct{} // closed when an update is queued
	changed    chan struct{} // closed when a request is recorded
	requests   []Request
	faults     []pendingFault
	chats      map[int64]Chat
	msgs       map[msgKey]map[string]any
	nextMsg    map[int64]int
	notStarted map[int64]bool
	callbacks  map[string]bool
	menus      map[int64]map[string]any // chat (0 = the bot's default) → its menu button
	seq        int
	offsets    []int64
	violations []string
}

// Option configures the server.
type Option func(*Server)

// WithToken makes the server accept another token.
func WithToken(token string) Option { return func(s *Server) { s.token = token } }

// WithClock sets the clock used for message dates.
func WithClock(now func() time.Time) Option { return func(s *Server) { s.now = now } }

// New starts a fake Bot API server on 127.0.0.1 and stops it when the test
// ends. It skips or fails the test (see MustLoadSpec) when the API
// description is missing.
func New(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	s := &Server{
		tb: tb, spec: MustLoadSpec(tb), token: DefaultToken, done: make(chan struct{}),
		bot:        User{ID: 7000000001, IsBot: true, FirstName: "Shenava", Username: "shenava_test_bot"},
		now:        time.Now,
		nextUpdate: 1000,
		arrived:    make(chan struct{}),
		changed:    make(chan struct{}),
		chats:      map[int64]Chat{},
		msgs:       map[msgKey]map[string]any{},
		nextMsg:    map[int64]int{},
		notStarted: map[int64]bool{},
		callbacks:  map[string]bool{},
		menus:      map[int64]map[string]any{},
	}
	for _, o := range opts {
		o(s)
	}
	if id, _, ok := strings.Cut(s.token, ":"); ok {
		if n, err := strconv.ParseInt(id, 10, 64); err == nil {
			s.bot.ID = n
		}
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	tb.Cleanup(func() {
		close(s.done)
		s.srv.Close()
	})
	return s
}

// MenuButton returns the menu button set for a private chat (0: the bot's
// default one) and whether one was set. A chat whose button was reset to
// MenuButtonDefault has none.
func (s *Server) MenuButton(chat int64) (map[string]any, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.menus[chat]
	return b, ok
}

// URL is the server's base URL, to use as the Bot API endpoint.
func (s *Server) URL() string { return s.srv.URL }

// Token is the token the server accepts.
func (s *Server) Token() string { return s.token }

// Bot is the bot's own account, as getMe reports it.
func (s *Server) Bot() User { return s.bot }

// Spec is the API description the server checks against.
func (s *Server) Spec() *Spec { return s.spec }

// SetClock changes the clock used for message dates.
func (s *Server) SetClock(now func() time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.now = now
}

// AddChat makes a group known, so the bot may send to it.
func (s *Server) AddChat(c Chat) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.chats[c.ID] = c
}

// NotStarted marks a user who never started the bot: messages to them fail
// with 403 as on Telegram.
func (s *Server) NotStarted(userID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.notStarted[userID] = true
}

// FailNext makes the next n calls of method ("" for any method) answer
// with f instead of being carried out.
func (s *Server) FailNext(method string, n int, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, pendingFault{method: method, n: n, f: f})
}

// Violations lists every problem the server found with the calls it got.
func (s *Server) Violations() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.violations...)
}

// Requests returns every recorded call, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Calls returns the recorded calls of one method that succeeded.
func (s *Server) Calls(method string) []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Request
	for _, r := range s.requests {
		if r.Method == method && r.Status == http.StatusOK {
			out = append(out, r)
		}
	}
	return out
}

// Attempts returns every recorded call of one method, failed ones too.
func (s *Server) Attempts(method string) []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Request
	for _, r := range s.requests {
		if r.Method == method {
			out = append(out, r)
		}
	}
	return out
}

// Offsets lists the offset parameter of every getUpdates call (0 when the
// call had none).
func (s *Server) Offsets() []int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]int64(nil), s.offsets...)
}

// Unconfirmed counts the queued updates Telegram would still deliver.
func (s *Server) Unconfirmed() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.updates)
}

// Message returns a message as the server knows it now (after edits).
func (s *Server) Message(chat int64, id int) (map[string]any, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.msgs[msgKey{chat, id}]
	if !ok {
		return nil, false
	}
	return copyMsg(m), true
}

// WaitTimeout bounds every Wait.
const WaitTimeout = 10 * time.Second

// Wait blocks until cond, evaluated after each recorded request, holds; it
// fails the test after WaitTimeout, naming what it waited for.
func (s *Server) Wait(tb testing.TB, what string, cond func() bool) {
	tb.Helper()
	deadline := time.NewTimer(WaitTimeout)
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
			tb.Fatalf("telegramtest: gave up after %s waiting for %s", WaitTimeout, what)
		}
	}
}

// WaitCalls waits until method has succeeded at least n times and returns
// those calls.
func (s *Server) WaitCalls(tb testing.TB, method string, n int) []Request {
	tb.Helper()
	s.Wait(tb, fmt.Sprintf("%d successful %s calls", n, method), func() bool { return len(s.Calls(method)) >= n })
	return s.Calls(method)
}

// WaitConfirmed waits until the bot has confirmed every queued update.
func (s *Server) WaitConfirmed(tb testing.TB) {
	tb.Helper()
	s.Wait(tb, "all updates confirmed", func() bool { return s.Unconfirmed() == 0 })
}

func (s *Server) violate(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	s.mu.Lock()
	s.violations = append(s.violations, msg)
	s.mu.Unlock()
	s.tb.Errorf("telegramtest: %s", msg)
}

func (s *Server) record(r Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, r)
	s.signal()
}

// signal wakes the waiters; s.mu must be held.
func (s *Server) signal() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// envelope is the Bot API response shape.
type envelope struct {
	OK          bool        `json:"ok"`
	Result      any         `json:"result,omitempty"`
	ErrorCode   int         `json:"error_code,omitempty"`
	Description string      `json:"description,omitempty"`
	Parameters  *parameters `json:"parameters,omitempty"`
}

type parameters struct {
	RetryAfter int `json:"retry_after,omitempty"`
}

// apiError is a failed call: an HTTP status and a Telegram description.
type apiError struct {
	status int
	desc   string
}

func badRequest(format string, args ...any) *apiError {
	return &apiError{http.StatusBadRequest, "Bad Request: " + fmt.Sprintf(format, args...)}
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, "/bot")
	token, method, ok2 := strings.Cut(rest, "/")
	if !ok || !ok2 || method == "" {
		writeEnvelope(w, http.StatusNotFound, envelope{ErrorCode: 404, Description: "Not Found"}, 0)
		return
	}
	req := Request{Method: method, At: time.Now()}
	params, body, err := readParams(r)
	req.Params, req.Body = params, body
	if token != s.token {
		req.Status = http.StatusUnauthorized
		s.record(req)
		writeEnvelope(w, http.StatusUnauthorized, envelope{ErrorCode: 401, Description: "Unauthorized"}, 0)
		return
	}
	if err != nil && (errors.Is(err, io.ErrUnexpectedEOF) || r.Context().Err() != nil) {
		// The client gave up half-way through the body (its context
		// ended): not a malformed request.
		req.Status = 0
		s.record(req)
		return
	}
	if err != nil {
		s.violate("%s: unreadable request body: %v", method, err)
		req.Status = http.StatusBadRequest
		s.record(req)
		writeEnvelope(w, http.StatusBadRequest, envelope{ErrorCode: 400, Description: "Bad Request: " + err.Error()}, 0)
		return
	}
	if probs := s.spec.CheckParams(method, params); len(probs) > 0 {
		for _, p := range probs {
			s.violate("%s", p)
		}
		req.Status = http.StatusBadRequest
		s.record(req)
		writeEnvelope(w, http.StatusBadRequest, envelope{ErrorCode: 400, Description: "Bad Request: " + probs[0]}, 0)
		return
	}
	f, faulty := s.takeFault(method)
	if faulty && f.Result == "" {
		req.Status = f.Status
		if f.Reset || f.Hang {
			req.Status = 0
		}
		s.record(req)
		s.fail(w, r, f)
		return
	}
	result, aerr := s.call(r, req)
	if aerr != nil {
		req.Status = aerr.status
		s.record(req)
		writeEnvelope(w, aerr.status, envelope{ErrorCode: aerr.status, Description: aerr.desc}, 0)
		return
	}
	if m := s.spec.Methods[method]; m != nil && len(m.Returns) > 0 {
		if err := s.spec.checkValue(m.Returns, roundTrip(result), ""); err != nil {
			s.violate("%s: the fake's own result does not fit the spec: %v", method, err)
		}
	}
	req.Status = http.StatusOK
	s.record(req)
	if faulty {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"ok":true,"result":`+f.Result+`}`)
		return
	}
	writeEnvelope(w, http.StatusOK, envelope{OK: true, Result: result}, 0)
}

func (s *Server) takeFault(method string) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.faults {
		pf := &s.faults[i]
		if pf.n > 0 && (pf.method == "" || pf.method == method) {
			pf.n--
			f := pf.f
			if pf.n == 0 {
				s.faults = append(s.faults[:i], s.faults[i+1:]...)
			}
			return f, true
		}
	}
	return Fault{}, false
}

func (s *Server) fail(w http.ResponseWriter, r *http.Request, f Fault) {
	switch {
	case f.Hang:
		select {
		case <-r.Context().Done():
		case <-s.done:
		}
		return
	case f.Reset:
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				conn.Close()
				return
			}
		}
		panic(http.ErrAbortHandler)
	case f.Size > 0:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(f.Status)
		chunk := bytes.Repeat([]byte("x"), 64<<10)
		w.Write([]byte(`{"ok":true,"result":"`))
		for n := 0; n < f.Size; n += len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
		return
	case f.Body != "":
		ct := f.ContentType
		if ct == "" {
			ct = "application/json"
		}
		w.Header().Set("Content-Type", ct)
		w.WriteHeader(f.Status)
		io.WriteString(w, f.Body)
		return
	}
	env := envelope{ErrorCode: f.Status, Description: f.Description}
	if f.RetryAfter > 0 {
		env.Parameters = &parameters{RetryAfter: f.RetryAfter}
	}
	writeEnvelope(w, f.Status, env, f.RetryAfter)
}

func writeEnvelope(w http.ResponseWriter, status int, env envelope, retryAfter int) {
	w.Header().Set("Content-Type", "application/json")
	if retryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(retryAfter))
	}
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(env)
}

// readParams collects the call's parameters from the query string and the
// body, whichever encoding the client chose.
func readParams(r *http.Request) (map[string]Param, string, error) {
	params := map[string]Param{}
	for k, vs := range r.URL.Query() {
		params[k] = Param{Text: vs[0]}
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "application/json":
		var m map[string]json.RawMessage
		if err := json.NewDecoder(io.LimitReader(r.Body, 64<<20)).Decode(&m); err != nil {
			return params, "json", fmt.Errorf("JSON body: %w", err)
		}
		for k, v := range m {
			params[k] = Param{JSON: v}
		}
		return params, "json", nil
	case "multipart/form-data":
		if err := r.ParseMultipartForm(64 << 20); errors.Is(err, io.EOF) {
			// An empty body: go-telegram/bot sends one for calls
			// without parameters (getMe), and Telegram accepts it.
			return params, "multipart", nil
		} else if err != nil {
			return params, "multipart", fmt.Errorf("multipart body: %w", err)
		}
		for k, vs := range r.MultipartForm.Value {
			params[k] = Param{Text: vs[0]}
		}
		for k, fhs := range r.MultipartForm.File {
			f, err := fhs[0].Open()
			if err != nil {
				return params, "multipart", err
			}
			data, err := io.ReadAll(f)
			f.Close()
			if err != nil {
				return params, "multipart", err
			}
			params[k] = Param{File: &File{Name: fhs[0].Filename, Data: data}}
		}
		return params, "multipart", nil
	case "application/x-www-form-urlencoded":
		if err := r.ParseForm(); err != nil {
			return params, "form", fmt.Errorf("form body: %w", err)
		}
		for k, vs := range r.PostForm {
			params[k] = Param{Text: vs[0]}
		}
		return params, "form", nil
	}
	return params, "none", nil
}

// roundTrip turns a result into what a client decodes: plain JSON values.
func roundTrip(v any) any {
	raw, err := json.Marshal(v)
	if err != nil {
		return err.Error()
	}
	var out any
	json.Unmarshal(raw, &out)
	return out
}

func (s *Server) call(r *http.Request, req Request) (any, *apiError) {
	switch req.Method {
	case "getMe":
		v := s.bot.value()
		v["can_join_groups"], v["can_read_all_group_messages"], v["supports_inline_queries"] = true, true, true
		return v, nil
	case "getUpdates":
		return s.getUpdates(r, req)
	case "sendMessage":
		return s.sendMessage(req)
	case "editMessageText":
		return s.edit(req, true)
	case "editMessageReplyMarkup":
		return s.edit(req, false)
	case "sendPhoto":
		return s.sendPhoto(req)
	case "answerCallbackQuery":
		return s.answerCallbackQuery(req)
	case "setChatMenuButton":
		return s.setChatMenuButton(req)
	case "getChatMenuButton":
		return s.getChatMenuButton(req)
	}
	if m := s.spec.Methods[req.Method]; m != nil && len(m.Returns) == 1 && m.Returns[0] == "Boolean" {
		return true, nil
	}
	s.violate("%s: the fake does not implement this method", req.Method)
	return nil, &apiError{http.StatusNotImplemented, "Not Implemented"}
}

func (s *Server) getUpdates(r *http.Request, req Request) (any, *apiError) {
	offset, limit, timeout := req.Int("offset"), int(req.Int("limit")), req.Int("timeout")
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	s.mu.Lock()
	s.offsets = append(s.offsets, offset)
	s.signal()
	s.mu.Unlock()
	wait := time.NewTimer(time.Duration(timeout) * time.Second)
	defer wait.Stop()
	for {
		s.mu.Lock()
		if offset > 0 {
			kept := s.updates[:0]
			for _, u := range s.updates {
				if u["update_id"].(int64) >= offset {
					kept = append(kept, u)
				}
			}
			s.updates = kept
		}
		var out []map[string]any
		for _, u := range s.updates {
			if len(out) < limit {
				out = append(out, u)
			}
		}
		arrived := s.arrived
		s.mu.Unlock()
		if len(out) > 0 || timeout <= 0 {
			if out == nil {
				out = []map[string]any{}
			}
			return out, nil
		}
		select {
		case <-arrived:
		case <-wait.C:
			timeout = 0
		case <-r.Context().Done():
			return []map[string]any{}, nil
		case <-s.done:
			return []map[string]any{}, nil
		}
	}
}

// chat returns the chat a call addresses, or the error Telegram gives.
func (s *Server) chat(req Request) (Chat, *apiError) {
	raw := req.String("chat_id")
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil {
		return Chat{}, badRequest("chat not found")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.chats[id]; ok {
		return c, nil
	}
	if id > 0 {
		if s.notStarted[id] {
			return Chat{}, &apiError{http.StatusForbidden, "Forbidden: bot can't initiate conversation with a user"}
		}
		return Chat{ID: id, Type: "private"}, nil
	}
	return Chat{}, badRequest("chat not found")
}

// visible checks text for the parse mode and returns what users see.
func visible(req Request, field string) (string, *apiError) {
	text := req.String(field)
	switch mode := req.String("parse_mode"); mode {
	case "":
		return text, nil
	case "HTML":
		plain, err := ParseHTML(text)
		if err != nil {
			return "", badRequest("%v", err)
		}
		return plain, nil
	default:
		return "", badRequest("unsupported parse_mode %q in the fake", mode)
	}
}

func inlineMarkup(req Request) (any, *apiError) {
	if !req.Has("reply_markup") {
		return nil, nil
	}
	var markup map[string]any
	if err := req.Decode("reply_markup", &markup); err != nil {
		return nil, badRequest("can't parse reply keyboard markup JSON object")
	}
	if _, ok := markup["inline_keyboard"]; ok {
		return markup, nil
	}
	return nil, nil
}

// messageText checks the text of a message sent or edited as Telegram
// does (valid for its parse mode, not blank, within MaxTextLength) and
// returns what users see.
func messageText(req Request) (string, *apiError) {
	text, aerr := visible(req, "text")
	if aerr != nil {
		return "", aerr
	}
	if strings.TrimSpace(text) == "" {
		return "", badRequest("message text is empty")
	}
	if Length(text) > MaxTextLength {
		return "", badRequest("message is too long")
	}
	return text, nil
}

func (s *Server) sendMessage(req Request) (any, *apiError) {
	chat, aerr := s.chat(req)
	if aerr != nil {
		return nil, aerr
	}
	text, aerr := messageText(req)
	if aerr != nil {
		return nil, aerr
	}
	msg, aerr := s.newBotMessage(chat, req)
	if aerr != nil {
		return nil, aerr
	}
	msg["text"] = text
	return s.store(chat, msg), nil
}

func (s *Server) sendPhoto(req Request) (any, *apiError) {
	chat, aerr := s.chat(req)
	if aerr != nil {
		return nil, aerr
	}
	caption, aerr := visible(req, "caption")
	if aerr != nil {
		return nil, aerr
	}
	if Length(caption) > MaxCaptionLength {
		return nil, badRequest("message caption is too long")
	}
	p := req.Params["photo"]
	size := len(p.Text)
	if p.File != nil {
		if len(p.File.Data) == 0 {
			return nil, badRequest("file must be non-empty")
		}
		size = len(p.File.Data)
	}
	msg, aerr := s.newBotMessage(chat, req)
	if aerr != nil {
		return nil, aerr
	}
	if caption != "" {
		msg["caption"] = caption
	}
	return s.store(chat, msg, func(m map[string]any) {
		id := strconv.Itoa(m["message_id"].(int))
		m["photo"] = []map[string]any{{"file_id": "photo" + id, "file_unique_id": "u" + id, "width": 800, "height": 400, "file_size": size}}
	}), nil
}

func (s *Server) newBotMessage(chat Chat, req Request) (map[string]any, *apiError) {
	markup, aerr := inlineMarkup(req)
	if aerr != nil {
		return nil, aerr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	msg := map[string]any{"date": s.now().Unix(), "chat": chat.value(), "from": s.bot.value()}
	if markup != nil {
		msg["reply_markup"] = markup
	}
	if req.Has("reply_parameters") {
		var rp struct {
			MessageID         int  `json:"message_id"`
			AllowWithoutReply bool `json:"allow_sending_without_reply"`
		}
		if err := req.Decode("reply_parameters", &rp); err != nil {
			return nil, badRequest("can't parse reply parameters JSON object")
		}
		replied, ok := s.msgs[msgKey{chat.ID, rp.MessageID}]
		switch {
		case ok:
			msg["reply_to_message"] = shallow(replied)
		case !rp.AllowWithoutReply:
			return nil, badRequest("message to be replied not found")
		}
	}
	return msg, nil
}

// store gives msg the chat's next message ID, lets finish complete it,
// keeps it and returns a copy.
func (s *Server) store(chat Chat, msg map[string]any, finish ...func(map[string]any)) map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextMsg[chat.ID]++
	id := s.nextMsg[chat.ID]
	msg["message_id"] = id
	for _, f := range finish {
		f(msg)
	}
	s.msgs[msgKey{chat.ID, id}] = msg
	return copyMsg(msg)
}

func copyMsg(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// shallow copies a message without its own reply, as Telegram nests one
// level only.
func shallow(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		if k != "reply_to_message" {
			out[k] = v
		}
	}
	return out
}

func (s *Server) editTarget(req Request) (map[string]any, *apiError) {
	if req.Has("inline_message_id") {
		return nil, badRequest("inline messages are not supported by the fake")
	}
	chat, id := req.Int("chat_id"), int(req.Int("message_id"))
	s.mu.Lock()
	defer s.mu.Unlock()
	msg, ok := s.msgs[msgKey{chat, id}]
	if !ok {
		return nil, badRequest("message to edit not found")
	}
	if from, _ := msg["from"].(map[string]any); from == nil || from["id"] != s.bot.ID {
		return nil, badRequest("message can't be edited")
	}
	return msg, nil
}

// edit is editMessageText (withText) and editMessageReplyMarkup: both
// replace the inline keyboard, and both refuse an edit that changes
// nothing, as Telegram does.
func (s *Server) edit(req Request, withText bool) (any, *apiError) {
	msg, aerr := s.editTarget(req)
	if aerr != nil {
		return nil, aerr
	}
	var text string
	if withText {
		if text, aerr = messageText(req); aerr != nil {
			return nil, aerr
		}
	}
	markup, aerr := inlineMarkup(req)
	if aerr != nil {
		return nil, aerr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if (!withText || msg["text"] == text) && sameMarkup(msg["reply_markup"], markup) {
		return nil, badRequest("message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message")
	}
	if withText {
		msg["text"] = text
	}
	setMarkup(msg, markup)
	msg["edit_date"] = s.now().Unix()
	return copyMsg(msg), nil
}

func setMarkup(msg map[string]any, markup any) {
	if markup == nil {
		delete(msg, "reply_markup")
		return
	}
	msg["reply_markup"] = markup
}

func sameMarkup(a, b any) bool {
	return reflect.DeepEqual(roundTrip(a), roundTrip(b))
}

func (s *Server) answerCallbackQuery(req Request) (any, *apiError) {
	id := req.String("callback_query_id")
	s.mu.Lock()
	known := s.callbacks[id]
	delete(s.callbacks, id)
	s.mu.Unlock()
	if !known {
		return nil, badRequest("query is too old and response timeout expired or query ID is invalid")
	}
	if Length(req.String("text")) > MaxCallbackAnswer {
		return nil, badRequest("MESSAGE_TOO_LONG")
	}
	return true, nil
}

// setChatMenuButton sets the menu button of a private chat, or the bot's
// default one without chat_id. MenuButtonDefault (or no menu_button) takes
// the chat's own button away.
func (s *Server) setChatMenuButton(req Request) (any, *apiError) {
	var chat int64
	if req.Has("chat_id") {
		c, aerr := s.chat(req)
		if aerr != nil {
			return nil, aerr
		}
		if c.Type != "private" {
			// The method works "in a private chat" only; the wording of
			// the refusal is the fake's.
			return nil, badRequest("menu button can be set in private chats only")
		}
		chat = c.ID
	}
	button := map[string]any{"type": "default"}
	if req.Has("menu_button") {
		if err := req.Decode("menu_button", &button); err != nil {
			return nil, badRequest("can't parse menu button JSON object")
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if button["type"] == "default" {
		delete(s.menus, chat)
	} else {
		s.menus[chat] = button
	}
	return true, nil
}

// getChatMenuButton answers with a chat's menu button: its own, else
// MenuButtonDefault; the bot's default one opens the commands unless set.
func (s *Server) getChatMenuButton(req Request) (any, *apiError) {
	var chat int64
	if req.Has("chat_id") {
		c, aerr := s.chat(req)
		if aerr != nil {
			return nil, aerr
		}
		chat = c.ID
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if b, ok := s.menus[chat]; ok {
		return b, nil
	}
	if chat == 0 {
		return map[string]any{"type": "commands"}, nil
	}
	return map[string]any{"type": "default"}, nil
}
