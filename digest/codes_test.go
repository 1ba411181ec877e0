package digest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/shenava/shenava/core"
)

// Three referrers, two reward codes: all three are thanked, and the
// digest says that one of them got no code.
func TestDigester_ThankedWithoutCode(t *testing.T) {
	f := &fixture{tb: t, db: MustOpenStore(t)}
	if _, err := f.db.AddCodes(ctx, []string{"GIFT1", "GIFT2"}); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		when := at(0, 10+i, 0)
		mm := f.mention(m{at: when, handle: fmt.Sprintf("fan%d", i), lang: core.LangEnglish, label: core.LabelPositive, referral: true})
		d := core.Decision{Mention: mm, Actions: []core.Action{
			{Kind: core.ActionThankPublic, DedupKey: "thank:" + mm.Key(), MentionKey: mm.Key(), Text: "thanks!", Actor: core.ActorSystem},
			{Kind: core.ActionThankPrivate, DedupKey: "thankdm:" + mm.Key(), MentionKey: mm.Key(), Text: "code {code}", Actor: core.ActorSystem},
		}}
		if _, err := f.db.SaveBatch(ctx, mm.Source, "", []core.Decision{d}, when); err != nil {
			t.Fatal(err)
		}
		f.deliver(when.Add(30e9))
	}
	d := MustNew(t, f.db, Config{Lang: "en", NoChart: true}, nil, asOf)
	fig, err := d.Figures(ctx, theDay)
	if err != nil {
		t.Fatal(err)
	}
	if fig.Thanked.Day != 3 || fig.ThankedNoCode != 1 {
		t.Fatalf("thanked %d, without a code %d; want 3 and 1", fig.Thanked.Day, fig.ThankedNoCode)
	}
	text, _, err := d.Digest(ctx, theDay)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, "thanked 3 (0), 1 of them without a reward code") {
		t.Fatalf("the digest does not count the thank-you without a code:\n%s", text)
	}
}
