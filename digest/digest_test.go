package digest

import (
	"bytes"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/goldentest"
	"github.com/shenava/shenava/internal/storetest"
	"github.com/shenava/shenava/store"
)

func TestDigester_Digest_Golden(t *testing.T) {
	t.Parallel()
	db := MustFixture(t)
	for _, lang := range []string{"en", "fa"} {
		t.Run(lang, func(t *testing.T) {
			d := MustNew(t, db, Config{Lang: lang}, nil, asOf)
			text, chart, err := d.Digest(ctx, theDay)
			if err != nil {
				t.Fatal(err)
			}
			if len(chart) == 0 {
				t.Fatal("no chart")
			}
			goldentest.Text(t, filepath.Join("testdata", "digest_"+lang+".golden"), text)
		})
	}
}

func TestDigester_Digest_PersianDigits(t *testing.T) {
	t.Parallel()
	db := MustFixture(t)
	d := MustNew(t, db, Config{Lang: "fa"}, nil, asOf)
	text, _, err := d.Digest(ctx, theDay)
	if err != nil {
		t.Fatal(err)
	}
	// Latin digits may only appear inside links, handles and the zone.
	for _, line := range strings.Split(text, "\n") {
		for _, word := range strings.Fields(line) {
			if strings.Contains(word, "://") || strings.HasPrefix(word, "@") || strings.Contains(word, "Asia/") {
				continue
			}
			if strings.ContainsAny(word, "0123456789") {
				t.Errorf("Latin digits in %q (line %q)", word, line)
			}
		}
	}
	for _, want := range []string{"۱ آذر ۱۴۰۵", "٪", "٫", "،"} {
		if !strings.Contains(text, want) {
			t.Errorf("Persian digest lacks %q", want)
		}
	}
}

func TestDigester_Figures(t *testing.T) {
	t.Parallel()
	db := MustFixture(t)
	d := MustNew(t, db, Config{Lang: "en"}, nil, asOf)
	f, err := d.Figures(ctx, theDay)
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		// 10 mentions from 00:00 to 23:59; the ones at 23:59 the day before
		// and 00:01 the day after are not in.
		{"mentions", f.Mentions.Day, 10},
		{"negative", f.ByLabel[0].Day, 5},
		{"referrals", f.Referrals.Day, 2},
		{"thanked", f.Thanked.Day, 2},
		{"thanked mean", f.Thanked.Mean, 2.0 / 7},
		{"cases", f.Response.Cases, 5},
		{"answered", f.Response.Answered, 3},
		// First responses 5m, 14m and 2h.
		{"median", f.Response.Median, 14 * time.Minute},
		{"p90", f.Response.P90, 2 * time.Hour},
		// Answered after 2h, and unanswered since 15:20; the ignored one
		// is no breach.
		{"breaches", f.Response.Breaches, 2},
		{"week cases", f.ResponseBefore.Cases, 8},
		// Answered from 16 to 22 November: six of the week's and three of
		// the day's; reza and sara recovered.
		{"recovery answered", f.Recovery.Answered, 9},
		{"recovered", f.Recovery.Recovered, 2},
		// early's from the 21st, sara's two (the first answered and
		// recovered but not resolved) and ali's; late's from the 23rd is
		// after the day.
		{"open negative", f.OpenNegative, 4},
		// Of those, early's and sara's second wait for an answer; ali's is
		// answered; sara's first is answered and recovered, so needs nobody.
		{"unanswered", f.Unanswered, 2},
		{"answered open", f.AnsweredOpen, 1},
		{"first case unanswered", f.TopCases[0].Author + " " + boolText(f.TopCases[0].Answered), "@sara unanswered"},
		{"top author", f.TopAuthors[0].Name, "@sara"},
		{"top author mentions", f.TopAuthors[0].Mentions, 3},
		{"history days", len(f.History), HistoryDays},
		{"history first day", f.History[0].Day.Format(core.DayFormat), "2026-11-09"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s=%v, want %v", c.name, c.got, c.want)
		}
	}
}

func boolText(answered bool) string {
	if answered {
		return "answered"
	}
	return "unanswered"
}

func TestDigester_Digest_EmptyDay(t *testing.T) {
	t.Parallel()
	db := MustOpenStore(t)
	for _, lang := range []string{"en", "fa"} {
		d := MustNew(t, db, Config{Lang: lang}, nil, asOf)
		text, chart, err := d.Digest(ctx, theDay)
		if err != nil {
			t.Fatalf("%s: %v", lang, err)
		}
		if len(chart) == 0 || !strings.Contains(text, map[string]string{"en": "Mentions: 0", "fa": "اشاره‌ها: ۰"}[lang]) {
			t.Fatalf("%s: empty day digest:\n%s", lang, text)
		}
	}
}

func TestDigester_Digest_NoChart(t *testing.T) {
	t.Parallel()
	d := MustNew(t, MustOpenStore(t), Config{Lang: "en", NoChart: true}, nil, asOf)
	text, chart, err := d.Digest(ctx, theDay)
	if err != nil || chart != nil || text == "" {
		t.Fatalf("Digest with the chart off=%d bytes of chart, %d of text, %v; want text only", len(chart), len(text), err)
	}
}

func TestNew_ZoneMismatch(t *testing.T) {
	t.Parallel()
	db := storetest.MustOpen(t, store.Options{}) // days in UTC
	_, err := New(Config{Timezone: "Asia/Tehran"}, db, nil, discard())
	if err == nil || !strings.Contains(err.Error(), "digest.timezone") || !strings.Contains(err.Error(), "UTC") {
		t.Fatalf("New with a UTC store and a Tehran digest: err=%v, want one naming digest.timezone and UTC", err)
	}
}

func TestDigester_Send(t *testing.T) {
	t.Parallel()
	db := MustOpenStore(t)
	s := &recordingSender{}
	t.Run("NoSender", func(t *testing.T) {
		d := MustNew(t, db, Config{}, nil, asOf)
		if err := d.Send(ctx, theDay); !errors.Is(err, ErrNoSender) {
			t.Fatalf("Send without a sender err=%v, want ErrNoSender", err)
		}
	})
	t.Run("DayUnderWayNotRecorded", func(t *testing.T) {
		d := MustNew(t, db, Config{}, s, theDay.Add(20*time.Hour))
		if err := d.Send(ctx, theDay); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.LastDigestDay(ctx); got != "" {
			t.Fatalf("a digest of a day under way was recorded as sent (%q)", got)
		}
	})
	t.Run("DayOverRecorded", func(t *testing.T) {
		d := MustNew(t, db, Config{}, s, asOf)
		if err := d.Send(ctx, theDay); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.LastDigestDay(ctx); got != "2026-11-22" {
			t.Fatalf("LastDigestDay=%q, want 2026-11-22", got)
		}
		if n := len(s.sent()); n != 2 || !bytes.HasPrefix(s.sent()[1].png, []byte("\x89PNG")) {
			t.Fatalf("sent %d digests, want 2 with a PNG", n)
		}
	})
}

// The open-cases headline counts what waits for a first answer; answered
// cases are named apart, and recovered ones not at all.
func TestRender_OpenCases(t *testing.T) {
	tests := []struct {
		name string
		f    Figures
		want string
	}{
		{"none", Figures{}, "No negative case is open."},
		{"waiting and answered", Figures{OpenNegative: 10, Unanswered: 2, AnsweredOpen: 7},
			"Waiting for an answer: 2 negative cases · 7 answered, not yet resolved"},
		{"all answered", Figures{OpenNegative: 8, AnsweredOpen: 8}, "No negative case is waiting for an answer · 8 answered, not yet resolved"},
		{"only recovered", Figures{OpenNegative: 1}, "No negative case is waiting for an answer\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := &writer{l: newLocale("en")}
			w.openCases(tt.f)
			if got := w.b.String(); !strings.Contains(got, tt.want) {
				t.Errorf("got %q, want it to contain %q", got, tt.want)
			}
		})
	}
}
