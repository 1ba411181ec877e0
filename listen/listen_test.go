package listen

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/storetest"
	"github.com/shenava/shenava/store"
)

var (
	bg = context.Background()
	t0 = time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)
)

func discard() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// ruleAnalyzer labels by markers in the text, so routing tests state their
// inputs plainly. The real model is exercised end to end in package e2e.
type ruleAnalyzer struct{}

func (ruleAnalyzer) Analyze(text string) core.Analysis {
	a := core.Analysis{Lang: "en", Label: core.LabelNeutral, Scores: core.Scores{Negative: 0.1, Neutral: 0.8, Positive: 0.1}}
	if strings.Contains(text, "فارسی") {
		a.Lang = "fa"
	}
	switch {
	case strings.Contains(text, "ANGRY"):
		a.Label, a.Scores = core.LabelNegative, core.Scores{Negative: 0.9, Neutral: 0.05, Positive: 0.05}
	case strings.Contains(text, "MEH"):
		a.Label, a.Scores = core.LabelNegative, core.Scores{Negative: 0.45, Neutral: 0.35, Positive: 0.2}
	case strings.Contains(text, "HAPPY"):
		a.Label, a.Scores = core.LabelPositive, core.Scores{Negative: 0.05, Neutral: 0.05, Positive: 0.9}
	}
	if strings.Contains(text, "INVITE") {
		a.Referral, a.ReferralScore = true, 0.9
	}
	return a
}

// keywordMatcher: posts are about the brand when they say "brand"; the
// brand's own account is "brand".
type keywordMatcher struct{}

func (keywordMatcher) Own(m core.Mention) bool   { return m.Author.Handle == "brand" }
func (keywordMatcher) About(m core.Mention) bool { return strings.Contains(m.Text, "brand") }

// sliceSource serves fixed batches: the cursor is the index of the next.
type sliceSource struct {
	mu      sync.Mutex
	batches [][]core.Mention
	errs    []error // returned (and consumed) before any batch
	calls   int
}

func (s *sliceSource) Fetch(_ context.Context, cursor string) (core.Batch, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	if len(s.errs) > 0 {
		err := s.errs[0]
		s.errs = s.errs[1:]
		return core.Batch{}, err
	}
	var i int
	fmt.Sscan(cursor, &i)
	if i >= len(s.batches) {
		return core.Batch{Cursor: cursor}, nil
	}
	return core.Batch{Mentions: s.batches[i], Cursor: fmt.Sprint(i + 1), More: i+1 < len(s.batches)}, nil
}

func post(id, handle, text string) core.Mention {
	return core.Mention{Platform: core.PlatformX, NativeID: id, Author: core.Author{ID: "id-" + handle, Handle: handle},
		Text: text, CreatedAt: t0}
}

func allCanReply(core.Platform) core.Capabilities {
	return core.Capabilities{Reply: true, DirectMessage: true}
}

func mustStore(t testing.TB) *store.DB {
	t.Helper()
	return storetest.MustOpen(t, store.Options{})
}

func mustEngine(t testing.TB, db *store.DB, p Policy, caps func(core.Platform) core.Capabilities, specs ...SourceSpec) *Engine {
	t.Helper()
	e, err := New(db, ruleAnalyzer{}, keywordMatcher{}, caps, specs, Config{Policy: p}, discard())
	if err != nil {
		t.Fatal(err)
	}
	e.SetClock(func() time.Time { return t0.Add(time.Hour) })
	return e
}

var thankPolicy = Policy{
	Brand: "Brand", ThankMode: ThankAuto, ThankWindow: 24 * time.Hour, ThankPrivate: true,
	ThankTemplates:        map[string][]string{"en": {"Thanks {author}, from {brand}!"}, "fa": {"ممنون {author}"}},
	ThankPrivateTemplates: map[string][]string{"en": {"Thanks again, {author}"}},
}

func kinds(as []core.Action) string {
	var out []string
	for _, a := range as {
		out = append(out, string(a.Kind))
	}
	return strings.Join(out, ",")
}

func TestEngine_Routing(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		policy    Policy
		caps      func(core.Platform) core.Capabilities
		posts     []core.Mention
		wantCases int
		want      string // kinds of queued actions
		wantText  string // text of the first action, when set
	}{
		{"NegativeAlerts", Policy{}, allCanReply, []core.Mention{post("1", "sara", "brand ANGRY")}, 1, "alert", ""},
		{"WeakNegativeDoesNot", Policy{AlertThreshold: 0.6}, allCanReply, []core.Mention{post("1", "sara", "brand MEH")}, 0, "", ""},
		{"NeutralDoesNotAtTheDefault", Policy{}, allCanReply, []core.Mention{post("1", "sara", "brand opens at nine")}, 0, "", ""},
		{"ThresholdIsConfigurable", Policy{AlertThreshold: 0.3}, allCanReply, []core.Mention{post("1", "sara", "brand MEH")}, 1, "alert", ""},
		{"FewFollowers", Policy{AlertMinFollowers: 100}, allCanReply, []core.Mention{post("1", "sara", "brand ANGRY")}, 0, "", ""},
		{"LanguageNotWatched", Policy{Languages: []string{"fa"}}, allCanReply, []core.Mention{post("1", "sara", "brand ANGRY")}, 0, "", ""},
		{"LanguageWatched", Policy{Languages: []string{"fa"}}, allCanReply, []core.Mention{post("1", "sara", "brand فارسی ANGRY")}, 1, "alert", ""},
		{"PlatformNotAlerted", Policy{AlertPlatforms: []core.Platform{core.PlatformMastodon}}, allCanReply,
			[]core.Mention{post("1", "sara", "brand ANGRY")}, 0, "", ""},
		{"ReferralThanked", thankPolicy, allCanReply, []core.Mention{post("1", "ali", "brand HAPPY INVITE")}, 0,
			"thank_public,thank_private", "Thanks @ali, from Brand!"},
		{"ReferralInPersian", thankPolicy, allCanReply, []core.Mention{post("1", "ali", "brand فارسی INVITE")}, 0,
			"thank_public,thank_private", "ممنون @ali"},
		{"OneThankYouPerAuthorPerBatch", thankPolicy, allCanReply,
			[]core.Mention{post("1", "ali", "brand INVITE"), post("2", "ali", "brand INVITE again")}, 0, "thank_public,thank_private", ""},
		{"ApproveMode", Policy{ThankMode: ThankApprove, ThankTemplates: thankPolicy.ThankTemplates}, allCanReply,
			[]core.Mention{post("1", "ali", "brand INVITE")}, 0, "approval", "Thanks @ali, from !"},
		{"ThanksOff", Policy{}, allCanReply, []core.Mention{post("1", "ali", "brand INVITE")}, 0, "", ""},
		{"NoThanksWhereNoReply", thankPolicy, func(core.Platform) core.Capabilities { return core.Capabilities{} },
			[]core.Mention{post("1", "ali", "brand INVITE")}, 0, "", ""},
		{"NoPrivateWhereNoDM", thankPolicy, func(core.Platform) core.Capabilities { return core.Capabilities{Reply: true} },
			[]core.Mention{post("1", "ali", "brand INVITE")}, 0, "thank_public", ""},
		{"NegativeReferralIsNotThanked", thankPolicy, allCanReply, []core.Mention{post("1", "ali", "brand ANGRY INVITE")}, 1, "alert", ""},
		{"BotsGetNothing", thankPolicy, allCanReply, []core.Mention{func() core.Mention {
			m := post("1", "robot", "brand ANGRY INVITE")
			m.Author.Bot = true
			return m
		}()}, 0, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := mustStore(t)
			src := &sliceSource{batches: [][]core.Mention{tt.posts}}
			spec := SourceSpec{Name: "x", Source: src}
			e := mustEngine(t, db, tt.policy, tt.caps, spec)
			res, err := e.Poll(bg, spec)
			if err != nil {
				t.Fatal(err)
			}
			acts, _ := db.Actions(bg, store.ActionFilter{})
			if res.Cases != tt.wantCases || kinds(acts) != tt.want {
				t.Fatalf("cases=%d actions=%q, want %d and %q", res.Cases, kinds(acts), tt.wantCases, tt.want)
			}
			if tt.wantText != "" && acts[0].Text != tt.wantText {
				t.Fatalf("text=%q, want %q", acts[0].Text, tt.wantText)
			}
		})
	}
}

func TestEngine_FiltersAndDedup(t *testing.T) {
	t.Parallel()
	db := mustStore(t)
	src := &sliceSource{batches: [][]core.Mention{
		{post("1", "sara", "brand ANGRY"), post("1", "sara", "brand ANGRY"), post("2", "brand", "brand news"),
			post("3", "bob", "unrelated ANGRY"), {Platform: core.PlatformX, NativeID: "4", Text: "brand no date"}},
		{post("1", "sara", "brand ANGRY"), post("5", "bob", "brand fine")},
	}}
	spec := SourceSpec{Name: "x", Source: src}
	e := mustEngine(t, db, Policy{}, allCanReply, spec)
	r1, err := e.Poll(bg, spec)
	if err != nil {
		t.Fatal(err)
	}
	if r1.Stored != 1 || r1.Duplicates != 1 || r1.Dropped != 3 || !r1.More {
		t.Fatalf("first poll=%+v, want 1 stored, 1 in-batch duplicate, 3 dropped (own, off-topic, invalid)", r1)
	}
	r2, err := e.Poll(bg, spec)
	if err != nil {
		t.Fatal(err)
	}
	if r2.Stored != 1 || r2.Duplicates != 1 || r2.Cases != 0 {
		t.Fatalf("second poll=%+v, want 1 stored and the repeat of 1 skipped", r2)
	}
	if n, _ := db.MentionCount(bg); n != 2 {
		t.Fatalf("%d mentions stored, want 2", n)
	}
	// A scoped source (@mentions) skips the keyword filter, not the own-account one.
	scoped := SourceSpec{Name: "x/mentions", Scoped: true, Source: &sliceSource{batches: [][]core.Mention{
		{post("10", "sara", "you never answer ANGRY"), post("11", "brand", "our news")}}}}
	r3, err := e.Poll(bg, scoped)
	if err != nil || r3.Stored != 1 || r3.Dropped != 1 || r3.Cases != 1 {
		t.Fatalf("scoped poll=%+v,%v, want 1 stored with a case and the own post dropped", r3, err)
	}
}

func TestEngine_ThankYouWindowAcrossPolls(t *testing.T) {
	t.Parallel()
	db := mustStore(t)
	src := &sliceSource{batches: [][]core.Mention{{post("1", "ali", "brand INVITE")}, {post("2", "ali", "brand INVITE")}}}
	spec := SourceSpec{Name: "x", Source: src}
	e := mustEngine(t, db, thankPolicy, allCanReply, spec)
	now := t0
	e.SetClock(func() time.Time { return now })
	e.Poll(bg, spec)
	now = now.Add(23 * time.Hour) // inside the 24h window
	e.Poll(bg, spec)
	if acts, _ := db.Actions(bg, store.ActionFilter{Kind: core.ActionThankPublic}); len(acts) != 1 {
		t.Fatalf("%d public thank-yous inside the window, want 1", len(acts))
	}
	src.batches = append(src.batches, []core.Mention{post("3", "ali", "brand INVITE")})
	now = now.Add(2 * time.Hour) // past the window
	e.Poll(bg, spec)
	if acts, _ := db.Actions(bg, store.ActionFilter{Kind: core.ActionThankPublic}); len(acts) != 2 {
		t.Fatalf("%d public thank-yous after the window, want 2", len(acts))
	}
	// The loop guard, when longer, wins over the thank-you window.
	e.cfg.Policy.ReplyWindow = 72 * time.Hour
	src.batches = append(src.batches, []core.Mention{post("4", "ali", "brand INVITE")})
	now = now.Add(48 * time.Hour)
	e.Poll(bg, spec)
	if acts, _ := db.Actions(bg, store.ActionFilter{Kind: core.ActionThankPublic}); len(acts) != 2 {
		t.Fatalf("%d public thank-yous inside the reply window, want still 2", len(acts))
	}
}

func TestEngine_Recovery(t *testing.T) {
	t.Parallel()
	db := mustStore(t)
	src := &sliceSource{batches: [][]core.Mention{{post("1", "sara", "brand ANGRY")}}}
	spec := SourceSpec{Name: "x", Source: src}
	e := mustEngine(t, db, Policy{RecoveryWindow: 48 * time.Hour}, allCanReply, spec)
	if _, err := e.Poll(bg, spec); err != nil {
		t.Fatal(err)
	}
	c, _ := db.CaseByMention(bg, "x:1")
	if _, _, err := db.UpdateCase(bg, c.ID, func(c *core.Case) ([]core.Action, error) {
		return nil, c.Responded("42", false, t0.Add(10*time.Minute))
	}); err != nil {
		t.Fatal(err)
	}
	happy := post("2", "sara", "brand HAPPY now")
	happy.CreatedAt = t0.Add(5 * time.Hour)
	src.batches = append(src.batches, []core.Mention{happy})
	if _, err := e.Poll(bg, spec); err != nil {
		t.Fatal(err)
	}
	c, _ = db.Case(bg, c.ID)
	if c.RecoveredBy != "x:2" {
		t.Fatalf("case after a happy follow-up=%+v, want recovered by x:2", c)
	}
	if acts, _ := db.Actions(bg, store.ActionFilter{Kind: core.ActionCaseUpdate}); len(acts) != 1 {
		t.Fatalf("%d case updates, want 1 to show the recovery", len(acts))
	}
}

// recordingSleep records the waits the engine asks for and stops it after n.
type recordingSleep struct {
	mu     sync.Mutex
	waits  []time.Duration
	n      int
	cancel context.CancelFunc
}

func (r *recordingSleep) sleep(ctx context.Context, d time.Duration) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.waits = append(r.waits, d)
	if len(r.waits) >= r.n {
		r.cancel()
		return context.Canceled
	}
	return ctx.Err()
}

func TestEngine_Backoff(t *testing.T) {
	t.Parallel()
	db := mustStore(t)
	boom := errors.New("HTTP 502")
	src := &sliceSource{
		errs:    []error{boom, boom, boom, &core.RateLimitError{Platform: core.PlatformX, RetryAfter: 7 * time.Minute}, boom},
		batches: [][]core.Mention{{post("1", "sara", "brand ok")}},
	}
	spec := SourceSpec{Name: "x", Source: src, Interval: time.Hour}
	e, err := New(db, ruleAnalyzer{}, keywordMatcher{}, allCanReply, []SourceSpec{spec},
		Config{BackoffMin: time.Second, BackoffMax: 3 * time.Second}, discard())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(bg)
	rec := &recordingSleep{n: 6, cancel: cancel}
	e.sleep = rec.sleep
	e.cfg.Jitter = 0
	if err := e.Run(ctx); err != nil {
		t.Fatal(err)
	}
	want := []time.Duration{time.Second, 2 * time.Second, 3 * time.Second, 7 * time.Minute, 3 * time.Second, time.Hour}
	if fmt.Sprint(rec.waits) != fmt.Sprint(want) {
		t.Fatalf("waits=%v, want %v (doubling, capped, Retry-After honoured, interval after success)", rec.waits, want)
	}
}

func TestNew_Errors(t *testing.T) {
	t.Parallel()
	db := mustStore(t)
	src := &sliceSource{}
	tests := []struct {
		name  string
		specs []SourceSpec
		cfg   Config
		want  string
	}{
		{"DuplicateName", []SourceSpec{{Name: "a", Source: src}, {Name: "a", Source: src}}, Config{}, `two sources are named "a"`},
		{"NoConnector", []SourceSpec{{Name: "a"}}, Config{}, "no connector"},
		{"BadMode", nil, Config{Policy: Policy{ThankMode: "sometimes"}}, "thank_you.mode"},
		{"NoFallbackTemplate", nil, Config{Policy: Policy{ThankMode: ThankAuto}}, "thank_you.templates.en"},
		{"Jitter", nil, Config{Jitter: 1.5}, "jitter"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(db, ruleAnalyzer{}, nil, nil, tt.specs, tt.cfg, discard())
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("New err=%v, want it to mention %q", err, tt.want)
			}
		})
	}
}
