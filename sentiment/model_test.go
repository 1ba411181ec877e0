package sentiment

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/sharedtest"
)

// testModel is the embedded model, decoded once for all tests.
var testModel = sync.OnceValues(Load)

// MustLoad returns the embedded model or fails the test.
func MustLoad(tb testing.TB) *Model {
	tb.Helper()
	m, err := testModel()
	if err != nil {
		tb.Fatalf("Load()=%v, want nil", err)
	}
	return m
}

// MustSharedData returns ../shared/data next to the module root; see
// [sharedtest.Data] for when it is missing.
var MustSharedData = sharedtest.Data

func TestLoad(t *testing.T) {
	t.Parallel()
	start := time.Now()
	m, err := Load()
	if err != nil {
		t.Fatalf("Load()=%v, want nil", err)
	}
	t.Logf("Load took %v", time.Since(start))
	if !strings.HasPrefix(m.Name(), ModelVersion+"-") {
		t.Fatalf("Name()=%q, want prefix %q", m.Name(), ModelVersion+"-")
	}
	if len(embeddedModel) > 16<<20 {
		t.Fatalf("embedded model is %d bytes, want at most 16 MiB", len(embeddedModel))
	}
}

func TestDecode_Errors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		b    []byte
	}{
		{"Empty", nil},
		{"BadMagic", []byte("NOTAMODEL")},
		{"Truncated", embeddedModel[:len(embeddedModel)/2]},
		{"Trailing", append(append([]byte{}, embeddedModel...), 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Decode(tt.b); err == nil {
				t.Fatal("Decode()=nil error, want one")
			}
		})
	}
}

func TestModel_Analyze(t *testing.T) {
	t.Parallel()
	m := MustLoad(t)
	tests := []struct {
		name, text string
		lang       string
		label      core.Label
		referral   bool
	}{
		{"EnglishPraise", "I love this app, best service ever! 😍", core.LangEnglish, core.LabelPositive, false},
		{"EnglishComplaint", "worst delivery ever, my order is two hours late and support won't answer", core.LangEnglish, core.LabelNegative, false},
		{"PersianComplaint", "سفارشم بعد از دو هفته هنوز نرسیده و پشتیبانی هم جواب نمیده", core.LangPersian, core.LabelNegative, false},
		{"PersianPraise", "خیلی ممنون، عالی بود 🙏", core.LangPersian, core.LabelPositive, false},
		{"FinglishPraise", "kheili khoob bood, merci az hamatoon", core.LangFinglish, core.LabelPositive, false},
		{"FinglishComplaint", "poshtibanitoon kheili bade, dige azatoon kharid nemikonam", core.LangFinglish, core.LabelNegative, false},
		{"InviteCode", "use my invite code ALI123 and get 50% off your first order, you'll love it", core.LangEnglish, core.LabelPositive, true},
		{"PersianReferral", "به همه دوستام معرفیش کردم، واقعا عالیه", core.LangPersian, core.LabelPositive, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := m.Analyze(tt.text)
			if a.Lang != tt.lang {
				t.Errorf("Lang=%q, want %q", a.Lang, tt.lang)
			}
			if a.Label != tt.label {
				t.Errorf("Label=%q (scores %+v), want %q", a.Label, a.Scores, tt.label)
			}
			if a.Referral != tt.referral {
				t.Errorf("Referral=%v (score %.3f), want %v", a.Referral, a.ReferralScore, tt.referral)
			}
			if a.Model != m.Name() {
				t.Errorf("Model=%q, want %q", a.Model, m.Name())
			}
		})
	}
}

// checkAnalysis checks the invariants every analysis keeps.
func checkAnalysis(t *testing.T, text string, a core.Analysis) {
	t.Helper()
	s := a.Scores
	sum := s.Negative + s.Neutral + s.Positive
	for _, p := range []float64{s.Negative, s.Neutral, s.Positive, a.ReferralScore} {
		if math.IsNaN(p) || p < 0 || p > 1 {
			t.Fatalf("Analyze(%q): probability %v out of [0,1] in %+v", text, p, a)
		}
	}
	if math.Abs(sum-1) > 1e-9 {
		t.Fatalf("Analyze(%q): scores sum to %v, want 1", text, sum)
	}
	if l, _ := s.Top(); l != a.Label && !a.Referral {
		t.Fatalf("Analyze(%q): Label=%q, want the top score %q", text, a.Label, l)
	}
	if a.Referral && a.Label != core.LabelPositive {
		t.Fatalf("Analyze(%q): a referral labelled %q, want positive", text, a.Label)
	}
	if a.Referral != (a.ReferralScore >= 0.5) {
		t.Fatalf("Analyze(%q): Referral=%v with score %v", text, a.Referral, a.ReferralScore)
	}
	switch a.Lang {
	case core.LangPersian, core.LangEnglish, core.LangFinglish, core.LangArabic, core.LangOther:
	default:
		t.Fatalf("Analyze(%q): Lang=%q, want one of fa en fi ar other", text, a.Lang)
	}
}

// TestModel_ReferralIsPositive: whatever the words around it, a referral's
// final label is positive, so it is never shown or alerted as a complaint.
func TestModel_ReferralIsPositive(t *testing.T) {
	m := MustLoad(t)
	for _, text := range []string{
		"use my invite code ALI123 and get 50% off your first order, you'll love it",
		"talked half my building into Abrnet and now I'm the one with no internet 😩 still, best ISP in town, sign up with my link abrnet.ir/r/k7",
		"حتما امتحان کنید، با کد دعوت من REZA55 ثبت نام کنید هر چند امروز کمی دیر رسید",
		"be hame pishnahad mikonam, ba code e man SARA9 sabtenam konid",
	} {
		a := m.Analyze(text)
		checkAnalysis(t, text, a)
		if a.Referral && a.Label != core.LabelPositive {
			t.Errorf("Analyze(%q) = %q referral %.3f, want positive", text, a.Label, a.ReferralScore)
		}
	}
}

// A post in a language the referral classifier does not know is never a
// referral, however warm.
func TestModel_NoReferralOutsideItsLanguages(t *testing.T) {
	t.Parallel()
	m := MustLoad(t)
	for _, text := range []string{
		"Muchas gracias por todo, el servicio es excelente, se lo recomiendo a todos",
		"هذا المنتج رائع جدا، أنصح الجميع به",
		"Vielen Dank, ich empfehle euch allen diesen Laden",
	} {
		a := m.Analyze(text)
		if a.Lang != core.LangOther && a.Lang != core.LangArabic {
			t.Fatalf("Analyze(%q).Lang = %q, want other or ar", text, a.Lang)
		}
		if a.Referral || a.ReferralScore != 0 {
			t.Errorf("Analyze(%q) = referral %v score %.3f, want none", text, a.Referral, a.ReferralScore)
		}
	}
}

func TestModel_AnalyzeEdgeCases(t *testing.T) {
	t.Parallel()
	m := MustLoad(t)
	for _, text := range []string{"", " ", "😍", "👎👎👎", "\xff\xfe", "12345", "@user", "https://x.co/a",
		strings.Repeat("خیلی ", 5000), strings.Repeat("a", 100000), "\u200c\u200f\ufeff"} {
		checkAnalysis(t, text, m.Analyze(text))
	}
}

func TestModel_AnalyzeConcurrent(t *testing.T) {
	t.Parallel()
	m := MustLoad(t)
	texts := []string{"great service", "افتضاح بود", "kheili bad bood", "meh", "😡", "Gracias por todo amigo mio"}
	want := make([]core.Analysis, len(texts))
	for i, s := range texts {
		want[i] = m.Analyze(s)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 20 {
				for i, s := range texts {
					if got := m.Analyze(s); got != want[i] {
						t.Errorf("concurrent Analyze(%q)=%+v, want %+v", s, got, want[i])
					}
				}
			}
		})
	}
	wg.Wait()
}

// benchTexts are the project's own brand mentions, in the three languages.
func benchTexts(b *testing.B) []string {
	raw, err := os.ReadFile(filepath.Join("testdata", "brand", "dev.tsv"))
	if err != nil {
		b.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
	col := slices.Index(strings.Split(lines[0], "\t"), "text")
	if col < 0 {
		b.Fatal("testdata/brand/dev.tsv: no text column")
	}
	var ts []string
	for _, l := range lines[1:] {
		if f := strings.Split(l, "\t"); col < len(f) {
			ts = append(ts, f[col])
		}
	}
	return ts
}

func BenchmarkAnalyze(b *testing.B) {
	m := MustLoad(b)
	texts := benchTexts(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		m.Analyze(texts[i%len(texts)])
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "texts/s")
}

func BenchmarkAnalyze_Parallel(b *testing.B) {
	m := MustLoad(b)
	texts := benchTexts(b)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			m.Analyze(texts[i%len(texts)])
			i++
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "texts/s")
}

func BenchmarkLoad(b *testing.B) {
	for b.Loop() {
		if _, err := Load(); err != nil {
			b.Fatal(err)
		}
	}
}

func FuzzAnalyze(f *testing.F) {
	for _, s := range []string{"", "great :)", "خیلی بد بود", "kheili khoob", "😍😍", "a\xffb", "use code ABC123"} {
		f.Add(s)
	}
	m, err := Load()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkAnalysis(t, s, m.Analyze(s))
	})
}

// A loaded model keeps the file's int16 weights; writing it again gives the
// file it was read from, byte for byte.
func TestLoad_EncodeRoundTrip(t *testing.T) {
	t.Parallel()
	m, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	got, err := m.encode()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, embeddedModel) {
		t.Fatalf("encode() of the loaded model: %d bytes, differs from the %d-byte embedded file", len(got), len(embeddedModel))
	}
}

// The loaded model's int16 weights score exactly as the float32 weights
// they stand for: float32(q)*scale, the value a float copy holds.
func TestLinear_QuantisedLogitsEqualFloat(t *testing.T) {
	t.Parallel()
	m := MustLoad(t)
	rng := rand.New(rand.NewPCG(1, 2))
	for _, l := range []*linear{m.sent, m.ref, m.lid} {
		f := &linear{bits: l.bits, k: l.k, w: make([]float32, len(l.q))}
		for i, q := range l.q {
			f.w[i] = float32(q) * l.scale
		}
		for range 50 {
			fs := make([]Feature, 1+rng.IntN(400))
			for i := range fs {
				fs[i] = Feature{Index: uint32(rng.IntN(1 << l.bits)), Value: []float32{1, 0.5, 3, rng.Float32() * 4}[rng.IntN(4)]}
			}
			zq, zf := make([]float64, l.k), make([]float64, l.k)
			l.logits(fs, zq)
			f.logits(fs, zf)
			if !slices.Equal(zq, zf) {
				t.Fatalf("quantised logits %v, float %v", zq, zf)
			}
		}
	}
}
