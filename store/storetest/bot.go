package storetest

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/shenava/shenava/core"
)

var _ = add(
	test{"Bot/RecordsPutGetDeletePrune", testBotRecords},
	test{"Bot/EverySpaceStoresAndPrunes", testBotEverySpace},
	test{"Bot/SwapDecidesAndQueuesTogether", testBotSwap},
	test{"Bot/InboxAndOffsetSurviveReopen", testInbox},
)

func testBotRecords(t *testing.T, open Opener) {
	db := empty(t, open)

	t.Run("GetMissing", func(t *testing.T) {
		v, ok, err := db.BotGet(ctx, core.SpacePrefs, "42")
		if err != nil || ok || v != nil {
			t.Fatalf("BotGet = %q, %v, %v; want nothing", v, ok, err)
		}
	})
	t.Run("PutGetDelete", func(t *testing.T) {
		if err := db.BotPut(ctx, core.SpacePrefs, "42", []byte(`{"lang":"fa"}`), t0); err != nil {
			t.Fatal(err)
		}
		v, ok, err := db.BotGet(ctx, core.SpacePrefs, "42")
		if err != nil || !ok || string(v) != `{"lang":"fa"}` {
			t.Fatalf("BotGet = %q, %v, %v", v, ok, err)
		}
		if err := db.BotDelete(ctx, core.SpacePrefs, "42"); err != nil {
			t.Fatal(err)
		}
		if _, ok, _ := db.BotGet(ctx, core.SpacePrefs, "42"); ok {
			t.Fatal("record still there after BotDelete")
		}
	})
	t.Run("ValueKeptByteForByte", func(t *testing.T) {
		raw := `{"z": 1,  "a":"x\u0000y ☃ \"q\"", "n":[1.50, 2e3]}`
		if err := db.BotPut(ctx, core.SpaceMessages, "-100:7 «»", []byte(raw), t0); err != nil {
			t.Fatal(err)
		}
		v, ok, err := db.BotGet(ctx, core.SpaceMessages, "-100:7 «»")
		if err != nil || !ok || string(v) != raw {
			t.Fatalf("BotGet = %s, %v, %v; want %s as stored", v, ok, err, raw)
		}
		if _, ok, _ := db.BotGet(ctx, core.SpaceCallbacks, "-100:7 «»"); ok {
			t.Fatal("a record of one space is found in another")
		}
	})
	t.Run("ErrUnknownSpace", func(t *testing.T) {
		err := db.BotPut(ctx, "nope", "k", []byte(`1`), t0)
		if !errors.Is(err, core.ErrInvalid) {
			t.Fatalf("err=%v, want ErrInvalid", err)
		}
	})
	t.Run("ErrNotJSON", func(t *testing.T) {
		err := db.BotPut(ctx, core.SpacePrefs, "k", []byte(`{`), t0)
		if !errors.Is(err, core.ErrInvalid) {
			t.Fatalf("err=%v, want ErrInvalid", err)
		}
	})
	t.Run("Prune", func(t *testing.T) {
		for i, at := range []time.Time{t0.Add(-48 * time.Hour), t0.Add(-time.Hour), t0} {
			if err := db.BotPut(ctx, core.SpaceCallbacks, fmt.Sprint("tok", i), []byte(`{}`), at); err != nil {
				t.Fatal(err)
			}
		}
		n, err := db.BotPrune(ctx, core.SpaceCallbacks, t0.Add(-24*time.Hour))
		if err != nil || n != 1 {
			t.Fatalf("BotPrune = %d, %v; want 1", n, err)
		}
		if _, ok, _ := db.BotGet(ctx, core.SpaceCallbacks, "tok0"); ok {
			t.Fatal("old record survived pruning")
		}
		if _, ok, _ := db.BotGet(ctx, core.SpaceCallbacks, "tok1"); !ok {
			t.Fatal("recent record was pruned")
		}
	})
}

func testBotEverySpace(t *testing.T, open Opener) {
	db := empty(t, open)
	for _, space := range core.Spaces {
		if err := db.BotPut(ctx, space, "k", []byte(`1`), t0); err != nil {
			t.Errorf("BotPut in %q: %v", space, err)
		}
		if n, err := db.BotPrune(ctx, space, t0.Add(time.Second)); err != nil || n != 1 {
			t.Errorf("BotPrune of %q = %d, %v; want 1 record", space, n, err)
		}
	}
}

func testBotSwap(t *testing.T, open Opener) {
	db := empty(t, open)
	thank := core.Action{Kind: core.ActionThankPublic, DedupKey: "thank:x:1", MentionKey: "x:1", Text: "merci", Actor: "sara"}

	t.Run("DecisionAndActionTogether", func(t *testing.T) {
		queued, err := db.BotSwap(ctx, core.SpaceApprovals, "a1", t0, func(old []byte) ([]byte, []core.Action, error) {
			if old != nil {
				return nil, nil, fmt.Errorf("old = %q, want nil", old)
			}
			return []byte(`{"state":"sent"}`), []core.Action{thank}, nil
		})
		if err != nil || len(queued) != 1 || queued[0].ID == 0 || !queued[0].CreatedAt.Equal(t0) {
			t.Fatalf("BotSwap = %+v, %v", queued, err)
		}
		v, _, _ := db.BotGet(ctx, core.SpaceApprovals, "a1")
		if string(v) != `{"state":"sent"}` {
			t.Fatalf("record = %q", v)
		}
	})
	t.Run("DedupKeySkipsSecondAction", func(t *testing.T) {
		queued, err := db.BotSwap(ctx, core.SpaceApprovals, "a2", t0, func([]byte) ([]byte, []core.Action, error) {
			return []byte(`{}`), []core.Action{thank}, nil
		})
		if err != nil || len(queued) != 0 {
			t.Fatalf("BotSwap = %+v, %v; want the duplicate skipped", queued, err)
		}
	})
	t.Run("ErrorWritesNothing", func(t *testing.T) {
		stop := errors.New("already decided")
		_, err := db.BotSwap(ctx, core.SpaceApprovals, "a1", t0, func(old []byte) ([]byte, []core.Action, error) {
			return nil, nil, stop
		})
		if err != stop {
			t.Fatalf("err=%v, want the callback's error as is", err)
		}
		if _, ok, _ := db.BotGet(ctx, core.SpaceApprovals, "a1"); !ok {
			t.Fatal("record deleted although fn failed")
		}
	})
	t.Run("InvalidActionRollsBack", func(t *testing.T) {
		_, err := db.BotSwap(ctx, core.SpaceApprovals, "a3", t0, func([]byte) ([]byte, []core.Action, error) {
			return []byte(`{}`), []core.Action{{Kind: core.ActionThankPublic}}, nil
		})
		if !errors.Is(err, core.ErrInvalid) {
			t.Fatalf("err=%v, want ErrInvalid", err)
		}
		if _, ok, _ := db.BotGet(ctx, core.SpaceApprovals, "a3"); ok {
			t.Fatal("record written although its action was rejected")
		}
	})
	t.Run("NilDeletes", func(t *testing.T) {
		if _, err := db.BotSwap(ctx, core.SpaceApprovals, "a1", t0, func([]byte) ([]byte, []core.Action, error) { return nil, nil, nil }); err != nil {
			t.Fatal(err)
		}
		if _, ok, _ := db.BotGet(ctx, core.SpaceApprovals, "a1"); ok {
			t.Fatal("record survived a nil swap")
		}
	})
}

func testInbox(t *testing.T, open Opener) {
	db := empty(t, open)
	if off, err := db.UpdateOffset(ctx); err != nil || off != 0 {
		t.Fatalf("UpdateOffset on a new database = %d, %v; want 0", off, err)
	}
	m1, m2, m3 := Mention("-100:1", core.LabelNeutral, t0), Mention("-100:2", core.LabelNeutral, t0), Mention("-100:3", core.LabelNeutral, t0)
	for _, m := range []*core.Mention{&m1, &m2, &m3} {
		m.Platform, m.Analysis = core.PlatformTelegram, nil
	}
	if err := db.InboxAppend(ctx, 100, m1); err != nil {
		t.Fatal(err)
	}
	if err := db.InboxAppend(ctx, 101, m2, m3); err != nil {
		t.Fatal(err)
	}
	// The offset never goes back.
	if err := db.SetUpdateOffset(ctx, 99); err != nil {
		t.Fatal(err)
	}

	// What was appended survives a restart, with its offset.
	db = open(t, Options{Reopen: db})
	off, err := db.UpdateOffset(ctx)
	if err != nil || off != 101 {
		t.Fatalf("UpdateOffset = %d, %v; want 101", off, err)
	}
	got, last, err := db.InboxAfter(ctx, 0, 2)
	if err != nil || len(got) != 2 || last != 2 || got[0].Key() != m1.Key() || got[1].Key() != m2.Key() {
		t.Fatalf("InboxAfter(0, 2) = %v, %d, %v", got, last, err)
	}
	got, last, err = db.InboxAfter(ctx, last, 10)
	if err != nil || len(got) != 1 || last != 3 || got[0].Text != m3.Text {
		t.Fatalf("InboxAfter(2, 10) = %v, %d, %v", got, last, err)
	}
	if got, last, _ = db.InboxAfter(ctx, 3, 10); len(got) != 0 || last != 3 {
		t.Fatalf("InboxAfter(3) = %v, %d; want nothing, 3", got, last)
	}
	n, err := db.InboxTrim(ctx, 2)
	if err != nil || n != 2 {
		t.Fatalf("InboxTrim(2) = %d, %v; want 2", n, err)
	}
	if n, _ := db.InboxTrim(ctx, 2); n != 0 {
		t.Fatalf("second InboxTrim(2) = %d, want 0", n)
	}
	if got, _, _ := db.InboxAfter(ctx, 0, 0); len(got) != 1 || got[0].Key() != m3.Key() {
		t.Fatalf("after trim the inbox holds %v, want only %s", got, m3.Key())
	}
	if err := db.SetUpdateOffset(ctx, 150); err != nil {
		t.Fatal(err)
	}
	if off, _ := db.UpdateOffset(ctx); off != 150 {
		t.Fatalf("UpdateOffset after SetUpdateOffset(150) = %d", off)
	}
}
