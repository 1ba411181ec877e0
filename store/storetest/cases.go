package storetest

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shenava/shenava/core"
)

var _ = add(
	test{"Cases/UpdateCaseQueuesAndRollsBack", testUpdateCase},
	test{"Cases/AuditTrailKeptInOrder", testCaseAudit},
	test{"Cases/OpenCasesPagesAndForEach", testOpenCasesPaging},
	test{"Cases/CountedOnTheDayWritten", testForEachCaseByDayWritten},
	test{"Cases/CasePageByStateNewestFirst", testCasePage},
	test{"Cases/CaseCountsFollowTransitions", testCaseCounts},
	test{"Cases/DoubtCasesInStepWithTheOutbox", testDoubtCases},
	test{"Mentions/MentionPageNewestFirstWithCursor", testMentionPage},
	test{"Pages/StopAtTheirDeadline", testPagesDeadline},
)

func testUpdateCase(t *testing.T, open Opener) {
	db := empty(t, open)
	m := Mention("1", core.LabelNegative, t0)
	res, err := db.SaveBatch(ctx, "s", "", []core.Decision{{Mention: m, OpenCase: true}}, t0)
	if err != nil {
		t.Fatal(err)
	}
	id := res.Cases[0].ID
	c, queued, err := db.UpdateCase(ctx, id, func(c *core.Case) ([]core.Action, error) {
		if err := c.Responded("42", false, t0.Add(4*time.Minute)); err != nil {
			return nil, err
		}
		return []core.Action{{Kind: core.ActionReplyPublic, DedupKey: "reply:1", Text: "Sorry!", Actor: "42"}}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if c.State != core.CaseReplied || len(queued) != 1 || queued[0].MentionKey != m.Key() || queued[0].CaseID != id {
		t.Fatalf("UpdateCase=%+v queued=%+v", c, queued)
	}
	// A failing change writes nothing and keeps the sentinel.
	_, _, err = db.UpdateCase(ctx, id, func(c *core.Case) ([]core.Action, error) {
		_ = c.Resolve("42", t0)
		return nil, fmt.Errorf("bot: %w", core.ErrForbidden)
	})
	if !errors.Is(err, core.ErrForbidden) {
		t.Fatalf("UpdateCase err=%v, want ErrForbidden", err)
	}
	if got, _ := db.Case(ctx, id); got.State != core.CaseReplied {
		t.Fatalf("state after failed update=%s, want replied", got.State)
	}
	if _, _, err := db.UpdateCase(ctx, 999, nil); !errors.Is(err, core.ErrNotFound) {
		t.Fatalf("UpdateCase(999) err=%v, want ErrNotFound", err)
	}
	if _, err := db.Case(ctx, 999); !errors.Is(err, core.ErrNotFound) {
		t.Fatalf("Case(999) err=%v, want ErrNotFound", err)
	}
	// Closing removes it from the open list; the label correction is kept for training.
	if _, _, err := db.UpdateCase(ctx, id, func(c *core.Case) ([]core.Action, error) {
		return nil, errors.Join(c.Resolve("42", t0.Add(time.Hour)), c.CorrectLabel("42", core.LabelNeutral, t0.Add(time.Hour)))
	}); err != nil {
		t.Fatal(err)
	}
	if open, total, _ := db.OpenCases(ctx, core.CaseFilter{}); len(open) != 0 || total != 0 {
		t.Fatalf("OpenCases after resolve=%d/%d, want 0", len(open), total)
	}
	corr, err := db.Corrections(ctx)
	if err != nil || len(corr) != 1 || corr[0].Label != core.LabelNeutral || corr[0].Model != core.LabelNegative || corr[0].Text != m.Text {
		t.Fatalf("Corrections=%+v,%v", corr, err)
	}
	// A closed case refuses what only open cases accept, and stays as it was.
	_, _, err = db.UpdateCase(ctx, id, func(c *core.Case) ([]core.Action, error) { return nil, c.Claim("43", t0.Add(2*time.Hour)) })
	if !errors.Is(err, core.ErrInvalidTransition) {
		t.Fatalf("claiming a resolved case: %v, want ErrInvalidTransition", err)
	}
	if got, _ := db.Case(ctx, id); got.State != core.CaseResolved || got.ClosedBy != "42" {
		t.Fatalf("case after a refused claim=%+v, want resolved by 42", got)
	}
}

// Every transition a case goes through is kept in its audit trail, in
// order, as the change made it.
func testCaseAudit(t *testing.T, open Opener) {
	db := empty(t, open)
	m := Mention("1", core.LabelNegative, t0)
	res, err := db.SaveBatch(ctx, "s", "", []core.Decision{{Mention: m, OpenCase: true}}, t0)
	if err != nil {
		t.Fatal(err)
	}
	id := res.Cases[0].ID
	steps := []func(c *core.Case) error{
		func(c *core.Case) error { return c.MarkAlerted(t0.Add(time.Second)) },
		func(c *core.Case) error { return c.Claim("Sara", t0.Add(time.Minute)) },
		func(c *core.Case) error { return c.Responded("Sara", true, t0.Add(2*time.Minute)) },
		func(c *core.Case) error { return c.Resolve("Sara", t0.Add(3*time.Minute)) },
	}
	var last core.Case
	for i, step := range steps {
		c, _, err := db.UpdateCase(ctx, id, func(c *core.Case) ([]core.Action, error) { return nil, step(c) })
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		last = c
	}
	got, err := db.Case(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for i, e := range got.Events {
		actions = append(actions, e.Action)
		w := last.Events[i]
		if !e.At.Equal(w.At) || e.Actor != w.Actor || e.Detail != w.Detail || e.Via != w.Via {
			t.Errorf("event %d = %+v, want %+v", i, e, w)
		}
	}
	if want := "opened,alerted,claimed,replied privately,resolved"; strings.Join(actions, ",") != want {
		t.Fatalf("audit trail %v, want %s", actions, want)
	}
	if got.State != core.CaseResolved || !got.AlertedAt.Equal(t0.Add(time.Second)) || got.ClaimedBy != "Sara" ||
		!got.FirstResponseAt.Equal(t0.Add(2*time.Minute)) || !got.ClosedAt.Equal(t0.Add(3*time.Minute)) ||
		!got.UpdatedAt.Equal(t0.Add(3*time.Minute)) || !got.CreatedAt.Equal(t0) || !got.WrittenAt.Equal(m.CreatedAt) {
		t.Fatalf("case after its transitions = %+v", got)
	}
}

func testOpenCasesPaging(t *testing.T, open Opener) {
	db := empty(t, open)
	var ds []core.Decision
	for i := range 7 {
		l := core.LabelNegative
		if i == 3 {
			l = core.LabelPositive
		}
		ds = append(ds, core.Decision{Mention: Mention(fmt.Sprint(i), l, t0.Add(time.Duration(i)*time.Minute)), OpenCase: true})
	}
	if _, err := db.SaveBatch(ctx, "s", "", ds, t0); err != nil {
		t.Fatal(err)
	}
	page, total, err := db.OpenCases(ctx, core.CaseFilter{Label: core.LabelNegative, Offset: 2, Limit: 3})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, c := range page {
		ids = append(ids, strings.TrimPrefix(c.MentionKey, "x:"))
	}
	if total != 6 || strings.Join(ids, ",") != "2,4,5" {
		t.Fatalf("page=%v total=%d, want 2,4,5 of 6", ids, total)
	}
	var created []uint64
	if err := db.ForEachCase(ctx, t0, t0.Add(time.Hour), func(c core.Case) error {
		created = append(created, c.ID)
		return nil
	}); err != nil || len(created) != 7 || created[0] != 1 {
		t.Fatalf("ForEachCase=%v,%v", created, err)
	}
}

// Complaints count on the day their mention was written, as the mention
// counters count mentions, however late they were read (a backfill).
func testForEachCaseByDayWritten(t *testing.T, open Opener) {
	db := empty(t, open)
	yesterday, today := t0.AddDate(0, 0, -1), t0
	ds := []core.Decision{
		{Mention: Mention("old", core.LabelNegative, yesterday.Add(time.Hour)), OpenCase: true},
		{Mention: Mention("new", core.LabelNegative, today.Add(time.Minute)), OpenCase: true},
	}
	if _, err := db.SaveBatch(ctx, "s", "", ds, today.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	written := func(from, to time.Time) (keys []string) {
		t.Helper()
		if err := db.ForEachCase(ctx, from, to, func(c core.Case) error {
			keys = append(keys, c.MentionKey)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return keys
	}
	if got := written(yesterday, today); !slices.Equal(got, []string{"x:old"}) {
		t.Errorf("cases written yesterday: %v, want the backfilled one", got)
	}
	if got := written(today, today.AddDate(0, 0, 1)); !slices.Equal(got, []string{"x:new"}) {
		t.Errorf("cases written today: %v, want only today's", got)
	}
	counts, err := db.DayCounts(ctx, yesterday.Format(core.DayFormat))
	if err != nil || counts.Get(core.DimLabel, string(core.LabelNegative)) != 1 {
		t.Errorf("yesterday's negative mentions: %v %v, want the same 1", counts, err)
	}
}

func testCasePage(t *testing.T, open Opener) {
	db := empty(t, open)
	ids := saveCases(t, db, 7)
	if err := db.IndexCases(ctx); err != nil {
		t.Fatal(err)
	}
	// Cases 2 and 5 are claimed, 6 resolved.
	for _, id := range []uint64{ids[2], ids[5]} {
		if _, _, err := db.UpdateCase(ctx, id, func(c *core.Case) ([]core.Action, error) { return nil, c.Claim("Sara", t0) }); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := db.UpdateCase(ctx, ids[6], func(c *core.Case) ([]core.Action, error) { return nil, c.Resolve("Sara", t0) }); err != nil {
		t.Fatal(err)
	}
	counts, err := db.CaseCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if counts[core.CaseNew] != 4 || counts[core.CaseClaimed] != 2 || counts[core.CaseResolved] != 1 {
		t.Fatalf("counts = %v, want 4 new, 2 claimed, 1 resolved", counts)
	}
	got := func(q core.PageQuery) ([]uint64, core.CasePage) {
		t.Helper()
		p, err := db.CasePage(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		var out []uint64
		for i, c := range p.Cases {
			if p.Mentions[i].Key() != c.MentionKey {
				t.Fatalf("mention %d is %s, want %s", i, p.Mentions[i].Key(), c.MentionKey)
			}
			out = append(out, c.ID)
		}
		return out, p
	}
	// New and claimed together, two a page: 5 4 | 3 2 | 1 0.
	q := core.PageQuery{States: []core.CaseState{core.CaseNew, core.CaseClaimed}, Limit: 2}
	var all []uint64
	for range 4 {
		page, p := got(q)
		all = append(all, page...)
		if p.Next == "" {
			break
		}
		q.After = p.Next
	}
	want := []uint64{ids[5], ids[4], ids[3], ids[2], ids[1], ids[0]}
	if fmt.Sprint(all) != fmt.Sprint(want) {
		t.Fatalf("pages = %v, want %v", all, want)
	}
	// Match and the budget: only even IDs, looking at 3 cases at most.
	page, p := got(core.PageQuery{Budget: 3, Match: func(c *core.Case, _ *core.Mention) bool { return c.ID%2 == 0 }})
	if !p.Partial || p.Next == "" || len(page) == 0 {
		t.Fatalf("budgeted page = %v partial=%v next=%q, want a partial page with a cursor", page, p.Partial, p.Next)
	}
	// From stops the walk.
	page, p = got(core.PageQuery{From: t0.Add(time.Second)})
	if len(page) != 0 && p.Next != "" {
		t.Fatalf("cases are all created at t0; from after it = %v next %q", page, p.Next)
	}
}

// The counts by state follow every change, from the first case on, with
// IndexCases run (at start) once or several times.
func testCaseCounts(t *testing.T, open Opener) {
	db := empty(t, open)
	if counts, err := db.CaseCounts(ctx); err != nil || len(counts) != 0 {
		t.Fatalf("counts on a new database = %v, %v; want none", counts, err)
	}
	ids := saveCases(t, db, 4)
	for range 2 {
		if err := db.IndexCases(ctx); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range ids[:2] {
		if _, _, err := db.UpdateCase(ctx, id, func(c *core.Case) ([]core.Action, error) { return nil, c.Claim("Sara", t0) }); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := db.UpdateCase(ctx, ids[0], func(c *core.Case) ([]core.Action, error) { return nil, c.Ignore("Sara", t0) }); err != nil {
		t.Fatal(err)
	}
	counts, err := db.CaseCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := map[core.CaseState]int{core.CaseNew: 2, core.CaseClaimed: 1, core.CaseIgnored: 1}
	if fmt.Sprint(counts) != fmt.Sprint(want) {
		t.Fatalf("counts = %v, want %v", counts, want)
	}
}

// The in-doubt index follows the replies whose delivery is unknown.
func testDoubtCases(t *testing.T, open Opener) {
	db := empty(t, open)
	ids := saveCases(t, db, 3)
	if err := db.IndexCases(ctx); err != nil {
		t.Fatal(err)
	}
	reply := func(n int, c uint64, kind core.ActionKind) core.Action {
		return core.Action{Kind: kind, DedupKey: fmt.Sprint("r", n), CaseID: c, MentionKey: fmt.Sprint("x:w", n),
			Text: "sorry", Actor: "Sara", CreatedAt: t0}
	}
	queued, err := db.Enqueue(ctx, reply(0, ids[0], core.ActionReplyPublic), reply(1, ids[1], core.ActionReplyPublic),
		reply(2, ids[1], core.ActionReplyPrivate), reply(3, ids[2], core.ActionCaseUpdate))
	if err != nil || len(queued) != 4 {
		t.Fatalf("enqueue: %d, %v", len(queued), err)
	}
	want := func(what string, cases ...uint64) {
		t.Helper()
		got, err := db.DoubtCases(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, cases) {
			t.Fatalf("%s: cases in doubt %v, want %v", what, got, cases)
		}
	}
	want("queued")
	if _, err := db.ClaimDue(ctx, t0, 10); err != nil {
		t.Fatal(err)
	}
	want("sending")
	// A crash mid-send: everything in sending is in doubt, but an alert
	// refresh (case 3) reaches no author.
	if _, doubt, err := db.ResumeInFlight(ctx, t0, nil, nil); err != nil || len(doubt) != 4 {
		t.Fatalf("resume: %d in doubt, %v", len(doubt), err)
	}
	want("after the crash", ids[1], ids[0])
	if err := db.Resend(ctx, queued[1].ID, t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	want("one of case 2's replies sent again", ids[1], ids[0])
	if err := db.Resend(ctx, queued[2].ID, t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	want("both of case 2's replies sent again", ids[0])
	// An outcome in doubt, not only a crash, puts a reply in the index.
	due, err := db.ClaimDue(ctx, t0.Add(time.Minute), 10)
	if err != nil || len(due) != 2 {
		t.Fatalf("claim: %d, %v", len(due), err)
	}
	if err := db.Settle(ctx, core.Outcome{ActionID: queued[1].ID, State: core.ActionInDoubt, At: t0, Error: "timeout"},
		core.Outcome{ActionID: queued[2].ID, State: core.ActionFailed, At: t0, Error: "refused"}); err != nil {
		t.Fatal(err)
	}
	want("a timeout", ids[1], ids[0])
	for range 2 {
		if err := db.IndexCases(ctx); err != nil {
			t.Fatal(err)
		}
	}
	want("indexed again", ids[1], ids[0])
}

func testMentionPage(t *testing.T, open Opener) {
	db := empty(t, open)
	var ds []core.Decision
	for i := range 5 {
		ds = append(ds, core.Decision{Mention: Mention(fmt.Sprint(i), core.LabelNeutral, t0.Add(time.Duration(i)*time.Hour))})
	}
	if _, err := db.SaveBatch(ctx, "x/mentions", "", ds, t0); err != nil {
		t.Fatal(err)
	}
	var all []string
	q := core.PageQuery{Limit: 2, To: t0.Add(4 * time.Hour), From: t0.Add(time.Hour)}
	for range 5 {
		p, err := db.MentionPage(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range p.Mentions {
			all = append(all, m.NativeID)
		}
		if p.Next == "" {
			break
		}
		q.After = p.Next
	}
	if fmt.Sprint(all) != "[3 2 1]" {
		t.Fatalf("mentions in [t0+1h, t0+4h) newest first = %v, want [3 2 1]", all)
	}
	if _, err := db.MentionPage(ctx, core.PageQuery{After: "!!"}); err == nil {
		t.Fatal("a corrupt cursor was accepted")
	}
}

func testPagesDeadline(t *testing.T, open Opener) {
	db := empty(t, open)
	saveCases(t, db, 100)
	past := time.Now().Add(-time.Second)
	none := func(*core.Case, *core.Mention) bool { return false }
	cp, err := db.CasePage(ctx, core.PageQuery{Until: past, Match: none})
	if err != nil || !cp.Partial || cp.Next == "" {
		t.Fatalf("case page past its deadline: partial=%v next=%q err=%v", cp.Partial, cp.Next, err)
	}
	mp, err := db.MentionPage(ctx, core.PageQuery{Until: past, Match: none})
	if err != nil || !mp.Partial || mp.Next == "" {
		t.Fatalf("mention page past its deadline: partial=%v next=%q err=%v", mp.Partial, mp.Next, err)
	}
}
