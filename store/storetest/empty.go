package storetest

import (
	"testing"
	"time"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/store"
)

var _ = add(
	test{"Empty/NewDatabaseAnswersNothingWithoutError", testEmptyDatabase},
)

// A new database answers every question with nothing, and no error: the
// first start, the digest of a quiet day, a page past the last.
func testEmptyDatabase(t *testing.T, open Opener) {
	db := empty(t, open)
	if err := db.IndexCases(ctx); err != nil {
		t.Fatalf("IndexCases: %v", err)
	}
	before := db.Commits()
	day := t0.Format(core.DayFormat)
	check := func(what string, err error, nothing bool) {
		t.Helper()
		if err != nil || !nothing {
			t.Errorf("%s on a new database: err %v, nothing=%v; want nothing and no error", what, err, nothing)
		}
	}
	n, err := db.MentionCount(ctx)
	check("MentionCount", err, n == 0)
	known, err := db.Known(ctx, []string{"x:1"})
	check("Known", err, len(known) == 0)
	cur, err := db.Cursor(ctx, "s")
	check("Cursor", err, cur == "")
	authors, err := db.Authors(ctx, []string{"x:u1"})
	check("Authors", err, len(authors) == 0)
	counts, err := db.DayCounts(ctx, day)
	check("DayCounts", err, counts.Get(core.DimTotal, "") == 0)
	hours, err := db.HourlyCounts(ctx, core.LabelNegative, t0.Truncate(time.Hour), t0.Truncate(time.Hour).Add(3*time.Hour))
	check("HourlyCounts", err, len(hours) == 3 && hours[0] == 0 && hours[1] == 0 && hours[2] == 0)
	tallies, err := db.DayAuthors(ctx, day)
	check("DayAuthors", err, len(tallies) == 0)
	cases, total, err := db.OpenCases(ctx, core.CaseFilter{Label: core.LabelNegative, Offset: 5, Limit: 5})
	check("OpenCases", err, len(cases) == 0 && total == 0)
	byState, err := db.CaseCounts(ctx)
	check("CaseCounts", err, len(byState) == 0)
	cp, err := db.CasePage(ctx, core.PageQuery{Limit: 10})
	check("CasePage", err, len(cp.Cases) == 0 && cp.Next == "" && !cp.Partial)
	mp, err := db.MentionPage(ctx, core.PageQuery{Limit: 10})
	check("MentionPage", err, len(mp.Mentions) == 0 && mp.Next == "" && !mp.Partial)
	doubt, err := db.DoubtCases(ctx)
	check("DoubtCases", err, len(doubt) == 0)
	corr, err := db.Corrections(ctx)
	check("Corrections", err, len(corr) == 0)
	left, err := db.CodesLeft(ctx)
	check("CodesLeft", err, left == 0)
	missed, err := db.CodesMissed(ctx, []string{"x:1"})
	check("CodesMissed", err, len(missed) == 0)
	st, err := db.Outbox(ctx)
	check("Outbox", err, st == store.OutboxStats{})
	due, err := db.Due(ctx, t0)
	check("Due", err, !due)
	acts, err := db.Actions(ctx, store.ActionFilter{})
	check("Actions", err, len(acts) == 0)
	knownActs, err := db.KnownActions(ctx, []string{"alert:x:1"})
	check("KnownActions", err, len(knownActs) == 0)
	lastDay, err := db.LastDigestDay(ctx)
	check("LastDigestDay", err, lastDay == "")
	usage, err := db.Usage(ctx, t0)
	check("Usage", err, len(usage) == 0)
	off, err := db.UpdateOffset(ctx)
	check("UpdateOffset", err, off == 0)
	inbox, last, err := db.InboxAfter(ctx, 0, 10)
	check("InboxAfter", err, len(inbox) == 0 && last == 0)
	walked := 0
	err = db.ForEachMention(ctx, t0.AddDate(-1, 0, 0), t0.AddDate(1, 0, 0), func(core.Mention) error { walked++; return nil })
	check("ForEachMention", err, walked == 0)
	err = db.ForEachCase(ctx, t0.AddDate(-1, 0, 0), t0.AddDate(1, 0, 0), func(core.Case) error { walked++; return nil })
	check("ForEachCase", err, walked == 0)
	err = db.ForEachAction(ctx, t0.AddDate(-1, 0, 0), t0.AddDate(1, 0, 0), func(core.Action) error { walked++; return nil })
	check("ForEachAction", err, walked == 0)
	if n := db.Commits() - before; n != 0 {
		t.Errorf("reading a new database took %d commits, want none", n)
	}

	// Writes that find nothing to do.
	claimed, err := db.ClaimDue(ctx, t0, 10)
	check("ClaimDue", err, len(claimed) == 0)
	recovered, err := db.RecoverInFlight(ctx, func([]core.Action) []core.Action {
		t.Error("RecoverInFlight reported on a new database")
		return nil
	})
	check("RecoverInFlight", err, len(recovered) == 0)
	trimmed, err := db.InboxTrim(ctx, 5)
	check("InboxTrim", err, trimmed == 0)
	pruned, err := db.BotPrune(ctx, core.SpaceCallbacks, t0)
	check("BotPrune", err, pruned == 0)
	prunedSessions, err := db.PruneWebSessions(ctx, func([]byte) bool { return false })
	check("PruneWebSessions", err, prunedSessions == 0)
	next, err := db.SettleAndClaim(ctx, nil, t0, 10)
	check("SettleAndClaim", err, len(next) == 0)
	if err := db.Settle(ctx); err != nil {
		t.Errorf("Settle of no outcomes: %v", err)
	}
	if err := db.BotDelete(ctx, core.SpacePrefs, "nobody"); err != nil {
		t.Errorf("BotDelete of a missing record: %v", err)
	}
	if err := db.PutWebSession(ctx, "none", nil); err != nil {
		t.Errorf("PutWebSession(nil) of a missing session: %v", err)
	}
}
