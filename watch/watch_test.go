package watch

import (
	"context"
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
	ctx    = context.Background()
	tehran = mustLoad("Asia/Tehran")
	// hour0 is the hour the spike tests look at: 14:00 UTC on 22 November
	// 2026, 17:30 in Tehran.
	hour0 = time.Date(2026, 11, 22, 14, 0, 0, 0, time.UTC)
)

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

func discard() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// The bbolt store is what runs behind the interface.
var _ Store = (*store.DB)(nil)

// MustOpenStore opens an empty store keeping its counters in Tehran's days.
func MustOpenStore(tb testing.TB) *store.DB {
	tb.Helper()
	return storetest.MustOpen(tb, store.Options{Location: tehran})
}

// clock is a settable clock.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

// MustNew builds a watcher on db with a clock the test moves.
func MustNew(tb testing.TB, db Store, cfg Config) (*Watcher, *clock) {
	tb.Helper()
	w, err := New(cfg, db, discard())
	if err != nil {
		tb.Fatalf("New: %v", err)
	}
	clk := &clock{}
	w.SetClock(clk.now)
	return w, clk
}

// seeder stores negative (or other) mentions at given times.
type seeder struct {
	tb testing.TB
	db *store.DB
	n  int
}

type post struct {
	handle string
	text   string
	label  core.Label
	score  float64
}

func (s *seeder) add(at time.Time, p post) core.Mention {
	s.tb.Helper()
	s.n++
	if p.label == "" {
		p.label = core.LabelNegative
	}
	if p.score == 0 {
		p.score = 0.8
	}
	if p.handle == "" {
		p.handle = fmt.Sprintf("user%d", s.n%50)
	}
	if p.text == "" {
		p.text = "meh"
	}
	rest := (1 - p.score) / 2
	sc := core.Scores{Negative: rest, Neutral: rest, Positive: rest}
	switch p.label {
	case core.LabelNegative:
		sc.Negative = p.score
	case core.LabelPositive:
		sc.Positive = p.score
	default:
		sc.Neutral = p.score
	}
	id := fmt.Sprint(10000 + s.n)
	m := core.Mention{
		Platform: core.PlatformX, NativeID: id, Source: "x", URL: "https://x.example/" + p.handle + "/" + id,
		Author: core.Author{ID: "id-" + p.handle, Handle: p.handle}, Text: p.text, CreatedAt: at, FetchedAt: at,
		Analysis: &core.Analysis{Lang: "en", Label: p.label, Scores: sc},
	}
	if _, err := s.db.SaveBatch(ctx, "x", "", []core.Decision{{Mention: m}}, at); err != nil {
		s.tb.Fatal(err)
	}
	return m
}

// hour stores n negative mentions spread over one hour.
func (s *seeder) hour(start time.Time, n int, p post) {
	s.tb.Helper()
	var ds []core.Decision
	for i := range n {
		s.n++
		at := start.Add(time.Duration(i*59/max(n, 1))*time.Minute + time.Second)
		id := fmt.Sprint(10000 + s.n)
		handle := p.handle
		if handle == "" {
			handle = fmt.Sprintf("user%d", s.n%50)
		}
		ds = append(ds, core.Decision{Mention: core.Mention{
			Platform: core.PlatformX, NativeID: id, Source: "x", URL: "https://x.example/" + handle + "/" + id,
			Author: core.Author{ID: "id-" + handle, Handle: handle}, Text: "meh " + id, CreatedAt: at, FetchedAt: at,
			Analysis: &core.Analysis{Lang: "en", Label: core.LabelNegative,
				Scores: core.Scores{Negative: 0.7, Neutral: 0.2, Positive: 0.1}},
		}})
	}
	if len(ds) == 0 {
		return
	}
	if _, err := s.db.SaveBatch(ctx, "x", "", ds, start); err != nil {
		s.tb.Fatal(err)
	}
}

// series stores counts[i] negative mentions in the hour start+i.
func (s *seeder) series(start time.Time, counts []int) {
	s.tb.Helper()
	for i, n := range counts {
		s.hour(start.Add(time.Duration(i)*time.Hour), n, post{})
	}
}

func keysOf(as []core.Action) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.DedupKey)
	}
	return out
}

func TestConfig_Validate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  Config
		want []string
	}{
		{"Defaults", Config{}, nil},
		{"OK", Config{Interval: 30 * time.Second, Lang: "en", Spike: SpikeConfig{Enabled: true, K: 2.5, MinCount: 3},
			SLA: SLAConfig{RemindAfter: []time.Duration{10 * time.Minute, time.Hour}}}, nil},
		{"SLADisabledNoSteps", Config{SLA: SLAConfig{Disabled: true, RemindAfter: []time.Duration{}}}, nil},
		{"ErrSteps", Config{SLA: SLAConfig{RemindAfter: []time.Duration{time.Hour, 15 * time.Minute, -time.Minute}}},
			[]string{"sla.remind_after[1]", "sla.remind_after[2]"}},
		{"ErrNoSteps", Config{SLA: SLAConfig{RemindAfter: []time.Duration{}}}, []string{"sla.remind_after"}},
		{"ErrSpike", Config{Spike: SpikeConfig{Enabled: true, K: -1, MinCount: -2, Terms: 50}},
			[]string{"spike.k", "spike.min_count", "spike.top_terms"}},
		{"ErrGeneral", Config{Interval: time.Millisecond, Timezone: "Mars/Base", Lang: "de"},
			[]string{"watch.interval", "watch.timezone", "watch.lang"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("Validate()=%v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate()=nil, want an error naming %v", tt.want)
			}
			for _, k := range tt.want {
				if !strings.Contains(err.Error(), k) {
					t.Errorf("Validate()=%q does not name %s", err, k)
				}
			}
		})
	}
}

// fakeTicker hands Run a channel the test ticks.
type fakeTicker struct {
	c       chan time.Time
	stopped chan struct{}
}

func (f *fakeTicker) new(time.Duration) (<-chan time.Time, func()) {
	return f.c, func() { close(f.stopped) }
}

func TestWatcher_Run(t *testing.T) {
	t.Parallel()
	db := MustOpenStore(t)
	woken := 0
	w, _ := MustNew(t, db, Config{
		SLA: SLAConfig{RemindAfter: []time.Duration{15 * time.Minute, time.Hour}}, OnQueued: func() { woken++ }})
	tk := &fakeTicker{c: make(chan time.Time), stopped: make(chan struct{})}
	w.SetTicker(tk.new)

	opened := hour0
	m := core.Mention{Platform: core.PlatformX, NativeID: "case-1", Author: core.Author{ID: "u"}, Text: "broken",
		CreatedAt: opened, Analysis: &core.Analysis{Label: core.LabelNegative, Scores: core.Scores{Negative: 0.9}}}
	if _, err := db.SaveBatch(ctx, "x", "", []core.Decision{{Mention: m, OpenCase: true}}, opened); err != nil {
		t.Fatal(err)
	}

	// Each check reads the clock once (spikes are off): the first at
	// 16 minutes, the next ones at 61.
	var mu sync.Mutex
	times := []time.Time{opened.Add(16 * time.Minute), opened.Add(61 * time.Minute)}
	w.SetClock(func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		t := times[0]
		if len(times) > 1 {
			times = times[1:]
		}
		return t
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	// Run checks at once and takes a tick only after a check is done.
	tk.c <- time.Time{}
	tk.c <- time.Time{}
	c, err := db.CaseByMention(context.Background(), m.Key())
	if err != nil || c.Reminders != 2 {
		t.Fatalf("after two checks Reminders=%d (%v), want 2", c.Reminders, err)
	}
	acts, err := db.Actions(context.Background(), store.ActionFilter{Kind: core.ActionNotify})
	if got := strings.Join(keysOf(acts), " "); err != nil || got != fmt.Sprintf("sla:%d:15m sla:%d:1h", c.ID, c.ID) {
		t.Fatalf("notices %q (%v), want the 15m and 1h re-pings", got, err)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run=%v, want nil", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after its context ended")
	}
	<-tk.stopped
	if woken != 2 {
		t.Fatalf("OnQueued called %d times, want 2", woken)
	}
}

func storeNotify() store.ActionFilter { return store.ActionFilter{Kind: core.ActionNotify} }
