package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/sentiment"
	"github.com/shenava/shenava/sentiment/vader"
)

func evalCommand() command {
	return command{summary: "score the sentiment model on a labelled TSV file", run: runEval}
}

// evalReport is the output of `eval -json`; scripts depend on its keys.
type evalReport struct {
	File  string `json:"file"`
	Model string `json:"model"`
	sentiment.Metrics
	ByLang      map[string]langMetrics `json:"by_lang,omitempty"`
	Referral    *sentiment.PRF         `json:"referral,omitempty"`
	TextsPerSec float64                `json:"texts_per_sec"`
	// Vader is the VADER baseline on the same rows, with -vader.
	Vader *sentiment.Metrics `json:"vader,omitempty"`
}

type langMetrics struct {
	N        int     `json:"n"`
	Accuracy float64 `json:"accuracy"`
	MacroF1  float64 `json:"macro_f1"`
}

func runEval(ctx context.Context, e env, args []string) error {
	fs := newFlagSet(e, "eval", "-data FILE.tsv [-json] [-labels negative,positive] [-vader vader_lexicon.txt]")
	data := fs.String("data", "", "labelled TSV file: header with label and text, optional lang and referral (required)")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	labels := fs.String("labels", "", "keep only rows with these labels, e.g. negative,positive for a binary score")
	vaderLex := fs.String("vader", "", "also score the VADER lexicon baseline, reading this vader_lexicon.txt")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *data == "" {
		fs.Usage()
		return fmt.Errorf("eval: -data is required: %w", errUsage)
	}
	d, err := sentiment.ReadTSVFile(*data)
	if err != nil {
		return fmt.Errorf("eval: %w", err)
	}
	if *labels != "" {
		keep := map[core.Label]bool{}
		for s := range strings.SplitSeq(*labels, ",") {
			l, err := core.ParseLabel(strings.TrimSpace(s))
			if err != nil {
				return fmt.Errorf("eval: -labels: %w: %w", errUsage, err)
			}
			keep[l] = true
		}
		d.Examples = slices.DeleteFunc(d.Examples, func(x sentiment.Example) bool { return !keep[x.Label] })
	}
	if len(d.Examples) == 0 {
		return fmt.Errorf("eval: %s: no examples", *data)
	}
	m, err := sentiment.Load()
	if err != nil {
		return fmt.Errorf("eval: %w", err)
	}
	binary := slices.Equal(d.Labels(), []core.Label{core.LabelNegative, core.LabelPositive})

	// Analysis only, one goroutine, language identification included;
	// lingua-go's lazily loaded models are loaded before the clock starts.
	m.Prepare()
	as := make([]core.Analysis, len(d.Examples))
	start := time.Now()
	for i, x := range d.Examples {
		as[i] = m.Analyze(x.Text)
	}
	elapsed := time.Since(start)
	if err := ctx.Err(); err != nil {
		return err
	}

	gold := make([]core.Label, len(d.Examples))
	pred := make([]core.Label, len(d.Examples))
	for i, x := range d.Examples {
		gold[i] = x.Label
		pred[i] = predicted(as[i], binary)
	}
	rep := evalReport{File: *data, Model: m.Name(), Metrics: sentiment.Score(gold, pred)}
	rep.TextsPerSec = float64(len(d.Examples)) / max(elapsed.Seconds(), 1e-9)
	if d.HasLang {
		rep.ByLang = byLang(d.Examples, gold, pred)
	}
	if d.HasReferral {
		g := make([]bool, len(d.Examples))
		p := make([]bool, len(d.Examples))
		for i, x := range d.Examples {
			g[i] = x.Referral == sentiment.RefYes
			p[i] = as[i].Referral
		}
		r := sentiment.ScoreBinary(g, p)
		rep.Referral = &r
	}
	if *vaderLex != "" {
		v, err := loadVader(*vaderLex)
		if err != nil {
			return fmt.Errorf("eval: %w", err)
		}
		vp := make([]core.Label, len(d.Examples))
		for i, x := range d.Examples {
			vp[i] = v.Label(x.Text)
			if binary && vp[i] == core.LabelNeutral {
				// VADER's compound sign decides between the two.
				if v.Compound(x.Text) >= 0 {
					vp[i] = core.LabelPositive
				} else {
					vp[i] = core.LabelNegative
				}
			}
		}
		vm := sentiment.Score(gold, vp)
		rep.Vader = &vm
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(rep); err != nil {
			return fmt.Errorf("eval: %w", err)
		}
		return nil
	}
	writeEvalReport(e.stdout, rep, binary)
	return nil
}

// predicted is the label of a, restricted to negative and positive for a
// binary file.
func predicted(a core.Analysis, binary bool) core.Label {
	if !binary {
		return a.Label
	}
	if a.Scores.Positive > a.Scores.Negative {
		return core.LabelPositive
	}
	return core.LabelNegative
}

func byLang(xs []sentiment.Example, gold, pred []core.Label) map[string]langMetrics {
	idx := map[string][]int{}
	for i, x := range xs {
		l := x.Lang
		if l == "" {
			l = "unknown"
		}
		idx[l] = append(idx[l], i)
	}
	out := map[string]langMetrics{}
	for l, is := range idx {
		g := make([]core.Label, len(is))
		p := make([]core.Label, len(is))
		for j, i := range is {
			g[j], p[j] = gold[i], pred[i]
		}
		mt := sentiment.Score(g, p)
		out[l] = langMetrics{N: mt.N, Accuracy: mt.Accuracy, MacroF1: mt.MacroF1}
	}
	return out
}

// loadVader reads the VADER lexicon and, when it is next to it, the emoji
// lexicon.
func loadVader(path string) (*vader.Analyzer, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var emoji io.Reader
	if ef, err := os.Open(filepath.Join(filepath.Dir(path), "emoji_utf8_lexicon.txt")); err == nil {
		defer ef.Close()
		emoji = ef
	}
	return vader.New(f, emoji)
}

func writeEvalReport(w io.Writer, r evalReport, binary bool) {
	kind := "3-class"
	if binary {
		kind = "binary (predictions restricted to negative/positive)"
	}
	fmt.Fprintf(w, "%s: %d texts, %s, model %s\n\n", r.File, r.N, kind, r.Model)
	fmt.Fprintf(w, "accuracy      %.4f\nmacro-F1      %.4f\nweighted-F1   %.4f\nmacro-recall  %.4f\n",
		r.Accuracy, r.MacroF1, r.WeightedF1, r.MacroRecall)
	if r.Vader != nil {
		fmt.Fprintf(w, "\nVADER baseline: accuracy %.4f  macro-F1 %.4f  macro-recall %.4f\n",
			r.Vader.Accuracy, r.Vader.MacroF1, r.Vader.MacroRecall)
	}
	fmt.Fprintf(w, "\n%-10s %9s %9s %9s %8s\n", "label", "precision", "recall", "F1", "support")
	for _, l := range core.Labels {
		p, ok := r.PerLabel[l]
		if !ok {
			continue
		}
		fmt.Fprintf(w, "%-10s %9.4f %9.4f %9.4f %8d\n", l, p.Precision, p.Recall, p.F1, p.Support)
	}
	fmt.Fprintf(w, "\nconfusion (rows gold, columns predicted)\n%-10s", "")
	for _, l := range core.Labels {
		fmt.Fprintf(w, " %9s", l)
	}
	fmt.Fprintln(w)
	for _, g := range core.Labels {
		if r.PerLabel[g].Support == 0 {
			continue
		}
		fmt.Fprintf(w, "%-10s", g)
		for _, p := range core.Labels {
			fmt.Fprintf(w, " %9d", r.Confusion[g][p])
		}
		fmt.Fprintln(w)
	}
	if len(r.ByLang) > 0 {
		fmt.Fprintf(w, "\n%-8s %6s %9s %9s\n", "lang", "n", "accuracy", "macro-F1")
		langs := make([]string, 0, len(r.ByLang))
		for l := range r.ByLang {
			langs = append(langs, l)
		}
		slices.Sort(langs)
		for _, l := range langs {
			b := r.ByLang[l]
			fmt.Fprintf(w, "%-8s %6d %9.4f %9.4f\n", l, b.N, b.Accuracy, b.MacroF1)
		}
	}
	if r.Referral != nil {
		fmt.Fprintf(w, "\nreferral: precision %.4f  recall %.4f  F1 %.4f  (support %d)\n",
			r.Referral.Precision, r.Referral.Recall, r.Referral.F1, r.Referral.Support)
	}
	fmt.Fprintf(w, "\nthroughput: %.0f texts/s (one goroutine, language identification included)\n", r.TextsPerSec)
}
