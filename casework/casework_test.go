package casework

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/storetest"
	"github.com/shenava/shenava/store"
)

var _ Store = (*store.DB)(nil)

var (
	ctx = context.Background()
	t0  = time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
)

// fixture is a service over a fresh store with one alerted case on each
// platform asked for, on a clock the test moves.
type fixture struct {
	t     *testing.T
	db    *store.DB
	svc   *Service
	now   time.Time
	wakes atomic.Int32
	seq   int
	// noHide are the mentions (by key) their platform cannot hide.
	noHide map[string]bool
}

func newFixture(t *testing.T, edit ...func(*Config)) *fixture {
	t.Helper()
	f := &fixture{t: t, db: storetest.MustOpen(t, store.Options{}), now: t0, noHide: map[string]bool{}}
	cfg := Config{
		Brand:    "Koala",
		Managers: []string{"Sara", "Ali"},
		Templates: []core.Template{
			{Name: "sorry", EN: "Sorry, {author}. {brand} will fix it.", FA: "{author} عزیز، متأسفیم."},
			{Name: "fixed", EN: "Fixed now, {author}."},
		},
		UndoWindow: 10 * time.Second,
	}
	for _, e := range edit {
		e(&cfg)
	}
	svc, err := New(cfg, Deps{
		Store: f.db,
		Now:   func() time.Time { return f.now },
		Capabilities: func(p core.Platform) core.Capabilities {
			switch p {
			case core.PlatformRSS:
				return core.Capabilities{}
			case core.PlatformMastodon:
				return core.Capabilities{Reply: true}
			case core.PlatformInstagram:
				return core.Capabilities{Reply: true, DirectMessage: true, Hide: true}
			}
			return core.Capabilities{Reply: true, DirectMessage: true}
		},
		MentionCapabilities: func(m core.Mention) core.Capabilities {
			return core.Capabilities{Reply: true, DirectMessage: true, Hide: !f.noHide[m.Key()]}
		},
		Wake: func() { f.wakes.Add(1) },
	})
	if err != nil {
		t.Fatal(err)
	}
	f.svc = svc
	return f
}

// open stores a negative mention on p with its case.
func (f *fixture) open(p core.Platform, lang string) core.Case {
	f.t.Helper()
	f.seq++
	m := core.Mention{
		Platform: p, NativeID: fmt.Sprint(f.seq), Source: string(p),
		Author: core.Author{ID: "42", Handle: "mina_r", Name: "Mina"},
		Text:   "the app lost my order", CreatedAt: t0.Add(-5 * time.Minute),
		Analysis: &core.Analysis{Lang: lang, Label: core.LabelNegative,
			Scores: core.Scores{Negative: 0.9, Neutral: 0.05, Positive: 0.05}},
	}
	res, err := f.db.SaveBatch(ctx, m.Source, "", []core.Decision{{Mention: m, OpenCase: true}}, f.now)
	if err != nil || len(res.Cases) != 1 {
		f.t.Fatalf("SaveBatch: %v, %+v", err, res)
	}
	return res.Cases[0]
}

func (f *fixture) caseNow(id uint64) core.Case {
	f.t.Helper()
	c, err := f.db.Case(ctx, id)
	if err != nil {
		f.t.Fatal(err)
	}
	return c
}

// actions are the outbox actions of kind, in order.
func (f *fixture) actions(kind core.ActionKind) []core.Action {
	f.t.Helper()
	out, err := f.db.Actions(ctx, store.ActionFilter{Kind: kind})
	if err != nil {
		f.t.Fatal(err)
	}
	return out
}

// audit is the case's events after "opened", as "actor action detail".
func audit(c core.Case) []string {
	var out []string
	for _, e := range c.Events {
		if e.Action == "opened" {
			continue
		}
		out = append(out, fmt.Sprintf("%s %s %s", e.Actor, e.Action, e.Detail))
	}
	return out
}

func TestService_Changes(t *testing.T) {
	t.Parallel()
	type step struct {
		do    func(s *Service, r Request) (Result, error)
		actor string
	}
	claim := func(s *Service, r Request) (Result, error) { return s.Claim(ctx, r) }
	resolve := func(s *Service, r Request) (Result, error) { return s.Resolve(ctx, r) }
	ignore := func(s *Service, r Request) (Result, error) { return s.Ignore(ctx, r) }
	relabel := func(l core.Label) func(s *Service, r Request) (Result, error) {
		return func(s *Service, r Request) (Result, error) { return s.Relabel(ctx, r, l) }
	}
	tests := []struct {
		name    string
		before  []step
		do      step
		wantErr error
		state   core.CaseState
		owner   string
		audit   []string
		updates int // alert edits queued in all
	}{
		{name: "Claim", do: step{claim, "Sara"}, state: core.CaseClaimed, owner: "Sara",
			audit: []string{"Sara claimed "}, updates: 1},
		{name: "ClaimTwice", before: []step{{claim, "Sara"}}, do: step{claim, "Sara"}, wantErr: ErrNoChange,
			state: core.CaseClaimed, owner: "Sara", audit: []string{"Sara claimed "}, updates: 1},
		{name: "ClaimTakenOver", before: []step{{claim, "Sara"}}, do: step{claim, "Ali"}, state: core.CaseClaimed, owner: "Ali",
			audit: []string{"Sara claimed ", "Ali claimed "}, updates: 2},
		{name: "Resolve", do: step{resolve, "Ali"}, state: core.CaseResolved,
			audit: []string{"Ali resolved "}, updates: 1},
		{name: "Ignore", do: step{ignore, "Sara"}, state: core.CaseIgnored,
			audit: []string{"Sara ignored "}, updates: 1},
		{name: "ResolveClosed", before: []step{{ignore, "Sara"}}, do: step{resolve, "Ali"}, wantErr: ErrClosed,
			state: core.CaseIgnored, audit: []string{"Sara ignored "}, updates: 1},
		{name: "ClaimClosed", before: []step{{resolve, "Sara"}}, do: step{claim, "Ali"}, wantErr: core.ErrInvalidTransition,
			state: core.CaseResolved, audit: []string{"Sara resolved "}, updates: 1},
		{name: "Relabel", do: step{relabel(core.LabelNeutral), "Sara"}, state: core.CaseNew,
			audit: []string{"Sara corrected label neutral"}, updates: 1},
		{name: "RelabelSameAsModel", do: step{relabel(core.LabelNegative), "Sara"}, wantErr: ErrNoChange, state: core.CaseNew},
		{name: "RelabelSameAsCorrection", before: []step{{relabel(core.LabelPositive), "Ali"}}, do: step{relabel(core.LabelPositive), "Sara"},
			wantErr: ErrNoChange, state: core.CaseNew, audit: []string{"Ali corrected label positive"}, updates: 1},
		{name: "RelabelClosed", before: []step{{resolve, "Ali"}}, do: step{relabel(core.LabelNeutral), "Sara"}, state: core.CaseResolved,
			audit: []string{"Ali resolved ", "Sara corrected label neutral"}, updates: 2},
		{name: "RelabelNotALabel", do: step{relabel("angry"), "Sara"}, wantErr: core.ErrInvalid, state: core.CaseNew},
		{name: "Stranger", do: step{claim, "Eve"}, wantErr: ErrNotPermitted, state: core.CaseNew},
		{name: "NoActor", do: step{resolve, ""}, wantErr: ErrNotPermitted, state: core.CaseNew},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			c := f.open(core.PlatformX, core.LangEnglish)
			for i, s := range tt.before {
				if _, err := s.do(f.svc, Request{Case: c.ID, Actor: s.actor, Origin: fmt.Sprint("before", i)}); err != nil {
					t.Fatalf("step %d: %v", i, err)
				}
			}
			wakes := f.wakes.Load()
			res, err := tt.do.do(f.svc, Request{Case: c.ID, Actor: tt.do.actor, Origin: "cb:1"})
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			got := f.caseNow(c.ID)
			if got.State != tt.state || got.ClaimedBy != tt.owner {
				t.Errorf("case is %s owned by %q, want %s owned by %q", got.State, got.ClaimedBy, tt.state, tt.owner)
			}
			if a := audit(got); !slices.Equal(a, tt.audit) {
				t.Errorf("audit trail %q, want %q", a, tt.audit)
			}
			if n := len(f.actions(core.ActionCaseUpdate)); n != tt.updates {
				t.Errorf("%d alert edits queued, want %d", n, tt.updates)
			}
			if woke := f.wakes.Load() > wakes; woke != (err == nil) {
				t.Errorf("outbox woken = %v, want %v", woke, err == nil)
			}
			switch {
			case errors.Is(err, ErrNotPermitted), errors.Is(err, core.ErrInvalid):
			case res.Case.ID != c.ID || res.Case.State != got.State:
				// Refusals too say where the case stands (who closed it).
				t.Errorf("result case #%d %s, want #%d %s", res.Case.ID, res.Case.State, c.ID, got.State)
			}
		})
	}
}

func TestService_ChangeRepeatedGesture(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := f.open(core.PlatformX, core.LangEnglish)
	r := Request{Case: c.ID, Actor: "Sara", Origin: "cb:7"}
	if _, err := f.svc.Claim(ctx, r); err != nil {
		t.Fatal(err)
	}
	r.Actor = "Ali" // a different change under the same gesture refreshes the alert once
	if _, err := f.svc.Claim(ctx, r); err != nil {
		t.Fatal(err)
	}
	if n := len(f.actions(core.ActionCaseUpdate)); n != 1 {
		t.Fatalf("%d alert edits for one gesture, want 1", n)
	}
}

func TestService_Answer(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		platform core.Platform
		lang     string
		template int // -1: the manager's own text
		text     string
		private  bool
		claim    bool
		closed   bool
		undo     time.Duration
		wantErr  error
		wantText string
		wantKind core.ActionKind
		audit    []string
	}{
		{name: "Public", platform: core.PlatformX, template: -1, text: "We are on it, {author}. — {brand}",
			wantText: "We are on it, @mina_r. — Koala", wantKind: core.ActionReplyPublic, audit: []string{"Sara replied publicly queued"}, undo: 10 * time.Second},
		{name: "Private", platform: core.PlatformX, template: -1, text: "DM me", private: true,
			wantText: "DM me", wantKind: core.ActionReplyPrivate, audit: []string{"Sara replied privately queued"}, undo: 10 * time.Second},
		{name: "ClaimAndAnswer", platform: core.PlatformX, template: 0, claim: true,
			wantText: "Sorry, @mina_r. Koala will fix it.", wantKind: core.ActionReplyPublic,
			audit: []string{"Sara claimed ", "Sara replied publicly queued"}},
		{name: "ClaimAndAnswerClosed", platform: core.PlatformX, template: 0, claim: true, closed: true, wantErr: ErrClosed,
			audit: []string{"Ali resolved "}},
		{name: "NoUndoWindow", platform: core.PlatformX, template: -1, text: "at once",
			wantText: "at once", wantKind: core.ActionReplyPublic, audit: []string{"Sara replied publicly queued"}},
		{name: "TemplateInMentionLanguage", platform: core.PlatformX, lang: core.LangPersian, template: 0,
			wantText: "@mina_r عزیز، متأسفیم.", wantKind: core.ActionReplyPublic, audit: []string{"Sara replied publicly queued"}, undo: 10 * time.Second},
		{name: "TemplateFallsBackToEnglish", platform: core.PlatformX, lang: core.LangPersian, template: 1, private: true,
			wantText: "Fixed now, @mina_r.", wantKind: core.ActionReplyPrivate, audit: []string{"Sara replied privately queued"}, undo: 10 * time.Second},
		{name: "NoSuchTemplate", platform: core.PlatformX, template: 2, wantErr: ErrNoTemplate},
		{name: "NoPublicOnRSS", platform: core.PlatformRSS, template: -1, text: "hi", wantErr: ErrCannotAnswer},
		{name: "NoPrivateOnMastodon", platform: core.PlatformMastodon, template: 0, private: true, wantErr: ErrCannotAnswer},
		{name: "Closed", platform: core.PlatformX, template: -1, text: "late", closed: true, wantErr: ErrClosed,
			audit: []string{"Ali resolved "}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, func(c *Config) { c.UndoWindow = tt.undo })
			c := f.open(tt.platform, cmpOr(tt.lang, core.LangEnglish))
			if tt.closed {
				if _, err := f.svc.Resolve(ctx, Request{Case: c.ID, Actor: "Ali", Origin: "cb:0"}); err != nil {
					t.Fatal(err)
				}
			}
			f.now = t0.Add(3 * time.Minute)
			r := Request{Case: c.ID, Actor: "Sara", Origin: "msg:1:2"}
			var (
				res Result
				err error
			)
			if tt.template < 0 {
				res, err = f.svc.Answer(ctx, r, tt.text, How{Private: tt.private, Claim: tt.claim})
			} else {
				res, err = f.svc.AnswerTemplate(ctx, r, tt.template, How{Private: tt.private, Claim: tt.claim})
			}
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			got := f.caseNow(c.ID)
			if a := audit(got); !slices.Equal(a, tt.audit) {
				t.Errorf("audit trail %q, want %q", a, tt.audit)
			}
			replies := append(f.actions(core.ActionReplyPublic), f.actions(core.ActionReplyPrivate)...)
			if tt.wantErr != nil {
				if len(replies) != 0 {
					t.Errorf("refused answer queued %+v", replies)
				}
				if errors.Is(err, ErrClosed) && (res.Case.State != core.CaseResolved || res.Case.ClosedBy != "Ali") {
					t.Errorf("refusal shows the case %s by %q, want resolved by Ali", res.Case.State, res.Case.ClosedBy)
				}
				return
			}
			if len(replies) != 1 {
				t.Fatalf("queued %+v, want one reply", replies)
			}
			a := replies[0]
			if a.Kind != tt.wantKind || a.Text != tt.wantText || a.Actor != "Sara" || a.CaseID != c.ID {
				t.Errorf("queued %s %q by %s for #%d, want %s %q by Sara for #%d", a.Kind, a.Text, a.Actor, a.CaseID, tt.wantKind, tt.wantText, c.ID)
			}
			if due := f.now.Add(tt.undo); !a.NextAttemptAt.Equal(due) {
				t.Errorf("reply due at %s, want %s (the undo window)", a.NextAttemptAt, due)
			}
			if res.Reply == nil || res.Reply.ID != a.ID || res.Text != tt.wantText {
				t.Errorf("result reply %+v text %q, want action #%d %q", res.Reply, res.Text, a.ID, tt.wantText)
			}
			if got.State != core.CaseReplied || got.ClaimedBy != "Sara" || !got.FirstResponseAt.Equal(f.now) {
				t.Errorf("case %s owner %q first response %s", got.State, got.ClaimedBy, got.FirstResponseAt)
			}
			if n := len(f.actions(core.ActionCaseUpdate)); n != 1 {
				t.Errorf("%d alert edits, want 1", n)
			}
			if f.wakes.Load() == 0 {
				t.Error("the outbox was not woken")
			}

			// The same gesture again (Telegram redelivering an update) queues nothing.
			again, err := f.svc.Answer(ctx, r, "again", How{Private: tt.private})
			if err != nil || again.Reply != nil {
				t.Errorf("repeat: reply %+v, %v; want nothing queued", again.Reply, err)
			}
			if n := len(f.actions(a.Kind)); n != 1 {
				t.Errorf("%d replies after a repeated gesture, want 1", n)
			}
		})
	}
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func TestService_AnswerNotPermitted(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := f.open(core.PlatformX, core.LangEnglish)
	if _, err := f.svc.Answer(ctx, Request{Case: c.ID, Actor: "Eve", Origin: "x"}, "hi", How{}); !errors.Is(err, ErrNotPermitted) {
		t.Fatalf("Answer by a stranger: %v, want ErrNotPermitted", err)
	}
	if _, err := f.svc.AnswerTemplate(ctx, Request{Case: c.ID, Actor: "Eve", Origin: "x"}, 0, How{}); !errors.Is(err, ErrNotPermitted) {
		t.Fatalf("AnswerTemplate by a stranger: %v, want ErrNotPermitted", err)
	}
	if err := f.svc.Resend(ctx, "Eve", 1); !errors.Is(err, ErrNotPermitted) {
		t.Fatalf("Resend by a stranger: %v, want ErrNotPermitted", err)
	}
	if _, err := f.svc.Withdraw(ctx, "Eve", "x", 1); !errors.Is(err, ErrNotPermitted) {
		t.Fatalf("Withdraw by a stranger: %v, want ErrNotPermitted", err)
	}
	if got := f.caseNow(c.ID); len(audit(got)) != 0 {
		t.Fatalf("a stranger changed the case: %q", audit(got))
	}
}

func TestService_Withdraw(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		sent    bool // the outbox took the reply before the undo
		wantErr error
		state   core.CaseState
	}{
		{name: "InTime", state: core.CaseClaimed},
		{name: "TooLate", sent: true, wantErr: ErrTooLate, state: core.CaseReplied},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			c := f.open(core.PlatformX, core.LangEnglish)
			res, err := f.svc.Answer(ctx, Request{Case: c.ID, Actor: "Sara", Origin: "msg:1"}, "sorry", How{})
			if err != nil {
				t.Fatal(err)
			}
			if tt.sent {
				f.now = f.now.Add(f.svc.UndoWindow())
				if due, err := f.db.ClaimDue(ctx, f.now, 0); err != nil || len(due) == 0 {
					t.Fatalf("outbox claim: %v, %v", due, err)
				}
			}
			got, err := f.svc.Withdraw(ctx, "Sara", "cb:9", res.Reply.ID)
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if tt.wantErr != nil && !errors.Is(err, core.ErrInvalidTransition) {
				t.Errorf("err = %v, want it to match core.ErrInvalidTransition too", err)
			}
			now := f.caseNow(c.ID)
			if now.State != tt.state {
				t.Errorf("case is %s, want %s", now.State, tt.state)
			}
			updates := f.actions(core.ActionCaseUpdate)
			if tt.wantErr != nil {
				if len(updates) != 1 {
					t.Errorf("%d alert edits, want only the answer's", len(updates))
				}
				return
			}
			if got.ID != c.ID || !now.FirstResponseAt.IsZero() {
				t.Errorf("withdrawn: case #%d first response %s", got.ID, now.FirstResponseAt)
			}
			if a := audit(now); len(a) != 2 || a[1] != "Sara withdrew reply "+t0.Format(time.RFC3339Nano) {
				t.Errorf("audit trail %q", a)
			}
			if len(updates) != 2 || updates[1].DedupKey != "case_update:cb:9" {
				t.Errorf("alert edits %+v, want the answer's and the withdrawal's", updates)
			}
		})
	}
}

func TestService_Resend(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := f.open(core.PlatformX, core.LangEnglish)
	res, err := f.svc.Answer(ctx, Request{Case: c.ID, Actor: "Sara", Origin: "msg:1"}, "sorry", How{})
	if err != nil {
		t.Fatal(err)
	}
	f.now = f.now.Add(time.Minute)
	if due, err := f.db.ClaimDue(ctx, f.now, 0); err != nil || len(due) == 0 {
		t.Fatalf("outbox claim: %v, %v", due, err)
	}
	err = f.db.Settle(ctx, core.Outcome{ActionID: res.Reply.ID, State: core.ActionFailed, At: f.now, Error: "platform said no"})
	if err != nil {
		t.Fatal(err)
	}
	wakes := f.wakes.Load()
	if err := f.svc.Resend(ctx, "Ali", res.Reply.ID); err != nil {
		t.Fatal(err)
	}
	if f.wakes.Load() == wakes {
		t.Error("the outbox was not woken")
	}
	if got := f.actions(core.ActionReplyPublic); len(got) != 1 || got[0].State != core.ActionPending {
		t.Errorf("reply after resend: %+v, want pending again", got)
	}
}

func TestNew(t *testing.T) {
	t.Parallel()
	db := storetest.MustOpen(t, store.Options{})
	if _, err := New(Config{}, Deps{}); err == nil {
		t.Error("New without a store succeeded")
	}
	if _, err := New(Config{UndoWindow: -time.Second}, Deps{Store: db}); err == nil {
		t.Error("New with a negative undo window succeeded")
	}
	s, err := New(Config{Templates: []core.Template{{Name: "a"}, {Name: "sorry"}}}, Deps{Store: db})
	if err != nil {
		t.Fatal(err)
	}
	if i, ok := s.TemplateNamed("sorry"); !ok || i != 1 {
		t.Errorf("TemplateNamed(sorry) = %d, %v; want 1", i, ok)
	}
	if _, ok := s.TemplateNamed("nope"); ok {
		t.Error("TemplateNamed found a template that does not exist")
	}
	if caps := s.Capabilities(core.PlatformRSS); !caps.Reply || !caps.DirectMessage {
		t.Errorf("default capabilities %+v, want every answer allowed", caps)
	}
}

func TestService_ViaOnEvents(t *testing.T) {
	f := newFixture(t)
	c := f.open(core.PlatformX, "en")
	web := Request{Case: c.ID, Actor: "Sara", Origin: "web:1", Via: "web"}
	if _, err := f.svc.Claim(ctx, web); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Answer(ctx, Request{Case: c.ID, Actor: "Ali", Origin: "web:2", Via: "web"}, "Hi", How{}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Resolve(ctx, Request{Case: c.ID, Actor: "Ali", Origin: "cb:3"}); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range f.caseNow(c.ID).Events {
		got = append(got, e.Actor+"/"+e.Action+"/"+e.Via)
	}
	want := []string{"system/opened/", "Sara/claimed/web", "Ali/replied publicly/web", "Ali/resolved/"}
	if !slices.Equal(got, want) {
		t.Fatalf("events = %q, want %q", got, want)
	}
}
