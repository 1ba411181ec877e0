package pgstore

import (
	"context"
	"sync"
	"testing"

	"github.com/shenava/shenava/internal/pgtest"
	"github.com/shenava/shenava/store"
	"github.com/shenava/shenava/store/storetest"
)

// TestContract runs the store contract suite against PostgreSQL: each
// test on a database of its own; a reopen is a new pool on the same
// database, as a restarted replica's, and a shared store another pool
// open at the same time, as another replica's.
func TestContract(t *testing.T) {
	var mu sync.Mutex
	dsns := map[store.Store]string{}
	storetest.Run(t, func(t *testing.T, opts storetest.Options) store.Store {
		t.Helper()
		var dsn string
		switch {
		case opts.Share != nil:
			mu.Lock()
			dsn = dsns[opts.Share]
			mu.Unlock()
			if dsn == "" {
				t.Fatal("Share of a store this test did not open")
			}
		case opts.Reopen != nil:
			mu.Lock()
			dsn = dsns[opts.Reopen]
			mu.Unlock()
			if dsn == "" {
				t.Fatal("Reopen of a store this test did not open")
			}
			if err := opts.Reopen.Close(); err != nil {
				t.Fatalf("Close: %v", err)
			}
		default:
			dsn = pgtest.DSN(t)
		}
		db, err := Open(context.Background(), Options{DSN: dsn, Location: opts.Location})
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		t.Cleanup(func() { db.Close() })
		var s store.Store = db
		mu.Lock()
		dsns[s] = dsn
		mu.Unlock()
		return s
	})
}
