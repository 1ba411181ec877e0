package store_test

import (
	"path/filepath"
	"testing"

	"github.com/shenava/shenava/store"
	"github.com/shenava/shenava/store/storetest"
)

// TestContract runs the store contract suite against the bbolt file.
func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T, opts storetest.Options) store.Store {
		t.Helper()
		if opts.Share != nil {
			return opts.Share // one process holds the file
		}
		path := filepath.Join(t.TempDir(), "shenava.db")
		if opts.Reopen != nil {
			old := opts.Reopen.(*store.DB)
			path = old.Path()
			if err := old.Close(); err != nil {
				t.Fatalf("Close: %v", err)
			}
		}
		db, err := store.Open(path, store.Options{Location: opts.Location, NoSync: true})
		if err != nil {
			t.Fatalf("store.Open: %v", err)
		}
		t.Cleanup(func() {
			if err := db.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
		})
		return db
	})
}
