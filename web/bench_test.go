package web

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/store"
)

// benchMentions is how many mentions the benchmarks' store holds.
const benchMentions = 200_000

var bench struct {
	once   sync.Once
	dir    string
	db     *store.DB
	srv    *Server
	cookie *http.Cookie
	err    error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if bench.db != nil {
		bench.db.Close()
	}
	if bench.dir != "" {
		os.RemoveAll(bench.dir)
	}
	os.Exit(code)
}

var benchWords = []string{"سفارش", "ارسال", "پشتیبانی", "قیمت", "کیفیت", "order", "delivery", "support", "price", "refund"}

// benchStore fills a store once with 200,000 mentions over 90 days, a
// tenth of them complaints with a case, and signs a manager in.
func benchStore(b *testing.B) (*Server, *http.Cookie) {
	b.Helper()
	bench.once.Do(func() {
		bench.dir, bench.err = os.MkdirTemp("", "shenava-web-bench")
		if bench.err != nil {
			return
		}
		db, err := store.Open(filepath.Join(bench.dir, "shenava.db"), store.Options{NoSync: true, Location: tehran})
		if err != nil {
			bench.err = err
			return
		}
		bench.db = db
		end := t0
		platforms := []core.Platform{core.PlatformX, core.PlatformMastodon, core.PlatformTelegram, core.PlatformRSS}
		step := 90 * 24 * time.Hour / benchMentions
		for start := 0; start < benchMentions; start += 2000 {
			var ds []core.Decision
			for i := start; i < start+2000; i++ {
				at := end.Add(-time.Duration(benchMentions-i) * step)
				label := core.LabelNeutral
				switch {
				case i%10 == 0:
					label = core.LabelNegative
				case i%3 == 0:
					label = core.LabelPositive
				}
				lang := "fa"
				if i%4 == 1 {
					lang = "en"
				}
				m := core.Mention{Platform: platforms[i%4], NativeID: fmt.Sprint(i), Source: "bench",
					URL:    fmt.Sprintf("https://example.com/%d", i),
					Author: core.Author{ID: fmt.Sprint(i % 5000), Handle: fmt.Sprintf("user%d", i%5000), Followers: (i % 97) * 211},
					Text: fmt.Sprintf("متن شماره %d درباره %s و %s، کمی طولانی‌تر تا به یک پست واقعی شبیه باشد", i,
						benchWords[i%len(benchWords)], benchWords[(i/7)%len(benchWords)]),
					CreatedAt: at, FetchedAt: at,
					Analysis: &core.Analysis{Lang: lang, Label: label, Scores: core.Scores{Negative: 0.3, Neutral: 0.4, Positive: 0.3}}}
				ds = append(ds, core.Decision{Mention: m, OpenCase: label == core.LabelNegative})
			}
			if _, err := db.SaveBatch(ctx, "bench", "", ds, ds[len(ds)-1].Mention.CreatedAt); err != nil {
				bench.err = err
				return
			}
		}
		if bench.err = db.IndexCases(ctx); bench.err != nil {
			return
		}
		srv, err := New(testConfig(), Deps{Store: db, Now: func() time.Time { return t0 }})
		if err != nil {
			bench.err = err
			return
		}
		bench.srv = srv
		link, _ := srv.LinkFor(1)
		w := httptest.NewRecorder()
		r := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader("t="+link[strings.Index(link, "t=")+2:]))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		srv.Handler().ServeHTTP(w, r)
		for _, c := range w.Result().Cookies() {
			if c.Name == sessionCookie {
				bench.cookie = c
			}
		}
		if bench.cookie == nil {
			bench.err = fmt.Errorf("sign-in failed: %d", w.Code)
		}
	})
	if bench.err != nil {
		b.Fatal(bench.err)
	}
	return bench.srv, bench.cookie
}

type countingWriter struct {
	h    http.Header
	n    int64
	keep bool // keep the body
	body strings.Builder
}

func (w *countingWriter) Header() http.Header { return w.h }
func (w *countingWriter) Write(p []byte) (int, error) {
	if w.keep {
		w.body.Write(p)
	}
	w.n += int64(len(p))
	return len(p), nil
}
func (w *countingWriter) WriteHeader(int) {}

func benchPage(b *testing.B, path string) {
	srv, cookie := benchStore(b)
	h := srv.Handler()
	b.ReportAllocs()
	b.ResetTimer()
	var bytes int64
	for b.Loop() {
		r := httptest.NewRequest(http.MethodGet, path, nil)
		r.AddCookie(cookie)
		w := &countingWriter{h: http.Header{}}
		h.ServeHTTP(w, r)
		bytes = w.n
	}
	if bytes < 1000 {
		b.Fatalf("%s wrote %d bytes", path, bytes)
	}
}

func BenchmarkInbox(b *testing.B)              { benchPage(b, "/") }
func BenchmarkInboxFiltered(b *testing.B)      { benchPage(b, "/?platform=mastodon&lang=en&vip=1") }
func BenchmarkInboxSearch(b *testing.B)        { benchPage(b, "/?q=%D8%B3%D9%81%D8%A7%D8%B1%D8%B4+refund") }
func BenchmarkInboxResolvedEmpty(b *testing.B) { benchPage(b, "/?state=resolved&q=nothing") }
func BenchmarkInboxDoubt(b *testing.B)         { benchPage(b, "/?state=doubt") }
func BenchmarkMentions(b *testing.B)           { benchPage(b, "/mentions") }
func BenchmarkMentionsSearch(b *testing.B) {
	benchPage(b, "/mentions?q=refund+-delivery&label=negative")
}
func BenchmarkMentionsNoMatch(b *testing.B) { benchPage(b, "/mentions?q=zzzz") }

// BenchmarkCSV exports the mentions of one platform (50,000 rows), a page
// at a time.
func BenchmarkCSV(b *testing.B) {
	srv, cookie := benchStore(b)
	h := srv.Handler()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		r := httptest.NewRequest(http.MethodGet, "/mentions.csv?platform=x", nil)
		r.AddCookie(cookie)
		w := &countingWriter{h: http.Header{}}
		h.ServeHTTP(w, r)
		if w.n < benchMentions/4*50 {
			b.Fatalf("CSV is %d bytes", w.n)
		}
	}
}

// BenchmarkReports90 draws the 90-day reports, the top authors from the
// store's per-day tallies; BenchmarkReports90Scan from every mention of
// the period, as for a store without tallies (cached for reportTTL, which
// it clears first).
func BenchmarkReports90(b *testing.B) {
	srv, cookie := benchStore(b)
	benchReports(b, srv, cookie)
}

func BenchmarkReports90Scan(b *testing.B) {
	_, cookie := benchStore(b)
	srv, err := New(testConfig(), Deps{Store: noTallies{bench.db}, Now: func() time.Time { return t0 }})
	if err != nil {
		b.Fatal(err)
	}
	benchReports(b, srv, cookie)
}

// noTallies is a store without per-day author tallies.
type noTallies struct{ Store }

func benchReports(b *testing.B, srv *Server, cookie *http.Cookie) {
	h := srv.Handler()
	b.ReportAllocs()
	for b.Loop() {
		srv.mu.Lock()
		clear(srv.cache)
		srv.mu.Unlock()
		r := httptest.NewRequest(http.MethodGet, "/reports?days=90", nil)
		r.AddCookie(cookie)
		w := &countingWriter{h: http.Header{}, keep: true}
		h.ServeHTTP(w, r)
		if w.n < 10000 || !strings.Contains(w.body.String(), "<li><bdi>@user") {
			b.Fatalf("reports wrote %d bytes, no top authors", w.n)
		}
	}
}
