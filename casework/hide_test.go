package casework

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/shenava/shenava/core"
)

func TestService_Hide(t *testing.T) {
	hide := func(s *Service, r Request) (Result, error) { return s.Hide(ctx, r) }
	ignore := func(s *Service, r Request) (Result, error) { return s.Ignore(ctx, r) }
	type step struct {
		do    func(s *Service, r Request) (Result, error)
		actor string
	}
	tests := []struct {
		name     string
		platform core.Platform
		noHide   bool // the platform cannot hide this mention
		before   []step
		actor    string
		wantErr  error
		hiddenBy string
		audit    []string
		hides    int // hide actions queued in all
		updates  int // alert edits queued in all
	}{
		{name: "Hide", platform: core.PlatformInstagram, actor: "Sara", hiddenBy: "Sara",
			audit: []string{"Sara hid "}, hides: 1, updates: 1},
		{name: "SecondTap", platform: core.PlatformInstagram, before: []step{{hide, "Sara"}}, actor: "Sara",
			wantErr: ErrNoChange, hiddenBy: "Sara", audit: []string{"Sara hid "}, hides: 1, updates: 1},
		{name: "AnotherManagerAfter", platform: core.PlatformInstagram, before: []step{{hide, "Sara"}}, actor: "Ali",
			wantErr: ErrNoChange, hiddenBy: "Sara", audit: []string{"Sara hid "}, hides: 1, updates: 1},
		{name: "ClosedCase", platform: core.PlatformInstagram, before: []step{{ignore, "Ali"}}, actor: "Sara",
			hiddenBy: "Sara", audit: []string{"Ali ignored ", "Sara hid "}, hides: 1, updates: 2},
		{name: "PlatformCannot", platform: core.PlatformX, actor: "Sara", wantErr: ErrCannotHide},
		{name: "MentionCannot", platform: core.PlatformInstagram, noHide: true, actor: "Sara", wantErr: ErrCannotHide},
		{name: "Stranger", platform: core.PlatformInstagram, actor: "Eve", wantErr: ErrNotPermitted},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			c := f.open(tt.platform, core.LangPersian)
			f.noHide[c.MentionKey] = tt.noHide
			for i, s := range tt.before {
				if _, err := s.do(f.svc, Request{Case: c.ID, Actor: s.actor, Origin: fmt.Sprint("before", i)}); err != nil {
					t.Fatalf("step %d: %v", i, err)
				}
			}
			wakes := f.wakes.Load()
			_, err := f.svc.Hide(ctx, Request{Case: c.ID, Actor: tt.actor, Origin: "cb:1", Via: "web"})
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			got := f.caseNow(c.ID)
			if got.HiddenBy != tt.hiddenBy {
				t.Errorf("hidden by %q, want %q", got.HiddenBy, tt.hiddenBy)
			}
			if a := audit(got); !slices.Equal(a, tt.audit) {
				t.Errorf("audit trail %q, want %q", a, tt.audit)
			}
			hides := f.actions(core.ActionHide)
			if len(hides) != tt.hides {
				t.Fatalf("%d hides queued, want %d", len(hides), tt.hides)
			}
			for _, a := range hides {
				if a.MentionKey != c.MentionKey || a.CaseID != c.ID || a.Actor != tt.hiddenBy || a.Validate() != nil {
					t.Errorf("hide action %+v, want one for case %d by %s", a, c.ID, tt.hiddenBy)
				}
			}
			if n := len(f.actions(core.ActionCaseUpdate)); n != tt.updates {
				t.Errorf("%d alert edits queued, want %d", n, tt.updates)
			}
			if woke := f.wakes.Load() > wakes; woke != (err == nil) {
				t.Errorf("outbox woken = %v, want %v", woke, err == nil)
			}
			if err == nil {
				if e := got.Events[len(got.Events)-1]; e.Action != "hid" || e.Via != "web" {
					t.Errorf("last event %+v, want the hide, from the web", e)
				}
			}
		})
	}
}
