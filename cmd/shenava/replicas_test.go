package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shenava/shenava/internal/pgtest"
	"github.com/shenava/shenava/internal/sharedtest"
	"github.com/shenava/shenava/store/pgstore"
)

// Two daemons on one PostgreSQL database share the work: each source and
// each singleton job (the digest, the watchers) is run by one of them, as
// the lease table and their /healthz say; when one stops cleanly, the
// other takes all of it over at once.
func TestRun_TwoReplicasShareTheLeases(t *testing.T) {
	t.Parallel()
	dsn := pgtest.DSN(t)
	dir := t.TempDir()
	type replicaRun struct {
		name, health string
		stop         context.CancelFunc
		done         chan error
		stderr       *syncBuffer
	}
	start := func(name string) *replicaRun {
		r := &replicaRun{name: name, health: sharedtest.FreeAddr(t), done: make(chan error, 1), stderr: &syncBuffer{}}
		sub := filepath.Join(dir, name)
		if err := os.MkdirAll(sub, 0o700); err != nil {
			t.Fatal(err)
		}
		path := writePostgresConfig(t, sub, fmt.Sprintf(`  replica: %s
  lease_ttl: 1s
metrics:
  listen: %s
web: {listen: ""}
digest:
  enabled: true
spike:
  enabled: true
`, name, r.health))
		e := env{stdin: strings.NewReader(""), stdout: &syncBuffer{}, stderr: r.stderr,
			getenv: func(k string) string { return map[string]string{"DATABASE_URL": dsn}[k] }}
		ctx, cancel := context.WithCancel(context.Background())
		r.stop = cancel
		go func() { r.done <- run(ctx, e, []string{"run", "-config", path}) }()
		t.Cleanup(func() {
			cancel()
			select {
			case <-r.done:
			case <-time.After(30 * time.Second):
				t.Errorf("%s did not stop", name)
			}
		})
		return r
	}
	a := start("a")
	waitFor(t, "a to hold every lease", func() bool { return len(healthLeases(a.health)) == 3 })
	b := start("b")
	waitFor(t, "b's /healthz", func() bool { return healthLeases(b.health) != nil })
	time.Sleep(1500 * time.Millisecond) // more than a lease TTL: nothing moves while both run
	want := []string{"digest", "source:replay", "watch"}
	if got := healthLeases(a.health); !slices.Equal(got, want) {
		t.Fatalf("a holds %v, want %v", got, want)
	}
	if got := healthLeases(b.health); len(got) != 0 {
		t.Fatalf("b holds %v while a runs", got)
	}
	db, err := pgstore.Open(context.Background(), pgstore.Options{DSN: dsn, NoMigrate: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ls, err := db.Leases(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range ls {
		if !l.Live || !strings.HasPrefix(l.Holder, "a/") {
			t.Errorf("lease %s: %+v, want live and a's", l.Name, l)
		}
	}
	stopped := time.Now()
	a.stop()
	if err := <-a.done; err != nil {
		t.Fatalf("a stopped with %v\n%s", err, a.stderr.String())
	}
	a.done <- nil // for the cleanup
	waitFor(t, "b to take every lease over", func() bool { return slices.Equal(healthLeases(b.health), want) })
	if d := time.Since(stopped); d > 900*time.Millisecond {
		t.Errorf("b took over %v after a stopped cleanly; want at once, not after the 1s TTL", d)
	}
}

// healthLeases reads the leases a daemon's /healthz lists (nil when it
// does not answer or lists none).
func healthLeases(addr string) []string {
	resp, err := http.Get("http://" + addr + "/healthz")
	if err != nil {
		return nil
	}
	defer resp.Body.Close()
	var h struct{ Leases []string }
	if json.NewDecoder(resp.Body).Decode(&h) != nil {
		return nil
	}
	return h.Leases
}
