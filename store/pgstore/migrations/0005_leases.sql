-- Replica leases: which replica polls each source ("source:NAME") and runs
-- each singleton job ("bot", "digest", "watch", …). A lease is taken by
-- one atomic INSERT … ON CONFLICT DO UPDATE that succeeds only when the row
-- is free, expired or the holder's own; expiry is the database's clock, so
-- the replicas' clocks need not agree. holder is one process (a name, its
-- process ID and a random part), name the lease. The times are the
-- database's own (timestamptz), not Go's: nothing but this table writes
-- them.
CREATE TABLE leases (
	name       text PRIMARY KEY,
	holder     text NOT NULL,
	taken_at   timestamptz NOT NULL,
	renewed_at timestamptz NOT NULL,
	expires_at timestamptz NOT NULL
);
