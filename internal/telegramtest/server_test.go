package telegramtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// recTB records the errors the server reports instead of failing the test,
// so tests can check that it does report them.
type recTB struct {
	testing.TB
	mu   sync.Mutex
	errs []string
}

func (r *recTB) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func (r *recTB) errors() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.errs...)
}

type reply struct {
	status int
	header http.Header
	env    struct {
		OK          bool            `json:"ok"`
		Result      json.RawMessage `json:"result"`
		ErrorCode   int             `json:"error_code"`
		Description string          `json:"description"`
		Parameters  struct {
			RetryAfter int `json:"retry_after"`
		} `json:"parameters"`
	}
	body []byte
}

func post(t *testing.T, s *Server, method, contentType string, body io.Reader) reply {
	t.Helper()
	resp, err := http.Post(s.URL()+"/bot"+s.Token()+"/"+method, contentType, body)
	if err != nil {
		t.Fatalf("POST %s: %v", method, err)
	}
	defer resp.Body.Close()
	var r reply
	r.status, r.header = resp.StatusCode, resp.Header
	r.body, _ = io.ReadAll(resp.Body)
	json.Unmarshal(r.body, &r.env)
	return r
}

func postJSON(t *testing.T, s *Server, method string, params map[string]any) reply {
	t.Helper()
	raw, _ := json.Marshal(params)
	return post(t, s, method, "application/json", bytes.NewReader(raw))
}

func TestServer_WireFormats(t *testing.T) {
	t.Parallel()
	s := New(t)
	s.AddChat(Supergroup(-1001, "Support", ""))

	t.Run("JSON", func(t *testing.T) {
		r := postJSON(t, s, "sendMessage", map[string]any{"chat_id": -1001, "text": "<b>hi</b> &amp; bye", "parse_mode": "HTML",
			"reply_markup": map[string]any{"inline_keyboard": [][]map[string]any{{{"text": "ok", "callback_data": "x"}}}}})
		if r.status != 200 || !r.env.OK {
			t.Fatalf("status %d body %s", r.status, r.body)
		}
		var msg struct {
			MessageID int    `json:"message_id"`
			Text      string `json:"text"`
		}
		json.Unmarshal(r.env.Result, &msg)
		if msg.MessageID != 1 || msg.Text != "hi & bye" {
			t.Fatalf("result %s, want message 1 with the visible text", r.env.Result)
		}
	})
	t.Run("Form", func(t *testing.T) {
		r := post(t, s, "sendMessage", "application/x-www-form-urlencoded",
			strings.NewReader(url.Values{"chat_id": {"42"}, "text": {"سلام"}}.Encode()))
		if r.status != 200 {
			t.Fatalf("status %d body %s", r.status, r.body)
		}
		got := s.Calls("sendMessage")
		if last := got[len(got)-1]; last.Body != "form" || last.String("text") != "سلام" || last.Int("chat_id") != 42 {
			t.Fatalf("recorded %+v", last)
		}
	})
	t.Run("MultipartPhoto", func(t *testing.T) {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		mw.WriteField("chat_id", "42")
		mw.WriteField("caption", "chart")
		fw, _ := mw.CreateFormFile("photo", "chart.png")
		fw.Write([]byte("\x89PNG fake"))
		mw.Close()
		r := post(t, s, "sendPhoto", mw.FormDataContentType(), &buf)
		if r.status != 200 {
			t.Fatalf("status %d body %s", r.status, r.body)
		}
		call := s.Calls("sendPhoto")[0]
		if call.Params["photo"].File == nil || call.Params["photo"].File.Name != "chart.png" {
			t.Fatalf("photo not recorded as a file: %+v", call.Params["photo"])
		}
	})
	t.Run("ErrWrongToken", func(t *testing.T) {
		resp, err := http.Post(s.URL()+"/bot1:wrong/getMe", "application/json", strings.NewReader("{}"))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 401 {
			t.Fatalf("status %d, want 401", resp.StatusCode)
		}
	})
}

func TestServer_SpecViolations(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		method string
		params map[string]any
		want   string
	}{
		{"UnknownMethod", "sendTelepathy", map[string]any{"chat_id": 1}, "unknown method"},
		{"UnknownParameter", "sendMessage", map[string]any{"chat_id": 1, "text": "x", "reply_to_message_id": 3}, `unknown parameter "reply_to_message_id"`},
		{"MissingRequired", "sendMessage", map[string]any{"chat_id": 1}, `required parameter "text" missing`},
		{"WrongType", "editMessageText", map[string]any{"chat_id": 1, "message_id": "one", "text": "x"}, "want Integer"},
		{"UnknownNestedField", "sendMessage", map[string]any{"chat_id": 1, "text": "x",
			"reply_markup": map[string]any{"inline_keyboard": [][]map[string]any{{{"text": "a", "callback_data": "b", "colour": "red"}}}}}, `no field "colour"`},
		{"ButtonWithTwoKinds", "sendMessage", map[string]any{"chat_id": 1, "text": "x",
			"reply_markup": map[string]any{"inline_keyboard": [][]map[string]any{{{"text": "a", "callback_data": "b", "copy_text": map[string]any{"text": ""}}}}}}, "exactly one of"},
		{"CallbackDataTooLong", "sendMessage", map[string]any{"chat_id": 1, "text": "x",
			"reply_markup": map[string]any{"inline_keyboard": [][]map[string]any{{{"text": "a", "callback_data": strings.Repeat("d", 65)}}}}}, "65 bytes"},
		{"MenuButtonWrongType", "setChatMenuButton", map[string]any{"chat_id": 1, "menu_button": map[string]any{"type": "default", "text": "Inbox",
			"web_app": map[string]any{"url": "https://inbox.example.com/app"}}}, `must be "web_app"`},
		{"MenuButtonPlainHTTP", "setChatMenuButton", map[string]any{"chat_id": 1, "menu_button": map[string]any{"type": "web_app", "text": "Inbox",
			"web_app": map[string]any{"url": "http://inbox.example.com/app"}}}, "not an HTTPS URL"},
		{"MenuButtonUnknownType", "setChatMenuButton", map[string]any{"menu_button": map[string]any{"type": "inbox"}}, `must be "commands"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recTB{TB: t}
			s := New(rec)
			r := postJSON(t, s, tt.method, tt.params)
			if r.status != 400 {
				t.Errorf("status %d, want 400", r.status)
			}
			errs := rec.errors()
			if len(errs) == 0 || !strings.Contains(strings.Join(errs, "\n"), tt.want) {
				t.Fatalf("reported %q, want a report containing %q", errs, tt.want)
			}
		})
	}
}

func TestServer_TelegramErrors(t *testing.T) {
	t.Parallel()
	s := New(t)
	s.NotStarted(77)
	tests := []struct {
		name   string
		params map[string]any
		status int
		want   string
	}{
		{"BadHTML", map[string]any{"chat_id": 1, "text": "a < b", "parse_mode": "HTML"}, 400, "can't parse entities"},
		{"UnknownTag", map[string]any{"chat_id": 1, "text": "<script>x</script>", "parse_mode": "HTML"}, 400, "unsupported start tag"},
		{"TooLong", map[string]any{"chat_id": 1, "text": strings.Repeat("ب", MaxTextLength+1)}, 400, "message is too long"},
		{"Empty", map[string]any{"chat_id": 1, "text": "  "}, 400, "message text is empty"},
		{"UnknownGroup", map[string]any{"chat_id": -5, "text": "x"}, 400, "chat not found"},
		{"NotStarted", map[string]any{"chat_id": 77, "text": "x"}, 403, "can't initiate conversation"},
		{"ReplyToMissing", map[string]any{"chat_id": 1, "text": "x", "reply_parameters": map[string]any{"message_id": 99}}, 400, "message to be replied not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := postJSON(t, s, "sendMessage", tt.params)
			if r.status != tt.status || r.env.ErrorCode != tt.status || !strings.Contains(r.env.Description, tt.want) {
				t.Fatalf("got %d %q, want %d containing %q", r.status, r.env.Description, tt.status, tt.want)
			}
		})
	}
	t.Run("EditNotModified", func(t *testing.T) {
		r := postJSON(t, s, "sendMessage", map[string]any{"chat_id": 1, "text": "same"})
		var msg struct {
			MessageID int `json:"message_id"`
		}
		json.Unmarshal(r.env.Result, &msg)
		r = postJSON(t, s, "editMessageText", map[string]any{"chat_id": 1, "message_id": msg.MessageID, "text": "same"})
		if r.status != 400 || !strings.Contains(r.env.Description, "message is not modified") {
			t.Fatalf("got %d %q", r.status, r.env.Description)
		}
		r = postJSON(t, s, "editMessageText", map[string]any{"chat_id": 1, "message_id": msg.MessageID, "text": "new"})
		if r.status != 200 {
			t.Fatalf("edit: %d %s", r.status, r.body)
		}
		if m, _ := s.Message(1, msg.MessageID); m["text"] != "new" {
			t.Fatalf("message after edit: %v", m)
		}
	})
}

func TestServer_GetUpdates(t *testing.T) {
	t.Parallel()
	s := New(t)
	alice := User{ID: 10, FirstName: "Alice"}
	first := s.SendText(alice, PrivateChat(alice), "/start")
	s.Press(alice, first, "data")

	updates := func(params map[string]any) []map[string]any {
		t.Helper()
		r := postJSON(t, s, "getUpdates", params)
		var us []map[string]any
		if err := json.Unmarshal(r.env.Result, &us); err != nil {
			t.Fatalf("getUpdates result %s: %v", r.env.Result, err)
		}
		return us
	}
	us := updates(map[string]any{})
	if len(us) != 2 || us[0]["message"] == nil || us[1]["callback_query"] == nil {
		t.Fatalf("first getUpdates = %v", us)
	}
	id0 := int64(us[0]["update_id"].(float64))
	// Not confirmed yet: asking again from the start returns both.
	if us := updates(map[string]any{}); len(us) != 2 {
		t.Fatalf("unconfirmed updates were dropped: %v", us)
	}
	if us := updates(map[string]any{"offset": id0 + 1}); len(us) != 1 {
		t.Fatalf("after confirming the first, got %v", us)
	}
	if s.Unconfirmed() != 1 {
		t.Fatalf("Unconfirmed = %d, want 1", s.Unconfirmed())
	}

	t.Run("LongPollWakesOnUpdate", func(t *testing.T) {
		go func() {
			s.Wait(t, "the long poll to start", func() bool { return len(s.Offsets()) >= 4 })
			s.SendText(alice, PrivateChat(alice), "hello")
		}()
		start := time.Now()
		us := updates(map[string]any{"offset": id0 + 2, "timeout": 30})
		if len(us) != 1 || time.Since(start) > 10*time.Second {
			t.Fatalf("long poll returned %v after %s", us, time.Since(start))
		}
	})
}

func TestServer_Faults(t *testing.T) {
	t.Parallel()
	s := New(t)
	t.Run("TooManyRequests", func(t *testing.T) {
		s.FailNext("sendMessage", 1, TooManyRequests(7))
		r := postJSON(t, s, "sendMessage", map[string]any{"chat_id": 1, "text": "x"})
		if r.status != 429 || r.env.Parameters.RetryAfter != 7 || r.header.Get("Retry-After") != "7" {
			t.Fatalf("got %d %s", r.status, r.body)
		}
		if r := postJSON(t, s, "sendMessage", map[string]any{"chat_id": 1, "text": "x"}); r.status != 200 {
			t.Fatalf("fault did not clear: %d", r.status)
		}
	})
	t.Run("HTMLErrorPage", func(t *testing.T) {
		s.FailNext("", 1, HTMLErrorPage(502))
		r := postJSON(t, s, "getMe", nil)
		if r.status != 502 || !strings.Contains(string(r.body), "<html>") {
			t.Fatalf("got %d %s", r.status, r.body)
		}
	})
	t.Run("Reset", func(t *testing.T) {
		s.FailNext("getMe", 1, Reset())
		resp, err := http.Post(s.URL()+"/bot"+s.Token()+"/getMe", "application/json", strings.NewReader("{}"))
		if err == nil {
			resp.Body.Close()
			t.Fatal("want a connection error")
		}
	})
	t.Run("OtherMethodUnaffected", func(t *testing.T) {
		s.FailNext("sendPhoto", 1, Garbage())
		if r := postJSON(t, s, "getMe", nil); r.status != 200 {
			t.Fatalf("getMe got %d", r.status)
		}
	})
}

func TestParseHTML(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
		bad      bool
	}{
		{in: "plain", want: "plain"},
		{in: `<b>bold</b> <a href="https://x.com/a?b=1&amp;c=2">link</a>`, want: "bold link"},
		{in: "<blockquote expandable>نقل</blockquote>", want: "نقل"},
		{in: "5 &lt; 6 &amp;&amp; 7 &gt; 1 &#1777;", want: "5 < 6 && 7 > 1 ۱"},
		{in: "a & b", bad: true},
		{in: "<b>open", bad: true},
		{in: "<b><i>x</b></i>", bad: true},
		{in: "x > y", bad: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseHTML(tt.in)
			if tt.bad != (err != nil) || (!tt.bad && got != tt.want) {
				t.Fatalf("ParseHTML(%q) = %q, %v; want %q (bad=%v)", tt.in, got, err, tt.want, tt.bad)
			}
		})
	}
}

// A private chat's menu button is its own until reset to the default; a
// group has none.
func TestServer_MenuButton(t *testing.T) {
	s := New(t)
	get := func(chat any) string {
		t.Helper()
		params := map[string]any{}
		if chat != nil {
			params["chat_id"] = chat
		}
		r := postJSON(t, s, "getChatMenuButton", params)
		if r.status != 200 {
			t.Fatalf("getChatMenuButton(%v): %d %s", chat, r.status, r.body)
		}
		return string(r.env.Result)
	}
	app := map[string]any{"type": "web_app", "text": "Inbox", "web_app": map[string]any{"url": "https://inbox.example.com/app"}}
	if r := postJSON(t, s, "setChatMenuButton", map[string]any{"chat_id": 42, "menu_button": app}); r.status != 200 || string(r.env.Result) != "true" {
		t.Fatalf("setChatMenuButton: %d %s", r.status, r.body)
	}
	if b, ok := s.MenuButton(42); !ok || b["text"] != "Inbox" || b["web_app"].(map[string]any)["url"] != "https://inbox.example.com/app" {
		t.Fatalf("chat 42's menu button %v, %v", b, ok)
	}
	if got := get(42); !strings.Contains(got, `"type":"web_app"`) {
		t.Fatalf("getChatMenuButton(42) = %s", got)
	}
	if got := get(nil); got != `{"type":"commands"}` {
		t.Fatalf("the default menu button is %s, want the commands", got)
	}
	if r := postJSON(t, s, "setChatMenuButton", map[string]any{"chat_id": 42, "menu_button": map[string]any{"type": "default"}}); r.status != 200 {
		t.Fatalf("reset: %d %s", r.status, r.body)
	}
	if b, ok := s.MenuButton(42); ok {
		t.Fatalf("chat 42 keeps %v after the reset", b)
	}
	if got := get(42); got != `{"type":"default"}` {
		t.Fatalf("getChatMenuButton(42) after the reset = %s", got)
	}
	s.AddChat(Supergroup(-100123, "Team", ""))
	if r := postJSON(t, s, "setChatMenuButton", map[string]any{"chat_id": -100123, "menu_button": app}); r.status != 400 {
		t.Fatalf("a group's menu button: %d %s, want 400", r.status, r.body)
	}
	s.NotStarted(77)
	if r := postJSON(t, s, "setChatMenuButton", map[string]any{"chat_id": 77, "menu_button": app}); r.status != 403 {
		t.Fatalf("the menu button of a user who never started the bot: %d %s, want 403", r.status, r.body)
	}
}
