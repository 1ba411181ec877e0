package web

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"
)

const (
	sessionCookie = "shenava_session"
	// seenEvery bounds how often a page view writes the session's last-seen
	// time.
	seenEvery = time.Minute
)

// session is a signed-in manager's record, stored under sessionKey of the
// cookie's value.
type session struct {
	Manager int64     `json:"m"`
	Created time.Time `json:"c"`
	Seen    time.Time `json:"s"`
	// CSRF is the token every change must carry.
	CSRF string `json:"x"`
	Lang string `json:"l"`
	// App: signed in as a Telegram Mini App, so Telegram may frame pages.
	App bool `json:"a,omitempty"`
}

// req is one authorised request.
type req struct {
	w    http.ResponseWriter
	r    *http.Request
	ctx  context.Context
	key  string // session key in the store
	sess session
	mgr  Manager
}

func (s *Server) live(ss session, now time.Time) bool {
	_, ok := s.managers[ss.Manager]
	return ok && now.Sub(ss.Seen) < s.cfg.SessionIdle && now.Sub(ss.Created) < s.cfg.SessionMax
}

// authed lets through requests of a live session of a current manager,
// and state-changing ones only with the session's CSRF token. Everyone
// else is sent to the signed-out page (a page) or refused (a change).
func (s *Server) authed(h func(*req)) http.Handler { return s.authorise(h, false) }

// polled lets through the background requests of a page (the inbox
// refreshing its counts) as authed does, except that they are not a
// manager's activity: they keep no session from its idle expiry, and a
// refusal is a bare 401 for the script, not a page.
func (s *Server) polled(h func(*req)) http.Handler { return s.authorise(h, true) }

func (s *Server) authorise(h func(*req), poll bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		now := s.now()
		ctx := r.Context()
		refuse := func(why string) {
			clearCookie(w, s.cfg.secure())
			if poll {
				http.Error(w, "signed out", http.StatusUnauthorized)
				return
			}
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/signed-out?why="+why, http.StatusSeeOther)
				return
			}
			s.errorPage(w, r, s.cfg.DefaultLang, http.StatusForbidden, "err.signin")
		}
		ck, err := r.Cookie(sessionCookie)
		if err != nil || ck.Value == "" || len(ck.Value) > 100 {
			refuse("none")
			return
		}
		key := sessionKey(ck.Value)
		raw, ok, err := s.st.WebSession(ctx, key)
		if err != nil {
			s.logger.Error("could not read a session", "error", err)
			s.errorPage(w, r, s.cfg.DefaultLang, http.StatusInternalServerError, "err.internal")
			return
		}
		var ss session
		if !ok || json.Unmarshal(raw, &ss) != nil {
			refuse("expired")
			return
		}
		if !s.live(ss, now) {
			// Expired, or the manager is no longer in the config.
			if err := s.st.PutWebSession(ctx, key, nil); err != nil {
				s.logger.Error("could not end a session", "error", err)
			}
			why := "expired"
			if _, ok := s.managers[ss.Manager]; !ok {
				why = "removed"
				s.logger.Info("session of a removed manager ended", "manager_id", ss.Manager)
			}
			refuse(why)
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			if !sameOrigin(r) {
				s.errorPage(w, r, ss.Lang, http.StatusForbidden, "err.csrf")
				return
			}
			if err := r.ParseForm(); err != nil || !tokenEqual(r.PostFormValue("csrf"), ss.CSRF) {
				s.logger.Warn("change refused: missing or wrong CSRF token", "path", r.URL.Path, "manager_id", ss.Manager)
				s.errorPage(w, r, ss.Lang, http.StatusForbidden, "err.csrf")
				return
			}
		}
		if !poll && now.Sub(ss.Seen) > seenEvery {
			ss.Seen = now
			if err := s.saveSession(ctx, key, ss); err != nil {
				s.logger.Warn("could not note a page view on the session", "error", err)
			}
		}
		if ss.App {
			allowFraming(w)
		}
		w.Header().Set("Cache-Control", "no-store")
		h(&req{w: w, r: r, ctx: ctx, key: key, sess: ss, mgr: s.managers[ss.Manager]})
	})
}

// sameOrigin refuses a change a browser says came from another site.
func sameOrigin(r *http.Request) bool {
	switch r.Header.Get("Sec-Fetch-Site") {
	case "", "same-origin", "none":
	default:
		return false
	}
	if o := r.Header.Get("Origin"); o != "" && o != "null" {
		u, err := url.Parse(o)
		if err != nil || !strings.EqualFold(u.Host, r.Host) {
			return false
		}
	}
	return true
}

func (s *Server) saveSession(ctx context.Context, key string, ss session) error {
	raw, err := json.Marshal(ss)
	if err != nil {
		return err
	}
	return s.st.PutWebSession(ctx, key, raw)
}

// startSession signs mgr in: a new session record and its cookie.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, mgr Manager, app bool) error {
	now := s.now()
	id := randomID()
	ss := session{Manager: mgr.ID, Created: now, Seen: now, CSRF: randomID(), Lang: mgr.Lang, App: app}
	if err := s.saveSession(r.Context(), sessionKey(id), ss); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: id, Path: "/", HttpOnly: true,
		Secure: s.cfg.secure() || app, SameSite: sameSite(app), MaxAge: int(s.cfg.SessionMax / time.Second)})
	s.logger.Info("manager signed in", "manager", mgr.Name, "mini_app", app)
	return nil
}

// sameSite is Strict, except for a Mini App in Telegram's web client,
// where the inbox is framed by another site and a Strict cookie would
// never be sent.
func sameSite(app bool) http.SameSite {
	if app {
		return http.SameSiteNoneMode
	}
	return http.SameSiteStrictMode
}

func clearCookie(w http.ResponseWriter, secure bool) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true, Secure: secure,
		SameSite: http.SameSiteStrictMode, MaxAge: -1})
}

func (s *Server) pruneSessions(ctx context.Context) (int, error) {
	now := s.now()
	return s.st.PruneWebSessions(ctx, func(rec []byte) bool {
		var ss session
		return json.Unmarshal(rec, &ss) == nil && s.live(ss, now)
	})
}

// loginPage shows a sign-in link's button. Opening the link signs no one
// in: chat apps fetch links for previews, and a preview must not use up a
// single-use link. The button posts it.
func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	lang := s.cfg.DefaultLang
	tok := r.URL.Query().Get("t")
	l, err := parseLinkToken(s.key, tok, s.now())
	if err != nil {
		s.linkRefused(w, r, lang, err)
		return
	}
	if m, ok := s.managers[l.Manager]; ok {
		lang = m.Lang
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "login", lang, loginView{Token: tok})
}

// login uses a sign-in link.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	lang := s.cfg.DefaultLang
	if !s.limiter.allow(clientAddr(r), s.now()) {
		s.logger.Warn("sign-in attempts over the limit", "client", clientAddr(r))
		s.errorPage(w, r, lang, http.StatusTooManyRequests, "err.slow")
		return
	}
	if !sameOrigin(r) {
		s.errorPage(w, r, lang, http.StatusForbidden, "err.csrf")
		return
	}
	now := s.now()
	l, err := parseLinkToken(s.key, r.PostFormValue("t"), now)
	if err == nil {
		var first bool
		first, err = s.st.UseWebLink(r.Context(), l.Nonce, l.Expires, now)
		if err != nil {
			s.logger.Error("could not record a sign-in link", "error", err)
			s.errorPage(w, r, lang, http.StatusInternalServerError, "err.internal")
			return
		}
		if !first {
			err = ErrLinkUsed
		}
	}
	mgr, ok := s.managers[l.Manager]
	if err == nil && !ok {
		err = ErrLinkInvalid
	}
	if err != nil {
		s.logger.Info("sign-in link refused", "reason", err.Error(), "client", clientAddr(r))
		s.linkRefused(w, r, lang, err)
		return
	}
	if err := s.startSession(w, r, mgr, false); err != nil {
		s.logger.Error("could not start a session", "error", err)
		s.errorPage(w, r, lang, http.StatusInternalServerError, "err.internal")
		return
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

func (s *Server) linkRefused(w http.ResponseWriter, r *http.Request, lang string, err error) {
	msg := "link.invalid"
	switch {
	case errors.Is(err, ErrLinkExpired):
		msg = "link.expired"
	case errors.Is(err, ErrLinkUsed):
		msg = "link.used"
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusGone, "message", lang, messageView{Message: msg, Hint: "link.hint"})
}

// appPage is the Mini App's entry: its embedded script posts Telegram's
// initData (from the URL fragment, never sent to any server but this one).
func (s *Server) appPage(w http.ResponseWriter, r *http.Request) {
	allowFraming(w)
	s.render(w, r, http.StatusOK, "app", s.cfg.DefaultLang, nil)
}

// appLogin signs a Mini App in by its initData.
func (s *Server) appLogin(w http.ResponseWriter, r *http.Request) {
	allowFraming(w)
	lang := s.cfg.DefaultLang
	if !s.limiter.allow(clientAddr(r), s.now()) {
		s.errorPage(w, r, lang, http.StatusTooManyRequests, "err.slow")
		return
	}
	id, err := checkInitData(s.cfg.BotToken.Reveal(), r.PostFormValue("init_data"), s.now(), MiniAppMaxAge)
	mgr, ok := s.managers[id]
	if err != nil || !ok {
		s.logger.Info("Mini App sign-in refused", "reason", errString(err, "not a manager"), "client", clientAddr(r))
		s.errorPage(w, r, lang, http.StatusForbidden, "err.signin")
		return
	}
	if err := s.startSession(w, r, mgr, true); err != nil {
		s.logger.Error("could not start a session", "error", err)
		s.errorPage(w, r, lang, http.StatusInternalServerError, "err.internal")
		return
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

func errString(err error, otherwise string) string {
	if err != nil {
		return err.Error()
	}
	return otherwise
}

func (s *Server) signedOut(w http.ResponseWriter, r *http.Request) {
	msg := "out.none"
	switch r.URL.Query().Get("why") {
	case "expired":
		msg = "out.expired"
	case "removed":
		msg = "out.removed"
	case "bye":
		msg = "out.bye"
	}
	s.render(w, r, http.StatusOK, "message", s.cfg.DefaultLang, messageView{Message: msg, Hint: "link.hint"})
}

func (s *Server) logout(q *req) {
	if err := s.st.PutWebSession(q.ctx, q.key, nil); err != nil {
		s.logger.Error("could not end a session", "error", err)
	}
	clearCookie(q.w, s.cfg.secure())
	s.logger.Info("manager signed out", "manager", q.mgr.Name)
	http.Redirect(q.w, q.r, "/signed-out?why=bye", http.StatusSeeOther)
}

func (s *Server) setLang(q *req) {
	lang := q.r.PostFormValue("lang")
	if lang != "en" {
		lang = "fa"
	}
	q.sess.Lang = lang
	if err := s.saveSession(q.ctx, q.key, q.sess); err != nil {
		s.logger.Error("could not save the language", "error", err)
	}
	http.Redirect(q.w, q.r, localPath(q.r.PostFormValue("back")), http.StatusSeeOther)
}

// localPath keeps a redirect on this site: a path, not //host or a scheme.
func localPath(p string) string {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") || strings.ContainsAny(p, "\r\n") {
		return "/"
	}
	return p
}
