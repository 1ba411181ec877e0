package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestTrain_Errors(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		want     string
		exitCode int
	}{
		{"BadFlag", []string{"train", "-nope"}, "flag provided but not defined", 2},
		{"ExtraArgs", []string{"train", "extra"}, "unexpected arguments", 2},
		{"BadData", []string{"train", "-data", "a.tsv:colour=red"}, "unknown setting", 2},
		{"MissingRoot", []string{"train", "-root", "/nonexistent/shared/data"}, "data directory", 1},
		{"MissingCorrections", []string{"train", "-data", "testdata/eval.tsv", "-corrections", "testdata/nope.tsv"}, "nope.tsv", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := runCmd(t, "", tt.args...)
			if err == nil || !strings.Contains(err.Error(), tt.want) || exitCode(err) != tt.exitCode {
				t.Fatalf("err=%v (exit %d), want %q (exit %d)", err, exitCode(err), tt.want, tt.exitCode)
			}
		})
	}
}

func TestTrain_SmallData(t *testing.T) {
	dir := t.TempDir()
	data, err := filepath.Abs(filepath.Join("..", "..", "sentiment", "testdata", "brand", "dev.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	// An empty -root: no lexicons, and the shared test sets are skipped.
	out, _, err := runCmd(t, "", "train", "-data", data+":finglish=1", "-root", t.TempDir(), "-out", dir,
		"-corrections", "testdata/eval.tsv")
	if err != nil {
		t.Fatalf("train: %v\n%s", err, out)
	}
	for _, want := range []string{"corpus", "epoch", "corrections: 4", "wrote " + filepath.Join(dir, "sentiment.model")} {
		if !strings.Contains(out, want) {
			t.Errorf("train output lacks %q:\n%s", want, out)
		}
	}
	if fi, err := os.Stat(filepath.Join(dir, "sentiment.model")); err != nil || fi.Size() == 0 {
		t.Fatalf("model file: %v", err)
	}
}
