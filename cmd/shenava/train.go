package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/shenava/shenava/internal/modroot"
	"github.com/shenava/shenava/sentiment/lab"
	"github.com/shenava/shenava/store"
	"github.com/shenava/shenava/store/pgstore"
)

func trainCommand() command {
	return command{summary: "train the sentiment model reproducibly from labelled TSV files", run: runTrain}
}

// correctionSource supplies managers' label corrections (text, label) to
// training, e.g. from the Shenava database behind -db.
type correctionSource interface {
	Corrections(ctx context.Context) ([]lab.Correction, error)
}

// tsvCorrections reads corrections from a TSV file with label and text
// columns (and optionally referral), the format of eval files.
type tsvCorrections struct{ path string }

func (t tsvCorrections) Corrections(context.Context) ([]lab.Correction, error) {
	d, err := lab.ReadTSVFile(t.path)
	if err != nil {
		return nil, err
	}
	cs := make([]lab.Correction, 0, len(d.Examples))
	for _, x := range d.Examples {
		cs = append(cs, lab.Correction{Text: x.Text, Label: x.Label, Referral: x.Referral})
	}
	return cs, nil
}

// dbLockTimeout is how long train waits for a running shenava to release
// the database before saying it is in use.
const dbLockTimeout = 2 * time.Second

// dbCorrections reads managers' "Wrong label" fixes from a Shenava database,
// opened read-only. A running shenava holds the file: training then needs the
// daemon stopped, or a copy made with `shenava backup`.
type dbCorrections struct {
	path        string
	lockTimeout time.Duration
}

func (d dbCorrections) Corrections(ctx context.Context) ([]lab.Correction, error) {
	got, err := d.read(ctx)
	if err != nil {
		return nil, err
	}
	cs := make([]lab.Correction, 0, len(got))
	for _, c := range got {
		cs = append(cs, lab.Correction{Text: c.Text, Label: c.Label, Lang: c.Lang})
	}
	return cs, nil
}

// read opens the database behind d.path: a PostgreSQL URL (the running
// replicas may keep running), or a bbolt file opened read-only.
func (d dbCorrections) read(ctx context.Context) ([]store.Correction, error) {
	if isPostgresURL(d.path) {
		db, err := pgstore.Open(ctx, pgstore.Options{DSN: d.path, NoMigrate: true, MaxConns: 2})
		if err != nil {
			return nil, fmt.Errorf("database: %w", err)
		}
		defer db.Close()
		return db.Corrections(ctx)
	}
	if _, err := os.Stat(d.path); err != nil {
		return nil, fmt.Errorf("database: %w", err)
	}
	db, err := store.Open(d.path, store.Options{ReadOnly: true, LockTimeout: d.lockTimeout})
	if errors.Is(err, store.ErrLocked) {
		return nil, fmt.Errorf("database %s is in use by a running shenava: stop it, or train from a copy "+
			"(shenava backup -out copy.db, then -db copy.db): %w", d.path, err)
	}
	if err != nil {
		return nil, err
	}
	defer db.Close()
	return db.Corrections(ctx)
}

// isPostgresURL reports whether s is a postgres:// or postgresql:// URL.
func isPostgresURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// multiCorrections concatenates sources in order: of two corrections of one
// text the later wins.
type multiCorrections []correctionSource

func (m multiCorrections) Corrections(ctx context.Context) ([]lab.Correction, error) {
	var all []lab.Correction
	for _, s := range m {
		cs, err := s.Corrections(ctx)
		if err != nil {
			return nil, err
		}
		all = append(all, cs...)
	}
	return all, nil
}

const trainSynopsis = `[-data A.tsv[,B.tsv]] [-out DIR] [-root DATA_DIR] [-commercial] [-db shenava.db] [-corrections FILE.tsv]
       shenava train -langid [-catalogs DIR] [-out DIR] [-root DATA_DIR] [-commercial]

Trains the sentiment, referral and language model and writes DIR/sentiment.model.
With no -data it trains on the default corpora (lab.DefaultCorpora, see
sentiment/MODEL.md) under -root, which is ../shared/data next to the module
root by default, and rebuilds the shipped model bit for bit:

  shenava train -out sentiment/model

A -data entry may carry settings after colons, e.g.
  -data my.tsv:weight=2:lang=fa:finglish=0.5,other.tsv

-db adds the labels managers corrected in a Shenava database: a bbolt file
(read-only; stop shenava first, or train from a copy made with 'shenava
backup') or a PostgreSQL URL (postgres://…; replicas may keep running); -corrections
adds those of a TSV file (label, text[, referral]). Corrections are the
project's own data: -commercial keeps them.

-langid trains the Latin-script language detector instead (English, Finglish
or another language) and writes DIR/latin.model. It learns English and
Finglish from the same corpora and other languages from the gettext catalogues
of Debian's core tools under -catalogs (default /usr/share/locale); with the
packages MODEL.md lists it rebuilds the shipped detector bit for bit:

  shenava train -langid -out sentiment/model

With -commercial it learns English and Finglish only from the commercially
licensed corpora (see MODEL.md for what that means for the catalogues).`

func runTrain(ctx context.Context, e env, args []string) error {
	fs := newFlagSet(e, "train", trainSynopsis)
	data := fs.String("data", "", "comma-separated training TSV files (default: the shipped model's corpora under -root)")
	out := fs.String("out", filepath.Join("sentiment", "model"), "directory to write sentiment.model into")
	root := fs.String("root", "", "shared data directory (default: ../shared/data next to the directory holding go.mod)")
	commercial := fs.Bool("commercial", false, "train only on corpora and lexicons whose licence allows commercial use")
	corrections := fs.String("corrections", "", "TSV file of managers' label corrections (label, text[, referral])")
	dbPath := fs.String("db", "", "Shenava database whose managers' label corrections to train on: a bbolt file (opened read-only) or a postgres:// URL")
	langid := fs.Bool("langid", false, "train the Latin-script language detector (writes DIR/latin.model)")
	catalogs := fs.String("catalogs", "/usr/share/locale", "with -langid: directory of gettext catalogues (LANG/LC_MESSAGES/DOMAIN.mo)")
	quiet := fs.Bool("q", false, "do not print progress")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("train: unexpected arguments %q: %w", fs.Args(), errUsage)
	}
	repo, err := modroot.Find()
	if err != nil {
		return fmt.Errorf("train: %w", err)
	}
	if *langid {
		if *data != "" || *corrections != "" || *dbPath != "" {
			return fmt.Errorf("train: -langid takes only -catalogs, -commercial, -out and -root: %w", errUsage)
		}
		return runTrainLatin(ctx, e, repo, *root, *catalogs, *out, *commercial, *quiet)
	}
	cfg := lab.TrainConfig{RepoRoot: repo, DataRoot: *root, Commercial: *commercial}
	if cfg.DataRoot == "" {
		cfg.DataRoot = filepath.Join(repo, "..", "shared", "data")
	}
	if !*quiet {
		cfg.Log = e.stdout
	}
	if *data != "" {
		if cfg.Corpora, err = lab.ParseCorpusList(*data); err != nil {
			return fmt.Errorf("train: %w: %w", errUsage, err)
		}
		if *commercial {
			fmt.Fprintln(e.stderr, "train: -commercial with -data keeps only entries marked :commercial")
		}
	} else if _, err := os.Stat(cfg.DataRoot); err != nil {
		return fmt.Errorf("train: data directory: %w (set -root)", err)
	}
	var srcs multiCorrections
	if *dbPath != "" {
		srcs = append(srcs, dbCorrections{path: *dbPath, lockTimeout: dbLockTimeout})
	}
	if *corrections != "" {
		srcs = append(srcs, tsvCorrections{path: *corrections})
	}
	if len(srcs) > 0 {
		src := correctionSource(srcs)
		if cfg.Corrections, err = src.Corrections(ctx); err != nil {
			return fmt.Errorf("train: corrections: %w", err)
		}
	}
	b, rep, err := lab.Train(ctx, cfg)
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

// runTrainLatin trains the Latin-script language detector.
func runTrainLatin(ctx context.Context, e env, repo, root, catalogs, out string, commercial, quiet bool) error {
	cfg := lab.LatinConfig{RepoRoot: repo, DataRoot: root, Catalogs: catalogs, Commercial: commercial}
	if cfg.DataRoot == "" {
		cfg.DataRoot = filepath.Join(repo, "..", "shared", "data")
	}
	if _, err := os.Stat(cfg.DataRoot); err != nil {
		return fmt.Errorf("train: data directory: %w (set -root)", err)
	}
	if !quiet {
		cfg.Log = e.stdout
	}
	b, rep, err := lab.TrainLatin(ctx, cfg)
	if err != nil {
		return fmt.Errorf("train: %w", err)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return fmt.Errorf("train: %w", err)
	}
	path := filepath.Join(out, "latin.model")
	if err := writeModelFile(path, b); err != nil {
		return fmt.Errorf("train: %w", err)
	}
	fmt.Fprintf(e.stdout, "wrote %s (%d bytes, detector %s, %s)\n", path, len(b), rep.Name, rep.Elapsed.Round(1e9))
	return nil
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
