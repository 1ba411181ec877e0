package pgstore

import (
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/pgtest"
)

// Replicas swapping one record (absent at first) take turns: no
// increment is lost, and each one's action is queued once.
func TestBotSwap_ConcurrentReplicasLoseNoUpdate(t *testing.T) {
	t.Parallel()
	dsn := pgtest.DSN(t)
	dbs := []*DB{openReplica(t, dsn, "a", 0), openReplica(t, dsn, "b", 0)}
	const n = 40
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			_, err := dbs[i%2].BotSwap(ctx, core.SpaceHeld, "alerts\x00odd", t0, func(old []byte) ([]byte, []core.Action, error) {
				var v struct{ N int }
				if old != nil {
					if err := json.Unmarshal(old, &v); err != nil {
						return nil, nil, err
					}
				}
				v.N++
				b, _ := json.Marshal(v)
				return b, []core.Action{{Kind: core.ActionNotify, DedupKey: fmt.Sprint("held:", v.N), Text: "t"}}, nil
			})
			if err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	val, ok, err := dbs[0].BotGet(ctx, core.SpaceHeld, "alerts\x00odd")
	if err != nil || !ok || string(val) != fmt.Sprintf(`{"N":%d}`, n) {
		t.Fatalf("record = %s, %v, %v; want N=%d", val, ok, err, n)
	}
	if st, _ := dbs[0].Outbox(ctx); st.Pending != n {
		t.Fatalf("%d actions queued, want %d", st.Pending, n)
	}
}

func TestBotSwap_ErrorWritesNothingAndNilDeletes(t *testing.T) {
	t.Parallel()
	db := mustOpen(t)
	boom := errors.New("boom")
	if _, err := db.BotSwap(ctx, core.SpacePrompts, "m", t0, func(old []byte) ([]byte, []core.Action, error) {
		return []byte(`1`), nil, boom
	}); err != boom {
		t.Fatalf("BotSwap: %v, want fn's error as is", err)
	}
	if _, ok, _ := db.BotGet(ctx, core.SpacePrompts, "m"); ok {
		t.Fatal("a failed swap left a record (or its placeholder)")
	}
	if err := db.BotPut(ctx, core.SpacePrompts, "m", []byte(`"x"`), t0); err != nil {
		t.Fatal(err)
	}
	if _, err := db.BotSwap(ctx, core.SpacePrompts, "m", t0, func(old []byte) ([]byte, []core.Action, error) {
		if string(old) != `"x"` {
			t.Errorf("old = %s", old)
		}
		return nil, nil, nil
	}); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := db.BotGet(ctx, core.SpacePrompts, "m"); ok {
		t.Fatal("a nil value did not delete the record")
	}
	if err := db.BotPut(ctx, core.Space("nope"), "k", []byte(`1`), t0); !errors.Is(err, core.ErrInvalid) {
		t.Fatalf("unknown space: %v", err)
	}
	if err := db.BotPut(ctx, core.SpacePrefs, "k", []byte(`{`), t0); !errors.Is(err, core.ErrInvalid) {
		t.Fatalf("not JSON: %v", err)
	}
}

func TestBotPrune_AndRecordsInSettle(t *testing.T) {
	t.Parallel()
	db := mustOpen(t)
	for i, at := range []time.Time{t0, t0.Add(time.Hour), t0.Add(2 * time.Hour)} {
		if err := db.BotPut(ctx, core.SpaceCallbacks, fmt.Sprint("k", i), []byte(`{}`), at); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := db.BotPrune(ctx, core.SpaceCallbacks, t0.Add(time.Hour)); err != nil || n != 1 {
		t.Fatalf("BotPrune = %d, %v; want 1", n, err)
	}
	q, _ := db.Enqueue(ctx, notices(1, t0)...)
	db.ClaimDue(ctx, t0, 1)
	err := db.Settle(ctx, core.Outcome{ActionID: q[0].ID, State: core.ActionDone, At: t0, Records: []core.Record{
		{Space: core.SpaceCallbacks, Key: "k1", Value: []byte(`"kept"`), At: t0, IfAbsent: true},
		{Space: core.SpaceMessages, Key: "-100:5", Value: []byte(`"new"`), At: t0},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if v, _, _ := db.BotGet(ctx, core.SpaceCallbacks, "k1"); string(v) != `{}` {
		t.Fatalf("IfAbsent overwrote: %s", v)
	}
	if v, _, _ := db.BotGet(ctx, core.SpaceMessages, "-100:5"); string(v) != `"new"` {
		t.Fatalf("record with the settle: %s", v)
	}
}

func TestInbox_OffsetsAndOrder(t *testing.T) {
	t.Parallel()
	db := mustOpen(t)
	m := func(id string) core.Mention {
		return core.Mention{Platform: core.PlatformTelegram, NativeID: id, Source: "telegram/groups", Text: "سلام " + id,
			Author: core.Author{ID: "u" + id}, CreatedAt: t0.In(time.FixedZone("IRST", 12600)), FetchedAt: t0}
	}
	if err := db.InboxAppend(ctx, 10, m("1"), m("2")); err != nil {
		t.Fatal(err)
	}
	if err := db.InboxAppend(ctx, 9, m("3")); err != nil {
		t.Fatal(err)
	}
	if off, _ := db.UpdateOffset(ctx); off != 10 {
		t.Fatalf("offset %d, want 10 (it only moves forward)", off)
	}
	got, last, err := db.InboxAfter(ctx, 0, 2)
	if err != nil || len(got) != 2 || got[0].NativeID != "1" || got[1].NativeID != "2" || got[0].CreatedAt.Location() != time.UTC ||
		!got[0].CreatedAt.Equal(t0) {
		t.Fatalf("InboxAfter = %+v, %d, %v", got, last, err)
	}
	rest, last2, _ := db.InboxAfter(ctx, last, 0)
	if len(rest) != 1 || rest[0].NativeID != "3" || last2 <= last {
		t.Fatalf("rest = %+v, %d", rest, last2)
	}
	if none, l, _ := db.InboxAfter(ctx, last2, 0); len(none) != 0 || l != last2 {
		t.Fatalf("after the last: %v, %d", none, l)
	}
	if n, err := db.InboxTrim(ctx, last); err != nil || n != 2 {
		t.Fatalf("InboxTrim = %d, %v", n, err)
	}
	c := db.Commits()
	if n, _ := db.InboxTrim(ctx, last); n != 0 || db.Commits() != c {
		t.Fatal("a trim with nothing to delete wrote")
	}
	if err := db.SetUpdateOffset(ctx, 11); err != nil {
		t.Fatal(err)
	}
	if off, _ := db.UpdateOffset(ctx); off != 11 {
		t.Fatalf("offset %d, want 11", off)
	}
}

func TestDigestDay_OnlyForward(t *testing.T) {
	t.Parallel()
	db := mustOpen(t)
	if d, err := db.LastDigestDay(ctx); err != nil || d != "" {
		t.Fatalf("LastDigestDay = %q, %v", d, err)
	}
	for _, day := range []string{"2026-11-21", "2026-11-22", "2026-11-20"} {
		if err := db.SetDigestSent(ctx, day); err != nil {
			t.Fatal(err)
		}
	}
	if d, _ := db.LastDigestDay(ctx); d != "2026-11-22" {
		t.Fatalf("LastDigestDay = %q, want 2026-11-22", d)
	}
	if err := db.SetDigestSent(ctx, "22/11/2026"); !errors.Is(err, core.ErrInvalid) {
		t.Fatalf("bad day: %v", err)
	}
}
