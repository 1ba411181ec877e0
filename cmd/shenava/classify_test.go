package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shenava/shenava/internal/goldentest"
	"github.com/shenava/shenava/sentiment/lab"
)

// runCmd runs the CLI with args and stdin and returns stdout, stderr and
// the error.
func runCmd(t *testing.T, stdin string, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	e := env{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errOut, getenv: func(string) string { return "" }}
	err := run(context.Background(), e, args)
	return out.String(), errOut.String(), err
}

func TestClassify_JSONGolden(t *testing.T) {
	t.Parallel()
	in, err := os.ReadFile(filepath.Join("testdata", "classify.input"))
	if err != nil {
		t.Fatal(err)
	}
	out, _, err := runCmd(t, string(in), "classify", "-json")
	if err != nil {
		t.Fatalf("classify -json: %v", err)
	}
	goldentest.Text(t, filepath.Join("testdata", "classify.golden"), out)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if want := strings.Count(strings.TrimSpace(string(in)), "\n") + 1; len(lines) != want {
		t.Fatalf("%d output lines, want %d", len(lines), want)
	}
	for _, l := range lines {
		var r map[string]any
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		for _, k := range []string{"text", "lang", "label", "scores", "referral", "referral_score"} {
			if _, ok := r[k]; !ok {
				t.Errorf("line %q lacks key %q", l, k)
			}
		}
	}
}

func TestClassify_Args(t *testing.T) {
	t.Parallel()
	out, _, err := runCmd(t, "", "classify", "great coffee, lovely staff", "خیلی بد بود")
	if err != nil {
		t.Fatalf("classify: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "positive") || !strings.HasPrefix(lines[1], "negative") ||
		!strings.Contains(lines[1], " fa ") {
		t.Fatalf("classify output:\n%s\nwant a positive English line and a negative Persian one", out)
	}
}

func TestClassify_StdinSkipsBlankLines(t *testing.T) {
	t.Parallel()
	out, _, err := runCmd(t, "good\n\n  \nbad\r\n", "classify", "-json")
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out, "\n"); n != 2 {
		t.Fatalf("%d lines for two texts:\n%s", n, out)
	}
}

func TestClassify_BadFlag(t *testing.T) {
	t.Parallel()
	if _, _, err := runCmd(t, "", "classify", "-nope"); exitCode(err) != 2 {
		t.Fatalf("classify -nope: err=%v exit %d, want a usage error", err, exitCode(err))
	}
}

// A latin.model next to the -model file replaces the embedded Latin-script
// detector; a broken one is an error naming it.
func TestClassify_LatinModelNextToModel(t *testing.T) {
	t.Parallel()
	model, err := os.ReadFile(filepath.Join("..", "..", "sentiment", "model", "sentiment.model"))
	if err != nil {
		t.Fatal(err)
	}
	latin, err := os.ReadFile(filepath.Join("..", "..", "sentiment", "model", "latin.model"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "sentiment.model")
	if err := os.WriteFile(path, model, 0o644); err != nil {
		t.Fatal(err)
	}
	// Without a detector file, and with a good one, the answers are those
	// of the embedded model.
	want, _, err := runCmd(t, "", "classify", "Das Paket ist leider immer noch nicht angekommen", "shenava jomeha baze?")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range []string{"", string(latin)} {
		if l != "" {
			if err := os.WriteFile(filepath.Join(dir, "latin.model"), []byte(l), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		got, _, err := runCmd(t, "", "classify", "-model", path, "Das Paket ist leider immer noch nicht angekommen", "shenava jomeha baze?")
		if err != nil || got != want {
			t.Fatalf("classify -model=%q,%v, want %q", got, err, want)
		}
	}
	if !strings.Contains(want, " other ") || !strings.Contains(want, " fi ") {
		t.Fatalf("classify output:\n%s\nwant the German text as other and the Finglish one as fi", want)
	}
	if err := os.WriteFile(filepath.Join(dir, "latin.model"), []byte("not a detector"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runCmd(t, "", "classify", "-model", path, "hello"); err == nil || !strings.Contains(err.Error(), "latin.model") {
		t.Fatalf("classify with a broken latin.model: err=%v, want one naming latin.model", err)
	}
}

// TestClassify_LongLineSkipped: a line over the limit is reported with its
// number and skipped; the lines around it are still classified.
func TestClassify_LongLineSkipped(t *testing.T) {
	long := strings.Repeat("a", lab.MaxLineBytes+10)
	in := "great coffee\n" + long + "\r\n-_- late again\n"
	out, errOut, err := runCmd(t, in, "classify", "-json")
	if err != nil {
		t.Fatalf("classify: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], "great coffee") || !strings.Contains(lines[1], `"-_- late again"`) {
		t.Errorf("output %q, want the first and third lines classified", lines)
	}
	if !strings.Contains(errOut, "line 2:") || !strings.Contains(errOut, "skipped") {
		t.Errorf("stderr %q, want line 2 reported as skipped", errOut)
	}
}

// TestClassify_DashTexts: a text starting with '-' is classified after --,
// and on stdin without anything.
func TestClassify_DashTexts(t *testing.T) {
	out, _, err := runCmd(t, "", "classify", "--", "-_- late again", "-json")
	if err != nil {
		t.Fatalf("classify -- ...: %v", err)
	}
	if !strings.Contains(out, "-_- late again") || !strings.Contains(out, "  -json") {
		t.Errorf("classify -- output %q, want both arguments classified as texts", out)
	}
	out, _, err = runCmd(t, "-_- late again\n--json\n", "classify")
	if err != nil {
		t.Fatalf("classify < stdin: %v", err)
	}
	if n := strings.Count(out, "\n"); n != 2 || !strings.Contains(out, "-_- late again") {
		t.Errorf("classify stdin output %q, want two lines", out)
	}
}
