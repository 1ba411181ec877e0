// Package web is the web inbox for community managers: the cases by state
// with filters and search, one case with its author, timeline and actions,
// every stored mention with a CSV export, and reports drawn as SVG on the
// server. It is served by `shenava run` in Persian (right to left) and
// English, for the same managers the bot allows.
//
// Managers sign in without passwords, with a single-use link from the
// bot's /web command (or `shenava web link`), or inside Telegram as a Mini
// App whose initData is checked against the bot token. Every change goes
// through the case workflows (casework), the same code the bot uses, and
// is recorded with the manager's name and "web".
//
// Pages are plain server-rendered HTML that reads without JavaScript; the
// only script, embedded, signs a Mini App in and keeps the inbox tabs'
// counts current from a stream of server-sent events (/counts/stream),
// falling back to polling /counts. Every request is authorised
// again (a manager removed from the config is signed out at the next
// click), every change carries a CSRF token, and the Content-Security-Policy
// allows no inline script.
package web

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/shenava/shenava/casework"
	"github.com/shenava/shenava/core"
)

//go:embed static/*
var assets embed.FS

// Store is what the inbox reads and writes. *store.DB satisfies it.
type Store interface {
	casework.Store
	Location() *time.Location
	IndexCases(ctx context.Context) error
	CasePage(ctx context.Context, q core.PageQuery) (core.CasePage, error)
	MentionPage(ctx context.Context, q core.PageQuery) (core.MentionPage, error)
	CaseCounts(ctx context.Context) (map[core.CaseState]int, error)
	// DoubtCases lists the cases with a reply or thank-you in doubt,
	// newest first, from an index.
	DoubtCases(ctx context.Context) ([]uint64, error)
	Author(ctx context.Context, key string) (core.AuthorHistory, error)
	CaseByMention(ctx context.Context, mentionKey string) (core.Case, error)
	DayCounts(ctx context.Context, day string) (core.Counts, error)
	ForEachCase(ctx context.Context, from, to time.Time, fn func(core.Case) error) error
	ForEachAction(ctx context.Context, from, to time.Time, fn func(core.Action) error) error
	ForEachMention(ctx context.Context, from, to time.Time, fn func(core.Mention) error) error
	WebSession(ctx context.Context, id string) ([]byte, bool, error)
	PutWebSession(ctx context.Context, id string, rec []byte) error
	PruneWebSessions(ctx context.Context, keep func(rec []byte) bool) (int, error)
	UseWebLink(ctx context.Context, nonce string, expires, now time.Time) (bool, error)
}

// Deps are what the inbox runs on. Store is required.
type Deps struct {
	Store Store
	// Capabilities says what can be done on a platform (the outbox's).
	Capabilities func(core.Platform) core.Capabilities
	// MentionCapabilities narrows them for one mention (the outbox's
	// CapabilitiesFor): Instagram's private-reply window, what can be
	// hidden. nil = the platform's.
	MentionCapabilities func(core.Mention) core.Capabilities
	// Wake is the outbox's Wake, called after replies were queued.
	Wake func()
	// Changes is told when cases change, and wakes the open count
	// streams (/counts/stream). nil = a broadcaster of the inbox's own.
	Changes *Changes
	Logger  *slog.Logger
	// Now is the clock.
	Now func() time.Time
}

// Server is the web inbox.
type Server struct {
	cfg      Config
	st       Store
	cases    *casework.Service
	logger   *slog.Logger
	now      func() time.Time
	key      []byte
	loc      *time.Location
	managers map[int64]Manager
	static   http.Handler
	limiter  *limiter
	gestures gestures
	changes  *Changes
	// quiet and keepAlive pace the count streams (streamQuiet,
	// streamKeepAlive).
	quiet, keepAlive time.Duration

	mu    sync.Mutex
	cache map[string]cached // the reports' top authors
}

type cached struct {
	at  time.Time
	val any
}

// New builds the inbox. It makes no network call; Run listens.
func New(cfg Config, d Deps) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	if d.Store == nil {
		return nil, errors.New("web: no store")
	}
	cfg = cfg.withDefaults()
	key, err := linkKey(cfg)
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, st: d.Store, logger: d.Logger, now: d.Now, key: key,
		loc: d.Store.Location(), managers: map[int64]Manager{}, limiter: newLimiter(10, time.Minute),
		cache: map[string]cached{}, changes: d.Changes, quiet: streamQuiet, keepAlive: streamKeepAlive}
	if s.changes == nil {
		s.changes = NewChanges()
	}
	if s.logger == nil {
		s.logger = slog.New(slog.DiscardHandler)
	}
	s.logger = s.logger.With("component", "web")
	if s.now == nil {
		s.now = time.Now
	}
	if s.loc == nil {
		s.loc = time.UTC
	}
	cc := casework.Config{Brand: cfg.Brand, Templates: cfg.Templates, UndoWindow: cfg.UndoWindow}
	for _, m := range cfg.Managers {
		if m.Lang != "en" {
			m.Lang = "fa"
		}
		s.managers[m.ID] = m
		cc.Managers = append(cc.Managers, m.Name)
	}
	now := func() time.Time { return s.now() }
	if s.cases, err = casework.New(cc, casework.Deps{Store: d.Store, Now: now, Capabilities: d.Capabilities,
		MentionCapabilities: d.MentionCapabilities, Wake: d.Wake, Logger: s.logger}); err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	static, _ := fs.Sub(assets, "static")
	s.static = http.StripPrefix("/static/", http.FileServerFS(static))
	return s, nil
}

// SetClock replaces the wall clock.
func (s *Server) SetClock(now func() time.Time) { s.now = now }

// LinkFor makes a single-use sign-in link for the manager with this
// Telegram ID, valid for LinkTTL.
func (s *Server) LinkFor(managerID int64) (string, error) {
	return LinkFor(s.cfg, managerID, s.now())
}

// LinkFor makes a sign-in link under cfg's key, for the command line,
// which cannot reach a running daemon's store.
func LinkFor(cfg Config, managerID int64, now time.Time) (string, error) {
	key, err := linkKey(cfg)
	if err != nil {
		return "", err
	}
	known := false
	for _, m := range cfg.Managers {
		known = known || m.ID == managerID
	}
	if !known {
		return "", fmt.Errorf("web: %d is not one of the managers in telegram.managers", managerID)
	}
	return cfg.Base() + "/login?t=" + newLinkToken(key, managerID, now), nil
}

// Changes is the broadcaster that wakes the count streams.
func (s *Server) Changes() *Changes { return s.changes }

// Run serves on cfg.Listen until ctx ends, then drains for up to five
// seconds; open count streams end at once. Expired sessions are pruned every hour.
func (s *Server) Run(ctx context.Context) error {
	if err := s.st.IndexCases(ctx); err != nil {
		return fmt.Errorf("web: %w", err)
	}
	ln, err := net.Listen("tcp", s.cfg.Listen)
	if err != nil {
		return fmt.Errorf("web: listen on %s (web.listen): %w", s.cfg.Listen, err)
	}
	return s.Serve(ctx, ln)
}

// Serve is Run on a listener the caller opened.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	stop := make(chan struct{})
	srv := &http.Server{Handler: s.handler(stop), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		IdleTimeout: 2 * time.Minute, ErrorLog: slog.NewLogLogger(s.logger.Handler(), slog.LevelWarn),
		BaseContext: func(net.Listener) context.Context { return context.WithoutCancel(ctx) }}
	// Shutdown waits for every request to end, and a stream ends only
	// when told.
	srv.RegisterOnShutdown(func() { close(stop) })
	s.logger.Info("web inbox ready", "listen", ln.Addr().String(), "base_url", s.cfg.Base())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	tick := time.NewTicker(time.Hour)
	defer tick.Stop()
	for {
		select {
		case err := <-errc:
			return fmt.Errorf("web: %w", err)
		case <-tick.C:
			if n, err := s.pruneSessions(ctx); err != nil {
				s.logger.Warn("could not prune sessions", "error", err)
			} else if n > 0 {
				s.logger.Info("expired sessions pruned", "sessions", n)
			}
		case <-ctx.Done():
			sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer cancel()
			if err := srv.Shutdown(sctx); err != nil {
				return fmt.Errorf("web: shutdown: %w", err)
			}
			return nil
		}
	}
}

// Handler serves every page. Its count streams end when their clients
// go; Serve's also when it shuts down.
func (s *Server) Handler() http.Handler { return s.handler(nil) }

// handler serves every page; closing stop ends the count streams.
func (s *Server) handler(stop <-chan struct{}) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /static/", s.static)
	mux.HandleFunc("GET /login", s.loginPage)
	mux.HandleFunc("POST /login", s.login)
	mux.HandleFunc("GET /app", s.appPage)
	mux.HandleFunc("POST /app", s.appLogin)
	mux.HandleFunc("GET /signed-out", s.signedOut)
	mux.Handle("POST /logout", s.authed(s.logout))
	mux.Handle("POST /lang", s.authed(s.setLang))
	mux.Handle("GET /{$}", s.authed(s.inbox))
	mux.Handle("GET /counts", s.polled(s.countsJSON))
	mux.Handle("GET /counts/stream", s.polled(s.countsStream(stop)))
	mux.Handle("GET /case/{id}", s.authed(s.casePage))
	mux.Handle("POST /case/{id}/{verb}", s.authed(s.caseAction))
	mux.Handle("GET /mentions", s.authed(s.mentions))
	mux.Handle("GET /mentions.csv", s.authed(s.mentionsCSV))
	mux.Handle("GET /reports", s.authed(s.reports))
	return s.headers(mux)
}

// headers sets the security headers every response carries. Pages of a
// Mini App session may be framed by Telegram's web client; every other
// page by nobody.
func (s *Server) headers(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp(false))
		h.Set("X-Frame-Options", "DENY")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		if s.cfg.secure() {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}

// miniAppOrigin is the Telegram web client, which frames Mini Apps.
const miniAppOrigin = "https://web.telegram.org"

func csp(miniApp bool) string {
	frame := "'none'"
	if miniApp {
		frame = miniAppOrigin
	}
	return "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self' data:; " +
		"form-action 'self'; base-uri 'none'; frame-ancestors " + frame
}

// allowFraming lets Telegram's web client frame this response.
func allowFraming(w http.ResponseWriter) {
	w.Header().Set("Content-Security-Policy", csp(true))
	w.Header().Del("X-Frame-Options")
}

// limiter counts sign-in attempts per client address in fixed windows.
type limiter struct {
	mu     sync.Mutex
	n      int
	window time.Duration
	seen   map[string]*attempts
}

type attempts struct {
	start time.Time
	n     int
}

func newLimiter(n int, window time.Duration) *limiter {
	return &limiter{n: n, window: window, seen: map[string]*attempts{}}
}

// allow counts one attempt from addr and reports whether it is within the
// limit.
func (l *limiter) allow(addr string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.seen) > 10000 {
		for k, a := range l.seen {
			if now.Sub(a.start) > l.window {
				delete(l.seen, k)
			}
		}
	}
	a := l.seen[addr]
	if a == nil || now.Sub(a.start) > l.window {
		a = &attempts{start: now}
		l.seen[addr] = a
	}
	a.n++
	return a.n <= l.n
}

func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
