package main

import (
	"encoding/json"
	"strings"
	"testing"
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
		"by_lang", "referral", "texts_per_sec"} {
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
