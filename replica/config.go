package replica

import (
	"time"

	"github.com/shenava/shenava/internal/conf"
)

// Defaults and limits of the replica section.
const (
	// DefaultLeaseTTL is how long a lease lasts without renewal. It is
	// renewed every third of that (5 s), and a replica that has not managed
	// to renew for two thirds of it (10 s) stops acting on it, at least a
	// third (5 s) before it can expire in the database. Another replica
	// takes a dead replica's lease over within TakeoverBound(ttl): 20 s.
	DefaultLeaseTTL = 15 * time.Second
	MinLeaseTTL     = 300 * time.Millisecond
	MaxLeaseTTL     = 10 * time.Minute
)

// Config is the replica section of config.yaml. It matters only when
// several replicas share one PostgreSQL database: a replica on the bbolt
// file is the only process and holds every lease.
type Config struct {
	// Name is this replica's name in /healthz, the metrics and the lease
	// table; "" means the host name. Replicas may share a name (each lease
	// holder also carries the process's own random ID).
	Name string `yaml:"name"`
	// LeaseTTL is how long a lease lasts in the database without renewal.
	LeaseTTL time.Duration `yaml:"lease_ttl"`
}

// DefaultConfig is the section with its defaults.
func DefaultConfig() Config { return Config{LeaseTTL: DefaultLeaseTTL} }

// Validate reports the section's problems (a *conf.Error), each naming its
// key under replica.
func (c Config) Validate() error { return c.Problems().Err() }

// Problems lists the section's problems, as Validate reports them.
func (c Config) Problems() conf.Problems {
	var ps conf.Problems
	if c.LeaseTTL != 0 {
		ps.DurationRange("lease_ttl", c.LeaseTTL, MinLeaseTTL, MaxLeaseTTL)
	}
	if len(c.Name) > 200 {
		ps.Add("name", "at most 200 bytes, got %d", len(c.Name))
	}
	return ps
}

// RenewEvery is how often a lease of the given TTL is renewed: a third of
// it, so two renewals may fail before the replica lets the lease go.
func RenewEvery(ttl time.Duration) time.Duration { return ttl / 3 }

// TakeoverBound is the longest a source or singleton job stays without a
// replica after the one holding it dies without releasing it (SIGKILL, a
// lost machine): its last renewal ran at most TTL before it expires in the
// database, and the others try to take it every RenewEvery. A clean
// shutdown releases its leases, and the others take them at once.
func TakeoverBound(ttl time.Duration) time.Duration { return ttl + RenewEvery(ttl) }
