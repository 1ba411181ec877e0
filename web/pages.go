package web

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/shenava/shenava/casework"
	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/locale"
	"github.com/shenava/shenava/internal/safehtml"
)

// page is what every page is written from.
type page struct {
	Lang, Dir string
	Signed    bool
	Mgr       Manager
	CSRF      string
	// Path is the page's own path and query, for the language switch.
	Path string
	Nav  string
	Data any
}

func dir(lang string) string {
	if lang == "fa" {
		return "rtl"
	}
	return "ltr"
}

// render writes a page that needs no signed-in manager.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name, lang string, data any) {
	s.renderPage(w, status, name, page{Lang: lang, Dir: dir(lang), Data: data, Path: "/"})
}

func (s *Server) renderPage(w http.ResponseWriter, status int, name string, p page) {
	var buf safehtml.Writer
	if !writePage(&buf, name, &p) {
		s.logger.Error("could not render a page", "page", name, "error", "no such page")
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

func (s *Server) show(q *req, nav, name string, data any) {
	lang := q.sess.Lang
	s.renderPage(q.w, http.StatusOK, name, page{Lang: lang, Dir: dir(lang), Signed: true, Mgr: q.mgr,
		CSRF: q.sess.CSRF, Path: q.r.URL.RequestURI(), Nav: nav, Data: data})
}

func (s *Server) errorPage(w http.ResponseWriter, r *http.Request, lang string, status int, msg string) {
	s.render(w, r, status, "message", lang, messageView{Message: msg})
}

func (s *Server) fail(q *req, status int, msg string, err error) {
	if err != nil {
		s.logger.Error("page failed", "path", q.r.URL.Path, "error", err)
	}
	s.renderPage(q.w, status, "message", page{Lang: q.sess.Lang, Dir: dir(q.sess.Lang), Signed: true, Mgr: q.mgr,
		CSRF: q.sess.CSRF, Path: "/", Data: messageView{Message: msg}})
}

// ---- inbox ---------------------------------------------------------------

// A page shows pageSize rows and looks at no more than its budget of
// records to find them (a case costs about twice a mention to read), so
// that a search that matches little still answers in well under 100 ms;
// "look further back" continues from where it stopped.
const (
	pageSize      = 50
	caseBudget    = 2000
	mentionBudget = 4000
	// lookFor bounds the wall-clock time a page spends looking, whatever
	// the budget: on a busy machine it stops sooner.
	lookFor = 50 * time.Millisecond
)

type option struct {
	Value, Name string
	Selected    bool
}

type tabView struct {
	Key, Name, URL string
	Count          int
	Active         bool
}

type rowView struct {
	ID        uint64
	URL       string
	Author    string
	Followers int
	VIP       bool
	Platform  string
	Lang      string
	Label     string
	LabelKey  string
	State     string
	ClaimedBy string
	When      string
	Text      string
}

type listView struct {
	F        Filter
	Tabs     []tabView
	Rows     []rowView
	Next     string
	Partial  bool
	Reached  string
	Newest   string
	Options  filterOptions
	CSV      string
	Total    int
	Mentions bool
}

type filterOptions struct {
	Platforms, Langs, Labels, Managers []option
}

func (s *Server) options(lang string, f Filter) filterOptions {
	var o filterOptions
	for _, p := range core.Platforms {
		o.Platforms = append(o.Platforms, option{string(p), locale.Platform(lang, p), f.Platform == p})
	}
	for _, l := range []string{"fa", "en", "fi", "mix"} {
		o.Langs = append(o.Langs, option{l, tr(lang, "lang."+l), f.Lang == l})
	}
	for _, l := range core.Labels {
		o.Labels = append(o.Labels, option{string(l), locale.Label(lang, l), f.Label == l})
	}
	var names []string
	for _, m := range s.managers {
		names = append(names, m.Name)
	}
	slices.Sort(names)
	for _, n := range names {
		o.Managers = append(o.Managers, option{n, n, f.Claimed == n})
	}
	return o
}

func (s *Server) row(lang string, c *core.Case, m core.Mention) rowView {
	r := rowView{Author: userText(casework.Who(m)), Followers: m.Author.Followers, VIP: m.Author.Followers >= s.cfg.VIPFollowers,
		Platform: locale.Platform(lang, m.Platform), Lang: langOf(&m), When: stamp(lang, m.CreatedAt, s.loc),
		Text: userText(snippet(m.Text, 280))}
	if m.Analysis != nil {
		r.LabelKey = string(m.Analysis.Label)
	}
	if c != nil {
		r.ID, r.URL = c.ID, "/case/"+strconv.FormatUint(c.ID, 10)
		r.LabelKey = string(caseLabel(*c))
		r.State, r.ClaimedBy = string(c.State), userText(c.ClaimedBy)
	}
	r.Label = locale.Label(lang, core.Label(r.LabelKey))
	return r
}

func snippet(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return strings.TrimSpace(string(r[:n-1])) + "…"
	}
	return s
}

func (s *Server) inbox(q *req) {
	lang := q.sess.Lang
	f := parseFilter(q.r.URL.Query(), s.loc)
	counts, doubt, err := s.tabCounts(q.ctx)
	if err != nil {
		s.fail(q, http.StatusInternalServerError, "err.internal", err)
		return
	}
	v := listView{F: f, Options: s.options(lang, f)}
	base := f.values(false)
	for _, t := range tabs {
		n := counts[t]
		u := url.Values{}
		for k, vs := range base {
			u[k] = vs
		}
		u.Set("state", t)
		v.Tabs = append(v.Tabs, tabView{Key: t, Name: tr(lang, "tab."+t), URL: "/?" + u.Encode(), Count: n, Active: t == f.State})
	}
	match := func(c *core.Case, m *core.Mention) bool { return f.matchCase(c, m, s.cfg.VIPFollowers) }
	if f.State == "doubt" {
		for _, id := range doubt {
			c, m, err := s.cases.Load(q.ctx, id)
			if err != nil {
				continue
			}
			if match(&c, &m) {
				v.Rows = append(v.Rows, s.row(lang, &c, m))
			}
		}
	} else {
		p, err := s.st.CasePage(q.ctx, core.PageQuery{States: tabStates[f.State], From: f.from, To: f.to, After: f.After,
			Limit: pageSize, Budget: caseBudget, Until: time.Now().Add(lookFor), Match: match})
		if err != nil {
			s.fail(q, http.StatusBadRequest, "err.notfound", err)
			return
		}
		for i := range p.Cases {
			v.Rows = append(v.Rows, s.row(lang, &p.Cases[i], p.Mentions[i]))
		}
		v.next(f, p.Next, p.Partial, p.Reached, lang, s.loc, "/")
	}
	s.show(q, "inbox", "inbox", v)
}

// tabCounts is how many cases each inbox tab holds, and the cases in
// doubt.
func (s *Server) tabCounts(ctx context.Context) (map[string]int, []uint64, error) {
	byState, err := s.st.CaseCounts(ctx)
	if err != nil {
		return nil, nil, err
	}
	doubt, err := s.st.DoubtCases(ctx)
	if err != nil {
		return nil, nil, err
	}
	counts := make(map[string]int, len(tabs))
	for _, t := range tabs {
		for _, st := range tabStates[t] {
			counts[t] += byState[st]
		}
	}
	counts["doubt"] = len(doubt)
	return counts, doubt, nil
}

// countsJSON is the inbox tabs' counts now, for the inbox page to keep
// them current without a reload: each tab's count as a number and as the
// page writes it in the manager's language.
func (s *Server) countsJSON(q *req) {
	body, err := s.countsBody(q.ctx, q.sess.Lang)
	if err != nil {
		s.logger.Error("could not count the cases", "error", err)
		http.Error(q.w, "internal error", http.StatusInternalServerError)
		return
	}
	q.w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if _, err := q.w.Write(append(body, '\n')); err != nil {
		s.logger.Debug("counts not written", "error", err)
	}
}

// countsBody is the JSON of /counts, on one line: {"tabs": {TAB: {"n":
// N, "text": N as written in lang}}}.
func (s *Server) countsBody(ctx context.Context, lang string) ([]byte, error) {
	counts, _, err := s.tabCounts(ctx)
	if err != nil {
		return nil, err
	}
	type tab struct {
		N    int    `json:"n"`
		Text string `json:"text"`
	}
	out := struct {
		Tabs map[string]tab `json:"tabs"`
	}{Tabs: make(map[string]tab, len(tabs))}
	for _, t := range tabs {
		out.Tabs[t] = tab{N: counts[t], Text: num(lang, counts[t])}
	}
	return json.Marshal(out)
}

func (v *listView) next(f Filter, next string, partial bool, reached time.Time, lang string, loc *time.Location, path string) {
	u := f.values(path == "/")
	if f.After != "" {
		v.Newest = path + "?" + u.Encode()
	}
	if next == "" {
		return
	}
	u.Set("after", next)
	v.Next = path + "?" + u.Encode()
	v.Partial = partial
	if partial {
		v.Reached = stamp(lang, reached, loc)
	}
}

// ---- mentions --------------------------------------------------------------

func (s *Server) mentions(q *req) {
	lang := q.sess.Lang
	f := parseFilter(q.r.URL.Query(), s.loc)
	f.State, f.Claimed = "", ""
	v := listView{F: f, Options: s.options(lang, f), Mentions: true}
	p, err := s.st.MentionPage(q.ctx, core.PageQuery{From: f.from, To: f.to, After: f.After,
		Limit: pageSize, Budget: mentionBudget, Until: time.Now().Add(lookFor), Match: func(_ *core.Case, m *core.Mention) bool { return f.matchMention(m, s.cfg.VIPFollowers) }})
	if err != nil {
		s.fail(q, http.StatusBadRequest, "err.notfound", err)
		return
	}
	for _, m := range p.Mentions {
		r := s.row(lang, nil, m)
		if c, err := s.st.CaseByMention(q.ctx, m.Key()); err == nil {
			r.ID, r.URL = c.ID, "/case/"+strconv.FormatUint(c.ID, 10)
		}
		v.Rows = append(v.Rows, r)
	}
	v.next(f, p.Next, p.Partial, p.Reached, lang, s.loc, "/mentions")
	v.CSV = "/mentions.csv?" + f.values(false).Encode()
	s.show(q, "mentions", "mentions", v)
}

// csvColumns are the export's columns.
var csvColumns = []string{"created_at", "platform", "native_id", "url", "author_id", "author_handle", "author_name",
	"followers", "lang", "label", "confidence", "referral", "text"}

// mentionsCSV streams the filtered mentions as CSV, a page at a time, in
// UTF-8 with a byte-order mark so spreadsheet programs read Persian.
func (s *Server) mentionsCSV(q *req) {
	f := parseFilter(q.r.URL.Query(), s.loc)
	f.After = ""
	h := q.w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="shenava-mentions-`+s.now().In(s.loc).Format("2006-01-02")+`.csv"`)
	q.w.Write([]byte("\ufeff"))
	cw := csv.NewWriter(q.w)
	cw.Write(csvColumns)
	flusher, _ := q.w.(http.Flusher)
	pq := core.PageQuery{From: f.from, To: f.to, Limit: 1000, Budget: 1 << 30,
		Match: func(_ *core.Case, m *core.Mention) bool { return f.matchMention(m, s.cfg.VIPFollowers) }}
	rows := 0
	for {
		p, err := s.st.MentionPage(q.ctx, pq)
		if err != nil {
			// Headers are gone: the cut file says it is incomplete.
			s.logger.Error("CSV export stopped", "error", err, "rows", rows)
			cw.Write([]string{"# export stopped: " + err.Error()})
			break
		}
		for _, m := range p.Mentions {
			cw.Write(csvRow(m))
			rows++
		}
		cw.Flush()
		if flusher != nil {
			flusher.Flush()
		}
		if p.Next == "" || cw.Error() != nil {
			break
		}
		pq.After = p.Next
	}
	cw.Flush()
	s.logger.Info("mentions exported", "manager", q.mgr.Name, "rows", rows)
}

func csvRow(m core.Mention) []string {
	lang, label, conf, ref := m.LangHint, "", "", ""
	if a := m.Analysis; a != nil {
		lang, label, conf = a.Lang, string(a.Label), strconv.FormatFloat(a.Confidence(), 'f', 3, 64)
		ref = strconv.FormatBool(a.Referral)
	}
	cells := []string{m.CreatedAt.UTC().Format(time.RFC3339), string(m.Platform), m.NativeID, m.URL, m.Author.ID,
		m.Author.Handle, m.Author.Name, strconv.Itoa(m.Author.Followers), lang, label, conf, ref, m.Text}
	for i, c := range cells {
		cells[i] = csvSafe(c)
	}
	return cells
}

// csvSafe keeps a spreadsheet from reading a cell as a formula: a cell
// starting with = + - @ or a control character gets a leading apostrophe.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// ---- one case --------------------------------------------------------------

type eventView struct {
	When, Actor, What, Detail, Via string
}

type replyView struct {
	ID                 uint64
	Private            bool
	Text, State, Actor string
	When, SendAt       string
	Pending            bool
	// Again: it failed or may not have gone (in doubt); a manager who has
	// checked the platform may send it again.
	Again bool
}

// hideView is where a manager's hide of the comment stands.
type hideView struct {
	Line string
	// ID and Again: the hide failed or may not have gone; it can be sent
	// again.
	ID    uint64
	Again bool
}

type templateView struct {
	N          int
	Name, Text string
}

type caseView struct {
	Case      core.Case
	Mention   core.Mention
	Row       rowView
	PostURL   string
	Author    string
	Name      string
	History   *core.AuthorHistory
	HistLine  string
	Others    []uint64
	Scores    []string
	Corrected string
	Events    []eventView
	Replies   []replyView
	Templates []templateView
	Labels    []option
	Open      bool
	Public    bool
	Private   bool
	// NoPublic and NoPrivate say why an answer is not offered; ReadOnly,
	// when set, that the post was read by a read-only account.
	NoPublic, NoPrivate, ReadOnly string
	// CanHide: the comment can be hidden on its platform and nobody asked
	// yet; Hidden says where a hide stands.
	CanHide  bool
	HideText string
	Hidden   *hideView
	Undo     string
	Gesture  string
	Flash    string
	Refusal  string
	Action   string
}

func (s *Server) casePage(q *req) {
	lang := q.sess.Lang
	id, err := strconv.ParseUint(q.r.PathValue("id"), 10, 64)
	if err != nil {
		s.fail(q, http.StatusNotFound, "err.notfound", nil)
		return
	}
	c, m, err := s.cases.Load(q.ctx, id)
	if errors.Is(err, core.ErrNotFound) {
		s.fail(q, http.StatusNotFound, "err.notfound", nil)
		return
	} else if err != nil {
		s.fail(q, http.StatusInternalServerError, "err.internal", err)
		return
	}
	v := caseView{Case: c, Mention: m, Row: s.row(lang, &c, m), PostURL: webURL(m.URL), Author: userText(casework.Who(m)),
		Name: userText(m.Author.Name), Open: c.State.Open(), Gesture: randomID()[:16],
		Action: "/case/" + strconv.FormatUint(c.ID, 10)}
	caps := s.cases.CapabilitiesFor(m)
	v.Public, v.Private = caps.Reply, caps.DirectMessage
	v.NoPublic, v.NoPrivate = tr(lang, "act.nopublic", v.Row.Platform), tr(lang, "act.noprivate", v.Row.Platform)
	switch caps.Limit {
	case core.LimitReadOnly:
		v.ReadOnly = tr(lang, "act.readonly", v.Row.Platform)
	case core.LimitPrivateWindow:
		v.NoPrivate = tr(lang, "act.noprivate.window", v.Row.Platform)
	}
	v.CanHide, v.HideText = caps.Hide && c.HiddenAt.IsZero(), tr(lang, "act.hide", v.Row.Platform)
	if h, err := s.st.Author(q.ctx, m.AuthorKey()); err == nil {
		v.History = &h
		v.HistLine = tr(lang, "case.hist.line", num(lang, h.Mentions), num(lang, h.Negative), num(lang, h.Positive),
			num(lang, h.Referrals), stamp(lang, h.FirstSeen, s.loc))
		for _, o := range h.Cases {
			if o != c.ID {
				v.Others = append(v.Others, o)
			}
		}
	}
	if a := m.Analysis; a != nil {
		for _, l := range core.Labels {
			v.Scores = append(v.Scores, locale.Label(lang, l)+" "+locale.Percent(lang, a.Scores.Of(l)))
		}
	}
	if c.CorrectedLabel != "" {
		v.Corrected = tr(lang, "case.corrected", locale.Label(lang, c.CorrectedLabel))
	}
	for _, l := range core.Labels {
		v.Labels = append(v.Labels, option{string(l), locale.Label(lang, l), caseLabel(c) == l})
	}
	for _, e := range slices.Backward(c.Events) {
		ev := eventView{When: stamp(lang, e.At, s.loc), Actor: userText(e.Actor), What: tr(lang, "ev."+e.Action)}
		if e.Actor == core.ActorSystem {
			ev.Actor = tr(lang, "app.name")
		}
		switch e.Action {
		case "corrected label", "opened":
			ev.Detail = locale.Label(lang, core.Label(e.Detail))
		}
		if e.Via != "" {
			ev.Via = tr(lang, "case.via", tr(lang, "via."+e.Via))
		}
		v.Events = append(v.Events, ev)
	}
	ml := casework.MentionLang(m)
	for i, t := range s.cases.Templates() {
		v.Templates = append(v.Templates, templateView{N: i, Name: t.Name, Text: s.cases.Expand(t.For(ml), m)})
	}
	if u := s.cases.UndoWindow(); u > 0 {
		v.Undo = tr(lang, "act.undo", locale.Seconds(lang, u))
	}
	err = s.st.ForEachAction(q.ctx, c.CreatedAt.Add(-time.Minute), s.now().Add(time.Hour), func(a core.Action) error {
		if a.CaseID == c.ID && a.Kind == core.ActionHide {
			v.Hidden = s.hideLine(lang, c, &a)
			return nil
		}
		if a.CaseID != c.ID || (a.Kind != core.ActionReplyPublic && a.Kind != core.ActionReplyPrivate) {
			return nil
		}
		rv := replyView{ID: a.ID, Private: a.Kind == core.ActionReplyPrivate, Text: a.Text, State: tr(lang, "st."+string(a.State)),
			Actor: userText(a.Actor), When: stamp(lang, a.CreatedAt, s.loc), Pending: a.State == core.ActionPending,
			Again: a.State == core.ActionFailed || a.State == core.ActionInDoubt}
		if rv.Pending {
			rv.SendAt = locale.Clock(lang, a.NextAttemptAt.In(s.loc))
		}
		v.Replies = append(v.Replies, rv)
		return nil
	})
	if err != nil {
		s.fail(q, http.StatusInternalServerError, "err.internal", err)
		return
	}
	if v.Hidden == nil && !c.HiddenAt.IsZero() {
		v.Hidden = s.hideLine(lang, c, nil)
	}
	qs := q.r.URL.Query()
	if k := qs.Get("ok"); k != "" {
		if _, known := texts["ok."+k]; known {
			v.Flash = "ok." + k
			if k == "replied" && len(v.Replies) > 0 {
				v.Flash = tr(lang, "ok.replied", v.Replies[len(v.Replies)-1].SendAt)
			} else {
				v.Flash = tr(lang, v.Flash)
			}
		}
	}
	if k := qs.Get("no"); k != "" {
		if _, known := texts["no."+k]; known {
			v.Refusal = tr(lang, "no."+k)
			if k == "closed" {
				v.Refusal = tr(lang, "no.closed", tr(lang, "tab."+string(c.State)), userText(c.ClosedBy))
			}
		}
	}
	s.show(q, "inbox", "case", v)
}

// hideLine says where the case's hide stands: done, or asked for with its
// outbox action's state (a is nil when the action is not found).
func (s *Server) hideLine(lang string, c core.Case, a *core.Action) *hideView {
	p, by := locale.Platform(lang, c.Platform), userText(c.HiddenBy)
	if !c.HideDoneAt.IsZero() {
		return &hideView{Line: tr(lang, "case.hidden", p, by)}
	}
	if a == nil {
		return &hideView{Line: tr(lang, "case.hiding", p, by, tr(lang, "st.pending"))}
	}
	return &hideView{Line: tr(lang, "case.hiding", p, by, tr(lang, "st."+string(a.State))), ID: a.ID,
		Again: a.State == core.ActionFailed || a.State == core.ActionInDoubt}
}

// caseAction runs one manager's change through the case workflows, then
// shows the case again.
func (s *Server) caseAction(q *req) {
	id, err := strconv.ParseUint(q.r.PathValue("id"), 10, 64)
	if err != nil {
		s.fail(q, http.StatusNotFound, "err.notfound", nil)
		return
	}
	g := q.r.PostFormValue("g")
	if g == "" || len(g) > 64 {
		g = randomID()[:16]
	}
	r := casework.Request{Case: id, Actor: q.mgr.Name, Origin: "web:" + g, Via: "web"}
	if !s.gestures.first(q.key+" "+g, s.now()) {
		// The same form sent again (a double tap, a resend after a
		// timeout): it was done the first time.
		s.back(q, id, "")
		return
	}
	ok := ""
	switch verb := q.r.PathValue("verb"); verb {
	case "claim":
		_, err = s.cases.Claim(q.ctx, r)
		ok = "claimed"
	case "resolve":
		_, err = s.cases.Resolve(q.ctx, r)
		ok = "resolved"
	case "ignore":
		_, err = s.cases.Ignore(q.ctx, r)
		ok = "ignored"
	case "hide":
		_, err = s.cases.Hide(q.ctx, r)
		ok = "hidden"
	case "relabel":
		l, perr := core.ParseLabel(q.r.PostFormValue("label"))
		if perr != nil {
			s.fail(q, http.StatusBadRequest, "err.notfound", nil)
			return
		}
		_, err = s.cases.Relabel(q.ctx, r, l)
		ok = "relabelled"
	case "reply":
		how := casework.How{Private: q.r.PostFormValue("how") == "private"}
		text := strings.TrimSpace(q.r.PostFormValue("text"))
		tpl := q.r.PostFormValue("template")
		switch {
		case text != "":
			_, err = s.cases.Answer(q.ctx, r, text, how)
		case tpl != "":
			n, perr := strconv.Atoi(tpl)
			if perr != nil {
				n = -1
			}
			_, err = s.cases.AnswerTemplate(q.ctx, r, n, how)
		default:
			s.back(q, id, "no=text")
			return
		}
		ok = "replied"
	case "withdraw":
		rid, perr := strconv.ParseUint(q.r.PostFormValue("reply"), 10, 64)
		if perr != nil {
			s.fail(q, http.StatusBadRequest, "err.notfound", nil)
			return
		}
		var c core.Case
		c, err = s.cases.Withdraw(q.ctx, q.mgr.Name, r.Origin, rid)
		if err == nil && c.ID != id {
			id = c.ID
		}
		ok = "withdrawn"
	case "resend":
		aid, perr := strconv.ParseUint(q.r.PostFormValue("reply"), 10, 64)
		if perr != nil || !s.replyOf(q, id, aid) {
			s.fail(q, http.StatusNotFound, "err.notfound", nil)
			return
		}
		err = s.cases.Resend(q.ctx, q.mgr.Name, aid)
		ok = "resent"
	default:
		s.fail(q, http.StatusNotFound, "err.notfound", nil)
		return
	}
	switch {
	case err == nil:
		s.back(q, id, "ok="+ok)
	case errors.Is(err, casework.ErrNoChange):
		s.back(q, id, "no=change")
	case errors.Is(err, casework.ErrClosed):
		s.back(q, id, "no=closed")
	case errors.Is(err, casework.ErrTooLate):
		s.back(q, id, "no=late")
	case errors.Is(err, casework.ErrCannotAnswer), errors.Is(err, casework.ErrNoTemplate):
		s.back(q, id, "no=answer")
	case errors.Is(err, casework.ErrCannotHide):
		s.back(q, id, "no=hide")
	case errors.Is(err, casework.ErrNotPermitted):
		s.fail(q, http.StatusForbidden, "err.signin", nil)
	case errors.Is(err, core.ErrNotFound):
		s.fail(q, http.StatusNotFound, "err.notfound", nil)
	default:
		s.fail(q, http.StatusInternalServerError, "err.internal", err)
	}
}

// replyOf reports whether action aid is a reply (or the hide) of case
// id: what a manager may send again from its page.
func (s *Server) replyOf(q *req, id, aid uint64) bool {
	c, err := s.st.Case(q.ctx, id)
	if err != nil {
		return false
	}
	found := false
	s.st.ForEachAction(q.ctx, c.CreatedAt.Add(-time.Minute), s.now().Add(time.Hour), func(a core.Action) error {
		found = found || (a.ID == aid && a.CaseID == id &&
			(a.Kind == core.ActionReplyPublic || a.Kind == core.ActionReplyPrivate || a.Kind == core.ActionHide))
		return nil
	})
	return found
}

func (s *Server) back(q *req, id uint64, flash string) {
	if flash == "" {
		http.Redirect(q.w, q.r, fmt.Sprintf("/case/%d", id), http.StatusSeeOther)
		return
	}
	http.Redirect(q.w, q.r, fmt.Sprintf("/case/%d?%s", id, flash), http.StatusSeeOther)
}

// gestures remembers the forms already acted on, for gestureTTL.
type gestures struct {
	mu   sync.Mutex
	seen map[string]time.Time
}

const gestureTTL = 10 * time.Minute

// first reports whether key is seen for the first time within gestureTTL.
func (g *gestures) first(key string, now time.Time) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.seen == nil {
		g.seen = map[string]time.Time{}
	}
	if at, ok := g.seen[key]; ok && now.Sub(at) < gestureTTL {
		return false
	}
	if len(g.seen) > 10000 {
		for k, at := range g.seen {
			if now.Sub(at) >= gestureTTL {
				delete(g.seen, k)
			}
		}
	}
	g.seen[key] = now
	return true
}
