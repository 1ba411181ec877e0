package bot

import (
	"strings"
	"testing"

	"github.com/shenava/shenava/core"
)

// A manager hides a spam comment from its alert: the hide reaches the
// platform once, the alert says who hid it and loses the button, and a
// second press of the old button changes nothing.
func TestBot_HideButton(t *testing.T) {
	h := newHarness(t)
	h.run()
	m := instagramComment("17865799348089039", "فالوور ارزان فقط با پیام به ما")
	c := h.ingest(m)
	alert := h.alertIn(c, alertChat.ID)
	data := h.buttonData(alert, "پنهان کردن کامنت")
	if !strings.HasPrefix(data, string(verbHide)+":") {
		t.Fatalf("hide button data %q", data)
	}

	h.tg.Press(sara, alert, data)
	h.settle()
	if got := h.ig.Calls(); len(got) != 1 || got[0] != "hide "+m.Key()+": true" {
		t.Fatalf("platform got %q, want one hide", got)
	}
	c = h.caseNow(c.ID)
	if c.HiddenBy != "Sara" || c.HideDoneAt.IsZero() || c.State != core.CaseAlerted {
		t.Fatalf("case hidden by %q at %v, state %s: want Sara's hide done, the case still open", c.HiddenBy, c.HideDoneAt, c.State)
	}
	answers := h.tg.Calls("answerCallbackQuery")
	if got := answers[len(answers)-1].String("text"); got != "کامنت پروندهٔ #۱ پنهان می‌شود." {
		t.Fatalf("toast %q", got)
	}
	text, kb := h.message(alert)
	if !strings.Contains(text, "Sara آن را در اینستاگرام پنهان کرد") {
		t.Fatalf("alert does not say the comment is hidden:\n%s", text)
	}
	for _, row := range kb {
		for _, b := range row {
			if strings.HasPrefix(b.CallbackData, string(verbHide)+":") {
				t.Fatalf("a hidden comment still offers %q", b.Text)
			}
		}
	}

	events := len(c.Events)
	h.tg.Press(ali, alert, data) // the old button, again
	h.settle()
	if got := h.ig.Calls(); len(got) != 1 {
		t.Fatalf("a second press reached the platform: %q", got)
	}
	if c = h.caseNow(c.ID); len(c.Events) != events {
		t.Fatalf("a second press logged %d events", len(c.Events)-events)
	}
	answers = h.tg.Calls("answerCallbackQuery")
	if got := answers[len(answers)-1].String("text"); got != "Nothing to change." {
		t.Fatalf("second press answered %q", got)
	}
}

// Where the platform cannot hide the mention there is no button, and a
// press made up from another button is refused with the reason.
func TestBot_HideRefused(t *testing.T) {
	h := newHarness(t)
	h.run()
	other := instagramComment("17894227972186120", "@koala پاسخگو نیست")
	other.ConversationID = "mentioned:17918195224117851"
	for _, m := range []core.Mention{other, negativeMention("1001", "بد")} {
		c := h.ingest(m)
		alert := h.alertIn(c, alertChat.ID)
		_, kb := h.message(alert)
		for _, row := range kb {
			for _, b := range row {
				if strings.HasPrefix(b.CallbackData, string(verbHide)+":") {
					t.Fatalf("%s: a mention that cannot be hidden offers %q", m.Key(), b.Text)
				}
			}
		}
		claim := h.buttonData(alert, "برمی‌دارم")
		before := len(h.actions())
		h.tg.Press(sara, alert, strings.Replace(claim, string(verbClaim)+":", string(verbHide)+":", 1))
		h.settle()
		answers := h.tg.Calls("answerCallbackQuery")
		if got := answers[len(answers)-1].String("text"); !strings.Contains(got, "نمی‌شود") || !strings.Contains(got, "پنهان کرد") {
			t.Fatalf("%s: refusal %q does not say it cannot be hidden", m.Key(), got)
		}
		if n := len(h.actions()); n != before {
			t.Fatalf("%s: a refused hide queued %d actions", m.Key(), n-before)
		}
		if c = h.caseNow(c.ID); !c.HiddenAt.IsZero() {
			t.Fatalf("%s: a refused hide was recorded", m.Key())
		}
	}
	if got := h.ig.Calls(); len(got) != 0 {
		t.Fatalf("platform got %q", got)
	}
}
