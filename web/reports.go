package web

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"html"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/shenava/shenava/casework"
	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/digest"
	"github.com/shenava/shenava/internal/locale"
	"github.com/shenava/shenava/internal/persian"
	"github.com/shenava/shenava/internal/safehtml"
)

// reportDays are the periods the reports page offers.
var reportDays = []int{7, 30, 90}

// reportTTL is how long the period's top authors are reused when they
// are read from the mentions (a store without per-day tallies).
const reportTTL = 10 * time.Minute

// dayRow is one day of the reports: the figures the daily digest shows
// for that day, read for many days at once.
type dayRow struct {
	Day, End                           time.Time
	Total, Negative, Neutral, Positive int
	Referrals, Thanked                 int
	Net                                float64
	NetOK                              bool
	Cases, Answered                    int
	Median, P90                        time.Duration
	Breaches                           int
	RecoveryAnswered, Recovered        int
	Platforms                          map[string]int
}

// report is the figures of the n days ending today, oldest first, with
// the digest's definitions (digest.Figures): counts from the daily
// counters; first responses and SLA breaches over the cases opened on the
// day, as of now; the recovery rate over the cases first answered in the
// recovery window ending with the day; public thank-yous delivered on the
// day. The cases and the outbox are each read once for the whole period.
func (s *Server) report(ctx context.Context, n int) ([]dayRow, error) {
	now := s.now().In(s.loc)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, s.loc)
	rows := make([]dayRow, n)
	index := map[string]int{}
	for i := range rows {
		day := today.AddDate(0, 0, i-n+1)
		r := &rows[i]
		r.Day, r.End, r.Platforms = day, day.AddDate(0, 0, 1), map[string]int{}
		index[day.Format(core.DayFormat)] = i
		c, err := s.st.DayCounts(ctx, day.Format(core.DayFormat))
		if err != nil {
			return nil, err
		}
		r.Total = c.Get(core.DimTotal, "")
		r.Negative = c.Get(core.DimLabel, string(core.LabelNegative))
		r.Neutral = c.Get(core.DimLabel, string(core.LabelNeutral))
		r.Positive = c.Get(core.DimLabel, string(core.LabelPositive))
		r.Referrals = c.Get(core.DimReferral, "yes")
		for p, v := range c[core.DimPlatform] {
			if v > 0 {
				r.Platforms[p] = v
			}
		}
		if l := r.Negative + r.Neutral + r.Positive; l > 0 {
			r.Net, r.NetOK = float64(r.Positive-r.Negative)/float64(l), true
		}
	}
	first, end := rows[0].Day, rows[n-1].End
	sla, window := s.cfg.SLATarget, s.cfg.RecoveryWindow
	// The recovery of a day looks at cases opened from a week before its
	// window (or its baseline week) on, as the digest's walk does.
	walkFrom := func(r *dayRow) time.Time {
		from := r.Day.AddDate(0, 0, -digest.BaselineDays)
		if w := r.End.Add(-window).AddDate(0, 0, -7); w.Before(from) {
			from = w
		}
		return from
	}
	times := make([][]time.Duration, n)
	err := s.st.ForEachCase(ctx, walkFrom(&rows[0]), end, func(c core.Case) error {
		if i, ok := index[c.CreatedAt.In(s.loc).Format(core.DayFormat)]; ok && !c.CreatedAt.Before(first) {
			r := &rows[i]
			r.Cases++
			if rt, ok := c.FirstResponseTime(); ok {
				times[i] = append(times[i], rt)
				if rt > sla {
					r.Breaches++
				}
			} else if c.State.Open() && s.now().Sub(c.CreatedAt) > sla {
				r.Breaches++
			}
		}
		if at := c.FirstResponseAt; !at.IsZero() {
			for i := range rows {
				r := &rows[i]
				if at.Before(r.End.Add(-window)) || !at.Before(r.End) || c.CreatedAt.Before(walkFrom(r)) || !c.CreatedAt.Before(r.End) {
					continue
				}
				r.RecoveryAnswered++
				if !c.RecoveredAt.IsZero() && c.RecoveredAt.Before(r.End) {
					r.Recovered++
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i := range rows {
		rows[i].Answered = len(times[i])
		rows[i].Median, rows[i].P90 = median(times[i]), percentile(times[i], 0.9)
	}
	err = s.st.ForEachAction(ctx, first.AddDate(0, 0, -1), end, func(a core.Action) error {
		if a.Kind != core.ActionThankPublic || a.State != core.ActionDone || a.DoneAt.Before(first) || !a.DoneAt.Before(end) {
			return nil
		}
		if i, ok := index[a.DoneAt.In(s.loc).Format(core.DayFormat)]; ok {
			rows[i].Thanked++
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return rows, nil
}

// median is the middle value, the mean of the two middle ones for an even
// count (as the digest has it).
func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(ds))
	if n := len(s); n%2 == 1 {
		return s[n/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// percentile is the nearest-rank percentile (as the digest has it).
func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(ds))
	rank := int(math.Ceil(p * float64(len(s))))
	return s[max(rank, 1)-1]
}

type authorRow struct {
	Name     string
	Platform core.Platform
	Mentions int
	Negative int
}

// DayAuthorStore is a Store that tallies each day's mentions per author
// as they are stored (*store.DB does): the reports then read one short
// range a day instead of every mention of the period.
type DayAuthorStore interface {
	// DayAuthors fails wrapping core.ErrUnsupported when the database has
	// no tallies.
	DayAuthors(ctx context.Context, day string) ([]core.AuthorTally, error)
}

// topAuthors are the period's most active authors, as the digest orders
// them: most mentions, then most negative ones, then by name. They come
// from the store's per-day tallies; a store without them has the period's
// mentions read, and the result reused for reportTTL.
func (s *Server) topAuthors(ctx context.Context, from, to time.Time, n int) ([]authorRow, error) {
	by, err := s.tallyAuthors(ctx, from, to)
	if errors.Is(err, core.ErrUnsupported) {
		return s.scanAuthors(ctx, from, to, n)
	}
	if err != nil {
		return nil, err
	}
	return rankAuthors(by, n), nil
}

// tallyAuthors adds up the store's per-day author tallies of the local
// days from from up to to, oldest first, so that an author's name is the
// one last seen.
func (s *Server) tallyAuthors(ctx context.Context, from, to time.Time) (map[string]*authorRow, error) {
	das, ok := s.st.(DayAuthorStore)
	if !ok {
		return nil, fmt.Errorf("no per-day author tallies: %w", core.ErrUnsupported)
	}
	by := map[string]*authorRow{}
	for day := from.In(s.loc); day.Before(to); day = day.AddDate(0, 0, 1) {
		ts, err := das.DayAuthors(ctx, day.Format(core.DayFormat))
		if err != nil {
			return nil, err
		}
		for _, t := range ts {
			a := by[t.Key]
			if a == nil {
				a = &authorRow{Platform: t.Platform, Name: t.ID}
				by[t.Key] = a
			}
			if t.Name != "" {
				a.Name = t.Name
			}
			a.Mentions += t.Mentions
			a.Negative += t.Negative
		}
	}
	return by, nil
}

// scanAuthors finds the top authors from every mention of the period.
func (s *Server) scanAuthors(ctx context.Context, from, to time.Time, n int) ([]authorRow, error) {
	key := "authors:" + from.Format(time.RFC3339) + to.Format(time.RFC3339)
	s.mu.Lock()
	c, ok := s.cache[key]
	s.mu.Unlock()
	if ok && s.now().Sub(c.at) < reportTTL {
		return c.val.([]authorRow), nil
	}
	by := map[string]*authorRow{}
	err := s.st.ForEachMention(ctx, from, to, func(m core.Mention) error {
		a := by[m.AuthorKey()]
		if a == nil {
			a = &authorRow{Platform: m.Platform}
			by[m.AuthorKey()] = a
		}
		a.Name = casework.Who(m)
		a.Mentions++
		if m.Analysis != nil && m.Analysis.Label == core.LabelNegative {
			a.Negative++
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	all := rankAuthors(by, n)
	s.mu.Lock()
	s.cache[key] = cached{at: s.now(), val: all}
	s.mu.Unlock()
	return all, nil
}

// rankAuthors orders the authors as the digest does and keeps the first n.
func rankAuthors(by map[string]*authorRow, n int) []authorRow {
	var all []authorRow
	for _, a := range by {
		all = append(all, *a)
	}
	slices.SortFunc(all, func(a, b authorRow) int {
		return cmp.Or(cmp.Compare(b.Mentions, a.Mentions), cmp.Compare(b.Negative, a.Negative),
			strings.Compare(a.Name, b.Name), strings.Compare(string(a.Platform), string(b.Platform)))
	})
	return all[:min(len(all), n)]
}

type chartView struct {
	Title string
	SVG   safehtml.HTML
}

type rowText struct {
	Day                                string
	Total, Negative, Neutral, Positive string
	Referrals, Thanked, Net, P50, P90  string
	Breaches, Recovered                string
}

type reportView struct {
	Days    int
	Periods []option
	Charts  []chartView
	Rows    []rowText
	Authors []authorRow
	Sums    rowText
}

func (s *Server) reports(q *req) {
	lang := q.sess.Lang
	n, _ := strconv.Atoi(q.r.URL.Query().Get("days"))
	if !slices.Contains(reportDays, n) {
		n = 7
	}
	rows, err := s.report(q.ctx, n)
	if err != nil {
		s.fail(q, http.StatusInternalServerError, "err.internal", err)
		return
	}
	v := reportView{Days: n}
	for _, d := range reportDays {
		v.Periods = append(v.Periods, option{strconv.Itoa(d), tr(lang, "r.days", num(lang, d)), d == n})
	}
	from, to := rows[0].Day, rows[len(rows)-1].Day.AddDate(0, 0, 1)
	if v.Authors, err = s.topAuthors(q.ctx, from, to, 10); err != nil {
		s.fail(q, http.StatusInternalServerError, "err.internal", err)
		return
	}
	for i := range v.Authors {
		v.Authors[i].Name = userText(v.Authors[i].Name)
	}
	days := make([]string, len(rows))
	for i, r := range rows {
		days[i] = dayLabel(lang, r.Day)
	}
	series := func(f func(dayRow) float64) []float64 {
		out := make([]float64, len(rows))
		for i, r := range rows {
			out[i] = f(r)
		}
		return out
	}
	lbl := func(l core.Label) string { return locale.Label(lang, l) }
	v.Charts = append(v.Charts,
		chartView{tr(lang, "r.volume"), barChart(lang, days, []bars{
			{lbl(core.LabelNegative), "neg", series(func(r dayRow) float64 { return float64(r.Negative) })},
			{lbl(core.LabelNeutral), "neu", series(func(r dayRow) float64 { return float64(r.Neutral) })},
			{lbl(core.LabelPositive), "pos", series(func(r dayRow) float64 { return float64(r.Positive) })},
		}, true)},
		chartView{tr(lang, "r.platform"), platformChart(lang, rows)},
		chartView{tr(lang, "r.net"), lineChart(lang, days, []line{{tr(lang, "r.net"), "net",
			series(func(r dayRow) float64 { return r.Net }), series(func(r dayRow) float64 { return b2f(r.NetOK) })}}, true)},
		chartView{tr(lang, "r.response"), lineChart(lang, days, []line{
			{tr(lang, "r.p50"), "p50", series(func(r dayRow) float64 { return r.Median.Minutes() }), series(func(r dayRow) float64 { return b2f(r.Answered > 0) })},
			{tr(lang, "r.p90"), "p90", series(func(r dayRow) float64 { return r.P90.Minutes() }), series(func(r dayRow) float64 { return b2f(r.Answered > 0) })},
		}, false)},
		chartView{tr(lang, "r.breaches"), barChart(lang, days, []bars{
			{tr(lang, "r.breach"), "neg", series(func(r dayRow) float64 { return float64(r.Breaches) })}}, false)},
		chartView{tr(lang, "r.refs"), barChart(lang, days, []bars{
			{tr(lang, "r.referrals"), "pos", series(func(r dayRow) float64 { return float64(r.Referrals) })},
			{tr(lang, "r.thanked"), "neu", series(func(r dayRow) float64 { return float64(r.Thanked) })}}, false)},
		chartView{tr(lang, "r.recovered"), barChart(lang, days, []bars{
			{tr(lang, "r.recov"), "pos", series(func(r dayRow) float64 { return float64(r.Recovered) })}}, false)},
	)
	var sum dayRow
	for _, r := range slices.Backward(rows) {
		v.Rows = append(v.Rows, s.rowText(lang, r))
		sum.Total += r.Total
		sum.Negative += r.Negative
		sum.Neutral += r.Neutral
		sum.Positive += r.Positive
		sum.Referrals += r.Referrals
		sum.Thanked += r.Thanked
		sum.Breaches += r.Breaches
		sum.Recovered += r.Recovered
	}
	v.Sums = rowText{Total: num(lang, sum.Total), Negative: num(lang, sum.Negative), Neutral: num(lang, sum.Neutral),
		Positive: num(lang, sum.Positive), Referrals: num(lang, sum.Referrals), Thanked: num(lang, sum.Thanked),
		Breaches: num(lang, sum.Breaches), Recovered: num(lang, sum.Recovered)}
	s.show(q, "reports", "reports", v)
}

func (s *Server) rowText(lang string, r dayRow) rowText {
	t := rowText{Day: dayLabel(lang, r.Day), Total: num(lang, r.Total), Negative: num(lang, r.Negative),
		Neutral: num(lang, r.Neutral), Positive: num(lang, r.Positive), Referrals: num(lang, r.Referrals),
		Thanked: num(lang, r.Thanked), Breaches: num(lang, r.Breaches), Net: "–", P50: "–", P90: "–",
		Recovered: num(lang, r.Recovered) + " / " + num(lang, r.RecoveryAnswered)}
	if r.NetOK {
		t.Net = locale.Digits(lang, strconv.FormatFloat(r.Net, 'f', 2, 64))
	}
	if r.Answered > 0 {
		t.P50, t.P90 = locale.Compact(lang, r.Median), locale.Compact(lang, r.P90)
	}
	return t
}

func dayLabel(lang string, d time.Time) string {
	if lang == "fa" {
		return persian.Date(d)
	}
	return d.Format("2 Jan")
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// ---- SVG ---------------------------------------------------------------

const (
	chartW, chartH         = 720, 240
	padL, padR, padT, padB = 44, 12, 12, 40
)

type bars struct {
	Name, Class string
	Values      []float64
}

type line struct {
	Name, Class string
	Values      []float64
	// Known says which values exist (1) and which days had none (0).
	Known []float64
}

func niceMax(v float64) float64 {
	if v <= 0 {
		return 1
	}
	for _, m := range []float64{1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000, 20000, 50000, 100000} {
		if v <= m {
			return m
		}
	}
	return v
}

func fnum(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }

// axes draws the frame, three horizontal grid lines labelled lo..hi, and
// the day labels (at most about ten).
func axes(b *strings.Builder, lang string, days []string, lo, hi float64) {
	for i := 0; i <= 2; i++ {
		v := lo + (hi-lo)*float64(i)/2
		y := float64(chartH-padB) - float64(chartH-padT-padB)*float64(i)/2
		fmt.Fprintf(b, `<line class="grid" x1="%d" x2="%d" y1="%s" y2="%s"/>`, padL, chartW-padR, fnum(y), fnum(y))
		txt := strconv.FormatFloat(v, 'f', -1, 64)
		if hi-lo < 3 {
			txt = strconv.FormatFloat(v, 'f', 1, 64)
		}
		fmt.Fprintf(b, `<text class="tick" x="%d" y="%s" text-anchor="end">%s</text>`, padL-4, fnum(y+4), html.EscapeString(locale.Digits(lang, txt)))
	}
	step := max(1, len(days)/8)
	for i, d := range days {
		if i%step != 0 && i != len(days)-1 {
			continue
		}
		fmt.Fprintf(b, `<text class="tick" x="%s" y="%d" text-anchor="middle">%s</text>`, fnum(xAt(i, len(days))), chartH-padB+16, html.EscapeString(d))
	}
}

func xAt(i, n int) float64 {
	w := float64(chartW-padL-padR) / float64(n)
	return float64(padL) + w*(float64(i)+0.5)
}

func svgOpen(b *strings.Builder, title string) {
	fmt.Fprintf(b, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-label="%s" xmlns="http://www.w3.org/2000/svg">`,
		chartW, chartH, html.EscapeString(title))
}

func legend(b *strings.Builder, names, classes []string) {
	x := padL
	for i, n := range names {
		fmt.Fprintf(b, `<rect class="%s" x="%d" y="%d" width="10" height="10"/><text class="tick" x="%d" y="%d">%s</text>`,
			classes[i], x, chartH-12, x+14, chartH-3, html.EscapeString(n))
		x += 24 + 8*len([]rune(n))
	}
}

// barChart draws one bar per day per series, stacked or side by side.
func barChart(lang string, days []string, ss []bars, stacked bool) safehtml.HTML {
	var b strings.Builder
	svgOpen(&b, "")
	top := 0.0
	for i := range days {
		sum := 0.0
		for _, s := range ss {
			if stacked {
				sum += s.Values[i]
			} else {
				sum = max(sum, s.Values[i])
			}
		}
		top = max(top, sum)
	}
	top = niceMax(top)
	axes(&b, lang, days, 0, top)
	slot := float64(chartW-padL-padR) / float64(len(days))
	bw := slot * 0.7
	if !stacked {
		bw /= float64(len(ss))
	}
	plotH := float64(chartH - padT - padB)
	for i := range days {
		base := float64(chartH - padB)
		x0 := xAt(i, len(days)) - slot*0.35
		for k, s := range ss {
			h := plotH * s.Values[i] / top
			x := x0
			if !stacked {
				x = x0 + bw*float64(k)
			}
			if h > 0 {
				fmt.Fprintf(&b, `<rect class="%s" x="%s" y="%s" width="%s" height="%s"><title>%s: %s</title></rect>`,
					s.Class, fnum(x), fnum(base-h), fnum(bw), fnum(h), html.EscapeString(days[i]+" "+s.Name),
					html.EscapeString(locale.Digits(lang, strconv.FormatFloat(s.Values[i], 'f', -1, 64))))
			}
			if stacked {
				base -= h
			}
		}
	}
	var names, classes []string
	for _, s := range ss {
		names, classes = append(names, s.Name), append(classes, s.Class)
	}
	legend(&b, names, classes)
	b.WriteString(`</svg>`)
	return safehtml.HTML(b.String())
}

// lineChart draws one line per series over the days it has values for;
// signed charts run from -1 to 1.
func lineChart(lang string, days []string, ls []line, signed bool) safehtml.HTML {
	var b strings.Builder
	svgOpen(&b, "")
	lo, hi := 0.0, 0.0
	for _, l := range ls {
		for i, v := range l.Values {
			if l.Known[i] > 0 {
				hi = max(hi, v)
			}
		}
	}
	hi = niceMax(hi)
	if signed {
		lo, hi = -1, 1
	}
	axes(&b, lang, days, lo, hi)
	plotH := float64(chartH - padT - padB)
	for _, l := range ls {
		var pts []string
		for i, v := range l.Values {
			if l.Known[i] == 0 {
				continue
			}
			y := float64(chartH-padB) - plotH*(v-lo)/(hi-lo)
			pts = append(pts, fnum(xAt(i, len(days)))+","+fnum(y))
			fmt.Fprintf(&b, `<circle class="%s" cx="%s" cy="%s" r="3"><title>%s</title></circle>`, l.Class, fnum(xAt(i, len(days))), fnum(y),
				html.EscapeString(days[i]+" "+l.Name+": "+locale.Digits(lang, strconv.FormatFloat(v, 'f', 2, 64))))
		}
		if len(pts) > 1 {
			fmt.Fprintf(&b, `<polyline class="%s" points="%s"/>`, l.Class, strings.Join(pts, " "))
		}
	}
	var names, classes []string
	for _, l := range ls {
		names, classes = append(names, l.Name), append(classes, l.Class)
	}
	legend(&b, names, classes)
	b.WriteString(`</svg>`)
	return safehtml.HTML(b.String())
}

// platformChart draws the period's mentions per platform as horizontal
// bars, most first.
func platformChart(lang string, rows []dayRow) safehtml.HTML {
	sum := map[string]int{}
	for _, r := range rows {
		for p, n := range r.Platforms {
			sum[p] += n
		}
	}
	type kv struct {
		k string
		n int
	}
	var all []kv
	for k, n := range sum {
		all = append(all, kv{k, n})
	}
	slices.SortFunc(all, func(a, b kv) int { return cmp.Or(cmp.Compare(b.n, a.n), strings.Compare(a.k, b.k)) })
	var b strings.Builder
	h := max(60, 28*len(all)+20)
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %d %d" role="img" xmlns="http://www.w3.org/2000/svg">`, chartW, h)
	top := 1
	if len(all) > 0 {
		top = all[0].n
	}
	for i, e := range all {
		y := 10 + 28*i
		w := float64(chartW-200) * float64(e.n) / float64(max(top, 1))
		fmt.Fprintf(&b, `<text class="tick" x="0" y="%d">%s</text><rect class="neu" x="110" y="%d" width="%s" height="18"/><text class="tick" x="%s" y="%d">%s</text>`,
			y+14, html.EscapeString(locale.Platform(lang, core.Platform(e.k))), y, fnum(max(w, 1)), fnum(116+w), y+14,
			html.EscapeString(num(lang, e.n)))
	}
	b.WriteString(`</svg>`)
	return safehtml.HTML(b.String())
}
