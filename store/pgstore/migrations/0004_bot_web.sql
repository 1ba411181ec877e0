-- The database's clock in Unix nanoseconds (microsecond precision): the
-- one clock every replica's lease is measured by, whatever their own
-- clocks say.
CREATE FUNCTION shenava_now_ns() RETURNS bigint LANGUAGE sql VOLATILE AS $$
	SELECT (extract(epoch FROM clock_timestamp()) * 1000000)::bigint * 1000
$$;

-- The lives of the replicas sharing the outbox: one row per open handle
-- (life is new at every start; name is the replica's, and may repeat).
-- A life holds the advisory lock (1397247554, id) on a connection of its
-- own while it runs and renews its lease; it is gone when the lock is
-- free (its process ended) or the lease has expired (a machine lost).
-- The actions a gone life left in sending are recovered at start-up and,
-- every so often, by the replicas running.
CREATE TABLE replicas (
	id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	life           text NOT NULL UNIQUE,
	name           text NOT NULL,
	started_ns     bigint NOT NULL,
	lease_until_ns bigint NOT NULL
);

-- Which replica (name) and life claimed an action last, and when
-- (database clock).
ALTER TABLE outbox
	ADD COLUMN claimed_by   text NOT NULL DEFAULT '',
	ADD COLUMN claim_life   text NOT NULL DEFAULT '',
	ADD COLUMN claimed_ns   bigint NOT NULL DEFAULT 0;
-- The web inbox's In doubt tab: cases with an answer in doubt.
CREATE INDEX outbox_doubt ON outbox (case_id) WHERE state = 'in_doubt' AND case_id <> 0;

-- Wake every replica's outbox worker when an action is queued or
-- re-scheduled (delivered at commit, once per transaction and channel).
CREATE FUNCTION shenava_notify_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_notify('shenava_outbox', '');
	RETURN NULL;
END
$$;
CREATE TRIGGER outbox_wake AFTER INSERT OR UPDATE ON outbox
	FOR EACH ROW WHEN (NEW.state = 'pending') EXECUTE FUNCTION shenava_notify_outbox();

-- The managers' bot's records, by space; keys and values are bytes, kept
-- exactly as given.
CREATE TABLE bot_records (
	space  text NOT NULL,
	key    bytea NOT NULL,
	at_ns  bigint NOT NULL,
	value  bytea,
	PRIMARY KEY (space, key)
);
CREATE INDEX bot_records_at ON bot_records (space, at_ns);

-- Group messages read by the bot, waiting for the engine to store them.
-- Appends are serialised, so sequence numbers are committed in order.
CREATE TABLE bot_inbox (
	seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	doc json NOT NULL
);

-- The web inbox's sessions and used sign-in links.
CREATE TABLE web_sessions (
	id  bytea PRIMARY KEY,
	rec bytea NOT NULL
);
CREATE TABLE web_links (
	nonce      bytea PRIMARY KEY,
	expires_ns bigint NOT NULL
);
CREATE INDEX web_links_expiry ON web_links (expires_ns);

-- Wake every replica's web inbox when cases change (opened, moved on,
-- answered), at commit, once per transaction.
CREATE FUNCTION shenava_notify_cases() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_notify('shenava_cases', '');
	RETURN NULL;
END
$$;
CREATE TRIGGER cases_wake AFTER INSERT OR UPDATE OR DELETE ON cases
	FOR EACH ROW EXECUTE FUNCTION shenava_notify_cases();

-- Answers sent on each platform, by every replica, for the outgoing rate
-- caps (ReserveSend): kept for the longest cap window, at least a day.
CREATE TABLE answer_sends (
	platform text NOT NULL,
	at_ns    bigint NOT NULL
);
CREATE INDEX answer_sends_at ON answer_sends (platform, at_ns);

-- The claim walks the pending actions in ID order (oldest first), as the
-- bbolt store's pending index does, however many done ones the outbox
-- keeps.
CREATE INDEX outbox_pending ON outbox (id) WHERE state = 'pending';
