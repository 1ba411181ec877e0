package storetest

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/store"
)

var _ = add(
	test{"Outbox/ClaimSettleRetryAndPostpone", testOutbox},
	test{"Outbox/ActionsRoundTripWhole", testActionRoundTrip},
	test{"Outbox/SettleIsOneTransaction", testSettle},
	test{"Outbox/SettleDoneTwiceAppliesOnce", testSettleDoneTwice},
	test{"Outbox/ResendOnlyFailedOrInDoubt", testResend},
	test{"Outbox/SettleWritesRecordsInItsCommit", testSettleWritesRecords},
	test{"Outbox/SettleAndClaimShareOneCommit", testSettleAndClaim},
	test{"Outbox/SettleAndClaimNextAloneWithoutABatch", testSettleAndClaimNextAlone},
	test{"Outbox/SendingFoundInDoubtAfterReopen", testResumeAfterReopen},
	test{"Outbox/RecoverInFlightReportsAtomically", testRecoverInFlightReports},
	test{"Outbox/ResumeInFlightResumesWhatItMay", testResumeInFlight},
	test{"Outbox/StatsDueAndOpenCasesFromTheIndexes", testIndexesAnswer},
	test{"Outbox/WithdrawReplyUntilSending", testWithdrawReply},
	test{"Outbox/ForEachActionByCreation", testForEachAction},
	test{"Outbox/KnownActionsByDedupKey", testKnownActions},
	test{"Outbox/ActionsFilteredOldestFirst", testActionsFilter},
	test{"Digest/LastDayNeverGoesBack", testDigestSent},
)

func testOutbox(t *testing.T, open Opener) {
	db := empty(t, open)
	m := Mention("1", core.LabelNegative, t0)
	res, err := db.SaveBatch(ctx, "s", "", []core.Decision{{Mention: m, OpenCase: true, Actions: []core.Action{alertFor(m)}}}, t0)
	if err != nil {
		t.Fatal(err)
	}
	alert := res.Actions[0]
	later, err := db.Enqueue(ctx,
		core.Action{Kind: core.ActionNotify, DedupKey: "spike:1", Text: "spike", CreatedAt: t0, NextAttemptAt: t0.Add(time.Hour)},
		core.Action{Kind: core.ActionAlert, DedupKey: alert.DedupKey}) // same key: skipped
	if err != nil || len(later) != 1 {
		t.Fatalf("Enqueue=%+v,%v, want the notify only", later, err)
	}

	due, err := db.ClaimDue(ctx, t0, 10)
	if err != nil || len(due) != 1 || due[0].ID != alert.ID || due[0].State != core.ActionSending || due[0].Attempts != 1 {
		t.Fatalf("ClaimDue=%+v,%v, want the alert in sending", due, err)
	}
	if again, _ := db.ClaimDue(ctx, t0, 10); len(again) != 0 {
		t.Fatalf("a sending action was claimed twice: %+v", again)
	}
	if err := db.Settle(ctx, core.Outcome{ActionID: alert.ID, State: core.ActionPending, Next: t0.Add(time.Minute), Error: "HTTP 502"}); err != nil {
		t.Fatal(err)
	}
	if d, _ := db.ClaimDue(ctx, t0.Add(30*time.Second), 10); len(d) != 0 {
		t.Fatalf("claimed before its retry time: %+v", d)
	}
	st, _ := db.Outbox(ctx)
	if st.Pending != 2 || !st.NextDue.Equal(t0.Add(time.Minute)) || !st.OldestPending.Equal(t0) {
		t.Fatalf("Outbox=%+v", st)
	}
	due, _ = db.ClaimDue(ctx, t0.Add(time.Minute), 10)
	if len(due) != 1 || due[0].Attempts != 2 {
		t.Fatalf("retry claim=%+v", due)
	}
	if err := db.Settle(ctx, core.Outcome{ActionID: alert.ID, State: core.ActionDone, Result: "-100:55", At: t0.Add(61 * time.Second)}); err != nil {
		t.Fatal(err)
	}
	c, _ := db.Case(ctx, alert.CaseID)
	if c.State != core.CaseAlerted || len(c.Alerts) != 1 || c.Alerts[0] != "-100:55" {
		t.Fatalf("case after delivered alert=%+v", c)
	}
	if d, _ := db.ClaimDue(ctx, t0.Add(24*time.Hour), 10); len(d) != 1 || d[0].Kind != core.ActionNotify {
		t.Fatalf("a done action came back, or the notify did not: %+v", d)
	}
	if err := db.Settle(ctx, core.Outcome{ActionID: later[0].ID, State: core.ActionPending, Next: t0.Add(25 * time.Hour), Uncounted: true}); err != nil {
		t.Fatal(err)
	}
	if a, _ := db.Action(ctx, later[0].ID); a.Attempts != 0 || a.State != core.ActionPending {
		t.Fatalf("postponed action=%+v, want pending with no attempt counted", a)
	}
	if _, err := db.Action(ctx, 999); !errors.Is(err, core.ErrNotFound) {
		t.Fatalf("Action(999) err=%v, want ErrNotFound", err)
	}
}

// A round of outcomes is recorded in one transaction: all of it, with the
// deliveries applied to cases and the failure notices queued, or none.
func testSettle(t *testing.T, open Opener) {
	db := empty(t, open)
	var ds []core.Decision
	for _, id := range []string{"1", "2", "3", "4"} {
		m := Mention(id, core.LabelNegative, t0)
		ds = append(ds, core.Decision{Mention: m, OpenCase: true, Actions: []core.Action{alertFor(m)}})
	}
	if _, err := db.SaveBatch(ctx, "s", "", ds, t0); err != nil {
		t.Fatal(err)
	}
	due, err := db.ClaimDue(ctx, t0, 10)
	if err != nil || len(due) != 4 {
		t.Fatalf("ClaimDue=%d,%v", len(due), err)
	}
	if ok, _ := db.Due(ctx, t0); ok {
		t.Fatal("Due with everything in sending")
	}
	notice := core.Action{Kind: core.ActionNotify, Topic: core.TopicDeliveryFailed, DedupKey: "failed:x", Text: "no", CreatedAt: t0}
	round := []core.Outcome{
		{ActionID: due[0].ID, State: core.ActionDone, Result: "-100:7", At: t0.Add(time.Second)},
		{ActionID: due[1].ID, State: core.ActionPending, Next: t0.Add(time.Minute), Error: "HTTP 502"},
		{ActionID: due[2].ID, State: core.ActionPending, Next: t0.Add(time.Hour), Uncounted: true},
		{ActionID: due[3].ID, State: core.ActionFailed, Error: "HTTP 400", At: t0.Add(time.Second), Report: &notice},
	}
	bad := append(slices.Clone(round), core.Outcome{ActionID: due[0].ID, State: core.ActionSending})
	if err := db.Settle(ctx, bad...); !errors.Is(err, core.ErrInvalid) {
		t.Fatalf("Settle with an invalid outcome = %v, want ErrInvalid", err)
	}
	if a, _ := db.Action(ctx, due[0].ID); a.State != core.ActionSending {
		t.Fatalf("after a failed Settle action %d is %s, want still sending", a.ID, a.State)
	}
	if err := db.Settle(ctx, round...); err != nil {
		t.Fatal(err)
	}
	want := []struct {
		state    core.ActionState
		attempts int
		lastErr  string
	}{{core.ActionDone, 1, ""}, {core.ActionPending, 1, "HTTP 502"}, {core.ActionPending, 0, ""}, {core.ActionFailed, 1, "HTTP 400"}}
	for i, w := range want {
		a, _ := db.Action(ctx, due[i].ID)
		if a.State != w.state || a.Attempts != w.attempts || a.LastError != w.lastErr {
			t.Errorf("action %d = %s, %d attempts, %q; want %s, %d, %q", a.ID, a.State, a.Attempts, a.LastError, w.state, w.attempts, w.lastErr)
		}
	}
	if c, _ := db.Case(ctx, due[0].CaseID); c.State != core.CaseAlerted || len(c.Alerts) != 1 {
		t.Fatalf("case of the delivered alert = %+v", c)
	}
	if ns, _ := db.Actions(ctx, store.ActionFilter{Kind: core.ActionNotify}); len(ns) != 1 {
		t.Fatalf("notices %+v, want the failure report", ns)
	}
	if ok, _ := db.Due(ctx, t0.Add(time.Minute)); !ok {
		t.Fatal("the retry is due at +1m, Due says no")
	}
}

// The records a delivery produced (the bot's "this message is the alert of
// case 1") are written by the settle, in its one commit; a record kept
// if absent leaves the first one in place.
func testSettleWritesRecords(t *testing.T, open Opener) {
	db := empty(t, open)
	m := Mention("1", core.LabelNegative, t0)
	if _, err := db.SaveBatch(ctx, "s", "", []core.Decision{{Mention: m, OpenCase: true, Actions: []core.Action{alertFor(m)}}}, t0); err != nil {
		t.Fatal(err)
	}
	if err := db.BotPut(ctx, core.SpaceCaseTokens, "1", []byte(`"first"`), t0); err != nil {
		t.Fatal(err)
	}
	due, err := db.ClaimDue(ctx, t0, 10)
	if err != nil || len(due) != 1 {
		t.Fatalf("ClaimDue=%d,%v", len(due), err)
	}
	before := db.Commits()
	err = db.Settle(ctx, core.Outcome{ActionID: due[0].ID, State: core.ActionDone, Result: "-100:7", At: t0, Records: []core.Record{
		{Space: core.SpaceMessages, Key: "-100:7", Value: []byte(`{"kind":"alert","case":1}`), At: t0},
		{Space: core.SpaceCaseTokens, Key: "1", Value: []byte(`"second"`), At: t0, IfAbsent: true},
		{Space: core.SpaceCallbacks, Key: "second", Value: []byte(`{"kind":"case","case":1}`), At: t0},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if n := db.Commits() - before; n != 1 {
		t.Fatalf("settle took %d commits, want 1", n)
	}
	for _, w := range []struct {
		space     core.Space
		key, want string
	}{{core.SpaceMessages, "-100:7", `{"kind":"alert","case":1}`}, {core.SpaceCaseTokens, "1", `"first"`}, {core.SpaceCallbacks, "second", `{"kind":"case","case":1}`}} {
		if got, ok, err := db.BotGet(ctx, w.space, w.key); err != nil || !ok || string(got) != w.want {
			t.Errorf("%s %s = %s, %v, %v; want %s", w.space, w.key, got, ok, err, w.want)
		}
	}
}

// A round's outcomes and the next round's claim share one commit.
func testSettleAndClaim(t *testing.T, open Opener) {
	db := empty(t, open)
	var ds []core.Decision
	for i := range 3 {
		m := Mention(string(rune('1'+i)), core.LabelNegative, t0)
		ds = append(ds, core.Decision{Mention: m, OpenCase: true, Actions: []core.Action{alertFor(m)}})
	}
	if _, err := db.SaveBatch(ctx, "s", "", ds, t0); err != nil {
		t.Fatal(err)
	}
	first, err := db.ClaimDue(ctx, t0, 2)
	if err != nil || len(first) != 2 {
		t.Fatalf("ClaimDue=%d,%v", len(first), err)
	}
	before := db.Commits()
	next, err := db.SettleAndClaim(ctx, []core.Outcome{
		{ActionID: first[0].ID, State: core.ActionDone, Result: "-100:1", At: t0},
		{ActionID: first[1].ID, State: core.ActionPending, Next: t0, Error: "HTTP 502"},
	}, t0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if n := db.Commits() - before; n != 1 {
		t.Fatalf("%d commits, want 1", n)
	}
	// The retry due at once and the third alert are claimed.
	if len(next) != 2 || next[0].ID != first[1].ID || next[0].Attempts != 2 || next[1].State != core.ActionSending {
		t.Fatalf("claimed %+v, want the retried alert (second attempt) and the third", next)
	}
	if a, _ := db.Action(ctx, first[0].ID); a.State != core.ActionDone {
		t.Fatalf("the delivered alert is %s", a.State)
	}
	if _, err := db.SettleAndClaim(ctx, []core.Outcome{{ActionID: next[0].ID, State: "bogus"}}, t0, 10); !errors.Is(err, core.ErrInvalid) {
		t.Fatalf("an invalid outcome: %v, want ErrInvalid", err)
	}
	if a, _ := db.Action(ctx, next[0].ID); a.State != core.ActionSending {
		t.Fatalf("after a failed SettleAndClaim the action is %s, want still sending", a.State)
	}
}

// With no batch save within the wait the settle commits alone, claiming at
// most the plain limit.
func testSettleAndClaimNextAlone(t *testing.T, open Opener) {
	db := empty(t, open)
	if _, err := db.SaveBatch(ctx, "s", "", alertsBatch("1", "2", "3"), t0); err != nil {
		t.Fatal(err)
	}
	first, _ := db.ClaimDue(ctx, t0, 1)
	before := db.Commits()
	next, joined, err := db.SettleAndClaimNext(ctx, []core.Outcome{{ActionID: first[0].ID, State: core.ActionDone, At: t0}},
		func() time.Time { return t0 }, 1, 10, 5*time.Millisecond)
	if err != nil || joined || len(next) != 1 {
		t.Fatalf("SettleAndClaimNext = %d claimed, joined=%v, %v; want 1 claimed alone", len(next), joined, err)
	}
	if n := db.Commits() - before; n != 1 {
		t.Fatalf("%d commits, want 1", n)
	}
	if a, _ := db.Action(ctx, first[0].ID); a.State != core.ActionDone {
		t.Fatalf("the alert is %s", a.State)
	}
}

// After a crash, actions caught while sending are never sent again on
// their own: they become in_doubt.
func testResumeAfterReopen(t *testing.T, open Opener) {
	db := empty(t, open)
	var acts []core.Action
	for i := range 3 {
		acts = append(acts, core.Action{Kind: core.ActionNotify, DedupKey: fmt.Sprint("n", i), Text: "hi", CreatedAt: t0})
	}
	if _, err := db.Enqueue(ctx, acts...); err != nil {
		t.Fatal(err)
	}
	claimed, _ := db.ClaimDue(ctx, t0, 1) // one is being sent when the process dies

	db = open(t, Options{Reopen: db})
	doubt, err := db.RecoverInFlight(ctx, nil)
	if err != nil || len(doubt) != 1 || doubt[0].ID != claimed[0].ID || doubt[0].State != core.ActionInDoubt {
		t.Fatalf("RecoverInFlight=%+v,%v, want action %d in doubt", doubt, err, claimed[0].ID)
	}
	due, _ := db.ClaimDue(ctx, t0.Add(time.Hour), 10)
	if len(due) != 2 {
		t.Fatalf("after reopen %d actions due, want the 2 never tried", len(due))
	}
	for _, a := range due {
		if a.ID == claimed[0].ID {
			t.Fatal("the in-doubt action was claimed again")
		}
	}
	if err := db.Resend(ctx, claimed[0].ID, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if d, _ := db.ClaimDue(ctx, t0.Add(time.Hour), 10); len(d) != 1 || d[0].ID != claimed[0].ID {
		t.Fatalf("after Resend ClaimDue=%+v", d)
	}
}

// Marking actions in doubt and queuing the notice about them is one
// transaction: a crash between the two would leave actions in doubt that no
// manager is ever told about (the next start finds nothing in sending).
func testRecoverInFlightReports(t *testing.T, open Opener) {
	db := empty(t, open)
	if _, err := db.Enqueue(ctx, core.Action{Kind: core.ActionNotify, DedupKey: "n1", Text: "hi", CreatedAt: t0}); err != nil {
		t.Fatal(err)
	}
	claimed, _ := db.ClaimDue(ctx, t0, 1)
	// A report that cannot be queued undoes the whole recovery.
	if _, err := db.RecoverInFlight(ctx, func([]core.Action) []core.Action {
		return []core.Action{{Kind: core.ActionNotify}} // no dedup key: invalid
	}); err == nil {
		t.Fatal("RecoverInFlight with an invalid report succeeded")
	}
	if a, _ := db.Action(ctx, claimed[0].ID); a.State != core.ActionSending {
		t.Fatalf("after a failed recovery the action is %s, want still sending", a.State)
	}
	var told []core.Action
	doubt, err := db.RecoverInFlight(ctx, func(stuck []core.Action) []core.Action {
		told = stuck
		return []core.Action{{Kind: core.ActionNotify, Topic: core.TopicInDoubt, DedupKey: "in_doubt:1", Text: "#1", CreatedAt: t0}}
	})
	if err != nil || len(doubt) != 1 || len(told) != 1 || told[0].ID != claimed[0].ID {
		t.Fatalf("RecoverInFlight=%+v,%v; report got %+v", doubt, err, told)
	}
	notices, _ := db.Actions(ctx, store.ActionFilter{Kind: core.ActionNotify, State: core.ActionPending})
	if len(notices) != 1 || notices[0].Topic != core.TopicInDoubt {
		t.Fatalf("pending notices %+v, want the in-doubt report", notices)
	}
}

// What resume accepts goes back to pending, due at once and marked unsure;
// the rest is in doubt and reported in the same transaction.
func testResumeInFlight(t *testing.T, open Opener) {
	db := empty(t, open)
	if _, err := db.Enqueue(ctx,
		core.Action{Kind: core.ActionNotify, DedupKey: "n1", Text: "hi", CreatedAt: t0},
		core.Action{Kind: core.ActionReplyPublic, DedupKey: "r1", MentionKey: "x:1", Text: "sorry", Actor: "Sara", CreatedAt: t0},
	); err != nil {
		t.Fatal(err)
	}
	claimed, err := db.ClaimDue(ctx, t0, 10)
	if err != nil || len(claimed) != 2 {
		t.Fatalf("ClaimDue=%d,%v", len(claimed), err)
	}
	var told []core.Action
	resumed, doubt, err := db.ResumeInFlight(ctx, t0.Add(time.Minute),
		func(a core.Action) bool { return a.Kind == core.ActionNotify },
		func(stuck []core.Action) []core.Action {
			told = stuck
			return []core.Action{{Kind: core.ActionNotify, Topic: core.TopicInDoubt, DedupKey: "in_doubt:r1", Text: "r1", CreatedAt: t0}}
		})
	if err != nil || len(resumed) != 1 || resumed[0].DedupKey != "n1" || len(doubt) != 1 || doubt[0].DedupKey != "r1" ||
		doubt[0].State != core.ActionInDoubt || len(told) != 1 || told[0].DedupKey != "r1" {
		t.Fatalf("ResumeInFlight = resumed %+v, doubt %+v, told %+v, %v", resumed, doubt, told, err)
	}
	due, err := db.ClaimDue(ctx, t0.Add(time.Minute), 10)
	if err != nil || len(due) != 2 {
		t.Fatalf("ClaimDue after resume = %+v, %v; want the resumed notice and the report", due, err)
	}
	for _, a := range due {
		if a.DedupKey == "r1" {
			t.Fatal("the reply in doubt was claimed again")
		}
	}
	if a, _ := db.Action(ctx, resumed[0].ID); !a.Unsure {
		t.Fatalf("the resumed notice %+v is not marked unsure", a)
	}
	if a, _ := db.Action(ctx, doubt[0].ID); a.State != core.ActionInDoubt {
		t.Fatalf("the reply is %s, want in doubt", a.State)
	}
}

// The outbox figures, Due and the open cases by label answer from what the
// store indexes, across pending, sending and later actions.
func testIndexesAnswer(t *testing.T, open Opener) {
	db := empty(t, open)
	var ds []core.Decision
	for i, label := range []core.Label{core.LabelNegative, core.LabelPositive, core.LabelNegative} {
		m := Mention(string(rune('1'+i)), label, t0.Add(time.Duration(i)*time.Minute))
		ds = append(ds, core.Decision{Mention: m, OpenCase: true, Actions: []core.Action{alertFor(m)}})
	}
	if _, err := db.SaveBatch(ctx, "s", "", ds, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Enqueue(ctx, core.Action{Kind: core.ActionNotify, DedupKey: "later", Text: "x", CreatedAt: t0, NextAttemptAt: t0.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ClaimDue(ctx, t0, 1); err != nil { // one in sending
		t.Fatal(err)
	}
	st, err := db.Outbox(ctx)
	if err != nil || st.Pending != 4 || !st.OldestPending.Equal(t0) || !st.NextDue.Equal(t0) {
		t.Fatalf("Outbox=%+v,%v", st, err)
	}
	if due, _ := db.Due(ctx, t0); !due {
		t.Fatal("nothing due at t0")
	}
	neg, total, err := db.OpenCases(ctx, core.CaseFilter{Label: core.LabelNegative, Limit: 1})
	if err != nil || total != 2 || len(neg) != 1 || neg[0].Label != core.LabelNegative {
		t.Fatalf("OpenCases=%d of %d, %v", len(neg), total, err)
	}
	claimed, err := db.ClaimDue(ctx, t0.Add(2*time.Minute), 0)
	if err != nil || len(claimed) != 2 {
		t.Fatalf("ClaimDue=%d,%v, want the two alerts not yet claimed", len(claimed), err)
	}
	_, doubt, err := db.ResumeInFlight(ctx, t0, nil, nil)
	if err != nil || len(doubt) != 3 {
		t.Fatalf("ResumeInFlight found %d in sending, %v; want 3", len(doubt), err)
	}
}

func testWithdrawReply(t *testing.T, open Opener) {
	db := empty(t, open)
	m := Mention("1", core.LabelNegative, t0)
	res, err := db.SaveBatch(ctx, "s", "", []core.Decision{{Mention: m, OpenCase: true}}, t0)
	if err != nil {
		t.Fatal(err)
	}
	queue := func(key string, at time.Time) core.Action {
		_, q, err := db.UpdateCase(ctx, res.Cases[0].ID, func(c *core.Case) ([]core.Action, error) {
			return []core.Action{{Kind: core.ActionReplyPublic, DedupKey: key, Text: "sorry", Actor: "Sara",
				CreatedAt: at, NextAttemptAt: at.Add(15 * time.Second)}}, c.Responded("Sara", false, at)
		})
		if err != nil {
			t.Fatal(err)
		}
		return q[0]
	}
	r := queue("r1", t0.Add(time.Minute))
	c, err := db.WithdrawReply(ctx, r.ID, "Sara", t0.Add(time.Minute+5*time.Second))
	if err != nil || c.State != core.CaseClaimed || !c.FirstResponseAt.IsZero() {
		t.Fatalf("WithdrawReply=%+v,%v; want the case claimed with no response", c, err)
	}
	if a, _ := db.Action(ctx, r.ID); a.State != core.ActionCancelled {
		t.Fatalf("withdrawn reply is %s, want cancelled", a.State)
	}
	if due, _ := db.ClaimDue(ctx, t0.Add(time.Hour), 10); len(due) != 0 {
		t.Fatalf("a withdrawn reply was claimed: %+v", due)
	}
	// Once it is being sent, it is too late.
	r2 := queue("r2", t0.Add(2*time.Minute))
	db.ClaimDue(ctx, t0.Add(time.Hour), 10)
	if _, err := db.WithdrawReply(ctx, r2.ID, "Sara", t0.Add(time.Hour)); !errors.Is(err, core.ErrInvalidTransition) {
		t.Fatalf("withdrawing a reply being sent: %v, want ErrInvalidTransition", err)
	}
	if _, err := db.WithdrawReply(ctx, 999, "Sara", t0); !errors.Is(err, core.ErrNotFound) {
		t.Fatalf("withdrawing a missing action: %v, want ErrNotFound", err)
	}
}

func testForEachAction(t *testing.T, open Opener) {
	db := empty(t, open)
	notify := func(key string, at time.Time) core.Action {
		return core.Action{Kind: core.ActionNotify, DedupKey: key, Actor: core.ActorSystem, CreatedAt: at}
	}
	_, err := db.Enqueue(ctx,
		notify("a", t0),
		notify("b", t0.Add(time.Hour)),
		notify("undated", time.Time{}),
		notify("c", t0.Add(2*time.Hour)),
		notify("d", t0.Add(3*time.Hour)),
	)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		from, to time.Time
		want     []string
	}{
		{"Middle", t0.Add(time.Hour), t0.Add(3 * time.Hour), []string{"b", "c"}},
		{"All", t0, t0.Add(24 * time.Hour), []string{"a", "b", "c", "d"}},
		{"Empty", t0.Add(-2 * time.Hour), t0, nil},
		{"Future", t0.Add(4 * time.Hour), t0.Add(5 * time.Hour), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			err := db.ForEachAction(ctx, tt.from, tt.to, func(a core.Action) error {
				got = append(got, a.DedupKey)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("ForEachAction=%v, want %v", got, tt.want)
			}
		})
	}
	t.Run("StopsOnError", func(t *testing.T) {
		stop := errors.New("stop")
		n := 0
		err := db.ForEachAction(ctx, t0, t0.Add(24*time.Hour), func(core.Action) error {
			n++
			return stop
		})
		if !errors.Is(err, stop) || n != 1 {
			t.Fatalf("err=%v after %d calls, want stop after 1", err, n)
		}
	})
}

func testKnownActions(t *testing.T, open Opener) {
	db := empty(t, open)
	if _, err := db.Enqueue(ctx, core.Action{Kind: core.ActionNotify, DedupKey: "spike:1", CreatedAt: t0}); err != nil {
		t.Fatal(err)
	}
	got, err := db.KnownActions(ctx, []string{"spike:0", "spike:1", "spike:2"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || !got["spike:1"] {
		t.Fatalf("KnownActions=%v, want only spike:1", got)
	}
}

// Actions selects by state, kind and case, oldest first, keeping the
// newest Limit.
func testActionsFilter(t *testing.T, open Opener) {
	db := empty(t, open)
	res, err := db.SaveBatch(ctx, "s", "", alertsBatch("1", "2"), t0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Enqueue(ctx,
		core.Action{Kind: core.ActionNotify, DedupKey: "n1", Text: "a", CreatedAt: t0},
		core.Action{Kind: core.ActionNotify, DedupKey: "n2", Text: "b", CreatedAt: t0, NextAttemptAt: t0.Add(time.Hour)},
	); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ClaimDue(ctx, t0, 1); err != nil { // the first alert
		t.Fatal(err)
	}
	keys := func(f store.ActionFilter) []string {
		t.Helper()
		as, err := db.Actions(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, a := range as {
			out = append(out, a.DedupKey)
		}
		return out
	}
	for _, tt := range []struct {
		name string
		f    store.ActionFilter
		want []string
	}{
		{"All", store.ActionFilter{}, []string{"alert:x:1", "alert:x:2", "n1", "n2"}},
		{"Kind", store.ActionFilter{Kind: core.ActionNotify}, []string{"n1", "n2"}},
		{"State", store.ActionFilter{State: core.ActionSending}, []string{"alert:x:1"}},
		{"Case", store.ActionFilter{CaseID: res.Cases[1].ID}, []string{"alert:x:2"}},
		{"KindAndState", store.ActionFilter{Kind: core.ActionAlert, State: core.ActionPending}, []string{"alert:x:2"}},
		{"NewestLimit", store.ActionFilter{Limit: 3}, []string{"alert:x:2", "n1", "n2"}},
		{"None", store.ActionFilter{Kind: core.ActionHide}, nil},
	} {
		if got := keys(tt.f); !slices.Equal(got, tt.want) {
			t.Errorf("%s: Actions=%v, want %v", tt.name, got, tt.want)
		}
	}
}

func testDigestSent(t *testing.T, open Opener) {
	db := empty(t, open)
	if day, err := db.LastDigestDay(ctx); err != nil || day != "" {
		t.Fatalf("LastDigestDay on a new database=%q,%v, want empty", day, err)
	}
	steps := []struct {
		set, want string
	}{
		{"2026-11-21", "2026-11-21"},
		{"2026-11-22", "2026-11-22"},
		{"2026-11-01", "2026-11-22"}, // an old day sent by hand does not move it back
	}
	for _, s := range steps {
		if err := db.SetDigestSent(ctx, s.set); err != nil {
			t.Fatalf("SetDigestSent(%s): %v", s.set, err)
		}
		if got, _ := db.LastDigestDay(ctx); got != s.want {
			t.Fatalf("after SetDigestSent(%s) LastDigestDay=%q, want %q", s.set, got, s.want)
		}
	}
	if err := db.SetDigestSent(ctx, "22/11/2026"); !errors.Is(err, core.ErrInvalid) {
		t.Fatalf("SetDigestSent(bad day) err=%v, want ErrInvalid", err)
	}
	db = open(t, Options{Reopen: db})
	if got, err := db.LastDigestDay(ctx); err != nil || got != "2026-11-22" {
		t.Fatalf("after reopen LastDigestDay=%q,%v, want 2026-11-22", got, err)
	}
}

// sameAction fails t unless got is want, times compared as instants.
func sameAction(t *testing.T, what string, got, want core.Action) {
	t.Helper()
	for _, p := range [][2]*time.Time{{&got.CreatedAt, &want.CreatedAt}, {&got.NextAttemptAt, &want.NextAttemptAt}, {&got.DoneAt, &want.DoneAt}} {
		if !p[0].Equal(*p[1]) {
			t.Errorf("%s: time %v, want %v", what, *p[0], *p[1])
		}
		*p[0], *p[1] = time.Time{}, time.Time{}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got %+v\nwant %+v", what, got, want)
	}
}

// An action reads back as the store queued and settled it, from every
// way of reading it: text as it was, times to the nanosecond.
func testActionRoundTrip(t *testing.T, open Opener) {
	db := empty(t, open)
	caseID := saveCases(t, db, 1)[0]
	created := time.Date(2026, 11, 22, 10, 0, 0, 123456789, time.FixedZone("IRST", 3*3600+1800))
	q, err := db.Enqueue(ctx, core.Action{Kind: core.ActionReplyPrivate, DedupKey: "dm:x:w0 \x00 «»", MentionKey: "x:w0", CaseID: caseID,
		Text: "متن\u200cپاسخ \x00 \"q\" 👍", Topic: "", Actor: "Sara \x00", CreatedAt: created, NextAttemptAt: created.Add(time.Nanosecond)})
	if err != nil || len(q) != 1 {
		t.Fatalf("Enqueue=%+v,%v", q, err)
	}
	want := q[0]
	if want.ID == 0 || want.State != core.ActionPending {
		t.Fatalf("queued %+v, want an ID and pending", want)
	}
	read := func(what string, want core.Action) {
		t.Helper()
		got, err := db.Action(ctx, want.ID)
		if err != nil {
			t.Fatal(err)
		}
		sameAction(t, what+": Action", got, want)
		as, err := db.Actions(ctx, store.ActionFilter{})
		if err != nil || len(as) != 1 {
			t.Fatalf("%s: Actions=%d,%v", what, len(as), err)
		}
		sameAction(t, what+": Actions", as[0], want)
		var walked []core.Action
		if err := db.ForEachAction(ctx, created, created.Add(time.Nanosecond), func(a core.Action) error {
			walked = append(walked, a)
			return nil
		}); err != nil || len(walked) != 1 {
			t.Fatalf("%s: ForEachAction over its nanosecond=%d,%v", what, len(walked), err)
		}
		sameAction(t, what+": ForEachAction", walked[0], want)
	}
	read("queued", want)
	if due, _ := db.ClaimDue(ctx, created, 10); len(due) != 0 {
		t.Fatalf("claimed a nanosecond before its time: %+v", due)
	}
	due, err := db.ClaimDue(ctx, created.Add(time.Nanosecond), 10)
	if err != nil || len(due) != 1 {
		t.Fatalf("ClaimDue at its time=%+v,%v", due, err)
	}
	read("claimed", due[0])
	done := created.Add(time.Second + time.Nanosecond)
	if err := db.Settle(ctx, core.Outcome{ActionID: want.ID, State: core.ActionDone, Result: "-100:5 \x00", At: done}); err != nil {
		t.Fatal(err)
	}
	got, err := db.Action(ctx, want.ID)
	if err != nil || got.State != core.ActionDone || got.Attempts != 1 || got.Result != "-100:5 \x00" || !got.DoneAt.Equal(done) || got.LastError != "" {
		t.Fatalf("settled %+v,%v, want done once at %v with its result", got, err, done)
	}
	read("settled", got)
	if known, err := db.KnownActions(ctx, []string{want.DedupKey}); err != nil || !known[want.DedupKey] {
		t.Fatalf("KnownActions(%q)=%v,%v", want.DedupKey, known, err)
	}
}

// A delivery settled again (a round retried after its answer was lost)
// changes nothing the first settle recorded: the case keeps one alert,
// the action its first result, and the second round's records and report
// are not written.
func testSettleDoneTwice(t *testing.T, open Opener) {
	db := empty(t, open)
	if _, err := db.SaveBatch(ctx, "s", "", alertsBatch("1"), t0); err != nil {
		t.Fatal(err)
	}
	due, err := db.ClaimDue(ctx, t0, 10)
	if err != nil || len(due) != 1 {
		t.Fatalf("ClaimDue=%d,%v", len(due), err)
	}
	id := due[0].ID
	if err := db.Settle(ctx, core.Outcome{ActionID: id, State: core.ActionDone, Result: "-100:1", At: t0.Add(time.Second)}); err != nil {
		t.Fatal(err)
	}
	notice := core.Action{Kind: core.ActionNotify, DedupKey: "again", Text: "again", CreatedAt: t0}
	if err := db.Settle(ctx, core.Outcome{ActionID: id, State: core.ActionDone, Result: "-100:2", At: t0.Add(time.Minute), Report: &notice,
		Records: []core.Record{{Space: core.SpaceMessages, Key: "-100:2", Value: []byte(`{}`), At: t0}}}); err != nil {
		t.Fatal(err)
	}
	a, err := db.Action(ctx, id)
	if err != nil || a.State != core.ActionDone || a.Result != "-100:1" || !a.DoneAt.Equal(t0.Add(time.Second)) {
		t.Fatalf("action settled twice=%+v,%v, want its first result", a, err)
	}
	if c, _ := db.Case(ctx, a.CaseID); len(c.Alerts) != 1 || c.Alerts[0] != "-100:1" {
		t.Fatalf("case alerts %v, want the first delivery's only", c.Alerts)
	}
	if _, ok, _ := db.BotGet(ctx, core.SpaceMessages, "-100:2"); ok {
		t.Fatal("the second settle's record was written")
	}
	if ns, _ := db.Actions(ctx, store.ActionFilter{Kind: core.ActionNotify}); len(ns) != 0 {
		t.Fatalf("the second settle's report was queued: %+v", ns)
	}
}

// Resend sends a failed or in-doubt action again, from its first attempt;
// any other action is left as it is.
func testResend(t *testing.T, open Opener) {
	db := empty(t, open)
	var acts []core.Action
	for _, k := range []string{"failed", "done", "doubt", "pending"} {
		acts = append(acts, core.Action{Kind: core.ActionNotify, DedupKey: k, Text: k, CreatedAt: t0})
	}
	q, err := db.Enqueue(ctx, acts...)
	if err != nil || len(q) != 4 {
		t.Fatalf("Enqueue=%d,%v", len(q), err)
	}
	if due, err := db.ClaimDue(ctx, t0, 3); err != nil || len(due) != 3 {
		t.Fatalf("ClaimDue=%d,%v", len(due), err)
	}
	if err := db.Settle(ctx,
		core.Outcome{ActionID: q[0].ID, State: core.ActionFailed, Error: "HTTP 400", At: t0},
		core.Outcome{ActionID: q[1].ID, State: core.ActionDone, Result: "ok", At: t0},
		core.Outcome{ActionID: q[2].ID, State: core.ActionInDoubt, Error: "timeout", At: t0},
	); err != nil {
		t.Fatal(err)
	}
	at := t0.Add(time.Hour)
	for _, a := range q {
		if err := db.Resend(ctx, a.ID, at); err != nil {
			t.Fatalf("Resend(%s): %v", a.DedupKey, err)
		}
	}
	want := map[string]struct {
		state    core.ActionState
		attempts int
	}{"failed": {core.ActionPending, 0}, "done": {core.ActionDone, 1}, "doubt": {core.ActionPending, 0}, "pending": {core.ActionPending, 0}}
	for _, a := range q {
		got, err := db.Action(ctx, a.ID)
		w := want[a.DedupKey]
		if err != nil || got.State != w.state || got.Attempts != w.attempts {
			t.Errorf("%s after Resend = %s, %d attempts, %v; want %s, %d", a.DedupKey, got.State, got.Attempts, err, w.state, w.attempts)
		}
	}
	if due, _ := db.ClaimDue(ctx, at.Add(-time.Second), 10); len(due) != 1 || due[0].DedupKey != "pending" {
		t.Fatalf("due before the resend time: %+v, want only the never-tried one", due)
	}
	due, err := db.ClaimDue(ctx, at, 10)
	if err != nil || len(due) != 2 {
		t.Fatalf("due at the resend time: %+v, %v; want the failed and the in-doubt ones", due, err)
	}
	for _, a := range due {
		if (a.DedupKey != "failed" && a.DedupKey != "doubt") || a.Attempts != 1 {
			t.Errorf("due at the resend time: %+v, want the failed or the in-doubt one on its first attempt", a)
		}
	}
	if err := db.Resend(ctx, 999, at); !errors.Is(err, core.ErrNotFound) {
		t.Fatalf("Resend(999)=%v, want ErrNotFound", err)
	}
}
