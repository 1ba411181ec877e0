package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/pgtest"
	"github.com/shenava/shenava/store"
	"github.com/shenava/shenava/store/pgstore"
)

func TestTrain_Errors(t *testing.T) {
	t.Parallel()
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
		{"LangidWithData", []string{"train", "-langid", "-data", "a.tsv"}, "-langid takes only", 2},
		{"LangidMissingRoot", []string{"train", "-langid", "-root", "/nonexistent/shared/data"}, "data directory", 1},
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
	t.Parallel()
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

// correctedDB writes a database holding one mention whose label a manager
// corrected from negative to positive, and returns its path.
func correctedDB(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "shenava.db")
	db, err := store.Open(path, store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	correct(t, db, text)
	return path
}

// correct stores one mention of text and a manager's correction of its
// label from negative to positive.
func correct(t *testing.T, db store.Store, text string) {
	t.Helper()
	ctx := context.Background()
	at := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	m := core.Mention{Platform: core.PlatformX, NativeID: "1", Author: core.Author{ID: "u1"}, Text: text,
		CreatedAt: at, FetchedAt: at,
		Analysis: &core.Analysis{Lang: "fi", Label: core.LabelNegative, Scores: core.Scores{Negative: 0.8, Neutral: 0.1, Positive: 0.1}}}
	res, err := db.SaveBatch(ctx, "x/mentions", "", []core.Decision{{Mention: m, OpenCase: true}}, at)
	if err != nil || len(res.Cases) != 1 {
		t.Fatalf("SaveBatch=%+v,%v, want one case", res, err)
	}
	if _, _, err := db.UpdateCase(ctx, res.Cases[0].ID, func(c *core.Case) ([]core.Action, error) {
		return nil, c.CorrectLabel("42", core.LabelPositive, at.Add(time.Hour))
	}); err != nil {
		t.Fatal(err)
	}
}

func TestDBCorrections(t *testing.T) {
	t.Parallel()
	text := "shenava ye joor dige bood emrooz"
	path := correctedDB(t, text)
	got, err := dbCorrections{path: path, lockTimeout: time.Second}.Corrections(context.Background())
	if err != nil {
		t.Fatalf("Corrections()=%v, want nil", err)
	}
	if len(got) != 1 || got[0].Text != text || got[0].Label != core.LabelPositive || got[0].Lang != "fi" {
		t.Fatalf("Corrections()=%+v, want the positive correction of %q", got, text)
	}

	t.Run("Locked", func(t *testing.T) {
		db, err := store.Open(path, store.Options{}) // a running shenava
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		_, err = dbCorrections{path: path, lockTimeout: 50 * time.Millisecond}.Corrections(context.Background())
		if !errors.Is(err, store.ErrLocked) || !strings.Contains(err.Error(), "shenava backup") {
			t.Fatalf("Corrections() on a database in use: err=%v, want ErrLocked and advice to use a backup", err)
		}
	})
	t.Run("Postgres", func(t *testing.T) {
		dsn := pgtest.DSN(t)
		db, err := pgstore.Open(context.Background(), pgstore.Options{DSN: dsn})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close() // running, as a replica would be
		correct(t, db, text)
		got, err := dbCorrections{path: dsn}.Corrections(context.Background())
		if err != nil || len(got) != 1 || got[0].Text != text || got[0].Label != core.LabelPositive {
			t.Fatalf("Corrections() from PostgreSQL = %+v, %v; want the positive correction of %q", got, err, text)
		}
	})
	t.Run("Missing", func(t *testing.T) {
		_, err := dbCorrections{path: filepath.Join(t.TempDir(), "nope.db")}.Corrections(context.Background())
		if err == nil || !strings.Contains(err.Error(), "nope.db") {
			t.Fatalf("Corrections() of a missing file: err=%v, want one naming it", err)
		}
	})
}

func TestTrain_DB(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	data, err := filepath.Abs(filepath.Join("..", "..", "sentiment", "testdata", "brand", "dev.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	path := correctedDB(t, "shenava ye joor dige bood emrooz")
	out, _, err := runCmd(t, "", "train", "-data", data, "-root", t.TempDir(), "-out", dir,
		"-db", path, "-corrections", "testdata/eval.tsv")
	if err != nil {
		t.Fatalf("train -db: %v\n%s", err, out)
	}
	// One correction from the database and four from the file.
	if !strings.Contains(out, "corrections: 5") {
		t.Errorf("train output lacks the corrections:\n%s", out)
	}
	if _, _, err := runCmd(t, "", "train", "-data", data, "-root", t.TempDir(), "-out", dir,
		"-db", filepath.Join(dir, "missing.db")); err == nil || !strings.Contains(err.Error(), "missing.db") {
		t.Fatalf("train -db missing.db: err=%v, want one naming the file", err)
	}
}
