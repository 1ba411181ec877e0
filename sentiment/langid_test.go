package sentiment

import (
	"testing"

	"github.com/shenava/shenava/core"
)

func TestModel_DetectLanguage(t *testing.T) {
	m := MustLoad(t)
	tests := []struct {
		name, text, want string
	}{
		{"Persian", "این گوشی واقعا خوبه، از خریدم راضیم", core.LangPersian},
		{"PersianArabicKeyboard", "كيفيت اين گوشي عاليه و قيمتش هم مناسبه", core.LangPersian},
		{"PersianNoPersianLetters", "سلام", core.LangPersian},
		{"PersianWithEnglishBrand", "اپ Snapp خیلی باحاله ولی دیر میاد", core.LangPersian},
		{"Arabic", "هذا المنتج رائع جدا وأنا سعيد بالخدمة", core.LangArabic},
		{"ArabicQuestion", "هل يوجد توصيل إلى الرياض؟", core.LangArabic},
		{"English", "The delivery was late again and nobody answered", core.LangEnglish},
		{"EnglishShort", "thanks!", core.LangEnglish},
		{"EnglishWithPersianWord", "the app is great, merci ممنون", core.LangEnglish},
		{"Finglish", "kheili khoob bood merci az poshtibani", core.LangFinglish},
		{"FinglishDigits", "salam, sefareshe man 3 roze dir kardeh, chera javab nemidin?", core.LangFinglish},
		{"FinglishWithEnglish", "app ghashangie vali update jadid kheili kond shode", core.LangFinglish},
		{"Spanish", "Muchas gracias por todo, el servicio es excelente", core.LangOther},
		{"German", "Das Paket ist leider immer noch nicht angekommen", core.LangOther},
		{"Russian", "Это очень хороший сервис", core.LangOther},
		{"Urdu", "یہ بہت اچھا ہے اور میں بہت خوش ہوں", core.LangOther},
		{"EmojiOnly", "😍😍🔥", core.LangOther},
		{"DigitsOnly", "12345 !!!", core.LangOther},
		{"Empty", "", core.LangOther},
		{"InvalidUTF8", "\xff\xfe\xfd", core.LangOther},
		{"PersianWithInvalidUTF8", "خیلی خوب\xff بود", core.LangPersian},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := m.DetectLanguage(tt.text); got != tt.want {
				t.Fatalf("DetectLanguage(%q)=%q, want %q", tt.text, got, tt.want)
			}
		})
	}
}

func FuzzDetectLanguage(f *testing.F) {
	for _, s := range []string{"", "سلام", "hello there", "kheili khoob", "مرحبا بك", "😍", "\xff", "Привет"} {
		f.Add(s)
	}
	m, err := Load()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		switch l := m.DetectLanguage(s); l {
		case core.LangPersian, core.LangEnglish, core.LangFinglish, core.LangArabic, core.LangOther:
		default:
			t.Fatalf("DetectLanguage(%q)=%q, want one of fa en fi ar other", s, l)
		}
	})
}
