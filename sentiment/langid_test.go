package sentiment

import (
	"math"
	"testing"

	"github.com/shenava/shenava/core"
)

func TestModel_DetectLanguage(t *testing.T) {
	t.Parallel()
	m := MustLoad(t)
	tests := []struct {
		name, text, want string
	}{
		{"Persian", "این گوشی واقعا خوبه، از خریدم راضیم", core.LangPersian},
		{"PersianArabicKeyboard", "كيفيت اين گوشي عاليه و قيمتش هم مناسبه", core.LangPersian},
		{"PersianNoPersianLetters", "سلام", core.LangPersian},
		{"PersianWithEnglishBrand", "اپ Snapp خیلی باحاله ولی دیر میاد", core.LangPersian},
		{"PersianWithMoreLatinLetters", "referral link نیک‌بانک من: nikbank.ir/r/farid حساب باز کنید bonus میگیرید", core.LangPersian},
		{"Arabic", "هذا المنتج رائع جدا وأنا سعيد بالخدمة", core.LangArabic},
		{"ArabicQuestion", "هل يوجد توصيل إلى الرياض؟", core.LangArabic},
		{"English", "The delivery was late again and nobody answered", core.LangEnglish},
		{"EnglishShort", "thanks!", core.LangEnglish},
		{"EnglishOneCommonWord", "ok", core.LangEnglish},
		{"EnglishAllCommonWords", "see you there", core.LangEnglish},
		{"FinglishWithCommonEnglishWord", "ok merci", core.LangFinglish},
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
		{"FinglishNoCommonWord", "shenava jomeha baze?", core.LangFinglish},
		{"FinglishQuestion", "emshab mirim birun?", core.LangFinglish},
		{"Turkish", "Siparişim hâlâ gelmedi, müşteri hizmetleri cevap vermiyor", core.LangOther},
		{"French", "Merci beaucoup, ma commande est arrivée", core.LangOther},
		{"Italian", "Il mio ordine non è ancora arrivato", core.LangOther},
		{"GermanShort", "Danke schön", core.LangOther},
		{"EnglishNoCommonWord", "Amazing pancakes, friendly staff", core.LangEnglish},
		{"PersianWithLink", "اینو ببینید https://example.com/offer/spring-sale", core.LangPersian},
		{"PersianWithHandle", "@shenava_support_team سلام، کی میرسه؟", core.LangPersian},
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

func FuzzLatinDetector(f *testing.F) {
	for _, s := range []string{"", "hello there", "kheili khoob", "Danke schön", "Çok teşekkürler", "a", "😍 ok", "\xff\xfe", "x y z w"} {
		f.Add(s)
	}
	m, err := Load()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var p [3]float64
		m.latin.probs(tokenize(s), rawStats(s), &scratch{}, &p)
		sum := p[0] + p[1] + p[2]
		for _, v := range p {
			if math.IsNaN(v) || v < 0 || v > 1 {
				t.Fatalf("probs(%q)=%v, want probabilities", s, p)
			}
		}
		if math.Abs(sum-1) > 1e-9 {
			t.Fatalf("probs(%q) sum to %v, want 1", s, sum)
		}
	})
}

func FuzzDecodeLatin(f *testing.F) {
	f.Add(embeddedLatin)
	f.Add(embeddedLatin[:len(embeddedLatin)/2])
	f.Add([]byte(latinMagic + "\x02\x00\x00\x00{}"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		lm, err := decodeLatin(b)
		if err != nil {
			return
		}
		var p [3]float64
		lm.probs(tokenize("some words here"), rawStats("some words here"), &scratch{}, &p)
	})
}

func TestDecodeLatin_Errors(t *testing.T) {
	t.Parallel()
	good := embeddedLatin
	for name, b := range map[string][]byte{
		"Empty":     nil,
		"BadMagic":  append([]byte("SHNVSM01"), good[8:]...),
		"Truncated": good[:len(good)-10],
		"Trailing":  append(append([]byte{}, good...), 0, 0),
		"BadHeader": []byte(latinMagic + "\x02\x00\x00\x00{]"),
	} {
		if err := ValidateLatin(b); err == nil {
			t.Errorf("%s: ValidateLatin()=nil, want an error", name)
		}
	}
	if err := ValidateLatin(good); err != nil {
		t.Fatalf("ValidateLatin(embedded)=%v, want nil", err)
	}
}
