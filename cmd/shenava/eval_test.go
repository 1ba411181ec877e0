package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shenava/shenava/config"
	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/listen"
	"github.com/shenava/shenava/sentiment"
	"github.com/shenava/shenava/sentiment/lab"
)

func TestEval_JSON(t *testing.T) {
	t.Parallel()
	out, _, err := runCmd(t, "", "eval", "-data", "testdata/eval.tsv", "-json")
	if err != nil {
		t.Fatalf("eval: %v", err)
	}
	var r map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("eval -json output: %v\n%s", err, out)
	}
	for _, k := range []string{"n", "accuracy", "macro_f1", "weighted_f1", "macro_recall", "per_label", "confusion",
		"by_lang", "referral", "alert", "thank_you", "texts_per_sec"} {
		if _, ok := r[k]; !ok {
			t.Errorf("eval -json lacks key %q:\n%s", k, out)
		}
	}
	var byLang map[string]struct {
		N        int     `json:"n"`
		Accuracy float64 `json:"accuracy"`
		MacroF1  float64 `json:"macro_f1"`
	}
	if err := json.Unmarshal(r["by_lang"], &byLang); err != nil || byLang["en"].N != 2 || byLang["fa"].N != 1 {
		t.Errorf("by_lang=%s, want en n=2 and fa n=1", r["by_lang"])
	}
	var ref struct{ Precision, Recall, F1 float64 }
	if err := json.Unmarshal(r["referral"], &ref); err != nil {
		t.Errorf("referral=%s: %v", r["referral"], err)
	}
	if string(r["n"]) != "4" {
		t.Errorf("n=%s, want 4", r["n"])
	}
	var alert struct {
		Threshold, Precision, Recall, F1 float64
		Support                          int
	}
	if err := json.Unmarshal(r["alert"], &alert); err != nil || alert.Threshold != listen.DefaultAlertThreshold || alert.Support != 1 {
		t.Errorf("alert=%s (%v), want threshold %v and support 1 (one negative row)", r["alert"], err, listen.DefaultAlertThreshold)
	}
	var thank struct{ Threshold, Precision, Recall, F1 float64 }
	if err := json.Unmarshal(r["thank_you"], &thank); err != nil || thank.Threshold != listen.DefaultReferralThreshold {
		t.Errorf("thank_you=%s (%v), want threshold %v", r["thank_you"], err, listen.DefaultReferralThreshold)
	}
}

// TestEval_DecisionsAreTheEngines: the alert and thank-you figures are
// computed with listen.Alerts and listen.Thanks, row by row.
func TestEval_DecisionsAreTheEngines(t *testing.T) {
	const data = "../../sentiment/testdata/brand/test2.tsv"
	out, _, err := runCmd(t, "", "eval", "-data", data, "-json", "-alert-threshold", "0.4", "-referral-threshold", "0.7")
	if err != nil {
		t.Fatalf("eval: %v", err)
	}
	var r struct {
		Alert    lab.DecisionMetrics
		ThankYou lab.DecisionMetrics        `json:"thank_you"`
		ByCase   map[string]lab.CaseMetrics `json:"by_case"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	d, err := lab.ReadTSVFile(data)
	if err != nil {
		t.Fatal(err)
	}
	m, err := sentiment.Load()
	if err != nil {
		t.Fatal(err)
	}
	alerted, thanked, sarcasmAlerted := 0, 0, 0
	for _, x := range d.Examples {
		a := m.Analyze(x.Text)
		if listen.Alerts(a, 0.4) {
			alerted++
			if x.Case == "sarcasm" && x.Label == core.LabelNegative {
				sarcasmAlerted++
			}
		}
		if listen.Thanks(a, 0.7) {
			thanked++
		}
	}
	if r.Alert.Threshold != 0.4 || r.Alert.Decided != alerted {
		t.Errorf("alert=%+v, want threshold 0.4 and %d alerted", r.Alert, alerted)
	}
	if r.ThankYou.Threshold != 0.7 || r.ThankYou.Decided != thanked {
		t.Errorf("thank_you=%+v, want threshold 0.7 and %d thanked", r.ThankYou, thanked)
	}
	if c := r.ByCase["sarcasm"]; c.Alerted != sarcasmAlerted || c.N == 0 {
		t.Errorf("by_case.sarcasm=%+v, want %d alerted", c, sarcasmAlerted)
	}
	text, _, err := runCmd(t, "", "eval", "-data", data, "-by", "case")
	if err != nil {
		t.Fatalf("eval -by case: %v", err)
	}
	for _, want := range []string{"alert at 0.", "thank-you at 0.", "sarcasm", "alert-recall"} {
		if !strings.Contains(text, want) {
			t.Errorf("eval -by case lacks %q:\n%s", want, text)
		}
	}
}

func TestEval_Text(t *testing.T) {
	t.Parallel()
	out, _, err := runCmd(t, "", "eval", "-data", "testdata/eval.tsv")
	if err != nil {
		t.Fatalf("eval: %v", err)
	}
	for _, want := range []string{"4 texts, 3-class", "macro-F1", "confusion", "lang", "referral:", "texts/s"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
}

func TestEval_BinaryLabels(t *testing.T) {
	t.Parallel()
	out, _, err := runCmd(t, "", "eval", "-data", "testdata/eval.tsv", "-labels", "negative,positive", "-json")
	if err != nil {
		t.Fatalf("eval: %v", err)
	}
	var r struct {
		N         int                       `json:"n"`
		Confusion map[string]map[string]int `json:"confusion"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if r.N != 3 {
		t.Fatalf("n=%d, want 3 (the neutral row dropped)", r.N)
	}
	for g, row := range r.Confusion {
		if row["neutral"] != 0 {
			t.Errorf("gold %s predicted neutral %d times in a binary file", g, row["neutral"])
		}
	}
}

func TestEval_Errors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		args     []string
		want     string
		exitCode int
	}{
		{"NoData", []string{"eval"}, "-data is required", 2},
		{"Missing", []string{"eval", "-data", "testdata/nope.tsv"}, "nope.tsv", 1},
		{"BadLabelLine", []string{"eval", "-data", "testdata/bad.tsv"}, "testdata/bad.tsv:3", 1},
		{"BadLabelsFlag", []string{"eval", "-data", "testdata/eval.tsv", "-labels", "happy"}, "happy", 2},
		{"NoRowsLeft", []string{"eval", "-data", "testdata/eval.tsv", "-labels", "negative"}, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := runCmd(t, "", tt.args...)
			if tt.exitCode == 0 {
				if err != nil {
					t.Fatalf("err=%v, want nil", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) || exitCode(err) != tt.exitCode {
				t.Fatalf("err=%v (exit %d), want %q (exit %d)", err, exitCode(err), tt.want, tt.exitCode)
			}
		})
	}
}

// TestEval_LongLineSkipped: a row over the limit is reported with its line
// number and skipped; the other rows are scored.
func TestEval_LongLineSkipped(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.tsv")
	body := "label\ttext\npositive\tgreat coffee\nnegative\t" + strings.Repeat("bad ", lab.MaxLineBytes/4+1) + "\nnegative\tcold and late again\n"
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	out, errOut, err := runCmd(t, "", "eval", "-data", path, "-json")
	if err != nil {
		t.Fatalf("eval: %v", err)
	}
	var r struct{ N int }
	if err := json.Unmarshal([]byte(out), &r); err != nil || r.N != 2 {
		t.Errorf("n=%d (%v), want 2", r.N, err)
	}
	if !strings.Contains(errOut, "line 3:") {
		t.Errorf("stderr %q, want line 3 reported", errOut)
	}
}

// TestDecisionDefaults: the routing defaults of the configuration are the
// decision defaults that eval scores and MODEL.md reports.
func TestDecisionDefaults(t *testing.T) {
	if config.DefaultAlertThreshold != listen.DefaultAlertThreshold {
		t.Errorf("config.DefaultAlertThreshold=%v, listen.DefaultAlertThreshold=%v: want the same", config.DefaultAlertThreshold, listen.DefaultAlertThreshold)
	}
	if config.DefaultReferralThreshold != listen.DefaultReferralThreshold {
		t.Errorf("config.DefaultReferralThreshold=%v, listen.DefaultReferralThreshold=%v: want the same", config.DefaultReferralThreshold, listen.DefaultReferralThreshold)
	}
}
