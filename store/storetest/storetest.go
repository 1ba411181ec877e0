// Package storetest is the store contract suite: the behaviour every
// storage driver (the bbolt file, PostgreSQL) keeps, written once against
// store.Store and run by each driver's tests with Run.
//
// It is imported by tests only. Tests of one driver's internals (its file
// layout, codecs, migrations) stay with the driver.
package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/store"
)

// Options are what the contract tests vary when they open a store.
type Options struct {
	// Location is the zone whose calendar days the daily counters use.
	// Nil means UTC.
	Location *time.Location
	// Reopen, when set, is a store this test opened before: open closes
	// it and opens the same database again, as a restart of the process
	// would.
	Reopen store.Store
	// Share, when set, is an open store this test opened before: open
	// returns a second handle on the same database, both staying open, as
	// another replica has. A driver whose database one process holds at a
	// time (the bbolt file) returns Share itself.
	Share store.Store
	// With neither Reopen nor Share, open opens a new, empty database.
}

// Opener opens a store for t, closed when t ends (closing it earlier, as
// Reopen does, must be harmless to that cleanup).
type Opener func(t *testing.T, opts Options) store.Store

// test is one behaviour of the contract.
type test struct {
	name string
	fn   func(t *testing.T, open Opener)
}

// tests lists the contract, by area (each area's file appends its tests).
var tests []test

func add(ts ...test) bool {
	tests = append(tests, ts...)
	return true
}

// Run runs every contract test against the driver open opens, each as a
// parallel subtest of t named after the behaviour it checks
// ("SaveBatch/AllOrNothing"). Each test opens its own databases.
func Run(t *testing.T, open func(t *testing.T, opts Options) store.Store) {
	seen := make(map[string]bool, len(tests))
	for _, tt := range tests {
		if seen[tt.name] {
			t.Fatalf("two contract tests are named %s", tt.name)
		}
		seen[tt.name] = true
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.fn(t, open)
		})
	}
}

var (
	ctx = context.Background()
	t0  = time.Date(2026, 11, 22, 6, 30, 0, 0, time.UTC) // 10:00 in Tehran
)

// replicas returns db and n-1 more handles on its database (Options.Share).
func replicas(t *testing.T, open Opener, db store.Store, n int) []store.Store {
	t.Helper()
	out := []store.Store{db}
	for len(out) < n {
		out = append(out, open(t, Options{Share: db}))
	}
	return out
}

// empty opens a new, empty database with the default options.
func empty(t *testing.T, open Opener) store.Store {
	t.Helper()
	return open(t, Options{})
}

// Mention is the suite's mention fixture: an X mention with id, in Persian,
// analysed as label (scored confidently unless neutral), written at at.
func Mention(id string, label core.Label, at time.Time) core.Mention {
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

func alertsBatch(ids ...string) []core.Decision {
	var ds []core.Decision
	for _, id := range ids {
		m := Mention(id, core.LabelNegative, t0)
		ds = append(ds, core.Decision{Mention: m, OpenCase: true, Actions: []core.Action{alertFor(m)}})
	}
	return ds
}

// saveCases stores n negative mentions, each opening a case, one minute
// apart from t0, and returns the case IDs oldest first.
func saveCases(t *testing.T, db store.Store, n int) []uint64 {
	t.Helper()
	var ds []core.Decision
	for i := range n {
		m := Mention(fmt.Sprint("w", i), core.LabelNegative, t0.Add(time.Duration(i)*time.Minute))
		ds = append(ds, core.Decision{Mention: m, OpenCase: true})
	}
	res, err := db.SaveBatch(ctx, "x/mentions", "", ds, t0)
	if err != nil {
		t.Fatal(err)
	}
	var ids []uint64
	for _, c := range res.Cases {
		ids = append(ids, c.ID)
	}
	return ids
}
