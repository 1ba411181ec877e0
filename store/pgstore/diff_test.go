package pgstore

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/pgtest"
	"github.com/shenava/shenava/store"
	"github.com/shenava/shenava/store/storetest"
)

// reader is what the differential test asks both stores.
type reader interface {
	SaveBatch(ctx context.Context, source, cursor string, ds []core.Decision, now time.Time) (core.SaveResult, error)
	UpdateCase(ctx context.Context, id uint64, fn func(c *core.Case) ([]core.Action, error)) (core.Case, []core.Action, error)
	Known(ctx context.Context, keys []string) (map[string]bool, error)
	Cursor(ctx context.Context, source string) (string, error)
	Mention(ctx context.Context, key string) (core.Mention, error)
	ForEachMention(ctx context.Context, from, to time.Time, fn func(core.Mention) error) error
	MentionCount(ctx context.Context) (int, error)
	Author(ctx context.Context, key string) (core.AuthorHistory, error)
	Authors(ctx context.Context, keys []string) (map[string]core.AuthorHistory, error)
	DayCounts(ctx context.Context, day string) (core.Counts, error)
	HourlyCounts(ctx context.Context, label core.Label, from, to time.Time) ([]int, error)
	DayAuthors(ctx context.Context, day string) ([]core.AuthorTally, error)
	Case(ctx context.Context, id uint64) (core.Case, error)
	CaseByMention(ctx context.Context, mentionKey string) (core.Case, error)
	OpenCases(ctx context.Context, f core.CaseFilter) ([]core.Case, int, error)
	ForEachCase(ctx context.Context, from, to time.Time, fn func(core.Case) error) error
	Corrections(ctx context.Context) ([]store.Correction, error)
	IndexCases(ctx context.Context) error
	CaseCounts(ctx context.Context) (map[core.CaseState]int, error)
	CasePage(ctx context.Context, q core.PageQuery) (core.CasePage, error)
	MentionPage(ctx context.Context, q core.PageQuery) (core.MentionPage, error)
	AddUsage(ctx context.Context, at time.Time, add map[string]int64) (map[string]int64, error)
	Usage(ctx context.Context, at time.Time) (map[string]int64, error)
}

// The same history written to the bbolt file and to PostgreSQL reads back
// the same through every method of mentions, cases, authors, counters and
// pages, cursors of pages included.
func TestDifferential_SameAnswersAsTheBboltStore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tehran, err := time.LoadLocation("Asia/Tehran")
	if err != nil {
		t.Fatal(err)
	}
	bolt, err := store.Open(filepath.Join(t.TempDir(), "shenava.db"), store.Options{Location: tehran, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bolt.Close() })
	pg, err := Open(ctx, Options{DSN: pgtest.DSN(t), Location: tehran})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pg.Close() })
	stores := []reader{bolt, pg}

	// same runs call on both stores and fails unless they agree.
	same := func(what string, call func(r reader) any) any {
		t.Helper()
		a, b := call(stores[0]), call(stores[1])
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("%s:\n bbolt      %+v\n PostgreSQL %+v", what, a, b)
		}
		return a
	}

	rnd := rand.New(rand.NewPCG(16, 3))
	start := time.Date(2026, 11, 20, 19, 0, 0, 0, time.UTC) // days cut in Tehran
	labels := []core.Label{core.LabelNegative, core.LabelNeutral, core.LabelPositive}
	platforms := []core.Platform{core.PlatformX, core.PlatformMastodon, core.PlatformTelegram}
	var (
		all                 []core.Mention
		duplicates, skipped int
		opened              int
		partial             bool
	)
	now := start.Add(72 * time.Hour)
	for batch := range 12 {
		var ds []core.Decision
		for i := range 1 + rnd.IntN(15) {
			// Some created at the very same nanosecond, some before
			// the ones stored already, now and then one known already.
			at := start.Add(time.Duration(rnd.IntN(72*60)) * time.Minute).Add(time.Duration(rnd.IntN(3)) * time.Nanosecond)
			m := storetest.Mention(fmt.Sprintf("b%d-%d", batch, i), labels[rnd.IntN(3)], at)
			m.Platform = platforms[rnd.IntN(3)]
			m.Author.ID = fmt.Sprint("a", rnd.IntN(6))
			if rnd.IntN(4) == 0 {
				m.Author.Handle = ""
				if rnd.IntN(2) == 0 {
					m.Author.Name = "نام " + m.Author.ID
				}
			}
			if rnd.IntN(5) == 0 {
				m.Analysis.Referral = true
			}
			if rnd.IntN(8) == 0 {
				m.Analysis = nil
			}
			if len(all) > 0 && rnd.IntN(6) == 0 {
				m = all[rnd.IntN(len(all))]
			}
			d := core.Decision{Mention: m}
			if m.Analysis != nil && m.Analysis.Label == core.LabelNegative {
				d = decide(m)[0]
			}
			if m.Analysis != nil && m.Analysis.Label == core.LabelPositive && rnd.IntN(2) == 0 {
				d.Actions = append(d.Actions, core.Action{Kind: core.ActionThankPublic, DedupKey: "thank:" + m.Author.ID,
					MentionKey: m.Key(), Text: "thanks"})
			}
			ds = append(ds, d)
			all = append(all, m)
		}
		if opened > 0 && rnd.IntN(2) == 0 {
			// A recovery of an earlier case. (A batch recovering no
			// case fails whole in both; PostgreSQL's sequence would then
			// skip the case IDs it took, which the bbolt file does not.)
			ds[0].Recovers = []uint64{uint64(1 + rnd.IntN(opened))}
		}
		now = now.Add(time.Duration(rnd.IntN(3600)) * time.Second)
		res := same(fmt.Sprintf("SaveBatch %d", batch), func(r reader) any {
			res, err := r.SaveBatch(ctx, fmt.Sprint("src", batch%3), fmt.Sprint("cursor", batch), ds, now)
			return out(res, err)
		}).([2]any)[0].(core.SaveResult)
		duplicates += res.Duplicates
		opened += len(res.Cases)
		skipped += res.Skipped
	}
	nCases := len(same("open cases", func(r reader) any {
		cs, _, err := r.OpenCases(ctx, core.CaseFilter{})
		if err != nil {
			t.Fatal(err)
		}
		return cs
	}).([]core.Case))
	for id := uint64(1); id <= uint64(nCases); id++ {
		at := now.Add(time.Duration(id) * time.Minute)
		var change func(c *core.Case) ([]core.Action, error)
		switch rnd.IntN(5) {
		case 0:
			change = func(c *core.Case) ([]core.Action, error) { return nil, c.Claim("m1", at) }
		case 1:
			change = func(c *core.Case) ([]core.Action, error) {
				return []core.Action{{Kind: core.ActionReplyPublic, DedupKey: fmt.Sprint("reply:", id), Text: "sorry"}},
					c.Responded("m2", false, at)
			}
		case 2:
			change = func(c *core.Case) ([]core.Action, error) {
				return nil, errorsJoin(c.Resolve("m1", at), c.CorrectLabel("m1", core.LabelNeutral, at))
			}
		case 3:
			change = func(c *core.Case) ([]core.Action, error) { return nil, c.Ignore("m3", at) }
		default:
			continue
		}
		same(fmt.Sprint("UpdateCase ", id), func(r reader) any {
			c, queued, err := r.UpdateCase(ctx, id, change)
			return out([]any{c, queued}, err)
		})
	}
	same("UpdateCase of no case", func(r reader) any {
		_, _, err := r.UpdateCase(ctx, 9999, nil)
		return fmt.Sprint(err)
	})

	var keys []string
	for _, m := range all {
		keys = append(keys, m.Key())
	}
	keys = append(keys, "x:never")
	same("Known", func(r reader) any { k, err := r.Known(ctx, keys); return out(k, err) })
	same("MentionCount", func(r reader) any { n, err := r.MentionCount(ctx); return out(n, err) })
	for i := range 4 {
		same("Cursor", func(r reader) any { c, err := r.Cursor(ctx, fmt.Sprint("src", i)); return out(c, err) })
	}
	for _, k := range keys {
		same("Mention "+k, func(r reader) any { m, err := r.Mention(ctx, k); return out(m, err) })
		same("CaseByMention "+k, func(r reader) any { c, err := r.CaseByMention(ctx, k); return out(c, err) })
	}
	var authors []string
	for i := range 7 {
		for _, p := range platforms {
			authors = append(authors, fmt.Sprintf("%s:a%d", p, i))
		}
	}
	for _, a := range authors {
		same("Author "+a, func(r reader) any { h, err := r.Author(ctx, a); return out(h, err) })
	}
	same("Authors", func(r reader) any { h, err := r.Authors(ctx, authors); return out(h, err) })
	for d := -1; d < 5; d++ {
		day := start.In(tehran).AddDate(0, 0, d).Format(core.DayFormat)
		same("DayCounts "+day, func(r reader) any { c, err := r.DayCounts(ctx, day); return out(c, err) })
		same("DayAuthors "+day, func(r reader) any { a, err := r.DayAuthors(ctx, day); return out(a, err) })
	}
	same("DayCounts of no day", func(r reader) any { _, err := r.DayCounts(ctx, "22/11"); return fmt.Sprint(err) })
	for _, l := range labels {
		same("HourlyCounts", func(r reader) any {
			h, err := r.HourlyCounts(ctx, l, start.Add(-90*time.Minute), start.Add(75*time.Hour))
			return out(h, err)
		})
	}
	ranges := [][2]time.Time{{{}, {}}, {{}, now.Add(time.Hour)}, {start, start.Add(24 * time.Hour)},
		{start.Add(36 * time.Hour), start.Add(36*time.Hour + time.Minute)}, {start.Add(48 * time.Hour), time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)}}
	for _, rg := range ranges {
		same(fmt.Sprint("ForEachMention ", rg), func(r reader) any {
			var got []string
			err := r.ForEachMention(ctx, rg[0], rg[1], func(m core.Mention) error { got = append(got, m.Key()); return nil })
			return out(got, err)
		})
		same(fmt.Sprint("ForEachCase ", rg), func(r reader) any {
			var got []uint64
			err := r.ForEachCase(ctx, rg[0], rg[1], func(c core.Case) error { got = append(got, c.ID); return nil })
			return out(got, err)
		})
	}
	for _, f := range []core.CaseFilter{{}, {Label: core.LabelNegative}, {Offset: 2, Limit: 3}, {Label: core.LabelNegative, Offset: 1, Limit: 1}, {Offset: 99}} {
		same(fmt.Sprint("OpenCases ", f), func(r reader) any { cs, n, err := r.OpenCases(ctx, f); return out([]any{cs, n}, err) })
	}
	same("Corrections", func(r reader) any { c, err := r.Corrections(ctx); return out(c, err) })
	same("IndexCases", func(r reader) any { return fmt.Sprint(r.IndexCases(ctx)) })
	same("CaseCounts", func(r reader) any { c, err := r.CaseCounts(ctx); return out(c, err) })

	odd := func(_ *core.Case, m *core.Mention) bool { return len(m.NativeID)%2 == 1 }
	queries := []core.PageQuery{
		{}, {Limit: 3}, {Limit: 4, Budget: 5}, {Limit: 2, Match: odd}, {Budget: 3, Match: odd},
		{States: []core.CaseState{core.CaseNew, core.CaseClaimed}, Limit: 2},
		{States: []core.CaseState{core.CaseResolved}}, {States: []core.CaseState{core.CaseIgnored, core.CaseReplied}, Limit: 1, Budget: 2},
		{From: start.Add(24 * time.Hour), Limit: 3}, {To: start.Add(48 * time.Hour), From: start.Add(12 * time.Hour), Limit: 5},
		{To: now, Limit: 5, Match: odd},
	}
	for i, q := range queries {
		// Each page, then the pages after it, to the end.
		for _, kind := range []string{"CasePage", "MentionPage"} {
			same(fmt.Sprintf("%s %d", kind, i), func(r reader) any {
				var pages []any
				q := q
				for range 40 {
					var next string
					if kind == "CasePage" {
						p, err := r.CasePage(ctx, q)
						if err != nil {
							return err.Error()
						}
						pages = append(pages, p)
						next = p.Next
						partial = partial || p.Partial
					} else {
						p, err := r.MentionPage(ctx, q)
						if err != nil {
							return err.Error()
						}
						pages = append(pages, p)
						next = p.Next
					}
					if next == "" {
						break
					}
					q.After = next
				}
				return pages
			})
		}
	}
	corrections := same("Corrections again", func(r reader) any { c, err := r.Corrections(ctx); return out(c, err) }).([2]any)[0].([]store.Correction)
	if duplicates == 0 || skipped == 0 || !partial || len(corrections) == 0 || nCases < 10 {
		t.Errorf("the history had %d duplicates, %d skipped actions, %d cases, %d corrections, partial pages %v: want some of each",
			duplicates, skipped, nCases, len(corrections), partial)
	}
	same("CasePage with a bad cursor", func(r reader) any { _, err := r.CasePage(ctx, core.PageQuery{After: "x"}); return fmt.Sprint(err) })
	same("MentionPage with a bad cursor", func(r reader) any { _, err := r.MentionPage(ctx, core.PageQuery{After: "x"}); return fmt.Sprint(err) })

	for i := range 3 {
		at := now.Add(time.Duration(i) * 20 * time.Hour)
		same("AddUsage", func(r reader) any {
			u, err := r.AddUsage(ctx, at, map[string]int64{"x.requests": int64(i + 1), "x.posts": 2})
			return out(u, err)
		})
		same("Usage", func(r reader) any { u, err := r.Usage(ctx, at.Add(time.Hour)); return out(u, err) })
	}
	same("AddUsage refused", func(r reader) any { _, err := r.AddUsage(ctx, now, map[string]int64{"": 1}); return fmt.Sprint(err) })
}

func errorsJoin(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// out is what a call returned, compared deeply.
func out(v any, err error) any {
	if err != nil {
		return [2]any{v, err.Error()}
	}
	return [2]any{v, nil}
}
