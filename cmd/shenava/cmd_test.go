package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/telegramtest"
	"github.com/shenava/shenava/store"
)

// testEnv runs commands with buffers for streams and a fixed environment.
type testEnv struct {
	stdout, stderr bytes.Buffer
	vars           map[string]string
}

func (te *testEnv) env() env {
	return env{stdin: strings.NewReader(""), stdout: &te.stdout, stderr: &te.stderr,
		getenv: func(k string) string { return te.vars[k] }}
}

func (te *testEnv) run(t *testing.T, args ...string) error {
	t.Helper()
	te.stdout.Reset()
	te.stderr.Reset()
	return run(context.Background(), te.env(), args)
}

// writeConfig writes a minimal config with one file source into dir and
// returns its path. extra is appended as YAML.
func writeConfig(t *testing.T, dir, extra string) string {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, "mentions.jsonl"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := `brand:
  name: Shenava Coffee
  keywords: [shenava, شنوا]
sources:
  file:
    - name: replay
      path: mentions.jsonl
storage:
  path: shenava.db
` + extra
	path := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestRun_Usage(t *testing.T) {
	t.Parallel()
	var te testEnv
	if err := te.run(t); !errors.Is(err, errUsage) || exitCode(err) != 2 {
		t.Fatalf("no command: err=%v exit=%d, want a usage error (2)", err, exitCode(err))
	}
	if !strings.Contains(te.stdout.String(), "check") {
		t.Fatalf("usage does not list commands:\n%s", te.stdout.String())
	}
	if err := te.run(t, "frobnicate"); !errors.Is(err, errUsage) || !strings.Contains(err.Error(), "frobnicate") {
		t.Fatalf("unknown command err=%v", err)
	}
	if err := te.run(t, "backup", "-nope"); !errors.Is(err, errUsage) {
		t.Fatalf("bad flag err=%v, want a usage error", err)
	}
}

func TestCheck(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := writeConfig(t, dir, "")
	var te testEnv
	if err := te.run(t, "check", "-config", path); err != nil {
		t.Fatalf("check of a good config: %v\n%s", err, te.stdout.String())
	}
	if out := te.stdout.String(); !strings.Contains(out, "✓ config") || !strings.Contains(out, "✓ files") {
		t.Fatalf("check output:\n%s", out)
	}

	t.Run("EveryProblemAtOnce", func(t *testing.T) {
		bad := writeConfig(t, t.TempDir(), "listen:\n  jitter: 3\n  poll_intervall: 5m\n")
		err := te.run(t, "check", "-config", bad)
		if err == nil {
			t.Fatal("check accepted a bad config")
		}
		for _, want := range []string{"listen.jitter", "listen.poll_intervall: unknown key"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error does not name %s:\n%v", want, err)
			}
		}
	})

	t.Run("Model", func(t *testing.T) {
		dir := t.TempDir()
		shipped, err := os.ReadFile(filepath.Join("..", "..", "sentiment", "model", "sentiment.model"))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, "good.model"), shipped, 0o600)
		os.WriteFile(filepath.Join(dir, "bad.model"), shipped[:len(shipped)/2], 0o600)
		if err := te.run(t, "check", "-offline", "-config", writeConfig(t, dir, "routing:\n  model: good.model\n")); err != nil ||
			!strings.Contains(te.stdout.String(), "✓ model shenava-sentiment-") {
			t.Fatalf("check with a model file: err=%v\n%s", err, te.stdout.String())
		}
		for _, name := range []string{"bad.model", "missing.model"} {
			err := te.run(t, "check", "-offline", "-config", writeConfig(t, dir, "routing:\n  model: "+name+"\n"))
			if err == nil || !strings.Contains(te.stdout.String(), "✗ model") {
				t.Fatalf("check with routing.model %s: err=%v\n%s", name, err, te.stdout.String())
			}
		}
		if !strings.Contains(te.stdout.String(), "routing.model: "+filepath.Join(dir, "missing.model")+" does not exist") {
			t.Fatalf("a missing model file is not named with its key:\n%s", te.stdout.String())
		}
	})

	t.Run("MissingFile", func(t *testing.T) {
		dir := t.TempDir()
		p := writeConfig(t, dir, "")
		os.Remove(filepath.Join(dir, "mentions.jsonl"))
		err := te.run(t, "check", "-config", p)
		if err == nil || !strings.Contains(te.stdout.String(), "✗ files") || !strings.Contains(te.stdout.String(), "mentions.jsonl") {
			t.Fatalf("check with a missing source file: err=%v\n%s", err, te.stdout.String())
		}
	})
}

func seed(t *testing.T, path string) {
	t.Helper()
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	m := core.Mention{Platform: core.PlatformX, NativeID: "1", Author: core.Author{ID: "u"}, Text: "shenava", CreatedAt: time.Now()}
	if _, err := db.SaveBatch(context.Background(), "replay", "", []core.Decision{{Mention: m}}, time.Now()); err != nil {
		t.Fatal(err)
	}
}

func TestBackupAndCodes_Direct(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := writeConfig(t, dir, "metrics:\n  listen: \"\"\n")
	seed(t, filepath.Join(dir, "shenava.db"))
	var te testEnv
	out := filepath.Join(dir, "copy.db")
	if err := te.run(t, "backup", "-config", path, "-out", out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(te.stdout.String(), "1 mentions") {
		t.Fatalf("backup output: %s", te.stdout.String())
	}
	if err := te.run(t, "backup", "-config", path, "-out", out); err == nil {
		t.Fatal("backup overwrote an existing file")
	}
	codes := filepath.Join(dir, "codes.txt")
	os.WriteFile(codes, []byte("# spring campaign\nSPRING-1\nSPRING-2\n\nSPRING-1\n"), 0o600)
	if err := te.run(t, "codes", "add", "-config", path, codes); err != nil {
		t.Fatal(err)
	}
	if got := te.stdout.String(); !strings.Contains(got, "added 2 codes; refused 1 already loaded once") || !strings.Contains(got, "2 codes left") {
		t.Fatalf("codes add output: %s", got)
	}
	if err := te.run(t, "codes", "add", "-config", path, codes); err != nil || !strings.Contains(te.stdout.String(), "added 0 codes; refused 3") {
		t.Fatalf("second load: %v %s", err, te.stdout.String())
	}
	if err := te.run(t, "codes", "list"); !errors.Is(err, errUsage) {
		t.Fatalf("codes list err=%v, want usage", err)
	}
}

// While shenava runs it holds the file lock: backup and codes go through
// its loopback admin endpoint.
func TestBackupAndCodes_WhileRunning(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "shenava.db")
	seed(t, dbPath)
	db, err := store.Open(dbPath, store.Options{}) // the "daemon"
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(adminHandler(db, nil))
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	defer srv.Close()
	path := writeConfig(t, dir, fmt.Sprintf("metrics:\n  listen: %q\nstorage:\n  path: shenava.db\n  lock_timeout: 1s\n", ln.Addr().String()))
	// storage appears twice otherwise; rewrite without the first one
	raw, _ := os.ReadFile(path)
	os.WriteFile(path, []byte(strings.Replace(string(raw), "storage:\n  path: shenava.db\n", "", 1)), 0o600)

	var te testEnv
	out := filepath.Join(dir, "live-copy.db")
	if err := te.run(t, "backup", "-config", path, "-out", out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(te.stdout.String(), "1 mentions") {
		t.Fatalf("backup of a running database: %s", te.stdout.String())
	}
	codes := filepath.Join(dir, "codes.txt")
	os.WriteFile(codes, []byte("A\nB\n"), 0o600)
	if err := te.run(t, "codes", "add", "-config", path, codes); err != nil {
		t.Fatal(err)
	}
	if n, _ := db.CodesLeft(context.Background()); n != 2 {
		t.Fatalf("the running database has %d codes, want 2", n)
	}
}

// check calls each enabled platform once and names the one that fails.
func TestCheck_Credentials(t *testing.T) {
	t.Parallel()
	var gotAuth string
	status := http.StatusUnauthorized
	fake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotAuth = r.Header.Get("Authorization")
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path != "/2/users/123" {
			t.Errorf("check called %s, want /2/users/123", r.URL.Path)
		}
		w.WriteHeader(status)
		if status == http.StatusOK {
			fmt.Fprint(w, `{"data":{"id":"123","name":"Shenava Coffee","username":"shenavacoffee"}}`)
			return
		}
		fmt.Fprint(w, `{"title":"Unauthorized","type":"about:blank","status":401,"detail":"Unauthorized"}`)
	}))
	defer fake.Close()
	dir := t.TempDir()
	path := writeConfig(t, dir, fmt.Sprintf(`  x:
    enabled: true
    base_url: %s
    bearer_token: ${X_BEARER_TOKEN}
    user_id: "123"
`, fake.URL))
	// the x section belongs under sources: move it there
	raw, _ := os.ReadFile(path)
	fixed := strings.Replace(string(raw), "storage:\n  path: shenava.db\n  x:", "  x:", 1)
	fixed = strings.Replace(fixed, "sources:\n", "sources:\n", 1) + "storage:\n  path: shenava.db\n"
	os.WriteFile(path, []byte(fixed), 0o600)

	te := testEnv{vars: map[string]string{"X_BEARER_TOKEN": "app-token"}}
	err := te.run(t, "check", "-config", path)
	if err == nil || !strings.Contains(te.stdout.String(), "✗ x:") || !strings.Contains(te.stdout.String(), "credentials rejected") {
		t.Fatalf("check with a rejected token: err=%v\n%s", err, te.stdout.String())
	}
	if gotAuth != "Bearer app-token" {
		t.Fatalf("check sent Authorization %q, want the bearer token", gotAuth)
	}
	if strings.Contains(te.stdout.String(), "app-token") {
		t.Fatal("check printed the token")
	}
	status = http.StatusOK
	if err := te.run(t, "check", "-config", path); err != nil || !strings.Contains(te.stdout.String(), "✓ x") {
		t.Fatalf("check with a good token: err=%v\n%s", err, te.stdout.String())
	}
	if err := te.run(t, "check", "-offline", "-config", path); err != nil || strings.Contains(te.stdout.String(), "✓ x") {
		t.Fatalf("check -offline called X: err=%v\n%s", err, te.stdout.String())
	}
}

// A network failure is not a bad token: check says X could not be reached,
// names the check once, and reports a second failing credential on its own
// line.
func TestCheck_Unreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	dir := t.TempDir()
	path := writeConfig(t, dir, "")
	raw, _ := os.ReadFile(path)
	fixed := strings.Replace(string(raw), "sources:\n", fmt.Sprintf(`sources:
  x:
    enabled: true
    base_url: http://%s
    bearer_token: ${X_BEARER_TOKEN}
    oauth2_user_token: ${X_USER_TOKEN}
    user_id: "123"
`, addr), 1)
	os.WriteFile(path, []byte(fixed), 0o600)
	te := testEnv{vars: map[string]string{"X_BEARER_TOKEN": "app-token", "X_USER_TOKEN": "user-token"}}
	err = te.run(t, "check", "-config", path)
	out := te.stdout.String()
	if err == nil || !strings.Contains(out, "✗ x: bearer_token not checked: the X API could not be reached") ||
		!strings.Contains(out, "\n  user credentials not checked: the X API could not be reached") {
		t.Fatalf("check with X unreachable: err=%v\n%s", err, out)
	}
	if strings.Contains(out, "x: x:") || strings.Contains(out, "check bearer_token") {
		t.Fatalf("check blames the token or repeats its name:\n%s", out)
	}

	tg := writeConfig(t, dir, fmt.Sprintf(`telegram:
  enabled: true
  api_url: http://%s
  token: ${TELEGRAM_BOT_TOKEN}
  alert_chat_id: -100123
  managers:
    - id: 42
      name: Sara
`, addr))
	te.vars["TELEGRAM_BOT_TOKEN"] = "123456:secret"
	err = te.run(t, "check", "-config", tg)
	if out := te.stdout.String(); err == nil || !strings.Contains(out, "✗ telegram: bot: token not checked: the Bot API could not be reached") {
		t.Fatalf("check with the Bot API unreachable: err=%v\n%s", err, out)
	}
}

// check proves the Telegram token with one getMe against whatever Bot API
// server telegram.api_url names, and never prints the token.
func TestCheck_Telegram(t *testing.T) {
	t.Parallel()
	tg := telegramtest.New(t)
	dir := t.TempDir()
	path := writeConfig(t, dir, fmt.Sprintf(`telegram:
  enabled: true
  api_url: %s
  token: ${TELEGRAM_BOT_TOKEN}
  alert_chat_id: -100123
  managers:
    - id: 42
      name: Sara
`, tg.URL()))
	good := testEnv{vars: map[string]string{"TELEGRAM_BOT_TOKEN": tg.Token()}}
	if err := good.run(t, "check", "-config", path); err != nil || !strings.Contains(good.stdout.String(), "✓ telegram") {
		t.Fatalf("check with the right token: %v\n%s", err, good.stdout.String())
	}
	if n := len(tg.Calls("getMe")); n != 1 {
		t.Fatalf("check called getMe %d times, want once", n)
	}
	bad := testEnv{vars: map[string]string{"TELEGRAM_BOT_TOKEN": "123456:not-the-token"}}
	err := bad.run(t, "check", "-config", path)
	out := bad.stdout.String()
	if err == nil || !strings.Contains(out, "✗ telegram") || !strings.Contains(out, "token was rejected") {
		t.Fatalf("check with a refused token: %v\n%s", err, out)
	}
	if strings.Contains(out, "not-the-token") || strings.Contains(fmt.Sprint(err), "not-the-token") {
		t.Fatalf("check printed the token:\n%s", out)
	}
}
