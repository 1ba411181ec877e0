package store

import (
	"errors"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/shenava/shenava/core"
)

// A file written by the version before the tallies (schema 1: no
// day_authors bucket) is migrated when opened for writing; opened
// read-only it says it has none, so the digest reads the mentions.
func TestOpen_MigratesSchema1(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var ds []core.Decision
	for i, id := range []string{"1", "2", "3"} {
		m := mention(id, core.LabelNegative, t0.Add(time.Duration(i)*time.Minute))
		if id == "3" {
			m.Author.ID, m.Author.Handle = "u1", "user1"
		}
		ds = append(ds, core.Decision{Mention: m})
	}
	if _, err := db.SaveBatch(ctx, "s", "", ds, t0); err != nil {
		t.Fatal(err)
	}
	// Make it the file schema 1 wrote: the same buckets but day_authors,
	// and version 1.
	if err := db.db.Update(func(tx *bolt.Tx) error {
		if err := tx.DeleteBucket(bktDayAuthors); err != nil {
			return err
		}
		return tx.Bucket(bktMeta).Put(keySchema, itob(1))
	}); err != nil {
		t.Fatal(err)
	}
	db.Close()

	ro, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("read-only open of a schema 1 file: %v", err)
	}
	if _, err := ro.DayAuthors(ctx, t0.Format(core.DayFormat)); !errors.Is(err, core.ErrUnsupported) {
		t.Fatalf("DayAuthors on an unmigrated file: %v, want ErrUnsupported", err)
	}
	ro.Close()

	db, err = Open(path, Options{})
	if err != nil {
		t.Fatalf("open of a schema 1 file: %v", err)
	}
	defer db.Close()
	got, err := db.DayAuthors(ctx, t0.Format(core.DayFormat))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Key != "x:u1" || got[0].Mentions != 2 || got[0].Negative != 2 || got[1].Mentions != 1 {
		t.Fatalf("tallies after the migration: %+v", got)
	}
	var v uint64
	db.db.View(func(tx *bolt.Tx) error { v = btoi(tx.Bucket(bktMeta).Get(keySchema)); return nil })
	if v != SchemaVersion {
		t.Fatalf("schema version %d after the migration, want %d", v, SchemaVersion)
	}
	// New mentions add to the migrated tallies.
	if _, err := db.SaveBatch(ctx, "s", "", []core.Decision{{Mention: mention("9", core.LabelNeutral, t0.Add(time.Hour))}}, t0); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.DayAuthors(ctx, t0.Format(core.DayFormat)); len(got) != 3 {
		t.Fatalf("tallies after a new mention: %+v", got)
	}
}
