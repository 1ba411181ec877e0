// Package storetest gives tests a fresh store of their own: an empty
// database in the test's temporary directory, closed when the test ends.
package storetest

import (
	"path/filepath"
	"testing"

	"github.com/shenava/shenava/store"
)

// MustOpen opens an empty store with opts, without fsync (the file is
// thrown away with the test's temporary directory).
func MustOpen(tb testing.TB, opts store.Options) *store.DB {
	tb.Helper()
	opts.NoSync = true
	db, err := store.Open(filepath.Join(tb.TempDir(), "shenava.db"), opts)
	if err != nil {
		tb.Fatalf("store.Open: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}
