package storetest

import (
	"fmt"
	"testing"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/store"
)

var _ = add(
	test{"Codes/HandedOutOnceEverAcrossReopen", testCodes},
	test{"Codes/RunOutWithOneNoticeEach", testCodesRunOut},
)

func testCodes(t *testing.T, open Opener) {
	db := empty(t, open)
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
	db = open(t, Options{Reopen: db})
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
	if a, err := db.Action(ctx, got[0].ID); err != nil || a.Code != "B2" {
		t.Fatalf("stored thank-you=%+v,%v, want it to keep its code B2", a, err)
	}
}

// Five codes for eight referrers: five get one, the other three are
// reported (SaveResult.NoCode, CodesMissed), and the managers get one
// notice at the low-water mark and one when the pool is empty, not one
// per referral. Loading more codes re-arms both.
func testCodesRunOut(t *testing.T, open Opener) {
	db := empty(t, open)
	if err := db.SetCodesLowWater(ctx, 2); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddCodes(ctx, []string{"C1", "C2", "C3", "C4", "C5"}); err != nil {
		t.Fatal(err)
	}
	if n, err := db.CodesLeft(ctx); err != nil || n != 5 {
		t.Fatalf("CodesLeft=%d,%v, want 5", n, err)
	}
	referrals := func(from, to int) []core.Decision {
		var ds []core.Decision
		for i := from; i <= to; i++ {
			m := Mention(fmt.Sprint(i), core.LabelPositive, t0)
			m.Analysis.Referral = true
			ds = append(ds, core.Decision{Mention: m, Actions: []core.Action{
				{Kind: core.ActionThankPublic, DedupKey: "thank:" + m.Key(), MentionKey: m.Key(), Text: "thanks"},
				{Kind: core.ActionThankPrivate, DedupKey: "thankdm:" + m.Key(), MentionKey: m.Key(), Text: "your code {code}"},
			}})
		}
		return ds
	}
	res, err := db.SaveBatch(ctx, "x/mentions", "", referrals(1, 8), t0)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.NoCode) != 3 || res.Skipped != 0 {
		t.Fatalf("NoCode %v, Skipped %d; want the last three referrers without a code, nothing skipped", res.NoCode, res.Skipped)
	}
	notices := func() map[string]int {
		as, err := db.Actions(ctx, store.ActionFilter{Kind: core.ActionNotify})
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]int{}
		for _, a := range as {
			out[a.Topic+"="+a.Text]++
		}
		return out
	}
	if got := notices(); len(got) != 2 || got[core.TopicCodesLow+"=2"] != 1 || got[core.TopicCodesEmpty+"=0"] != 1 {
		t.Fatalf("notices %v, want one low (2 left) and one empty", got)
	}
	missed, err := db.CodesMissed(ctx, []string{"x:1", "x:6", "x:7", "x:8"})
	if err != nil || len(missed) != 3 || missed["x:1"] {
		t.Fatalf("CodesMissed=%v,%v; want x:6, x:7, x:8", missed, err)
	}
	// More codes, more referrals: the notices come again, once each.
	if _, err := db.AddCodes(ctx, []string{"D1", "D2"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SaveBatch(ctx, "x/mentions", "", referrals(9, 12), t0); err != nil {
		t.Fatal(err)
	}
	if got := notices(); got[core.TopicCodesLow+"=1"] != 1 || got[core.TopicCodesEmpty+"=0"] != 2 {
		t.Fatalf("notices after a second load %v, want a new low and a new empty notice", got)
	}
}
