package store_test

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/storetest"
	"github.com/shenava/shenava/store"
)

// TestDB_Export: every kind of record comes out, with its IDs, states and
// times as stored, and the settings (sequences, marks, offsets) last.
func TestDB_Export(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.MustOpen(t, store.Options{})
	storetest.Fill(t, db)

	counts := map[store.Kind]int{}
	var (
		order    []store.Kind
		mentions []store.MentionRecord
		cases    = map[uint64]core.Case{}
		actions  = map[uint64]core.Action{}
		codes    = map[string]store.CodeRecord{}
		settings store.Settings
		inbox    []store.InboxRecord
	)
	err := db.Export(ctx, func(r store.Record) error {
		if len(order) == 0 || order[len(order)-1] != r.Kind() {
			order = append(order, r.Kind())
		}
		counts[r.Kind()]++
		switch r := r.(type) {
		case store.MentionRecord:
			mentions = append(mentions, r)
		case store.CaseRecord:
			cases[r.Case.ID] = r.Case
		case store.ActionRecord:
			actions[r.Action.ID] = r.Action
		case store.CodeRecord:
			codes[r.Code] = r
		case store.InboxRecord:
			inbox = append(inbox, r)
		case store.Settings:
			settings = r
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range store.Kinds {
		if counts[k] == 0 {
			t.Errorf("no %s exported", k)
		}
	}
	if got, want := fmt.Sprint(order), fmt.Sprint(store.Kinds); got != want {
		t.Errorf("kinds came in the order %s, want %s", got, want)
	}
	if n, _ := db.MentionCount(ctx); counts[store.KindMention] != n {
		t.Errorf("%d mentions exported, the store holds %d", counts[store.KindMention], n)
	}
	for i := 1; i < len(mentions); i++ {
		if mentions[i].Mention.CreatedAt.Before(mentions[i-1].Mention.CreatedAt) {
			t.Errorf("mentions not oldest first: %s before %s", mentions[i-1].Mention.Key(), mentions[i].Mention.Key())
		}
	}
	for _, m := range mentions {
		want, err := db.Mention(ctx, m.Mention.Key())
		if err != nil || !reflect.DeepEqual(want, m.Mention) || m.ProcessedAt.IsZero() {
			t.Errorf("exported mention %+v, stored %+v (%v)", m, want, err)
		}
	}
	for id, c := range cases {
		want, err := db.Case(ctx, id)
		if err != nil || !reflect.DeepEqual(want, c) {
			t.Errorf("exported case %+v, stored %+v (%v)", c, want, err)
		}
		if id == 1 && len(c.Events) < 4 {
			t.Errorf("case 1's audit trail %+v, want opened, claim, answer and resolve", c.Events)
		}
	}
	states := map[core.ActionState]int{}
	for id, a := range actions {
		want, err := db.Action(ctx, id)
		if err != nil || !reflect.DeepEqual(want, a) {
			t.Errorf("exported action %+v, stored %+v (%v)", a, want, err)
		}
		states[a.State]++
	}
	for _, st := range []core.ActionState{core.ActionDone, core.ActionFailed, core.ActionPending, core.ActionInDoubt} {
		if states[st] == 0 {
			t.Errorf("no action %s exported: %v", st, states)
		}
	}
	if c := codes["A1"]; !c.Used || c.GivenTo == "" || c.GivenAt.IsZero() {
		t.Errorf("code A1 = %+v, want handed out", c)
	}
	if c := codes["B1"]; c.Used || c.Seq != 3 {
		t.Errorf("code B1 = %+v, want free, third loaded", c)
	}
	if left, _ := db.CodesLeft(ctx); counts[store.KindCodeFree] != left {
		t.Errorf("%d free codes exported, %d left", counts[store.KindCodeFree], left)
	}
	if len(inbox) != 2 || inbox[0].Seq != 2 || inbox[1].Mention.NativeID != "g3" {
		t.Errorf("inbox %+v, want sequence 2 and 3 (1 was trimmed)", inbox)
	}
	want := store.Settings{DigestDay: "2026-11-19", UpdateOffset: 57, CodesLowWater: 1, HasCodesLowWater: true,
		CodesLoaded: 4, CaseSeq: 3, ActionSeq: uint64(len(actions)), InboxSeq: 3}
	if settings != want {
		t.Errorf("settings %+v, want %+v", settings, want)
	}
}

// TestDB_Export_Stops: an error from fn stops the export and comes back.
func TestDB_Export_Stops(t *testing.T) {
	t.Parallel()
	db := storetest.MustOpen(t, store.Options{})
	storetest.Fill(t, db)
	stop := errors.New("stop")
	n := 0
	err := db.Export(context.Background(), func(store.Record) error {
		n++
		if n == 3 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 3 {
		t.Fatalf("Export = %v after %d records, want the error after 3", err, n)
	}
}

// TestDB_Export_ReadOnlyOldFile: a read-only open of a file may lack the
// buckets made on first use; it exports what it has.
func TestDB_Export_ReadOnly(t *testing.T) {
	t.Parallel()
	path := t.TempDir() + "/shenava.db"
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	ro, err := store.Open(path, store.Options{ReadOnly: true, LockTimeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	var kinds []string
	if err := ro.Export(context.Background(), func(r store.Record) error { kinds = append(kinds, string(r.Kind())); return nil }); err != nil {
		t.Fatal(err)
	}
	if strings.Join(kinds, ",") != string(store.KindSettings) {
		t.Fatalf("an empty database exported %q, want the settings only", kinds)
	}
}

// TestDB_Export_OldLayout: a file of an older layout opened read-only is
// refused (it lacks what the newer layout derives); opened for writing it
// is brought up to date and exports.
func TestDB_Export_OldLayout(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := t.TempDir() + "/shenava.db"
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	storetest.Fill(t, db)
	db.Close()
	raw, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := raw.Update(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte("meta")).Put([]byte("schema_version"), binary.BigEndian.AppendUint64(nil, 2))
	}); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	ro, err := store.Open(path, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	err = ro.Export(ctx, func(store.Record) error { return nil })
	ro.Close()
	if !errors.Is(err, core.ErrUnsupported) || !strings.Contains(err.Error(), "open it for writing once") {
		t.Fatalf("Export of a version 2 file opened read-only = %v; want it refused, saying what to do", err)
	}
	rw, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer rw.Close()
	n := 0
	if err := rw.Export(ctx, func(store.Record) error { n++; return nil }); err != nil || n == 0 {
		t.Fatalf("Export after bringing the file up to date = %v (%d records)", err, n)
	}
}
