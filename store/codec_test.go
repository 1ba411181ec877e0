package store

import (
	"encoding/json"
	"errors"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/shenava/shenava/core"
)

func TestCodec_RoundTrip(t *testing.T) {
	at := time.Date(2026, 11, 22, 6, 30, 0, 123, time.UTC)
	mentions := []MentionRec{
		ToMentionRec(mention("1", core.LabelNegative, at)),
		{Platform: "mastodon", NativeID: "9", Author: AuthorRec{ID: "a", Bot: true, Followers: -1}, Text: "", Created: -5},
		func() MentionRec {
			r := ToMentionRec(mention("2", core.LabelPositive, at))
			r.Analysis.Referral, r.Analysis.ReferralScore, r.Analysis.Model = true, 0.8125, "m-3"
			r.ReplyTo, r.Conv, r.LangHint, r.Processed, r.URL = "7", "6", "fa", 99, "https://x.com/u/status/2"
			return r
		}(),
	}
	for _, want := range mentions {
		raw := encodeMention(want)
		var got MentionRec
		if err := decodeMention(raw, &got); err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("mention %+v\nread back %+v, %v", want, got, err)
		}
		if j, _ := json.Marshal(want); len(raw) >= len(j) {
			t.Errorf("binary mention is %d bytes, JSON %d", len(raw), len(j))
		}
		for n := 1; n < len(raw); n++ {
			if err := decodeMention(raw[:n], &got); err == nil {
				t.Fatalf("a mention cut to %d of %d bytes decoded", n, len(raw))
			}
		}
	}
	actions := []core.Action{
		{ID: 1, Kind: core.ActionAlert, DedupKey: "alert:x:1", MentionKey: "x:1", CaseID: 3, Actor: core.ActorSystem, CreatedAt: at,
			State: core.ActionPending, NextAttemptAt: at},
		{ID: 1 << 40, Kind: core.ActionThankPrivate, DedupKey: "t", MentionKey: "x:2", Text: "کد شما {code}", Topic: "",
			Actor: "42", CreatedAt: at, State: core.ActionDone, Attempts: 3, NextAttemptAt: at.Add(time.Minute), LastError: "HTTP 502",
			DoneAt: at.Add(time.Hour), Result: "1860", Code: "SARA11", Unsure: true},
	}
	for _, want := range actions {
		raw := encodeAction(want)
		var got core.Action
		if err := decodeAction(raw, &got); err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("action %+v\nread back %+v, %v", want, got, err)
		}
		for n := 1; n < len(raw); n++ {
			if err := decodeAction(raw[:n], &got); err == nil {
				t.Fatalf("an action cut to %d of %d bytes decoded", n, len(raw))
			}
		}
	}
	if err := decodeAction([]byte{recBinaryV1}, new(core.Action)); !errors.Is(err, errShortRecord) {
		t.Fatalf("an empty binary action: %v, want errShortRecord", err)
	}
}

// A file written before the binary records holds JSON ones: they read as
// before, next to binary ones written since.
func TestCodec_ReadsJSONRecords(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	old := mention("1", core.LabelNegative, t0)
	oldAct := core.Action{ID: 1, Kind: core.ActionAlert, DedupKey: "alert:x:1", MentionKey: old.Key(), CreatedAt: t0,
		State: core.ActionPending, NextAttemptAt: t0}
	// What the JSON-writing version put on disk.
	if err := db.db.Update(func(tx *bolt.Tx) error {
		rec := ToMentionRec(old)
		if err := putJSON(tx.Bucket(bktMentions), []byte(old.Key()), rec); err != nil {
			return err
		}
		if err := tx.Bucket(bktMentionsTime).Put(timeKey(old.CreatedAt, old.Key()), nil); err != nil {
			return err
		}
		b := tx.Bucket(bktOutbox)
		if _, err := b.NextSequence(); err != nil {
			return err
		}
		if err := putJSON(b, itob(1), oldAct); err != nil {
			return err
		}
		if err := tx.Bucket(bktOutboxDedup).Put([]byte(oldAct.DedupKey), itob(1)); err != nil {
			return err
		}
		return tx.Bucket(bktOutboxPending).Put(itob(1), nil)
	}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	fresh := mention("2", core.LabelPositive, t0.Add(time.Minute))
	if _, err := db.SaveBatch(ctx, "s", "", []core.Decision{{Mention: fresh}}, t0); err != nil {
		t.Fatal(err)
	}
	var got []string
	if err := db.ForEachMention(ctx, t0.Add(-time.Hour), t0.Add(time.Hour), func(m core.Mention) error {
		got = append(got, m.Key()+" "+m.Text+" "+string(m.Analysis.Label))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0] != "x:1 متن 1 negative" || got[1] != "x:2 متن 2 positive" {
		t.Fatalf("mentions read %q", got)
	}
	due, err := db.ClaimDue(ctx, t0, 0)
	if err != nil || len(due) != 1 || due[0].DedupKey != "alert:x:1" || due[0].State != core.ActionSending {
		t.Fatalf("ClaimDue of a JSON action = %+v, %v", due, err)
	}
	if err := db.Settle(ctx, core.Outcome{ActionID: 1, State: core.ActionDone, Result: "r", At: t0}); err != nil {
		t.Fatal(err)
	}
	if a, err := db.Action(ctx, 1); err != nil || a.State != core.ActionDone || a.Result != "r" {
		t.Fatalf("the action rewritten: %+v, %v", a, err)
	}
}

func TestCodec_Author(t *testing.T) {
	at := time.Date(2026, 11, 22, 6, 30, 0, 0, time.UTC)
	for _, want := range []core.AuthorHistory{
		{Key: "x:1", Platform: core.PlatformX, ID: "1", FirstSeen: at, LastSeen: at, Mentions: 1},
		{Key: "mastodon:9", Platform: core.PlatformMastodon, ID: "9", Handle: "sara@persadon.example", Name: "سارا", Followers: 120, Bot: true,
			FirstSeen: at, LastSeen: at.Add(time.Hour), Mentions: 7, Negative: 2, Positive: 3, Referrals: 1, LastThankedAt: at.Add(time.Minute),
			Recent: []string{"mastodon:1", "mastodon:2"}, Cases: []uint64{4, 1 << 33}},
	} {
		raw := encodeAuthor(want)
		var got core.AuthorHistory
		if err := decodeAuthor(raw, &got); err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("author %+v\nread back %+v, %v", want, got, err)
		}
		for n := 1; n < len(raw); n++ {
			if err := decodeAuthor(raw[:n], &got); err == nil {
				t.Fatalf("an author cut to %d of %d bytes decoded", n, len(raw))
			}
		}
		j, _ := json.Marshal(want)
		var old core.AuthorHistory
		if err := decodeAuthor(j, &old); err != nil || !old.LastSeen.Equal(want.LastSeen) || old.Mentions != want.Mentions || len(old.Recent) != len(want.Recent) {
			t.Errorf("the JSON form of %+v read as %+v, %v", want, old, err)
		}
	}
}

func TestCodec_Case(t *testing.T) {
	at := time.Date(2026, 11, 22, 6, 30, 0, 123, time.UTC)
	for _, want := range []core.Case{
		core.NewCase(mention("1", core.LabelNegative, at), at),
		{ID: 1 << 41, MentionKey: "mastodon:9", AuthorKey: "mastodon:a", Platform: core.PlatformMastodon, Label: core.LabelNegative,
			Score: 0.8125, State: core.CaseResolved, CreatedAt: at, WrittenAt: at.Add(-time.Hour), UpdatedAt: at.Add(time.Hour),
			AlertedAt: at.Add(time.Second), ClaimedAt: at.Add(time.Minute), ClaimedBy: "42", FirstResponseAt: at.Add(2 * time.Minute),
			FirstResponder: "42", ClosedAt: at.Add(time.Hour), ClosedBy: "43", CorrectedLabel: core.LabelNeutral,
			RecoveredAt: at.Add(3 * time.Hour), RecoveredBy: "mastodon:10", Reminders: 2, Alerts: []string{"-100:5", "-100:6"},
			Events: []core.CaseEvent{{At: at, Actor: core.ActorSystem, Action: "opened", Detail: "negative"},
				{At: at.Add(time.Minute), Actor: "42", Action: "claimed", Via: "web"}}},
	} {
		raw := encodeCase(want)
		var got core.Case
		if err := decodeCase(raw, &got); err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("case %+v\nread back %+v, %v", want, got, err)
		}
		if j, _ := json.Marshal(want); len(raw) >= len(j)/2 {
			t.Errorf("binary case is %d bytes, JSON %d", len(raw), len(j))
		}
		for n := 1; n < len(raw); n++ {
			if err := decodeCase(raw[:n], &got); err == nil {
				t.Fatalf("a case cut to %d of %d bytes decoded", n, len(raw))
			}
		}
	}
}

// A file of schema version 2 holds its cases as JSON and keeps no count of
// mentions: opened, it is moved to version 3 with the count taken, its
// JSON cases read (by the digest's walk, the open-case list and by id),
// and a case rewritten in the binary form when it changes.
func TestCodec_ReadsJSONCases(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v2.db")
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var ds []core.Decision
	for _, id := range []string{"1", "2", "3"} {
		m := mention(id, core.LabelNegative, t0)
		ds = append(ds, core.Decision{Mention: m, OpenCase: id != "3"})
	}
	if _, err := db.SaveBatch(ctx, "s", "", ds, t0); err != nil {
		t.Fatal(err)
	}
	// What version 2 wrote: JSON cases, no mention count.
	if err := db.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bktCases)
		for _, id := range []uint64{1, 2} {
			var c core.Case
			if err := decodeCase(b.Get(itob(id)), &c); err != nil {
				return err
			}
			if err := putJSON(b, itob(id), c); err != nil {
				return err
			}
		}
		meta := tx.Bucket(bktMeta)
		if err := meta.Delete(keyMentionCount); err != nil {
			return err
		}
		return meta.Put(keySchema, itob(2))
	}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if db, err = Open(path, Options{}); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if db.version != 3 {
		t.Fatalf("schema version %d after open, want 3", db.version)
	}
	if n, err := db.MentionCount(ctx); err != nil || n != 3 {
		t.Fatalf("MentionCount = %d, %v; want 3 counted by the migration", n, err)
	}
	if _, err := db.SaveBatch(ctx, "s", "", []core.Decision{{Mention: mention("4", core.LabelPositive, t0)}}, t0); err != nil {
		t.Fatal(err)
	}
	if n, _ := db.MentionCount(ctx); n != 4 {
		t.Fatalf("MentionCount = %d after one more, want 4", n)
	}
	var walked []uint64
	if err := db.ForEachCase(ctx, t0.Add(-time.Hour), t0.Add(time.Hour), func(c core.Case) error {
		walked = append(walked, c.ID)
		return nil
	}); err != nil || len(walked) != 2 || walked[0] != 1 {
		t.Fatalf("ForEachCase = %v, %v", walked, err)
	}
	if open, total, err := db.OpenCases(ctx, core.CaseFilter{}); err != nil || total != 2 || open[1].MentionKey != "x:2" {
		t.Fatalf("OpenCases = %+v, %d, %v", open, total, err)
	}
	if _, _, err := db.UpdateCase(ctx, 1, func(c *core.Case) ([]core.Action, error) {
		return nil, c.Claim("42", t0.Add(time.Minute))
	}); err != nil {
		t.Fatal(err)
	}
	if err := db.db.View(func(tx *bolt.Tx) error {
		if raw := tx.Bucket(bktCases).Get(itob(1)); raw[0] != recBinaryV1 {
			return errors.New("the changed case is still JSON")
		}
		if raw := tx.Bucket(bktCases).Get(itob(2)); raw[0] != '{' {
			return errors.New("the unchanged case was rewritten")
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if c, err := db.Case(ctx, 1); err != nil || c.ClaimedBy != "42" || c.MentionKey != "x:1" || len(c.Events) != 2 {
		t.Fatalf("the claimed case reads %+v, %v", c, err)
	}
	if c, err := db.CaseByMention(ctx, "x:2"); err != nil || c.ID != 2 || c.State != core.CaseNew {
		t.Fatalf("the JSON case reads %+v, %v", c, err)
	}
}

// Bot records and inbox mentions of a file written before their binary
// forms are JSON: they read, are pruned by age and are overwritten as
// before, next to records written since.
func TestCodec_ReadsJSONBotRecords(t *testing.T) {
	db := MustOpen(t, Options{})
	old := mention("1", core.LabelNegative, t0)
	if err := db.db.Update(func(tx *bolt.Tx) error {
		if err := putJSON(tx.Bucket(bktBotMessages), []byte("-100:1"), botRec{At: t0.UnixNano(), Value: []byte(`{"case":1}`)}); err != nil {
			return err
		}
		b := tx.Bucket(bktBotInbox)
		seq, err := b.NextSequence()
		if err != nil {
			return err
		}
		return putJSON(b, itob(seq), ToMentionRec(old))
	}); err != nil {
		t.Fatal(err)
	}
	if v, ok, err := db.BotGet(ctx, core.SpaceMessages, "-100:1"); err != nil || !ok || string(v) != `{"case":1}` {
		t.Fatalf("the JSON bot record reads %s, %v, %v", v, ok, err)
	}
	if err := db.BotPut(ctx, core.SpaceMessages, "-100:2", []byte(`{"case":2}`), t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := db.db.View(func(tx *bolt.Tx) error {
		if raw := tx.Bucket(bktBotMessages).Get([]byte("-100:2")); raw[0] != recBinaryV1 {
			return errors.New("a new bot record is not binary")
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if v, ok, err := db.BotGet(ctx, core.SpaceMessages, "-100:2"); err != nil || !ok || string(v) != `{"case":2}` {
		t.Fatalf("the binary bot record reads %s, %v, %v", v, ok, err)
	}
	if n, err := db.BotPrune(ctx, core.SpaceMessages, t0.Add(time.Minute)); err != nil || n != 1 {
		t.Fatalf("BotPrune = %d, %v; want the old JSON record pruned", n, err)
	}
	if _, ok, _ := db.BotGet(ctx, core.SpaceMessages, "-100:2"); !ok {
		t.Fatal("the newer binary record was pruned")
	}
	if err := db.InboxAppend(ctx, 7, mention("2", core.LabelPositive, t0)); err != nil {
		t.Fatal(err)
	}
	ms, last, err := db.InboxAfter(ctx, 0, 0)
	if err != nil || len(ms) != 2 || last != 2 || ms[0].Text != old.Text || ms[1].Key() != "x:2" {
		t.Fatalf("InboxAfter = %+v, %d, %v", ms, last, err)
	}
	if _, err := decodeBotRec([]byte{recBinaryV1, 2}); err == nil {
		t.Fatal("a bot record without its value decoded")
	}
}
