package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/shenava/shenava/core"
)

var (
	ctx = context.Background()
	t0  = time.Date(2026, 11, 22, 6, 30, 0, 0, time.UTC) // 10:00 in Tehran
)

// MustOpen opens a fresh database in a temporary directory and closes it
// when the test ends.
func MustOpen(tb testing.TB, opts Options) *DB {
	tb.Helper()
	db, err := Open(filepath.Join(tb.TempDir(), "shenava.db"), opts)
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	tb.Cleanup(func() {
		if err := db.Close(); err != nil {
			tb.Errorf("Close: %v", err)
		}
	})
	return db
}

func mention(id string, label core.Label, at time.Time) core.Mention {
	scores := core.Scores{Neutral: 1}
	switch label {
	case core.LabelNegative:
		scores = core.Scores{Negative: 0.9, Neutral: 0.05, Positive: 0.05}
	case core.LabelPositive:
		scores = core.Scores{Negative: 0.05, Neutral: 0.05, Positive: 0.9}
	}
	return core.Mention{
		Platform: core.PlatformX, NativeID: id, Source: "x/mentions",
		Author: core.Author{ID: "u" + id, Handle: "user" + id, Followers: 10},
		Text:   "متن " + id, CreatedAt: at, FetchedAt: at.Add(time.Minute),
		Analysis: &core.Analysis{Lang: "fa", Label: label, Scores: scores},
	}
}

func alertFor(m core.Mention) core.Action {
	return core.Action{Kind: core.ActionAlert, DedupKey: "alert:" + m.Key(), MentionKey: m.Key(), Actor: core.ActorSystem}
}

func TestOpen_LockTimeout(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "shenava.db")
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, err = Open(path, Options{LockTimeout: 50 * time.Millisecond})
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("second Open err=%v, want ErrLocked", err)
	}
	if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "another shenava") {
		t.Fatalf("lock error %q does not name the file and the likely cause", err)
	}
}

func TestOpen_SchemaVersion(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "shenava.db")
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// A newer shenava wrote this file.
	if err := db.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bktMeta).Put(keySchema, itob(SchemaVersion+1))
	}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if _, err := Open(path, Options{}); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Fatalf("Open of a newer schema err=%v, want a 'newer' error", err)
	}
}

func TestDB_SaveBatch(t *testing.T) {
	t.Parallel()
	db := MustOpen(t, Options{})
	neg, pos := mention("1", core.LabelNegative, t0), mention("2", core.LabelPositive, t0.Add(time.Hour))
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
		acts, _ := db.Actions(ctx, ActionFilter{})
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
func TestDB_SaveBatch_Atomic(t *testing.T) {
	t.Parallel()
	db := MustOpen(t, Options{})
	good := mention("1", core.LabelNegative, t0)
	bad := mention("2", core.LabelNegative, t0)
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
	acts, _ := db.Actions(ctx, ActionFilter{})
	if n != 0 || cur != "" || len(cases) != 0 || len(acts) != 0 {
		t.Fatalf("after failed batch: %d mentions, cursor %q, %d cases, %d actions; want nothing", n, cur, len(cases), len(acts))
	}
}

func TestDB_ForEachMention(t *testing.T) {
	t.Parallel()
	db := MustOpen(t, Options{})
	var ds []core.Decision
	for i := range 5 {
		ds = append(ds, core.Decision{Mention: mention(fmt.Sprint(i), core.LabelNeutral, t0.Add(time.Duration(4-i)*time.Hour))})
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

func TestDB_UpdateCase(t *testing.T) {
	t.Parallel()
	db := MustOpen(t, Options{})
	m := mention("1", core.LabelNegative, t0)
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
}

func TestDB_OpenCases_Paging(t *testing.T) {
	t.Parallel()
	db := MustOpen(t, Options{})
	var ds []core.Decision
	for i := range 7 {
		l := core.LabelNegative
		if i == 3 {
			l = core.LabelPositive
		}
		ds = append(ds, core.Decision{Mention: mention(fmt.Sprint(i), l, t0.Add(time.Duration(i)*time.Minute)), OpenCase: true})
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
func TestDB_ForEachCase_ByDayWritten(t *testing.T) {
	db := MustOpen(t, Options{})
	yesterday, today := t0.AddDate(0, 0, -1), t0
	ds := []core.Decision{
		{Mention: mention("old", core.LabelNegative, yesterday.Add(time.Hour)), OpenCase: true},
		{Mention: mention("new", core.LabelNegative, today.Add(time.Minute)), OpenCase: true},
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

func TestDB_Outbox(t *testing.T) {
	t.Parallel()
	db := MustOpen(t, Options{})
	m := mention("1", core.LabelNegative, t0)
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
}

// A round of outcomes is recorded in one transaction: all of it, with the
// deliveries applied to cases and the failure notices queued, or none.
func TestDB_Settle(t *testing.T) {
	t.Parallel()
	db := MustOpen(t, Options{})
	var ds []core.Decision
	for _, id := range []string{"1", "2", "3", "4"} {
		m := mention(id, core.LabelNegative, t0)
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
	if ns, _ := db.Actions(ctx, ActionFilter{Kind: core.ActionNotify}); len(ns) != 1 {
		t.Fatalf("notices %+v, want the failure report", ns)
	}
	if ok, _ := db.Due(ctx, t0.Add(time.Minute)); !ok {
		t.Fatal("the retry is due at +1m, Due says no")
	}
}

// After a crash, actions caught while sending are never sent again on
// their own: they become in_doubt.
func TestDB_Outbox_ResumeAfterReopen(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "shenava.db")
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var acts []core.Action
	for i := range 3 {
		acts = append(acts, core.Action{Kind: core.ActionNotify, DedupKey: fmt.Sprint("n", i), Text: "hi", CreatedAt: t0})
	}
	if _, err := db.Enqueue(ctx, acts...); err != nil {
		t.Fatal(err)
	}
	claimed, _ := db.ClaimDue(ctx, t0, 1) // one is being sent when the process dies
	db.Close()

	db, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
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
func TestDB_RecoverInFlight_ReportsAtomically(t *testing.T) {
	t.Parallel()
	db, err := Open(filepath.Join(t.TempDir(), "shenava.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
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
	notices, _ := db.Actions(ctx, ActionFilter{Kind: core.ActionNotify, State: core.ActionPending})
	if len(notices) != 1 || notices[0].Topic != core.TopicInDoubt {
		t.Fatalf("pending notices %+v, want the in-doubt report", notices)
	}
}

func TestDB_Codes(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "shenava.db")
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	load, err := db.AddCodes(ctx, []string{"A1", "B2", "A1", "", "has space"})
	if err != nil || load != (core.CodeLoad{Added: 2, Duplicates: 1, Invalid: 2}) {
		t.Fatalf("AddCodes=%+v,%v", load, err)
	}
	thank := func(id string) core.Action {
		return core.Action{Kind: core.ActionThankPrivate, DedupKey: "thankdm:" + id, MentionKey: "x:" + id, Text: "code {code}", CreatedAt: t0}
	}
	got, _ := db.Enqueue(ctx, thank("1"))
	if len(got) != 1 || got[0].Code != "A1" {
		t.Fatalf("first thank-you code=%+v, want A1", got)
	}
	db.Close()
	db, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if load, _ := db.AddCodes(ctx, []string{"A1"}); load.Added != 0 || load.Duplicates != 1 {
		t.Fatalf("re-adding a handed-out code=%+v, want refused", load)
	}
	got, _ = db.Enqueue(ctx, thank("2"), thank("3"))
	if len(got) != 1 || got[0].Code != "B2" {
		t.Fatalf("second load=%+v, want only B2 handed out and the third dropped (pool empty)", got)
	}
	if n, _ := db.CodesLeft(ctx); n != 0 {
		t.Fatalf("CodesLeft=%d, want 0", n)
	}
}

func TestDB_Counters(t *testing.T) {
	t.Parallel()
	tehran, err := time.LoadLocation("Asia/Tehran")
	if err != nil {
		t.Fatal(err)
	}
	db := MustOpen(t, Options{Location: tehran})
	// 2026-11-22 20:29 UTC is 23:59 in Tehran; 20:31 UTC is the next day there.
	late := time.Date(2026, 11, 22, 20, 29, 0, 0, time.UTC)
	ref := mention("3", core.LabelPositive, late)
	ref.Analysis.Referral = true
	ds := []core.Decision{
		{Mention: mention("1", core.LabelNegative, late)},
		{Mention: ref},
		{Mention: mention("2", core.LabelNegative, late.Add(2*time.Minute))},
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

func TestDB_Backup(t *testing.T) {
	t.Parallel()
	db := MustOpen(t, Options{})
	if _, err := db.SaveBatch(ctx, "s", "c", []core.Decision{{Mention: mention("1", core.LabelNeutral, t0)}}, t0); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := db.Backup(ctx, &buf); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "copy.db")
	if _, err := db.BackupFile(ctx, out); err != nil {
		t.Fatal(err)
	}
	if _, err := db.BackupFile(ctx, out); err == nil {
		t.Fatal("BackupFile overwrote an existing file")
	}
	cp, err := Open(out, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer cp.Close()
	if m, err := cp.Mention(ctx, "x:1"); err != nil || m.NativeID != "1" {
		t.Fatalf("backup copy Mention=%+v,%v", m, err)
	}
}

func TestDB_WithdrawReply(t *testing.T) {
	t.Parallel()
	db := MustOpen(t, Options{})
	m := mention("1", core.LabelNegative, t0)
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

// The records a delivery produced (the bot's "this message is the alert of
// case 1") are written by the settle, in its one commit; a record kept
// if absent leaves the first one in place.
func TestDB_Settle_WritesRecords(t *testing.T) {
	db := MustOpen(t, Options{})
	m := mention("1", core.LabelNegative, t0)
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
