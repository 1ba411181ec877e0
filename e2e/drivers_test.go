package e2e

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/shenava/shenava/internal/pgtest"
	"github.com/shenava/shenava/store"
	"github.com/shenava/shenava/store/pgstore"
)

// openReplicas opens n handles on one new PostgreSQL database, as n
// replicas would (each its own pool, each its replica name when n > 1).
func openReplicas(tb testing.TB, n int) []store.Store {
	tb.Helper()
	dsn := pgtest.DSN(tb)
	var out []store.Store
	for i := range n {
		opts := pgstore.Options{DSN: dsn}
		if n > 1 {
			opts.Replica = fmt.Sprintf("r%d", i+1)
		}
		db, err := pgstore.Open(context.Background(), opts)
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(func() { db.Close() })
		out = append(out, db)
	}
	return out
}

// BenchmarkPipelineDrivers is BenchmarkPipeline's pipeline (the outbox
// running) on each driver, in one run: the bbolt file, PostgreSQL with
// one replica, and PostgreSQL with two replicas sharing the outbox (one
// polls the source, as its lease allows; both deliver, each action
// claimed by one). It reports mentions per second, store commits per
// alert (of every handle) and actions per second.
//
//	go test -run '^$' -bench PipelineDrivers -benchtime 20000x ./e2e/
func BenchmarkPipelineDrivers(b *testing.B) {
	ss := samples(b)
	dir := b.TempDir()
	// Each sub-benchmark has its own b.N: the file of that many mentions
	// is written once and shared by the drivers.
	files := map[int]string{}
	file := func(b *testing.B) string {
		if p, ok := files[b.N]; ok {
			return p
		}
		p := filepath.Join(dir, fmt.Sprintf("load-%d.jsonl", b.N))
		writeLoadFile(b, p, b.N, ss)
		files[b.N] = p
		return p
	}
	report := func(b *testing.B, run pipelineRun) {
		if run.stored != b.N {
			b.Fatalf("%d mentions stored, want %d", run.stored, b.N)
		}
		b.ReportMetric(float64(b.N)/run.elapsed.Seconds(), "mentions/s")
		if run.alerts > 0 {
			b.ReportMetric(float64(run.commits)/float64(run.alerts), "commits/alert")
		}
		b.ReportMetric(float64(run.alerts+run.replies)/run.elapsed.Seconds(), "actions/s")
	}
	timer := func(b *testing.B) func(bool) {
		return func(start bool) {
			if start {
				b.StartTimer()
			} else {
				b.StopTimer()
			}
		}
	}
	b.Run("bbolt", func(b *testing.B) {
		b.StopTimer()
		report(b, runPipeline(b, b.TempDir(), file(b), timer(b), false))
	})
	b.Run("postgres", func(b *testing.B) {
		b.StopTimer()
		dbs := openReplicas(b, 1)
		report(b, runPipelineOn(b, dbs[0], dbs, file(b), timer(b), false))
	})
	b.Run("postgres-2-replicas", func(b *testing.B) {
		b.StopTimer()
		dbs := openReplicas(b, 2)
		report(b, runPipelineOn(b, dbs[0], dbs, file(b), timer(b), false))
	})
}

// The same file through bbolt and through two PostgreSQL replicas sharing
// the outbox: the same mentions stored, and the same alerts and
// thank-yous delivered, each once.
func TestPipeline_TwoReplicasDeliverOnce(t *testing.T) {
	t.Parallel()
	ss := samples(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "load.jsonl")
	const n = 300
	writeLoadFile(t, path, n, ss)
	want := runPipeline(t, dir, path, func(bool) {}, false)
	dbs := openReplicas(t, 2)
	got := runPipelineOn(t, dbs[0], dbs, path, func(bool) {}, false)
	if got.stored != n || got.alerts != want.alerts || got.replies != want.replies || want.alerts == 0 || want.replies == 0 {
		t.Fatalf("two replicas on PostgreSQL: %d stored, %d alerts, %d thank-yous; bbolt: %d, %d, %d",
			got.stored, got.alerts, got.replies, want.stored, want.alerts, want.replies)
	}
	t.Logf("%d mentions, %d alerts, %d thank-yous: bbolt %s (%d commits), PostgreSQL with two replicas %s (%d commits)",
		n, got.alerts, got.replies, want.elapsed, want.commits, got.elapsed, got.commits)
}
