package instagram

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/shenava/shenava/core"
)

func sign(body []byte, secret string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

type recordingSink struct {
	mu    sync.Mutex
	calls [][]core.Mention
	err   error
}

func (s *recordingSink) sink(_ context.Context, ms []core.Mention) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return s.err
	}
	s.calls = append(s.calls, ms)
	return nil
}

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func post(t *testing.T, h http.Handler, body []byte, sig string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest("POST", WebhookPath, strings.NewReader(string(body)))
	if sig != "" {
		r.Header.Set("X-Hub-Signature-256", sig)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestWebhook_Handshake(t *testing.T) {
	f := newFakeGraph(t)
	h := f.client(f.config()).Webhook((&recordingSink{}).sink)
	for _, tc := range []struct {
		name, query string
		status      int
		body        string
	}{
		{"OK", "hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444", 200, "1158201444"},
		{"WrongToken", "hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1", 403, ""},
		{"WrongMode", "hub.mode=unsubscribe&hub.verify_token=verify-me&hub.challenge=1", 403, ""},
		{"NoToken", "hub.mode=subscribe&hub.challenge=1", 403, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest("GET", WebhookPath+"?"+tc.query, nil))
			if w.Code != tc.status || (tc.body != "" && w.Body.String() != tc.body) {
				t.Errorf("GET ?%s = %d %q, want %d %q", tc.query, w.Code, w.Body.String(), tc.status, tc.body)
			}
		})
	}
}

func TestWebhook_Comments(t *testing.T) {
	f := newFakeGraph(t)
	f.addMedia(&fakeMedia{ID: "17800000000000001", Permalink: "https://www.instagram.com/p/XYZ/", At: t0})
	rec := &recordingSink{}
	h := f.client(f.config()).Webhook(rec.sink)
	body := fixture(t, "webhook_comments.json")
	if w := post(t, h, body, sign(body, testSecret)); w.Code != 200 {
		t.Fatalf("signed delivery: %d %s", w.Code, w.Body)
	}
	if len(rec.calls) != 1 || len(rec.calls[0]) != 1 {
		t.Fatalf("sink got %v, want one call with one mention (the brand's own reply left out)", rec.calls)
	}
	m := rec.calls[0][0]
	if m.Key() != "instagram:17865799348089039" || m.Author.ID != "232323232" || m.Author.Handle != "sara.t" ||
		!m.CreatedAt.Equal(t0) || m.URL != "https://www.instagram.com/p/XYZ/c/17865799348089039/" ||
		m.ConversationID != "17800000000000001" || m.Validate() != nil {
		t.Errorf("mention = %+v", m)
	}
	// A replay (Meta retries until it gets a 200) hands the same keys again;
	// the engine's deduplication makes it a no-op.
	if w := post(t, h, body, sign(body, testSecret)); w.Code != 200 || rec.calls[1][0].Key() != m.Key() {
		t.Errorf("replay: %d, keys %v", w.Code, rec.calls)
	}
	if n := f.count("GET /" + testVersion + "/17800000000000001?"); n != 1 {
		t.Errorf("permalink read %d times, want once (cached)", n)
	}
}

func TestWebhook_Refusals(t *testing.T) {
	f := newFakeGraph(t)
	cfg := f.config()
	cfg.MaxWebhookBytes = 4096
	rec := &recordingSink{}
	h := f.client(cfg).Webhook(rec.sink)
	body := fixture(t, "webhook_comments.json")
	big := []byte(`{"object":"instagram","entry":[],"pad":"` + strings.Repeat("x", 5000) + `"}`)
	bad := []byte(`{"object":"instagram","entry":[{"id":"1","changes":[{"field":"comments","value":"not an object"}]}]}`)
	for _, tc := range []struct {
		name   string
		body   []byte
		sig    string
		status int
	}{
		{"NoSignature", body, "", 403},
		{"WrongSecret", body, sign(body, "other-secret"), 403},
		{"SHA1Header", body, "sha1=" + strings.TrimPrefix(sign(body, testSecret), "sha256=")[:40], 403},
		{"NotHex", body, "sha256=zz", 403},
		{"TamperedBody", append([]byte(" "), body...), sign(body, testSecret), 403},
		{"Oversized", big, sign(big, testSecret), 413},
		{"MalformedJSON", []byte(`{"object":`), sign([]byte(`{"object":`), testSecret), 400},
		{"MalformedChange", bad, sign(bad, testSecret), 400},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if w := post(t, h, tc.body, tc.sig); w.Code != tc.status {
				t.Errorf("status %d, want %d", w.Code, tc.status)
			}
		})
	}
	if len(rec.calls) != 0 {
		t.Errorf("refused deliveries reached the sink: %v", rec.calls)
	}
	// Other fields (messages) are acknowledged and produce nothing.
	other := fixture(t, "webhook_messages.json")
	if w := post(t, h, other, sign(other, testSecret)); w.Code != 200 || len(rec.calls) != 0 {
		t.Errorf("messages delivery: %d, sink %v", w.Code, rec.calls)
	}
}

func TestWebhook_NotStoredIsRetried(t *testing.T) {
	f := newFakeGraph(t)
	rec := &recordingSink{err: errors.New("disk full")}
	h := f.client(f.config()).Webhook(rec.sink)
	body := fixture(t, "webhook_comments.json")
	if w := post(t, h, body, sign(body, testSecret)); w.Code/100 == 2 {
		t.Errorf("a delivery the store refused was acknowledged (%d)", w.Code)
	}
}

func TestWebhook_Mentions(t *testing.T) {
	f := newFakeGraph(t)
	rec := &recordingSink{}
	h := f.client(f.config()).Webhook(rec.sink)
	body := fixture(t, "webhook_mentions.json")
	if w := post(t, h, body, sign(body, testSecret)); w.Code != 200 {
		t.Fatalf("delivery: %d %s", w.Code, w.Body)
	}
	if len(rec.calls) != 1 || len(rec.calls[0]) != 2 {
		t.Fatalf("sink got %v, want two mentions", rec.calls)
	}
	cm, md := rec.calls[0][0], rec.calls[0][1]
	if cm.NativeID != "17894227972186120" || cm.Author.Handle != "sara.t" || !strings.Contains(cm.Text, "نرسیده") ||
		cm.ConversationID != mentionedPrefix+"17918195224117851" || cm.URL != "https://www.instagram.com/p/DAbCdEf/c/17894227972186120/" {
		t.Errorf("comment mention = %+v", cm)
	}
	if md.NativeID != "17918195224117851" || md.Author.Handle != "ali.r" || md.URL != "https://www.instagram.com/p/DAbCdEf/" ||
		md.ConversationID != mentionedPrefix+md.NativeID {
		t.Errorf("caption mention = %+v", md)
	}
	// The API is down: the delivery fails so that Meta sends it again.
	f.failNext("GET "+testUser, fakeFailure{status: 500, file: "error_4.json"})
	f.failNext("GET "+testUser, fakeFailure{status: 503, file: "error_4.json"})
	if w := post(t, h, body, sign(body, testSecret)); w.Code != http.StatusServiceUnavailable {
		t.Errorf("API down: %d, want 503", w.Code)
	}
}

func TestVerifySignature_EmptySecret(t *testing.T) {
	body := []byte("{}")
	if VerifySignature(sign(body, ""), body, "") {
		t.Error("a signature with an empty secret was accepted")
	}
}
