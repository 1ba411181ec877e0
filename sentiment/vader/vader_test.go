package vader

import (
	"strings"
	"testing"

	"github.com/shenava/shenava/core"
)

const testLexicon = "good\t1.9\t0.9\t[]\ngreat\t3.1\t0.7\t[]\nbad\t-2.5\t0.6\t[]\nhorrible\t-2.5\t0.6\t[]\n:)\t2.0\t0.6\t[]\nlove\t3.2\t0.4\t[]\n"

func TestAnalyzer_Label(t *testing.T) {
	t.Parallel()
	a, err := New(strings.NewReader(testLexicon), strings.NewReader("😍\tsmiling face with heart-eyes love\n"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, text string
		want       core.Label
	}{
		{"Positive", "the food was good", core.LabelPositive},
		{"Negative", "horrible service", core.LabelNegative},
		{"Neutral", "the shop opens at nine", core.LabelNeutral},
		{"Negation", "the food was not good", core.LabelNegative},
		{"ButShift", "the food was good but the service was horrible", core.LabelNegative},
		{"Emoticon", "see you :)", core.LabelPositive},
		{"Emoji", "😍", core.LabelPositive},
		{"Empty", "", core.LabelNeutral},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := a.Label(tt.text); got != tt.want {
				t.Fatalf("Label(%q)=%q (compound %.3f), want %q", tt.text, got, a.Compound(tt.text), tt.want)
			}
		})
	}
	if c1, c2 := a.Compound("good"), a.Compound("GOOD!!! really"); c2 <= c1 {
		t.Errorf("emphasis: Compound(GOOD!!!)=%v, want more than Compound(good)=%v", c2, c1)
	}
	if _, err := New(strings.NewReader("good\tnot-a-number\n"), nil); err == nil {
		t.Error("New(bad lexicon)=nil error, want one")
	}
}
