package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/sentiment"
	"github.com/shenava/shenava/sentiment/lab"
)

func classifyCommand() command {
	return command{summary: "classify texts given as arguments or stdin lines", run: runClassify}
}

// classifyResult is one line of `classify -json`.
type classifyResult struct {
	Text          string      `json:"text"`
	Lang          string      `json:"lang"`
	Label         core.Label  `json:"label"`
	Scores        core.Scores `json:"scores"`
	Referral      bool        `json:"referral"`
	ReferralScore float64     `json:"referral_score"`
}

func runClassify(ctx context.Context, e env, args []string) error {
	fs := newFlagSet(e, "classify", "[-json] [-model FILE] [--] [TEXT ...]\n\nClassifies each argument, or each line of stdin when there are none. Put -- before\na text that starts with '-'. Stdin lines longer than 1 MiB are reported and skipped.")
	asJSON := fs.Bool("json", false, "print one JSON object per line: text, lang, label, scores, referral, referral_score")
	modelFile := fs.String("model", "", "model file written by 'shenava train' (default: the model built into the binary)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	m, err := loadModel(*modelFile)
	if err != nil {
		return fmt.Errorf("classify: %w", err)
	}
	w := bufio.NewWriter(e.stdout)
	defer w.Flush()
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	one := func(text string) error {
		a := m.Analyze(text)
		if *asJSON {
			return enc.Encode(classifyResult{Text: text, Lang: a.Lang, Label: a.Label, Scores: roundScores(a.Scores),
				Referral: a.Referral, ReferralScore: round4(a.ReferralScore)})
		}
		ref := ""
		if a.Referral {
			ref = "  referral"
		}
		_, err := fmt.Fprintf(w, "%-8s %.2f  %-5s%s  %s\n", a.Label, a.Confidence(), a.Lang, ref, text)
		return err
	}
	if fs.NArg() > 0 {
		for _, t := range fs.Args() {
			if err := one(t); err != nil {
				return fmt.Errorf("classify: %w", err)
			}
		}
		return nil
	}
	// A line longer than the limit is reported with its number and
	// skipped; every other line is still classified.
	var stop error
	err = lab.EachLine(e.stdin, lab.MaxLineBytes, func(_ int, t string) error {
		if stop = ctx.Err(); stop != nil {
			return stop
		}
		if strings.TrimSpace(t) == "" {
			return nil
		}
		if err := one(t); err != nil {
			stop = fmt.Errorf("classify: %w", err)
		}
		return stop
	}, func(l lab.LongLine) {
		fmt.Fprintf(e.stderr, "classify: stdin %s\n", l)
	})
	switch {
	case stop != nil:
		return stop
	case err != nil:
		return fmt.Errorf("classify: read stdin: %w", err)
	}
	return nil
}

func round4(x float64) float64 {
	return float64(int64(x*10000+0.5)) / 10000
}

func roundScores(s core.Scores) core.Scores {
	return core.Scores{Negative: round4(s.Negative), Neutral: round4(s.Neutral), Positive: round4(s.Positive)}
}

// loadModel decodes a model file, or the embedded model when path is empty.
// A Latin-script detector file latin.model next to the model file (as
// `shenava train -langid -out DIR` writes it) replaces the embedded one.
func loadModel(path string) (*sentiment.Model, error) {
	if path == "" {
		return sentiment.Load()
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	latinPath := filepath.Join(filepath.Dir(path), "latin.model")
	latin, err := os.ReadFile(latinPath)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return sentiment.Decode(b)
	case err != nil:
		return nil, err
	}
	m, err := sentiment.DecodeWithLatin(b, latin)
	if err != nil {
		return nil, fmt.Errorf("%s with %s: %w", path, latinPath, err)
	}
	return m, nil
}
