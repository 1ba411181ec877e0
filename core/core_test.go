package core

import (
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

var t0 = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

func TestMention_Key(t *testing.T) {
	t.Parallel()
	m := Mention{Platform: PlatformX, NativeID: "1849"}
	if got, want := m.Key(), "x:1849"; got != want {
		t.Fatalf("Key()=%q, want %q", got, want)
	}
	p, id, err := SplitMentionKey("mastodon:109:abc")
	if err != nil || p != PlatformMastodon || id != "109:abc" {
		t.Fatalf("SplitMentionKey=%q,%q,%v, want mastodon,109:abc,nil", p, id, err)
	}
	for _, bad := range []string{"", "x", "x:", "nope:1"} {
		if _, _, err := SplitMentionKey(bad); !errors.Is(err, ErrInvalid) {
			t.Errorf("SplitMentionKey(%q) err=%v, want ErrInvalid", bad, err)
		}
	}
}

func TestMention_Validate(t *testing.T) {
	t.Parallel()
	ok := Mention{Platform: PlatformRSS, NativeID: "a", Text: "hi", CreatedAt: t0}
	tests := []struct {
		name    string
		edit    func(*Mention)
		wantErr string
	}{
		{"OK", func(*Mention) {}, ""},
		{"ErrPlatform", func(m *Mention) { m.Platform = "myspace" }, "platform"},
		{"ErrNativeID", func(m *Mention) { m.NativeID = " " }, "native_id"},
		{"ErrText", func(m *Mention) { m.Text = "" }, "text is empty"},
		{"ErrUTF8", func(m *Mention) { m.Text = "a\xffb" }, "UTF-8"},
		{"ErrCreated", func(m *Mention) { m.CreatedAt = time.Time{} }, "created_at"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := ok
			tt.edit(&m)
			err := m.Validate()
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Validate()=%v, want nil", err)
				}
				return
			}
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Validate()=%v, want ErrInvalid mentioning %q", err, tt.wantErr)
			}
		})
	}
}

func TestMention_Normalize(t *testing.T) {
	t.Parallel()
	m := Mention{Text: strings.Repeat("ش", MaxTextBytes) + "\xff", Author: Author{Handle: "@ali"}}
	m.Normalize()
	if !utf8.ValidString(m.Text) || len(m.Text) > MaxTextBytes+len("…") {
		t.Fatalf("Normalize left %d bytes, valid=%v", len(m.Text), utf8.ValidString(m.Text))
	}
	if m.Author.Handle != "ali" {
		t.Fatalf("Handle=%q, want ali", m.Author.Handle)
	}
}

func TestScores_Top(t *testing.T) {
	t.Parallel()
	tests := []struct {
		s     Scores
		want  Label
		wantP float64
	}{
		{Scores{0.7, 0.2, 0.1}, LabelNegative, 0.7},
		{Scores{0.1, 0.2, 0.7}, LabelPositive, 0.7},
		{Scores{0.2, 0.6, 0.2}, LabelNeutral, 0.6},
		{Scores{0.5, 0, 0.5}, LabelNegative, 0.5},
	}
	for _, tt := range tests {
		if l, p := tt.s.Top(); l != tt.want || p != tt.wantP {
			t.Errorf("Top(%v)=%s,%v want %s,%v", tt.s, l, p, tt.want, tt.wantP)
		}
	}
}

func TestCase_Transitions(t *testing.T) {
	t.Parallel()
	m := Mention{Platform: PlatformX, NativeID: "1", Author: Author{ID: "u"},
		Analysis: &Analysis{Label: LabelNegative, Scores: Scores{Negative: 0.9, Neutral: 0.05, Positive: 0.05}}}
	c := NewCase(m, t0)
	if c.State != CaseNew || c.Label != LabelNegative || c.Score != 0.9 || c.AuthorKey != "x:u" {
		t.Fatalf("NewCase=%+v", c)
	}
	steps := []struct {
		name  string
		do    func(*Case) error
		state CaseState
	}{
		{"alert", func(c *Case) error { return c.MarkAlerted(t0.Add(time.Second)) }, CaseAlerted},
		{"claim", func(c *Case) error { return c.Claim("111", t0.Add(time.Minute)) }, CaseClaimed},
		{"takeover", func(c *Case) error { return c.Claim("222", t0.Add(2*time.Minute)) }, CaseClaimed},
		{"reply", func(c *Case) error { return c.Responded("222", false, t0.Add(4*time.Minute)) }, CaseReplied},
		{"reply again", func(c *Case) error { return c.Responded("111", true, t0.Add(5*time.Minute)) }, CaseReplied},
		{"resolve", func(c *Case) error { return c.Resolve("111", t0.Add(6*time.Minute)) }, CaseResolved},
	}
	for _, s := range steps {
		if err := s.do(&c); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if c.State != s.state {
			t.Fatalf("%s: state=%s, want %s", s.name, c.State, s.state)
		}
	}
	if d, ok := c.FirstResponseTime(); !ok || d != 4*time.Minute || c.FirstResponder != "222" {
		t.Fatalf("FirstResponseTime=%v,%v by %q, want 4m by 222", d, ok, c.FirstResponder)
	}
	if err := c.Claim("111", t0); !errors.Is(err, ErrInvalidTransition) {
		t.Fatalf("Claim on resolved case err=%v, want ErrInvalidTransition", err)
	}
	if err := c.Ignore("111", t0); !errors.Is(err, ErrInvalidTransition) {
		t.Fatalf("Ignore on resolved case err=%v, want ErrInvalidTransition", err)
	}
	if err := c.CorrectLabel("111", LabelNeutral, t0); err != nil || c.CorrectedLabel != LabelNeutral {
		t.Fatalf("CorrectLabel on closed case=%v, label %q", err, c.CorrectedLabel)
	}
	if err := c.CorrectLabel("111", "meh", t0); !errors.Is(err, ErrInvalid) {
		t.Fatalf("CorrectLabel(meh) err=%v, want ErrInvalid", err)
	}
	if n := len(c.Events); n != 8 {
		t.Fatalf("audit trail has %d events, want 8: %+v", n, c.Events)
	}
}

func TestErrors(t *testing.T) {
	t.Parallel()
	base := errors.New("HTTP 400")
	if err := Permanent(base); !errors.Is(err, ErrPermanent) || !errors.Is(err, base) {
		t.Fatalf("Permanent(%v)=%v loses a link", base, err)
	}
	if Permanent(nil) != nil {
		t.Fatal("Permanent(nil) != nil")
	}
	var err error = &RateLimitError{Platform: PlatformX, RetryAfter: 7 * time.Second}
	wrapped := errors.Join(errors.New("x: mentions"), err)
	if d, ok := RetryAfter(wrapped); !ok || d != 7*time.Second {
		t.Fatalf("RetryAfter=%v,%v, want 7s,true", d, ok)
	}
	if _, ok := RetryAfter(base); ok {
		t.Fatal("RetryAfter(plain error) reported a rate limit")
	}
}

func TestAction_Validate(t *testing.T) {
	t.Parallel()
	ok := Action{Kind: ActionReplyPublic, DedupKey: "r:1", MentionKey: "x:1"}
	if err := ok.Validate(); err != nil {
		t.Fatalf("Validate()=%v", err)
	}
	for name, a := range map[string]Action{
		"kind":    {Kind: "tweet", DedupKey: "k"},
		"dedup":   {Kind: ActionAlert},
		"mention": {Kind: ActionThankPrivate, DedupKey: "k"},
	} {
		if err := a.Validate(); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: Validate()=%v, want ErrInvalid", name, err)
		}
	}
}

func TestCase_WithdrawReply(t *testing.T) {
	t.Parallel()
	m := Mention{Platform: PlatformX, NativeID: "1", Author: Author{ID: "u"},
		Analysis: &Analysis{Label: LabelNegative, Scores: Scores{Negative: 0.9}}}
	c := NewCase(m, t0)
	first, second := t0.Add(3*time.Minute), t0.Add(5*time.Minute)
	c.Responded("Sara", false, first)
	c.Responded("Ali", true, second)

	c.WithdrawReply("Sara", first, t0.Add(4*time.Minute))
	if c.State != CaseReplied || !c.FirstResponseAt.Equal(second) || c.FirstResponder != "Ali" {
		t.Fatalf("after withdrawing the first of two replies: %s, first response %v by %q; want replied at +5m by Ali",
			c.State, c.FirstResponseAt, c.FirstResponder)
	}
	c.WithdrawReply("Ali", second, t0.Add(6*time.Minute))
	if c.State != CaseClaimed || !c.FirstResponseAt.IsZero() || c.FirstResponder != "" || c.ClaimedBy != "Sara" {
		t.Fatalf("after withdrawing both: %s, first response %v by %q, claimed by %q; want claimed by Sara with no response",
			c.State, c.FirstResponseAt, c.FirstResponder, c.ClaimedBy)
	}
	if last := c.Events[len(c.Events)-1]; last.Action != "withdrew reply" || last.Actor != "Ali" {
		t.Fatalf("audit trail ends with %+v", last)
	}
}

// A reply is queued, not sent, until the outbox delivers it; the delivery
// asks for the alerts to be edited, once.
func TestCase_ReplySent(t *testing.T) {
	m := Mention{Platform: PlatformX, NativeID: "1", Author: Author{ID: "u"},
		Analysis: &Analysis{Label: LabelNegative, Scores: Scores{Negative: 0.9}}}
	c := NewCase(m, t0)
	c.ID = 7
	c.Delivered(Action{Kind: ActionAlert}, "-1:5", t0)
	queued := t0.Add(3 * time.Minute)
	if err := c.Responded("Sara", false, queued); err != nil {
		t.Fatal(err)
	}
	if c.FirstReplySent() {
		t.Fatal("a reply still in the undo window counts as sent")
	}
	reply := Action{ID: 40, Kind: ActionReplyPublic, CaseID: 7, Actor: "Sara", CreatedAt: queued}
	edits := c.Delivered(reply, "x:99", queued.Add(time.Minute))
	if !c.FirstReplySent() || !c.ReplySent(queued) {
		t.Fatal("a delivered reply does not count as sent")
	}
	if len(edits) != 1 || edits[0].Kind != ActionCaseUpdate || edits[0].CaseID != 7 || edits[0].Validate() != nil {
		t.Fatalf("delivery asked for %+v, want one valid alert edit", edits)
	}
	if again := c.Delivered(reply, "x:99", queued.Add(2*time.Minute)); len(again) != 0 {
		t.Fatalf("a second delivery of the same reply asked for %+v", again)
	}
	if stray := c.Delivered(Action{ID: 41, Kind: ActionReplyPublic, CaseID: 7, CreatedAt: t0}, "", t0); len(stray) != 0 {
		t.Fatalf("a reply the case never queued asked for %+v", stray)
	}
	legacy := Case{FirstResponseAt: queued, Events: []CaseEvent{{At: queued, Actor: "Ali", Action: "replied privately"}}}
	if !legacy.FirstReplySent() {
		t.Fatal("a reply recorded before delivery was tracked counts as unsent")
	}
}

func TestCase_Written(t *testing.T) {
	m := Mention{Platform: PlatformX, NativeID: "1", Author: Author{ID: "u"}, CreatedAt: t0.Add(-26 * time.Hour)}
	if c := NewCase(m, t0); !c.Written().Equal(m.CreatedAt) || !c.CreatedAt.Equal(t0) {
		t.Errorf("a backfilled mention's case: written %v, opened %v", c.Written(), c.CreatedAt)
	}
	m.CreatedAt = t0.Add(time.Hour) // a clock ahead of ours
	if c := NewCase(m, t0); !c.Written().Equal(t0) {
		t.Errorf("a mention from the future is written %v, want no later than it was read (%v)", c.Written(), t0)
	}
	if legacy := (Case{CreatedAt: t0}); !legacy.Written().Equal(t0) {
		t.Errorf("a case stored before WrittenAt: written %v, want its opening", legacy.Written())
	}
}

// Hiding is asked for once, in any state, and its delivery asks for the
// alerts to be edited, once.
func TestCase_Hide(t *testing.T) {
	m := Mention{Platform: PlatformInstagram, NativeID: "1", Author: Author{ID: "u"}}
	c := NewCase(m, t0)
	c.ID = 7
	c.Delivered(Action{Kind: ActionAlert}, "-1:5", t0)
	if err := c.Ignore("Ali", t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if !c.Hide("Sara", t0.Add(2*time.Minute)) {
		t.Fatal("a closed case's comment cannot be hidden")
	}
	if c.Hide("Ali", t0.Add(3*time.Minute)) || c.HiddenBy != "Sara" {
		t.Fatalf("a second hide changed the case: hidden by %q", c.HiddenBy)
	}
	if last := c.Events[len(c.Events)-1]; last.Action != "hid" || last.Actor != "Sara" {
		t.Fatalf("audit trail ends with %+v, want Sara's hide", last)
	}
	hide := Action{ID: 50, Kind: ActionHide, DedupKey: "hide:7", MentionKey: m.Key(), CaseID: 7, Actor: "Sara"}
	if err := hide.Validate(); err != nil {
		t.Fatal(err)
	}
	edits := c.Delivered(hide, "", t0.Add(4*time.Minute))
	if c.HideDoneAt.IsZero() || len(edits) != 1 || edits[0].Kind != ActionCaseUpdate || edits[0].Validate() != nil {
		t.Fatalf("delivery: done at %v, asked for %+v", c.HideDoneAt, edits)
	}
	if again := c.Delivered(hide, "", t0.Add(5*time.Minute)); len(again) != 0 {
		t.Fatalf("a second delivery asked for %+v", again)
	}
	if err := (Action{Kind: ActionHide, DedupKey: "hide:8"}).Validate(); !errors.Is(err, ErrInvalid) {
		t.Errorf("a hide without its mention: %v", err)
	}
}

func TestCapabilities_Narrow(t *testing.T) {
	all := Capabilities{Reply: true, DirectMessage: true, Hide: true}
	if got := all.Narrow(Capabilities{Reply: true}); got != (Capabilities{Reply: true}) {
		t.Errorf("narrowed to %+v", got)
	}
	if got := (Capabilities{Reply: true}).Narrow(all); got != (Capabilities{Reply: true}) {
		t.Errorf("a mention cannot widen its platform: %+v", got)
	}
	window := Capabilities{Reply: true, Limit: LimitPrivateWindow}
	if got := all.Narrow(window); got != window {
		t.Errorf("the mention's limit is kept: %+v", got)
	}
	if got := window.Narrow(all); got != window {
		t.Errorf("the platform's limit is kept when the mention names none: %+v", got)
	}
}
