package casework

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/shenava/shenava/core"
)

func TestService_Thanks(t *testing.T) {
	t.Parallel()
	type decision struct {
		actor string
		skip  bool
		text  string
	}
	tests := []struct {
		name      string
		first     *decision // decided before
		do        decision
		wantErr   error
		state     string
		by        string
		text      string
		edited    bool
		thankYous int
	}{
		{name: "Approve", do: decision{actor: "Sara"}, state: ApprovalSent, by: "Sara",
			text: "Thanks for recommending us!", thankYous: 1},
		{name: "Edit", do: decision{actor: "Ali", text: "Merci {author}, from {brand}"}, state: ApprovalSent, by: "Ali",
			text: "Merci @mina_r, from Koala", edited: true, thankYous: 1},
		{name: "Skip", do: decision{actor: "Sara", skip: true}, state: ApprovalSkipped, by: "Sara",
			text: "Thanks for recommending us!"},
		{name: "ApproveAfterSkip", first: &decision{actor: "Ali", skip: true}, do: decision{actor: "Sara"},
			wantErr: &DecidedError{}, state: ApprovalSkipped, by: "Ali", text: "Thanks for recommending us!"},
		{name: "SkipAfterApprove", first: &decision{actor: "Ali"}, do: decision{actor: "Sara", skip: true},
			wantErr: &DecidedError{}, state: ApprovalSent, by: "Ali", text: "Thanks for recommending us!", thankYous: 1},
		{name: "EditAfterApprove", first: &decision{actor: "Sara"}, do: decision{actor: "Sara", text: "again"},
			wantErr: &DecidedError{}, state: ApprovalSent, by: "Sara", text: "Thanks for recommending us!", thankYous: 1},
		{name: "Stranger", do: decision{actor: "Eve"}, wantErr: ErrNotPermitted, state: ApprovalPending,
			text: "Thanks for recommending us!"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			c := f.open(core.PlatformX, core.LangEnglish)
			if err := f.svc.Draft(ctx, "tok1", c.MentionKey, "Thanks for recommending us!"); err != nil {
				t.Fatal(err)
			}
			if err := f.svc.ShownAt(ctx, "tok1", []string{"-100:5", "7:9"}); err != nil {
				t.Fatal(err)
			}
			decide := func(d decision) (Approval, error) {
				if d.skip {
					return f.svc.Skip(ctx, "tok1", d.actor)
				}
				return f.svc.Approve(ctx, "tok1", d.actor, d.text)
			}
			if tt.first != nil {
				if _, err := decide(*tt.first); err != nil {
					t.Fatal(err)
				}
			}
			f.now = t0.Add(time.Hour)
			got, err := decide(tt.do)
			var decided *DecidedError
			switch tt.wantErr.(type) {
			case nil:
				if err != nil {
					t.Fatalf("err = %v", err)
				}
			case *DecidedError:
				if !errors.As(err, &decided) {
					t.Fatalf("err = %v, want a DecidedError", err)
				}
			default:
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
			}
			stored, ok, err := f.svc.Approval(ctx, "tok1")
			if err != nil || !ok {
				t.Fatalf("Approval: %v, %v", ok, err)
			}
			if stored.State != tt.state || stored.By != tt.by || stored.Text != tt.text || stored.Edited != tt.edited {
				t.Errorf("stored %+v, want %s by %q text %q edited %v", stored, tt.state, tt.by, tt.text, tt.edited)
			}
			if !slices.Equal(stored.Refs, []string{"-100:5", "7:9"}) {
				t.Errorf("refs %q, want where the draft was shown", stored.Refs)
			}
			if tt.wantErr == nil && (got.State != stored.State || !stored.At.Equal(f.now)) {
				t.Errorf("returned %+v, stored %+v at %s", got, stored, f.now)
			}
			if decided != nil && (decided.Approval.State != stored.State || decided.Approval.By != stored.By) {
				t.Errorf("refusal names decision %+v, want the first one %+v", decided.Approval, stored)
			}
			thanks := f.actions(core.ActionThankPublic)
			if len(thanks) != tt.thankYous {
				t.Fatalf("%d thank-yous queued, want %d", len(thanks), tt.thankYous)
			}
			if len(thanks) == 1 && (thanks[0].MentionKey != c.MentionKey || thanks[0].Text != stored.Text ||
				thanks[0].DedupKey != "thank:"+c.MentionKey) {
				t.Errorf("thank-you %+v", thanks[0])
			}
		})
	}
}

func TestService_ThanksUnknown(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	if _, err := f.svc.Approve(ctx, "nope", "Sara", ""); !errors.Is(err, core.ErrNotFound) {
		t.Errorf("Approve of an unknown draft: %v, want ErrNotFound", err)
	}
	if _, ok, err := f.svc.Approval(ctx, "nope"); ok || err != nil {
		t.Errorf("Approval of an unknown draft: %v, %v", ok, err)
	}
	if err := f.svc.ShownAt(ctx, "nope", []string{"1:2"}); !errors.Is(err, core.ErrNotFound) {
		t.Errorf("ShownAt of an unknown draft: %v, want ErrNotFound", err)
	}
}

// A mention is thanked once, whichever of two drafts for it is approved.
func TestService_ThanksOncePerMention(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := f.open(core.PlatformX, core.LangEnglish)
	for _, id := range []string{"a", "b"} {
		if err := f.svc.Draft(ctx, id, c.MentionKey, "Thanks!"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Approve(ctx, id, "Sara", ""); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(f.actions(core.ActionThankPublic)); n != 1 {
		t.Fatalf("%d thank-yous for one mention, want 1", n)
	}
}
