package store

import (
	"fmt"
	"strings"
	"testing"

	"github.com/shenava/shenava/internal/conf"
)

// TestConfig_ChecksOnlyTheChosenDriver: each driver's keys are checked
// when that driver is chosen, and only then.
func TestConfig_ChecksOnlyTheChosenDriver(t *testing.T) {
	t.Parallel()
	pg := func(c Config) Config {
		c.Driver = DriverPostgres
		c.DSN = conf.NewSecret("postgres://shenava:s3cret@db.example/shenava")
		return c
	}
	for _, tt := range []struct {
		name string
		c    Config
		keys []string
	}{
		{"BboltDefaults", DefaultConfig(), nil},
		{"BboltIgnoresPostgresKeys", func() Config { c := DefaultConfig(); c.MaxConns, c.ConnectTimeout = -1, 0; return c }(), nil},
		{"BboltPath", func() Config { c := DefaultConfig(); c.Path, c.LockTimeout = "", 0; return c }(), []string{"path", "lock_timeout"}},
		{"Postgres", pg(DefaultConfig()), nil},
		{"PostgresIgnoresBboltKeys", func() Config { c := pg(DefaultConfig()); c.Path, c.LockTimeout = "", 0; return c }(), nil},
		{"PostgresKeyValueDSN", func() Config {
			c := pg(DefaultConfig())
			c.DSN = conf.NewSecret("host=/run/postgresql dbname=shenava")
			return c
		}(), nil},
		{"PostgresRanges", func() Config { c := pg(DefaultConfig()); c.MaxConns, c.ConnectTimeout = 1001, 100e6; return c }(),
			[]string{"max_conns", "connect_timeout"}},
		{"PostgresReplica", func() Config { c := pg(DefaultConfig()); c.Replica = "shenava-1.example"; return c }(), nil},
		{"PostgresReplicaSpaces", func() Config { c := pg(DefaultConfig()); c.Replica = "shenava 1"; return c }(), []string{"replica"}},
		{"PostgresReplicaLong", func() Config { c := pg(DefaultConfig()); c.Replica = strings.Repeat("r", 65); return c }(), []string{"replica"}},
		{"PostgresNoDSN", func() Config { c := DefaultConfig(); c.Driver = DriverPostgres; return c }(), []string{"dsn"}},
		{"Unknown", func() Config { c := DefaultConfig(); c.Driver = "Postgres"; return c }(), []string{"driver"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var keys []string
			for _, p := range tt.c.Problems().All() {
				keys = append(keys, p.Key)
			}
			if fmt.Sprint(keys) != fmt.Sprint(tt.keys) {
				t.Fatalf("problems at %q, want %q: %v", keys, tt.keys, tt.c.Validate())
			}
		})
	}
}

// TestConfig_DSNNeverShown: neither a problem nor the section printed
// shows the connection string, which holds the password.
func TestConfig_DSNNeverShown(t *testing.T) {
	t.Parallel()
	c := DefaultConfig()
	c.Driver, c.DSN, c.MaxConns = DriverPostgres, conf.NewSecret("user=shenava password=s3cret db.example"), 0
	for _, s := range []string{fmt.Sprint(c.Validate()), fmt.Sprintf("%+v", c), fmt.Sprintf("%#v", c)} {
		if strings.Contains(s, "s3cret") {
			t.Errorf("the password shows: %s", s)
		}
	}
}
