package watch

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/locale"
)

// texts writes the notices' fallback text in one language. The bot renders
// notices by topic in each manager's language; this text is what it shows
// when it has no better rendering, and what the console prints.
type texts struct {
	lang string
	fa   bool
}

func newTexts(lang string) texts { return texts{lang: lang, fa: lang == locale.Persian} }

// num writes a number in the text's digits.
func (t texts) num(s string) string { return locale.Number(t.lang, s) }

func (t texts) mean(f float64) string { return locale.Mean(t.lang, f) }

// dur writes a wait in hours and minutes: "1h 30m".
func (t texts) dur(d time.Duration) string { return locale.HoursMinutes(t.lang, d) }

// sla says a case is still unclaimed, open for as long as it has been.
func (t texts) sla(id uint64, after time.Duration) string {
	if t.fa {
		return fmt.Sprintf("پروندهٔ منفی #%s پس از %s هنوز صاحبی ندارد.", t.num(strconv.FormatUint(id, 10)), t.dur(after))
	}
	return fmt.Sprintf("Negative case #%d is still unclaimed after %s.", id, t.dur(after))
}

func (t texts) spike(sp spike, loc *time.Location) string {
	var b strings.Builder
	from, to := locale.Clock(t.lang, sp.From.In(loc)), locale.Clock(t.lang, sp.To.In(loc))
	if t.fa {
		fmt.Fprintf(&b, "جهش در اشاره‌های منفی: %s اشاره از %s تا %s (به وقت %s)، در برابر میانگین %s در همین ساعت‌های ۷ روز گذشته.\n",
			t.num(strconv.Itoa(sp.Count)), from, to, loc, t.mean(sp.Usual))
	} else {
		fmt.Fprintf(&b, "Negative mentions are spiking: %d from %s to %s (%s), against a mean of %s at the same time on the last 7 days.\n",
			sp.Count, from, to, loc, t.mean(sp.Usual))
	}
	if len(sp.Terms) > 0 {
		if t.fa {
			fmt.Fprintf(&b, "واژه‌های پرتکرار: %s\n", strings.Join(sp.Terms, "، "))
		} else {
			fmt.Fprintf(&b, "Top terms: %s\n", strings.Join(sp.Terms, ", "))
		}
	}
	if len(sp.Samples) > 0 {
		b.WriteString(map[bool]string{false: "Samples:\n", true: "نمونه‌ها:\n"}[t.fa])
		for _, m := range sp.Samples {
			who := m.Author.Name
			if m.Author.Handle != "" {
				who = "@" + m.Author.Handle
			}
			quote := `"%s"`
			if t.fa {
				quote = "«%s»"
			}
			fmt.Fprintf(&b, "• %s (%s): "+quote, who, platformName(m.Platform), snippet(m.Text, 100))
			if m.URL != "" {
				b.WriteString(" " + m.URL)
			}
			b.WriteByte('\n')
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// platformName is how the platform is written in notices (in both
// languages: the names are brands).
func platformName(p core.Platform) string { return locale.Platform(locale.English, p) }

// snippet is the text on one line, cut to n runes.
func snippet(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return strings.TrimSpace(string(r[:n-1])) + "…"
}
