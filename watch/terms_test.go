package watch

import (
	"slices"
	"testing"

	"github.com/shenava/shenava/internal/locale"
)

func TestTopTerms(t *testing.T) {
	t.Parallel()
	stop := stopSet([]string{"Shenava App"})
	tests := []struct {
		name  string
		texts []string
		want  []string
	}{
		{"CountsOncePerText", []string{"refund refund refund refund", "login broken", "login broken again"},
			[]string{"broken", "login"}},
		{"StopWordsLinksHandles", []string{
			"@shenava the app is broken https://t.co/x", "Shenava: the app is broken!! www.example.com",
		}, []string{"broken"}},
		{"PersianFolded", []string{"نمی‌تونم وارد بشم، كيف پول خالیه", "نمیتونم وارد بشم", "کیف پول"},
			[]string{"بشم", "نمیتونم", "وارد", "پول", "کیف"}}, // ties in byte order
		{"PersianSuffixes", []string{"برنامه‌ی شما خرابه", "برنامه‌ها خراب‌تر شدند", "این برنامه، خراب"},
			[]string{"برنامه", "خراب"}},
		{"Finglish", []string{"appeton kharabe va pool bargasht nadadin", "pool ham bargasht nadadin"},
			[]string{"bargasht", "nadadin", "pool"}},
		{"NumbersDropped", []string{"order 12345 late", "order 12345 late ۱۲۳"}, []string{"late", "order"}},
		{"NothingTwice", []string{"one thing", "another"}, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := topTerms(tt.texts, stop, 5)
			if !slices.Equal(got, tt.want) {
				t.Fatalf("topTerms=%q, want %q", got, tt.want)
			}
		})
	}
}

func TestStopWords_Folded(t *testing.T) {
	t.Parallel()
	// The sets are built from the folded forms; words that fold to
	// nothing usable would silently never match.
	for _, list := range [][]string{stopEnglish, stopPersian, stopFinglish} {
		for _, w := range list {
			if len(terms(w)) == 0 && len([]rune(locale.Fold(w))) > 1 {
				t.Errorf("stop word %q yields no term", w)
			}
		}
	}
}
