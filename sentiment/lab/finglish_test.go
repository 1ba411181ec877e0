package lab

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestFinglishTable(t *testing.T) {
	t.Parallel()
	m, err := parseFinglishTable(finglishWords)
	if err != nil {
		t.Fatal(err)
	}
	if len(m) < 400 {
		t.Errorf("table has %d words, want at least 400", len(m))
	}
	for _, bad := range []string{
		"خیلی kheili",                 // no =
		"خیلی = kheili\nخیلی = khili", // twice
		"نمی‌خوام = nemikham",         // ZWNJ in key
		"خوب = khoob | | khub",        // empty spelling
		"خوب = خوب",                   // not ASCII
		"خوب = khoob | khoob",         // spelling twice
	} {
		if _, err := parseFinglishTable(bad); err == nil {
			t.Errorf("parseFinglishTable(%q) = nil error, want one", bad)
		}
	}
}

func TestTransliterate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, fa, want string
	}{
		{"empty", "", ""},
		{"latin passes", "hello @shenava #coffee 😍", "hello @shenava #coffee 😍"},
		{"table words", "خیلی خوب بود", "kheili khoob bood"},
		{"sarcasm", "مرسی که ۲ هفته دیر فرستادین 👏", "merci ke 2 hafte dir ferestadin 👏"},
		{"negation", "اصلا بد نبود", "asan bad nabood"},
		{"want not", "نمیخوام", "nemikham"},
		{"zwnj compound", "نمی‌خوام", "nemikham"},
		{"prefix apart", "نمی خوام", "nemikham"},
		{"zwnj verb", "می‌خورم", "mikhoram"},
		{"thanks idiom", "دستت درد نکنه", "dastet dard nakone"},
		{"praise", "دمتون گرم، عالی بود!", "dametoon garm, aali bood!"},
		{"persian digits", "۱۲۳۴۵۶۷۸۹۰", "1234567890"},
		{"arabic-indic digits", "٣٤", "34"},
		{"punctuation", "چرا؟ «سفارش»؛ ۵٪", "chera? \"sefaresh\"; 5%"},
		{"arabic letter forms", "كيفيت", "keyfiat"},
		{"stretched", "خیییییلی", "kheiliiii"},
		{"stretched double letter", "ممممنون", "mamnooooon"},
		{"stretched vowel", "عاااالی", "aaliiii"},
		{"suffix on table word", "سفارشتون", "sefareshetoon"},
		{"zwnj suffix after e", "قهوه‌اش", "ghahvash"},
		{"zwnj plural", "کتاب‌ها", "ketabha"},
		{"silent waw", "خواب", "khab"},
		{"initial o", "اومدن", "oomadan"},
		{"letters kh sh", "خوشمزه", "khoshmaze"},
		{"letters final he", "پنجره", "panjare"},
		{"letters alef", "کارت", "kart"},
		{"mi prefix fallback", "میزنه", "mizane"},
		{"invite code", "با کد دعوت من ثبت‌نام کنید: ALI123", "ba kod davat man sabtenam konid: ALI123"},
		{"brand", "کافه شنوا", "kafe shenava"},
		{"tatweel and diacritics", "خـــوبِ", "khoob"},
		{"bidi marks dropped", "\u200fسلام\u200e", "salam"},
		{"mixed", "app شنوا crash میکنه", "app shenava crash mikone"},
		{"invalid utf8 dropped", "سلام\xff!", "salam!"},
		{"lone zwnj", "\u200c", ""},
		{"hamza", "مسئول", "masool"},
		{"tanwin", "حتماً", "hatman"},
		{"qaf and ain letters", "قلعه", "ghalae"},
		{"heh after alef", "راه", "rah"},
		{"ye after alef", "پایان", "payan"},
		{"unknown arabic letter dropped", "ڭ", ""},
		{"presentation form dropped", "ﻻ", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Transliterate(tt.fa, nil); got != tt.want {
				t.Errorf("Transliterate(%q, nil) = %q, want %q", tt.fa, got, tt.want)
			}
		})
	}
}

// sentences is a small sample of the posts the model trains on.
var sentences = []string{
	"سلام، سفارشم هنوز نرسیده! دو هفته‌ست منتظرم 😡",
	"خیلی ممنون از پشتیبانی خوبتون 🙏",
	"واقعاً افتضاحه، پولمو پس بدید",
	"به همه دوستام معرفیتون کردم",
	"قهوه‌هاتون محشره ولی قیمتاتون خیلی بالا رفته",
	"چرا اینقدر گرون شدین؟؟",
	"حال و حوصله ندارم، عاشق این کافه‌ام",
	"تحویل سریع بود و بسته‌بندی عالی",
}

func TestTransliterateSamplesVariants(t *testing.T) {
	t.Parallel()
	for _, s := range sentences {
		seen := map[string]bool{}
		for seed := range uint64(40) {
			seen[Transliterate(s, rand.New(rand.NewPCG(seed, 7)))] = true
		}
		if len(seen) < 3 {
			t.Errorf("40 seeds gave %d spellings of %q, want at least 3: %v", len(seen), s, seen)
		}
	}
}

func TestTransliterateDeterministic(t *testing.T) {
	t.Parallel()
	for _, s := range sentences {
		if a, b := Transliterate(s, nil), Transliterate(s, nil); a != b {
			t.Errorf("nil r: %q then %q", a, b)
		}
		a := Transliterate(s, rand.New(rand.NewPCG(42, 1)))
		b := Transliterate(s, rand.New(rand.NewPCG(42, 1)))
		if a != b {
			t.Errorf("seed 42: %q then %q", a, b)
		}
	}
}

func TestTransliterateStyles(t *testing.T) {
	t.Parallel()
	// Across many writers the number spellings and capitals turn up.
	var all strings.Builder
	for seed := range uint64(300) {
		r := rand.New(rand.NewPCG(seed, 3))
		all.WriteString(Transliterate("حتما عالی عشق باحال قلعه خودرو سفارش", r))
		all.WriteString("\n")
	}
	got := all.String()
	for _, want := range []string{"3", "7", "hatman", "Hatman", "aali", "khodro", "q"} {
		if !strings.Contains(got, want) {
			t.Errorf("no writer spelled %q in 300 samples", want)
		}
	}
}

func checkFinglish(t *testing.T, in, out string) {
	t.Helper()
	if !utf8.ValidString(out) {
		t.Fatalf("Transliterate(%q) = %q: invalid UTF-8", in, out)
	}
	for _, c := range out {
		if isArabicBlock(c) || unicode.Is(unicode.Arabic, c) {
			t.Fatalf("Transliterate(%q) = %q: Arabic-script %q left", in, out, c)
		}
		if c == zwnj {
			t.Fatalf("Transliterate(%q) = %q: ZWNJ left", in, out)
		}
	}
}

func FuzzTransliterate(f *testing.F) {
	for i, s := range sentences {
		f.Add(s, uint64(i))
	}
	f.Add("", uint64(0))
	f.Add("\xff\xfe", uint64(1))
	f.Fuzz(func(t *testing.T, s string, seed uint64) {
		out := Transliterate(s, nil)
		checkFinglish(t, s, out)
		if again := Transliterate(s, nil); again != out {
			t.Fatalf("nil r not deterministic for %q: %q then %q", s, out, again)
		}
		a := Transliterate(s, rand.New(rand.NewPCG(seed, seed^0x5eed)))
		checkFinglish(t, s, a)
		if b := Transliterate(s, rand.New(rand.NewPCG(seed, seed^0x5eed))); a != b {
			t.Fatalf("seed %d not deterministic for %q: %q then %q", seed, s, a, b)
		}
	})
}

func BenchmarkTransliterate(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	for i := 0; b.Loop(); i++ {
		Transliterate(sentences[i%len(sentences)], r)
	}
}
