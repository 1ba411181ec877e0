package pgstore

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/pgtest"
	"github.com/shenava/shenava/store/storetest"
)

// A day's morning in Tehran (UTC+3:30), as the contract suite's tests use.
var morning = time.Date(2026, 11, 22, 6, 30, 0, 0, time.UTC)

// replicas opens n handles, each with its own pool, on one new database:
// what n Shenava processes sharing it see.
func replicas(t *testing.T, n int) []*DB {
	t.Helper()
	dsn := pgtest.DSN(t)
	var dbs []*DB
	for range n {
		db, err := Open(context.Background(), Options{DSN: dsn})
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		t.Cleanup(func() { db.Close() })
		dbs = append(dbs, db)
	}
	return dbs
}

// decide opens a case and queues an alert for each mention.
func decide(ms ...core.Mention) []core.Decision {
	var ds []core.Decision
	for _, m := range ms {
		ds = append(ds, core.Decision{Mention: m, OpenCase: true, Actions: []core.Action{{
			Kind: core.ActionAlert, DedupKey: "alert:" + m.Key(), MentionKey: m.Key(), Actor: core.ActorSystem,
		}}})
	}
	return ds
}

func count(t *testing.T, db *DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.pool.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// Two replicas that polled the same source around a lease handover save
// overlapping batches at the same moment, in opposite orders: every
// mention is stored, counted, given a case and alerted once.
func TestSaveBatch_ConcurrentOverlappingBatchesStoreEachOnce(t *testing.T) {
	t.Parallel()
	dbs := replicas(t, 2)
	const rounds, per, overlap = 10, 12, 6
	var (
		mu       sync.Mutex
		stored   = map[string]int{}
		alerted  = map[string]int{}
		duplicts int
	)
	for round := range rounds {
		var ms []core.Mention
		for i := range per + (per - overlap) {
			// Everyone writes on the same day, sharing its counters and
			// some authors.
			m := storetest.Mention(fmt.Sprintf("r%d-%02d", round, i), core.LabelNegative, morning.Add(time.Duration(i)*time.Second))
			m.Author.ID = fmt.Sprintf("a%d", i%3)
			ms = append(ms, m)
		}
		a := decide(ms[:per]...)
		b := decide(ms[per-overlap:]...)
		for i, j := 0, len(b)-1; i < j; i, j = i+1, j-1 {
			b[i], b[j] = b[j], b[i]
		}
		var wg sync.WaitGroup
		for k, ds := range [][]core.Decision{a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				res, err := dbs[k].SaveBatch(context.Background(), "x/mentions", fmt.Sprintf("c%d-%d", round, k), ds, morning.Add(time.Hour))
				if err != nil {
					t.Errorf("replica %d SaveBatch: %v", k, err)
					return
				}
				mu.Lock()
				defer mu.Unlock()
				for _, m := range res.Stored {
					stored[m.Key()]++
				}
				for _, a := range res.Actions {
					alerted[a.MentionKey]++
				}
				duplicts += res.Duplicates
				if len(res.Cases) != len(res.Stored) {
					t.Errorf("replica %d: %d cases for %d stored mentions", k, len(res.Cases), len(res.Stored))
				}
			}()
		}
		wg.Wait()
	}
	total := rounds * (2*per - overlap)
	if len(stored) != total || duplicts != rounds*overlap {
		t.Fatalf("stored %d distinct mentions with %d duplicates; want %d and %d", len(stored), duplicts, total, rounds*overlap)
	}
	for k, n := range stored {
		if n != 1 || alerted[k] != 1 {
			t.Errorf("%s: stored %d times, alerted %d times; want once each", k, n, alerted[k])
		}
	}
	db := dbs[0]
	if n, err := db.MentionCount(context.Background()); err != nil || n != total {
		t.Errorf("MentionCount=%d,%v; want %d", n, err, total)
	}
	if n := count(t, db, `SELECT count(*) FROM outbox WHERE kind = 'alert'`); n != total {
		t.Errorf("%d alerts queued; want %d", n, total)
	}
	counts, err := db.DayCounts(context.Background(), morning.Format(core.DayFormat))
	if err != nil || counts.Get(core.DimTotal, "") != total || counts.Get(core.DimLabel, "negative") != total {
		t.Errorf("DayCounts=%v,%v; want %d mentions, all negative", counts, err, total)
	}
	hourly, err := db.HourlyCounts(context.Background(), core.LabelNegative, morning.Truncate(time.Hour), morning.Truncate(time.Hour).Add(time.Hour))
	if err != nil || len(hourly) != 1 || hourly[0] != total {
		t.Errorf("HourlyCounts=%v,%v; want [%d]", hourly, err, total)
	}
	byState, err := db.CaseCounts(context.Background())
	if err != nil || byState[core.CaseNew] != total {
		t.Errorf("CaseCounts=%v,%v; want %d new", byState, err, total)
	}
	tallies, err := db.DayAuthors(context.Background(), morning.Format(core.DayFormat))
	if err != nil {
		t.Fatal(err)
	}
	sum := 0
	for _, ta := range tallies {
		sum += ta.Mentions
		h, err := db.Author(context.Background(), ta.Key)
		if err != nil || h.Mentions != ta.Mentions || h.Negative != ta.Mentions {
			t.Errorf("Author(%s)=%d mentions, %d negative, %v; want %d as tallied", ta.Key, h.Mentions, h.Negative, err, ta.Mentions)
		}
	}
	if len(tallies) != 3 || sum != total {
		t.Errorf("DayAuthors: %d authors with %d mentions; want 3 with %d", len(tallies), sum, total)
	}
}

// Replicas changing one case at once take turns: no change is lost, and
// each queues its action.
func TestUpdateCase_ConcurrentUpdatesSerialise(t *testing.T) {
	t.Parallel()
	dbs := replicas(t, 2)
	res, err := dbs[0].SaveBatch(context.Background(), "x/mentions", "", decide(storetest.Mention("1", core.LabelNegative, morning)), morning)
	if err != nil {
		t.Fatal(err)
	}
	id := res.Cases[0].ID
	const workers, each = 4, 10
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db := dbs[w%2]
			for i := range each {
				_, queued, err := db.UpdateCase(context.Background(), id, func(c *core.Case) ([]core.Action, error) {
					c.Remind(morning.Add(time.Duration(c.Reminders+1) * time.Minute))
					return []core.Action{{Kind: core.ActionNotify, DedupKey: fmt.Sprintf("remind:%d:%d", w, i), Text: "still open"}}, nil
				})
				if err != nil || len(queued) != 1 {
					t.Errorf("UpdateCase: queued %d, %v", len(queued), err)
					return
				}
			}
		}()
	}
	wg.Wait()
	c, err := dbs[1].Case(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if c.Reminders != workers*each || len(c.Events) != 1+workers*each {
		t.Fatalf("after %d concurrent reminders: Reminders=%d, %d events; want every one kept", workers*each, c.Reminders, len(c.Events))
	}
	for i, e := range c.Events[1:] {
		if want := morning.Add(time.Duration(i+1) * time.Minute); !e.At.Equal(want) {
			t.Fatalf("event %d at %s, want %s: an update did not see the one before it", i+1, e.At, want)
		}
	}
	if n := count(t, dbs[0], `SELECT count(*) FROM outbox WHERE case_id = $1 AND kind = 'notify'`, int64(id)); n != workers*each {
		t.Fatalf("%d reminders queued; want %d", n, workers*each)
	}
}

// Odd text round-trips exactly, through every read of mentions and cases,
// and times keep their nanoseconds.
func TestSaveBatch_OddTextAndTimesRoundTripExactly(t *testing.T) {
	t.Parallel()
	db := replicas(t, 1)[0]
	tehran, err := time.LoadLocation("Asia/Tehran")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 22, 10, 0, 0, 123456789, tehran)
	big := strings.Repeat("ا\x00🙂b", (1<<20)/8)
	odd := []core.Mention{
		storetest.Mention("nul", core.LabelNegative, at),
		storetest.Mention("rtl", core.LabelNegative, at.Add(time.Nanosecond)),
		storetest.Mention("big", core.LabelNegative, at.Add(2*time.Nanosecond)),
	}
	odd[0].Text = "before\x00after \x00\x00 end"
	odd[0].Author.Name = "name\x00with nul"
	odd[0].NativeID = "nul\x00id"
	odd[1].Text = "سلام دنیا! \u200fمرحبا بالعالم\u200e — שלום 👩🏽‍💻🇮🇷 \u202eexe.txt\u202c \"quoted\" <b>&amp;</b> \\ \u2028"
	odd[1].Author.Handle = "کاربر"
	odd[1].URL = "https://example.com/p?q=سلام&x=\"1\""
	odd[2].Text = big
	for i := range odd {
		odd[i].FetchedAt = at.Add(time.Duration(i) * time.Microsecond).Add(7 * time.Nanosecond)
		odd[i].Analysis.ReferralScore = 0.1 + 0.2 // not exactly representable: kept bit for bit
		odd[i].Analysis.Model = "m\x00v1"
	}
	res, err := db.SaveBatch(context.Background(), "x/mentions", "cursor\x00with nul", decide(odd...), at.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Stored) != 3 {
		t.Fatalf("stored %d, want 3", len(res.Stored))
	}
	// What the store gives back: UTC, to the nanosecond.
	want := func(m core.Mention) core.Mention {
		m.CreatedAt, m.FetchedAt = m.CreatedAt.UTC(), m.FetchedAt.UTC()
		return m
	}
	for _, m := range odd {
		got, err := db.Mention(context.Background(), m.Key())
		if err != nil {
			t.Fatalf("Mention(%q): %v", m.Key(), err)
		}
		if !reflect.DeepEqual(got, want(m)) {
			t.Errorf("Mention(%q) differs from what was saved:\n got %.200q\nwant %.200q", m.Key(), fmt.Sprint(got), fmt.Sprint(want(m)))
		}
		c, err := db.CaseByMention(context.Background(), m.Key())
		if err != nil || c.MentionKey != m.Key() || !c.WrittenAt.Equal(m.CreatedAt) || c.WrittenAt.Nanosecond() != m.CreatedAt.Nanosecond() {
			t.Errorf("CaseByMention(%q)=%+v,%v", m.Key(), c, err)
		}
	}
	if k, err := db.Known(context.Background(), []string{odd[0].Key(), "x:nul\uFFFDid", "x:nope"}); err != nil || !k[odd[0].Key()] || k["x:nope"] {
		t.Errorf("Known=%v,%v; want the key with U+0000 known", k, err)
	}
	if cur, err := db.Cursor(context.Background(), "x/mentions"); err != nil || cur != "cursor\x00with nul" {
		t.Errorf("Cursor=%q,%v", cur, err)
	}
	var walked []core.Mention
	if err := db.ForEachMention(context.Background(), at, at.Add(time.Second), func(m core.Mention) error {
		walked = append(walked, m)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(walked) != 3 || !reflect.DeepEqual(walked[0], want(odd[0])) || !reflect.DeepEqual(walked[2], want(odd[2])) {
		t.Errorf("ForEachMention gave %d mentions, not those saved, oldest first", len(walked))
	}
	// One nanosecond apart is apart.
	walked = nil
	if err := db.ForEachMention(context.Background(), at.Add(time.Nanosecond), at.Add(2*time.Nanosecond), func(m core.Mention) error {
		walked = append(walked, m)
		return nil
	}); err != nil || len(walked) != 1 || walked[0].NativeID != "rtl" {
		t.Errorf("ForEachMention over one nanosecond: %d mentions, %v; want only rtl", len(walked), err)
	}
	page, err := db.MentionPage(context.Background(), core.PageQuery{Limit: 1})
	if err != nil || len(page.Mentions) != 1 || !reflect.DeepEqual(page.Mentions[0], want(odd[2])) || page.Next == "" {
		t.Fatalf("MentionPage: %d mentions, next %q, %v; want the newest, whole", len(page.Mentions), page.Next, err)
	}
	page, err = db.MentionPage(context.Background(), core.PageQuery{After: page.Next, Limit: 5})
	if err != nil || len(page.Mentions) != 2 || page.Mentions[0].NativeID != "rtl" || page.Mentions[1].NativeID != odd[0].NativeID || page.Next != "" {
		t.Fatalf("MentionPage after the first: %+v, %v", page, err)
	}
	cases, err := db.CasePage(context.Background(), core.PageQuery{States: []core.CaseState{core.CaseNew}})
	if err != nil || len(cases.Cases) != 3 || !reflect.DeepEqual(cases.Mentions[2], want(odd[0])) {
		t.Fatalf("CasePage: %d cases, %v; want 3 with their mentions whole", len(cases.Cases), err)
	}
	h, err := db.Author(context.Background(), odd[0].AuthorKey())
	if err != nil || h.Name != "name\x00with nul" || !h.FirstSeen.Equal(at) || h.FirstSeen.Nanosecond() != 123456789 {
		t.Errorf("Author=%+v,%v", h, err)
	}
	tallies, err := db.DayAuthors(context.Background(), at.UTC().Format(core.DayFormat))
	if err != nil || len(tallies) != 3 {
		t.Errorf("DayAuthors=%+v,%v", tallies, err)
	}
}

// A case read is the case written: every time to the nanosecond, in UTC,
// the audit trail whole.
func TestUpdateCase_TimesAndTextRoundTrip(t *testing.T) {
	t.Parallel()
	db := replicas(t, 1)[0]
	now := time.Date(2026, 11, 22, 10, 0, 0, 987654321, time.FixedZone("IRST", 3*3600+1800))
	res, err := db.SaveBatch(context.Background(), "x/mentions", "", decide(storetest.Mention("1", core.LabelNegative, now.Add(-time.Nanosecond))), now)
	if err != nil {
		t.Fatal(err)
	}
	id := res.Cases[0].ID
	var changed core.Case
	got, _, err := db.UpdateCase(context.Background(), id, func(c *core.Case) ([]core.Action, error) {
		if err := c.Claim("مدیر\x00۱", now.Add(time.Nanosecond)); err != nil {
			return nil, err
		}
		c.Alerts = []string{"-100123:42", "\x00"}
		changed = *c
		return nil, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	stored, err := db.Case(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(stored, exactCase(changed)) || !reflect.DeepEqual(got, changed) {
		t.Fatalf("Case after UpdateCase:\n got %+v\nwant %+v", stored, exactCase(changed))
	}
	if stored.ClaimedAt.Nanosecond() != 987654322 || stored.ClaimedAt.Location() != time.UTC || stored.ClaimedBy != "مدیر\x00۱" {
		t.Fatalf("claimed at %s by %q; want the nanosecond, in UTC, and the name whole", stored.ClaimedAt, stored.ClaimedBy)
	}
}

// Analysts read mentions and cases through the documented views, with
// plain typed columns.
func TestViews_ForAnalysts(t *testing.T) {
	t.Parallel()
	db := replicas(t, 1)[0]
	m := storetest.Mention("1", core.LabelNegative, morning.Add(1500*time.Nanosecond))
	m.Text = "bad\x00service"
	if _, err := db.SaveBatch(context.Background(), "x/mentions", "", decide(m), morning.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	var (
		created             time.Time
		text, label, author string
		score               float64
	)
	if err := db.pool.QueryRow(context.Background(), `SELECT created_at, text, label, score, author_handle FROM shenava_mentions WHERE key = $1`,
		m.Key()).Scan(&created, &text, &label, &score, &author); err != nil {
		t.Fatal(err)
	}
	if !created.Equal(morning.Add(time.Microsecond)) || text != "bad\uFFFDservice" || label != "negative" || score != 0.9 || author != "user1" {
		t.Errorf("shenava_mentions row: %s %q %s %v %s", created, text, label, score, author)
	}
	var (
		state    string
		opened   time.Time
		isOpen   bool
		claimed  *time.Time
		response *float64
	)
	if err := db.pool.QueryRow(context.Background(), `SELECT state, opened_at, is_open, claimed_at, first_response_seconds FROM shenava_cases`).
		Scan(&state, &opened, &isOpen, &claimed, &response); err != nil {
		t.Fatal(err)
	}
	if state != "new" || !opened.Equal(morning.Add(time.Hour)) || !isOpen || claimed != nil || response != nil {
		t.Errorf("shenava_cases row: %s %s open=%v claimed=%v response=%v", state, opened, isOpen, claimed, response)
	}
}

// A batch that loses a deadlock runs again from the start, and what it
// stores is stored and counted once.
func TestSaveBatch_RetriedAfterDeadlockCountsOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := replicas(t, 1)[0]
	m := storetest.Mention("1", core.LabelNegative, morning)
	// Another writer holds the source's cursor row...
	other, err := db.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Rollback(ctx)
	// The server breaks a deadlock in the backend whose wait reaches
	// deadlock_timeout first; this writer's never does, so on a loaded
	// machine too the batch is the one that loses.
	if _, err := other.Exec(ctx, `SET LOCAL deadlock_timeout = '1min'`); err != nil {
		t.Fatal(err)
	}
	if _, err := other.Exec(ctx, `INSERT INTO cursors (source, updated_ns, doc) VALUES ('src', 0, '{}')`); err != nil {
		t.Fatal(err)
	}
	type result struct {
		res core.SaveResult
		err error
	}
	done := make(chan result, 1)
	go func() {
		res, err := db.SaveBatch(ctx, "src", "c1", decide(m), morning.Add(time.Hour))
		done <- result{res, err}
	}()
	// ...so the batch, its mention inserted, waits for it; then that
	// writer inserts the same mention, waiting for the batch: a deadlock,
	// which the batch (waiting longer) loses.
	deadline := time.Now().Add(10 * time.Second)
	for count(t, db, `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the batch never waited for the cursor's row")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if _, err := other.Exec(ctx, `INSERT INTO mentions (key, platform, native_id, source, url, author_key, author_handle,
		author_name, author_followers, author_bot, text, reply_to, conversation, created_ns, at_ns, fetched_ns, processed_ns, doc)
		VALUES ($1, 'x', '1', '', '', 'x:u1', '', '', 0, false, '', '', '', 0, 0, 0, 0, '{}')`, m.Key()); err != nil {
		t.Fatalf("the other writer lost the deadlock (%v); want the batch to lose it and run again", err)
	}
	if err := other.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	r := <-done
	if r.err != nil || len(r.res.Stored) != 1 || len(r.res.Cases) != 1 || len(r.res.Actions) != 1 || r.res.Duplicates != 0 {
		t.Fatalf("SaveBatch after a retry=%+v,%v; want the mention stored with its case and alert", r.res, r.err)
	}
	if n, _ := db.MentionCount(ctx); n != 1 {
		t.Errorf("MentionCount=%d, want 1", n)
	}
	counts, _ := db.DayCounts(ctx, morning.Format(core.DayFormat))
	h, _ := db.Author(ctx, m.AuthorKey())
	cases, _ := db.CaseCounts(ctx)
	if counts.Get(core.DimTotal, "") != 1 || h.Mentions != 1 || len(h.Cases) != 1 || cases[core.CaseNew] != 1 ||
		count(t, db, `SELECT count(*) FROM outbox`) != 1 {
		t.Errorf("after the retry: day total %d, author %d mentions %v cases, %v cases, %d actions; want each once",
			counts.Get(core.DimTotal, ""), h.Mentions, h.Cases, cases, count(t, db, `SELECT count(*) FROM outbox`))
	}
	if cur, _ := db.Cursor(ctx, "src"); cur != "c1" {
		t.Errorf("Cursor=%q, want c1", cur)
	}
}

// BenchmarkSaveBatch saves batches of 100 new mentions from 20 authors,
// one in ten opening a case with its alert.
func BenchmarkSaveBatch(b *testing.B) {
	ctx := context.Background()
	db, err := Open(ctx, Options{DSN: pgtest.DSN(b)})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	const per = 100
	b.ResetTimer()
	for i := range b.N {
		ds := make([]core.Decision, 0, per)
		for j := range per {
			m := storetest.Mention(fmt.Sprintf("%d-%d", i, j), core.LabelNeutral, morning.Add(time.Duration(i*per+j)*time.Second))
			m.Author.ID = fmt.Sprint(j % 20)
			d := core.Decision{Mention: m}
			if j%10 == 0 {
				d = decide(m)[0]
			}
			ds = append(ds, d)
		}
		if _, err := db.SaveBatch(ctx, "x/mentions", fmt.Sprint(i), ds, morning); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*per)/b.Elapsed().Seconds(), "mentions/s")
}

// A forged page cursor is refused as invalid, not sent to the database.
func TestPages_RefuseForgedCursors(t *testing.T) {
	t.Parallel()
	db := replicas(t, 1)[0]
	for _, after := range []string{"!", "AAAAAAAAAAA", base64.RawURLEncoding.EncodeToString([]byte("\x00\x00\x00\x00\x00\x00\x00\x01\xff")),
		base64.RawURLEncoding.EncodeToString([]byte("\x00\x00\x00\x00\x00\x00\x00\x01x:\x00"))} {
		if _, err := db.MentionPage(context.Background(), core.PageQuery{After: after}); !errors.Is(err, core.ErrInvalid) {
			t.Errorf("MentionPage(After %q) err=%v, want ErrInvalid", after, err)
		}
	}
	if _, err := db.CasePage(context.Background(), core.PageQuery{After: "-1"}); !errors.Is(err, core.ErrInvalid) {
		t.Errorf("CasePage(After -1) err=%v, want ErrInvalid", err)
	}
}

// A batch whose connection is lost before it commits leaves nothing
// behind; saved again, it is stored whole, once.
func TestSaveBatch_ConnectionLostMidTransactionKeepsNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := replicas(t, 1)[0]
	ds := decide(storetest.Mention("1", core.LabelNegative, morning), storetest.Mention("2", core.LabelNegative, morning))
	// Another writer holds the cursor's row, so the batch waits there,
	// its mentions, case and alerts written but not committed.
	other, err := db.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Rollback(ctx)
	// The server breaks a deadlock in the backend whose wait reaches
	// deadlock_timeout first; this writer's never does, so on a loaded
	// machine too the batch is the one that loses.
	if _, err := other.Exec(ctx, `SET LOCAL deadlock_timeout = '1min'`); err != nil {
		t.Fatal(err)
	}
	if _, err := other.Exec(ctx, `INSERT INTO cursors (source, updated_ns, doc) VALUES ('src', 0, '{}')`); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := db.SaveBatch(ctx, "src", "c1", ds, morning.Add(time.Hour))
		done <- err
	}()
	var pid int
	deadline := time.Now().Add(10 * time.Second)
	for {
		err := db.pool.QueryRow(ctx, `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`).Scan(&pid)
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the batch never waited for the cursor's row: %v", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	var killed bool
	if err := db.pool.QueryRow(ctx, `SELECT pg_terminate_backend($1)`, pid).Scan(&killed); err != nil || !killed {
		t.Fatalf("pg_terminate_backend: %v, %v", killed, err)
	}
	if err := <-done; err == nil {
		t.Fatal("SaveBatch on a lost connection reported success")
	}
	if err := other.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	if n, err := db.MentionCount(ctx); err != nil || n != 0 || count(t, db, `SELECT count(*) FROM outbox`) != 0 ||
		count(t, db, `SELECT count(*) FROM cases`) != 0 || count(t, db, `SELECT count(*) FROM daily_counts`) != 0 ||
		count(t, db, `SELECT count(*) FROM authors`) != 0 {
		t.Fatalf("after the lost batch: %d mentions (%v), or cases, actions, counters or authors left; want nothing", n, err)
	}
	if cur, err := db.Cursor(ctx, "src"); err != nil || cur != "" {
		t.Fatalf("Cursor=%q,%v; want none", cur, err)
	}
	res, err := db.SaveBatch(ctx, "src", "c1", ds, morning.Add(time.Hour))
	if err != nil || len(res.Stored) != 2 || len(res.Cases) != 2 || len(res.Actions) != 2 {
		t.Fatalf("SaveBatch again=%+v,%v; want it whole", res, err)
	}
	if counts, _ := db.DayCounts(ctx, morning.Format(core.DayFormat)); counts.Get(core.DimTotal, "") != 2 {
		t.Errorf("day total %d, want 2", counts.Get(core.DimTotal, ""))
	}
}
