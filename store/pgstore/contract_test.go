package pgstore

import (
	"context"
	"reflect"
	"strings"
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
		s, ok := any(db).(store.Store)
		if !ok {
			t.Fatalf("*pgstore.DB does not implement store.Store yet: it lacks %s", missingMethods(db))
		}
		mu.Lock()
		dsns[s] = dsn
		mu.Unlock()
		return s
	})
}

// missingMethods names the methods of store.Store that v lacks or has with
// another signature.
func missingMethods(v any) string {
	want := reflect.TypeFor[store.Store]()
	have := reflect.TypeOf(v)
	var out []string
	for i := range want.NumMethod() {
		m := want.Method(i)
		got, ok := have.MethodByName(m.Name)
		if !ok {
			out = append(out, m.Name)
			continue
		}
		// got.Type has the receiver first.
		in := make([]reflect.Type, 0, got.Type.NumIn()-1)
		for j := 1; j < got.Type.NumIn(); j++ {
			in = append(in, got.Type.In(j))
		}
		outs := make([]reflect.Type, 0, got.Type.NumOut())
		for j := range got.Type.NumOut() {
			outs = append(outs, got.Type.Out(j))
		}
		if reflect.FuncOf(in, outs, got.Type.IsVariadic()) != m.Type {
			out = append(out, m.Name+" (signature)")
		}
	}
	return strings.Join(out, ", ")
}
