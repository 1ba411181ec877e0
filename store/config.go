package store

import (
	"strings"
	"time"

	"github.com/shenava/shenava/internal/conf"
)

// Storage drivers (storage.driver).
const (
	// DriverBbolt keeps everything in one embedded bbolt file: one process.
	DriverBbolt = "bbolt"
	// DriverPostgres keeps everything in PostgreSQL (package
	// store/pgstore): several replicas may share one database.
	DriverPostgres = "postgres"
)

// Drivers lists the storage drivers storage.driver accepts.
var Drivers = []string{DriverBbolt, DriverPostgres}

// Defaults and limits of the storage section.
const (
	// DefaultDriver is the embedded bbolt file.
	DefaultDriver = DriverBbolt
	// DefaultPath is the database file, next to the config file.
	DefaultPath = "shenava.db"
	// MinLockTimeout and MaxLockTimeout bound storage.lock_timeout.
	MinLockTimeout = 10 * time.Millisecond
	MaxLockTimeout = 10 * time.Minute
	// DefaultMaxConns bounds each process's PostgreSQL connection pool
	// (pgstore.DefaultMaxConns).
	DefaultMaxConns = 10
	// MaxMaxConns bounds storage.max_conns.
	MaxMaxConns = 1000
	// DefaultConnectTimeout bounds each PostgreSQL connection attempt
	// (pgstore.DefaultConnectTimeout).
	DefaultConnectTimeout = 10 * time.Second
	// MinConnectTimeout and MaxConnectTimeout bound storage.connect_timeout.
	MinConnectTimeout = time.Second
	MaxConnectTimeout = 5 * time.Minute
	// MaxReplicaName bounds storage.replica.
	MaxReplicaName = 64
	// DefaultLeaseTTL is how long a replica's leases last without renewal
	// (package replica: renewed every 5 s, a dead replica's taken over
	// within 20 s).
	DefaultLeaseTTL = 15 * time.Second
	// MinLeaseTTL and MaxLeaseTTL bound storage.lease_ttl.
	MinLeaseTTL = 300 * time.Millisecond
	MaxLeaseTTL = 10 * time.Minute
)

// Config is the storage section of config.yaml: which driver keeps
// Shenava's state, and its settings. Path and LockTimeout apply to the
// bbolt file only; DSN, MaxConns, ConnectTimeout, AutoMigrate and Replica
// to PostgreSQL only.
type Config struct {
	// Driver is DriverBbolt or DriverPostgres.
	Driver string `yaml:"driver"`
	// Path is the database file; the config package resolves it against
	// the config file's directory.
	Path string `yaml:"path"`
	// LockTimeout is how long to wait for another process to release the
	// file before failing.
	LockTimeout time.Duration `yaml:"lock_timeout"`
	// DSN is the PostgreSQL connection string (a postgres:// URL or
	// key=value pairs); it holds the password, so it is a secret.
	DSN conf.Secret `yaml:"dsn"`
	// MaxConns bounds this process's connection pool (the daemon holds
	// three more connections: its replica lease, its notifications and
	// the lease releases it listens for).
	MaxConns int `yaml:"max_conns"`
	// ConnectTimeout bounds each connection attempt.
	ConnectTimeout time.Duration `yaml:"connect_timeout"`
	// AutoMigrate applies the schema's migrations when shenava run starts;
	// off, run refuses a database whose schema is behind the binary's, and
	// `shenava migrate` (run by a role allowed to change the schema)
	// applies them.
	AutoMigrate bool `yaml:"auto_migrate"`
	// Replica names this process among the replicas sharing the
	// database, in the outbox's record of who claimed each send and in
	// the replicas table (names may repeat; what a replica recovers does
	// not depend on them). Empty: the host name and process ID.
	Replica string `yaml:"replica"`
	// LeaseTTL is how long a replica's leases (the sources it polls, the
	// singleton jobs it runs, its claim to be alive for the outbox) last
	// in the database without renewal.
	LeaseTTL time.Duration `yaml:"lease_ttl"`
}

// DefaultConfig is the section with its defaults.
func DefaultConfig() Config {
	return Config{Driver: DefaultDriver, Path: DefaultPath, LockTimeout: DefaultLockTimeout,
		MaxConns: DefaultMaxConns, ConnectTimeout: DefaultConnectTimeout, AutoMigrate: true,
		LeaseTTL: DefaultLeaseTTL}
}

// Postgres reports whether the section chooses PostgreSQL.
func (c Config) Postgres() bool { return c.Driver == DriverPostgres }

// Options are the options Open takes for this section; loc is the zone of
// the daily counters (the digest's).
func (c Config) Options(loc *time.Location) Options {
	return Options{LockTimeout: c.LockTimeout, Location: loc}
}

// Validate reports the section's problems (a *conf.Error), each naming its
// key under storage. Whether the file's directory exists is checked when
// the config's files are (config.CheckFiles).
func (c Config) Validate() error { return c.Problems().Err() }

// Problems lists the section's problems, as Validate reports them. Only
// the chosen driver's keys are checked.
func (c Config) Problems() conf.Problems {
	var ps conf.Problems
	switch c.Driver {
	case DriverBbolt:
		if c.Path == "" {
			ps.Add("path", "required: the database file, e.g. %s", DefaultPath)
		}
		ps.DurationRange("lock_timeout", c.LockTimeout, MinLockTimeout, MaxLockTimeout)
	case DriverPostgres:
		dsn := strings.TrimSpace(c.DSN.Reveal())
		switch {
		case dsn == "":
			ps.Add("dsn", "required when storage.driver is postgres: a connection string such as "+
				"postgres://shenava@db.example:5432/shenava, best from the environment (${DATABASE_URL})")
		case !strings.HasPrefix(dsn, "postgres://") && !strings.HasPrefix(dsn, "postgresql://") && !strings.Contains(dsn, "="):
			// Never quote the value: it may hold the password.
			ps.Add("dsn", "must be a postgres:// URL or key=value pairs (host=… dbname=…)")
		}
		ps.IntRange("max_conns", c.MaxConns, 1, MaxMaxConns)
		ps.DurationRange("connect_timeout", c.ConnectTimeout, MinConnectTimeout, MaxConnectTimeout)
		switch {
		case len(c.Replica) > MaxReplicaName:
			ps.Add("replica", "at most %d bytes, got %d", MaxReplicaName, len(c.Replica))
		case strings.ContainsFunc(c.Replica, func(r rune) bool { return conf.IsSpace(r) || r < 0x20 || r == 0x7f }):
			ps.Add("replica", "must be one word without spaces, got %q", c.Replica)
		}
		ps.DurationRange("lease_ttl", c.LeaseTTL, MinLeaseTTL, MaxLeaseTTL)
	default:
		ps.OneOf("driver", c.Driver, Drivers...)
	}
	return ps
}
