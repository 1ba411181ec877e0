package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/shenava/shenava/admin"
	"github.com/shenava/shenava/internal/newfile"
	"github.com/shenava/shenava/store"
)

func cmdBackup() command {
	return command{
		summary: "consistent copy of the bbolt database, also while shenava runs (PostgreSQL: pg_dump)",
		run: func(ctx context.Context, e env, args []string) error {
			fs := newFlagSet(e, "backup", "[-config config.yaml] -out FILE")
			path := fs.String("config", "config.yaml", "configuration file (for storage.path and metrics.listen)")
			out := fs.String("out", "", "the copy to write; must not exist")
			if err := parseFlags(fs, args); err != nil {
				return err
			}
			if *out == "" {
				return fmt.Errorf("backup: -out is required: %w", errUsage)
			}
			cfg, err := loadConfig(e, *path)
			if err != nil {
				return err
			}
			if cfg.Storage.Postgres() {
				return fmt.Errorf("backup: %w: storage.driver is postgres, whose backups are pg_dump's job "+
					"(pg_dump -Fc, restored with pg_restore; README, Operations: PostgreSQL)", errNotBbolt)
			}
			var n int64
			err = withDatabase(ctx, cfg, true,
				func(db store.Store) error {
					// Not PostgreSQL (refused above): the bbolt file.
					n, err = db.(*store.DB).BackupFile(ctx, *out)
					return err
				},
				func(c admin.Client) error {
					n, err = newfile.Write(*out, func(w io.Writer) (int64, error) { return c.Backup(ctx, w) })
					return err
				})
			if err != nil {
				return fmt.Errorf("backup: %w", err)
			}
			// A copy that does not open is no backup.
			cp, err := store.Open(*out, store.Options{ReadOnly: true})
			if err != nil {
				os.Remove(*out)
				return fmt.Errorf("backup: the copy does not open, removed it: %w", err)
			}
			count, err := cp.MentionCount(ctx)
			cp.Close()
			if err != nil {
				return errors.Join(fmt.Errorf("backup: reading the copy"), err)
			}
			fmt.Fprintf(e.stdout, "wrote %s: %d bytes, %d mentions\n", *out, n, count)
			return nil
		},
	}
}
