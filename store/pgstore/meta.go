package pgstore

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/jackc/pgx/v5"
)

// getMeta reads the meta value under key into v, reporting whether there
// was one (v is left as it was when not).
func getMeta(ctx context.Context, tx pgx.Tx, key string, v any) (bool, error) {
	var raw []byte
	err := tx.QueryRow(ctx, `SELECT value FROM meta WHERE key = $1`, key).Scan(&raw)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return true, json.Unmarshal(raw, v)
}

// putMeta sets the meta value under key.
func putMeta(ctx context.Context, tx pgx.Tx, key string, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, raw)
	return err
}
