package lab

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/sentiment"
)

// smallConfig trains on the project's own sets only, with small tables and
// no lexicons, so that a training run takes a second or two.
func smallConfig(t *testing.T) TrainConfig {
	t.Helper()
	repo := moduleRoot(t)
	hp := defaultHyper()
	hp.sent.Bits, hp.ref.Bits, hp.lid.Bits = 16, 14, 14
	hp.sentSGD.Epochs, hp.refSGD.Epochs = 3, 3
	hp.lexicons = []string{}
	return TrainConfig{
		DataRoot: t.TempDir(), // no shared data: the test needs none
		RepoRoot: repo,
		Corpora: []Corpus{
			{Name: "brand/dev", Path: "sentiment/testdata/brand/dev.tsv", Repo: true, Weight: 2, Finglish: 1, DevShare: 0.3},
			{Name: "referral/train", Path: "sentiment/testdata/referral/train.tsv", Repo: true, Weight: 1, DevShare: 0.25},
		},
		Tests: []Corpus{{Name: "brand/test", Path: "sentiment/testdata/brand/test.tsv", Repo: true}},
		hp:    hp,
	}
}

// TestTrain_Deterministic trains twice on the same small data and wants the
// same bytes: CI's check that training has no map-order or scheduling
// dependence. The full retrain of the shipped model is TestTrain_Shipped.
func TestTrain_Deterministic(t *testing.T) {
	t.Parallel()
	cfg := smallConfig(t)
	var log bytes.Buffer
	cfg.Log = &log
	a, rep, err := Train(context.Background(), cfg)
	if err != nil {
		t.Fatalf("Train()=%v, want nil", err)
	}
	b, _, err := Train(context.Background(), smallConfig(t))
	if err != nil {
		t.Fatalf("second Train()=%v, want nil", err)
	}
	if !bytes.Equal(a, b) {
		t.Fatalf("two training runs differ (%d and %d bytes)", len(a), len(b))
	}
	m, err := sentiment.Decode(a)
	if err != nil {
		t.Fatalf("Decode(trained)=%v, want nil", err)
	}
	if m.Name() != rep.Name {
		t.Fatalf("Name()=%q, want %q", m.Name(), rep.Name)
	}
	checkAnalysis(t, "great", m.Analyze("great"))
	for _, want := range []string{"corpus brand/dev", "sentiment: epoch 3", "second pass", "model " + rep.Name} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("progress output lacks %q:\n%s", want, log.String())
		}
	}
}

func TestTrain_Corrections(t *testing.T) {
	t.Parallel()
	cfg := smallConfig(t)
	text := "the new loyalty card is a complete mystery to me"
	cfg.Corrections = []Correction{
		{Text: text, Label: core.LabelPositive},
		{Text: text, Label: core.LabelNegative}, // the later correction wins
	}
	cfg.hp.correctionWeight = 50
	b, _, err := Train(context.Background(), cfg)
	if err != nil {
		t.Fatalf("Train()=%v, want nil", err)
	}
	m, err := sentiment.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	if a := m.Analyze(text); a.Label != core.LabelNegative {
		t.Fatalf("corrected text: Label=%q (%+v), want negative", a.Label, a.Scores)
	}
	cfg.Corrections = []Correction{{Text: "x", Label: "angry"}}
	if _, _, err := Train(context.Background(), cfg); err == nil {
		t.Fatal("Train with label \"angry\" = nil error, want one")
	}
}

func TestTrain_Commercial(t *testing.T) {
	t.Parallel()
	cfg := smallConfig(t)
	cfg.Commercial = true // neither corpus is marked commercial here
	if _, _, err := Train(context.Background(), cfg); err == nil {
		t.Fatal("Train(commercial, no commercial corpora) = nil error, want one")
	}
	for _, c := range DefaultCorpora() {
		if c.License == "" {
			t.Errorf("corpus %s has no licence", c.Name)
		}
	}
}

// TestTrain_Shipped retrains the shipped model from ../shared/data and
// compares it with the embedded file byte for byte. It takes about a minute
// (several with -race), so it runs only with SHENAVA_RETRAIN=1:
//
//	SHENAVA_RETRAIN=1 go test ./sentiment/lab -run TestTrain_Shipped -v
func TestTrain_Shipped(t *testing.T) {
	t.Parallel()
	if os.Getenv("SHENAVA_RETRAIN") == "" {
		t.Skip("set SHENAVA_RETRAIN=1 to retrain the shipped model and compare it byte for byte")
	}
	data := MustSharedData(t)
	repo := moduleRoot(t)
	shipped, err := os.ReadFile(filepath.Join(repo, "sentiment", "model", "sentiment.model"))
	if err != nil {
		t.Fatal(err)
	}
	b, rep, err := Train(context.Background(), TrainConfig{DataRoot: data, RepoRoot: repo})
	if err != nil {
		t.Fatalf("Train()=%v, want nil", err)
	}
	if !bytes.Equal(b, shipped) {
		t.Fatalf("retrained model %s (%d bytes) differs from the shipped model (%d bytes)", rep.Name, len(b), len(shipped))
	}
}

func TestParseCorpusList(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		want     []Corpus
		wantErr  string
	}{
		{"One", "a.tsv", []Corpus{{Name: "a.tsv", Path: "a.tsv", Weight: 1}}, ""},
		{"Settings", "a.tsv:weight=0.5:lang=fa:finglish=0.3:dev, b.tsv:commercial",
			[]Corpus{{Name: "a.tsv", Path: "a.tsv", Weight: 0.5, Lang: "fa", Finglish: 0.3, Dev: true},
				{Name: "b.tsv", Path: "b.tsv", Weight: 1, Commercial: true}}, ""},
		{"ErrEmpty", " , ", nil, "no files"},
		{"ErrSetting", "a.tsv:colour=red", nil, "unknown setting"},
		{"ErrWeight", "a.tsv:weight=heavy", nil, "invalid syntax"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseCorpusList(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseCorpusList(%q) err=%v, want %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseCorpusList(%q) err=%v", tt.in, err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d corpora, want %d", len(got), len(tt.want))
			}
			for i := range got {
				got[i].License = ""
				if got[i].Name != tt.want[i].Name || got[i].Path != tt.want[i].Path || got[i].Weight != tt.want[i].Weight ||
					got[i].Lang != tt.want[i].Lang || got[i].Finglish != tt.want[i].Finglish || got[i].Dev != tt.want[i].Dev ||
					got[i].Commercial != tt.want[i].Commercial {
					t.Fatalf("corpus %d = %+v, want %+v", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestDetLog(t *testing.T) {
	t.Parallel()
	for _, x := range []float64{1e-12, 0.01, 0.5, 0.7, 1, 1.5, 2, 10, 12345.6} {
		if got, want := detLog(x), mathLog(x); relErr(got, want) > 1e-13 && absErr(got, want) > 1e-15 {
			t.Errorf("detLog(%v)=%v, want %v", x, got, want)
		}
	}
}

func mathLog(x float64) float64   { return math.Log(x) }
func absErr(a, b float64) float64 { return math.Abs(a - b) }
func relErr(a, b float64) float64 { return math.Abs(a-b) / math.Max(math.Abs(b), 1e-300) }

// TestStableOrder: the order in which the sentiment trainer visits its
// samples depends on each sample's key, not on which other samples exist,
// so keeping a new test set's texts out of training does not reshuffle the
// rest; and the order still changes from epoch to epoch.
func TestStableOrder(t *testing.T) {
	t.Parallel()
	var all []sample
	for i := range 200 {
		all = append(all, sample{key: sampleKey(fmt.Sprintf("text %d", i), "en")})
	}
	keysInOrder := func(ss []sample, epoch int) []uint64 {
		order := make([]int, len(ss))
		stableOrder(order, ss, 42, epoch)
		var ks []uint64
		for _, i := range order {
			ks = append(ks, ss[i].key)
		}
		return ks
	}
	full := keysInOrder(all, 0)
	fewer := append(slices.Clone(all[:50]), all[57:]...)
	removed := map[uint64]bool{}
	for _, s := range all[50:57] {
		removed[s.key] = true
	}
	want := slices.DeleteFunc(slices.Clone(full), func(k uint64) bool { return removed[k] })
	if got := keysInOrder(fewer, 0); !slices.Equal(got, want) {
		t.Error("removing seven samples changed the order of the others")
	}
	if slices.Equal(full, keysInOrder(all, 1)) {
		t.Error("epochs 0 and 1 visit the samples in the same order")
	}
}
