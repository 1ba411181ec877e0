package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shenava/shenava/internal/sharedtest"
	"github.com/shenava/shenava/store"
)

// syncBuffer is a bytes.Buffer safe for the daemon's writers and the
// test's readers at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestDemo(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{"en", "fa"} {
		t.Run(lang, func(t *testing.T) {
			var te testEnv
			if err := te.run(t, "demo", "-lang", lang); err != nil {
				t.Fatalf("demo: %v\n%s", err, te.stderr.String())
			}
			out := te.stdout.String()
			alerts := strings.Count(out, "🔔 ALERT case #")
			m := regexp.MustCompile(`(\d+) complaints needed a manager`).FindStringSubmatch(out)
			if m == nil || m[1] != fmt.Sprint(alerts) || alerts == 0 {
				t.Fatalf("demo printed %d alerts for %v complaints:\n%s", alerts, m, out)
			}
			for _, want := range []string{"↩️  REPLY on", "✉️  PRIVATE on", "🧑‍💼 Sara claims case #1", "ℹ️  SLA:",
				"== The morning digest", map[string]string{"en": "Shenava daily digest", "fa": "گزارش روزانهٔ شنوا"}[lang]} {
				if !strings.Contains(out, want) {
					t.Errorf("demo output lacks %q", want)
				}
			}
			// Each reward code is handed out at most once, and the brand's own post gets nothing.
			for _, code := range demoCodes {
				if n := strings.Count(out, code); n > 1 {
					t.Errorf("code %s handed out %d times", code, n)
				}
			}
			if strings.Contains(out, "to @shenavacoffee") {
				t.Error("the demo answered the brand's own account")
			}
		})
	}
}

func httpGet(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// The daemon runs the configured pipeline, serves health and metrics, and
// stops cleanly when its context ends (SIGINT/SIGTERM in main).
func TestRun(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	addr := sharedtest.FreeAddr(t)
	path := writeConfig(t, dir, fmt.Sprintf("metrics:\n  listen: %q\nlog:\n  level: debug\n", addr))
	mentions := `{"id":"1","platform":"x","author":{"id":"7","handle":"arash"},"text":"@shenava my order is two hours late, nobody answers the phone, this is terrible","created_at":"2026-11-22T08:00:00Z"}
{"id":"2","platform":"x","author":{"id":"8","handle":"mina"},"text":"شنوا بهترین قهوه شهر رو داره، به همه دوستام معرفیش کردم","created_at":"2026-11-22T08:05:00Z"}
{"id":"3","platform":"x","author":{"id":"9","handle":"bob"},"text":"nothing to do with us","created_at":"2026-11-22T08:06:00Z"}
`
	if err := os.WriteFile(filepath.Join(dir, "mentions.jsonl"), []byte(mentions), 0o600); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr syncBuffer
	e := env{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, e, []string{"run", "-config", path}) }()

	waitFor(t, "the alert", func() bool { return strings.Contains(stdout.String(), "🔔 ALERT case #1") })
	waitFor(t, "metrics", func() bool {
		_, body := httpGet(t, "http://"+addr+"/metrics")
		return strings.Contains(body, `shenava_mentions_ingested_total{label="negative",source="replay"} 1`)
	})
	if code, body := httpGet(t, "http://"+addr+"/healthz"); code != http.StatusOK || !strings.Contains(body, `"replay"`) {
		t.Fatalf("/healthz: %d %s", code, body)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run returned %v after shutdown\n%s", err, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("run did not stop after its context ended")
	}
	if !strings.Contains(stderr.String(), "shenava stopped") {
		t.Fatalf("no clean-stop log line:\n%s", stderr.String())
	}
	// The database is released and holds what was read.
	db, err := store.Open(filepath.Join(dir, "shenava.db"), store.Options{LockTimeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if n, _ := db.MentionCount(context.Background()); n != 2 {
		t.Fatalf("%d mentions stored, want 2 (the third is not about the brand)", n)
	}
}

// A second instance that cannot start, on a busy port or a held database
// lock, leaves no file it created and says why.
func TestRun_SecondInstance(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	dir := t.TempDir()
	path := writeConfig(t, dir, fmt.Sprintf("metrics:\n  listen: %q\n", busy.Addr().String()))
	var te testEnv
	err = te.run(t, "run", "-config", path)
	if err == nil || !strings.Contains(err.Error(), "metrics: listen on") {
		t.Fatalf("run on a busy port: %v, want a listen error", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "shenava.db")); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("the failed start left its database file: %v", err)
	}

	// The database of a running instance is kept, busy port or not.
	db, err := store.Open(filepath.Join(dir, "shenava.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if err := te.run(t, "run", "-config", path); err == nil {
		t.Fatal("run on a busy port succeeded")
	}
	if _, err := os.Stat(filepath.Join(dir, "shenava.db")); err != nil {
		t.Fatalf("a failed start removed a database it did not create: %v", err)
	}
	held, err := store.Open(filepath.Join(dir, "shenava.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	other := writeConfig(t, dir, "  lock_timeout: 50ms\n")
	if err := te.run(t, "run", "-config", other); !errors.Is(err, store.ErrLocked) {
		t.Fatalf("run on a held database: %v, want store.ErrLocked", err)
	}
}

func TestRun_BadModel(t *testing.T) {
	t.Parallel()
	var te testEnv
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "broken.model"), []byte("not a model"), 0o600)
	err := te.run(t, "run", "-config", writeConfig(t, dir, "routing:\n  model: broken.model\n"))
	if err == nil || !strings.Contains(err.Error(), "routing.model") {
		t.Fatalf("run with a broken model file: %v, want an error naming routing.model", err)
	}
}

func TestRun_BadConfig(t *testing.T) {
	t.Parallel()
	var te testEnv
	path := writeConfig(t, t.TempDir(), "telegram:\n  enabled: true\n")
	err := te.run(t, "run", "-config", path)
	if err == nil || !strings.Contains(err.Error(), "telegram.token") {
		t.Fatalf("run with telegram on and no token: %v, want an error naming telegram.token", err)
	}
}
