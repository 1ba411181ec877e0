package e2e

// Helpers shared by the crash, fault, security and load tests: the real
// binary, a handle on a running daemon, fixtures from the sentiment test
// sets, a fault-injecting http.Handler, and a latency proxy.

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/shenava/shenava/bot"
	"github.com/shenava/shenava/brand"
	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/conf"
	"github.com/shenava/shenava/internal/modroot"
	"github.com/shenava/shenava/internal/pgtest"
	"github.com/shenava/shenava/internal/storetest"
	"github.com/shenava/shenava/internal/telegramtest"
	"github.com/shenava/shenava/listen"
	"github.com/shenava/shenava/sentiment"
	"github.com/shenava/shenava/store"
)

// TestMain removes the binary the tests built and stops the PostgreSQL
// cluster they started (internal/pgtest), if any.
func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	pgtest.Stop()
	os.Exit(code)
}

// The binary is built once per test run, on first use.
var (
	binOnce sync.Once
	binDir  string
	binPath string
	binErr  error
)

// mustBinary builds ./cmd/shenava as a release is built (the Makefile's
// and the Dockerfile's flags: no paths, no symbol table or DWARF), so that
// TestBinarySize measures what operators install.
func mustBinary(tb testing.TB) string {
	tb.Helper()
	binOnce.Do(func() {
		root, err := modroot.Find()
		if err != nil {
			binErr = err
			return
		}
		if binDir, err = os.MkdirTemp("", "shenava-e2e-"); err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(binDir, "shenava")
		cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", binPath, "./cmd/shenava")
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			binErr = fmt.Errorf("go build ./cmd/shenava: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		tb.Fatal(binErr)
	}
	return binPath
}

// logBuffer collects a process's or a logger's output; safe for
// concurrent writers and readers.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// proc is one run of `shenava run`.
type proc struct {
	cmd    *exec.Cmd
	out    *logBuffer // stdout and stderr
	exited chan struct{}
	err    error
}

// startDaemon runs `shenava run -config cfg` with exactly env as its
// environment (plus PATH), output into out.
func startDaemon(tb testing.TB, bin, cfg string, env []string, out *logBuffer) *proc {
	tb.Helper()
	cmd := exec.Command(bin, "run", "-config", cfg)
	cmd.Dir = filepath.Dir(cfg)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH")}, env...)
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	p := &proc{cmd: cmd, out: out, exited: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		close(p.exited)
	}()
	tb.Cleanup(func() { p.stop(syscall.SIGKILL, 10*time.Second) })
	return p
}

// stop sends sig and waits for the process to exit; it reports whether it
// exited within wait.
func (p *proc) stop(sig syscall.Signal, wait time.Duration) bool {
	select {
	case <-p.exited:
		return true
	default:
	}
	_ = p.cmd.Process.Signal(sig)
	select {
	case <-p.exited:
		return true
	case <-time.After(wait):
		_ = p.cmd.Process.Kill()
		<-p.exited
		return false
	}
}

// waitFor polls cond until it holds; it fails the test after timeout,
// naming what it waited for.
func waitFor(tb testing.TB, what string, timeout time.Duration, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("gave up after %s waiting for %s", timeout, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func writeFile(tb testing.TB, path, content string, mode os.FileMode) {
	tb.Helper()
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		tb.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil { // whatever the umask
		tb.Fatal(err)
	}
}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

// slogJSON logs everything, debug included, as JSON into w.
func slogJSON(w io.Writer) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// sample is one labelled text from the sentiment package's own test sets
// (not the shared data sets).
type sample struct {
	text, lang string
	label      core.Label
	referral   bool
}

// samples reads sentiment/testdata: brand mentions in fa/en, referrals and
// Finglish posts, in file order.
func samples(tb testing.TB) []sample {
	tb.Helper()
	root, err := modroot.Find()
	if err != nil {
		tb.Fatal(err)
	}
	var out []sample
	read := func(name string, row func(cols map[string]string)) {
		f, err := os.Open(filepath.Join(root, "sentiment", "testdata", name))
		if err != nil {
			tb.Fatal(err)
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		var header []string
		for sc.Scan() {
			cells := strings.Split(sc.Text(), "\t")
			if header == nil {
				header = cells
				continue
			}
			if len(cells) != len(header) {
				continue
			}
			cols := map[string]string{}
			for i, h := range header {
				cols[h] = cells[i]
			}
			row(cols)
		}
		if err := sc.Err(); err != nil {
			tb.Fatal(err)
		}
	}
	for _, name := range []string{"brand/dev.tsv", "brand/test.tsv", "referral/train.tsv", "referral/test.tsv", "finglish/test.tsv"} {
		read(name, func(c map[string]string) {
			out = append(out, sample{text: c["text"], lang: c["lang"], label: core.Label(c["label"]), referral: c["referral"] == "yes"})
		})
	}
	if len(out) < 500 {
		tb.Fatalf("only %d samples in sentiment/testdata", len(out))
	}
	return out
}

// intent is what the pipeline should do with a mention.
type intent int

const (
	intentNone   intent = iota
	intentAlert         // a clear complaint: a case and an alert
	intentThanks        // a clear referral: a thank-you
)

// classifier picks texts the shipped model reads clearly, so a test's
// expectations follow from the model rather than from hand labels.
type classifier struct {
	model   *sentiment.Model
	matcher *brand.Matcher
}

func newClassifier(tb testing.TB, keywords []string) *classifier {
	tb.Helper()
	model, err := sentiment.Load()
	if err != nil {
		tb.Fatal(err)
	}
	m, err := brand.New(brand.Config{Keywords: keywords})
	if err != nil {
		tb.Fatal(err)
	}
	return &classifier{model: model, matcher: m}
}

// intentOf says what the default routing does with text (a clear
// complaint alerts; a referral is thanked by listen.Thanks at the default
// threshold), and whether the model is clear about it (margins well away
// from the thresholds).
func (c *classifier) intentOf(text string) (intent, bool) {
	a := c.model.Analyze(text)
	switch {
	case a.Label == core.LabelNegative && a.Scores.Negative >= 0.6:
		return intentAlert, a.Scores.Negative >= 0.8 && !a.Referral
	case listen.Thanks(a, listen.DefaultReferralThreshold):
		return intentThanks, a.ReferralScore >= 0.95
	}
	clear := a.ReferralScore < 0.3 && (a.Label != core.LabelNegative || a.Scores.Negative < 0.4)
	return intentNone, clear
}

func (c *classifier) about(text string) bool {
	return c.matcher.About(core.Mention{Platform: core.PlatformX, Text: text})
}

// pick returns n texts (brand keyword prepended) that the model reads
// clearly with the wanted intent, cycling through the samples.
func (c *classifier) pick(tb testing.TB, ss []sample, want intent, n int, prefix string) []string {
	tb.Helper()
	var out []string
	seen := map[string]bool{}
	for _, s := range ss {
		text := prefix + s.text
		if seen[text] {
			continue
		}
		if got, clear := c.intentOf(text); got == want && clear && c.about(text) {
			seen[text] = true
			out = append(out, text)
			if len(out) == n {
				return out
			}
		}
	}
	tb.Fatalf("only %d texts the model clearly reads as %v; want %d", len(out), want, n)
	return nil
}

// fault is one way a server can fail a request.
type fault struct {
	status      int
	header      map[string]string
	body        string
	contentType string
	hang        bool // never answer: the client must time out
	reset       bool // close the connection without an answer
	truncate    bool // the real answer, cut in half
	huge        int  // a 200 whose JSON body runs on for this many bytes
	// effect carries the call out before answering with the fault (a post
	// is created, then the answer is broken).
	effect bool
	// echo, when set, makes the body from the request (a proxy's error
	// page that quotes what it was asked).
	echo func(*http.Request) string
}

// injector wraps a fake platform's handler and makes it fail the next
// calls matching a filter, then heal.
type injector struct {
	mu      sync.Mutex
	match   func(*http.Request) bool
	left    int
	f       fault
	injects int
	seen    int // every request, failed or passed on
	done    chan struct{}
}

func newInjector(tb testing.TB) *injector {
	in := &injector{done: make(chan struct{})}
	tb.Cleanup(func() { close(in.done) })
	return in
}

// failNext makes the next n requests that match fail with f (match nil:
// every request).
func (in *injector) failNext(n int, match func(*http.Request) bool, f fault) {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.left, in.match, in.f = n, match, f
}

// injected counts the failures served so far.
func (in *injector) injected() int {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.injects
}

// heal ends the failures still pending.
func (in *injector) heal() {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.left = 0
}

// total counts every request that reached the server.
func (in *injector) total() int {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.seen
}

func (in *injector) take(r *http.Request) (fault, bool) {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.seen++
	if in.left == 0 || (in.match != nil && !in.match(r)) {
		return fault{}, false
	}
	in.left--
	in.injects++
	return in.f, true
}

func (in *injector) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, ok := in.take(r)
		if !ok {
			next.ServeHTTP(w, r)
			return
		}
		if f.effect {
			next.ServeHTTP(httptest.NewRecorder(), r)
		}
		switch {
		case f.hang:
			// Read the request whole, so the server notices the client
			// hanging up (its context ends) and the handler returns.
			io.Copy(io.Discard, r.Body)
			select {
			case <-r.Context().Done():
			case <-in.done:
			case <-time.After(time.Minute):
			}
		case f.reset:
			if hj, ok := w.(http.Hijacker); ok {
				if conn, _, err := hj.Hijack(); err == nil {
					conn.Close()
					return
				}
			}
			panic(http.ErrAbortHandler)
		case f.truncate:
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			for k, vs := range rec.Header() {
				w.Header()[k] = vs
			}
			w.Header().Del("Content-Length")
			w.WriteHeader(rec.Code)
			body := rec.Body.Bytes()
			w.Write(body[:len(body)/2])
		case f.huge > 0:
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(cmp.Or(f.status, http.StatusOK))
			io.WriteString(w, `{"data":[`)
			chunk := []byte(strings.Repeat(`{"id":"1","text":"spam"},`, 2000))
			for n := 0; n < f.huge; n += len(chunk) {
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		default:
			for k, v := range f.header {
				w.Header().Set(k, v)
			}
			if f.contentType != "" {
				w.Header().Set("Content-Type", f.contentType)
			}
			body := f.body
			if f.echo != nil {
				body = f.echo(r)
			}
			w.WriteHeader(f.status)
			io.WriteString(w, body)
		}
	})
}

// proxy forwards every request to target through wrap (an injector).
func proxy(tb testing.TB, target string, wrap func(http.Handler) http.Handler) *httptest.Server {
	tb.Helper()
	u, err := url.Parse(target)
	if err != nil {
		tb.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(u)
	rp.ErrorHandler = func(w http.ResponseWriter, _ *http.Request, _ error) { w.WriteHeader(http.StatusBadGateway) }
	srv := httptest.NewServer(wrap(rp))
	tb.Cleanup(srv.Close)
	return srv
}

// slowProxy forwards to target slowly: each request takes delay() to get
// there (a client killed meanwhile leaves no trace), and each answer is
// held back for delay() after the target carried the call out (a client
// killed then had its call take effect without hearing about it). skip
// exempts calls (long polls) from the delays.
func slowProxy(tb testing.TB, target string, delay func() time.Duration, skip func(*http.Request) bool) *httptest.Server {
	tb.Helper()
	u, err := url.Parse(target)
	if err != nil {
		tb.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(u)
	rp.ErrorLog = nil
	rp.ErrorHandler = func(w http.ResponseWriter, _ *http.Request, _ error) { w.WriteHeader(http.StatusBadGateway) }
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if skip != nil && skip(r) {
			rp.ServeHTTP(w, r)
			return
		}
		// Read the whole request first: a client killed mid-request sends
		// nothing on.
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return
		}
		select {
		case <-time.After(delay()):
		case <-r.Context().Done():
			return
		}
		r2 := r.Clone(context.WithoutCancel(r.Context()))
		r2.Body = io.NopCloser(bytes.NewReader(body))
		rec := httptest.NewRecorder()
		rp.ServeHTTP(rec, r2)
		select {
		case <-time.After(delay()):
		case <-r.Context().Done():
			return
		}
		for k, vs := range rec.Header() {
			w.Header()[k] = vs
		}
		w.WriteHeader(rec.Code)
		w.Write(rec.Body.Bytes())
	}))
	tb.Cleanup(srv.Close)
	return srv
}

// koalaManagersBot is the managers' bot of the Koala tests (Sara, in
// Persian) wired to an outbox that answers through repliers: the bot
// reaches the outbox's capabilities and wake-up through funcs bound once

// koalaParts is what the Koala café's in-process pipelines share: an empty
// store, the shipped model, and the brand matcher for "Koala"/«کوالا».
func koalaParts(t *testing.T) (*store.DB, *sentiment.Model, *brand.Matcher) {
	t.Helper()
	db := storetest.MustOpen(t, store.Options{})
	model, err := sentiment.Load()
	if err != nil {
		t.Fatal(err)
	}
	matcher, err := brand.New(brand.Config{Keywords: []string{"Koala", "کوالا"}})
	if err != nil {
		t.Fatal(err)
	}
	return db, model, matcher
}

// both exist, as the daemon wires them.
func koalaManagersBot(t *testing.T, tg *telegramtest.Server, alertChat, sara int64, db *store.DB, logger *slog.Logger,
	repliers func(b *bot.Bot) map[core.Platform]listen.Replier) (*bot.Bot, *listen.Outbox) {
	t.Helper()
	var outbox *listen.Outbox
	b, err := bot.New(bot.Config{
		APIURL: tg.URL(), Token: conf.NewSecret(tg.Token()), AlertChatID: alertChat,
		Managers: []bot.Manager{{ID: sara, Name: "Sara", Lang: bot.LangPersian}},
		Brand:    "Koala", PollTimeout: time.Second, DefaultLang: bot.LangPersian,
	}, bot.Deps{Store: db, Logger: logger,
		Capabilities:        func(p core.Platform) core.Capabilities { return outbox.Capabilities(p) },
		MentionCapabilities: func(m core.Mention) core.Capabilities { return outbox.CapabilitiesFor(m) },
		Wake:                func() { outbox.Wake() }})
	if err != nil {
		t.Fatal(err)
	}
	outbox = listen.NewOutbox(db, b, repliers(b), listen.OutboxConfig{Poll: 20 * time.Millisecond}, logger)
	return b, outbox
}
