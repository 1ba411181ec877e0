package core

import "testing"

func TestTemplate_For(t *testing.T) {
	t.Parallel()
	all := Template{Name: "sorry", FA: "fa", EN: "en", FI: "fi"}
	tests := []struct {
		t    Template
		lang string
		want string
	}{
		{all, LangPersian, "fa"},
		{all, LangEnglish, "en"},
		{all, LangFinglish, "fi"},
		{all, LangArabic, "en"},
		{all, "", "en"},
		{Template{FA: "fa", EN: "en"}, LangFinglish, "fa"},
		{Template{EN: "en", FI: "fi"}, LangPersian, "en"},
		{Template{FA: "fa"}, LangEnglish, "fa"},
		{Template{FI: "fi", EN: "  "}, LangEnglish, "fi"},
		{Template{}, LangPersian, ""},
	}
	for _, tt := range tests {
		if got := tt.t.For(tt.lang); got != tt.want {
			t.Errorf("%+v.For(%q) = %q, want %q", tt.t, tt.lang, got, tt.want)
		}
	}
}
