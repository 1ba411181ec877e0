-- Key/value facts of the whole database (the digest's last day, the bot's
-- update offset, the codes' low-water mark, …).
CREATE TABLE meta (
	key   text PRIMARY KEY,
	value jsonb NOT NULL
);
