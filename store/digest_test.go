package store

import (
	"errors"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/shenava/shenava/core"
)

func TestDB_ForEachAction(t *testing.T) {
	t.Parallel()
	db := MustOpen(t, Options{})
	notify := func(key string, at time.Time) core.Action {
		return core.Action{Kind: core.ActionNotify, DedupKey: key, Actor: core.ActorSystem, CreatedAt: at}
	}
	_, err := db.Enqueue(ctx,
		notify("a", t0),
		notify("b", t0.Add(time.Hour)),
		notify("undated", time.Time{}),
		notify("c", t0.Add(2*time.Hour)),
		notify("d", t0.Add(3*time.Hour)),
	)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		from, to time.Time
		want     []string
	}{
		{"Middle", t0.Add(time.Hour), t0.Add(3 * time.Hour), []string{"b", "c"}},
		{"All", t0, t0.Add(24 * time.Hour), []string{"a", "b", "c", "d"}},
		{"Empty", t0.Add(-2 * time.Hour), t0, nil},
		{"Future", t0.Add(4 * time.Hour), t0.Add(5 * time.Hour), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			err := db.ForEachAction(ctx, tt.from, tt.to, func(a core.Action) error {
				got = append(got, a.DedupKey)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("ForEachAction=%v, want %v", got, tt.want)
			}
		})
	}
	t.Run("StopsOnError", func(t *testing.T) {
		stop := errors.New("stop")
		n := 0
		err := db.ForEachAction(ctx, t0, t0.Add(24*time.Hour), func(core.Action) error {
			n++
			return stop
		})
		if !errors.Is(err, stop) || n != 1 {
			t.Fatalf("err=%v after %d calls, want stop after 1", err, n)
		}
	})
}

func TestDB_KnownActions(t *testing.T) {
	t.Parallel()
	db := MustOpen(t, Options{})
	if _, err := db.Enqueue(ctx, core.Action{Kind: core.ActionNotify, DedupKey: "spike:1", CreatedAt: t0}); err != nil {
		t.Fatal(err)
	}
	got, err := db.KnownActions(ctx, []string{"spike:0", "spike:1", "spike:2"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || !got["spike:1"] {
		t.Fatalf("KnownActions=%v, want only spike:1", got)
	}
}

func TestDB_DigestSent(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "shenava.db")
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if day, err := db.LastDigestDay(ctx); err != nil || day != "" {
		t.Fatalf("LastDigestDay on a new database=%q,%v, want empty", day, err)
	}
	steps := []struct {
		set, want string
	}{
		{"2026-11-21", "2026-11-21"},
		{"2026-11-22", "2026-11-22"},
		{"2026-11-01", "2026-11-22"}, // an old day sent by hand does not move it back
	}
	for _, s := range steps {
		if err := db.SetDigestSent(ctx, s.set); err != nil {
			t.Fatalf("SetDigestSent(%s): %v", s.set, err)
		}
		if got, _ := db.LastDigestDay(ctx); got != s.want {
			t.Fatalf("after SetDigestSent(%s) LastDigestDay=%q, want %q", s.set, got, s.want)
		}
	}
	if err := db.SetDigestSent(ctx, "22/11/2026"); !errors.Is(err, core.ErrInvalid) {
		t.Fatalf("SetDigestSent(bad day) err=%v, want ErrInvalid", err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if got, err := db.LastDigestDay(ctx); err != nil || got != "2026-11-22" {
		t.Fatalf("after reopen LastDigestDay=%q,%v, want 2026-11-22", got, err)
	}
}
