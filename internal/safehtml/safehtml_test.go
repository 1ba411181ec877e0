package safehtml

import (
	"html/template"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// reference is html/template's escaping of s in the same places, which
// the Writer must match byte for byte.
var reference = template.Must(template.New("").Parse(
	`{{define "text"}}{{.}}{{end}}` +
		`{{define "attr"}}<b title="{{.}}">{{end}}` +
		`{{define "url"}}<a href="{{.}}">{{end}}` +
		`{{define "path"}}<a href="/case/{{.}}">{{end}}` +
		`{{define "query"}}<a href="/r?days={{.}}">{{end}}`))

func executed(t testing.TB, name, s string) string {
	t.Helper()
	var b strings.Builder
	if err := reference.ExecuteTemplate(&b, name, s); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func written(name, s string) string {
	var w Writer
	switch name {
	case "text":
		w.Text(s)
	case "attr":
		w.Markup(`<b title="`)
		w.Text(s)
		w.Markup(`">`)
	case "url":
		w.Markup(`<a href="`)
		w.URL(s)
		w.Markup(`">`)
	case "path":
		w.Markup(`<a href="/case/`)
		w.URLPath(s)
		w.Markup(`">`)
	case "query":
		w.Markup(`<a href="/r?days=`)
		w.URLQuery(s)
		w.Markup(`">`)
	}
	return w.String()
}

var contexts = []string{"text", "attr", "url", "path", "query"}

var samples = []string{
	"", "plain", "a & b", "<script>alert(1)</script>", `"><img src=x onerror=alert(1)>`, "'single'", "1+1=2",
	"\x00nul", "سلام دنیا", "\u202eevil\u202c", "invalid \xff\xfe bytes", "tab\tnew\nline",
	"http://example.com/a b?q=1&r=2#f", "https://x.ir/%D8%B3?q=%zz", "HTTPS://X", "mailto:a@b.c",
	"javascript:alert(1)", "JavaScript:alert(1)", " javascript:alert(1)", "data:text/html,<b>", "vbscript:x",
	"/a:b", "a/b:c", "//evil.com", "?q=a b", "#frag", "100%", "%41", "%4", "x%41y", "(paren)", "[v6]", "~_.-",
	"\ufdd0\uffff", "e\u0301", "😀👏",
}

func TestMatchesHTMLTemplate(t *testing.T) {
	for _, s := range samples {
		for _, c := range contexts {
			if got, want := written(c, s), executed(t, c, s); got != want {
				t.Errorf("%s %q: got %q, html/template writes %q", c, s, got, want)
			}
		}
	}
}

func FuzzMatchesHTMLTemplate(f *testing.F) {
	for _, s := range samples {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, c := range contexts {
			if got, want := written(c, s), executed(t, c, s); got != want {
				t.Fatalf("%s %q: got %q, html/template writes %q", c, s, got, want)
			}
		}
		checkInert(t, s)
	})
}

// checkInert parses what the Writer made of s in each context as a
// browser would and finds s as data only: no element or attribute of its
// own, the text and attribute values reading back as s, and no script
// URL.
func checkInert(t *testing.T, s string) {
	t.Helper()
	// The tokenizer reads NUL and CR as a browser does.
	plain := strings.NewReplacer("\x00", "\uFFFD", "\r\n", "\n", "\r", "\n").Replace(s)
	for _, c := range contexts {
		page := "<p>" + written(c, s) + "</p>"
		z := html.NewTokenizer(strings.NewReader(page))
		var tags []string
		var text strings.Builder
		for {
			tt := z.Next()
			if tt == html.ErrorToken {
				break
			}
			tok := z.Token()
			switch tt {
			case html.TextToken:
				text.WriteString(tok.Data)
			case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
				tags = append(tags, tok.Data)
				if len(tok.Attr) > 1 {
					t.Fatalf("%s %q: %d attributes in %q", c, s, len(tok.Attr), page)
				}
				for _, a := range tok.Attr {
					switch {
					case c == "attr" && (a.Key != "title" || a.Val != plain):
						t.Fatalf("%s %q: attribute %s=%q in %q", c, s, a.Key, a.Val, page)
					case c != "attr" && a.Key != "href":
						t.Fatalf("%s %q: attribute %s in %q", c, s, a.Key, page)
					case a.Key == "href" && !SafeURL(a.Val):
						t.Fatalf("%s %q: unsafe link %q", c, s, a.Val)
					}
				}
			}
		}
		want := "p p"
		switch c {
		case "attr":
			want = "p b p"
		case "url", "path", "query":
			want = "p a p"
		}
		if strings.Join(tags, " ") != want {
			t.Fatalf("%s %q: elements %v in %q", c, s, tags, page)
		}
		if c == "text" && text.String() != plain {
			t.Fatalf("text %q reads back as %q", s, text.String())
		}
	}
}

func TestInert(t *testing.T) {
	for _, s := range samples {
		checkInert(t, s)
	}
}

func TestURL(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"https://example.com/a?b=c&d=e", "https://example.com/a?b=c&amp;d=e"},
		{"http://x.ir/a b", "http://x.ir/a%20b"},
		{"/case/12", "/case/12"},
		{"javascript:alert(1)", Filtered},
		{"JAVASCRIPT:alert(1)", Filtered},
		{"data:text/html;base64,PHNjcmlwdD4=", Filtered},
		{"mailto:a@b.ir", "mailto:a@b.ir"},
		{`x" onclick="y`, "x%22%20onclick=%22y"},
		{"/?q=%D8%B3", "/?q=%D8%B3"},
		{"/?q=سلام", "/?q=%d8%b3%d9%84%d8%a7%d9%85"},
	} {
		var w Writer
		w.URL(tc.in)
		if w.String() != tc.want {
			t.Errorf("URL(%q) = %q, want %q", tc.in, w.String(), tc.want)
		}
	}
}

func TestQueryAndPath(t *testing.T) {
	var w Writer
	w.URLQuery("a&b=c d/é")
	if got, want := w.String(), "a%26b%3dc%20d%2f%c3%a9"; got != want {
		t.Errorf("URLQuery = %q, want %q", got, want)
	}
	w = Writer{}
	w.URLPath("a b/c?d")
	if got, want := w.String(), "a%20b/c?d"; got != want {
		t.Errorf("URLPath = %q, want %q", got, want)
	}
}

func TestWriter(t *testing.T) {
	var w Writer
	w.Markup(`<p class="x">`)
	w.Text(`<b>"Tom & Jerry's"</b>+`)
	w.Markup(` `)
	w.Int(-12)
	w.Markup(` `)
	w.Uint(18446744073709551615)
	w.HTML(`<svg></svg>`)
	w.Markup(`</p>`)
	want := `<p class="x">&lt;b&gt;&#34;Tom &amp; Jerry&#39;s&#34;&lt;/b&gt;&#43; -12 18446744073709551615<svg></svg></p>`
	if w.String() != want || string(w.Bytes()) != want || w.Len() != len(want) {
		t.Errorf("got %q, want %q", w.String(), want)
	}
	if Escape("safe text, سلام") != "safe text, سلام" {
		t.Error("Escape changed text without special characters")
	}
}
