package listen

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/store"
)

// recorder is a Replier and an Alerter that records what it was asked to
// send and fails as told.
type recorder struct {
	mu    sync.Mutex
	sent  []string
	fail  []error // consumed one per call, before succeeding
	caps  core.Capabilities
	block chan struct{} // when set, calls wait for it
}

func (r *recorder) do(what string) (string, error) {
	if r.block != nil {
		<-r.block
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.fail) > 0 {
		err := r.fail[0]
		r.fail = r.fail[1:]
		return "", err
	}
	r.sent = append(r.sent, what)
	return fmt.Sprint("ref-", len(r.sent)), nil
}

func (r *recorder) Sent() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.sent...)
}

func (r *recorder) Reply(_ context.Context, m core.Mention, text string) (string, error) {
	return r.do("reply " + m.Key() + " " + text)
}
func (r *recorder) DirectMessage(_ context.Context, m core.Mention, text string) (string, error) {
	return r.do("dm " + m.Key() + " " + text)
}
func (r *recorder) Capabilities() core.Capabilities { return r.caps }
func (r *recorder) Alert(ctx context.Context, c core.Case, m core.Mention) (string, error) {
	return r.do(fmt.Sprintf("%salert case %d %s", repeat(ctx), c.ID, m.Key()))
}
func (r *recorder) UpdateAlert(_ context.Context, c core.Case, _ core.Mention) error {
	_, err := r.do(fmt.Sprintf("update case %d %s", c.ID, c.State))
	return err
}
func (r *recorder) Notify(ctx context.Context, a core.Action, _ *core.Mention) (string, error) {
	return r.do(repeat(ctx) + "notify " + a.Topic + " " + a.Text)
}

// repeat marks what the outbox sent again because its first delivery was
// in doubt.
func repeat(ctx context.Context) string {
	if core.IsRepeat(ctx) {
		return "repeat "
	}
	return ""
}

// clock is a settable clock safe for concurrent reads.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

type outboxFixture struct {
	db       *store.DB
	alerts   *recorder
	replies  *recorder
	outbox   *Outbox
	clock    *clock
	caseID   uint64
	mention  core.Mention
	thankKey string
}

func newOutboxFixture(t *testing.T, cfg OutboxConfig) *outboxFixture {
	t.Helper()
	f := &outboxFixture{db: mustStore(t), alerts: &recorder{}, replies: &recorder{caps: core.Capabilities{Reply: true, DirectMessage: true}},
		clock: &clock{now: t0}}
	f.outbox = NewOutbox(f.db, f.alerts, map[core.Platform]Replier{core.PlatformX: f.replies}, cfg, discard())
	f.outbox.SetClock(f.clock.Now)
	f.mention = post("1", "sara", "brand ANGRY")
	f.mention.Analysis = &core.Analysis{Label: core.LabelNegative, Scores: core.Scores{Negative: 0.9}}
	res, err := f.db.SaveBatch(bg, "x", "", []core.Decision{{
		Mention: f.mention, OpenCase: true,
		Actions: []core.Action{{Kind: core.ActionAlert, DedupKey: "alert:x:1", MentionKey: "x:1", CreatedAt: t0}},
	}}, t0)
	if err != nil {
		t.Fatal(err)
	}
	f.caseID = res.Cases[0].ID
	return f
}

func (f *outboxFixture) reply(t *testing.T, key, text string) core.Action {
	t.Helper()
	_, q, err := f.db.UpdateCase(bg, f.caseID, func(c *core.Case) ([]core.Action, error) {
		return []core.Action{{Kind: core.ActionReplyPublic, DedupKey: key, Text: text, Actor: "42", CreatedAt: f.clock.Now()}}, c.Responded("42", false, f.clock.Now())
	})
	if err != nil || len(q) != 1 {
		t.Fatalf("queue reply: %v %+v", err, q)
	}
	return q[0]
}

func TestOutbox_Delivers(t *testing.T) {
	t.Parallel()
	f := newOutboxFixture(t, OutboxConfig{})
	f.reply(t, "r1", "Sorry {author}, DM us")
	// The alert, the reply, then the alert's edit saying the reply went out.
	n, err := f.outbox.Drain(bg)
	if err != nil || n != 3 {
		t.Fatalf("Drain=%d,%v, want 3", n, err)
	}
	if got := f.alerts.Sent(); len(got) != 2 || got[0] != fmt.Sprintf("alert case %d x:1", f.caseID) || got[1] != fmt.Sprintf("update case %d replied", f.caseID) {
		t.Fatalf("alerts=%q", got)
	}
	if got := f.replies.Sent(); len(got) != 1 || got[0] != "reply x:1 Sorry @sara, DM us" {
		t.Fatalf("replies=%q", got)
	}
	c, _ := f.db.Case(bg, f.caseID)
	if len(c.Alerts) != 1 || c.Alerts[0] != "ref-1" {
		t.Fatalf("case alerts=%v, want the alerter's ref", c.Alerts)
	}
	done, _ := f.db.Actions(bg, store.ActionFilter{State: core.ActionDone})
	if len(done) != 3 || done[2].Kind != core.ActionCaseUpdate {
		t.Fatalf("%d actions done (%+v), want 3 ending with the alert's edit", len(done), done)
	}
	if n, _ := f.outbox.Drain(bg); n != 0 {
		t.Fatalf("a second Drain executed %d actions, want 0", n)
	}
}

func TestOutbox_RetryWithBackoff(t *testing.T) {
	t.Parallel()
	f := newOutboxFixture(t, OutboxConfig{BackoffMin: time.Minute, BackoffMax: time.Hour})
	f.alerts.fail = []error{errors.New("HTTP 502"), errors.New("connection reset")}
	f.outbox.Drain(bg)
	a, _ := f.db.Action(bg, 1)
	if a.State != core.ActionPending || a.Attempts != 1 || a.LastError != "HTTP 502" {
		t.Fatalf("after one failure=%+v", a)
	}
	if wait := a.NextAttemptAt.Sub(t0); wait < 48*time.Second || wait > 72*time.Second {
		t.Fatalf("first retry in %v, want about 1m", wait)
	}
	f.clock.Add(30 * time.Second)
	if n, _ := f.outbox.Drain(bg); n != 0 {
		t.Fatal("retried before the backoff ended")
	}
	f.clock.Add(45 * time.Second)
	f.outbox.Drain(bg) // second failure
	a, _ = f.db.Action(bg, 1)
	if wait := a.NextAttemptAt.Sub(f.clock.Now()); a.Attempts != 2 || wait < 96*time.Second || wait > 144*time.Second {
		t.Fatalf("second retry in %v after %d attempts, want about 2m after 2", wait, a.Attempts)
	}
	f.clock.Add(3 * time.Minute)
	f.outbox.Drain(bg)
	if a, _ = f.db.Action(bg, 1); a.State != core.ActionDone || len(f.alerts.Sent()) != 1 {
		t.Fatalf("after recovery=%+v sent=%v", a, f.alerts.Sent())
	}
}

func TestOutbox_RetryAfter(t *testing.T) {
	t.Parallel()
	f := newOutboxFixture(t, OutboxConfig{})
	f.alerts.fail = []error{fmt.Errorf("telegram: %w", &core.RateLimitError{Platform: core.PlatformTelegram, RetryAfter: 42 * time.Second})}
	f.outbox.Drain(bg)
	a, _ := f.db.Action(bg, 1)
	if a.State != core.ActionPending || !a.NextAttemptAt.Equal(t0.Add(42*time.Second)) || a.Attempts != 0 {
		t.Fatalf("after 429=%+v, want pending at +42s with no attempt counted", a)
	}
}

func TestOutbox_GivesUp(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		cfg  OutboxConfig
		runs int
	}{
		{"Permanent", core.Permanent(errors.New("HTTP 403: not allowed to reply")), OutboxConfig{}, 1},
		{"Unsupported", fmt.Errorf("rss: %w", core.ErrUnsupported), OutboxConfig{}, 1},
		{"MaxAttempts", errors.New("HTTP 500"), OutboxConfig{MaxAttempts: 3, BackoffMin: time.Second, BackoffMax: time.Second}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newOutboxFixture(t, tt.cfg)
			f.outbox.Drain(bg) // the alert
			r := f.reply(t, "r1", "hello")
			for range tt.runs {
				f.replies.fail = append(f.replies.fail, tt.err)
			}
			for range tt.runs {
				f.outbox.Drain(bg)
				f.clock.Add(2 * time.Second)
			}
			a, _ := f.db.Action(bg, r.ID)
			if a.State != core.ActionFailed || a.Attempts != tt.runs {
				t.Fatalf("reply=%+v, want failed after %d attempts", a, tt.runs)
			}
			f.outbox.Drain(bg)
			notes := f.alerts.Sent()
			if last := notes[len(notes)-1]; !strings.HasPrefix(last, "notify delivery_failed #2 reply_public (case 1)") {
				t.Fatalf("managers were told %q, want a delivery_failed notice", last)
			}
		})
	}
}

func TestOutbox_ResumeAfterReopen(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "shenava.db")
	open := func() *store.DB {
		db, err := store.Open(path, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return db
	}
	db := open()
	var acts []core.Action
	for i := range 4 {
		acts = append(acts, core.Action{Kind: core.ActionNotify, DedupKey: fmt.Sprint("n", i), Text: fmt.Sprint("note ", i), CreatedAt: t0})
	}
	if _, err := db.Enqueue(bg, acts...); err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	ob := NewOutbox(db, rec, nil, OutboxConfig{Workers: 1, Batch: 1}, discard())
	ob.SetClock(func() time.Time { return t0 })
	if _, err := ob.RunOnce(bg); err != nil { // note 0 delivered
		t.Fatal(err)
	}
	if _, err := db.ClaimDue(bg, t0, 1); err != nil { // note 1 caught mid-send by a crash
		t.Fatal(err)
	}
	db.Close()

	db = open()
	defer db.Close()
	ob = NewOutbox(db, rec, nil, OutboxConfig{Workers: 1, Batch: 1}, discard())
	ob.SetClock(func() time.Time { return t0 })
	if err := ob.Recover(bg); err != nil {
		t.Fatal(err)
	}
	if _, err := ob.Drain(bg); err != nil {
		t.Fatal(err)
	}
	// Notices to the managers are at-least-once: the interrupted one goes
	// again, marked as a repeat, and nothing is left in doubt.
	want := []string{"notify  note 0", "repeat notify  note 1", "notify  note 2", "notify  note 3"}
	if got := rec.Sent(); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("sent=%q\nwant %q (the interrupted one repeated, the others once)", got, want)
	}
	if doubt, _ := db.Actions(bg, store.ActionFilter{State: core.ActionInDoubt}); len(doubt) != 0 {
		t.Fatalf("%d actions in doubt after a restart, want 0", len(doubt))
	}
}

// A restarted outbox counts the answers sent before it started: a restart,
// or a crash loop, gets no fresh allowance.
func TestOutbox_RateCapSurvivesRestart(t *testing.T) {
	t.Parallel()
	cfg := OutboxConfig{Workers: 1, RateCaps: map[core.Platform][]RateCap{core.PlatformX: {{N: 2, Per: time.Minute}, {N: 3, Per: time.Hour}}}}
	f := newOutboxFixture(t, cfg)
	for i := range 2 {
		f.reply(t, fmt.Sprint("r", i), fmt.Sprint("reply ", i))
	}
	f.outbox.Drain(bg)
	f.clock.Add(10 * time.Second)
	restart := func() {
		f.outbox = NewOutbox(f.db, f.alerts, map[core.Platform]Replier{core.PlatformX: f.replies}, cfg, discard())
		f.outbox.SetClock(f.clock.Now)
		if err := f.outbox.Recover(bg); err != nil {
			t.Fatal(err)
		}
	}
	restart()
	f.reply(t, "r2", "reply 2")
	f.outbox.Drain(bg)
	if got := len(f.replies.Sent()); got != 2 {
		t.Fatalf("%d replies within a minute across a restart, want the cap of 2", got)
	}
	f.clock.Add(time.Minute)
	restart()
	f.reply(t, "r3", "reply 3")
	f.outbox.Drain(bg)
	if got := len(f.replies.Sent()); got != 3 {
		t.Fatalf("%d replies within the hour across two restarts, want the cap of 3", got)
	}
}

func TestOutbox_RateCap(t *testing.T) {
	t.Parallel()
	f := newOutboxFixture(t, OutboxConfig{Workers: 1, RateCaps: map[core.Platform][]RateCap{core.PlatformX: {{N: 2, Per: time.Minute}, {N: 3, Per: time.Hour}}}})
	for i := range 3 {
		f.reply(t, fmt.Sprint("r", i), fmt.Sprint("reply ", i))
	}
	f.outbox.Drain(bg)
	if got := len(f.replies.Sent()); got != 2 {
		t.Fatalf("%d replies within a minute, want the cap of 2", got)
	}
	a, _ := f.db.Action(bg, 4)
	if a.State != core.ActionPending || a.Attempts != 0 || !a.NextAttemptAt.Equal(t0.Add(time.Minute)) {
		t.Fatalf("capped reply=%+v, want pending until the window frees", a)
	}
	f.clock.Add(time.Minute)
	f.outbox.Drain(bg)
	if got := len(f.replies.Sent()); got != 3 {
		t.Fatalf("%d replies after the window, want 3", got)
	}
	// The hourly cap of 3 is reached: the fourth waits for the first to age out.
	fourth := f.reply(t, "r3", "reply 3")
	f.clock.Add(time.Minute)
	f.outbox.Drain(bg)
	a, _ = f.db.Action(bg, fourth.ID)
	if len(f.replies.Sent()) != 3 || !a.NextAttemptAt.Equal(t0.Add(time.Hour)) {
		t.Fatalf("fourth reply=%+v after %d sent, want it held until the hour since the first", a, len(f.replies.Sent()))
	}
}

// Shutdown lets a send in progress finish and records it.
func TestOutbox_ShutdownFinishesInFlight(t *testing.T) {
	t.Parallel()
	f := newOutboxFixture(t, OutboxConfig{Poll: time.Hour})
	f.alerts.block = make(chan struct{})
	ctx, cancel := context.WithCancel(bg)
	done := make(chan error)
	go func() { done <- f.outbox.Run(ctx) }()
	// Wait until the alert is being sent.
	deadline := time.After(10 * time.Second)
	for {
		if a, _ := f.db.Action(bg, 1); a.State == core.ActionSending {
			break
		}
		select {
		case <-deadline:
			t.Fatal("the alert was never claimed")
		case <-time.After(5 * time.Millisecond):
		}
	}
	cancel()
	close(f.alerts.block)
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
	if a, _ := f.db.Action(bg, 1); a.State != core.ActionDone {
		t.Fatalf("in-flight alert after shutdown=%s, want done", a.State)
	}
}

// platform is a Replier that keeps what it posted and can be read back
// (a Reconciler), like a Mastodon or X account. lose makes the next posts
// go through with their answer lost.
type platform struct {
	mu     sync.Mutex
	held   []string // "reply x:1 text", in order
	lose   int
	reads  int
	noRead bool
}

func (p *platform) post(what string) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.held = append(p.held, what)
	ref := fmt.Sprint("post-", len(p.held))
	if p.lose > 0 {
		p.lose--
		return "", fmt.Errorf("POST: connection reset: %w", core.ErrInDoubt)
	}
	return ref, nil
}

func (p *platform) Held() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.held...)
}

func (p *platform) Reply(_ context.Context, m core.Mention, text string) (string, error) {
	return p.post("reply " + m.Key() + " " + text)
}
func (p *platform) DirectMessage(_ context.Context, m core.Mention, text string) (string, error) {
	return p.post("dm " + m.Key() + " " + text)
}
func (p *platform) Capabilities() core.Capabilities {
	return core.Capabilities{Reply: true, DirectMessage: true}
}

// readBack makes the platform a Reconciler.
type readBack struct{ *platform }

func (p readBack) FindAnswer(_ context.Context, m core.Mention, text string, private bool) (string, bool, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.reads++
	want := "reply " + m.Key() + " " + text
	if private {
		want = "dm " + m.Key() + " " + text
	}
	for i, h := range p.held {
		if h == want {
			return fmt.Sprint("post-", i+1), true, nil
		}
	}
	return "", false, nil
}

func TestOutbox_LostAnswerIsReadBack(t *testing.T) {
	p := &platform{lose: 1}
	f := newOutboxFixture(t, OutboxConfig{BackoffMin: time.Second, BackoffMax: time.Second})
	f.outbox = NewOutbox(f.db, f.alerts, map[core.Platform]Replier{core.PlatformX: readBack{p}}, OutboxConfig{BackoffMin: time.Second, BackoffMax: time.Second}, discard())
	f.outbox.SetClock(f.clock.Now)
	a := f.reply(t, "r1", "Sorry {author}, DM us")
	f.outbox.Drain(bg)
	f.clock.Add(2 * time.Second)
	f.outbox.Drain(bg)
	if got := p.Held(); len(got) != 1 || got[0] != "reply x:1 Sorry @sara, DM us" {
		t.Fatalf("the platform holds %q, want the reply once", got)
	}
	got, _ := f.db.Action(bg, a.ID)
	if got.State != core.ActionDone || got.Result != "post-1" || !got.Unsure || p.reads != 1 {
		t.Fatalf("action %s result %q unsure=%v after %d read-backs; want done with the post found, after one", got.State, got.Result, got.Unsure, p.reads)
	}
}

func TestOutbox_LostAnswerNotThereIsSent(t *testing.T) {
	p := &platform{}
	f := newOutboxFixture(t, OutboxConfig{})
	ob := NewOutbox(f.db, f.alerts, map[core.Platform]Replier{core.PlatformX: readBack{p}}, OutboxConfig{}, discard())
	ob.SetClock(f.clock.Now)
	a := f.reply(t, "r1", "Sorry")
	// A crash caught the reply before it reached the platform.
	if _, err := f.db.ClaimDue(bg, f.clock.Now(), 0); err != nil {
		t.Fatal(err)
	}
	if err := ob.Recover(bg); err != nil {
		t.Fatal(err)
	}
	ob.Drain(bg)
	if got := p.Held(); len(got) != 1 {
		t.Fatalf("the platform holds %q, want the reply sent once after the read-back", got)
	}
	if got, _ := f.db.Action(bg, a.ID); got.State != core.ActionDone || got.Result != "post-1" {
		t.Fatalf("action %s %q, want done", got.State, got.Result)
	}
	// The interrupted alert went again, as a repeat (the alert's edit for
	// the delivered reply is not an alert of its own).
	var alerts []string
	for _, s := range f.alerts.Sent() {
		if !strings.HasPrefix(s, "update ") {
			alerts = append(alerts, s)
		}
	}
	if len(alerts) != 1 || !strings.HasPrefix(alerts[0], "repeat alert case") {
		t.Fatalf("alerts=%q, want the interrupted alert repeated once", f.alerts.Sent())
	}
	if doubt, _ := f.db.Actions(bg, store.ActionFilter{State: core.ActionInDoubt}); len(doubt) != 0 {
		t.Fatalf("%d actions in doubt, want 0", len(doubt))
	}
}

func TestOutbox_CrashMidSendReadBack(t *testing.T) {
	p := &platform{}
	f := newOutboxFixture(t, OutboxConfig{})
	f.alerts.fail = nil
	ob := NewOutbox(f.db, f.alerts, map[core.Platform]Replier{core.PlatformX: readBack{p}}, OutboxConfig{}, discard())
	ob.SetClock(f.clock.Now)
	ob.Drain(bg) // the alert
	a := f.reply(t, "r1", "Sorry")
	// The reply reached the platform, then the process died before
	// recording it.
	if _, err := f.db.ClaimDue(bg, f.clock.Now(), 0); err != nil {
		t.Fatal(err)
	}
	p.post("reply x:1 Sorry")
	if err := ob.Recover(bg); err != nil {
		t.Fatal(err)
	}
	ob.Drain(bg)
	if got := p.Held(); len(got) != 1 {
		t.Fatalf("the platform holds %q, want the reply once", got)
	}
	if got, _ := f.db.Action(bg, a.ID); got.State != core.ActionDone || got.Result != "post-1" {
		t.Fatalf("action %s %q, want done with the post found", got.State, got.Result)
	}
}

func TestOutbox_LostAnswerNoReadBackIsReported(t *testing.T) {
	p := &platform{lose: 1}
	f := newOutboxFixture(t, OutboxConfig{})
	ob := NewOutbox(f.db, f.alerts, map[core.Platform]Replier{core.PlatformX: p}, OutboxConfig{}, discard())
	ob.SetClock(f.clock.Now)
	a := f.reply(t, "r1", "Sorry")
	ob.Drain(bg)
	f.clock.Add(time.Hour)
	ob.Drain(bg)
	if got := p.Held(); len(got) != 1 {
		t.Fatalf("the platform holds %q, want the reply once: never resent blindly", got)
	}
	if got, _ := f.db.Action(bg, a.ID); got.State != core.ActionInDoubt {
		t.Fatalf("action %s, want in_doubt", got.State)
	}
	var told bool
	for _, s := range f.alerts.Sent() {
		told = told || strings.HasPrefix(s, "notify in_doubt #")
	}
	if !told {
		t.Fatalf("managers were not told: %q", f.alerts.Sent())
	}
}

// Shut down while starting, the outbox returns no error: the daemon is
// stopping, nothing was claimed, and the next start recovers again.
func TestOutbox_StopDuringStart(t *testing.T) {
	t.Parallel()
	f := newOutboxFixture(t, OutboxConfig{})
	ctx, cancel := context.WithCancel(bg)
	cancel()
	if err := f.outbox.Run(ctx); err != nil {
		t.Fatalf("Run after shutdown began = %v, want nil", err)
	}
	if got := f.alerts.Sent(); len(got) != 0 {
		t.Fatalf("sent %q while stopping", got)
	}
}
