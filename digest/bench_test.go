package digest

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/store"
)

// busyDay stores n mentions on theDay as the engine would: one in ten a
// complaint with its case and alert, one in twenty a referral with its
// thank-you, by 2,000 authors, in batches of 100.
func busyDay(tb testing.TB, path string, n int) {
	tb.Helper()
	db, err := store.Open(path, store.Options{Location: tehran, NoSync: true})
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	step := 24 * time.Hour / time.Duration(n)
	var ds []core.Decision
	flush := func() {
		if _, err := db.SaveBatch(ctx, "x", "", ds, theDay.Add(24*time.Hour)); err != nil {
			tb.Fatal(err)
		}
		ds = ds[:0]
	}
	for i := range n {
		at := theDay.Add(time.Duration(i) * step)
		m := core.Mention{Platform: core.PlatformX, NativeID: fmt.Sprint(1900000000000000000 + i), Source: "x",
			URL:    fmt.Sprintf("https://x.com/u/status/%d", 1900000000000000000+i),
			Author: core.Author{ID: fmt.Sprint(i % 2000), Handle: fmt.Sprint("user", i%2000)}, Text: "@shenava the coffee today",
			CreatedAt: at, FetchedAt: at,
			Analysis: &core.Analysis{Lang: "en", Label: core.LabelNeutral}}
		d := core.Decision{Mention: m}
		switch {
		case i%10 == 0:
			m.Analysis.Label, m.Analysis.Scores.Negative = core.LabelNegative, 0.9
			d = core.Decision{Mention: m, OpenCase: true, Actions: []core.Action{{Kind: core.ActionAlert, DedupKey: "alert:" + m.Key(), MentionKey: m.Key(), CreatedAt: at}}}
		case i%20 == 5:
			m.Analysis.Label, m.Analysis.Referral = core.LabelPositive, true
			d = core.Decision{Mention: m, Actions: []core.Action{{Kind: core.ActionThankPublic, DedupKey: "thank:" + m.Key(), MentionKey: m.Key(), Text: "Thank you!", CreatedAt: at}}}
		}
		ds = append(ds, d)
		if len(ds) == 100 {
			flush()
		}
	}
	if len(ds) > 0 {
		flush()
	}
}

// BenchmarkDigest_BusyDay reads the figures of a day of 50,000 mentions
// (-digest.mentions to change), the database built once:
//
//	go test -run '^$' -bench Digest_BusyDay -benchtime 5x ./digest/
func BenchmarkDigest_BusyDay(b *testing.B) {
	const n = 50000
	path := filepath.Join(b.TempDir(), "busy.db")
	busyDay(b, path, n)
	db, err := store.Open(path, store.Options{Location: tehran})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	d := MustNew(b, db, Config{}, nil, asOf)
	b.ResetTimer()
	for b.Loop() {
		f, err := d.Figures(ctx, theDay)
		if err != nil {
			b.Fatal(err)
		}
		if int(f.Mentions.Day) != n || len(f.TopAuthors) == 0 {
			b.Fatalf("figures count %d mentions and %d top authors, want %d and some", f.Mentions.Day, len(f.TopAuthors), n)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Seconds())/float64(b.N), "s/digest")
}

// scanOnly hides the store's per-day author tallies, so the digest reads
// every mention of the day, as it does on a database opened read-only
// before its migration.
type scanOnly struct{ Store }

// The tallies give the same most active authors as reading every mention.
func TestFigures_AuthorTalliesMatchTheMentions(t *testing.T) {
	db := MustFixture(t)
	tallied, err := MustNew(t, db, Config{}, nil, asOf).Figures(ctx, theDay)
	if err != nil {
		t.Fatal(err)
	}
	scanned, err := MustNew(t, scanOnly{db}, Config{}, nil, asOf).Figures(ctx, theDay)
	if err != nil {
		t.Fatal(err)
	}
	if len(tallied.TopAuthors) == 0 || fmt.Sprint(tallied.TopAuthors) != fmt.Sprint(scanned.TopAuthors) {
		t.Fatalf("from the tallies %+v\nfrom the mentions %+v", tallied.TopAuthors, scanned.TopAuthors)
	}
}
