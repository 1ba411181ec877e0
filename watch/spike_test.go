package watch

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shenava/shenava/core"
)

// noise returns n hourly counts that follow a day's rhythm (quiet at
// night, busy at noon in Tehran) with random wobble, the same every run.
func noise(start time.Time, n int, seed uint64) []int {
	r := rand.New(rand.NewPCG(seed, 7))
	out := make([]int, n)
	for i := range out {
		h := start.Add(time.Duration(i) * time.Hour).In(tehran).Hour()
		base := 2
		if h >= 9 && h < 23 {
			base = 8
		}
		out[i] = base + r.IntN(5) - 2 // base ± 2
	}
	return out
}

func spikeConfig() Config {
	return Config{Lang: "en", SLA: SLAConfig{Disabled: true}, Spike: SpikeConfig{Enabled: true, K: 3, MinCount: 5}}
}

func TestWatcher_CheckSpike_FiresOnce(t *testing.T) {
	t.Parallel()
	db := MustOpenStore(t)
	s := &seeder{tb: t, db: db}
	start := hour0.Add(-8 * 24 * time.Hour)
	s.series(start, noise(start, 8*24, 1)) // up to and not including hour0
	w, clk := MustNew(t, db, spikeConfig())
	check := func(at time.Time) []string {
		t.Helper()
		clk.t = at
		a, err := w.CheckSpike(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return keysOf(a)
	}
	if got := check(hour0.Add(-time.Minute)); got != nil {
		t.Fatalf("on the background alone CheckSpike queued %v", got)
	}
	// 17:30 to 17:50 in Tehran: a flood of complaints about refunds.
	texts := []string{
		"Refund still not processed, terrible support",
		"where is my refund?? app crashed during payment",
		"@brand refund please, payment failed twice https://x.example/pic",
		"payment failed and no refund. never again",
		"The app crashed again at payment",
		"refund refund refund",
	}
	for i := range 24 {
		s.add(hour0.Add(time.Duration(i)*50*time.Second), post{handle: []string{"sara", "reza", "ali", "mina"}[i%4],
			text: texts[i%len(texts)], score: 0.7 + float64(i%4)/20})
	}
	got := check(hour0.Add(20 * time.Minute))
	if want := []string{"spike:2026-11-22T14Z"}; !slices.Equal(got, want) {
		t.Fatalf("on the spike CheckSpike queued %v, want %v", got, want)
	}
	acts, _ := db.Actions(ctx, storeNotify())
	a := acts[0]
	if a.Topic != core.TopicSpike || a.Kind != core.ActionNotify {
		t.Fatalf("spike notice is %s/%s, want notify/spike", a.Kind, a.Topic)
	}
	for _, want := range []string{
		"Negative mentions are spiking: 24 from 17:30 to 17:50 (Asia/Tehran)",
		"Top terms: refund, payment, app, crashed, failed",
		"• @ali (X)", "https://x.example/",
	} {
		if !strings.Contains(a.Text, want) {
			t.Errorf("spike notice lacks %q:\n%s", want, a.Text)
		}
	}
	if n := strings.Count(a.Text, "• "); n != 3 {
		t.Errorf("spike notice quotes %d mentions, want 3:\n%s", n, a.Text)
	}
	// The same spike, checked again and as it goes on into the next hour,
	// is not announced again.
	if got := check(hour0.Add(50 * time.Minute)); got != nil {
		t.Fatalf("second check of the same spike queued %v", got)
	}
	s.hour(hour0.Add(time.Hour), 30, post{})
	if got := check(hour0.Add(80 * time.Minute)); got != nil {
		t.Fatalf("the spike's second hour queued %v", got)
	}
	s.hour(hour0.Add(2*time.Hour), 8, post{})
	if got := check(hour0.Add(150 * time.Minute)); got != nil {
		t.Fatalf("the hour after the spike queued %v", got)
	}
	// Quiet hours, then a new spike: a new alert.
	s.hour(hour0.Add(3*time.Hour), 8, post{})
	s.hour(hour0.Add(4*time.Hour), 9, post{})
	s.hour(hour0.Add(5*time.Hour), 40, post{})
	if got := check(hour0.Add(5*time.Hour + 30*time.Minute)); !slices.Equal(got, []string{"spike:2026-11-22T19Z"}) {
		t.Fatalf("a later, separate spike queued %v, want spike:2026-11-22T19Z", got)
	}
}

func TestWatcher_CheckSpike_NotOnNoise(t *testing.T) {
	t.Parallel()
	db := MustOpenStore(t)
	s := &seeder{tb: t, db: db}
	start := hour0.Add(-9 * 24 * time.Hour)
	s.series(start, noise(start, 9*24+1, 2))
	w, clk := MustNew(t, db, spikeConfig())
	// Every hour of the last two days, at its end.
	for h := hour0.Add(-47 * time.Hour); !h.After(hour0); h = h.Add(time.Hour) {
		clk.t = h.Add(59 * time.Minute)
		got, err := w.CheckSpike(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) > 0 {
			t.Fatalf("noise at %s raised %v", h.In(tehran).Format("Jan 2 15:04"), keysOf(got))
		}
	}
}

func TestWatcher_CheckSpike_SameHourBaseline(t *testing.T) {
	t.Parallel()
	// 12 complaints is a normal noon and an alarming night.
	for _, tt := range []struct {
		name string
		hour time.Time // in UTC
		want bool
	}{
		{"BusyHour", time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC), false},  // 12:30 in Tehran
		{"QuietHour", time.Date(2026, 11, 22, 23, 0, 0, 0, time.UTC), true}, // 02:30 in Tehran
	} {
		t.Run(tt.name, func(t *testing.T) {
			db := MustOpenStore(t)
			s := &seeder{tb: t, db: db}
			start := tt.hour.Add(-7 * 24 * time.Hour)
			counts := make([]int, 7*24)
			for i := range counts {
				if h := start.Add(time.Duration(i) * time.Hour).In(tehran).Hour(); h >= 9 && h < 23 {
					counts[i] = 10 + i%3
				} else {
					counts[i] = i % 2
				}
			}
			s.series(start, counts)
			s.hour(tt.hour, 12, post{})
			w, clk := MustNew(t, db, spikeConfig())
			clk.t = tt.hour.Add(59 * time.Minute)
			got, err := w.CheckSpike(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if (len(got) > 0) != tt.want {
				t.Fatalf("12 at %s: alert=%v, want %v", tt.hour.In(tehran).Format("15:04"), len(got) > 0, tt.want)
			}
		})
	}
}

func TestWatcher_CheckSpike_Thresholds(t *testing.T) {
	t.Parallel()
	day := 24 * time.Hour
	tests := []struct {
		name string
		// baseline[d] is the count at the same hour d+1 days before.
		baseline []int
		count    int
		want     bool
	}{
		// Nothing on any day before: any count reaching the minimum is a
		// spike, nothing below it is.
		{"BelowMinCount", []int{0, 0, 0, 0, 0, 0, 0}, 4, false},
		{"AtMinCount", []int{0, 0, 0, 0, 0, 0, 0}, 5, true},
		// One busy day among six empty ones: mean 10/7, σ 3.50, threshold
		// 1.43 + 3·3.50 = 11.93. Hours without mentions count as 0; were
		// they skipped, the mean would be 10 and 12 no spike at all.
		{"ZerosCountBelow", []int{10, 0, 0, 0, 0, 0, 0}, 11, false},
		{"ZerosCountAbove", []int{10, 0, 0, 0, 0, 0, 0}, 12, true},
		// Seven identical days (σ 0): σ is floored at √mean, so 10 → 11 is
		// no spike; threshold 10 + 3·√10 = 19.5.
		{"SteadyPlusOne", []int{10, 10, 10, 10, 10, 10, 10}, 11, false},
		{"SteadyBelowFloor", []int{10, 10, 10, 10, 10, 10, 10}, 19, false},
		{"SteadyAboveFloor", []int{10, 10, 10, 10, 10, 10, 10}, 20, true},
		// The eighth day back is outside the baseline.
		{"EighthDayIgnored", []int{0, 0, 0, 0, 0, 0, 0, 50}, 5, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := MustOpenStore(t)
			s := &seeder{tb: t, db: db}
			for d, n := range tt.baseline {
				s.hour(hour0.Add(-time.Duration(d+1)*day), n, post{})
			}
			s.hour(hour0, tt.count, post{})
			w, clk := MustNew(t, db, spikeConfig())
			clk.t = hour0.Add(30 * time.Minute)
			got, err := w.CheckSpike(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if (len(got) > 0) != tt.want {
				t.Fatalf("count %d over %v: alert=%v, want %v", tt.count, tt.baseline, len(got) > 0, tt.want)
			}
		})
	}
}

func TestWatcher_CheckSpike_LateMentions(t *testing.T) {
	t.Parallel()
	t.Run("PreviousHourCaughtLate", func(t *testing.T) {
		db := MustOpenStore(t)
		s := &seeder{tb: t, db: db}
		s.hour(hour0, 9, post{})
		w, clk := MustNew(t, db, spikeConfig())
		clk.t = hour0.Add(65 * time.Minute)
		got, err := w.CheckSpike(ctx)
		if err != nil || !slices.Equal(keysOf(got), []string{"spike:2026-11-22T14Z"}) {
			t.Fatalf("a spike in the hour just ended queued %v (%v), want spike:2026-11-22T14Z", keysOf(got), err)
		}
	})
	t.Run("EarlierHourGrowsIntoTheSpike", func(t *testing.T) {
		db := MustOpenStore(t)
		s := &seeder{tb: t, db: db}
		s.hour(hour0, 9, post{})
		w, clk := MustNew(t, db, spikeConfig())
		clk.t = hour0.Add(40 * time.Minute)
		if got, _ := w.CheckSpike(ctx); len(got) != 1 {
			t.Fatalf("spike queued %v, want one", keysOf(got))
		}
		// Mentions of the hour before arrive late and make it part of the
		// same spike: still one alert.
		s.hour(hour0.Add(-time.Hour), 9, post{})
		clk.t = hour0.Add(45 * time.Minute)
		if got, _ := w.CheckSpike(ctx); len(got) != 0 {
			t.Fatalf("late mentions re-announced the spike: %v", keysOf(got))
		}
	})
}

func TestWatcher_CheckSpike_Persian(t *testing.T) {
	t.Parallel()
	db := MustOpenStore(t)
	s := &seeder{tb: t, db: db}
	for i := range 6 {
		s.add(hour0.Add(time.Duration(i)*time.Minute), post{handle: "u" + string(rune('a'+i)),
			text: []string{"برنامه‌ی شنوا باز نمی‌شود، خیلی بده", "باز هم برنامه خراب شد و پول برنگشت",
				"پول من برنگشت! برنامه خرابه"}[i%3]})
	}
	cfg := spikeConfig()
	cfg.Lang = "fa"
	cfg.Spike.IgnoreTerms = []string{"شنوا"}
	w, clk := MustNew(t, db, cfg)
	clk.t = hour0.Add(10 * time.Minute)
	got, err := w.CheckSpike(ctx)
	if err != nil || len(got) != 1 {
		t.Fatalf("CheckSpike=%v,%v, want one notice", keysOf(got), err)
	}
	text := got[0].Text
	for _, want := range []string{"جهش در اشاره‌های منفی: ۶ اشاره از ۱۷:۳۰ تا ۱۷:۴۰", "واژه‌های پرتکرار: برنامه، برنگشت، پول"} {
		if !strings.Contains(text, want) {
			t.Errorf("Persian spike notice lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "شنوا،") || strings.Contains(text, "برنامهی") || strings.ContainsAny(strings.Split(text, "\n")[0], "0123456789") {
		t.Errorf("Persian notice lists an ignored term or Latin digits:\n%s", text)
	}
}
