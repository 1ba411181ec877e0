package watch

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/shenava/shenava/core"
)

// lookbackHours bounds how far back a spike that is still going on (or
// just ended) is followed to its start. A spike longer than this is
// announced again, once a day.
const lookbackHours = 24

// hourStat is one hour's negative mentions and its baseline.
type hourStat struct {
	Start     time.Time
	Count     int
	Mean, Std float64
	// Threshold is Mean + K·max(Std, √Mean): the floor on σ keeps an hour
	// whose last seven days happened to agree (σ 0) from counting one more
	// mention as a spike.
	Threshold float64
	Spike     bool
}

// CheckSpike looks at the current hour and the one before (mentions are
// counted by creation time and can arrive late). If one of them is a
// spike, it follows the spike back to its first hour, and queues one
// urgent notice for it unless one was queued for any hour of it already,
// so a spike lasting several hours is announced once. It returns what it
// queued.
func (w *Watcher) CheckSpike(ctx context.Context) ([]core.Action, error) {
	now := w.now()
	cur := now.Truncate(time.Hour)
	stats, err := w.hourStats(ctx, cur)
	if err != nil {
		return nil, fmt.Errorf("watch: spikes: %w", err)
	}
	last := len(stats) - 1
	end := -1
	switch {
	case stats[last].Spike:
		end = last
	case stats[last-1].Spike:
		end = last - 1
	default:
		return nil, nil
	}
	start := end
	for start > 0 && stats[start-1].Spike {
		start--
	}
	run := stats[start : end+1]
	keys := make([]string, len(run))
	for i, h := range run {
		keys[i] = spikeKey(h.Start)
	}
	known, err := w.st.KnownActions(ctx, keys)
	if err != nil {
		return nil, fmt.Errorf("watch: spikes: %w", err)
	}
	if len(known) > 0 {
		return nil, nil
	}
	to := run[len(run)-1].Start.Add(time.Hour)
	if now.Before(to) {
		to = now
	}
	sp, err := w.describe(ctx, run, to)
	if err != nil {
		return nil, fmt.Errorf("watch: spikes: %w", err)
	}
	queued, err := w.st.Enqueue(ctx, core.Action{
		Kind: core.ActionNotify, Topic: core.TopicSpike, Actor: core.ActorSystem,
		DedupKey: keys[0], Text: w.text.spike(sp, w.loc), CreatedAt: now,
	})
	if err != nil {
		return nil, fmt.Errorf("watch: spikes: %w", err)
	}
	if len(queued) > 0 {
		w.logger.Warn("negative mentions spiking", "from", sp.From, "count", sp.Count, "usual", sp.Usual)
	}
	return queued, nil
}

func spikeKey(hour time.Time) string { return "spike:" + hour.UTC().Format("2006-01-02T15Z") }

// hourStats returns the last lookbackHours hours, ending with cur, each
// with its baseline: the same hour on each of the Spike.BaselineDays days before,
// hours without mentions counting as 0.
func (w *Watcher) hourStats(ctx context.Context, cur time.Time) ([]hourStat, error) {
	first := cur.Add(-(lookbackHours - 1) * time.Hour)
	days := w.cfg.Spike.BaselineDays
	from := first.Add(-time.Duration(days) * 24 * time.Hour)
	counts, err := w.st.HourlyCounts(ctx, core.LabelNegative, from, cur.Add(time.Hour))
	if err != nil {
		return nil, err
	}
	out := make([]hourStat, lookbackHours)
	for i := range out {
		idx := days*24 + i
		base := make([]float64, days)
		for d := range days {
			base[d] = float64(counts[idx-(d+1)*24])
		}
		mean, std := meanStd(base)
		h := hourStat{Start: first.Add(time.Duration(i) * time.Hour), Count: counts[idx], Mean: mean, Std: std}
		h.Threshold = mean + w.cfg.Spike.K*math.Max(std, math.Sqrt(mean))
		h.Spike = h.Count >= w.cfg.Spike.MinCount && float64(h.Count) > h.Threshold
		out[i] = h
	}
	return out, nil
}

// meanStd is the mean and the population standard deviation.
func meanStd(xs []float64) (float64, float64) {
	var sum float64
	for _, x := range xs {
		sum += x
	}
	mean := sum / float64(len(xs))
	var ss float64
	for _, x := range xs {
		ss += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(ss / float64(len(xs)))
}

// spike is what the alert says.
type spike struct {
	From, To time.Time
	Count    int
	Usual    float64 // the baseline mean summed over the spike's hours
	Terms    []string
	Samples  []core.Mention
}

// describe reads the spike's negative mentions for its top terms and
// samples.
func (w *Watcher) describe(ctx context.Context, run []hourStat, to time.Time) (spike, error) {
	sp := spike{From: run[0].Start, To: to}
	for _, h := range run {
		sp.Count += h.Count
		sp.Usual += h.Mean
	}
	var negs []core.Mention
	err := w.st.ForEachMention(ctx, sp.From, run[len(run)-1].Start.Add(time.Hour), func(m core.Mention) error {
		if m.Analysis != nil && m.Analysis.Label == core.LabelNegative {
			negs = append(negs, m)
		}
		return nil
	})
	if err != nil {
		return sp, err
	}
	texts := make([]string, len(negs))
	for i, m := range negs {
		texts[i] = m.Text
	}
	sp.Terms = topTerms(texts, w.stop, w.cfg.Spike.Terms)
	sp.Samples = samples(negs, w.cfg.Spike.Samples)
	return sp, nil
}

// samples picks the mentions the model is surest are negative, then those
// of the most followed authors, then the newest; one per author.
func samples(ms []core.Mention, n int) []core.Mention {
	ms = slices.Clone(ms)
	slices.SortFunc(ms, func(a, b core.Mention) int {
		return cmp.Or(
			cmp.Compare(b.Analysis.Scores.Negative, a.Analysis.Scores.Negative),
			cmp.Compare(b.Author.Followers, a.Author.Followers),
			b.CreatedAt.Compare(a.CreatedAt),
			cmp.Compare(a.Key(), b.Key()),
		)
	})
	var out []core.Mention
	seen := map[string]bool{}
	for _, m := range ms {
		if len(out) == n {
			break
		}
		if seen[m.AuthorKey()] {
			continue
		}
		seen[m.AuthorKey()] = true
		out = append(out, m)
	}
	return out
}
