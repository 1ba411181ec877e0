package digest

import (
	"strings"
	"testing"

	"github.com/shenava/shenava/core"
)

// Instagram comments and posts the Telegram collector read are counted by
// platform like every other source, and named in the reader's language.
func TestDigester_ByPlatform_InstagramAndTelegram(t *testing.T) {
	f := &fixture{tb: t, db: MustOpenStore(t)}
	f.save(m{at: at(0, 10, 0), platform: core.PlatformInstagram, handle: "mina.r", lang: core.LangPersian, label: core.LabelNegative}, true)
	f.save(m{at: at(0, 11, 0), platform: core.PlatformInstagram, handle: "sara", lang: core.LangPersian, label: core.LabelPositive}, false)
	f.save(m{at: at(0, 12, 0), platform: core.PlatformTelegram, handle: "koala_news", lang: core.LangPersian, label: core.LabelNeutral}, false)
	f.save(m{at: at(0, 13, 0), platform: core.PlatformX, handle: "reza", lang: core.LangEnglish, label: core.LabelNeutral}, false)
	d := MustNew(t, f.db, Config{Lang: "en"}, nil, asOf)
	fig, err := d.Figures(ctx, theDay)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, it := range fig.ByPlatform {
		got[it.Key] = it.Day
	}
	want := map[string]int{"instagram": 2, "telegram": 1, "x": 1}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("%s: %d mentions, want %d (by platform %v)", k, got[k], n, got)
		}
	}
	for lang, names := range map[string][]string{"en": {"Instagram", "Telegram"}, "fa": {"اینستاگرام", "تلگرام"}} {
		d := MustNew(t, f.db, Config{Lang: lang}, nil, asOf)
		text, _, err := d.Digest(ctx, theDay)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range names {
			if !strings.Contains(text, n) {
				t.Errorf("%s digest does not name %s:\n%s", lang, n, text)
			}
		}
	}
}
