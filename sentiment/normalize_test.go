package sentiment

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestNormalize(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
	}{
		{"Empty", "", ""},
		{"EmojiOnly", "😍😍😍😍", "😍 😍"},
		{"InvalidUTF8", "خوب\xff\xfe", "خوب"},
		{"ZWNJForms", "نمی‌خوام نمی خوام نمیخوام", "نمیخوام نمیخوام نمیخوام"},
		{"PluralSuffix", "کتاب ها و کتاب‌های خوب ترین", "کتابها و کتابهای خوبترین"},
		{"ArabicLetters", "كيفيت عالي", "کیفیت عالی"},
		{"Digits", "۵ ستاره از ٥", "5 ستاره از 5"},
		{"PersianPunctuation", "چرا؟! «عالی» بود،", "چرا ?! عالی بود ,"},
		{"Elongation", "خیییییلی خوووب sooooo gooood!!!!!", "خیلی خوب soo good !!"},
		{"URL", "see https://x.com/a?b=1 now", "see <url> now"},
		{"RefURL", "با این لینک ثبت نام کن snapp.ir/invite/AB12", "با این لینک ثبت نام کن <refurl>"},
		{"Handle", "@Digikala_Support چرا جواب نمیدید؟", "@user چرا جواب نمیدید ?"},
		{"Hashtag", "#خیلی_بد #FAIL", "#خیلی_بد #fail"},
		{"Emoticons", "great :) :-( :D <3 :))) :/", "great :) :( :d <3 :) :/"},
		{"PersianSmile", "مرسی)))", "مرسی :)"},
		{"PersianFrown", "حیف شد((", "حیف شد :("},
		{"Contraction", "I don’t like it", "i don't like it"},
		{"Numbers", "3.5 out of 10, 1,000 toman", "3.5 out of 10 , 1,000 toman"},
		{"Quotes", "\"quoted\" (aside)", "quoted aside"},
		{"Finglish", "kheiliii khoobeee", "kheilii khoobee"},
		{"Mixed", "اپ Snapp خیلییی باحاله 👍🏽", "اپ snapp خیلی باحاله 👍"},
		{"Bidi", "\u202bسلام\u202c", "سلام"},
		{"Placeholders", "<url> <refurl> @user", "<url> <refurl> @user"},
		{"Code", "code: SNAPP50", "code : snapp50"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Normalize(tt.in); got != tt.want {
				t.Fatalf("Normalize(%q)=%q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestTokenize_Negation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		want     string // words in a negation scope, space-separated
	}{
		{"EnglishNot", "this is not good at all. love it", "good at all"},
		{"EnglishContraction", "I don't like the new update", "like the new update"},
		{"EnglishScopeEndsAtBut", "never slow but crashes", "slow"},
		{"PersianNist", "اصلا خوب نیست", "خوب"},
		{"PersianVerbFinal", "از خریدم راضی نیستم", "خریدم راضی"},
		{"PersianNemi", "دیگه ازتون خرید نمیکنم", "ازتون خرید"},
		{"PersianPrefixN", "پشتیبانی جواب نداد", "پشتیبانی جواب"},
		{"PersianNotAVerb", "نظر من مثبت است", ""},
		{"PersianHich", "هیچ مشکلی نداشت", "مشکلی"},
		{"PersianScopeEndsAtComma", "خوبه، ولی گرون نیست", "گرون"},
		{"Finglish", "aslan khoob nist", "khoob"},
		{"FinglishNemi", "dige azatoon kharid nemikonam", "azatoon kharid"},
		{"None", "great service, thanks", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var neg []string
			for _, tok := range tokenize(tt.in) {
				if tok.neg {
					neg = append(neg, tok.text)
				}
			}
			if got := strings.Join(neg, " "); got != tt.want {
				t.Fatalf("negated words of %q = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"", "نمی خوام", "don't :) :(((", "#a_b @c https://x.co/ref", "۱۲۳,۴", "😍😍😍", "a\xffb"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Normalize(s)
		if !utf8.ValidString(got) {
			t.Fatalf("Normalize(%q)=%q is not valid UTF-8", s, got)
		}
		if again := Normalize(got); again != got {
			t.Fatalf("Normalize not idempotent: Normalize(%q)=%q, again=%q", s, got, again)
		}
		if strings.Contains(got, "  ") || strings.HasPrefix(got, " ") || strings.HasSuffix(got, " ") {
			t.Fatalf("Normalize(%q)=%q has stray spaces", s, got)
		}
	})
}
