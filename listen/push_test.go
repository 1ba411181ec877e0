package listen

import (
	"testing"

	"github.com/shenava/shenava/core"
)

// A pushed delivery is stored and decided like a poll, keeps the source's
// cursor, and a redelivery of it is a no-op.
func TestEngine_Ingest(t *testing.T) {
	db := mustStore(t)
	poll := &sliceSource{batches: [][]core.Mention{{post("1", "sara", "brand ANGRY")}}}
	spec := SourceSpec{Name: "pushed", Scoped: true}
	e := mustEngine(t, db, Policy{}, allCanReply, SourceSpec{Name: "pushed-poll", Source: poll})
	if _, err := e.Poll(bg, SourceSpec{Name: "pushed", Source: poll}); err != nil {
		t.Fatal(err)
	}
	delivery := []core.Mention{post("2", "ali", "no keyword but ANGRY"), post("3", "brand", "own ANGRY")}
	res, err := e.Ingest(bg, spec, delivery)
	if err != nil {
		t.Fatal(err)
	}
	if res.Stored != 1 || res.Cases != 1 || res.Dropped != 1 {
		t.Errorf("first delivery: %+v, want 1 stored (scoped: no keyword needed), 1 case, own account dropped", res)
	}
	if c, _ := db.Cursor(bg, "pushed"); c != "1" {
		t.Errorf("cursor after a push = %q, want the poll's %q kept", c, "1")
	}
	if err := e.Pusher(spec)(bg, delivery); err != nil {
		t.Fatal(err)
	}
	res, err = e.Ingest(bg, spec, delivery)
	if err != nil || res.Stored != 0 || res.Duplicates != 1 || res.Actions != 0 {
		t.Errorf("redelivery: %+v, %v; want only a duplicate", res, err)
	}
	if _, err := e.Ingest(bg, SourceSpec{}, delivery); err == nil {
		t.Error("Ingest without a source name succeeded")
	}
}

type narrowReplier struct{ countingSink }

func (*narrowReplier) CapabilitiesFor(m core.Mention) core.Capabilities {
	return core.Capabilities{Reply: true, DirectMessage: m.NativeID != "late"}
}

func TestOutbox_CapabilitiesFor(t *testing.T) {
	o := NewOutbox(mustStore(t), &countingSink{}, map[core.Platform]Replier{
		core.PlatformX: &narrowReplier{}, core.PlatformMastodon: &countingSink{},
	}, OutboxConfig{}, discard())
	for _, tc := range []struct {
		m    core.Mention
		want core.Capabilities
	}{
		{core.Mention{Platform: core.PlatformX, NativeID: "late"}, core.Capabilities{Reply: true}},
		{core.Mention{Platform: core.PlatformX, NativeID: "1"}, core.Capabilities{Reply: true, DirectMessage: true}},
		{core.Mention{Platform: core.PlatformMastodon, NativeID: "late"}, core.Capabilities{Reply: true, DirectMessage: true}},
		{core.Mention{Platform: core.PlatformRSS, NativeID: "1"}, core.Capabilities{}},
	} {
		if got := o.CapabilitiesFor(tc.m); got != tc.want {
			t.Errorf("CapabilitiesFor(%s) = %+v, want %+v", tc.m.Key(), got, tc.want)
		}
	}
}
