package watch

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shenava/shenava/core"
)

// openCase stores a negative mention and opens its case at opened.
// testSteps are the reminder steps the SLA tests are written for.
var testSteps = []time.Duration{15 * time.Minute, time.Hour, 4 * time.Hour}

func openCase(t *testing.T, s *seeder, opened time.Time, label core.Label) uint64 {
	t.Helper()
	s.n++
	m := core.Mention{Platform: core.PlatformX, NativeID: fmt.Sprint("c", s.n), Author: core.Author{ID: "u"},
		Text: "broken", CreatedAt: opened, Analysis: &core.Analysis{Label: label, Scores: core.Scores{Negative: 0.9}}}
	res, err := s.db.SaveBatch(ctx, "x", "", []core.Decision{{Mention: m, OpenCase: true}}, opened)
	if err != nil {
		t.Fatal(err)
	}
	return res.Cases[0].ID
}

func TestWatcher_CheckSLA_Timing(t *testing.T) {
	t.Parallel()
	db := MustOpenStore(t)
	s := &seeder{tb: t, db: db}
	w, clk := MustNew(t, db, Config{Lang: "en", SLA: SLAConfig{RemindAfter: testSteps}})
	opened := hour0
	id := openCase(t, s, opened, core.LabelNegative)
	// The alert was delivered: the case is alerted, still unclaimed.
	if _, _, err := db.UpdateCase(ctx, id, func(c *core.Case) ([]core.Action, error) {
		return nil, c.MarkAlerted(opened.Add(time.Second))
	}); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		after time.Duration
		want  []string
	}{
		{14*time.Minute + 59*time.Second, nil},
		{15 * time.Minute, []string{fmt.Sprintf("sla:%d:15m", id)}},
		{16 * time.Minute, nil},
		{59 * time.Minute, nil},
		{time.Hour, []string{fmt.Sprintf("sla:%d:1h", id)}},
		{2 * time.Hour, nil},
	}
	for _, st := range steps {
		clk.t = opened.Add(st.after)
		got, err := w.CheckSLA(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(keysOf(got), st.want) {
			t.Fatalf("at +%s CheckSLA queued %v, want %v", st.after, keysOf(got), st.want)
		}
	}
	c, _ := db.Case(ctx, id)
	if c.Reminders != 2 || c.Events[len(c.Events)-1].Action != "reminded" {
		t.Fatalf("case Reminders=%d, last event %+v; want 2 re-pings in the audit trail", c.Reminders, c.Events[len(c.Events)-1])
	}
	acts, _ := db.Actions(ctx, storeNotify())
	if a := acts[len(acts)-1]; a.Topic != core.TopicSLA || a.CaseID != id || a.MentionKey != c.MentionKey ||
		!strings.Contains(a.Text, fmt.Sprintf("#%d is still unclaimed after 1h", id)) {
		t.Fatalf("re-ping %+v", a)
	}
	// Claimed before the 4h step: no more re-pings.
	if _, _, err := db.UpdateCase(ctx, id, func(c *core.Case) ([]core.Action, error) {
		return nil, c.Claim("manager-1", opened.Add(3*time.Hour))
	}); err != nil {
		t.Fatal(err)
	}
	clk.t = opened.Add(5 * time.Hour)
	if got, _ := w.CheckSLA(ctx); len(got) != 0 {
		t.Fatalf("a claimed case was re-pinged: %v", keysOf(got))
	}
}

// A re-ping says how long the case has really been open: Shenava down for
// hours catches up with one re-ping for the latest step, which must not
// read as if the case had waited only that step.
func TestWatcher_CheckSLA_SaysTheRealAge(t *testing.T) {
	db := MustOpenStore(t)
	s := &seeder{tb: t, db: db}
	w, clk := MustNew(t, db, Config{Lang: "en", SLA: SLAConfig{RemindAfter: testSteps}})
	id := openCase(t, s, hour0, core.LabelNegative)
	clk.t = hour0.Add(12*time.Hour + 30*time.Minute)
	got, err := w.CheckSLA(ctx)
	if err != nil || len(got) != 1 {
		t.Fatalf("CheckSLA=%v,%v, want one re-ping", keysOf(got), err)
	}
	if want := fmt.Sprintf("#%d is still unclaimed after 12h 30m", id); !strings.Contains(got[0].Text, want) {
		t.Fatalf("re-ping text %q, want it to say %q", got[0].Text, want)
	}
}

func TestWatcher_CheckSLA_Cases(t *testing.T) {
	t.Parallel()
	opened := hour0
	tests := []struct {
		name  string
		setup func(c *core.Case) error
		label core.Label
		at    time.Duration
		want  string // the step re-pinged, "" for none
	}{
		{"New", nil, core.LabelNegative, 20 * time.Minute, "15m"},
		// Down through three steps: one re-ping, for the latest.
		{"CatchUpLatestStepOnly", nil, core.LabelNegative, 5 * time.Hour, "4h"},
		{"Claimed", func(c *core.Case) error { return c.Claim("m", opened.Add(time.Minute)) }, core.LabelNegative, time.Hour, ""},
		{"Replied", func(c *core.Case) error { return c.Responded("m", false, opened.Add(time.Minute)) }, core.LabelNegative, time.Hour, ""},
		{"Ignored", func(c *core.Case) error { return c.Ignore("m", opened.Add(time.Minute)) }, core.LabelNegative, time.Hour, ""},
		{"RelabelledNeutral", func(c *core.Case) error { return c.CorrectLabel("m", core.LabelNeutral, opened.Add(time.Minute)) },
			core.LabelNegative, time.Hour, ""},
		{"NotNegative", nil, core.LabelNeutral, time.Hour, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := MustOpenStore(t)
			s := &seeder{tb: t, db: db}
			id := openCase(t, s, opened, tt.label)
			if tt.setup != nil {
				if _, _, err := db.UpdateCase(ctx, id, func(c *core.Case) ([]core.Action, error) { return nil, tt.setup(c) }); err != nil {
					t.Fatal(err)
				}
			}
			w, clk := MustNew(t, db, Config{Lang: "fa", SLA: SLAConfig{RemindAfter: testSteps}})
			clk.t = opened.Add(tt.at)
			got, err := w.CheckSLA(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			if tt.want != "" {
				want = []string{fmt.Sprintf("sla:%d:%s", id, tt.want)}
			}
			if !slices.Equal(keysOf(got), want) {
				t.Fatalf("CheckSLA queued %v, want %v", keysOf(got), want)
			}
			if len(got) > 0 && !strings.Contains(got[0].Text, "هنوز صاحبی ندارد") {
				t.Fatalf("Persian re-ping text %q", got[0].Text)
			}
			// Again at the same time, and after a restart (a new watcher):
			// nothing more.
			w2, clk2 := MustNew(t, db, Config{Lang: "fa", SLA: SLAConfig{RemindAfter: testSteps}})
			clk2.t = clk.t.Add(time.Minute)
			for _, ww := range []*Watcher{w, w2} {
				if again, _ := ww.CheckSLA(ctx); len(again) != 0 {
					t.Fatalf("re-pinged twice for one step: %v", keysOf(again))
				}
			}
			if c, _ := db.Case(ctx, id); c.Reminders != len(want) {
				t.Fatalf("Reminders=%d, want %d", c.Reminders, len(want))
			}
		})
	}
}

func TestSLAKey(t *testing.T) {
	t.Parallel()
	for d, want := range map[time.Duration]string{
		15 * time.Minute: "sla:7:15m", time.Hour: "sla:7:1h", 90 * time.Minute: "sla:7:1h30m", 30 * time.Second: "sla:7:30s",
	} {
		if got := slaKey(7, d); got != want {
			t.Errorf("slaKey(7, %s)=%q, want %q", d, got, want)
		}
	}
}
