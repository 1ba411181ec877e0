package pgstore

import (
	"context"
	"log/slog"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/digest"
	"github.com/shenava/shenava/internal/pgtest"
	"github.com/shenava/shenava/internal/storetest"
	"github.com/shenava/shenava/store"
)

// TestImport_RoundTrip: a bbolt database with every kind of record,
// copied into PostgreSQL, gives the same answers from both stores —
// mentions and their time order, cursors, cases, the outbox and what is
// due, codes, authors and counters, the digest's figures, the bot's and
// the web inbox's records — and IDs handed out afterwards continue after
// the copied ones. Copying again adds nothing.
func TestImport_RoundTrip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	loc, err := time.LoadLocation("Asia/Tehran")
	if err != nil {
		t.Fatal(err)
	}
	src := storetest.MustOpen(t, store.Options{Location: loc})
	storetest.Fill(t, src)
	dst, err := Open(ctx, Options{DSN: pgtest.DSN(t), Location: loc})
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()

	// A daemon started on the empty database set its own mark.
	if err := dst.SetCodesLowWater(ctx, 9); err != nil {
		t.Fatal(err)
	}
	res, err := dst.Import(ctx, "shenava.db", src.Export)
	if err != nil {
		t.Fatal(err)
	}
	if res.Again {
		t.Error("a first copy says it copied before")
	}
	for _, k := range store.Kinds {
		if res.Exported[k] == 0 || res.Exported[k] != res.Stored[k] {
			t.Errorf("%s: %d exported, %d stored; want the same, and some", k, res.Exported[k], res.Stored[k])
		}
	}
	same := func(what string, a, b any) {
		t.Helper()
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%s differ:\nbbolt:    %+v\npostgres: %+v", what, a, b)
		}
	}
	both := func(what string, f func(s store.Store) (any, error)) {
		t.Helper()
		a, errA := f(src)
		b, errB := f(dst)
		if errA != nil || errB != nil {
			t.Errorf("%s: bbolt %v, postgres %v", what, errA, errB)
			return
		}
		same(what, a, b)
	}
	from, to := storetest.FillDay.Add(-48*time.Hour), storetest.FillDay.Add(48*time.Hour)
	var keys []string
	both("mentions in time order", func(s store.Store) (any, error) {
		var ms []core.Mention
		err := s.ForEachMention(ctx, from, to, func(m core.Mention) error { ms = append(ms, m); return nil })
		return ms, err
	})
	_ = src.ForEachMention(ctx, from, to, func(m core.Mention) error { keys = append(keys, m.Key()); return nil })
	if len(keys) == 0 {
		t.Fatal("no mentions to compare")
	}
	both("mention count", func(s store.Store) (any, error) { return s.MentionCount(ctx) })
	both("known", func(s store.Store) (any, error) { return s.Known(ctx, append(keys, "x:nope")) })
	for _, k := range keys {
		both("mention "+k, func(s store.Store) (any, error) { return s.Mention(ctx, k) })
	}
	for _, source := range []string{"x-mentions", "mastodon-notifications", "none"} {
		both("cursor "+source, func(s store.Store) (any, error) { return s.Cursor(ctx, source) })
	}
	for id := uint64(1); id <= 3; id++ {
		both("case", func(s store.Store) (any, error) { return s.Case(ctx, id) })
	}
	both("case by mention", func(s store.Store) (any, error) { return s.CaseByMention(ctx, keys[0]) })
	both("open cases", func(s store.Store) (any, error) {
		cs, n, err := s.OpenCases(ctx, core.CaseFilter{})
		return []any{cs, n}, err
	})
	both("case counts", func(s store.Store) (any, error) { return s.CaseCounts(ctx) })
	both("cases by day written", func(s store.Store) (any, error) {
		var cs []core.Case
		err := s.ForEachCase(ctx, from, to, func(c core.Case) error { cs = append(cs, c); return nil })
		return cs, err
	})
	both("corrections", func(s store.Store) (any, error) { return s.Corrections(ctx) })
	both("case pages", func(s store.Store) (any, error) {
		first, err := s.CasePage(ctx, core.PageQuery{Limit: 2})
		if err != nil {
			return nil, err
		}
		next, err := s.CasePage(ctx, core.PageQuery{Limit: 2, After: first.Next})
		return []any{first, next}, err
	})
	both("mention pages", func(s store.Store) (any, error) {
		first, err := s.MentionPage(ctx, core.PageQuery{Limit: 3})
		if err != nil {
			return nil, err
		}
		next, err := s.MentionPage(ctx, core.PageQuery{Limit: 3, After: first.Next})
		return []any{first, next}, err
	})
	both("open cases page", func(s store.Store) (any, error) {
		return s.CasePage(ctx, core.PageQuery{States: []core.CaseState{core.CaseNew, core.CaseAlerted}})
	})
	both("cases in doubt", func(s store.Store) (any, error) { return s.DoubtCases(ctx) })
	both("outbox", func(s store.Store) (any, error) { return s.Actions(ctx, store.ActionFilter{}) })
	both("outbox stats", func(s store.Store) (any, error) { return s.Outbox(ctx) })
	both("actions by time", func(s store.Store) (any, error) {
		var as []core.Action
		err := s.ForEachAction(ctx, from, to, func(a core.Action) error { as = append(as, a); return nil })
		return as, err
	})
	both("due", func(s store.Store) (any, error) { return s.Due(ctx, storetest.FillDay.Add(3*time.Hour)) })
	both("known actions", func(s store.Store) (any, error) {
		return s.KnownActions(ctx, []string{"alert:" + keys[0], "spike:2026-11-20T10", "nope"})
	})
	authors := []string{"x:u1", "x:u2", "mastodon:u3", "mastodon:u1", "x:u5", "nope:0"}
	both("authors", func(s store.Store) (any, error) { return s.Authors(ctx, authors) })
	for _, day := range []string{"2026-11-20", "2026-11-21"} {
		both("day counts "+day, func(s store.Store) (any, error) { return s.DayCounts(ctx, day) })
		both("day authors "+day, func(s store.Store) (any, error) { return s.DayAuthors(ctx, day) })
	}
	for _, l := range []core.Label{core.LabelNegative, core.LabelPositive, core.LabelNeutral} {
		both("hourly "+string(l), func(s store.Store) (any, error) { return s.HourlyCounts(ctx, l, from, to) })
	}
	both("codes left", func(s store.Store) (any, error) { return s.CodesLeft(ctx) })
	both("codes missed", func(s store.Store) (any, error) { return s.CodesMissed(ctx, keys) })
	both("last digest day", func(s store.Store) (any, error) { return s.LastDigestDay(ctx) })
	both("usage", func(s store.Store) (any, error) { return s.Usage(ctx, storetest.FillDay) })
	for _, space := range core.Spaces {
		both("bot "+string(space), func(s store.Store) (any, error) {
			v, ok, err := s.BotGet(ctx, space, "key-"+string(space))
			return []any{string(v), ok}, err
		})
	}
	both("update offset", func(s store.Store) (any, error) { return s.UpdateOffset(ctx) })
	both("inbox", func(s store.Store) (any, error) {
		ms, last, err := s.InboxAfter(ctx, 0, 0)
		return []any{ms, last}, err
	})
	for _, id := range []string{"sess-hash-1", "sess-hash-2"} {
		both("web session "+id, func(s store.Store) (any, error) {
			v, ok, err := s.WebSession(ctx, id)
			return []any{string(v), ok}, err
		})
	}
	// The digest's figures and text, from its own code over each store.
	day := time.Date(2026, 11, 20, 0, 0, 0, 0, loc)
	both("digest", func(s store.Store) (any, error) {
		d, err := digest.New(digest.DefaultSection().Config(time.Hour, 72*time.Hour), s, nil, slog.New(slog.DiscardHandler))
		if err != nil {
			return nil, err
		}
		d.SetClock(func() time.Time { return storetest.FillDay.Add(48 * time.Hour) }, time.After)
		f, err := d.Figures(ctx, day)
		if err != nil {
			return nil, err
		}
		text, _, err := d.Digest(ctx, day)
		return []any{f, text}, err
	})

	// The used sign-in link stays used; new IDs come after the copied ones.
	both("used sign-in link", func(s store.Store) (any, error) {
		return s.UseWebLink(ctx, "nonce-1", storetest.FillDay.Add(365*24*time.Hour), storetest.FillDay)
	})
	both("a new case's ID", func(s store.Store) (any, error) {
		m := core.Mention{Platform: core.PlatformX, NativeID: "new", Author: core.Author{ID: "n"}, CreatedAt: storetest.FillDay,
			Analysis: &core.Analysis{Lang: "en", Label: core.LabelNegative, Scores: core.Scores{Negative: 1}}}
		r, err := s.SaveBatch(ctx, "x-mentions", "c2", []core.Decision{{Mention: m, OpenCase: true, Actions: []core.Action{
			{Kind: core.ActionAlert, DedupKey: "alert:x:new", MentionKey: m.Key(), Actor: core.ActorSystem}}}}, storetest.FillDay)
		if err != nil || len(r.Cases) != 1 || len(r.Actions) != 1 {
			return nil, err
		}
		return []uint64{r.Cases[0].ID, r.Actions[0].ID}, nil
	})
	both("a new inbox message's number", func(s store.Store) (any, error) {
		if err := s.InboxAppend(ctx, 58, core.Mention{Platform: core.PlatformTelegram, NativeID: "g9", CreatedAt: storetest.FillDay}); err != nil {
			return nil, err
		}
		_, last, err := s.InboxAfter(ctx, 0, 0)
		return last, err
	})
	both("codes loaded later", func(s store.Store) (any, error) {
		if _, err := s.AddCodes(ctx, []string{"C1"}); err != nil {
			return nil, err
		}
		return s.CodesLeft(ctx)
	})

	// Again: nothing is added, nothing written since is overwritten.
	var before map[store.Kind]int
	if err := dst.view(ctx, func(tx pgx.Tx) error {
		var err error
		before, err = importedCounts(ctx, tx, store.Settings{})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	again, err := dst.Import(ctx, "shenava.db", src.Export)
	if err != nil {
		t.Fatal(err)
	}
	if !again.Again || !strings.Contains(again.Previous, "shenava.db") {
		t.Errorf("second copy: Again=%v, Previous=%q; want it to know the first", again.Again, again.Previous)
	}
	for _, k := range store.Kinds {
		if k != store.KindSettings && again.Stored[k] != before[k] {
			t.Errorf("%s: %d before copying again, %d after; want nothing added", k, before[k], again.Stored[k])
		}
	}
	if again.Stored[store.KindMention] != res.Stored[store.KindMention]+1 {
		t.Errorf("%d mentions after copying again, want the copied ones and the one stored since", again.Stored[store.KindMention])
	}
	if c, err := dst.Cursor(ctx, "x-mentions"); err != nil || c != "c2" {
		t.Errorf("cursor after copying again = %q, %v; want the one written since", c, err)
	}
}

// TestImport_RefusesAnotherDatabasesRecords: a database in use, which no
// copy filled, is not copied into (the IDs would collide).
func TestImport_RefusesAnotherDatabasesRecords(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	src := storetest.MustOpen(t, store.Options{})
	storetest.Fill(t, src)
	dst := mustOpen(t)
	if _, err := dst.AddCodes(ctx, []string{"Z1"}); err != nil {
		t.Fatal(err)
	}
	_, err := dst.Import(ctx, "shenava.db", src.Export)
	if err == nil || !strings.Contains(err.Error(), "empty database") {
		t.Fatalf("Import into a database in use = %v; want it refused", err)
	}
	if n, _ := dst.MentionCount(ctx); n != 0 {
		t.Fatalf("%d mentions copied by a refused import", n)
	}
}

// TestConnect_ReportsAndMigrates: a connection to a database without the
// schema reads its version, applies each migration telling of it, and
// closes without a lease to end.
func TestConnect_ReportsAndMigrates(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, err := Connect(ctx, Options{DSN: pgtest.DSN(t)})
	if err != nil {
		t.Fatal(err)
	}
	if v, err := c.Version(ctx); v != 0 || err != nil {
		t.Fatalf("Version of an empty database = %d, %v; want 0", v, err)
	}
	if _, err := c.Import(ctx, "x", func(context.Context, func(store.Record) error) error { return nil }); err == nil ||
		!strings.Contains(err.Error(), "shenava migrate") {
		t.Fatalf("Import before the schema = %v; want it refused, naming shenava migrate", err)
	}
	var applied []int
	n, err := c.MigrateReport(ctx, func(v int, _ string) { applied = append(applied, v) })
	if err != nil || n != SchemaVersion || len(applied) != SchemaVersion || applied[0] != 1 {
		t.Fatalf("MigrateReport = %d, %v, told %v; want every migration, in order", n, err, applied)
	}
	if v, err := c.Version(ctx); v != SchemaVersion || err != nil {
		t.Fatalf("Version after = %d, %v", v, err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
}
