package listen

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/sentiment"
	"github.com/shenava/shenava/store"
)

// benchTexts are the labelled brand mentions the sentiment package ships
// (its own test data, not the public sets): realistic fa/en/fi posts.
func benchTexts(b *testing.B) []string {
	b.Helper()
	var out []string
	for _, f := range []string{"brand/dev.tsv", "brand/test.tsv", "referral/train.tsv", "finglish/test.tsv"} {
		fh, err := os.Open(filepath.Join("..", "sentiment", "testdata", f))
		if err != nil {
			b.Fatal(err)
		}
		sc := bufio.NewScanner(fh)
		sc.Scan() // header
		for sc.Scan() {
			cols := strings.Split(sc.Text(), "\t")
			out = append(out, cols[len(cols)-1])
		}
		fh.Close()
	}
	return out
}

// BenchmarkEngine_Ingest measures mentions per second from a source batch
// into bbolt through the engine: dedup lookup, analysis with the shipped
// model on all cores, routing, and the save with its fsync, in batches of
// the default size.
//
//	go test -run '^$' -bench Engine_Ingest -benchtime 20000x ./listen/
func BenchmarkEngine_Ingest(b *testing.B) {
	model, err := sentiment.Load()
	if err != nil {
		b.Fatal(err)
	}
	texts := benchTexts(b)
	db, err := store.Open(filepath.Join(b.TempDir(), "bench.db"), store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	spec := SourceSpec{Name: "bench", Source: &sliceSource{}}
	e, err := New(db, model, keywordMatcher{}, allCanReply, []SourceSpec{spec},
		Config{Policy: thankPolicy}, discard())
	if err != nil {
		b.Fatal(err)
	}
	const batch = 100
	at := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	b.ResetTimer()
	for done := 0; done < b.N; done += batch {
		ms := make([]core.Mention, 0, batch)
		for i := done; i < min(done+batch, b.N); i++ {
			ms = append(ms, core.Mention{
				Platform: core.PlatformX, NativeID: fmt.Sprint(i), Author: core.Author{ID: fmt.Sprint(i % 5000), Handle: "u"},
				Text: "brand " + texts[i%len(texts)], CreatedAt: at.Add(time.Duration(i) * time.Second),
			})
		}
		if _, err := e.Process(context.Background(), spec, core.Batch{Mentions: ms, Cursor: fmt.Sprint(done)}); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "mentions/s")
}
