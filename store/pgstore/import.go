package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/shenava/shenava/store"
)

// Conn is a connection to a database whose schema may not be this
// binary's yet: for `shenava migrate`, which reports each migration it
// applies and copies a bbolt database in, and for `shenava check`, which
// reports what it finds. It takes no replica lease and serves none of the
// store's methods; everything else opens with Open.
type Conn struct{ db *DB }

// Connect opens the pool as Open does, but neither applies migrations nor
// checks the schema version.
func Connect(ctx context.Context, opts Options) (*Conn, error) {
	db, err := connect(ctx, opts)
	if err != nil {
		return nil, err
	}
	return &Conn{db: db}, nil
}

// Close closes the pool.
func (c *Conn) Close() error {
	c.db.pool.Close()
	return nil
}

// Pool is the connection pool, for checks of the role's privileges.
func (c *Conn) Pool() *pgxpool.Pool { return c.db.pool }

// Version is the database's schema version (0 when it has none).
func (c *Conn) Version(ctx context.Context) (int, error) { return c.db.Version(ctx) }

// MigrateReport applies the migrations the database does not have yet,
// telling applied of each (DB.MigrateReport).
func (c *Conn) MigrateReport(ctx context.Context, applied func(version int, name string)) (int, error) {
	return c.db.MigrateReport(ctx, applied)
}

// Import copies a bbolt database in (DB.Import); the schema must be this
// binary's.
func (c *Conn) Import(ctx context.Context, source string,
	export func(context.Context, func(store.Record) error) error) (ImportResult, error) {
	if err := c.db.CheckSchema(ctx); err != nil {
		return ImportResult{}, fmt.Errorf("store: import: %w", err)
	}
	return c.db.Import(ctx, source, export)
}

// metaImport (meta) records the copies Import made into this database.
const metaImport = "imported_from"

// importMark is the meta value of metaImport.
type importMark struct {
	Source string    `json:"source"`
	At     time.Time `json:"at"`
}

// importChunk is how many rows Import sends to the server at once.
const importChunk = 500

// ImportResult is what Import did.
type ImportResult struct {
	// Exported counts the records the export yielded, by kind; Stored the
	// rows of each kind the database holds after the copy (for the
	// settings: 1 when they agree with the exported ones).
	Exported, Stored map[store.Kind]int
	// Again is true when the database holds an earlier copy (Previous
	// says of what, when): only what was missing was added.
	Again    bool
	Previous string
}

// Import copies every record export yields (store.DB's Export: a whole
// bbolt database) into this database, in one transaction, keeping every
// ID, state and time, then counts what the database holds of each kind.
// The sequences behind case IDs, outbox action IDs and inbox sequence
// numbers continue after the largest copied (or ever handed out in the
// source). Rows already present are kept as they are, so running it again
// adds only what is missing and changes nothing a replica wrote since.
// A database that holds Shenava records that no copy brought is refused:
// two databases' IDs would collide. source names the copied database in
// the record of the copy.
func (s *DB) Import(ctx context.Context, source string,
	export func(context.Context, func(store.Record) error) error) (ImportResult, error) {
	var res ImportResult
	err := s.update(ctx, func(tx pgx.Tx) error {
		res = ImportResult{Exported: map[store.Kind]int{}}
		im := &importer{ctx: ctx, tx: tx, batch: &pgx.Batch{}}
		var mark importMark
		again, err := getMeta(ctx, tx, metaImport, &mark)
		if err != nil {
			return err
		}
		if again {
			res.Again, res.Previous = true, fmt.Sprintf("%s at %s", mark.Source, mark.At.Format(time.RFC3339))
		} else {
			var used bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM mentions) OR EXISTS (SELECT 1 FROM cases)
				OR EXISTS (SELECT 1 FROM outbox) OR EXISTS (SELECT 1 FROM codes)`).Scan(&used); err != nil {
				return err
			}
			if used {
				return errors.New("the PostgreSQL database already holds Shenava records that no copy brought: " +
					"copy into an empty database")
			}
		}
		var settings store.Settings
		err = export(ctx, func(r store.Record) error {
			res.Exported[r.Kind()]++
			if st, ok := r.(store.Settings); ok {
				settings = st
				return nil
			}
			return im.add(r)
		})
		if err != nil {
			return err
		}
		if err := im.flush(); err != nil {
			return err
		}
		if err := im.usedCodes(settings.CodesLoaded); err != nil {
			return err
		}
		if err := im.settings(settings, again); err != nil {
			return err
		}
		if err := putMeta(ctx, tx, metaImport, importMark{Source: source, At: time.Now().UTC()}); err != nil {
			return err
		}
		res.Stored, err = importedCounts(ctx, tx, settings)
		return err
	})
	if err != nil {
		return ImportResult{}, fmt.Errorf("store: import: %w", describe(err))
	}
	return res, nil
}

type importer struct {
	ctx   context.Context
	tx    pgx.Tx
	batch *pgx.Batch
	// minFree is the load order of the oldest free code (0: none yet);
	// used are the handed-out codes, whose load order the source did not
	// keep: they are numbered below every free code once all are known.
	minFree uint64
	used    []store.CodeRecord
}

func (im *importer) queue(sql string, args ...any) error {
	im.batch.Queue(sql, args...)
	if im.batch.Len() >= importChunk {
		return im.flush()
	}
	return nil
}

func (im *importer) flush() error {
	if im.batch.Len() == 0 {
		return nil
	}
	b := im.batch
	im.batch = &pgx.Batch{}
	return im.tx.SendBatch(im.ctx, b).Close()
}

func (im *importer) add(r store.Record) error {
	switch r := r.(type) {
	case store.MentionRecord:
		args, err := mentionArgs(r.Mention, r.ProcessedAt)
		if err != nil {
			return err
		}
		if r.ProcessedAt.IsZero() {
			// A mention with no processing time keeps none (mentionArgs
			// takes the time as given).
			doc := store.ToMentionRec(r.Mention)
			raw, err := json.Marshal(doc)
			if err != nil {
				return err
			}
			args[len(args)-2], args[len(args)-1] = int64(0), raw
		}
		return im.queue(insertMention, args...)
	case store.CursorRecord:
		doc, err := json.Marshal(cursorDoc{Cursor: r.Cursor, UpdatedAt: r.UpdatedAt})
		if err != nil {
			return err
		}
		return im.queue(`INSERT INTO cursors (source, updated_ns, doc) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
			clean(r.Source), unixNano(r.UpdatedAt), doc)
	case store.CaseRecord:
		args, err := caseArgs(r.Case)
		if err != nil {
			return err
		}
		return im.queue(`INSERT INTO cases (id, `+caseCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,
			$11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23) ON CONFLICT DO NOTHING`,
			append([]any{int64(r.Case.ID)}, args...)...)
	case store.ActionRecord:
		a := r.Action
		doc, err := json.Marshal(a)
		if err != nil {
			return err
		}
		return im.queue(`INSERT INTO outbox (id, dedup_key, kind, state, mention_key, case_id, created_ns, next_attempt_ns, doc)
			OVERRIDING SYSTEM VALUE VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING`,
			int64(a.ID), clean(a.DedupKey), string(a.Kind), string(a.State), clean(a.MentionKey), int64(a.CaseID),
			unixNano(a.CreatedAt), unixNano(a.NextAttemptAt), doc)
	case store.AuthorRecord:
		doc, err := json.Marshal(exactAuthor(r.Author))
		if err != nil {
			return err
		}
		return im.queue(`INSERT INTO authors (key, doc) VALUES ($1, $2) ON CONFLICT DO NOTHING`, clean(r.Author.Key), doc)
	case store.DayCountRecord:
		return im.queue(`INSERT INTO daily_counts (day, dim, value, n) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
			clean(r.Day), clean(r.Dim), clean(r.Value), r.N)
	case store.HourCountRecord:
		return im.queue(`INSERT INTO hourly_counts (hour, label, n) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
			r.Hour, clean(string(r.Label)), r.N)
	case store.DayAuthorRecord:
		return im.queue(`INSERT INTO day_authors (day, author_key, mentions, negative, name) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT DO NOTHING`, clean(r.Day), clean(r.Tally.Key), int64(r.Tally.Mentions), int64(r.Tally.Negative),
			clean(r.Tally.Name))
	case store.CodeRecord:
		if r.Used {
			im.used = append(im.used, r)
			return nil
		}
		if im.minFree == 0 || r.Seq < im.minFree {
			im.minFree = r.Seq
		}
		return im.queue(`INSERT INTO codes (code, load_seq) VALUES ($1, $2) ON CONFLICT DO NOTHING`, r.Code, int64(r.Seq))
	case store.CodeMissedRecord:
		return im.queue(`INSERT INTO codes_missed (mention_key, at_ns) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
			clean(r.MentionKey), max(unixNano(r.At), 0))
	case store.BotRecord:
		return im.queue(`INSERT INTO bot_records (space, key, at_ns, value) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
			string(r.Space), []byte(r.Key), unixNano(r.At), r.Value)
	case store.InboxRecord:
		doc, err := json.Marshal(r.Mention)
		if err != nil {
			return err
		}
		return im.queue(`INSERT INTO bot_inbox (seq, doc) OVERRIDING SYSTEM VALUE VALUES ($1, $2) ON CONFLICT DO NOTHING`,
			int64(r.Seq), doc)
	case store.UsageRecord:
		return im.queue(`INSERT INTO usage (day, meter, n) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
			clean(r.Day), clean(r.Meter), r.N)
	case store.WebSessionRecord:
		return im.queue(`INSERT INTO web_sessions (id, rec) VALUES ($1, $2) ON CONFLICT DO NOTHING`, []byte(r.ID), r.Rec)
	case store.WebLinkRecord:
		return im.queue(`INSERT INTO web_links (nonce, expires_ns) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
			[]byte(r.Nonce), max(unixNano(r.Expires), 0))
	}
	return fmt.Errorf("record of kind %s: not known to this store", r.Kind())
}

// usedCodes writes the handed-out codes, in the order they were handed
// out, with the load order just below the oldest free code (or up to the
// number ever loaded, when none is free): the oldest free code is always
// handed out first, so that is where they were. The largest load order is
// then the count of codes ever loaded, as in the source, which the
// low-codes notices' dedup keys carry.
func (im *importer) usedCodes(loaded uint64) error {
	sort.Slice(im.used, func(i, j int) bool {
		a, b := im.used[i], im.used[j]
		if !a.GivenAt.Equal(b.GivenAt) {
			return a.GivenAt.Before(b.GivenAt)
		}
		return a.Code < b.Code
	})
	top := int64(loaded)
	if im.minFree > 0 {
		top = int64(im.minFree) - 1
	}
	first := top - int64(len(im.used)) + 1
	for i, c := range im.used {
		if err := im.queue(`INSERT INTO codes (code, load_seq, given_to, given_ns) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
			c.Code, first+int64(i), clean(c.GivenTo), unixNano(c.GivenAt)); err != nil {
			return err
		}
	}
	return im.flush()
}

// settings writes the source's settings where the database has none (or,
// for the offsets and days that only move forward, an earlier one; the
// low-water mark of reward codes on a first copy), and
// moves the ID sequences past every ID the source handed out.
func (im *importer) settings(st store.Settings, again bool) error {
	ctx, tx := im.ctx, im.tx
	if st.HasCodesLowWater {
		// A first copy takes the source's mark (a daemon started on the
		// empty database may have set its own); a later one keeps what is
		// there.
		q := `INSERT INTO meta (key, value) VALUES ($1, to_jsonb($2::bigint)) ON CONFLICT (key) DO UPDATE SET value = excluded.value`
		if again {
			q = `INSERT INTO meta (key, value) VALUES ($1, to_jsonb($2::bigint)) ON CONFLICT DO NOTHING`
		}
		if _, err := tx.Exec(ctx, q, metaCodesLowWater, int64(st.CodesLowWater)); err != nil {
			return err
		}
	}
	if st.DigestDay != "" {
		if _, err := tx.Exec(ctx, `INSERT INTO meta (key, value) VALUES ($1, to_jsonb($2::text))
			ON CONFLICT (key) DO UPDATE SET value = excluded.value
			WHERE (meta.value #>> '{}') COLLATE "C" < $2::text COLLATE "C"`, metaDigestDay, st.DigestDay); err != nil {
			return err
		}
	}
	if st.UpdateOffset != 0 {
		if _, err := tx.Exec(ctx, `INSERT INTO meta (key, value) VALUES ($1, to_jsonb($2::bigint))
			ON CONFLICT (key) DO UPDATE SET value = excluded.value WHERE (meta.value #>> '{}')::numeric < $2::bigint`,
			metaUpdateOffset, st.UpdateOffset); err != nil {
			return err
		}
	}
	for _, q := range []struct {
		table, column string
		seq           uint64
	}{{"cases", "id", st.CaseSeq}, {"outbox", "id", st.ActionSeq}, {"bot_inbox", "seq", st.InboxSeq}} {
		// The table and column names are this file's constants.
		_, err := tx.Exec(ctx, fmt.Sprintf(`SELECT setval(s, n) FROM (SELECT s, greatest($1::bigint,
			(SELECT coalesce(max(%[2]s), 0) FROM %[1]s), coalesce(pg_sequence_last_value(s::regclass), 0)) AS n
			FROM pg_get_serial_sequence('%[1]s', '%[2]s') AS s) q WHERE n > 0`, q.table, q.column), int64(q.seq))
		if err != nil {
			return fmt.Errorf("sequence of %s: %w", q.table, err)
		}
	}
	return nil
}

// importedCounts counts what the database holds of each kind of record,
// as the bbolt store's export counts them.
func importedCounts(ctx context.Context, tx pgx.Tx, st store.Settings) (map[store.Kind]int, error) {
	out := map[store.Kind]int{}
	for _, q := range []struct {
		kind store.Kind
		sql  string
	}{
		{store.KindMention, `SELECT count(*) FROM mentions`},
		{store.KindCursor, `SELECT count(*) FROM cursors`},
		{store.KindCase, `SELECT count(*) FROM cases`},
		{store.KindAction, `SELECT count(*) FROM outbox`},
		{store.KindAuthor, `SELECT count(*) FROM authors`},
		{store.KindDayCount, `SELECT count(*) FROM daily_counts`},
		{store.KindHourCount, `SELECT count(*) FROM hourly_counts`},
		{store.KindDayAuthor, `SELECT count(*) FROM day_authors`},
		{store.KindCodeFree, `SELECT count(*) FROM codes WHERE given_to IS NULL`},
		{store.KindCodeUsed, `SELECT count(*) FROM codes WHERE given_to IS NOT NULL`},
		{store.KindCodeMissed, `SELECT count(*) FROM codes_missed`},
		{store.KindBot, `SELECT count(*) FROM bot_records WHERE value IS NOT NULL`},
		{store.KindInbox, `SELECT count(*) FROM bot_inbox`},
		{store.KindUsage, `SELECT count(*) FROM usage`},
		{store.KindWebSession, `SELECT count(*) FROM web_sessions`},
		{store.KindWebLink, `SELECT count(*) FROM web_links`},
	} {
		var n int
		if err := tx.QueryRow(ctx, q.sql).Scan(&n); err != nil {
			return nil, fmt.Errorf("counting %s: %w", q.kind, err)
		}
		out[q.kind] = n
	}
	// The settings count once when they read back as the source's.
	low := store.DefaultCodesLowWater
	var day string
	var off int64
	for _, m := range []struct {
		key string
		v   any
	}{{metaCodesLowWater, &low}, {metaDigestDay, &day}, {metaUpdateOffset, &off}} {
		if _, err := getMeta(ctx, tx, m.key, m.v); err != nil {
			return nil, err
		}
	}
	wantLow := store.DefaultCodesLowWater
	if st.HasCodesLowWater {
		wantLow = st.CodesLowWater
	}
	if low == wantLow && day == st.DigestDay && off == st.UpdateOffset {
		out[store.KindSettings] = 1
	}
	return out, nil
}
