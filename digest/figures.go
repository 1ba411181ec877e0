package digest

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/shenava/shenava/core"
)

// BaselineDays is how many days before the digest's day its figures are
// compared with (as a daily mean); HistoryDays how many days the chart
// shows, ending with the digest's day.
const (
	BaselineDays = 7
	HistoryDays  = 14
)

// Figures is everything one day's digest shows. Means are daily means over
// the BaselineDays days before Day.
type Figures struct {
	// Day is midnight starting the day in the operator's zone.
	Day time.Time
	// AsOf is when the figures were read: open cases and unanswered
	// breaches are as of then.
	AsOf time.Time

	Mentions Item
	// ByLabel holds the three labels in core.Labels order; ByPlatform and
	// ByLang the values seen on the day or the week before, most first.
	ByLabel    []Item
	ByPlatform []Item
	ByLang     []Item
	// Net is (positive − negative) / labelled mentions on the day, NetMean
	// the same over the week before; NetOK and NetMeanOK say whether there
	// were any.
	Net, NetMean     float64
	NetOK, NetMeanOK bool
	// Referrals counts mentions the model marked as referrals.
	Referrals Item
	// Thanked counts public thank-yous delivered on the day.
	Thanked Item
	// ThankedNoCode counts those of the day's thank-yous whose reward code
	// could not be given: the pool was empty.
	ThankedNoCode int

	// Response is about the cases opened on the day; ResponseBefore about
	// those opened in the week before.
	Response, ResponseBefore Response
	// SLATarget is the first-response target breaches are counted against.
	SLATarget time.Duration

	// Recovery is over cases first answered in the RecoveryWindow ending
	// with the day.
	Recovery Recovery

	// OpenNegative counts the negative cases still open that were opened by
	// the end of the day; TopCases are the first of them (see topCases).
	OpenNegative int
	// Of those, Unanswered have no reply yet and AnsweredOpen have one but
	// are not resolved; the rest are answered cases whose author came back
	// happy, which need nobody. TopCases leaves those out too.
	Unanswered, AnsweredOpen int
	TopCases                 []CaseLine
	TopAuthors               []AuthorLine

	// History is the label counts of the HistoryDays days ending with Day.
	History []DayLabels
}

// Item is one figure on the day and its daily mean over the week before.
type Item struct {
	Key  string
	Day  int
	Mean float64
}

// Response sums up first responses to a set of cases.
type Response struct {
	Cases    int
	Answered int
	// Median and P90 of the first-response times of answered cases.
	Median, P90 time.Duration
	// Breaches counts cases answered later than the SLA target, or still
	// open, unanswered and older than it. Cases closed without an answer
	// (ignored, or resolved elsewhere) are no breach.
	Breaches int
}

// Recovery is the complaint recovery rate.
type Recovery struct {
	Window    time.Duration
	Answered  int
	Recovered int
}

// CaseLine is one unresolved negative case in the digest.
type CaseLine struct {
	ID       uint64
	Platform core.Platform
	Author   string
	Score    float64
	State    core.CaseState
	Answered bool
	// Age is the time from the case opening to AsOf.
	Age  time.Duration
	Text string
	URL  string
}

// AuthorLine is one of the day's most active authors.
type AuthorLine struct {
	Name     string
	Platform core.Platform
	Mentions int
	Negative int
}

// DayLabels is one day of the chart.
type DayLabels struct {
	Day                         time.Time
	Negative, Neutral, Positive int
}

// Figures reads one day's figures (the day is the local day the instant
// day falls in, see Day).
func (d *Digester) Figures(ctx context.Context, day time.Time) (Figures, error) {
	start := d.Day(day)
	end := start.AddDate(0, 0, 1)
	f := Figures{Day: start, AsOf: d.now(), SLATarget: d.cfg.SLATarget,
		Recovery: Recovery{Window: d.cfg.RecoveryWindow}}
	if err := d.counts(ctx, &f); err != nil {
		return Figures{}, err
	}
	if err := d.cases(ctx, &f, start, end); err != nil {
		return Figures{}, err
	}
	if err := d.thanked(ctx, &f, start, end); err != nil {
		return Figures{}, err
	}
	if err := d.openCases(ctx, &f, end); err != nil {
		return Figures{}, err
	}
	if err := d.authors(ctx, &f, start, end); err != nil {
		return Figures{}, err
	}
	return f, nil
}

// counts fills the per-day figures from the store's daily counters: the
// day, its baseline week and the chart's 14 days.
func (d *Digester) counts(ctx context.Context, f *Figures) error {
	days := make([]core.Counts, HistoryDays) // days[HistoryDays-1] is the day
	for i := range days {
		day := f.Day.AddDate(0, 0, i-HistoryDays+1)
		c, err := d.st.DayCounts(ctx, day.Format(core.DayFormat))
		if err != nil {
			return fmt.Errorf("digest: %w", err)
		}
		days[i] = c
		f.History = append(f.History, DayLabels{Day: day,
			Negative: c.Get(core.DimLabel, string(core.LabelNegative)),
			Neutral:  c.Get(core.DimLabel, string(core.LabelNeutral)),
			Positive: c.Get(core.DimLabel, string(core.LabelPositive)),
		})
	}
	today, week := days[HistoryDays-1], days[HistoryDays-1-BaselineDays:HistoryDays-1]
	item := func(dim, key string) Item {
		it := Item{Key: key, Day: today.Get(dim, key)}
		for _, c := range week {
			it.Mean += float64(c.Get(dim, key))
		}
		it.Mean /= BaselineDays
		return it
	}
	f.Mentions = item(core.DimTotal, "")
	f.Referrals = item(core.DimReferral, "yes")
	for _, l := range core.Labels {
		f.ByLabel = append(f.ByLabel, item(core.DimLabel, string(l)))
	}
	breakdown := func(dim string) []Item {
		keys := map[string]bool{}
		for _, c := range days[HistoryDays-1-BaselineDays:] {
			for k := range c[dim] {
				keys[k] = true
			}
		}
		var out []Item
		for k := range keys {
			out = append(out, item(dim, k))
		}
		slices.SortFunc(out, func(a, b Item) int {
			return cmp.Or(cmp.Compare(b.Day, a.Day), cmp.Compare(b.Mean, a.Mean), strings.Compare(a.Key, b.Key))
		})
		return out
	}
	f.ByPlatform = breakdown(core.DimPlatform)
	f.ByLang = breakdown(core.DimLang)
	net := func(pos, neg, neu float64) (float64, bool) {
		if n := pos + neg + neu; n > 0 {
			return (pos - neg) / n, true
		}
		return 0, false
	}
	neg, neu, pos := f.ByLabel[0], f.ByLabel[1], f.ByLabel[2]
	f.Net, f.NetOK = net(float64(pos.Day), float64(neg.Day), float64(neu.Day))
	f.NetMean, f.NetMeanOK = net(pos.Mean, neg.Mean, neu.Mean)
	return nil
}

// cases fills first-response times, SLA breaches and the recovery rate.
// A complaint belongs to the day its mention was written, as the mention
// counters do. Cases are walked by that time from a week before the earliest window
// needs: a complaint first answered more than a week after it was opened
// is left out of the recovery rate.
func (d *Digester) cases(ctx context.Context, f *Figures, start, end time.Time) error {
	weekStart := start.AddDate(0, 0, -BaselineDays)
	recStart := end.Add(-d.cfg.RecoveryWindow)
	from := weekStart
	if w := recStart.AddDate(0, 0, -7); w.Before(from) {
		from = w
	}
	var day, week []core.Case
	err := d.st.ForEachCase(ctx, from, end, func(c core.Case) error {
		switch w := c.Written(); {
		case !w.Before(start):
			day = append(day, c)
		case !w.Before(weekStart):
			week = append(week, c)
		}
		if r := c.FirstResponseAt; !r.IsZero() && !r.Before(recStart) && r.Before(end) {
			f.Recovery.Answered++
			if !c.RecoveredAt.IsZero() && c.RecoveredAt.Before(end) {
				f.Recovery.Recovered++
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("digest: %w", err)
	}
	f.Response = d.response(day, f.AsOf)
	f.ResponseBefore = d.response(week, f.AsOf)
	return nil
}

func (d *Digester) response(cases []core.Case, asOf time.Time) Response {
	r := Response{Cases: len(cases)}
	var times []time.Duration
	for _, c := range cases {
		if rt, ok := c.FirstResponseTime(); ok {
			times = append(times, rt)
			if rt > d.cfg.SLATarget {
				r.Breaches++
			}
			continue
		}
		if c.State.Open() && asOf.Sub(c.CreatedAt) > d.cfg.SLATarget {
			r.Breaches++
		}
	}
	r.Answered = len(times)
	r.Median, r.P90 = median(times), percentile(times, 0.9)
	return r
}

// median is the middle value, the mean of the two middle ones for an even
// count.
func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(ds))
	if n := len(s); n%2 == 1 {
		return s[n/2]
	} else {
		return (s[n/2-1] + s[n/2]) / 2
	}
}

// percentile is the nearest-rank percentile: the smallest value with at
// least p of the values at or below it.
func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(ds))
	rank := int(math.Ceil(p * float64(len(s))))
	return s[max(rank, 1)-1]
}

// thanked counts public thank-yous delivered on the day and in the week
// before. A thank-you is queued shortly before it is delivered (retries
// take minutes), so actions created from a day before the week are read.
func (d *Digester) thanked(ctx context.Context, f *Figures, start, end time.Time) error {
	weekStart := start.AddDate(0, 0, -BaselineDays)
	f.Thanked = Item{Key: "thanked"}
	var today []string
	err := d.st.ForEachAction(ctx, weekStart.AddDate(0, 0, -1), end, func(a core.Action) error {
		if a.Kind != core.ActionThankPublic || a.State != core.ActionDone {
			return nil
		}
		switch at := a.DoneAt; {
		case at.Before(weekStart) || !at.Before(end):
		case at.Before(start):
			f.Thanked.Mean++
		default:
			f.Thanked.Day++
			today = append(today, a.MentionKey)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("digest: %w", err)
	}
	f.Thanked.Mean /= BaselineDays
	if len(today) > 0 {
		missed, err := d.st.CodesMissed(ctx, today)
		if err != nil {
			return fmt.Errorf("digest: %w", err)
		}
		f.ThankedNoCode = len(missed)
	}
	return nil
}

// openCases lists the negative cases still open that were opened by the
// end of the day. Unanswered ones come first (they need someone now), then
// the ones the model is surest are complaints, then the newest.
func (d *Digester) openCases(ctx context.Context, f *Figures, end time.Time) error {
	open, _, err := d.st.OpenCases(ctx, core.CaseFilter{Label: core.LabelNegative})
	if err != nil {
		return fmt.Errorf("digest: %w", err)
	}
	open = slices.DeleteFunc(open, func(c core.Case) bool { return !c.CreatedAt.Before(end) })
	f.OpenNegative = len(open)
	open = slices.DeleteFunc(open, func(c core.Case) bool { return !c.FirstResponseAt.IsZero() && !c.RecoveredAt.IsZero() })
	for _, c := range open {
		if c.FirstResponseAt.IsZero() {
			f.Unanswered++
		} else {
			f.AnsweredOpen++
		}
	}
	slices.SortFunc(open, func(a, b core.Case) int {
		return cmp.Or(
			cmpBool(a.FirstResponseAt.IsZero(), b.FirstResponseAt.IsZero()),
			cmp.Compare(b.Score, a.Score),
			b.CreatedAt.Compare(a.CreatedAt),
			cmp.Compare(b.ID, a.ID),
		)
	})
	for _, c := range open[:min(len(open), d.cfg.TopCases)] {
		line := CaseLine{ID: c.ID, Platform: c.Platform, Score: c.Score, State: c.State,
			Answered: !c.FirstResponseAt.IsZero(), Age: f.AsOf.Sub(c.CreatedAt)}
		m, err := d.st.Mention(ctx, c.MentionKey)
		if err != nil {
			return fmt.Errorf("digest: case %d: %w", c.ID, err)
		}
		line.Author, line.Text, line.URL = authorName(m.Author), snippet(m.Text, 80), m.URL
		f.TopCases = append(f.TopCases, line)
	}
	return nil
}

// cmpBool orders true before false.
func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return -1
	}
	return 1
}

// authors finds the day's most active authors: most mentions first, then
// most negative ones, then by name.
func (d *Digester) authors(ctx context.Context, f *Figures, start, end time.Time) error {
	byKey := map[string]*AuthorLine{}
	err := d.dayAuthors(ctx, start, byKey)
	if errors.Is(err, errNoTallies) {
		err = d.scanAuthors(ctx, start, end, byKey)
	}
	if err != nil {
		return fmt.Errorf("digest: %w", err)
	}
	var all []AuthorLine
	for _, a := range byKey {
		all = append(all, *a)
	}
	slices.SortFunc(all, func(a, b AuthorLine) int {
		return cmp.Or(cmp.Compare(b.Mentions, a.Mentions), cmp.Compare(b.Negative, a.Negative),
			strings.Compare(a.Name, b.Name), strings.Compare(string(a.Platform), string(b.Platform)))
	})
	f.TopAuthors = all[:min(len(all), d.cfg.TopAuthors)]
	return nil
}

// DayAuthorStore is a Store that keeps each day's mentions per author as
// they are stored, so the digest reads one short range instead of every
// mention of the day.
type DayAuthorStore interface {
	// DayAuthors fails wrapping core.ErrUnsupported when it has no
	// tallies for the database.
	DayAuthors(ctx context.Context, day string) ([]core.AuthorTally, error)
}

var errNoTallies = errors.New("no per-day author tallies")

// dayAuthors fills byKey from the store's tallies of the day starting at
// start, or fails with errNoTallies.
func (d *Digester) dayAuthors(ctx context.Context, start time.Time, byKey map[string]*AuthorLine) error {
	das, ok := d.st.(DayAuthorStore)
	if !ok {
		return errNoTallies
	}
	ts, err := das.DayAuthors(ctx, start.Format(core.DayFormat))
	if errors.Is(err, core.ErrUnsupported) {
		return errNoTallies
	}
	if err != nil {
		return err
	}
	for _, t := range ts {
		name := t.Name
		if name == "" {
			name = t.ID
		}
		byKey[t.Key] = &AuthorLine{Name: name, Platform: t.Platform, Mentions: t.Mentions, Negative: t.Negative}
	}
	return nil
}

// scanAuthors fills byKey from every mention of the day.
func (d *Digester) scanAuthors(ctx context.Context, start, end time.Time, byKey map[string]*AuthorLine) error {
	return d.st.ForEachMention(ctx, start, end, func(m core.Mention) error {
		a := byKey[m.AuthorKey()]
		if a == nil {
			a = &AuthorLine{Platform: m.Platform}
			byKey[m.AuthorKey()] = a
		}
		if n := authorName(m.Author); n != "" {
			a.Name = n
		}
		a.Mentions++
		if m.Analysis != nil && m.Analysis.Label == core.LabelNegative {
			a.Negative++
		}
		return nil
	})
}

func authorName(a core.Author) string {
	switch {
	case a.Handle != "":
		return "@" + a.Handle
	case a.Name != "":
		return a.Name
	}
	return a.ID
}

// snippet is the text on one line, cut to n runes.
func snippet(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return strings.TrimSpace(string(r[:n-1])) + "…"
}
