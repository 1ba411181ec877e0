package digest

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock is a clock tests move by hand. After registers a timer that
// fires when the clock is set at or past it, and reports each wait on
// waits, so a test knows the loop is blocked before it moves the clock.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	timers []fakeTimer
	waits  chan time.Duration
}

type fakeTimer struct {
	at time.Time
	ch chan time.Time
}

func newFakeClock(t time.Time) *fakeClock {
	return &fakeClock{now: t, waits: make(chan time.Duration, 64)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	ch := make(chan time.Time, 1)
	if d <= 0 {
		ch <- c.now
	} else {
		c.timers = append(c.timers, fakeTimer{at: c.now.Add(d), ch: ch})
	}
	c.mu.Unlock()
	c.waits <- d
	return ch
}

// Set moves the clock to t and fires the timers due by then.
func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
	kept := c.timers[:0]
	for _, tm := range c.timers {
		if tm.at.After(t) {
			kept = append(kept, tm)
			continue
		}
		tm.ch <- t
	}
	c.timers = kept
}

// nextWait waits until the loop blocks on the clock and returns how long
// it asked to wait.
func (c *fakeClock) nextWait(tb testing.TB) time.Duration {
	tb.Helper()
	select {
	case d := <-c.waits:
		return d
	case <-time.After(10 * time.Second):
		tb.Fatal("the loop never waited on the clock")
		return 0
	}
}

type sent struct {
	text string
	png  []byte
}

// recordingSender records digests; fail, when set, decides each outcome.
type recordingSender struct {
	mu    sync.Mutex
	got   []sent
	calls int
	fail  func(call int) error
}

func (s *recordingSender) SendDigest(ctx context.Context, text string, png []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	if s.fail != nil {
		if err := s.fail(s.calls); err != nil {
			return err
		}
	}
	s.got = append(s.got, sent{text, png})
	return nil
}

func (s *recordingSender) sent() []sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]sent(nil), s.got...)
}

// run starts d.Run and returns a function that stops it and checks it
// returned nil.
func run(tb testing.TB, d *Digester) (stop func()) {
	tb.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	return func() {
		tb.Helper()
		cancel()
		select {
		case err := <-done:
			if err != nil {
				tb.Fatalf("Run returned %v, want nil", err)
			}
		case <-time.After(10 * time.Second):
			tb.Fatal("Run did not return after its context ended")
		}
	}
}

func newScheduled(tb testing.TB, clk *fakeClock, s Sender, db Store) *Digester {
	tb.Helper()
	d, err := New(Config{Time: "09:00", Timezone: "Asia/Tehran", Lang: "en"}, db, s, discard())
	if err != nil {
		tb.Fatal(err)
	}
	d.SetClock(clk.Now, clk.After)
	return d
}

func sentDays(s *recordingSender) []string {
	var out []string
	for _, x := range s.sent() {
		first, _, _ := strings.Cut(x.text, "\n")
		out = append(out, first)
	}
	return out
}

func TestDigester_Next(t *testing.T) {
	t.Parallel()
	d := MustNew(t, MustOpenStore(t), Config{Time: "09:00"}, nil, asOf)
	midnight := MustNew(t, MustOpenStore(t), Config{Time: "00:00"}, nil, asOf)
	utc := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name     string
		d        *Digester
		from     string
		wantNext string
	}{
		// 23:59 in Tehran on the 22nd is 20:29 UTC: the next 09:00 in
		// Tehran is on the 23rd, 05:30 UTC.
		{"BeforeLocalMidnight", d, "2026-11-22T20:29:00Z", "2026-11-23T05:30:00Z"},
		{"AfterLocalMidnight", d, "2026-11-22T20:31:00Z", "2026-11-23T05:30:00Z"},
		{"AtTheTime", d, "2026-11-23T05:30:00Z", "2026-11-24T05:30:00Z"},
		{"JustBefore", d, "2026-11-23T05:29:59Z", "2026-11-23T05:30:00Z"},
		// Midnight in Tehran is 20:30 UTC the day before.
		{"Midnight", midnight, "2026-11-22T20:29:00Z", "2026-11-22T20:30:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.d.Next(utc(tt.from))
			if !got.Equal(utc(tt.wantNext)) {
				t.Fatalf("Next(%s)=%s, want %s", tt.from, got.UTC().Format(time.RFC3339), tt.wantNext)
			}
		})
	}
	if got := d.Yesterday(utc("2026-11-22T20:31:00Z")).Format("2006-01-02"); got != "2026-11-22" {
		t.Fatalf("Yesterday(00:01 on the 23rd in Tehran)=%s, want 2026-11-22", got)
	}
	if got := d.Yesterday(utc("2026-11-22T20:29:00Z")).Format("2006-01-02"); got != "2026-11-21" {
		t.Fatalf("Yesterday(23:59 on the 22nd in Tehran)=%s, want 2026-11-21", got)
	}
}

func TestDigester_Run_AcrossDaysAndRestarts(t *testing.T) {
	t.Parallel()
	db := MustOpenStore(t)
	s := &recordingSender{}
	clk := newFakeClock(at(0, 8, 0)) // 08:00 on the 22nd in Tehran
	d := newScheduled(t, clk, s, db)

	stop := run(t, d)
	// Yesterday's 09:00 is 23h ago, beyond the catch-up: nothing is sent,
	// and the loop waits one hour for 09:00.
	if w := clk.nextWait(t); w != time.Hour {
		t.Fatalf("first wait %s, want 1h", w)
	}
	if n := len(s.sent()); n != 0 {
		t.Fatalf("sent %d digests before 09:00, want 0", n)
	}
	clk.Set(at(0, 9, 0))
	if w := clk.nextWait(t); w != 24*time.Hour {
		t.Fatalf("wait after sending %s, want 24h", w)
	}
	// Across Tehran's midnight (20:30 UTC) nothing happens until 09:00.
	clk.Set(at(0, 23, 59))
	clk.Set(at(1, 0, 1))
	clk.Set(at(1, 9, 0))
	if w := clk.nextWait(t); w != 24*time.Hour {
		t.Fatalf("wait after the second digest %s, want 24h", w)
	}
	stop()
	want := []string{
		"Shenava daily digest: Saturday 21 November 2026 (Asia/Tehran)",
		"Shenava daily digest: Sunday 22 November 2026 (Asia/Tehran)",
	}
	if got := sentDays(s); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("sent %q, want %q", got, want)
	}
	if day, _ := db.LastDigestDay(ctx); day != "2026-11-22" {
		t.Fatalf("LastDigestDay=%q, want 2026-11-22", day)
	}

	// A restart the same morning does not send the 22nd again.
	clk.Set(at(1, 9, 30))
	stop = run(t, d)
	if w := clk.nextWait(t); w != 23*time.Hour+30*time.Minute {
		t.Fatalf("wait after a restart %s, want 23h30m", w)
	}
	stop()
	if n := len(s.sent()); n != 2 {
		t.Fatalf("after a restart %d digests were sent, want still 2", n)
	}

	// Down at 09:00 on the 24th, back at 10:00: the 23rd is caught up at
	// once.
	clk.Set(at(2, 10, 0))
	stop = run(t, d)
	if w := clk.nextWait(t); w != 23*time.Hour {
		t.Fatalf("wait after catching up %s, want 23h", w)
	}
	stop()
	if got := sentDays(s); len(got) != 3 || !strings.Contains(got[2], "23 November 2026") {
		t.Fatalf("after catching up sent %q, want the 23rd third", got)
	}

	// Down from then until 22:00 on the 25th: the 24th is too stale to
	// send (catch-up is 12h); the loop waits for 09:00 on the 26th.
	clk.Set(at(3, 22, 0))
	stop = run(t, d)
	if w := clk.nextWait(t); w != 11*time.Hour {
		t.Fatalf("wait past the catch-up %s, want 11h", w)
	}
	stop()
	if n := len(s.sent()); n != 3 {
		t.Fatalf("a stale digest was sent: %d digests, want 3", n)
	}
}

func TestDigester_Run_RetriesFailures(t *testing.T) {
	t.Parallel()
	db := MustOpenStore(t)
	s := &recordingSender{fail: func(call int) error {
		switch call {
		case 1:
			return errors.New("telegram: 502 bad gateway")
		case 2:
			panic("renderer bug")
		}
		return nil
	}}
	clk := newFakeClock(at(0, 9, 0))
	d := newScheduled(t, clk, s, db)
	stop := run(t, d)
	defer stop()
	if w := clk.nextWait(t); w != time.Minute {
		t.Fatalf("wait after a failed delivery %s, want 1m", w)
	}
	clk.Set(at(0, 9, 1))
	if w := clk.nextWait(t); w != 2*time.Minute {
		t.Fatalf("wait after a panic %s, want 2m", w)
	}
	clk.Set(at(0, 9, 3))
	if w := clk.nextWait(t); w != 24*time.Hour-3*time.Minute {
		t.Fatalf("wait after success %s, want until tomorrow", w)
	}
	if got := sentDays(s); len(got) != 1 || !strings.Contains(got[0], "21 November") {
		t.Fatalf("sent %q, want the 21st once", got)
	}
}

// blockingSender holds a delivery until released.
type blockingSender struct {
	started chan struct{}
	release chan struct{}
	ctxErr  error
}

func (s *blockingSender) SendDigest(ctx context.Context, _ string, _ []byte) error {
	close(s.started)
	<-s.release
	s.ctxErr = ctx.Err()
	return nil
}

func TestDigester_Run_WaitsForDeliveryOnShutdown(t *testing.T) {
	t.Parallel()
	db := MustOpenStore(t)
	s := &blockingSender{started: make(chan struct{}), release: make(chan struct{})}
	clk := newFakeClock(at(0, 9, 0))
	d := newScheduled(t, clk, s, db)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	<-s.started
	cancel()
	select {
	case <-done:
		t.Fatal("Run returned while a delivery was under way")
	default:
	}
	close(s.release)
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run=%v, want nil", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after the delivery finished")
	}
	if s.ctxErr != nil {
		t.Fatalf("the delivery's context was cancelled by shutdown: %v", s.ctxErr)
	}
	if day, _ := db.LastDigestDay(context.Background()); day != "2026-11-21" {
		t.Fatalf("LastDigestDay=%q, want 2026-11-21 recorded after the delivery", day)
	}
}

func TestDigester_Run_NoSender(t *testing.T) {
	t.Parallel()
	d := MustNew(t, MustOpenStore(t), Config{}, nil, asOf)
	if err := d.Run(context.Background()); !errors.Is(err, ErrNoSender) {
		t.Fatalf("Run without a sender=%v, want ErrNoSender", err)
	}
}

func TestDigester_Day(t *testing.T) {
	t.Parallel()
	d := MustNew(t, MustOpenStore(t), Config{}, nil, asOf)
	tests := []struct {
		name string
		in   time.Time
		want string
	}{
		// 22:30 UTC on the 22nd is 02:00 on the 23rd in Tehran.
		{"InstantUTC", time.Date(2026, 11, 22, 22, 30, 0, 0, time.UTC), "2026-11-23"},
		{"InstantTehran", time.Date(2026, 11, 22, 23, 59, 0, 0, tehran), "2026-11-22"},
		{"LosAngelesEvening", time.Date(2026, 11, 22, 20, 0, 0, 0, mustLoad("America/Los_Angeles")), "2026-11-23"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := d.Day(tt.in)
			if got.Format("2006-01-02") != tt.want || got.Location().String() != "Asia/Tehran" || got.Hour() != 0 {
				t.Fatalf("Day(%s)=%s, want midnight %s in Tehran", tt.in, got, tt.want)
			}
		})
	}
	day, err := d.ParseDay("2026-11-22")
	if err != nil || !day.Equal(theDay) {
		t.Fatalf("ParseDay=%s,%v, want %s", day, err, theDay)
	}
	if _, err := d.ParseDay("22/11/2026"); err == nil {
		t.Fatal("ParseDay accepted 22/11/2026")
	}
}
