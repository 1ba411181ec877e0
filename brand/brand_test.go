package brand

import (
	"strings"
	"testing"

	"github.com/shenava/shenava/core"
)

func mustNew(t *testing.T) *Matcher {
	t.Helper()
	m, err := New(Config{
		Keywords:   []string{"Shenava", "کافه شنوا", "shenava coffee"},
		Hashtags:   []string{"shenava", "کافه_شنوا"},
		Handles:    Handles{X: []string{"shenavacoffee"}, Mastodon: []string{"shenava@mastodon.social"}},
		Exclusions: []string{"سمعک", "hearing aid"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestMatcher_About(t *testing.T) {
	t.Parallel()
	m := mustNew(t)
	tests := []struct {
		text string
		want bool
	}{
		{"Shenava's latte is great", true},
		{"SHENAVA!!!", true},
		{"shenavaaaa 😍", true},
		{"Shenava Cofee", true},
		{"#Shenava best coffee", true},
		{"love @shenavacoffee", true},
		{"@ShenavaCoffee why so slow", true},
		{"کافه شنوا عالیه", true},
		{"كافه شنوا عالیه", true},          // Arabic kaf
		{"کافه‌شنوا رو امتحان کنید", true}, // joined by ZWNJ
		{"کافهشنوا", true},
		{"کافه شنوایی", true}, // Persian suffixes attach; exclusions handle real homographs
		{"#کافه_شنوا", true},
		{"کافه شنواها همیشه شلوغه", true}, // Persian suffix attached
		{"shenavas are everywhere", false},
		{"unshenava", false},
		{"the new shenava hearing aid", false}, // excluded
		{"شنوا بودن مهمه، سمعک کافه شنوا", false},
		{"a post about coffee", false},
		{"", false},
		{"email me at x@shenavacoffee.com", false},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			if got := m.About(core.Mention{Text: tt.text}); got != tt.want {
				t.Fatalf("About(%q)=%v, want %v", tt.text, got, tt.want)
			}
		})
	}
}

func TestMatcher_Own(t *testing.T) {
	t.Parallel()
	m := mustNew(t)
	tests := []struct {
		p      core.Platform
		handle string
		want   bool
	}{
		{core.PlatformX, "ShenavaCoffee", true},
		{core.PlatformX, "@shenavacoffee", true},
		{core.PlatformX, "sara", false},
		{core.PlatformMastodon, "shenava@mastodon.social", true},
		{core.PlatformMastodon, "shenava", true},
		{core.PlatformTelegram, "shenavacoffee", false}, // no telegram handle configured
	}
	for _, tt := range tests {
		if got := m.Own(core.Mention{Platform: tt.p, Author: core.Author{Handle: tt.handle}}); got != tt.want {
			t.Errorf("Own(%s %q)=%v, want %v", tt.p, tt.handle, got, tt.want)
		}
	}
}

func TestConfig_Validate(t *testing.T) {
	t.Parallel()
	err := Config{Keywords: []string{" "}, Hashtags: []string{"#"}}.Validate()
	for _, key := range []string{"keywords[0]: \" \" is empty after normalisation", "hashtags[0]: \"#\" is empty after normalisation"} {
		if err == nil || !strings.Contains(err.Error(), key) {
			t.Errorf("Validate()=%v, want it to name %s", err, key)
		}
	}
	if err := (Config{}).Validate(); err == nil {
		t.Error("an empty brand was accepted")
	}
}

func FuzzMatcher_About(f *testing.F) {
	m, _ := New(Config{Keywords: []string{"shenava", "کافه شنوا"}, Hashtags: []string{"شنوا"}})
	for _, s := range []string{"shenava", "کافه شنوا", "#شنوا", "\u200f#شنوا\u200c", "a\xffb"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m.About(core.Mention{Text: s})
	})
}
