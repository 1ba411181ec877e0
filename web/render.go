package web

import (
	"strconv"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/locale"
	"github.com/shenava/shenava/internal/safehtml"
)

// The pages are written by Go code with safehtml rather than by
// html/template: its executor calls methods by name through reflection,
// which makes the linker keep every exported method of every type in the
// program (tens of megabytes with the MTProto client's generated types).
// Every value from data goes through Text, URL, URLPath or URLQuery, which
// escape as html/template would in that place; testdata/templates holds
// the templates these functions replaced, and render_test.go checks that
// both write the same bytes for the same pages.

// pageWriters are the pages by name.
var pageWriters = map[string]func(w *safehtml.Writer, p *page){
	"inbox":    inboxPage,
	"mentions": mentionsPage,
	"case":     casePageHTML,
	"reports":  reportsPage,
	"message":  messagePage,
	"login":    loginPage,
	"app":      appPage,
}

// messageView is a page with one message and, optionally, a hint.
type messageView struct {
	Message, Hint string
}

// loginView is the sign-in page's: the link's token, posted back.
type loginView struct {
	Token string
}

// writePage writes page name, or reports false for a name that is no
// page.
func writePage(w *safehtml.Writer, name string, p *page) bool {
	f, ok := pageWriters[name]
	if ok {
		f(w, p)
	}
	return ok
}

func top(w *safehtml.Writer, p *page) {
	lang := p.Lang
	w.Markup("<!doctype html>\n<html lang=\"")
	w.Text(p.Lang)
	w.Markup(`" dir="`)
	w.Text(p.Dir)
	w.Markup(`">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>`)
	w.Text(tr(lang, "app.name"))
	w.Markup(`</title>
<link rel="stylesheet" href="/static/style.css">
</head>
<body>
<header class="bar">
<span class="brand">`)
	w.Text(tr(lang, "app.name"))
	w.Markup("</span>\n")
	if p.Signed {
		w.Markup("<nav>\n<a href=\"/\"")
		current(w, p.Nav == "inbox")
		w.Markup(`>`)
		w.Text(tr(lang, "nav.inbox"))
		w.Markup("</a>\n<a href=\"/mentions\"")
		current(w, p.Nav == "mentions")
		w.Markup(`>`)
		w.Text(tr(lang, "nav.mentions"))
		w.Markup("</a>\n<a href=\"/reports\"")
		current(w, p.Nav == "reports")
		w.Markup(`>`)
		w.Text(tr(lang, "nav.reports"))
		w.Markup("</a>\n</nav>\n<span class=\"who\"><bdi>")
		w.Text(userText(p.Mgr.Name))
		w.Markup("</bdi></span>\n")
		w.Markup(`<form method="post" action="/lang" class="inline"><input type="hidden" name="csrf" value="`)
		w.Text(p.CSRF)
		w.Markup(`"><input type="hidden" name="back" value="`)
		w.Text(p.Path)
		if lang == "fa" {
			w.Markup(`"><input type="hidden" name="lang" value="en">`)
		} else {
			w.Markup(`"><input type="hidden" name="lang" value="fa">`)
		}
		w.Markup(`<button id="lang" type="submit">`)
		w.Text(tr(lang, "nav.lang"))
		w.Markup("</button></form>\n")
		w.Markup(`<form method="post" action="/logout" class="inline"><input type="hidden" name="csrf" value="`)
		w.Text(p.CSRF)
		w.Markup(`"><button type="submit">`)
		w.Text(tr(lang, "nav.signout"))
		w.Markup("</button></form>\n")
	}
	w.Markup("\n</header>\n<main>\n")
}

func current(w *safehtml.Writer, yes bool) {
	if yes {
		w.Markup(` aria-current="page"`)
	}
}

func bottom(w *safehtml.Writer) { w.Markup("</main>\n</body>\n</html>\n") }

func messagePage(w *safehtml.Writer, p *page) {
	v, _ := p.Data.(messageView)
	top(w, p)
	w.Markup("\n<section class=\"message\">\n<p id=\"message\">")
	w.Text(tr(p.Lang, v.Message))
	w.Markup("</p>\n")
	if v.Hint != "" {
		w.Markup(`<p>`)
		w.Text(tr(p.Lang, v.Hint))
		w.Markup(`</p>`)
	}
	w.Markup("\n")
	if !p.Signed {
		// The page also says it in the other language: whoever follows
		// a dead link may not read this one.
		other := "fa"
		if p.Lang == "fa" {
			other = "en"
		}
		w.Markup(`<div lang="`)
		w.Text(other)
		w.Markup(`" dir="`)
		w.Text(dir(other))
		w.Markup("\" class=\"other\">\n<p>")
		w.Text(tr(other, v.Message))
		w.Markup(`</p>`)
		if v.Hint != "" {
			w.Markup(`<p>`)
			w.Text(tr(other, v.Hint))
			w.Markup(`</p>`)
		}
		w.Markup(`</div>`)
	}
	w.Markup("\n")
	if p.Signed {
		w.Markup(`<p><a href="/">`)
		w.Text(tr(p.Lang, "nav.inbox"))
		w.Markup(`</a></p>`)
	}
	w.Markup("\n</section>\n")
	bottom(w)
}

func loginPage(w *safehtml.Writer, p *page) {
	v, _ := p.Data.(loginView)
	top(w, p)
	w.Markup("\n<section class=\"message\">\n<h1>")
	w.Text(tr(p.Lang, "login.title"))
	w.Markup("</h1>\n<p>")
	w.Text(tr(p.Lang, "login.text"))
	w.Markup("</p>\n<form method=\"post\" action=\"/login\"><input type=\"hidden\" name=\"t\" value=\"")
	w.Text(v.Token)
	w.Markup(`"><button id="signin" class="primary" type="submit">`)
	w.Text(tr(p.Lang, "login.go"))
	w.Markup("</button></form>\n</section>\n")
	bottom(w)
}

func appPage(w *safehtml.Writer, p *page) {
	top(w, p)
	w.Markup("\n<section class=\"message\">\n<p>")
	w.Text(tr(p.Lang, "app.wait"))
	w.Markup("</p>\n<noscript><p>")
	w.Text(tr(p.Lang, "app.nojs"))
	w.Markup(`</p></noscript>
<form id="app" method="post" action="/app"><input type="hidden" name="init_data" id="init_data" value=""></form>
</section>
<script src="/static/app.js"></script>
`)
	bottom(w)
}

// ---- lists -----------------------------------------------------------------

func inboxPage(w *safehtml.Writer, p *page) {
	v, _ := p.Data.(listView)
	top(w, p)
	w.Markup("\n<nav class=\"tabs\" data-counts=\"/counts\" data-stream=\"/counts/stream\">")
	for _, t := range v.Tabs {
		w.Markup(`<a href="`)
		w.URL(t.URL)
		w.Markup(`" class="tab`)
		if t.Active {
			w.Markup(` active`)
		}
		w.Markup(`" id="tab-`)
		w.Text(t.Key)
		w.Markup(`">`)
		w.Text(t.Name)
		w.Markup(` <span class="count">`)
		w.Text(num(p.Lang, t.Count))
		w.Markup(`</span></a>`)
	}
	w.Markup("</nav>\n")
	filters(w, p, &v)
	w.Markup("\n")
	rows(w, p, &v)
	w.Markup("\n<script src=\"/static/app.js\"></script>\n")
	bottom(w)
}

func mentionsPage(w *safehtml.Writer, p *page) {
	v, _ := p.Data.(listView)
	top(w, p)
	w.Markup("\n<h1>")
	w.Text(tr(p.Lang, "m.title"))
	w.Markup("</h1>\n")
	filters(w, p, &v)
	w.Markup("\n<p><a id=\"csv\" href=\"")
	w.URL(v.CSV)
	w.Markup(`">`)
	w.Text(tr(p.Lang, "m.csv"))
	w.Markup("</a></p>\n")
	rows(w, p, &v)
	w.Markup("\n")
	bottom(w)
}

func filters(w *safehtml.Writer, p *page, v *listView) {
	lang := p.Lang
	if v.Mentions {
		w.Markup("\n<form method=\"get\" action=\"/mentions\" class=\"filters\">\n")
	} else {
		w.Markup("\n<form method=\"get\" action=\"/\" class=\"filters\">\n")
		w.Markup(`<input type="hidden" name="state" value="`)
		w.Text(v.F.State)
		w.Markup(`">`)
	}
	w.Markup("\n<label class=\"wide\">")
	w.Text(tr(lang, "f.search"))
	w.Markup(` <input type="search" name="q" value="`)
	w.Text(v.F.Q)
	w.Markup(`" placeholder="`)
	w.Text(tr(lang, "f.search.hint"))
	w.Markup("\" dir=\"auto\"></label>\n")
	selectOf(w, lang, "f.platform", "platform", v.Options.Platforms)
	w.Markup("\n")
	selectOf(w, lang, "f.lang", "lang", v.Options.Langs)
	w.Markup("\n")
	selectOf(w, lang, "f.label", "label", v.Options.Labels)
	w.Markup("\n")
	if !v.Mentions {
		selectOf(w, lang, "f.claimed", "claimed", v.Options.Managers)
	}
	w.Markup("\n<label>")
	w.Text(tr(lang, "f.from"))
	w.Markup(` <input type="date" name="from" value="`)
	w.Text(v.F.From)
	w.Markup("\"></label>\n<label>")
	w.Text(tr(lang, "f.to"))
	w.Markup(` <input type="date" name="to" value="`)
	w.Text(v.F.To)
	w.Markup("\"></label>\n<label class=\"check\"><input type=\"checkbox\" name=\"vip\" value=\"1\"")
	if v.F.VIP {
		w.Markup(` checked`)
	}
	w.Markup(`> `)
	w.Text(tr(lang, "f.vip"))
	w.Markup("</label>\n<button type=\"submit\">")
	w.Text(tr(lang, "f.apply"))
	w.Markup(`</button> <a href="`)
	if v.Mentions {
		w.Markup(`/mentions`)
	} else {
		w.Markup(`/?state=`)
		w.URLQuery(v.F.State)
	}
	w.Markup(`">`)
	w.Text(tr(lang, "f.clear"))
	w.Markup("</a>\n</form>\n")
}

// selectOf is a filter's labelled drop-down, "any" first.
func selectOf(w *safehtml.Writer, lang, label, name string, opts []option) {
	w.Markup(`<label>`)
	w.Text(tr(lang, label))
	w.Markup(` <select name="`)
	w.Text(name)
	w.Markup(`"><option value="">`)
	w.Text(tr(lang, "f.any"))
	w.Markup(`</option>`)
	options(w, opts)
	w.Markup(`</select></label>`)
}

func options(w *safehtml.Writer, opts []option) {
	for _, o := range opts {
		w.Markup(`<option value="`)
		w.Text(o.Value)
		w.Markup(`"`)
		if o.Selected {
			w.Markup(` selected`)
		}
		w.Markup(`>`)
		w.Text(o.Name)
		w.Markup(`</option>`)
	}
}

func rows(w *safehtml.Writer, p *page, v *listView) {
	lang := p.Lang
	w.Markup("\n")
	if len(v.Rows) == 0 {
		w.Markup(`<p class="empty">`)
		w.Text(tr(lang, "list.empty"))
		w.Markup(`</p>`)
	}
	w.Markup("\n<ol class=\"rows\">\n")
	for _, r := range v.Rows {
		w.Markup(`<li class="row label-`)
		w.Text(r.LabelKey)
		w.Markup("\">\n<div class=\"meta\"><bdi class=\"author\">")
		w.Text(r.Author)
		w.Markup(`</bdi>`)
		if r.VIP {
			w.Markup(` <span class="vip">VIP</span>`)
		}
		w.Markup(` · `)
		w.Text(r.Platform)
		w.Markup(` · <span class="tag">`)
		w.Text(r.Label)
		w.Markup(`</span> · <time>`)
		w.Text(r.When)
		w.Markup(`</time>`)
		if r.ClaimedBy != "" {
			w.Markup(` · `)
			w.Text(tr(lang, "case.claimedby", r.ClaimedBy))
		}
		w.Markup("</div>\n<p class=\"text\" dir=\"auto\"><bdi>")
		w.Text(r.Text)
		w.Markup("</bdi></p>\n")
		if r.URL != "" {
			w.Markup(`<a class="open" href="`)
			w.URL(r.URL)
			w.Markup(`">`)
			w.Text(tr(lang, "case"))
			w.Markup(` #`)
			w.Text(digits(lang, r.ID))
			w.Markup(`</a>`)
		}
		w.Markup("\n</li>\n")
	}
	w.Markup("</ol>\n")
	if v.Partial {
		w.Markup(`<p class="partial">`)
		w.Text(tr(lang, "list.partial", v.Reached))
		w.Markup(`</p>`)
	}
	w.Markup("\n<p class=\"paging\">")
	if v.Newest != "" {
		w.Markup(`<a href="`)
		w.URL(v.Newest)
		w.Markup(`">`)
		w.Text(tr(lang, "list.newest"))
		w.Markup(`</a> `)
	}
	if v.Next != "" {
		w.Markup(`<a id="older" href="`)
		w.URL(v.Next)
		w.Markup(`">`)
		if v.Partial {
			w.Text(tr(lang, "list.further"))
		} else {
			w.Text(tr(lang, "list.older"))
		}
		w.Markup(`</a>`)
	}
	w.Markup("</p>\n")
}

// digits is a case or action number in the page's digits.
func digits(lang string, id uint64) string {
	return locale.Digits(lang, strconv.FormatUint(id, 10))
}

// ---- reports ---------------------------------------------------------------

func reportsPage(w *safehtml.Writer, p *page) {
	v, _ := p.Data.(reportView)
	lang := p.Lang
	top(w, p)
	w.Markup("\n<h1>")
	w.Text(tr(lang, "r.title"))
	w.Markup("</h1>\n<nav class=\"tabs\">")
	for _, o := range v.Periods {
		w.Markup(`<a class="tab`)
		if o.Selected {
			w.Markup(` active`)
		}
		w.Markup(`" href="/reports?days=`)
		w.URLQuery(o.Value)
		w.Markup(`">`)
		w.Text(o.Name)
		w.Markup(`</a>`)
	}
	w.Markup("</nav>\n<div class=\"charts\">\n")
	for _, c := range v.Charts {
		w.Markup(`<figure class="card"><figcaption>`)
		w.Text(c.Title)
		w.Markup(`</figcaption>`)
		w.HTML(c.SVG)
		w.Markup("</figure>\n")
	}
	w.Markup("\n<figure class=\"card\"><figcaption>")
	w.Text(tr(lang, "r.authors"))
	w.Markup("</figcaption>\n<ol class=\"authors\">")
	for _, a := range v.Authors {
		w.Markup(`<li><bdi>`)
		w.Text(a.Name)
		w.Markup(`</bdi> · `)
		w.Text(locale.Platform(lang, a.Platform))
		w.Markup(` · `)
		w.Text(num(lang, a.Mentions))
		w.Markup(` `)
		w.Text(tr(lang, "r.mentions"))
		w.Markup(` (`)
		w.Text(num(lang, a.Negative))
		w.Markup(` `)
		w.Text(locale.Label(lang, core.LabelNegative))
		w.Markup(`)</li>`)
	}
	w.Markup("</ol>\n</figure>\n</div>\n<h2>")
	w.Text(tr(lang, "r.table"))
	w.Markup("</h2>\n<div class=\"scroll\"><table id=\"figures\">\n<thead><tr>")
	for _, k := range []string{"r.day", "r.total", "r.negative", "r.neutral", "r.positive", "r.net", "r.p50", "r.p90",
		"r.breach", "r.referrals", "r.thanked", "r.recov"} {
		w.Markup(`<th>`)
		w.Text(tr(lang, k))
		w.Markup(`</th>`)
	}
	w.Markup("</tr></thead>\n<tbody>")
	for _, r := range v.Rows {
		w.Markup(`<tr>`)
		for _, c := range []string{r.Day, r.Total, r.Negative, r.Neutral, r.Positive, r.Net, r.P50, r.P90,
			r.Breaches, r.Referrals, r.Thanked, r.Recovered} {
			w.Markup(`<td>`)
			w.Text(c)
			w.Markup(`</td>`)
		}
		w.Markup("</tr>\n")
	}
	w.Markup("</tbody>\n<tfoot><tr>")
	// The totals row leaves the day and the per-day figures (net,
	// percentiles) empty.
	s := v.Sums
	for _, c := range []string{"", s.Total, s.Negative, s.Neutral, s.Positive, "", "", "",
		s.Breaches, s.Referrals, s.Thanked, s.Recovered} {
		w.Markup(`<th>`)
		w.Text(c)
		w.Markup(`</th>`)
	}
	w.Markup("</tr></tfoot>\n</table></div>\n")
	bottom(w)
}

// ---- one case --------------------------------------------------------------

// hidden is a form's hidden field.
func hidden(w *safehtml.Writer, name, value string) {
	w.Markup(`<input type="hidden" name="`)
	w.Text(name)
	w.Markup(`" value="`)
	w.Text(value)
	w.Markup(`">`)
}

// postForm opens a form posting to the case's action verb, with the CSRF
// token and the gesture: the case page's gesture and what marks this form.
func postForm(w *safehtml.Writer, p *page, v *caseView, verb, class, gesture string) {
	openForm(w, v, verb, class)
	formFields(w, p, v, gesture)
}

func openForm(w *safehtml.Writer, v *caseView, verb, class string) {
	w.Markup(`<form method="post" action="`)
	w.URL(v.Action)
	w.Markup(`/`)
	w.Text(verb)
	w.Markup(`"`)
	if class != "" {
		w.Markup(` class="`)
		w.Text(class)
		w.Markup(`"`)
	}
	w.Markup(`>`)
}

func formFields(w *safehtml.Writer, p *page, v *caseView, gesture string) {
	hidden(w, "csrf", p.CSRF)
	hidden(w, "g", v.Gesture+gesture)
}

// againForm is the button that sends a failed or doubtful reply (or hide)
// again.
func againForm(w *safehtml.Writer, p *page, v *caseView, id uint64) {
	ids := strconv.FormatUint(id, 10)
	postForm(w, p, v, "resend", "", "s"+ids)
	hidden(w, "reply", ids)
	w.Markup(`<button type="submit" class="again">`)
	w.Text(tr(p.Lang, "act.again"))
	w.Markup(`</button></form>`)
}

func casePageHTML(w *safehtml.Writer, p *page) {
	v, _ := p.Data.(caseView)
	lang, c := p.Lang, &v.Case
	top(w, p)
	w.Markup("\n\n<h1>")
	w.Text(tr(lang, "case"))
	w.Markup(` #`)
	w.Text(digits(lang, c.ID))
	w.Markup(` <span class="state state-`)
	w.Text(string(c.State))
	w.Markup(`" id="state">`)
	w.Text(tr(lang, "tab."+string(c.State)))
	w.Markup("</span></h1>\n")
	if v.Flash != "" {
		w.Markup(`<p class="flash" id="flash">`)
		w.Text(v.Flash)
		w.Markup(`</p>`)
	}
	w.Markup("\n")
	if v.Refusal != "" {
		w.Markup(`<p class="refusal" id="refusal">`)
		w.Text(v.Refusal)
		w.Markup(`</p>`)
	}
	w.Markup("\n<section class=\"post label-")
	w.Text(v.Row.LabelKey)
	w.Markup("\">\n<div class=\"meta\"><bdi class=\"author\">")
	w.Text(v.Author)
	w.Markup(`</bdi>`)
	if v.Name != "" {
		w.Markup(` (<bdi>`)
		w.Text(v.Name)
		w.Markup(`</bdi>)`)
	}
	if v.Row.VIP {
		w.Markup(` <span class="vip">VIP</span>`)
	}
	w.Markup(` · `)
	w.Text(num(lang, v.Mention.Author.Followers))
	w.Markup(` `)
	w.Text(tr(lang, "case.followers"))
	w.Markup(` · `)
	w.Text(v.Row.Platform)
	w.Markup(` · <time>`)
	w.Text(v.Row.When)
	w.Markup("</time></div>\n<p class=\"text\" dir=\"auto\" id=\"post\"><bdi>")
	w.Text(userText(v.Mention.Text))
	w.Markup("</bdi></p>\n")
	if v.PostURL != "" {
		w.Markup(`<p><a href="`)
		w.URL(v.PostURL)
		w.Markup(`" rel="noopener noreferrer" target="_blank">`)
		w.Text(tr(lang, "case.open"))
		w.Markup(`</a></p>`)
	}
	w.Markup("\n<p>")
	w.Text(tr(lang, "case.label"))
	w.Markup(`: <span class="tag">`)
	w.Text(v.Row.Label)
	w.Markup(`</span>`)
	if v.Corrected != "" {
		w.Markup(` (`)
		w.Text(v.Corrected)
		w.Markup(`)`)
	}
	if len(v.Scores) > 0 {
		w.Markup(` · `)
		w.Text(tr(lang, "case.scores"))
		w.Markup(`: `)
		for i, s := range v.Scores {
			if i > 0 {
				w.Markup(`، `)
			}
			w.Text(s)
		}
	}
	w.Markup("</p>\n")
	if c.ClaimedBy != "" {
		w.Markup(`<p>`)
		w.Text(tr(lang, "case.claimedby", userText(c.ClaimedBy)))
		w.Markup(`</p>`)
	}
	w.Markup("\n</section>\n")
	if v.History != nil {
		w.Markup(`<section><h2>`)
		w.Text(tr(lang, "case.history"))
		w.Markup(`</h2><p>`)
		w.Text(v.HistLine)
		w.Markup("</p>\n")
		if len(v.Others) > 0 {
			w.Markup(`<p>`)
			w.Text(tr(lang, "case.others"))
			w.Markup(`: `)
			for _, o := range v.Others {
				w.Markup(`<a href="/case/`)
				w.URLPath(strconv.FormatUint(o, 10))
				w.Markup(`">#`)
				w.Text(digits(lang, o))
				w.Markup(`</a> `)
			}
			w.Markup(`</p>`)
		}
		w.Markup(`</section>`)
	}
	w.Markup("\n\n<section class=\"actions\">\n")
	if v.Open {
		caseActions(w, p, &v)
	} else {
		w.Markup(`<p>`)
		w.Text(tr(lang, "act.closed"))
		w.Markup(`</p>`)
	}
	w.Markup("\n")
	if h := v.Hidden; h != nil {
		w.Markup(`<p class="hidden-state" id="hidden">`)
		w.Text(h.Line)
		w.Markup("</p>\n")
		if h.Again {
			againForm(w, p, &v, h.ID)
			w.Markup("\n")
		}
	}
	if v.CanHide {
		postForm(w, p, &v, "hide", "hide", "h")
		w.Markup("\n<button id=\"hide\" type=\"submit\">")
		w.Text(v.HideText)
		w.Markup(`</button> <span class="note">`)
		w.Text(tr(lang, "act.hide.note"))
		w.Markup("</span></form>\n")
	}
	postForm(w, p, &v, "relabel", "relabel", "l")
	w.Markup("\n<label>")
	w.Text(tr(lang, "act.relabel"))
	w.Markup(` <select name="label">`)
	options(w, v.Labels)
	w.Markup(`</select></label> <button type="submit">`)
	w.Text(tr(lang, "f.apply"))
	w.Markup("</button></form>\n</section>\n\n")
	if len(v.Replies) > 0 {
		w.Markup(`<section><h2>`)
		w.Text(tr(lang, "case.replies"))
		w.Markup("</h2><ul class=\"replies\">\n")
		for _, r := range v.Replies {
			reply(w, p, &v, &r)
		}
		w.Markup(`</ul></section>`)
	}
	w.Markup("\n\n<section><h2>")
	w.Text(tr(lang, "case.timeline"))
	w.Markup("</h2><ol class=\"timeline\" id=\"timeline\">\n")
	for _, e := range v.Events {
		w.Markup(`<li><time>`)
		w.Text(e.When)
		w.Markup(`</time> <bdi>`)
		w.Text(e.Actor)
		w.Markup(`</bdi> `)
		w.Text(e.What)
		if e.Detail != "" {
			w.Markup(` (`)
			w.Text(e.Detail)
			w.Markup(`)`)
		}
		if e.Via != "" {
			w.Markup(` <span class="via">`)
			w.Text(e.Via)
			w.Markup(`</span>`)
		}
		w.Markup("</li>\n")
	}
	w.Markup("</ol></section>\n")
	bottom(w)
}

// caseActions are an open case's buttons and reply form.
func caseActions(w *safehtml.Writer, p *page, v *caseView) {
	lang := p.Lang
	w.Markup("\n<div class=\"buttons\">\n")
	for _, b := range []struct{ verb, g, id, text string }{
		{"claim", "c", "claim", "act.claim"}, {"resolve", "r", "resolve", "act.resolve"}, {"ignore", "i", "ignore", "act.ignore"},
	} {
		postForm(w, p, v, b.verb, "", b.g)
		w.Markup(`<button id="`)
		w.Text(b.id)
		w.Markup(`" type="submit">`)
		w.Text(tr(lang, b.text))
		w.Markup("</button></form>\n")
	}
	w.Markup("</div>\n")
	openForm(w, v, "reply", "reply")
	w.Markup("\n")
	formFields(w, p, v, "a")
	w.Markup("\n<h2>")
	w.Text(tr(lang, "act.reply"))
	w.Markup("</h2>\n")
	if v.ReadOnly != "" {
		w.Markup(`<p id="readonly">`)
		w.Text(v.ReadOnly)
		w.Markup(`</p>`)
	} else {
		w.Markup(`<p>`)
		if v.Public {
			w.Markup(`<label><input type="radio" name="how" value="public" checked> `)
			w.Text(tr(lang, "act.public"))
			w.Markup(`</label>`)
		} else {
			w.Text(v.NoPublic)
		}
		w.Markup("\n")
		if v.Private {
			w.Markup(`<label><input type="radio" name="how" value="private"`)
			if !v.Public {
				w.Markup(` checked`)
			}
			w.Markup(`> `)
			w.Text(tr(lang, "act.private"))
			w.Markup(`</label>`)
		} else {
			w.Markup(`<span id="noprivate">`)
			w.Text(v.NoPrivate)
			w.Markup(`</span>`)
		}
		w.Markup(`</p>`)
	}
	w.Markup("\n")
	if len(v.Templates) > 0 {
		w.Markup(`<fieldset><legend>`)
		w.Text(tr(lang, "act.template"))
		w.Markup("</legend>\n<label><input type=\"radio\" name=\"template\" value=\"\" checked> ")
		w.Text(tr(lang, "act.own"))
		w.Markup("</label>\n")
		for _, t := range v.Templates {
			w.Markup(`<label class="tpl"><input type="radio" name="template" value="`)
			w.Int(t.N)
			w.Markup(`"> <b>`)
			w.Text(t.Name)
			w.Markup(`</b>: <bdi dir="auto">`)
			w.Text(t.Text)
			w.Markup(`</bdi></label>`)
		}
		w.Markup("\n</fieldset>")
	}
	w.Markup("\n<label>")
	w.Text(tr(lang, "act.text"))
	w.Markup("<textarea name=\"text\" id=\"reply-text\" rows=\"4\" dir=\"auto\"></textarea></label>\n")
	if v.Undo != "" {
		w.Markup(`<p class="undo">`)
		w.Text(v.Undo)
		w.Markup(`</p>`)
	}
	w.Markup("\n")
	if v.Public || v.Private {
		w.Markup(`<button id="send" class="primary" type="submit">`)
		w.Text(tr(lang, "act.send"))
		w.Markup(`</button>`)
	}
	w.Markup("\n</form>\n")
}

// reply is one reply in the case's list, with its withdraw or send-again
// button.
func reply(w *safehtml.Writer, p *page, v *caseView, r *replyView) {
	lang := p.Lang
	w.Markup(`<li><span class="tag">`)
	if r.Private {
		w.Text(tr(lang, "act.private"))
	} else {
		w.Text(tr(lang, "act.public"))
	}
	w.Markup(`</span> <bdi>`)
	w.Text(r.Actor)
	w.Markup(`</bdi> · <time>`)
	w.Text(r.When)
	w.Markup(`</time> · <span class="reply-state">`)
	w.Text(r.State)
	w.Markup("</span>\n<p dir=\"auto\"><bdi>")
	w.Text(userText(r.Text))
	w.Markup("</bdi></p>\n")
	if r.Pending {
		ids := strconv.FormatUint(r.ID, 10)
		postForm(w, p, v, "withdraw", "", "w"+ids)
		hidden(w, "reply", ids)
		w.Markup(`<button type="submit">`)
		w.Text(tr(lang, "act.withdraw"))
		w.Markup(`</button> `)
		w.Text(r.SendAt)
		w.Markup(`</form>`)
	}
	w.Markup("\n")
	if r.Again {
		againForm(w, p, v, r.ID)
	}
	w.Markup("\n</li>")
}
