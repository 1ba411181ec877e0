package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/pgtest"
	"github.com/shenava/shenava/internal/sharedtest"
	"github.com/shenava/shenava/internal/storetest"
	"github.com/shenava/shenava/store"
	"github.com/shenava/shenava/store/pgstore"
)

// streamWebConfig is the part of a config that serves the web inbox on
// addr to one manager, Sara (ID 5).
func streamWebConfig(addr string) string {
	return fmt.Sprintf(`telegram:
  managers:
    - {id: 5, name: Sara, lang: en}
metrics:
  listen: ""
web:
  listen: %q
  secret: ${WEB_SECRET}
`, addr)
}

const streamMention = `{"id":"1","platform":"x","author":{"id":"7","handle":"arash"},"text":"@shenava my order is two hours late, nobody answers the phone, this is terrible","created_at":"2026-11-22T08:00:00Z"}
`

// countStream is an open /counts/stream: each counts event's tab counts.
type countStream struct {
	events chan map[string]int
	body   io.Closer
}

func (s countStream) next(t *testing.T) (map[string]int, bool) {
	t.Helper()
	select {
	case c, ok := <-s.events:
		return c, ok
	case <-time.After(30 * time.Second):
		t.Fatal("no event on the count stream")
		return nil, false
	}
}

// until reads events until one satisfies ok.
func (s countStream) until(t *testing.T, what string, ok func(map[string]int) bool) {
	t.Helper()
	for {
		c, open := s.next(t)
		if !open {
			t.Fatalf("the count stream ended before %s", what)
		}
		if ok(c) {
			return
		}
	}
}

// signInAndStream signs Sara in with link on the daemon at addr and opens
// the inbox's count stream.
func signInAndStream(t *testing.T, addr, link string) (*http.Client, countStream) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar}
	u, _ := url.Parse(link)
	resp, err := hc.PostForm("http://"+addr+"/login", url.Values{"t": {u.Query().Get("t")}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("sign-in: %d", resp.StatusCode)
	}
	resp, err = hc.Get("http://" + addr + "/counts/stream")
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		resp.Body.Close()
		t.Fatalf("/counts/stream: %d %v", resp.StatusCode, resp.Header)
	}
	s := countStream{events: make(chan map[string]int, 100), body: resp.Body}
	t.Cleanup(func() { resp.Body.Close() })
	go func() {
		defer close(s.events)
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			data, ok := strings.CutPrefix(sc.Text(), "data: ")
			if !ok {
				continue
			}
			var d struct {
				Tabs map[string]struct {
					N int `json:"n"`
				} `json:"tabs"`
			}
			if json.Unmarshal([]byte(data), &d) != nil {
				return
			}
			c := map[string]int{}
			for k, v := range d.Tabs {
				c[k] = v.N
			}
			s.events <- c
		}
	}()
	return hc, s
}

// webLink prints Sara's sign-in link with `shenava web link`.
func webLink(t *testing.T, te *testEnv, path string) string {
	t.Helper()
	if err := te.run(t, "web", "link", "-config", path, "-manager", "5"); err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(te.stdout.String())
}

// stopDaemon cancels the daemon and checks that it stops cleanly, with
// the stream open, and that the stream then ends.
func stopDaemon(t *testing.T, cancel context.CancelFunc, done <-chan error, s countStream, stderr *syncBuffer) {
	t.Helper()
	cancel()
	select {
	case err := <-done:
		if err != nil { // the web inbox's drain timed out on the stream
			t.Fatalf("run returned %v with a count stream open\n%s", err, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("run did not stop")
	}
	for {
		if _, open := s.next(t); !open {
			return
		}
	}
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// On the bbolt file, a case changed in the daemon (here claimed in the
// web inbox) reaches the inbox's open count streams, and the daemon stops
// without waiting for them.
func TestRun_WebCountsStream(t *testing.T) {
	dir := t.TempDir()
	addr := sharedtest.FreeAddr(t)
	path := writeConfig(t, dir, streamWebConfig(addr))
	if err := os.WriteFile(filepath.Join(dir, "mentions.jsonl"), []byte(streamMention), 0o600); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{"WEB_SECRET": "a long operator secret"}
	te := testEnv{vars: vars}
	link := webLink(t, &te, path)

	var stdout, stderr syncBuffer
	e := env{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, getenv: func(k string) string { return vars[k] }}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- run(ctx, e, []string{"run", "-config", path}) }()
	waitFor(t, "the web inbox", func() bool { return strings.Contains(stderr.String(), "web inbox ready") })
	hc, s := signInAndStream(t, addr, link)
	s.until(t, "case #1 under New", func(c map[string]int) bool { return c["new"] == 1 })

	resp, err := hc.Get("http://" + addr + "/case/1")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := csrfField.FindSubmatch(page)
	if m == nil {
		t.Fatalf("no CSRF token on the case page:\n%s", page)
	}
	resp, err = hc.PostForm("http://"+addr+"/case/1/claim", url.Values{"csrf": {string(m[1])}, "g": {"c1"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	s.until(t, "case #1 under Claimed", func(c map[string]int) bool { return c["new"] == 0 && c["claimed"] == 1 })
	stopDaemon(t, cancel, done, s, &stderr)
}

// On PostgreSQL, a case changed through another handle on the database
// (another replica) reaches the count streams of this one, through its
// LISTEN.
func TestRun_WebCountsStreamPostgres(t *testing.T) {
	dsn := pgtest.DSN(t)
	dir := t.TempDir()
	addr := sharedtest.FreeAddr(t)
	if err := os.WriteFile(filepath.Join(dir, "mentions.jsonl"), []byte(streamMention), 0o600); err != nil {
		t.Fatal(err)
	}
	path := writePostgresConfig(t, dir, "  replica: shenava-stream\n"+streamWebConfig(addr))
	vars := map[string]string{"WEB_SECRET": "a long operator secret", "DATABASE_URL": dsn}
	te := testEnv{vars: vars}
	link := webLink(t, &te, path)

	var stdout, stderr syncBuffer
	e := env{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, getenv: func(k string) string { return vars[k] }}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- run(ctx, e, []string{"run", "-config", path}) }()
	waitFor(t, "the web inbox", func() bool { return strings.Contains(stderr.String(), "web inbox ready") })
	_, s := signInAndStream(t, addr, link)
	s.until(t, "case #1 under New", func(c map[string]int) bool { return c["new"] == 1 })

	other, err := pgstore.Open(context.Background(), pgstore.Options{DSN: dsn, NoMigrate: true})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, _, err := other.UpdateCase(context.Background(), 1, func(c *core.Case) ([]core.Action, error) {
		return nil, c.Claim("Sara", time.Now())
	}); err != nil {
		t.Fatal(err)
	}
	s.until(t, "case #1 under Claimed", func(c map[string]int) bool { return c["new"] == 0 && c["claimed"] == 1 })
	stopDaemon(t, cancel, done, s, &stderr)
}

// caseWatch tells of the writes that move cases, after they commit, and
// of no other.
func TestCaseWatch(t *testing.T) {
	t.Parallel()
	db := storetest.MustOpen(t, store.Options{})
	var n atomic.Int32
	w := caseWatch{Store: db, changed: func() { n.Add(1) }}
	ctx := context.Background()
	now := time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)
	mention := func(id string) core.Mention {
		return core.Mention{Platform: core.PlatformX, NativeID: id, Author: core.Author{ID: "a" + id}, Text: "order " + id,
			CreatedAt: now, FetchedAt: now}
	}
	step := func(what string, want int32, f func() error) {
		t.Helper()
		before := n.Load()
		if err := f(); err != nil && want != 0 {
			t.Fatalf("%s: %v", what, err)
		}
		if got := n.Load() - before; got != want {
			t.Fatalf("%s: %d notifications, want %d", what, got, want)
		}
	}
	step("a batch with no case", 0, func() error {
		_, err := w.SaveBatch(ctx, "s", "", []core.Decision{{Mention: mention("1")}}, now)
		return err
	})
	var id uint64
	step("a batch opening a case", 1, func() error {
		res, err := w.SaveBatch(ctx, "s", "", []core.Decision{{Mention: mention("2"), OpenCase: true}}, now)
		if err == nil {
			id = res.Cases[0].ID
		}
		return err
	})
	step("a claim", 1, func() error {
		_, _, err := w.UpdateCase(ctx, id, func(c *core.Case) ([]core.Action, error) { return nil, c.Claim("Sara", now) })
		return err
	})
	step("a refused change", 0, func() error {
		_, _, err := w.UpdateCase(ctx, id, func(c *core.Case) ([]core.Action, error) { return nil, errors.New("no") })
		return err
	})
	var alert core.Action
	step("an alert queued", 0, func() error {
		as, err := w.Enqueue(ctx, core.Action{Kind: core.ActionAlert, CaseID: id, DedupKey: "alert:test", CreatedAt: now})
		if err == nil {
			alert = as[0]
		}
		return err
	})
	step("the alert given up", 0, func() error {
		return w.Settle(ctx, core.Outcome{ActionID: alert.ID, State: core.ActionFailed, At: now, Error: "refused"})
	})
	step("an answer in doubt", 1, func() error {
		return w.Settle(ctx, core.Outcome{ActionID: alert.ID, State: core.ActionInDoubt, At: now, Error: "timed out"})
	})
	step("sent again", 1, func() error { return w.Resend(ctx, alert.ID, now) })
}
