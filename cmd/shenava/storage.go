package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/shenava/shenava/config"
	"github.com/shenava/shenava/store"
	"github.com/shenava/shenava/store/pgstore"
)

// errNotBbolt marks a command that works on the bbolt file only, run with
// storage.driver postgres.
var errNotBbolt = errors.New("not with storage.driver postgres")

// openStore opens the configured storage for the daemon. On PostgreSQL
// it applies the schema's migrations first, unless storage.auto_migrate
// is off.
func openStore(cfg *config.Config) (store.Store, error) {
	if cfg.Storage.Postgres() {
		opts := postgresOptions(cfg, cfg.Storage.AutoMigrate)
		// The daemon is the replica (commands are not).
		opts.Replica = replicaName(cfg.Storage.Replica)
		opts.ReplicaLease = cfg.Storage.LeaseTTL
		db, err := pgstore.Open(context.Background(), opts)
		if err != nil {
			return nil, fmt.Errorf("storage (postgres): %w", err)
		}
		return db, nil
	}
	db, err := store.Open(cfg.Storage.Path, cfg.Storage.Options(cfg.Digest.TimeZone.Location()))
	if err != nil {
		return nil, err
	}
	return db, nil
}

// replicaName is storage.replica, or the host name and process ID.
func replicaName(configured string) string {
	if configured != "" {
		return configured
	}
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "shenava"
	}
	return fmt.Sprintf("%s-%d", host, os.Getpid())
}

// openPostgres connects a command (not the daemon) to the config's
// PostgreSQL database, which must be at this binary's schema version: a
// command never changes the schema under the running replicas.
func openPostgres(ctx context.Context, cfg *config.Config) (*pgstore.DB, error) {
	db, err := pgstore.Open(ctx, postgresOptions(cfg, false))
	if err != nil {
		return nil, fmt.Errorf("storage (postgres): %w", err)
	}
	return db, nil
}

func postgresOptions(cfg *config.Config, migrate bool) pgstore.Options {
	s := cfg.Storage
	return pgstore.Options{
		DSN: s.DSN.Reveal(), MaxConns: int32(s.MaxConns), ConnectTimeout: s.ConnectTimeout,
		Location: cfg.Digest.TimeZone.Location(), NoMigrate: !migrate,
	}
}

// storeName says where the state is kept, for logs and reports, without
// the connection string (it may hold the password).
func storeName(cfg *config.Config) string {
	if cfg.Storage.Postgres() {
		return "postgres"
	}
	return cfg.Storage.Path
}

// databaseReport is what `shenava check` found of a PostgreSQL database.
type databaseReport struct {
	server  string
	version int
	// warnings are allowed but worth knowing: migrations this role could
	// not apply.
	warnings []string
}

// checkPostgres connects as shenava would, checks the schema version and
// that the role may read and write every table of the schema, naming
// what is wrong: the server unreachable, the password refused, the
// database missing, the schema not yet applied, older or newer than this
// binary's, a privilege missing.
func checkPostgres(ctx context.Context, cfg *config.Config) (databaseReport, error) {
	var rep databaseReport
	db, err := pgstore.Connect(ctx, postgresOptions(cfg, false))
	if err != nil {
		return rep, err
	}
	defer db.Close()
	if rep.version, err = db.Version(ctx); err != nil {
		return rep, err
	}
	switch v := rep.version; {
	case v == 0:
		return rep, fmt.Errorf("the database has no Shenava schema yet: run `shenava migrate` (or start `shenava run` " +
			"with storage.auto_migrate: true)")
	case v < pgstore.SchemaVersion:
		return rep, fmt.Errorf("the database's schema version %d is older than this shenava's (%d): run `shenava migrate`",
			v, pgstore.SchemaVersion)
	case v > pgstore.SchemaVersion:
		return rep, fmt.Errorf("the database's schema version %d is newer than this shenava understands (%d): "+
			"upgrade shenava", v, pgstore.SchemaVersion)
	}
	acc, err := db.Access(ctx)
	if err != nil {
		return rep, err
	}
	rep.server = acc.Server
	schema, create, missing, tables := acc.Schema, acc.Create, acc.Missing, acc.Tables
	if len(tables) > 0 {
		// Tables missing the same privileges are named together.
		var sets []string
		bySet := map[string][]string{}
		for _, t := range tables {
			set := strings.Join(missing[t], ", ")
			if bySet[set] == nil {
				sets = append(sets, set)
			}
			bySet[set] = append(bySet[set], t)
		}
		var parts []string
		for _, set := range sets {
			parts = append(parts, fmt.Sprintf("%s on %s", set, strings.Join(bySet[set], ", ")))
		}
		return rep, fmt.Errorf("missing privilege in schema %s: the role may not %s (grant SELECT, INSERT, UPDATE, "+
			"DELETE on the schema's tables and USAGE on its sequences; README, PostgreSQL privileges)", schema, strings.Join(parts, "; "))
	}
	if !create {
		rep.warnings = append(rep.warnings, fmt.Sprintf("the role may not CREATE in schema %s: the next release's "+
			"migrations need `shenava migrate` run by a role that may (README, PostgreSQL privileges)", schema))
	}
	return rep, nil
}
