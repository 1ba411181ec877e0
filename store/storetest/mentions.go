package storetest

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/store"
)

var _ = add(
	test{"SaveBatch/StoresMentionsCasesAndActions", testSaveBatch},
	test{"SaveBatch/AllOrNothing", testSaveBatchAtomic},
	test{"SaveBatch/SkipsKnownActionsAndRecordsRecoveries", testSaveBatchSkipsAndRecovers},
	test{"Mentions/ExactTimesAndOddTextRoundTrip", testMentionRoundTrip},
	test{"Mentions/ForEachOldestFirstEndExcluded", testForEachMention},
	test{"Mentions/KnownReportsStoredKeys", testKnown},
	test{"Counters/DayAndHourInTheLocation", testCounters},
	test{"Counters/OpenNegativeCasesAndDayCounts", testOpenNegativeCasesAndDayCounts},
	test{"DayAuthors/OneTallyPerAuthorAndDay", testDayAuthors},
	test{"Authors/HistoriesOfThoseThatExist", testAuthors},
	test{"Usage/CountsByUTCDayAcrossReopen", testUsageAcrossReopen},
	test{"Usage/EmptyDatabase", testUsageEmpty},
)

func testSaveBatch(t *testing.T, open Opener) {
	db := empty(t, open)
	neg, pos := Mention("1", core.LabelNegative, t0), Mention("2", core.LabelPositive, t0.Add(time.Hour))
	ds := []core.Decision{
		{Mention: neg, OpenCase: true, Actions: []core.Action{alertFor(neg)}},
		{Mention: pos},
	}
	res, err := db.SaveBatch(ctx, "x/mentions", `{"since_id":"2"}`, ds, t0.Add(2*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Stored) != 2 || len(res.Cases) != 1 || len(res.Actions) != 1 || res.Duplicates != 0 {
		t.Fatalf("SaveBatch=%+v, want 2 stored, 1 case, 1 action", res)
	}
	if a := res.Actions[0]; a.CaseID != res.Cases[0].ID || a.State != core.ActionPending || a.ID == 0 {
		t.Fatalf("queued alert=%+v, want pending and tied to case %d", a, res.Cases[0].ID)
	}

	t.Run("RoundTrip", func(t *testing.T) {
		got, err := db.Mention(ctx, neg.Key())
		if err != nil {
			t.Fatal(err)
		}
		if got.Text != neg.Text || !got.CreatedAt.Equal(neg.CreatedAt) || got.Author != neg.Author ||
			got.Analysis == nil || got.Analysis.Label != core.LabelNegative || got.Source != "x/mentions" {
			t.Fatalf("Mention=%+v, want %+v", got, neg)
		}
		if _, err := db.Mention(ctx, "x:404"); !errors.Is(err, core.ErrNotFound) {
			t.Fatalf("Mention(missing) err=%v, want ErrNotFound", err)
		}
		cur, err := db.Cursor(ctx, "x/mentions")
		if err != nil || cur != `{"since_id":"2"}` {
			t.Fatalf("Cursor=%q,%v", cur, err)
		}
		c, err := db.CaseByMention(ctx, neg.Key())
		if err != nil || c.State != core.CaseNew || c.AuthorKey != "x:u1" {
			t.Fatalf("CaseByMention=%+v,%v", c, err)
		}
		if _, err := db.CaseByMention(ctx, pos.Key()); !errors.Is(err, core.ErrNotFound) {
			t.Fatalf("CaseByMention(no case) err=%v, want ErrNotFound", err)
		}
		if cur, err := db.Cursor(ctx, "never/polled"); err != nil || cur != "" {
			t.Fatalf("Cursor(never polled)=%q,%v, want empty", cur, err)
		}
	})

	t.Run("DuplicatesAreNoOps", func(t *testing.T) {
		res, err := db.SaveBatch(ctx, "x/mentions", `{"since_id":"3"}`, ds, t0.Add(3*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Stored) != 0 || res.Duplicates != 2 || len(res.Cases) != 0 || len(res.Actions) != 0 {
			t.Fatalf("second SaveBatch=%+v, want only duplicates", res)
		}
		n, _ := db.MentionCount(ctx)
		acts, _ := db.Actions(ctx, store.ActionFilter{})
		if n != 2 || len(acts) != 1 {
			t.Fatalf("after replay: %d mentions, %d actions; want 2 and 1", n, len(acts))
		}
		if cur, _ := db.Cursor(ctx, "x/mentions"); cur != `{"since_id":"3"}` {
			t.Fatalf("cursor=%q, want the replay's cursor saved", cur)
		}
	})

	t.Run("Author", func(t *testing.T) {
		h, err := db.Author(ctx, "x:u1")
		if err != nil || h.Mentions != 1 || h.Negative != 1 || len(h.Cases) != 1 || h.Handle != "user1" {
			t.Fatalf("Author=%+v,%v", h, err)
		}
		if _, err := db.Author(ctx, "x:nobody"); !errors.Is(err, core.ErrNotFound) {
			t.Fatalf("Author(missing) err=%v", err)
		}
	})
}

// A batch either lands whole with its cursor or not at all.
func testSaveBatchAtomic(t *testing.T, open Opener) {
	db := empty(t, open)
	good := Mention("1", core.LabelNegative, t0)
	bad := Mention("2", core.LabelNegative, t0)
	ds := []core.Decision{
		{Mention: good, OpenCase: true, Actions: []core.Action{alertFor(good)}},
		{Mention: bad, Actions: []core.Action{{Kind: "carrier-pigeon", DedupKey: "p"}}},
	}
	if _, err := db.SaveBatch(ctx, "src", "cursor-2", ds, t0); !errors.Is(err, core.ErrInvalid) {
		t.Fatalf("SaveBatch with an invalid action err=%v, want ErrInvalid", err)
	}
	n, _ := db.MentionCount(ctx)
	cur, _ := db.Cursor(ctx, "src")
	cases, _, _ := db.OpenCases(ctx, core.CaseFilter{})
	acts, _ := db.Actions(ctx, store.ActionFilter{})
	if n != 0 || cur != "" || len(cases) != 0 || len(acts) != 0 {
		t.Fatalf("after failed batch: %d mentions, cursor %q, %d cases, %d actions; want nothing", n, cur, len(cases), len(acts))
	}
	if _, err := db.Author(ctx, good.AuthorKey()); !errors.Is(err, core.ErrNotFound) {
		t.Fatalf("after failed batch Author=%v, want ErrNotFound", err)
	}
}

func testForEachMention(t *testing.T, open Opener) {
	db := empty(t, open)
	var ds []core.Decision
	for i := range 5 {
		ds = append(ds, core.Decision{Mention: Mention(fmt.Sprint(i), core.LabelNeutral, t0.Add(time.Duration(4-i)*time.Hour))})
	}
	if _, err := db.SaveBatch(ctx, "s", "", ds, t0); err != nil {
		t.Fatal(err)
	}
	var got []string
	err := db.ForEachMention(ctx, t0.Add(time.Hour), t0.Add(4*time.Hour), func(m core.Mention) error {
		got = append(got, m.NativeID)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := "3,2,1"; strings.Join(got, ",") != want {
		t.Fatalf("mentions in [1h,4h)=%v, want %s (oldest first, end excluded)", got, want)
	}
	stop := errors.New("stop")
	if err := db.ForEachMention(ctx, t0, t0.Add(9*time.Hour), func(core.Mention) error { return stop }); !errors.Is(err, stop) {
		t.Fatalf("ForEachMention err=%v, want the callback's error", err)
	}
}

func testKnown(t *testing.T, open Opener) {
	db := empty(t, open)
	if got, err := db.Known(ctx, []string{"x:1"}); err != nil || len(got) != 0 {
		t.Fatalf("Known on a new database=%v,%v, want nothing", got, err)
	}
	if n, err := db.MentionCount(ctx); err != nil || n != 0 {
		t.Fatalf("MentionCount on a new database=%d,%v", n, err)
	}
	ds := []core.Decision{{Mention: Mention("1", core.LabelNeutral, t0)}, {Mention: Mention("2", core.LabelNeutral, t0)}}
	if _, err := db.SaveBatch(ctx, "s", "", ds, t0); err != nil {
		t.Fatal(err)
	}
	got, err := db.Known(ctx, []string{"x:1", "x:3", "x:2", "x:1"})
	if err != nil || len(got) != 2 || !got["x:1"] || !got["x:2"] || got["x:3"] {
		t.Fatalf("Known=%v,%v, want x:1 and x:2", got, err)
	}
	if n, err := db.MentionCount(ctx); err != nil || n != 2 {
		t.Fatalf("MentionCount=%d,%v, want 2", n, err)
	}
}

func testCounters(t *testing.T, open Opener) {
	tehran, err := time.LoadLocation("Asia/Tehran")
	if err != nil {
		t.Fatal(err)
	}
	db := open(t, Options{Location: tehran})
	if db.Location().String() != tehran.String() {
		t.Fatalf("Location=%v, want %v", db.Location(), tehran)
	}
	// 2026-11-22 20:29 UTC is 23:59 in Tehran; 20:31 UTC is the next day there.
	late := time.Date(2026, 11, 22, 20, 29, 0, 0, time.UTC)
	ref := Mention("3", core.LabelPositive, late)
	ref.Analysis.Referral = true
	ds := []core.Decision{
		{Mention: Mention("1", core.LabelNegative, late)},
		{Mention: ref},
		{Mention: Mention("2", core.LabelNegative, late.Add(2*time.Minute))},
	}
	if _, err := db.SaveBatch(ctx, "s", "", ds, late); err != nil {
		t.Fatal(err)
	}
	c, err := db.DayCounts(ctx, "2026-11-22")
	if err != nil {
		t.Fatal(err)
	}
	if c.Get(core.DimTotal, "") != 2 || c.Get(core.DimLabel, "negative") != 1 || c.Get(core.DimReferral, "yes") != 1 ||
		c.Get(core.DimPlatform, "x") != 2 || c.Get(core.DimLang, "fa") != 2 {
		t.Fatalf("DayCounts(22nd)=%v", c)
	}
	if c, _ := db.DayCounts(ctx, "2026-11-23"); c.Get(core.DimTotal, "") != 1 {
		t.Fatalf("DayCounts(23rd)=%v, want the 23:61 mention", c)
	}
	if _, err := db.DayCounts(ctx, "22/11/2026"); !errors.Is(err, core.ErrInvalid) {
		t.Fatalf("DayCounts(bad day) err=%v", err)
	}
	hours, err := db.HourlyCounts(ctx, core.LabelNegative, late.Truncate(time.Hour).Add(-time.Hour), late.Truncate(time.Hour).Add(time.Hour))
	if err != nil || len(hours) != 2 || hours[0] != 0 || hours[1] != 2 {
		t.Fatalf("HourlyCounts=%v,%v, want [0 2]", hours, err)
	}
}

func testOpenNegativeCasesAndDayCounts(t *testing.T, open Opener) {
	db := empty(t, open)
	ds := []core.Decision{
		{Mention: Mention("1", core.LabelNegative, t0), OpenCase: true},
		{Mention: Mention("2", core.LabelPositive, t0), OpenCase: true},
		{Mention: Mention("3", core.LabelNegative, t0.Add(time.Minute)), OpenCase: true},
	}
	if _, err := db.SaveBatch(ctx, "x", "c", ds, t0); err != nil {
		t.Fatal(err)
	}
	cs, total, err := db.OpenCases(ctx, core.CaseFilter{Label: core.LabelNegative, Offset: 1, Limit: 5})
	if err != nil || total != 2 || len(cs) != 1 || cs[0].MentionKey != "x:3" {
		t.Fatalf("OpenCases(negative, 1, 5) = %v, %d, %v", cs, total, err)
	}
	counts, err := db.DayCounts(ctx, "2026-11-22")
	if err != nil || counts.Get(core.DimLabel, string(core.LabelNegative)) != 2 {
		t.Fatalf("DayCounts = %v, %v", counts, err)
	}
}

func testDayAuthors(t *testing.T, open Opener) {
	db := empty(t, open)
	a1, a2 := Mention("1", core.LabelNegative, t0), Mention("2", core.LabelPositive, t0.Add(time.Hour))
	a1b := Mention("3", core.LabelNegative, t0.Add(2*time.Hour))
	a1b.Author = a1.Author
	a1b.Author.Handle = "renamed"
	next := Mention("4", core.LabelNeutral, t0.Add(48*time.Hour))
	var ds []core.Decision
	for _, m := range []core.Mention{a1, a2, a1b, next, a1} { // a1 twice: counted once
		ds = append(ds, core.Decision{Mention: m})
	}
	if _, err := db.SaveBatch(ctx, "s", "", ds, t0); err != nil {
		t.Fatal(err)
	}
	got, err := db.DayAuthors(ctx, t0.Format(core.DayFormat))
	if err != nil {
		t.Fatal(err)
	}
	want := []core.AuthorTally{
		{Key: "x:u1", Platform: core.PlatformX, ID: "u1", Name: "@renamed", Mentions: 2, Negative: 2},
		{Key: "x:u2", Platform: core.PlatformX, ID: "u2", Name: "@user2", Mentions: 1},
	}
	if !slices.Equal(got, want) {
		t.Fatalf("DayAuthors=%+v\nwant %+v", got, want)
	}
	if _, err := db.DayAuthors(ctx, "22-11-2026"); !errors.Is(err, core.ErrInvalid) {
		t.Fatalf("a malformed day: %v, want ErrInvalid", err)
	}
}

func testAuthors(t *testing.T, open Opener) {
	db := empty(t, open)
	m1, m2 := Mention("1", core.LabelNegative, t0), Mention("2", core.LabelPositive, t0.Add(time.Minute))
	again := Mention("3", core.LabelNeutral, t0.Add(time.Hour))
	again.Author = m1.Author
	ds := []core.Decision{{Mention: m1, OpenCase: true}, {Mention: m2}, {Mention: again}}
	if _, err := db.SaveBatch(ctx, "s", "", ds, t0.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	got, err := db.Authors(ctx, []string{"x:u1", "x:nobody", "x:u2"})
	if err != nil || len(got) != 2 {
		t.Fatalf("Authors=%+v,%v, want the two that exist", got, err)
	}
	if h := got["x:u1"]; h.Mentions != 2 || h.Negative != 1 || len(h.Cases) != 1 || h.Platform != core.PlatformX || h.ID != "u1" {
		t.Fatalf("Authors[x:u1]=%+v, want 2 mentions, 1 negative, 1 case", h)
	}
	if h := got["x:u2"]; h.Mentions != 1 || h.Positive != 1 || len(h.Cases) != 0 {
		t.Fatalf("Authors[x:u2]=%+v, want 1 positive mention", h)
	}
	one, err := db.Author(ctx, "x:u1")
	if err != nil || one.Mentions != got["x:u1"].Mentions || !one.LastSeen.Equal(got["x:u1"].LastSeen) {
		t.Fatalf("Author(x:u1)=%+v,%v; want what Authors said, %+v", one, err, got["x:u1"])
	}
}

func testUsageAcrossReopen(t *testing.T, open Opener) {
	tehran := time.FixedZone("IRST", 3*3600+1800)
	db := open(t, Options{Location: tehran})
	// 23:00 UTC is already the next day in Tehran; the budget day is UTC's.
	late := time.Date(2026, 12, 1, 23, 0, 0, 0, time.UTC)
	if _, err := db.AddUsage(ctx, late, map[string]int64{"x.requests": 1, "x.post_reads": 100}); err != nil {
		t.Fatal(err)
	}
	got, err := db.AddUsage(ctx, late.Add(30*time.Minute), map[string]int64{"x.requests": 1, "x.post_reads": 0})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != "map[x.post_reads:100 x.requests:2]" {
		t.Fatalf("totals after the second add = %v", got)
	}

	db = open(t, Options{Reopen: db})
	got, err = db.Usage(ctx, late.Add(59*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != "map[x.post_reads:100 x.requests:2]" {
		t.Fatalf("after reopening: %v, want the counts kept", got)
	}
	next, err := db.Usage(ctx, late.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(next) != 0 {
		t.Fatalf("next UTC day: %v, want a fresh day", next)
	}
	if _, err := db.AddUsage(ctx, late, map[string]int64{"x.requests": -1}); err == nil {
		t.Fatal("a negative count was accepted")
	}
}

func testUsageEmpty(t *testing.T, open Opener) {
	db := empty(t, open)
	got, err := db.Usage(ctx, time.Now())
	if err != nil || len(got) != 0 {
		t.Fatalf("Usage on a new database = %v, %v; want none", got, err)
	}
}

// A decision whose mention is stored again in the same batch is a
// duplicate; an action whose dedup key exists is skipped alone; the cases
// a mention recovers are marked in the same save, and a thank-you is
// remembered on its author.
func testSaveBatchSkipsAndRecovers(t *testing.T, open Opener) {
	db := empty(t, open)
	neg := Mention("1", core.LabelNegative, t0)
	first, err := db.SaveBatch(ctx, "s", "c1", []core.Decision{{Mention: neg, OpenCase: true, Actions: []core.Action{alertFor(neg)}}}, t0)
	if err != nil {
		t.Fatal(err)
	}
	caseID := first.Cases[0].ID
	pos := Mention("2", core.LabelPositive, t0.Add(time.Hour))
	pos.Author = neg.Author
	now := t0.Add(2 * time.Hour)
	thank := core.Action{Kind: core.ActionThankPublic, DedupKey: "thank:" + pos.Key(), MentionKey: pos.Key(), Text: "merci"}
	res, err := db.SaveBatch(ctx, "s", "c2", []core.Decision{
		{Mention: pos, Recovers: []uint64{caseID}, Actions: []core.Action{
			{Kind: core.ActionAlert, DedupKey: "alert:" + neg.Key(), MentionKey: pos.Key()}, // queued before: skipped
			thank,
		}},
		{Mention: pos}, // the same mention twice in one batch
	}, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Stored) != 1 || res.Duplicates != 1 || res.Skipped != 1 || len(res.Actions) != 1 || len(res.Cases) != 0 {
		t.Fatalf("SaveBatch=%+v, want 1 stored, 1 duplicate, 1 action skipped, the thank-you queued", res)
	}
	if a := res.Actions[0]; a.ID == 0 || !a.CreatedAt.Equal(now) || a.CaseID != 0 || a.State != core.ActionPending {
		t.Fatalf("queued thank-you=%+v, want pending, created at the save, tied to no case", a)
	}
	c, err := db.Case(ctx, caseID)
	if err != nil || c.RecoveredBy != pos.Key() || !c.RecoveredAt.Equal(now) {
		t.Fatalf("recovered case=%+v,%v, want recovered by %s at the save", c, err, pos.Key())
	}
	h, err := db.Author(ctx, neg.AuthorKey())
	if err != nil || h.Mentions != 2 || !h.LastThankedAt.Equal(now) || len(h.Cases) != 1 || h.Cases[0] != caseID {
		t.Fatalf("Author=%+v,%v, want 2 mentions, thanked at the save, case %d", h, err, caseID)
	}
	if acts, _ := db.Actions(ctx, store.ActionFilter{}); len(acts) != 2 {
		t.Fatalf("%d actions stored, want the alert and the thank-you", len(acts))
	}
}

// A mention comes back as it was saved: every field, times to the
// nanosecond whatever their zone, and text with what some databases
// refuse (U+0000) or mangle (joiners, marks, emoji, quotes).
func testMentionRoundTrip(t *testing.T, open Opener) {
	db := empty(t, open)
	tehran := time.FixedZone("IRST", 3*3600+1800)
	odd := "سلام\u200cدنیا \x00 \u200f«نقل» 👍🏽 \"quoted\" back\\slash\nnew line\t%s"
	m := core.Mention{
		Platform: core.PlatformX, NativeID: "123456789012345678", Source: "x/search",
		URL:    "https://x.com/u/status/123456789012345678",
		Author: core.Author{ID: "u1", Handle: "user_1", Name: "نام " + odd, Followers: 1234567, Bot: true},
		Text:   odd, CreatedAt: time.Date(2026, 11, 22, 9, 59, 58, 123456789, tehran),
		FetchedAt: time.Date(2026, 11, 22, 6, 30, 0, 1, time.UTC), ReplyToID: "99", ConversationID: "98", LangHint: "fa",
		Analysis: &core.Analysis{Lang: "fa", Label: core.LabelPositive, Scores: core.Scores{Negative: 0.1, Neutral: 0.2, Positive: 0.7},
			Referral: true, ReferralScore: 0.8125, Model: "m-3"},
	}
	plain := Mention("2", core.LabelNeutral, t0)
	plain.Analysis = nil
	if _, err := db.SaveBatch(ctx, "x/search", "cursor \x00 "+odd, []core.Decision{{Mention: m, OpenCase: true}, {Mention: plain}}, t0); err != nil {
		t.Fatal(err)
	}
	same := func(what string, got, want core.Mention) {
		t.Helper()
		if !got.CreatedAt.Equal(want.CreatedAt) || !got.FetchedAt.Equal(want.FetchedAt) {
			t.Errorf("%s: times %v, %v; want %v, %v", what, got.CreatedAt, got.FetchedAt, want.CreatedAt, want.FetchedAt)
		}
		got.CreatedAt, got.FetchedAt, want.CreatedAt, want.FetchedAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %+v %+v\nwant %+v %+v", what, got, got.Analysis, want, want.Analysis)
		}
	}
	for _, w := range []core.Mention{m, plain} {
		got, err := db.Mention(ctx, w.Key())
		if err != nil {
			t.Fatal(err)
		}
		same("Mention "+w.Key(), got, w)
	}
	var walked []core.Mention
	if err := db.ForEachMention(ctx, m.CreatedAt, m.CreatedAt.Add(time.Nanosecond), func(got core.Mention) error {
		walked = append(walked, got)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(walked) != 1 {
		t.Fatalf("ForEachMention over the mention's nanosecond found %d, want it", len(walked))
	}
	same("ForEachMention", walked[0], m)
	if cur, err := db.Cursor(ctx, "x/search"); err != nil || cur != "cursor \x00 "+odd {
		t.Errorf("Cursor=%q,%v", cur, err)
	}
	c, err := db.CaseByMention(ctx, m.Key())
	if err != nil || !c.WrittenAt.Equal(m.CreatedAt) || c.AuthorKey != m.AuthorKey() || c.Score != 0.7 {
		t.Errorf("CaseByMention=%+v,%v", c, err)
	}
	h, err := db.Author(ctx, m.AuthorKey())
	if err != nil || h.Name != m.Author.Name || h.Followers != m.Author.Followers || !h.Bot {
		t.Errorf("Author=%+v,%v, want the name, followers and bot flag kept", h, err)
	}
	if p, err := db.MentionPage(ctx, core.PageQuery{}); err != nil || len(p.Mentions) != 2 {
		t.Errorf("MentionPage=%d mentions,%v", len(p.Mentions), err)
	} else {
		for _, got := range p.Mentions {
			if got.Key() == m.Key() {
				same("MentionPage", got, m)
			}
		}
	}
}
