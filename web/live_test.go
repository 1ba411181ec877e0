package web

import (
	"bufio"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shenava/shenava/core"
)

// streamTimeout bounds every wait on a count stream; nothing in these
// tests takes more than a few seconds.
const streamTimeout = 15 * time.Second

// sse is one message of a stream: an event with its data, or a comment.
type sse struct {
	event, data, comment string
}

type tabCount struct {
	N    int    `json:"n"`
	Text string `json:"text"`
}

func (e sse) tabs(t *testing.T) map[string]tabCount {
	t.Helper()
	var out struct {
		Tabs map[string]tabCount `json:"tabs"`
	}
	if e.event != "counts" || json.Unmarshal([]byte(e.data), &out) != nil {
		t.Fatalf("not a counts event: %+v", e)
	}
	return out.Tabs
}

// stream is an open count stream.
type stream struct {
	t      *testing.T
	resp   *http.Response
	msgs   chan sse
	cancel context.CancelFunc
}

// openStream opens /counts/stream on base with c's cookies.
func openStream(t *testing.T, c *client, base string) *stream {
	t.Helper()
	sctx, cancel := context.WithCancel(ctx)
	r, _ := http.NewRequestWithContext(sctx, http.MethodGet, base+"/counts/stream", nil)
	r.Header.Set("Accept", "text/event-stream")
	resp, err := c.hc.Do(r)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	s := &stream{t: t, resp: resp, msgs: make(chan sse, 100), cancel: cancel}
	t.Cleanup(s.close)
	if resp.StatusCode != http.StatusOK {
		return s
	}
	go func() {
		defer close(s.msgs)
		br := bufio.NewReader(resp.Body)
		var m sse
		for {
			line, err := br.ReadString('\n')
			if err != nil {
				return
			}
			line = strings.TrimSuffix(line, "\n")
			switch {
			case line == "":
				s.msgs <- m
				m = sse{}
			case strings.HasPrefix(line, ":"):
				m.comment = strings.TrimSpace(line[1:])
			case strings.HasPrefix(line, "event: "):
				m.event = line[len("event: "):]
			case strings.HasPrefix(line, "data: "):
				m.data += line[len("data: "):]
			}
		}
	}()
	return s
}

func (s *stream) close() {
	s.cancel()
	s.resp.Body.Close()
}

// next is the stream's next message; ok is false when the stream ended.
func (s *stream) next() (sse, bool) {
	s.t.Helper()
	select {
	case m, ok := <-s.msgs:
		return m, ok
	case <-time.After(streamTimeout):
		s.t.Fatal("no message on the count stream")
		return sse{}, false
	}
}

// nextEvent skips comments.
func (s *stream) nextEvent() sse {
	s.t.Helper()
	for {
		m, ok := s.next()
		if !ok {
			s.t.Fatal("the count stream ended")
		}
		if m.event != "" {
			return m
		}
	}
}

// The inbox's count stream sends the counts of /counts at once and again
// when cases change, to a signed-in manager only, with the headers that
// keep proxies from buffering it.
func TestCountsStream(t *testing.T) {
	f := newFixture(t)
	cs := f.save(f.mention(core.PlatformX, "en", core.LabelNegative, "My order never came"),
		f.mention(core.PlatformX, "en", core.LabelNegative, "Still waiting"))
	ali := f.signIn(2)
	_, page := ali.get("/")
	mustContain(t, page, `data-stream="/counts/stream"`)
	if resp, js := ali.get("/static/app.js"); resp.StatusCode != http.StatusOK || !strings.Contains(js, "EventSource") ||
		!strings.Contains(js, "data-stream") {
		t.Fatalf("the counts script does not listen to the stream: %d", resp.StatusCode)
	}

	s := openStream(t, ali, f.ts.URL)
	h := s.resp.Header
	if s.resp.StatusCode != http.StatusOK || !strings.HasPrefix(h.Get("Content-Type"), "text/event-stream") ||
		h.Get("X-Accel-Buffering") != "no" || !strings.Contains(h.Get("Cache-Control"), "no-cache") {
		t.Fatalf("/counts/stream: %d %v", s.resp.StatusCode, h)
	}
	first := s.nextEvent()
	_, polled := ali.get("/counts")
	if strings.TrimSpace(polled) != first.data {
		t.Fatalf("the stream's counts %s differ from /counts %s", first.data, polled)
	}
	if got := first.tabs(t); got["new"].N != 2 || got["new"].Text != "۲" || got["claimed"].N != 0 {
		t.Fatalf("counts at first: %+v", got)
	}
	if n := f.srv.Changes().subscribers(); n != 1 {
		t.Fatalf("%d subscribers, want the one stream", n)
	}

	// Sara claims a case (through casework); the daemon tells the inbox.
	sara := f.signIn(1)
	base := "/case/" + strconv.FormatUint(cs[0].ID, 10)
	sara.get(base)
	if resp := sara.do(base+"/claim", "g", "c1"); resp.Header.Get("Location") != base+"?ok=claimed" {
		t.Fatalf("claim redirect %q", resp.Header.Get("Location"))
	}
	f.srv.Changes().Notify()
	if got := s.nextEvent().tabs(t); got["new"].N != 1 || got["claimed"].N != 1 || got["claimed"].Text != "۱" {
		t.Fatalf("counts after a claim: %+v", got)
	}

	// The client goes: its subscription ends.
	s.close()
	waitUntil(t, "the stream's subscription to end", func() bool { return f.srv.Changes().subscribers() == 0 })
}

func waitUntil(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for end := time.Now().Add(streamTimeout); !ok(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// A burst of changes makes few events: at most one per quiet period, the
// last with the counts after all of them.
func TestCountsStream_Coalesces(t *testing.T) {
	f := newFixture(t)
	cs := f.save(f.mention(core.PlatformX, "en", core.LabelNegative, "My order never came"),
		f.mention(core.PlatformX, "en", core.LabelNegative, "Still waiting"))
	sara := f.signIn(1)
	s := openStream(t, sara, f.ts.URL)
	if got := s.nextEvent().tabs(t); got["claimed"].N != 0 {
		t.Fatalf("counts at first: %+v", got)
	}
	claim := func(id uint64) {
		base := "/case/" + strconv.FormatUint(id, 10)
		sara.get(base)
		if resp := sara.do(base+"/claim", "g", "c"+strconv.FormatUint(id, 10)); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("claim: %d", resp.StatusCode)
		}
	}
	claim(cs[0].ID)
	for range 10 {
		f.srv.Changes().Notify()
	}
	claim(cs[1].ID)
	f.srv.Changes().Notify()
	events := 0
	for {
		events++
		if got := s.nextEvent().tabs(t); got["claimed"].N == 2 {
			break
		}
	}
	// Without coalescing, 11 notifications would make 11 events.
	if events > 3 {
		t.Fatalf("%d events for 11 notifications in a burst, want at most 3", events)
	}
}

// Without a session the stream is refused as /counts is: a bare 401.
func TestCountsStream_Unauthorised(t *testing.T) {
	f := newFixture(t)
	s := openStream(t, f.client(), f.ts.URL)
	if s.resp.StatusCode != http.StatusUnauthorized || strings.HasPrefix(s.resp.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("/counts/stream without a session: %d %v", s.resp.StatusCode, s.resp.Header)
	}
	if n := f.srv.Changes().subscribers(); n != 0 {
		t.Fatalf("%d subscribers after a refusal", n)
	}
}

// An idle stream carries keep-alive comments, and ends when its session
// does (signed out elsewhere).
func TestCountsStream_KeepAliveAndSignOut(t *testing.T) {
	f := newFixture(t)
	f.srv.keepAlive = 20 * time.Millisecond
	sara := f.signIn(1)
	s := openStream(t, sara, f.ts.URL)
	s.nextEvent()
	if m, ok := s.next(); !ok || m.comment != "keep-alive" || m.event != "" {
		t.Fatalf("an idle stream sent %+v (open %v), want a keep-alive comment", m, ok)
	}
	if resp := sara.do("/logout"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign out: %d", resp.StatusCode)
	}
	for {
		m, ok := s.next()
		if !ok {
			break
		}
		if m.event != "" {
			t.Fatalf("the stream of a signed-out session sent %+v", m)
		}
	}
}

// The server's shutdown ends open streams instead of waiting for them.
func TestCountsStream_EndsOnShutdown(t *testing.T) {
	f := newFixture(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- f.srv.Serve(sctx, ln) }()
	sara := f.signIn(1) // on the fixture's server: the same store holds the session
	s := openStream(t, sara, "http://"+ln.Addr().String())
	s.nextEvent()
	cancel()
	select {
	case err := <-done:
		if err != nil { // a drain that timed out waiting for the stream
			t.Fatalf("Serve returned %v with a stream open", err)
		}
	case <-time.After(streamTimeout):
		t.Fatal("Serve did not return")
	}
	for {
		if _, ok := s.next(); !ok {
			break
		}
	}
}
