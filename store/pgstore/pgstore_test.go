package pgstore

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/shenava/shenava/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func mustOpen(t *testing.T) *DB {
	t.Helper()
	db, err := Open(context.Background(), Options{DSN: pgtest.DSN(t)})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestMigrate_AppliesOnceAndRefusesNewer(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	db, err := Open(ctx, Options{DSN: dsn})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if v, err := db.Version(ctx); err != nil || v != SchemaVersion {
		t.Fatalf("Version = %d, %v; want %d", v, err, SchemaVersion)
	}
	if n, err := db.MigrateReport(ctx, nil); err != nil || n != 0 {
		t.Fatalf("second Migrate applied %d, %v; want 0", n, err)
	}
	if _, err := db.pool.Exec(ctx, `INSERT INTO shenava_schema (version, name) VALUES ($1, 'from_the_future')`, SchemaVersion+1); err != nil {
		t.Fatal(err)
	}
	for _, noMigrate := range []bool{false, true} {
		_, err := Open(ctx, Options{DSN: dsn, NoMigrate: noMigrate})
		if err == nil || !strings.Contains(err.Error(), "newer than this shenava") {
			t.Errorf("Open(NoMigrate=%v) on a newer schema: %v; want it refused", noMigrate, err)
		}
	}
}

func TestOpen_NoMigrateOnEmptyDatabaseSaysRunMigrate(t *testing.T) {
	t.Parallel()
	_, err := Open(context.Background(), Options{DSN: pgtest.DSN(t), NoMigrate: true})
	if err == nil || !strings.Contains(err.Error(), "shenava migrate") {
		t.Fatalf("Open(NoMigrate) on an empty database: %v; want a hint to run shenava migrate", err)
	}
}

func TestMigrate_ConcurrentOpensApplyEachOnce(t *testing.T) {
	t.Parallel()
	dsn := pgtest.DSN(t)
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			db, err := Open(context.Background(), Options{DSN: dsn})
			if err == nil {
				db.Close()
			}
			errs <- err
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Errorf("concurrent Open: %v", err)
		}
	}
	db := mustOpen(t)
	var n int
	if err := db.pool.QueryRow(context.Background(), `SELECT count(*) FROM shenava_schema`).Scan(&n); err != nil || n != SchemaVersion {
		t.Fatalf("shenava_schema has %d rows, %v; want %d", n, err, SchemaVersion)
	}
}

func TestLoadMigrations_RejectsGapsAndBadNames(t *testing.T) {
	t.Parallel()
	for name, files := range map[string]fstest.MapFS{
		"gap":      {"migrations/0001_a.sql": {}, "migrations/0003_c.sql": {}},
		"bad name": {"migrations/first.sql": {}},
		"none":     {},
	} {
		if _, err := loadMigrations(files); err == nil {
			t.Errorf("%s: loadMigrations accepted it", name)
		}
	}
}

func TestOpen_UnreachableAndAuthErrorsSayWhatToFix(t *testing.T) {
	t.Parallel()
	_, err := Open(context.Background(), Options{DSN: "postgres://nobody:secret@127.0.0.1:1/x?sslmode=disable&connect_timeout=2"})
	if err == nil || !strings.Contains(err.Error(), "cannot reach") || strings.Contains(err.Error(), "secret") {
		t.Errorf("unreachable: %v; want 'cannot reach' and no password", err)
	}
	pgtest.Server(t)
	dsn := strings.Replace(pgtest.DSN(t), "/t_", "/missing_", 1)
	_, err = Open(context.Background(), Options{DSN: dsn})
	if err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("missing database: %v; want 'does not exist'", err)
	}
}
