package pgstore

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/shenava/shenava/internal/pgtest"
)

// Two replicas given the same sign-in link at the same moment: one signs
// in.
func TestUseWebLink_OnceAcrossReplicas(t *testing.T) {
	t.Parallel()
	dsn := pgtest.DSN(t)
	dbs := []*DB{openReplica(t, dsn, "a", 0), openReplica(t, dsn, "b", 0)}
	for i := range 20 {
		nonce := fmt.Sprint("nonce", i)
		var wg sync.WaitGroup
		var firsts [2]bool
		for j, db := range dbs {
			wg.Go(func() {
				ok, err := db.UseWebLink(ctx, nonce, t0.Add(time.Hour), t0)
				if err != nil {
					t.Error(err)
				}
				firsts[j] = ok
			})
		}
		wg.Wait()
		if firsts[0] == firsts[1] {
			t.Fatalf("link %s: used first by %v; want exactly one replica", nonce, firsts)
		}
	}
}

func TestUseWebLink_ExpiredRecordsGo(t *testing.T) {
	t.Parallel()
	db := mustOpen(t)
	if ok, _ := db.UseWebLink(ctx, "a", t0, t0.Add(-time.Minute)); !ok {
		t.Fatal("first use refused")
	}
	if ok, _ := db.UseWebLink(ctx, "a", t0, t0.Add(time.Hour)); ok {
		t.Fatal("a used link, past its expiry, was accepted again")
	}
	if ok, _ := db.UseWebLink(ctx, "b", t0.Add(2*time.Hour), t0.Add(time.Hour)); !ok {
		t.Fatal("a new link refused")
	}
	var n int
	if err := db.pool.QueryRow(ctx, `SELECT count(*) FROM web_links`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("%d link records, %v; want the expired one dropped", n, err)
	}
}

func TestWebSessions_PutGetPrune(t *testing.T) {
	t.Parallel()
	db := mustOpen(t)
	for i, rec := range []string{"keep", "drop", ""} {
		if err := db.PutWebSession(ctx, fmt.Sprint("s\x00", i), []byte(rec)); err != nil {
			t.Fatal(err)
		}
	}
	if rec, ok, err := db.WebSession(ctx, "s\x000"); err != nil || !ok || string(rec) != "keep" {
		t.Fatalf("WebSession = %q, %v, %v", rec, ok, err)
	}
	if rec, ok, _ := db.WebSession(ctx, "s\x002"); !ok || rec == nil || len(rec) != 0 {
		t.Fatalf("empty record = %v, %v; want present and empty", rec, ok)
	}
	if n, err := db.PruneWebSessions(ctx, func(rec []byte) bool { return string(rec) != "drop" }); err != nil || n != 1 {
		t.Fatalf("PruneWebSessions = %d, %v", n, err)
	}
	if err := db.PutWebSession(ctx, "s\x000", nil); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := db.WebSession(ctx, "s\x000"); ok {
		t.Fatal("a nil record did not delete the session")
	}
}
