package core

import (
	"errors"
	"reflect"
	"strconv"
	"testing"
	"time"
)

func TestAction_Settle(t *testing.T) {
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	next := at.Add(time.Minute)
	sending := Action{ID: 7, State: ActionSending, Attempts: 2, LastError: "timeout"}
	tests := []struct {
		name    string
		from    Action
		o       Outcome
		changed bool
		want    Action
		err     error
	}{
		{"done", sending, Outcome{State: ActionDone, Result: "ref", At: at}, true,
			Action{ID: 7, State: ActionDone, Attempts: 2, Result: "ref", DoneAt: at}, nil},
		{"done twice", Action{ID: 7, State: ActionDone, Result: "ref", DoneAt: at},
			Outcome{State: ActionDone, Result: "other", At: next}, false,
			Action{ID: 7, State: ActionDone, Result: "ref", DoneAt: at}, nil},
		{"again, keeping the error", sending, Outcome{State: ActionPending, Next: next}, true,
			Action{ID: 7, State: ActionPending, Attempts: 2, LastError: "timeout", NextAttemptAt: next}, nil},
		{"again, uncounted", sending, Outcome{State: ActionPending, Next: next, Error: "rate cap", Uncounted: true}, true,
			Action{ID: 7, State: ActionPending, Attempts: 1, LastError: "rate cap", NextAttemptAt: next}, nil},
		{"uncounted at no attempts", Action{State: ActionSending}, Outcome{State: ActionPending, Next: next, Uncounted: true}, true,
			Action{State: ActionPending, NextAttemptAt: next}, nil},
		{"failed", sending, Outcome{State: ActionFailed, Error: "gone", At: at}, true,
			Action{ID: 7, State: ActionFailed, Attempts: 2, LastError: "gone", DoneAt: at}, nil},
		{"in doubt, unsure", sending, Outcome{State: ActionInDoubt, Error: "lost", At: at, Unsure: true}, true,
			Action{ID: 7, State: ActionInDoubt, Attempts: 2, LastError: "lost", DoneAt: at, Unsure: true}, nil},
		{"bad state", sending, Outcome{State: ActionSending}, false, sending, ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := tt.from
			changed, err := a.Settle(tt.o)
			if changed != tt.changed || !errors.Is(err, tt.err) || (tt.err == nil && err != nil) {
				t.Fatalf("Settle=%v,%v; want %v,%v", changed, err, tt.changed, tt.err)
			}
			if !reflect.DeepEqual(a, tt.want) {
				t.Errorf("action\n got %+v\nwant %+v", a, tt.want)
			}
		})
	}
}

func TestAction_ResendInterruptedWithdraw(t *testing.T) {
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, st := range []ActionState{ActionFailed, ActionInDoubt, ActionDone, ActionPending} {
		a := Action{State: st, Attempts: 3}
		a.Resend(at)
		again := st == ActionFailed || st == ActionInDoubt
		if again != (a.State == ActionPending && a.Attempts == 0 && a.NextAttemptAt.Equal(at)) ||
			(!again && (a.State != st || a.Attempts != 3)) {
			t.Errorf("Resend from %s: %+v", st, a)
		}
	}

	a := Action{State: ActionSending}
	a.Interrupted(true, at)
	if a.State != ActionPending || !a.Unsure || !a.NextAttemptAt.Equal(at) || a.LastError == "" {
		t.Errorf("Interrupted, resumed: %+v", a)
	}
	a = Action{State: ActionSending}
	a.Interrupted(false, at)
	if a.State != ActionInDoubt || a.Unsure || !a.NextAttemptAt.IsZero() || a.LastError == "" {
		t.Errorf("Interrupted, in doubt: %+v", a)
	}

	reply := Action{ID: 4, Kind: ActionReplyPublic, State: ActionPending}
	if err := reply.Withdraw("ana", at); err != nil || reply.State != ActionCancelled ||
		!reply.DoneAt.Equal(at) || reply.LastError != "withdrawn by ana" {
		t.Errorf("Withdraw a pending reply: %v %+v", err, reply)
	}
	late := Action{ID: 4, Kind: ActionReplyPrivate, State: ActionSending}
	if err := late.Withdraw("ana", at); !errors.Is(err, ErrInvalidTransition) || late.State != ActionSending {
		t.Errorf("Withdraw a reply being sent: %v %+v", err, late)
	}
	alert := Action{ID: 5, Kind: ActionNotify, State: ActionPending}
	if err := alert.Withdraw("ana", at); !errors.Is(err, ErrInvalid) || alert.State != ActionPending {
		t.Errorf("Withdraw an alert: %v %+v", err, alert)
	}
}

func TestAction_OfCase(t *testing.T) {
	c := Case{ID: 3, MentionKey: "x:1", UpdatedAt: time.Unix(100, 0)}
	var a Action
	a.OfCase(c)
	if a.CaseID != 3 || a.MentionKey != "x:1" || !a.CreatedAt.Equal(c.UpdatedAt) {
		t.Errorf("OfCase on a bare action: %+v", a)
	}
	own := Action{CaseID: 9, MentionKey: "x:2", CreatedAt: time.Unix(5, 0)}
	b := own
	b.OfCase(c)
	if !reflect.DeepEqual(b, own) {
		t.Errorf("OfCase changed what the action says: %+v", b)
	}
}

func TestAuthorHistory_Note(t *testing.T) {
	day := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	now := day.Add(48 * time.Hour)
	m := func(id string, at time.Time, a Author, an *Analysis) Mention {
		return Mention{Platform: "x", NativeID: id, Author: a, CreatedAt: at, Analysis: an}
	}
	var h AuthorHistory
	h.Note(m("1", day, Author{ID: "u", Handle: "ana", Followers: 10}, &Analysis{Label: LabelNegative}), 4, false, now)
	h.Note(m("2", day.Add(-time.Hour), Author{ID: "u", Name: "Ana", Bot: true}, &Analysis{Label: LabelPositive, Referral: true}), 0, true, now)
	h.Note(m("3", day.Add(time.Hour), Author{ID: "u"}, nil), 0, false, now.Add(time.Hour))
	want := AuthorHistory{Key: "x:u", Platform: "x", ID: "u", Handle: "ana", Name: "Ana", Followers: 10, Bot: true,
		FirstSeen: day.Add(-time.Hour), LastSeen: day.Add(time.Hour), Mentions: 3, Negative: 1, Positive: 1, Referrals: 1,
		LastThankedAt: now, Recent: []string{"x:1", "x:2", "x:3"}, Cases: []uint64{4}}
	if !reflect.DeepEqual(h, want) {
		t.Errorf("history\n got %+v\nwant %+v", h, want)
	}

	var long AuthorHistory
	for i := range MaxRecentMentions + 5 {
		long.Note(m(strconv.Itoa(i), day, Author{ID: "u"}, nil), uint64(i+1), false, now)
	}
	if len(long.Recent) != MaxRecentMentions || long.Recent[0] != "x:5" ||
		len(long.Cases) != MaxAuthorCases || long.Cases[len(long.Cases)-1] != MaxRecentMentions+5 {
		t.Errorf("bounded lists: %d recent from %s, %d cases", len(long.Recent), long.Recent[0], len(long.Cases))
	}
}

func TestAuthor_Display(t *testing.T) {
	for a, want := range map[Author]string{
		{ID: "1", Handle: "ana", Name: "Ana"}: "@ana",
		{ID: "1", Name: "Ana"}:                "Ana",
		{ID: "1"}:                             "",
	} {
		if got := a.Display(); got != want {
			t.Errorf("%+v.Display()=%q, want %q", a, got, want)
		}
	}
}
