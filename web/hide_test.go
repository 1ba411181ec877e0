package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shenava/shenava/core"
)

// hides are the hide actions queued for a case.
func (f *fixture) hides(caseID uint64) []core.Action {
	f.t.Helper()
	var out []core.Action
	f.db.ForEachAction(ctx, time.Time{}, f.now.Add(time.Hour), func(a core.Action) error {
		if a.Kind == core.ActionHide && a.CaseID == caseID {
			out = append(out, a)
		}
		return nil
	})
	return out
}

func TestCase_Hide(t *testing.T) {
	f := newFixture(t)
	spam := f.mention(core.PlatformInstagram, "fa", core.LabelNegative, "فالوور ارزان")
	spam.ConversationID = "17800000000000001"
	other := f.mention(core.PlatformInstagram, "fa", core.LabelNegative, "@koala on someone else's post")
	other.ConversationID = "mentioned:17918195224117851"
	cs := f.save(spam, other, f.mention(core.PlatformX, "en", core.LabelNegative, "abuse on X"))
	base := "/case/" + strconv.FormatUint(cs[0].ID, 10)
	sara := f.signIn(1)

	_, body := sara.get(base)
	mustContain(t, body, `action="`+base+`/hide"`, "Hide the comment on Instagram")
	if resp, _ := sara.post(base+"/hide", url.Values{"g": {"h0"}}); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("a hide without the CSRF token: %d, want 403", resp.StatusCode)
	}
	if len(f.hides(cs[0].ID)) != 0 {
		t.Fatal("a refused request queued a hide")
	}
	// A double tap (the same form twice) and then a second form.
	for i, want := range []string{base + "?ok=hidden", base} {
		if resp := sara.do(base+"/hide", "g", "h1"); resp.Header.Get("Location") != want {
			t.Fatalf("hide %d redirect %q, want %q", i, resp.Header.Get("Location"), want)
		}
	}
	ali := f.signIn(2)
	if resp := ali.do(base+"/hide", "g", "h2"); resp.Header.Get("Location") != base+"?no=change" {
		t.Fatalf("second hide redirect %q", resp.Header.Get("Location"))
	}
	hides := f.hides(cs[0].ID)
	if len(hides) != 1 || hides[0].Actor != "Sara" || hides[0].MentionKey != spam.Key() || hides[0].State != core.ActionPending {
		t.Fatalf("hides %+v, want one pending, by Sara", hides)
	}
	c := f.caseNow(cs[0].ID)
	if e := c.Events[len(c.Events)-1]; c.HiddenBy != "Sara" || e.Action != "hid" || e.Actor != "Sara" || e.Via != "web" {
		t.Fatalf("case hidden by %q, last event %+v: want Sara's hide from the web", c.HiddenBy, e)
	}
	if f.wakes.Load() == 0 {
		t.Fatal("the outbox was not woken")
	}
	_, body = sara.get(base + "?ok=hidden")
	mustContain(t, body, "The comment will be hidden.", "Hiding on Instagram, asked by Sara: waiting.",
		"asked for the comment to be hidden")
	if strings.Contains(body, `/hide"`) {
		t.Fatal("the page still offers to hide a comment already asked for")
	}
	_, body = ali.get(base)
	mustContain(t, body, "پنهان کردن در اینستاگرام به درخواست Sara: در صف.")

	// The platform refuses it: the page offers to send it again.
	if _, err := f.db.ClaimDue(ctx, f.now, 10); err != nil {
		t.Fatal(err)
	}
	if err := f.db.Settle(ctx, core.Outcome{ActionID: hides[0].ID, State: core.ActionFailed, At: f.now, Error: "HTTP 400"}); err != nil {
		t.Fatal(err)
	}
	_, body = sara.get(base)
	mustContain(t, body, "Hiding on Instagram, asked by Sara: failed.", "Send again")
	if resp := sara.do(base+"/resend", "g", "s1", "reply", strconv.FormatUint(hides[0].ID, 10)); resp.Header.Get("Location") != base+"?ok=resent" {
		t.Fatalf("resend redirect %q", resp.Header.Get("Location"))
	}
	// Delivered: the page says it is hidden.
	if _, err := f.db.ClaimDue(ctx, f.now, 10); err != nil {
		t.Fatal(err)
	}
	if err := f.db.Settle(ctx, core.Outcome{ActionID: hides[0].ID, State: core.ActionDone, At: f.now}); err != nil {
		t.Fatal(err)
	}
	_, body = sara.get(base)
	mustContain(t, body, "Hidden on Instagram by Sara.", "the platform hid the comment")
	_, body = ali.get(base)
	mustContain(t, body, "Sara آن را در اینستاگرام پنهان کرد.")

	// Where the platform cannot hide it, no button, and a made-up form is
	// refused.
	for _, c := range cs[1:] {
		p := "/case/" + strconv.FormatUint(c.ID, 10)
		if _, body := sara.get(p); strings.Contains(body, `/hide"`) {
			t.Errorf("case %d offers to hide what its platform cannot", c.ID)
		}
		if resp := sara.do(p+"/hide", "g", "x"+p); resp.Header.Get("Location") != p+"?no=hide" {
			t.Errorf("case %d: hide redirect %q, want no=hide", c.ID, resp.Header.Get("Location"))
		}
		if _, body := sara.get(p + "?no=hide"); !strings.Contains(body, "This cannot be hidden on its platform.") {
			t.Errorf("case %d: the refusal is not shown", c.ID)
		}
		if len(f.hides(c.ID)) != 0 || !f.caseNow(c.ID).HiddenAt.IsZero() {
			t.Errorf("case %d: a refused hide was recorded", c.ID)
		}
	}
}
