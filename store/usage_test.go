package store

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"
)

func TestUsage_CountsByUTCDayAcrossReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "shenava.db")
	tehran := time.FixedZone("IRST", 3*3600+1800)
	db, err := Open(path, Options{Location: tehran})
	if err != nil {
		t.Fatal(err)
	}
	// 23:00 UTC is already the next day in Tehran; the budget day is UTC's.
	late := time.Date(2026, 12, 1, 23, 0, 0, 0, time.UTC)
	if _, err := db.AddUsage(ctx, late, map[string]int64{"x.requests": 1, "x.post_reads": 100}); err != nil {
		t.Fatal(err)
	}
	got, err := db.AddUsage(ctx, late.Add(30*time.Minute), map[string]int64{"x.requests": 1, "x.post_reads": 0})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != "map[x.post_reads:100 x.requests:2]" {
		t.Fatalf("totals after the second add = %v", got)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	got, err = db.Usage(ctx, late.Add(59*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != "map[x.post_reads:100 x.requests:2]" {
		t.Fatalf("after reopening: %v, want the counts kept", got)
	}
	next, err := db.Usage(ctx, late.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(next) != 0 {
		t.Fatalf("next UTC day: %v, want a fresh day", next)
	}
	if _, err := db.AddUsage(ctx, late, map[string]int64{"x.requests": -1}); err == nil {
		t.Fatal("a negative count was accepted")
	}
}

func TestUsage_EmptyDatabase(t *testing.T) {
	db := MustOpen(t, Options{})
	got, err := db.Usage(context.Background(), time.Now())
	if err != nil || len(got) != 0 {
		t.Fatalf("Usage on a new database = %v, %v; want none", got, err)
	}
}
