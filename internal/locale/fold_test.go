package locale

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestFold(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
	}{
		{"Empty", "", ""},
		{"ASCIILower", "Hello WORLD", "hello world"},
		{"ArabicYehKaf", "كيك", "کیک"},
		{"AlefMaksura", "مصطفى", "مصطفی"},
		{"TehMarbuta", "مدرسة", "مدرسه"},
		{"HehWithYeh", "خانۀ", "خانه"},
		{"HamzaYeh", "پائیز", "پاییز"},
		{"AlefForms", "آب أحمد إيران", "اب احمد ایران"},
		{"WawHamza", "مسؤول", "مسوول"},
		{"PersianDigits", "۱۲۳۴۵۶۷۸۹۰", "1234567890"},
		{"ArabicIndicDigits", "٠١٢٣٤٥٦٧٨٩", "0123456789"},
		{"Diacritics", "کِتابُ مُحَمَّد", "کتاب محمد"},
		{"Tatweel", "سلـــــام", "سلام"},
		{"ZWNJ", "نمی\u200cخوام", "نمیخوام"},
		{"ZWNJSameAsJoined", "می\u200cروم", Fold("میروم")},
		{"Bidi", "\u202bسلام\u202c \u200fdigikala\u200e", "سلام digikala"},
		{"BOMAndZWSP", "\ufeffsnapp\u200bfood", "snappfood"},
		{"ElongationPersian", "خیییییلی خوبههه", "خیلی خوبه"},
		{"ElongationLatin", "Soooooo GOOOOD", "soo good"},
		{"DoubleLetterKept", "google ممنون", "google ممنون"},
		{"DigitsNotSqueezed", "10000 تومان", "10000 تومان"},
		{"Whitespace", "  a \t\n b\u00a0\u2003c  ", "a b c"},
		{"EmojiKept", "عالی 😍😍😍", "عالی 😍😍😍"},
		{"VariationSelectorAndSkinTone", "❤️ 👍🏽", "❤ 👍"},
		{"PresentationForms", "ﺳﻼﻡ", "سلام"},
		{"FullWidth", "ＳＮＡＰＰ", "snapp"},
		{"MathBold", "𝐆𝐫𝐞𝐚𝐭", "great"},
		{"InvalidUTF8", "ab\xffc\xc3", "abc"},
		{"ControlChars", "a\x00b\x07c", "abc"},
		{"PersianPunctuationKept", "چرا؟", "چرا؟"},
		{"Mixed", "اپ Snapp خیلییی باحاله!!", "اپ snapp خیلی باحاله!!"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Fold(tt.in); got != tt.want {
				t.Fatalf("Fold(%q)=%q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func FuzzFold(f *testing.F) {
	for _, s := range []string{"", "سلام", "نمی‌خوام", "Soooo GOOD", "ﺳﻼﻡ ＳＮＡＰＰ", "a\xffb", "كيك ۱۲۳", "👍🏽❤️"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Fold(s)
		if !utf8.ValidString(got) {
			t.Fatalf("Fold(%q)=%q is not valid UTF-8", s, got)
		}
		if again := Fold(got); again != got {
			t.Fatalf("Fold not idempotent: Fold(%q)=%q, Fold of that=%q", s, got, again)
		}
		if strings.HasPrefix(got, " ") || strings.HasSuffix(got, " ") || strings.Contains(got, "  ") {
			t.Fatalf("Fold(%q)=%q has untrimmed or doubled spaces", s, got)
		}
		if strings.ContainsAny(got, "\u200c\u200d\u200e\u200f\ufeffيكة") {
			t.Fatalf("Fold(%q)=%q keeps a character it must fold", s, got)
		}
	})
}
