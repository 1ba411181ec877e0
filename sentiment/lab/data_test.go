package lab

import (
	"math"
	"strings"
	"testing"

	"github.com/shenava/shenava/core"
)

func TestReadTSV(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		wantN    int
		wantLang bool
		wantRef  bool
		wantErr  string
	}{
		{"Minimal", "label\ttext\npositive\tgood\nnegative\tbad\n", 2, false, false, ""},
		{"ColumnsInAnyOrder", "text\tid\tlabel\ngood\t7\tpositive\n", 1, false, false, ""},
		{"LangAndReferral", "referral\tlang\tlabel\ttext\nyes\ten\tpositive\tuse my code X1Y2Z\n", 1, true, true, ""},
		{"CaseColumn", "label\tlang\treferral\tcase\ttext\nnegative\ten\tno\tsarcasm\tgreat, late again\n", 1, true, true, ""},
		{"CRLFAndBOM", "\ufefflabel\ttext\r\nneutral\tok\r\n", 1, false, false, ""},
		{"BlankLines", "label\ttext\n\npositive\tgood\n\n", 1, false, false, ""},
		{"ErrEmpty", "", 0, false, false, "x.tsv: empty file"},
		{"ErrNoText", "label\tsentence\npositive\tgood\n", 0, false, false, `x.tsv:1: header has no "text" column`},
		{"ErrLabel", "label\ttext\npositive\tgood\nangry\tgrr\n", 0, false, false, `x.tsv:3: label "angry"`},
		{"ErrColumns", "label\ttext\npositive\tgood\textra\n", 0, false, false, "x.tsv:2: 3 columns, header has 2"},
		{"ErrReferral", "label\treferral\ttext\npositive\tmaybe\tgood\n", 0, false, false, `x.tsv:2: referral "maybe"`},
		{"ErrEmptyText", "label\ttext\npositive\t  \n", 0, false, false, "x.tsv:2: text is empty"},
		{"ErrDuplicateColumn", "label\ttext\tlabel\n", 0, false, false, `x.tsv:1: column "label" twice`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := ReadTSV(strings.NewReader(tt.in), "x.tsv")
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ReadTSV err=%v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ReadTSV err=%v, want nil", err)
			}
			if len(d.Examples) != tt.wantN || d.HasLang != tt.wantLang || d.HasReferral != tt.wantRef {
				t.Fatalf("ReadTSV = %d examples, lang %v, referral %v; want %d, %v, %v",
					len(d.Examples), d.HasLang, d.HasReferral, tt.wantN, tt.wantLang, tt.wantRef)
			}
			if d.HasCase && d.Examples[0].Case != "sarcasm" {
				t.Errorf("Case=%q, want sarcasm", d.Examples[0].Case)
			}
		})
	}
}

func TestScore(t *testing.T) {
	t.Parallel()
	n, u, p := core.LabelNegative, core.LabelNeutral, core.LabelPositive
	gold := []core.Label{n, n, n, u, u, p, p, p, p, p}
	pred := []core.Label{n, n, u, u, p, p, p, p, n, p}
	m := Score(gold, pred)
	near := func(name string, got, want float64) {
		t.Helper()
		if math.Abs(got-want) > 1e-9 {
			t.Errorf("%s=%v, want %v", name, got, want)
		}
	}
	near("accuracy", m.Accuracy, 0.7)
	// negative P 2/3 R 2/3; neutral P 1/2 R 1/2; positive P 4/5 R 4/5.
	near("macro_recall", m.MacroRecall, (2.0/3+0.5+0.8)/3)
	near("macro_f1", m.MacroF1, (2.0/3+0.5+0.8)/3)
	near("weighted_f1", m.WeightedF1, (3*2.0/3+2*0.5+5*0.8)/10)
	if m.Confusion[p][n] != 1 || m.PerLabel[p].Support != 5 {
		t.Errorf("confusion %v, per label %v", m.Confusion, m.PerLabel)
	}
	b := Score([]core.Label{n, p}, []core.Label{n, n})
	if len(b.Labels) != 2 {
		t.Errorf("binary set averaged over %v, want negative and positive", b.Labels)
	}
	r := ScoreBinary([]bool{true, true, false, false}, []bool{true, false, true, false})
	near("referral f1", r.F1, 0.5)
}
