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

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/listen"
	"github.com/shenava/shenava/sentiment/lab"
	"github.com/shenava/shenava/sentiment/vader"
)

func evalCommand() command {
	return command{summary: "score the sentiment model on a labelled TSV file", run: runEval}
}

// evalReport is the output of `eval -json`; scripts depend on its keys: n,
// accuracy, macro_f1, weighted_f1, macro_recall, per_label, confusion,
// by_lang, referral, alert, thank_you, by_case, texts_per_sec. alert and
// thank_you are the engine's own decisions (listen.Alerts, listen.Thanks) at
// the routing thresholds, by default the shipped defaults.
type evalReport struct {
	File  string `json:"file"`
	Model string `json:"model"`
	lab.Evaluation
	// Vader is the VADER baseline on the same rows, with -vader.
	Vader *lab.Metrics `json:"vader,omitempty"`
}

func runEval(ctx context.Context, e env, args []string) error {
	fs := newFlagSet(e, "eval", "-data FILE.tsv [-json] [-labels negative,positive] [-vader vader_lexicon.txt] [-model FILE]")
	data := fs.String("data", "", "labelled TSV file: header with label and text, optional lang and referral (required)")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	labels := fs.String("labels", "", "keep only rows with these labels, e.g. negative,positive for a binary score")
	vaderLex := fs.String("vader", "", "also score the VADER lexicon baseline, reading this vader_lexicon.txt")
	modelFile := fs.String("model", "", "model file written by 'shenava train' (default: the model built into the binary)")
	alertAt := fs.Float64("alert-threshold", listen.DefaultAlertThreshold, "routing.alert.threshold to score the alert decision at")
	thankAt := fs.Float64("referral-threshold", listen.DefaultReferralThreshold, "routing.referral_threshold to score the thank-you decision at")
	by := fs.String("by", "", "also print the scores per value of this column: case (the hard case of a brand row) or lang")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *by != "" && *by != "case" && *by != "lang" {
		return fmt.Errorf("eval: -by %q: want case or lang: %w", *by, errUsage)
	}
	if *data == "" {
		fs.Usage()
		return fmt.Errorf("eval: -data is required: %w", errUsage)
	}
	d, err := lab.ReadTSVFile(*data)
	if err != nil {
		return fmt.Errorf("eval: %w", err)
	}
	for _, l := range d.Skipped {
		fmt.Fprintf(e.stderr, "eval: %s %s\n", *data, l)
	}
	if *labels != "" {
		var keep []core.Label
		for l := range strings.SplitSeq(*labels, ",") {
			l, err := core.ParseLabel(strings.TrimSpace(l))
			if err != nil {
				return fmt.Errorf("eval: -labels: %w: %w", errUsage, err)
			}
			keep = append(keep, l)
		}
		d.Keep(keep...)
	}
	if len(d.Examples) == 0 {
		return fmt.Errorf("eval: %s: no examples", *data)
	}
	m, err := loadModel(*modelFile)
	if err != nil {
		return fmt.Errorf("eval: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	dc := lab.Decisions{
		AlertThreshold: *alertAt, Alert: func(a core.Analysis) bool { return listen.Alerts(a, *alertAt) },
		ThankThreshold: *thankAt, Thank: func(a core.Analysis) bool { return listen.Thanks(a, *thankAt) },
	}
	rep := evalReport{File: *data, Model: m.Name(), Evaluation: lab.EvaluateDecisions(m, d, dc)}
	if *vaderLex != "" {
		v, err := loadVader(*vaderLex)
		if err != nil {
			return fmt.Errorf("eval: %w", err)
		}
		gold := make([]core.Label, len(d.Examples))
		vp := make([]core.Label, len(d.Examples))
		for i, x := range d.Examples {
			gold[i] = x.Label
			vp[i] = v.Label(x.Text)
			if rep.Binary && vp[i] == core.LabelNeutral {
				// The sign of VADER's compound score decides between the two.
				vp[i] = core.LabelNegative
				if v.Compound(x.Text) >= 0 {
					vp[i] = core.LabelPositive
				}
			}
		}
		vm := lab.Score(gold, vp)
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
	writeEvalReport(e.stdout, rep, *by)
	return nil
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

func writeEvalReport(w io.Writer, r evalReport, by string) {
	kind := "3-class"
	if r.Binary {
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
		for _, l := range sortedKeys(r.ByLang) {
			b := r.ByLang[l]
			fmt.Fprintf(w, "%-8s %6d %9.4f %9.4f\n", l, b.N, b.Accuracy, b.MacroF1)
		}
	}
	if r.Referral != nil {
		fmt.Fprintf(w, "\nreferral: precision %.4f  recall %.4f  F1 %.4f  (support %d)\n",
			r.Referral.Precision, r.Referral.Recall, r.Referral.F1, r.Referral.Support)
	}
	writeDecision(w, "alert", "complaints", r.Alert)
	writeDecision(w, "thank-you", "referrals", r.ThankYou)
	if by == "lang" && len(r.ByLang) > 0 {
		fmt.Fprintf(w, "\n%-8s %6s %9s %8s %8s %8s %8s %8s\n", "lang", "n", "accuracy", "alert-P", "alert-R", "alert-F1", "thank-P", "thank-R")
		for _, l := range sortedKeys(r.ByLang) {
			b := r.ByLang[l]
			fmt.Fprintf(w, "%-8s %6d %9.4f", l, b.N, b.Accuracy)
			if b.Alert != nil {
				fmt.Fprintf(w, " %8.4f %8.4f %8.4f", b.Alert.Precision, b.Alert.Recall, b.Alert.F1)
			}
			if b.ThankYou != nil {
				fmt.Fprintf(w, " %8.4f %8.4f", b.ThankYou.Precision, b.ThankYou.Recall)
			}
			fmt.Fprintln(w)
		}
	}
	if by == "case" {
		if len(r.ByCase) == 0 {
			fmt.Fprintf(w, "\n(no case column: nothing to report by case)\n")
		} else {
			fmt.Fprintf(w, "\n%-11s %5s %9s %9s %8s %12s %10s %8s %12s\n", "case", "n", "accuracy",
				"negative", "alerted", "alert-recall", "referrals", "thanked", "false-alerts/thanks")
			for _, k := range sortedKeys(r.ByCase) {
				c := r.ByCase[k]
				fmt.Fprintf(w, "%-11s %5d %9.4f %9d %8d %12.4f %10d %8d %7d/%d\n", k, c.N, c.Accuracy,
					c.Negative, c.Alerted, c.AlertRecall, c.Referrals, c.Thanked, c.FalseAlerts, c.FalseThanks)
			}
		}
	}
	fmt.Fprintf(w, "\nthroughput: %.0f texts/s (one goroutine, language identification included)\n", r.TextsPerSec)
}

// writeDecision prints one decision's score, when it was scored.
func writeDecision(w io.Writer, name, gold string, d *lab.DecisionMetrics) {
	if d == nil {
		return
	}
	fmt.Fprintf(w, "%s at %.2f: precision %.4f  recall %.4f  F1 %.4f  (%d %s, %d decided)\n",
		name, d.Threshold, d.Precision, d.Recall, d.F1, d.Support, gold, d.Decided)
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}
