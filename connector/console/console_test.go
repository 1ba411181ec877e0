package console

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/shenava/shenava/core"
)

func TestPrinter(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	p := New(&out)
	ctx := context.Background()
	m := core.Mention{Platform: core.PlatformX, NativeID: "1", URL: "https://x.com/sara/status/1",
		Author: core.Author{ID: "42", Handle: "sara", Followers: 1200}, Text: "سفارشم\nهنوز نرسیده",
		Analysis: &core.Analysis{Lang: "fa", Label: core.LabelNegative, Scores: core.Scores{Negative: 0.91, Neutral: 0.06, Positive: 0.03}}}
	ref, err := p.Alert(ctx, core.Case{ID: 3}, m)
	if err != nil || ref != "console:1" {
		t.Fatalf("Alert=%q,%v", ref, err)
	}
	if _, err := p.Replier(core.PlatformX).Reply(ctx, m, "ببخشید @sara"); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Replier(core.PlatformRSS).Reply(ctx, m, "x"); !errors.Is(err, core.ErrUnsupported) {
		t.Fatalf("RSS Reply err=%v, want ErrUnsupported", err)
	}
	if _, err := p.Replier(core.PlatformRSS).DirectMessage(ctx, m, "x"); !errors.Is(err, core.ErrUnsupported) {
		t.Fatalf("RSS DirectMessage err=%v, want ErrUnsupported", err)
	}
	for _, pl := range []core.Platform{core.PlatformRSS, core.PlatformFile} {
		if caps := p.Replier(pl).Capabilities(); caps.Reply || caps.DirectMessage {
			t.Errorf("%s: capabilities %+v, want none: there is nobody to answer", pl, caps)
		}
	}
	if _, err := p.Replier(core.PlatformFile).Reply(ctx, m, "x"); !errors.Is(err, core.ErrUnsupported) {
		t.Fatalf("file Reply err=%v, want ErrUnsupported", err)
	}
	p.Notify(ctx, core.Action{Kind: core.ActionNotify, Topic: core.TopicSLA, Text: "case #3 unclaimed for 15m"}, nil)
	want := "🔔 ALERT case #3 · x · @sara (1200 followers) · fa · negative 0.91\n" +
		"   «سفارشم هنوز نرسیده»\n   https://x.com/sara/status/1\n" +
		"↩️  REPLY on x to @sara: «ببخشید @sara»\n" +
		"ℹ️  SLA: case #3 unclaimed for 15m\n"
	if out.String() != want {
		t.Fatalf("printed:\n%s\nwant:\n%s", out.String(), want)
	}
	if long := quote(strings.Repeat("ب", 500)); len([]rune(long)) != 283 {
		t.Fatalf("quote did not cut a long text: %d runes", len([]rune(long)))
	}
}

func TestPrinter_SendDigest(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	if err := New(&out).SendDigest(context.Background(), "Mentions: 3", []byte{1, 2}); err != nil {
		t.Fatal(err)
	}
	if got, want := out.String(), "📊 DIGEST\nMentions: 3\n(with a 2-byte chart)\n"; got != want {
		t.Fatalf("printed %q, want %q", got, want)
	}
}
