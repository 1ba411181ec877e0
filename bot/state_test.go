package bot

import (
	"context"
	"testing"
	"time"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/storetest"
	"github.com/shenava/shenava/store"
)

// A record written with a delivery's outcome is in the store only once the
// outbox settles; until then the bot still finds it, so a manager's reply
// to an alert sent a moment ago is understood. It is forgotten after
// unsettledFor, when the settle has long committed or never will.
func TestRecords_UnsettledAreFound(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	rs := &records{st: storetest.MustOpen(t, store.Options{}), now: func() time.Time { return now }}
	var collected core.Records
	ctx := core.WithRecords(context.Background(), &collected)
	if err := rs.putRec(ctx, core.SpaceMessages, "-100:7", msgRec{Kind: msgAlert, Case: 3}); err != nil {
		t.Fatal(err)
	}
	if got := collected.All(); len(got) != 1 || got[0].Key != "-100:7" {
		t.Fatalf("collected %v, want the record for the settle", got)
	}
	var rec msgRec
	if ok, err := rs.getRec(context.Background(), core.SpaceMessages, "-100:7", &rec); err != nil || !ok || rec.Case != 3 {
		t.Fatalf("unsettled record: found=%v case=%d err=%v, want case 3", ok, rec.Case, err)
	}
	now = now.Add(unsettledFor + time.Second)
	if ok, _ := rs.getRec(context.Background(), core.SpaceMessages, "-100:7", &rec); ok {
		t.Fatal("an unsettled record outlived unsettledFor")
	}
}
