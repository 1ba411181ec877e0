package replica

import "time"

// Lease timing.
const (
	// DefaultLeaseTTL is how long a lease lasts without renewal. It is
	// renewed every third of that (5 s), and a replica that has not managed
	// to renew for two thirds of it (10 s) stops acting on it, at least a
	// third (5 s) before it can expire in the database. Another replica
	// takes a dead replica's lease over within TakeoverBound(ttl): 20 s.
	DefaultLeaseTTL = 15 * time.Second
)

// Config configures a replica's leases (the daemon fills it in from the
// storage section: storage.replica and storage.lease_ttl).
type Config struct {
	// Name is this replica's name in /healthz, the metrics and the lease
	// table; "" means the host name. Each lease holder also carries the
	// process's ID and a random part, so that a restarted replica never
	// takes for its own the leases its earlier life may still act on.
	Name string
	// LeaseTTL is how long a lease lasts in the database without renewal;
	// 0 means DefaultLeaseTTL.
	LeaseTTL time.Duration
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
