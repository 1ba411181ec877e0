package digest

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/shenava/shenava/core"
	lc "github.com/shenava/shenava/internal/locale"
	"github.com/shenava/shenava/internal/persian"
)

// locale writes numbers, durations, dates and names in one language. The
// Persian one uses Persian digits (۰-۹), the Persian decimal separator (٫),
// thousands separator (٬), percent sign (٪) and comma (،).
type locale struct {
	lang string
	fa   bool
}

func newLocale(lang string) locale { return locale{lang: lang, fa: lang == lc.Persian} }

// digits writes a formatted number ("1,234.5", "33%") in the locale's
// digits and separators.
func (l locale) digits(s string) string { return lc.Number(l.lang, s) }

// comma separates list items.
func (l locale) comma() string {
	if l.fa {
		return "، "
	}
	return ", "
}

// int writes a count with thousands separators.
func (l locale) int(n int) string { return lc.Int(l.lang, n) }

// mean writes a daily mean with one decimal, dropping ".0".
func (l locale) mean(f float64) string { return lc.Mean(l.lang, f) }

// pct writes a fraction as a whole percentage.
func (l locale) pct(f float64) string { return lc.Percent(l.lang, f) }

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
func (l locale) dur(d time.Duration) string { return lc.Compact(l.lang, d) }

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
func (l locale) clock(t time.Time) string { return lc.Clock(l.lang, t) }

func (l locale) label(lb core.Label) string { return lc.Label(l.lang, lb) }

func (l locale) platform(p string) string { return lc.Platform(l.lang, core.Platform(p)) }

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
