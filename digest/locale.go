package digest

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/persian"
)

// locale writes numbers, durations, dates and names in one language. The
// Persian one uses Persian digits (۰-۹), the Persian decimal separator (٫),
// thousands separator (٬), percent sign (٪) and comma (،).
type locale struct {
	fa bool
}

func newLocale(lang string) locale { return locale{fa: lang == "fa"} }

// digits writes a formatted number ("1,234.5", "33%") in the locale's
// digits and separators.
func (l locale) digits(s string) string {
	if !l.fa {
		return s
	}
	return persian.Number(s)
}

// comma separates list items.
func (l locale) comma() string {
	if l.fa {
		return "، "
	}
	return ", "
}

// int writes a count with thousands separators.
func (l locale) int(n int) string { return l.digits(groupThousands(strconv.Itoa(n))) }

func groupThousands(s string) string {
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	if len(s) <= 3 {
		return sign + s
	}
	var b strings.Builder
	pre := len(s) % 3
	if pre > 0 {
		b.WriteString(s[:pre])
	}
	for i := pre; i < len(s); i += 3 {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(s[i : i+3])
	}
	return sign + b.String()
}

// mean writes a daily mean with one decimal, dropping ".0".
func (l locale) mean(f float64) string {
	s := strconv.FormatFloat(math.Round(f*10)/10, 'f', 1, 64)
	s = strings.TrimSuffix(s, ".0")
	if s == "-0" {
		s = "0"
	}
	if i := strings.IndexByte(s, '.'); i > 0 {
		return l.digits(groupThousands(s[:i]) + s[i:])
	}
	return l.digits(groupThousands(s))
}

// pct writes a fraction as a whole percentage.
func (l locale) pct(f float64) string {
	return l.digits(strconv.Itoa(int(math.Round(f*100))) + "%")
}

// signedPct writes a fraction as a percentage with its sign (+8%, −5%).
func (l locale) signedPct(f float64) string {
	p := int(math.Round(f * 100))
	switch {
	case p > 0:
		return l.digits("+" + strconv.Itoa(p) + "%")
	case p < 0 && l.fa:
		return "−" + l.digits(strconv.Itoa(-p)+"%")
	case p < 0:
		return "-" + strconv.Itoa(-p) + "%"
	}
	return l.digits("0%")
}

// change describes a count against its daily mean: "+51%", "−20%", "new"
// (the mean was 0), or "" when both are 0. In Persian, words say which way:
// "۵۱٪ بیشتر".
func (l locale) change(v int, mean float64) string {
	switch {
	case mean == 0 && v == 0:
		return ""
	case mean == 0:
		if l.fa {
			return "تازه"
		}
		return "new"
	}
	f := (float64(v) - mean) / mean
	p := int(math.Round(f * 100))
	switch {
	case p == 0:
		if l.fa {
			return "بی‌تغییر"
		}
		return "unchanged"
	case l.fa && p > 0:
		return l.digits(strconv.Itoa(p)+"%") + " بیشتر"
	case l.fa:
		return l.digits(strconv.Itoa(-p)+"%") + " کمتر"
	case p > 0:
		return "+" + strconv.Itoa(p) + "%"
	}
	return "−" + strconv.Itoa(-p) + "%"
}

// points describes a change of net sentiment in percentage points.
func (l locale) points(delta float64) string {
	p := int(math.Round(delta * 100))
	switch {
	case l.fa && p > 0:
		return l.digits(strconv.Itoa(p)) + " واحد بهتر"
	case l.fa && p < 0:
		return l.digits(strconv.Itoa(-p)) + " واحد بدتر"
	case l.fa:
		return "بی‌تغییر"
	case p > 0:
		return fmt.Sprintf("%d points better", p)
	case p < 0:
		return fmt.Sprintf("%d points worse", -p)
	}
	return "unchanged"
}

// dur writes a duration to the minute (to the second under a minute), in
// at most two units: "45s", "14m", "1h 10m", "2d 3h".
func (l locale) dur(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	type part struct {
		n      int
		en, fa string
	}
	var parts []part
	switch {
	case d < time.Minute:
		parts = []part{{int(d.Round(time.Second) / time.Second), "s", "ثانیه"}}
	case d < time.Hour:
		parts = []part{{int(d.Round(time.Minute) / time.Minute), "m", "دقیقه"}}
	case d < 24*time.Hour:
		m := int(d.Round(time.Minute) / time.Minute)
		parts = []part{{m / 60, "h", "ساعت"}, {m % 60, "m", "دقیقه"}}
	default:
		h := int(d.Round(time.Hour) / time.Hour)
		parts = []part{{h / 24, "d", "روز"}, {h % 24, "h", "ساعت"}}
	}
	var out []string
	for i, p := range parts {
		if p.n == 0 && i > 0 {
			continue
		}
		if l.fa {
			out = append(out, l.int(p.n)+" "+p.fa)
		} else {
			out = append(out, strconv.Itoa(p.n)+p.en)
		}
	}
	if l.fa {
		return strings.Join(out, " و ")
	}
	return strings.Join(out, " ")
}

// date writes a calendar day: "Sunday 22 November 2026", and in Persian the
// Solar Hijri date with the Gregorian one after it:
// "یکشنبه ۱ آذر ۱۴۰۵ (۲۰۲۶-۱۱-۲۲)".
func (l locale) date(t time.Time) string {
	if !l.fa {
		return t.Format("Monday 2 January 2006")
	}
	return persian.LongDate(t)
}

// clock writes a local time of day, "17:30".
func (l locale) clock(t time.Time) string { return l.digits(t.Format("15:04")) }

func (l locale) label(lb core.Label) string {
	if !l.fa {
		return string(lb)
	}
	switch lb {
	case core.LabelNegative:
		return "منفی"
	case core.LabelNeutral:
		return "خنثی"
	case core.LabelPositive:
		return "مثبت"
	}
	return string(lb)
}

func (l locale) platform(p string) string {
	names := map[string][2]string{
		string(core.PlatformX):        {"X", "ایکس"},
		string(core.PlatformMastodon): {"Mastodon", "ماستودون"},
		string(core.PlatformRSS):      {"RSS", "RSS"},
		string(core.PlatformTelegram): {"Telegram", "تلگرام"},
		string(core.PlatformFile):     {"file", "فایل"},
	}
	n, ok := names[p]
	if !ok {
		return p
	}
	if l.fa {
		return n[1]
	}
	return n[0]
}

func (l locale) language(code string) string {
	names := map[string][2]string{
		core.LangPersian:  {"Persian", "فارسی"},
		core.LangEnglish:  {"English", "انگلیسی"},
		core.LangFinglish: {"Finglish", "فینگلیش"},
		core.LangArabic:   {"Arabic", "عربی"},
		core.LangOther:    {"other", "دیگر"},
		"":                {"unknown", "نامعلوم"},
	}
	n, ok := names[code]
	if !ok {
		return code
	}
	if l.fa {
		return n[1]
	}
	return n[0]
}
