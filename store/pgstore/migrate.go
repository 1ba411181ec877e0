package pgstore

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrationLock is the advisory lock key held while migrations run, so
// that replicas starting together apply each migration once.
const migrationLock = 0x5348454e41564101 // "SHENAVA\x01"

type migration struct {
	version int
	name    string
	sql     string
}

var migrations = mustLoadMigrations()

// SchemaVersion is the newest schema this binary knows: the number of its
// last migration.
var SchemaVersion = migrations[len(migrations)-1].version

func mustLoadMigrations() []migration {
	ms, err := loadMigrations(migrationFiles)
	if err != nil {
		panic(err)
	}
	return ms
}

// loadMigrations reads NNNN_name.sql files, which must be numbered 1, 2, …
// without gaps.
func loadMigrations(fsys fs.FS) ([]migration, error) {
	names, err := fs.Glob(fsys, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var ms []migration
	for _, n := range names {
		base := path.Base(n)
		num, rest, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %s: name is not NNNN_name.sql", base)
		}
		if v != len(ms)+1 {
			return nil, fmt.Errorf("migration %s: expected number %d", base, len(ms)+1)
		}
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: strings.TrimSuffix(rest, ".sql"), sql: string(b)})
	}
	if len(ms) == 0 {
		return nil, errors.New("no migrations")
	}
	return ms, nil
}

const createVersions = `CREATE TABLE IF NOT EXISTS shenava_schema (
	version    integer PRIMARY KEY,
	name       text NOT NULL,
	applied_at timestamptz NOT NULL DEFAULT now()
)`

// Migrate applies, in order, each migration the database does not have
// yet, each in its own transaction under an advisory lock. Migrations
// are forward-only: a database whose schema is newer than this binary's
// is refused.
func (s *DB) Migrate(ctx context.Context) error {
	_, err := s.MigrateReport(ctx, nil)
	return err
}

// MigrateReport is Migrate, telling progress (each migration applied) to
// applied when not nil. It returns how many it applied.
func (s *DB) MigrateReport(ctx context.Context, applied func(version int, name string)) (int, error) {
	n := 0
	for _, m := range migrations {
		done := false
		err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(migrationLock)); err != nil {
				return describe(err)
			}
			if _, err := tx.Exec(ctx, createVersions); err != nil {
				return describe(err)
			}
			cur, err := currentVersion(ctx, tx)
			if err != nil {
				return err
			}
			if cur > SchemaVersion {
				return newerSchema(cur)
			}
			if cur >= m.version {
				done = true
				return nil
			}
			if _, err := tx.Exec(ctx, m.sql); err != nil {
				return fmt.Errorf("migration %04d_%s: %w", m.version, m.name, describe(err))
			}
			_, err = tx.Exec(ctx, `INSERT INTO shenava_schema (version, name) VALUES ($1, $2)`, m.version, m.name)
			return err
		})
		if err != nil {
			return n, err
		}
		if !done {
			n++
			if applied != nil {
				applied(m.version, m.name)
			}
		}
	}
	return n, nil
}

// CheckSchema reports whether the database is at exactly this binary's
// schema version, naming what to do when it is not.
func (s *DB) CheckSchema(ctx context.Context) error {
	var cur int
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT to_regclass('shenava_schema') IS NOT NULL`).Scan(&exists); err != nil {
			return describe(err)
		}
		if !exists {
			return nil
		}
		var err error
		cur, err = currentVersion(ctx, tx)
		return err
	})
	switch {
	case err != nil:
		return err
	case cur > SchemaVersion:
		return newerSchema(cur)
	case cur < SchemaVersion:
		return fmt.Errorf("database schema version %d is older than this shenava's (%d): run `shenava migrate`", cur, SchemaVersion)
	}
	return nil
}

// Version is the database's schema version (0 when it has none).
func (s *DB) Version(ctx context.Context) (int, error) {
	var cur int
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT to_regclass('shenava_schema') IS NOT NULL`).Scan(&exists); err != nil || !exists {
			return err
		}
		var err error
		cur, err = currentVersion(ctx, tx)
		return err
	})
	return cur, describe0(err)
}

func describe0(err error) error {
	if err == nil {
		return nil
	}
	return describe(err)
}

func currentVersion(ctx context.Context, tx pgx.Tx) (int, error) {
	var v int
	if err := tx.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM shenava_schema`).Scan(&v); err != nil {
		return 0, describe(err)
	}
	return v, nil
}

func newerSchema(v int) error {
	return fmt.Errorf("database schema version %d is newer than this shenava understands (%d): upgrade shenava", v, SchemaVersion)
}
