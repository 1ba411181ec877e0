-- The outbox: every action decided, ever (a dedup key is unique for
-- good, so deciding twice never sends twice). Times are Unix nanoseconds
-- (0 = none), exact as Go keeps them; doc is the whole action as JSON.
CREATE TABLE outbox (
	id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	dedup_key       text NOT NULL UNIQUE,
	kind            text NOT NULL,
	state           text NOT NULL,
	mention_key     text NOT NULL DEFAULT '',
	case_id         bigint NOT NULL DEFAULT 0,
	created_ns      bigint NOT NULL,
	next_attempt_ns bigint NOT NULL,
	doc             json NOT NULL
);
CREATE INDEX outbox_due ON outbox (next_attempt_ns, id) WHERE state = 'pending';
CREATE INDEX outbox_sending ON outbox (id) WHERE state = 'sending';
CREATE INDEX outbox_created ON outbox (created_ns, id);
CREATE INDEX outbox_case ON outbox (case_id) WHERE case_id <> 0;

-- Reward codes: handed out once ever, oldest loaded first.
CREATE TABLE codes (
	code        text PRIMARY KEY,
	load_seq    bigint NOT NULL UNIQUE,
	given_to    text,
	given_ns    bigint
);
CREATE INDEX codes_free ON codes (load_seq) WHERE given_to IS NULL;
CREATE TABLE codes_missed (
	mention_key text PRIMARY KEY,
	at_ns       bigint NOT NULL
);
