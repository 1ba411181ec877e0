package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/shenava/shenava/admin"
	"github.com/shenava/shenava/config"
	"github.com/shenava/shenava/digest"
	"github.com/shenava/shenava/store"
)

// adminHandler serves the admin endpoints over the daemon's database and
// digester (nil when the digest is off). They stand in for the bbolt file,
// which the daemon holds locked; on PostgreSQL the commands connect to the
// database themselves, so there is nothing to serve.
func adminHandler(db store.Store, d *digest.Digester) http.Handler {
	bdb, ok := db.(*store.DB)
	switch {
	case !ok:
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "no admin endpoints with storage.driver postgres: the commands connect to the database",
				http.StatusNotFound)
		})
	case d == nil:
		return admin.Handler(bdb, nil, time.Now)
	}
	return admin.Handler(bdb, d, time.Now)
}

// withDatabase runs direct on the database when no other process holds
// it, or remote against the running daemon's admin endpoints when one does.
// On PostgreSQL, which many processes share, it always runs direct (on a
// database at this binary's schema version).
func withDatabase(ctx context.Context, cfg *config.Config, readOnly bool,
	direct func(store.Store) error, remote func(admin.Client) error) error {
	if cfg.Storage.Postgres() {
		db, err := openPostgres(ctx, cfg)
		if err != nil {
			return err
		}
		defer db.Close()
		return direct(db)
	}
	db, err := store.Open(cfg.Storage.Path, store.Options{
		LockTimeout: 500 * time.Millisecond, ReadOnly: readOnly, Location: cfg.Digest.TimeZone.Location(),
	})
	switch {
	case err == nil:
		defer db.Close()
		return direct(db)
	case !errors.Is(err, store.ErrLocked):
		return err
	case !cfg.Metrics.Enabled():
		return fmt.Errorf("%w; the running shenava serves this on its admin endpoint only when metrics.listen is set", err)
	}
	return remote(admin.Client{Base: "http://" + cfg.Metrics.Listen})
}
