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
// digester (nil when the digest is off).
func adminHandler(db *store.DB, d *digest.Digester) http.Handler {
	if d == nil {
		return admin.Handler(db, nil, time.Now)
	}
	return admin.Handler(db, d, time.Now)
}

// withDatabase runs direct on the database when no other process holds
// it, or remote against the running daemon's admin endpoints when one does.
func withDatabase(ctx context.Context, cfg *config.Config, readOnly bool,
	direct func(*store.DB) error, remote func(admin.Client) error) error {
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
