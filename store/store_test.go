package store

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/shenava/shenava/core"
)

var (
	ctx = context.Background()
	t0  = time.Date(2026, 11, 22, 6, 30, 0, 0, time.UTC) // 10:00 in Tehran
)

// MustOpen opens a fresh database in a temporary directory and closes it
// when the test ends.
func MustOpen(tb testing.TB, opts Options) *DB {
	tb.Helper()
	db, err := Open(filepath.Join(tb.TempDir(), "shenava.db"), opts)
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	tb.Cleanup(func() {
		if err := db.Close(); err != nil {
			tb.Errorf("Close: %v", err)
		}
	})
	return db
}

func mention(id string, label core.Label, at time.Time) core.Mention {
	scores := core.Scores{Neutral: 1}
	switch label {
	case core.LabelNegative:
		scores = core.Scores{Negative: 0.9, Neutral: 0.05, Positive: 0.05}
	case core.LabelPositive:
		scores = core.Scores{Negative: 0.05, Neutral: 0.05, Positive: 0.9}
	}
	return core.Mention{
		Platform: core.PlatformX, NativeID: id, Source: "x/mentions",
		Author: core.Author{ID: "u" + id, Handle: "user" + id, Followers: 10},
		Text:   "متن " + id, CreatedAt: at, FetchedAt: at.Add(time.Minute),
		Analysis: &core.Analysis{Lang: "fa", Label: label, Scores: scores},
	}
}

func alertFor(m core.Mention) core.Action {
	return core.Action{Kind: core.ActionAlert, DedupKey: "alert:" + m.Key(), MentionKey: m.Key(), Actor: core.ActorSystem}
}

func TestOpen_LockTimeout(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "shenava.db")
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, err = Open(path, Options{LockTimeout: 50 * time.Millisecond})
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("second Open err=%v, want ErrLocked", err)
	}
	if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "another shenava") {
		t.Fatalf("lock error %q does not name the file and the likely cause", err)
	}
}

func TestOpen_SchemaVersion(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "shenava.db")
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// A newer shenava wrote this file.
	if err := db.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bktMeta).Put(keySchema, itob(SchemaVersion+1))
	}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if _, err := Open(path, Options{}); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Fatalf("Open of a newer schema err=%v, want a 'newer' error", err)
	}
}

func TestDB_Backup(t *testing.T) {
	t.Parallel()
	db := MustOpen(t, Options{})
	if _, err := db.SaveBatch(ctx, "s", "c", []core.Decision{{Mention: mention("1", core.LabelNeutral, t0)}}, t0); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := db.Backup(ctx, &buf); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "copy.db")
	if _, err := db.BackupFile(ctx, out); err != nil {
		t.Fatal(err)
	}
	if _, err := db.BackupFile(ctx, out); err == nil {
		t.Fatal("BackupFile overwrote an existing file")
	}
	cp, err := Open(out, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer cp.Close()
	if m, err := cp.Mention(ctx, "x:1"); err != nil || m.NativeID != "1" {
		t.Fatalf("backup copy Mention=%+v,%v", m, err)
	}
}
