package web

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/locale"
)

// The reports show, for each day, the figures the digest has for it.
func TestReports_SameFiguresAsTheDigest(t *testing.T) {
	f := newFixture(t)
	start := f.now
	var answered []core.Case
	for d := 0; d < 5; d++ {
		f.now = start.AddDate(0, 0, -d)
		for i := 0; i <= d; i++ {
			m := f.mention(core.PlatformX, "fa", core.LabelNegative, "بد بود "+strconv.Itoa(i))
			answered = append(answered, f.save(m)...)
		}
		ref := f.mention(core.PlatformMastodon, "en", core.LabelPositive, "love it, tell your friends")
		ref.Analysis.Referral = true
		f.save(ref, f.mention(core.PlatformX, "en", core.LabelNeutral, "meh"))
	}
	// Answer some cases, at different speeds (the last two later than
	// the SLA), and one author comes back happy.
	for i, c := range answered[:8] {
		delay := time.Duration(12*(i+1)) * time.Minute
		if _, _, err := f.db.UpdateCase(ctx, c.ID, func(c *core.Case) ([]core.Action, error) {
			if err := c.Responded("Sara", false, c.CreatedAt.Add(delay)); err != nil {
				return nil, err
			}
			if i%3 == 0 {
				c.Recover("x:happy", c.CreatedAt.Add(delay+time.Hour))
			}
			return nil, nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	// Two public thank-yous delivered, one of them a day ago.
	for i, at := range []time.Time{start.Add(-24 * time.Hour), start.Add(time.Hour)} {
		acts, err := f.db.Enqueue(ctx, core.Action{Kind: core.ActionThankPublic, DedupKey: "thank:" + strconv.Itoa(i),
			MentionKey: "x:t" + strconv.Itoa(i), Text: "thanks", Actor: core.ActorSystem, CreatedAt: at})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.db.Settle(ctx, core.Outcome{ActionID: acts[0].ID, State: core.ActionDone, At: at.Add(time.Minute)}); err != nil {
			t.Fatal(err)
		}
	}
	f.now = start.Add(3 * time.Hour)
	c := f.signIn(1)
	resp, body := c.get("/reports?days=7")
	if resp.StatusCode != 200 {
		t.Fatalf("reports: %d", resp.StatusCode)
	}
	if n := strings.Count(body, "<svg"); n != 7 {
		t.Fatalf("%d charts, want 7", n)
	}
	mustContain(t, body, "Top authors", "@user")
	rows := regexp.MustCompile(`<tr><td>([^<]+)</td>((?:<td>[^<]*</td>)+)</tr>`).FindAllStringSubmatch(body, -1)
	if len(rows) != 7 {
		t.Fatalf("%d table rows, want 7", len(rows))
	}
	cell := regexp.MustCompile(`<td>([^<]*)</td>`)
	var seen struct{ thanked, recovered, breaches int }
	for i, r := range rows {
		day := start.In(tehran).AddDate(0, 0, -i)
		figs, err := f.dig.Figures(ctx, day)
		if err != nil {
			t.Fatal(err)
		}
		if r[1] != figs.Day.Format("2 Jan") {
			t.Fatalf("row %d is %s, want %s", i, r[1], figs.Day.Format("2 Jan"))
		}
		var cells []string
		for _, m := range cell.FindAllStringSubmatch(r[2], -1) {
			cells = append(cells, m[1])
		}
		byLabel := map[string]int{}
		for _, it := range figs.ByLabel {
			byLabel[it.Key] = it.Day
		}
		want := []string{strconv.Itoa(figs.Mentions.Day), strconv.Itoa(byLabel["negative"]), strconv.Itoa(byLabel["neutral"]),
			strconv.Itoa(byLabel["positive"])}
		net := "–"
		if figs.NetOK {
			net = strconv.FormatFloat(figs.Net, 'f', 2, 64)
		}
		p50, p90 := "–", "–"
		if figs.Response.Answered > 0 {
			p50, p90 = locale.Compact("en", figs.Response.Median), locale.Compact("en", figs.Response.P90)
		}
		want = append(want, net, p50, p90, strconv.Itoa(figs.Response.Breaches), strconv.Itoa(figs.Referrals.Day),
			strconv.Itoa(figs.Thanked.Day), strconv.Itoa(figs.Recovery.Recovered)+" / "+strconv.Itoa(figs.Recovery.Answered))
		if strings.Join(cells, "|") != strings.Join(want, "|") {
			t.Errorf("%s: page shows %q, the digest has %q", r[1], cells, want)
		}
		seen.thanked += figs.Thanked.Day
		seen.recovered += figs.Recovery.Recovered
		seen.breaches += figs.Response.Breaches
		if i < 5 && figs.Mentions.Day != i+3 {
			t.Errorf("%s: the digest counts %d mentions, want %d (the fixture is off)", r[1], figs.Mentions.Day, i+3)
		}
	}
	if seen.thanked != 2 || seen.recovered == 0 || seen.breaches == 0 {
		t.Fatalf("the fixture shows %+v: want thank-yous, recoveries and breaches to compare", seen)
	}
	for _, days := range []string{"30", "90", "nonsense"} {
		if resp, _ := c.get("/reports?days=" + days); resp.StatusCode != 200 {
			t.Fatalf("reports for %s days: %d", days, resp.StatusCode)
		}
	}
	ali := f.signIn(2)
	_, body = ali.get("/reports?days=30")
	mustContain(t, body, `dir="rtl"`, "گزارش‌ها", "آذر")
}

// The top authors come from the store's per-day tallies and agree with
// reading every mention of the period.
func TestReports_TopAuthorsFromTallies(t *testing.T) {
	f := newFixture(t)
	start := f.now
	for d := 0; d < 9; d++ {
		f.now = start.AddDate(0, 0, -d)
		for i := 0; i <= d%4; i++ {
			label := core.LabelNeutral
			if i%2 == 0 {
				label = core.LabelNegative
			}
			m := f.mention(core.PlatformX, "en", label, "about the order "+strconv.Itoa(i))
			// Authors write on several days, one of them under a new
			// handle on the last day they wrote.
			m.Author = core.Author{ID: "w" + strconv.Itoa(i), Handle: "writer" + strconv.Itoa(i)}
			if i == 1 && d == 1 {
				m.Author.Handle = "renamed"
			}
			f.save(m)
		}
	}
	f.now = start.Add(time.Hour)
	today := time.Date(f.now.In(tehran).Year(), f.now.In(tehran).Month(), f.now.In(tehran).Day(), 0, 0, 0, 0, tehran)
	from, to := today.AddDate(0, 0, -29), today.AddDate(0, 0, 1)
	got, err := f.srv.topAuthors(ctx, from, to, 10)
	if err != nil {
		t.Fatal(err)
	}
	want, err := f.srv.scanAuthors(ctx, from, to, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 4 || got[0].Name != "@writer0" || got[0].Mentions != 9 || got[0].Negative != 9 {
		t.Fatalf("top authors %+v: want four, @writer0 first with 9 negative mentions", got)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("from the tallies %+v,\nfrom the mentions %+v", got, want)
	}
	if !slices.ContainsFunc(got, func(a authorRow) bool { return a.Name == "@renamed" }) {
		t.Fatalf("top authors %+v: want the handle last seen", got)
	}
}
