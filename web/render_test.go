package web

import (
	"fmt"
	"html/template"
	"math/rand/v2"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/shenava/shenava/casework"
	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/locale"
	"github.com/shenava/shenava/internal/safehtml"
)

// The pages were html/template templates; testdata/templates keeps them,
// with the functions they called, as the reference the Go code that
// replaced them is held to: for any data, both write the same bytes.

var referenceFuncs = template.FuncMap{
	"t": func(lang, key string, args ...any) string {
		for i, a := range args {
			switch v := a.(type) {
			case int:
				args[i] = num(lang, v)
			case uint64:
				args[i] = locale.Digits(lang, strconv.FormatUint(v, 10))
			}
		}
		return tr(lang, key, args...)
	},
	"num":      num,
	"digits":   locale.Digits,
	"user":     userText,
	"url":      webURL,
	"label":    func(lang string, l core.Label) string { return locale.Label(lang, l) },
	"platform": func(lang string, p core.Platform) string { return locale.Platform(lang, p) },
	"pct":      locale.Percent,
	"id":       func(lang string, id uint64) string { return locale.Digits(lang, strconv.FormatUint(id, 10)) },
	"dur":      locale.Duration,
	"author":   casework.Who,
	"add":      func(a, b int) int { return a + b },
	// The charts were template.HTML; they are safehtml.HTML now.
	"svg": func(h safehtml.HTML) template.HTML { return template.HTML(h) },
}

func referenceTemplates(t testing.TB) *template.Template {
	t.Helper()
	tpl := template.New("").Funcs(referenceFuncs)
	for _, name := range []string{"layout", "inbox", "case", "reports"} {
		b, err := os.ReadFile("testdata/templates/" + name + ".html")
		if err != nil {
			t.Fatal(err)
		}
		text := string(b)
		if name == "reports" {
			if !strings.Contains(text, "{{.SVG}}") {
				t.Fatal("the reports template no longer writes {{.SVG}}")
			}
			text = strings.ReplaceAll(text, "{{.SVG}}", "{{svg .SVG}}")
		}
		if _, err := tpl.New(name + ".html").Parse(text); err != nil {
			t.Fatal(err)
		}
	}
	return tpl
}

// pageData are the views each page is written from.
var pageData = map[string]func() any{
	"inbox":    func() any { return &listView{} },
	"mentions": func() any { return &listView{} },
	"case":     func() any { return &caseView{} },
	"reports":  func() any { return &reportView{} },
	"message":  func() any { return &messageView{} },
	"login":    func() any { return &loginView{} },
	"app":      func() any { return nil },
}

// hostile are strings a post, a name or a search may carry.
var hostile = []string{
	"", "", "", "plain text", "سه روزه منتظر پاسخم، <پشتیبانی> کجاست؟", "Tom & Jerry's \"cafe\" +1",
	"<script>alert(1)</script>", `"><img src=x onerror=alert(1)>`, `' onmouseover='alert(1)`, "</textarea><b>x",
	"javascript:alert(1)", " JaVaScRiPt:alert(1)", "data:text/html,<script>alert(1)</script>", "vbscript:msgbox",
	"https://x.com/a?b=1&c=<2>", "http://example.com/%zz path", "/?state=new&q=a b", "/case/12", "//evil.example",
	"\u202eevil\u202c \u2067", "nul\x00byte", "line\r\nbreak", "invalid \xff utf-8", "%d %s %!", "{{.}}", "]]><!--",
	"new", "claimed", "fa", "en", "inbox", "negative", "err.notfound", "link.hint",
	"<svg><text>svg</text></svg>",
}

// filler fills a view with random data from hostile; with benign, every
// non-empty string is "x" instead, drawing the same random numbers, so
// the page takes the same branches.
type filler struct {
	r      *rand.Rand
	extra  string
	benign bool
}

func (f *filler) str() string {
	s := hostile[f.r.IntN(len(hostile))]
	if f.extra != "" && f.r.IntN(3) == 0 {
		s = f.extra
	}
	if f.benign && s != "" {
		return "x"
	}
	return s
}

func (f *filler) fill(v reflect.Value, depth int) {
	if v.Type() == reflect.TypeFor[safehtml.HTML]() {
		// Markup the server drew, never user data.
		v.SetString(`<svg role="img"><text x="1">chart</text></svg>`)
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(f.str())
	case reflect.Bool:
		v.SetBool(f.r.IntN(2) == 0)
	case reflect.Int, reflect.Int64, reflect.Int32:
		v.SetInt([]int64{0, 1, 7, 1234, 1_000_000, -3}[f.r.IntN(6)])
	case reflect.Uint64, reflect.Uint32:
		v.SetUint([]uint64{0, 1, 42, 18446744073709551615}[f.r.IntN(4)])
	case reflect.Float64:
		v.SetFloat(f.r.Float64())
	case reflect.Slice:
		if depth > 4 {
			return
		}
		n := f.r.IntN(4)
		s := reflect.MakeSlice(v.Type(), n, n)
		for i := range n {
			f.fill(s.Index(i), depth+1)
		}
		v.Set(s)
	case reflect.Array:
		for i := range v.Len() {
			f.fill(v.Index(i), depth+1)
		}
	case reflect.Pointer:
		if depth > 4 || f.r.IntN(3) == 0 {
			return
		}
		p := reflect.New(v.Type().Elem())
		f.fill(p.Elem(), depth+1)
		v.Set(p)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				f.fill(v.Field(i), depth+1)
			}
		}
	}
}

// randomPage is page name with random data drawn from seed.
func randomPage(name string, seed uint64, extra string, benign bool) page {
	f := &filler{r: rand.New(rand.NewPCG(seed, 12)), extra: extra, benign: benign}
	lang := []string{"fa", "en"}[f.r.IntN(2)]
	p := page{Lang: lang, Dir: dir(lang), Signed: f.r.IntN(2) == 0, CSRF: f.str(), Path: f.str(),
		Nav: []string{"inbox", "mentions", "reports", ""}[f.r.IntN(4)]}
	f.fill(reflect.ValueOf(&p.Mgr).Elem(), 0)
	if d := pageData[name](); d != nil {
		v := reflect.ValueOf(d).Elem()
		f.fill(v, 0)
		p.Data = v.Interface()
	}
	return p
}

func written(t testing.TB, name string, p page) string {
	t.Helper()
	var w safehtml.Writer
	if !writePage(&w, name, &p) {
		t.Fatalf("no page %q", name)
	}
	return w.String()
}

func executed(t testing.TB, tpl *template.Template, name string, p page) string {
	t.Helper()
	var b strings.Builder
	if err := tpl.ExecuteTemplate(&b, name, p); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return b.String()
}

func checkPage(t testing.TB, tpl *template.Template, name string, seed uint64, extra string) {
	t.Helper()
	p := randomPage(name, seed, extra, false)
	got := written(t, name, p)
	if want := executed(t, tpl, name, p); got != want {
		i := 0
		for i < len(got) && i < len(want) && got[i] == want[i] {
			i++
		}
		t.Fatalf("page %s, seed %d: differs from its template at byte %d:\n--- written\n%s\n--- template\n%s",
			name, seed, i, tail(got, i), tail(want, i))
	}
	// User data adds no element and no attribute, and links nothing
	// but the web.
	benign := written(t, name, randomPage(name, seed, extra, true))
	if a, b := structure(t, got), structure(t, benign); a != b {
		t.Fatalf("page %s, seed %d: data changed the page's elements:\n%s\n--- with plain data\n%s", name, seed, a, b)
	}
}

func tail(s string, i int) string {
	return s[max(0, i-80):min(len(s), i+80)]
}

// structure is the page's elements and attribute names, one a line, as a
// browser parses them; it fails t on a link that is not to the web.
func structure(t testing.TB, page string) string {
	t.Helper()
	var b strings.Builder
	z := html.NewTokenizer(strings.NewReader(page))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return b.String()
		}
		tok := z.Token()
		switch tt {
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			fmt.Fprintf(&b, "%s %s", tt, tok.Data)
			for _, a := range tok.Attr {
				b.WriteString(" " + a.Key)
				if strings.HasPrefix(a.Key, "on") {
					t.Fatalf("event handler %s=%q", a.Key, a.Val)
				}
				if (a.Key == "href" || a.Key == "action" || a.Key == "src") && !safehtml.SafeURL(strings.TrimSpace(a.Val)) {
					t.Fatalf("unsafe link %s=%q", a.Key, a.Val)
				}
				if a.Key == "src" && a.Val != "/static/app.js" {
					t.Fatalf("src=%q", a.Val)
				}
			}
			b.WriteByte('\n')
		}
	}
}

func TestPagesMatchTheirTemplates(t *testing.T) {
	tpl := referenceTemplates(t)
	n := uint64(300)
	if testing.Short() {
		n = 30
	}
	for name := range pageData {
		for seed := range n {
			checkPage(t, tpl, name, seed, "")
		}
	}
}

func FuzzPagesMatchTheirTemplates(f *testing.F) {
	tpl := referenceTemplates(f)
	names := []string{"inbox", "mentions", "case", "reports", "message", "login", "app"}
	for i, s := range hostile {
		f.Add(uint64(i), uint8(i), s)
	}
	f.Fuzz(func(t *testing.T, seed uint64, page uint8, s string) {
		checkPage(t, tpl, names[int(page)%len(names)], seed, s)
	})
}

// A mention's text, author and link, a search, and a reply's text are
// shown escaped on the real pages, and a javascript: link to a post is
// no link.
func TestPages_EscapeWhatUsersWrote(t *testing.T) {
	evil := `"><script>alert(1)</script><a href="javascript:alert(2)">`
	p := page{Lang: "en", Dir: "ltr", Signed: true, Mgr: Manager{Name: evil}, CSRF: "c", Path: "/?q=" + evil}
	p.Data = caseView{Case: core.Case{ID: 7, State: core.CaseState("new")},
		Mention: core.Mention{Text: evil + " \u202eoops", URL: "javascript:alert(3)"},
		Row:     rowView{LabelKey: evil, Label: evil, Platform: evil, When: evil}, PostURL: webURL("javascript:alert(3)"),
		Author: evil, Name: evil, Action: "/case/7", Gesture: "g", Open: true, Public: true,
		Replies: []replyView{{ID: 1, Text: evil, Actor: evil, State: evil, Pending: true, SendAt: evil}},
		Events:  []eventView{{When: evil, Actor: evil, What: evil, Detail: evil, Via: evil}}}
	got := written(t, "case", p)
	if strings.Contains(got, "<script>") || strings.Contains(got, `href="javascript:`) || strings.Contains(got, "\u202e") {
		t.Fatalf("user data written as markup:\n%s", got)
	}
	if !strings.Contains(got, "&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Fatalf("the text is not shown escaped:\n%s", got)
	}
	list := listView{F: Filter{Q: evil, State: `new"&x=<`}, Next: "javascript:alert(1)", Newest: "/?after=a b",
		Rows: []rowView{{ID: 3, URL: "javascript:alert(4)", Author: evil, Text: evil}}}
	p.Data = list
	got = written(t, "inbox", p)
	for _, want := range []string{
		`name="q" value="&#34;&gt;&lt;script&gt;`,        // the search, in its field
		`href="/?state=new%22%26x%3d%3c"`,                // the state, one query value
		`id="older" href="#ZgotmplZ"`,                    // a script link is refused
		`class="open" href="#ZgotmplZ"`,                  //
		`href="/?after=a%20b"`,                           // a link is percent-encoded
		`<bdi class="author">&#34;&gt;&lt;script&gt;`,    // the author
		`<span class="who"><bdi>&#34;&gt;&lt;script&gt;`, // the manager
	} {
		if !strings.Contains(got, want) {
			t.Errorf("no %s in\n%s", want, got)
		}
	}
	if strings.Contains(got, "<script>") {
		t.Fatalf("user data written as markup:\n%s", got)
	}
}

// The page's direction follows the manager's language.
func TestPages_Direction(t *testing.T) {
	for lang, want := range map[string]string{"fa": `<html lang="fa" dir="rtl">`, "en": `<html lang="en" dir="ltr">`} {
		got := written(t, "message", page{Lang: lang, Dir: dir(lang), Data: messageView{Message: "err.notfound"}})
		if !strings.Contains(got, want) {
			t.Errorf("%s: no %s in\n%s", lang, want, got)
		}
		other := map[string]string{"fa": `<div lang="en" dir="ltr" class="other">`, "en": `<div lang="fa" dir="rtl" class="other">`}[lang]
		if !strings.Contains(got, other) {
			t.Errorf("%s: a signed-out message has no %s", lang, other)
		}
	}
}

func BenchmarkWriteCase(b *testing.B) {
	p := randomPage("case", 1, "", false)
	for b.Loop() {
		var w safehtml.Writer
		writePage(&w, "case", &p)
	}
}
