package pgstore

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// Access is what the connected role may do in Shenava's schema, as
// `shenava check` reports it.
type Access struct {
	// Server is the server's version; Schema the schema Shenava's tables
	// are in (the role's current schema).
	Server, Schema string
	// Create: the role may CREATE in the schema, which migrations need.
	Create bool
	// Missing names, per table or sequence, the privileges the role lacks
	// of those Shenava uses (SELECT, INSERT, UPDATE, DELETE on tables;
	// USAGE on sequences); Tables lists those names in order.
	Missing map[string][]string
	Tables  []string
}

// Access reads the server's version and the role's privileges on the
// schema's tables and sequences.
func (c *Conn) Access(ctx context.Context) (Access, error) {
	a := Access{Missing: map[string][]string{}}
	err := c.db.pool.QueryRow(ctx, `SELECT current_setting('server_version'), current_schema(),
		has_schema_privilege(current_schema(), 'CREATE')`).Scan(&a.Server, &a.Schema, &a.Create)
	if err != nil {
		return a, fmt.Errorf("reading the server's settings: %w", describe(err))
	}
	rows, err := c.db.pool.Query(ctx, `SELECT c.relname, p.priv FROM pg_class c
		JOIN pg_namespace n ON n.oid = c.relnamespace
		CROSS JOIN unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE']) AS p(priv)
		WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')
		AND NOT has_table_privilege(c.oid, p.priv)
		UNION ALL
		SELECT c.relname, 'USAGE' FROM pg_class c
		JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = current_schema() AND c.relkind = 'S'
		-- The planner may test the privilege before the kind: CASE keeps
		-- it from asking has_sequence_privilege about a table.
		AND CASE WHEN c.relkind = 'S' THEN NOT has_sequence_privilege(c.oid, 'USAGE') ELSE false END
		ORDER BY 1, 2`)
	if err != nil {
		return a, fmt.Errorf("reading the role's privileges: %w", describe(err))
	}
	var table, priv string
	_, err = pgx.ForEachRow(rows, []any{&table, &priv}, func() error {
		if a.Missing[table] == nil {
			a.Tables = append(a.Tables, table)
		}
		a.Missing[table] = append(a.Missing[table], priv)
		return nil
	})
	if err != nil {
		return a, fmt.Errorf("reading the role's privileges: %w", describe(err))
	}
	return a, nil
}
