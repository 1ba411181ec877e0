package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/shenava/shenava/config"
	"github.com/shenava/shenava/store"
	"github.com/shenava/shenava/store/pgstore"
)

func cmdMigrate() command {
	return command{
		summary: "apply the PostgreSQL schema; with -from bbolt:FILE -to postgres, copy a bbolt database into it",
		run: func(ctx context.Context, e env, args []string) error {
			fs := newFlagSet(e, "migrate", "[-config config.yaml] [-from bbolt:FILE -to postgres]")
			path := fs.String("config", "config.yaml", "configuration file (storage.driver postgres, storage.dsn)")
			from := fs.String("from", "", "copy this database: bbolt:FILE (stop the shenava that uses it first)")
			to := fs.String("to", "", "where to copy it: postgres, the config's storage")
			if err := parseFlags(fs, args); err != nil {
				return err
			}
			if fs.NArg() > 0 {
				return fmt.Errorf("migrate: unexpected arguments %q: %w", fs.Args(), errUsage)
			}
			var file string
			switch {
			case *from == "" && *to == "":
			case *from == "" || *to == "":
				return fmt.Errorf("migrate: -from and -to go together: -from bbolt:FILE -to postgres: %w", errUsage)
			case *to != store.DriverPostgres:
				return fmt.Errorf("migrate: -to %q: only postgres (the config's storage) can be copied to: %w", *to, errUsage)
			default:
				driver, f, ok := strings.Cut(*from, ":")
				if !ok || driver != store.DriverBbolt || f == "" {
					return fmt.Errorf("migrate: -from %q: want bbolt:FILE: %w", *from, errUsage)
				}
				file = f
			}
			cfg, err := loadConfig(e, *path)
			if err != nil {
				return err
			}
			if !cfg.Storage.Postgres() {
				return fmt.Errorf("migrate: storage.driver is %s in %s: a bbolt file brings its own layout up to date "+
					"when shenava opens it; to move to PostgreSQL set storage.driver: postgres and storage.dsn, "+
					"then run shenava migrate -from bbolt:FILE -to postgres", cfg.Storage.Driver, *path)
			}
			db, err := pgstore.Connect(ctx, postgresOptions(cfg, true))
			if err != nil {
				return fmt.Errorf("migrate: %w", err)
			}
			defer db.Close()
			n, err := db.MigrateReport(ctx, func(version int, name string) {
				fmt.Fprintf(e.stdout, "applied migration %04d_%s\n", version, name)
			})
			if err != nil {
				return fmt.Errorf("migrate: %w", err)
			}
			if n == 0 {
				fmt.Fprintf(e.stdout, "schema up to date (version %d)\n", pgstore.SchemaVersion)
			} else {
				fmt.Fprintf(e.stdout, "schema at version %d\n", pgstore.SchemaVersion)
			}
			if file == "" {
				return nil
			}
			return copyBbolt(ctx, e, cfg, file, db)
		},
	}
}

// copyBbolt copies the bbolt database at file into db and compares what
// each holds, kind by kind.
func copyBbolt(ctx context.Context, e env, cfg *config.Config, file string, db *pgstore.Conn) error {
	if _, err := os.Stat(file); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	// Opened for writing, as every command but backup does: that holds it
	// against a running shenava, and brings a file of an older layout up
	// to date first. Nothing is written to it otherwise.
	src, err := store.Open(file, store.Options{LockTimeout: 2 * time.Second, Location: cfg.Digest.TimeZone.Location()})
	if errors.Is(err, store.ErrLocked) {
		return fmt.Errorf("migrate: %s is in use by a running shenava: stop it first, so that nothing changes "+
			"while it is copied (or copy a backup: shenava backup -out copy.db): %w", file, err)
	}
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer src.Close()
	abs, err := filepath.Abs(file)
	if err != nil {
		abs = file
	}
	started := time.Now()
	res, err := db.Import(ctx, abs, src.Export)
	if err != nil {
		return fmt.Errorf("migrate: copying %s: %w", file, err)
	}
	if res.Again {
		fmt.Fprintf(e.stdout, "copied before (%s): only what was missing is added\n", res.Previous)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "\tbbolt\tpostgres\t")
	var differ []string
	for _, k := range store.Kinds {
		mark := ""
		if res.Exported[k] != res.Stored[k] {
			mark = "  ✗"
			differ = append(differ, fmt.Sprintf("%s (%d in the file, %d in PostgreSQL)", k, res.Exported[k], res.Stored[k]))
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\n", k, res.Exported[k], res.Stored[k], mark)
	}
	tw.Flush()
	if len(differ) > 0 {
		return fmt.Errorf("migrate: the copy does not match: %s; the database was used since the first copy, "+
			"or holds another database's records", strings.Join(differ, ", "))
	}
	fmt.Fprintf(e.stdout, "copied %s to PostgreSQL in %s; every count matches\n", file, time.Since(started).Round(time.Millisecond))
	return nil
}
