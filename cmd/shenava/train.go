package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/sentiment"
)

func trainCommand() command {
	return command{summary: "train the sentiment model reproducibly from labelled TSV files", run: runTrain}
}

// correctionSource supplies managers' label corrections (text, label) to
// training, e.g. from the Shenava database behind -db.
type correctionSource interface {
	Corrections(ctx context.Context) ([]sentiment.Correction, error)
}

// tsvCorrections reads corrections from a TSV file with label and text
// columns (and optionally referral), the format of eval files.
type tsvCorrections struct{ path string }

func (t tsvCorrections) Corrections(context.Context) ([]sentiment.Correction, error) {
	d, err := sentiment.ReadTSVFile(t.path)
	if err != nil {
		return nil, err
	}
	cs := make([]sentiment.Correction, 0, len(d.Examples))
	for _, x := range d.Examples {
		cs = append(cs, sentiment.Correction{Text: x.Text, Label: x.Label, Referral: x.Referral})
	}
	return cs, nil
}

const trainSynopsis = `[-data A.tsv[,B.tsv]] [-out DIR] [-root DATA_DIR] [-commercial] [-corrections FILE.tsv]

Trains the sentiment, referral and language model and writes DIR/sentiment.model.
With no -data it trains on the default corpora (sentiment.DefaultCorpora, see
sentiment/MODEL.md) under -root, which is ../shared/data next to the module
root by default, and rebuilds the shipped model bit for bit:

  shenava train -out sentiment/model

A -data entry may carry settings after colons, e.g.
  -data my.tsv:weight=2:lang=fa:finglish=0.5,other.tsv`

func runTrain(ctx context.Context, e env, args []string) error {
	fs := newFlagSet(e, "train", trainSynopsis)
	data := fs.String("data", "", "comma-separated training TSV files (default: the shipped model's corpora under -root)")
	out := fs.String("out", filepath.Join("sentiment", "model"), "directory to write sentiment.model into")
	root := fs.String("root", "", "shared data directory (default: ../shared/data next to the directory holding go.mod)")
	commercial := fs.Bool("commercial", false, "train only on corpora and lexicons whose licence allows commercial use")
	corrections := fs.String("corrections", "", "TSV file of managers' label corrections (label, text[, referral])")
	quiet := fs.Bool("q", false, "do not print progress")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("train: unexpected arguments %q: %w", fs.Args(), errUsage)
	}
	repo, err := trainModuleRoot()
	if err != nil {
		return fmt.Errorf("train: %w", err)
	}
	cfg := sentiment.TrainConfig{RepoRoot: repo, DataRoot: *root, Commercial: *commercial}
	if cfg.DataRoot == "" {
		cfg.DataRoot = filepath.Join(repo, "..", "shared", "data")
	}
	if !*quiet {
		cfg.Log = e.stdout
	}
	if *data != "" {
		if cfg.Corpora, err = sentiment.ParseCorpusList(*data); err != nil {
			return fmt.Errorf("train: %w: %w", errUsage, err)
		}
		if *commercial {
			fmt.Fprintln(e.stderr, "train: -commercial with -data keeps only entries marked :commercial")
		}
	} else if _, err := os.Stat(cfg.DataRoot); err != nil {
		return fmt.Errorf("train: data directory: %w (set -root)", err)
	}
	var src correctionSource
	if *corrections != "" {
		src = tsvCorrections{path: *corrections}
	}
	if src != nil {
		if cfg.Corrections, err = src.Corrections(ctx); err != nil {
			return fmt.Errorf("train: corrections: %w", err)
		}
	}
	b, rep, err := sentiment.Train(ctx, cfg)
	if err != nil {
		return fmt.Errorf("train: %w", err)
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return fmt.Errorf("train: %w", err)
	}
	path := filepath.Join(*out, "sentiment.model")
	if err := writeModelFile(path, b); err != nil {
		return fmt.Errorf("train: %w", err)
	}
	fmt.Fprintf(e.stdout, "wrote %s (%d bytes, model %s, %s)\n", path, len(b), rep.Name, rep.Elapsed.Round(1e9))
	return nil
}

// trainModuleRoot walks up from the working directory to the directory holding
// go.mod.
func trainModuleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the working directory: %w", core.ErrNotFound)
		}
		dir = parent
	}
}

// writeModelFile writes b to a temporary file and renames it over path.
func writeModelFile(path string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".sentiment-*.tmp")
	if err != nil {
		return err
	}
	_, werr := tmp.Write(b)
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), path)
}
