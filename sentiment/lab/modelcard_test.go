package lab

import (
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/listen"
	"github.com/shenava/shenava/sentiment/vader"
)

var updateCard = flag.Bool("update-card", false, "rewrite the scores in MODEL.md from the embedded model")

const (
	cardBegin = "<!-- scores:begin -->"
	cardEnd   = "<!-- scores:end -->"
)

// cardRow is one row of the scores table in MODEL.md:
// | set | file | flags | metric | score | bar |
type cardRow struct {
	line                     int
	set, file, flags, metric string
	score                    float64
	cells                    []string
}

// readCard parses the scores table of MODEL.md.
func readCard(t *testing.T) ([]string, []cardRow) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "MODEL.md"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(b), "\n")
	var rows []cardRow
	in := false
	for i, l := range lines {
		switch {
		case strings.TrimSpace(l) == cardBegin:
			in = true
			continue
		case strings.TrimSpace(l) == cardEnd:
			in = false
		}
		if !in || !strings.HasPrefix(l, "|") || strings.HasPrefix(l, "|---") || strings.HasPrefix(l, "| set ") {
			continue
		}
		cells := strings.Split(strings.Trim(l, "|"), "|")
		for j := range cells {
			cells[j] = strings.TrimSpace(cells[j])
		}
		if len(cells) != 6 {
			t.Fatalf("MODEL.md:%d: %d cells, want 6", i+1, len(cells))
		}
		unq := func(s string) string { return strings.Trim(s, "`") }
		r := cardRow{line: i, set: cells[0], file: unq(cells[1]), flags: unq(cells[2]), metric: unq(cells[3]), cells: cells}
		if r.score, err = strconv.ParseFloat(strings.TrimSuffix(cells[4], "*"), 64); err != nil {
			t.Fatalf("MODEL.md:%d: score %q: %v", i+1, cells[4], err)
		}
		rows = append(rows, r)
	}
	if len(rows) == 0 {
		t.Fatal("MODEL.md has no scores table")
	}
	return lines, rows
}

var cardLabels = regexp.MustCompile(`-labels ([a-z,]+)`)

// TestModelCard recomputes every score in MODEL.md's table with the
// embedded model and wants the same figure to the printed precision. It needs
// ../shared/data; run with -update-card to rewrite the figures.
func TestModelCard(t *testing.T) {
	t.Parallel()
	data := MustSharedData(t)
	m := MustLoad(t)
	lines, rows := readCard(t)
	type key struct{ file, flags string }
	cache := map[key]Evaluation{}
	vaderCache := map[key]Metrics{}
	var va *vader.Analyzer
	for _, r := range rows {
		path := r.file
		if rest, ok := strings.CutPrefix(path, "../shared/data/"); ok {
			path = filepath.Join(data, filepath.FromSlash(rest))
		} else {
			path = filepath.Join(moduleRoot(t), filepath.FromSlash(path))
		}
		k := key{path, r.flags}
		ev, ok := cache[k]
		if !ok {
			d, err := ReadTSVFile(path)
			if err != nil {
				t.Fatalf("%s: %v", r.set, err)
			}
			if mm := cardLabels.FindStringSubmatch(r.flags); mm != nil {
				var keep []core.Label
				for _, l := range strings.Split(mm[1], ",") {
					keep = append(keep, core.Label(l))
				}
				d.Keep(keep...)
			}
			// The product's own decisions at the shipped routing defaults.
			ev = EvaluateDecisions(m, d, Decisions{
				AlertThreshold: listen.DefaultAlertThreshold,
				Alert:          func(a core.Analysis) bool { return listen.Alerts(a, listen.DefaultAlertThreshold) },
				ThankThreshold: listen.DefaultReferralThreshold,
				Thank:          func(a core.Analysis) bool { return listen.Thanks(a, listen.DefaultReferralThreshold) },
			})
			cache[k] = ev
			if strings.Contains(r.flags, "-vader") {
				if va == nil {
					lf, err := os.Open(filepath.Join(data, "lexicons", "vader", "vader_lexicon.txt"))
					if err != nil {
						t.Fatal(err)
					}
					ef, err := os.Open(filepath.Join(data, "lexicons", "vader", "emoji_utf8_lexicon.txt"))
					if err != nil {
						t.Fatal(err)
					}
					va, err = vader.New(lf, ef)
					lf.Close()
					ef.Close()
					if err != nil {
						t.Fatal(err)
					}
				}
				gold := make([]core.Label, len(d.Examples))
				pred := make([]core.Label, len(d.Examples))
				for i, x := range d.Examples {
					gold[i], pred[i] = x.Label, va.Label(x.Text)
				}
				vaderCache[k] = Score(gold, pred)
			}
		}
		var got float64
		switch r.metric {
		case "accuracy":
			got = ev.Accuracy
		case "macro_f1":
			got = ev.MacroF1
		case "weighted_f1":
			got = ev.WeightedF1
		case "macro_recall":
			got = ev.MacroRecall
		case "referral.f1":
			if ev.Referral == nil {
				t.Fatalf("%s: no referral column", r.set)
			}
			got = ev.Referral.F1
		case "alert.precision", "alert.recall", "alert.f1", "thank_you.precision", "thank_you.recall", "thank_you.f1":
			dm := ev.Alert
			if strings.HasPrefix(r.metric, "thank_you.") {
				dm = ev.ThankYou
			}
			if dm == nil {
				t.Fatalf("%s: %s not scored (no referral column?)", r.set, r.metric)
			}
			switch r.metric[strings.IndexByte(r.metric, '.')+1:] {
			case "precision":
				got = dm.Precision
			case "recall":
				got = dm.Recall
			default:
				got = dm.F1
			}
		case "by_case.sarcasm.alert_recall":
			c, ok := ev.ByCase["sarcasm"]
			if !ok {
				t.Fatalf("%s: no sarcasm rows", r.set)
			}
			got = c.AlertRecall
		case "vader.accuracy":
			got = vaderCache[k].Accuracy
		case "vader.macro_recall":
			got = vaderCache[k].MacroRecall
		default:
			t.Fatalf("MODEL.md:%d: unknown metric %q", r.line+1, r.metric)
		}
		if *updateCard {
			r.cells[4] = fmt.Sprintf("%.3f", got)
			lines[r.line] = "| " + strings.Join(r.cells, " | ") + " |"
			continue
		}
		if math.Abs(got-r.score) > 0.0005 {
			t.Errorf("%s %s %s: model scores %.4f, MODEL.md says %.3f", r.set, r.flags, r.metric, got, r.score)
		}
	}
	if *updateCard {
		if err := os.WriteFile(filepath.Join("..", "MODEL.md"), []byte(strings.Join(lines, "\n")), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
