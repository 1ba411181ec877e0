package digest

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/shenava/shenava/core"
)

// locale writes numbers, durations, dates and names in one language. The
// Persian one uses Persian digits (۰-۹), the Persian decimal separator (٫),
// thousands separator (٬), percent sign (٪) and comma (،).
type locale struct {
	fa bool
}

func newLocale(lang string) locale { return locale{fa: lang == "fa"} }

var faDigits = [10]rune{'۰', '۱', '۲', '۳', '۴', '۵', '۶', '۷', '۸', '۹'}

// digits turns the ASCII digits, decimal and thousands separators and
// percent signs of a formatted number into their Persian forms.
func (l locale) digits(s string) string {
	if !l.fa {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(faDigits[r-'0'])
		case r == '.':
			b.WriteRune('٫')
		case r == ',':
			b.WriteRune('٬')
		case r == '%':
			b.WriteRune('٪')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
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

var (
	faWeekdays = [7]string{"یکشنبه", "دوشنبه", "سه‌شنبه", "چهارشنبه", "پنجشنبه", "جمعه", "شنبه"}
	faMonths   = [12]string{"فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور",
		"مهر", "آبان", "آذر", "دی", "بهمن", "اسفند"}
)

// date writes a calendar day: "Sunday 22 November 2026", and in Persian the
// Solar Hijri date with the Gregorian one after it:
// "یکشنبه ۱ آذر ۱۴۰۵ (۲۰۲۶-۱۱-۲۲)".
func (l locale) date(t time.Time) string {
	if !l.fa {
		return t.Format("Monday 2 January 2006")
	}
	iso := l.digits(t.Format("2006-01-02"))
	y, m, d, ok := toSolarHijri(t.Year(), t.Month(), t.Day())
	if !ok {
		return faWeekdays[t.Weekday()] + " " + iso
	}
	return fmt.Sprintf("%s %s %s %s (%s)", faWeekdays[t.Weekday()], l.digits(strconv.Itoa(d)),
		faMonths[m-1], l.digits(strconv.Itoa(y)), iso)
}

// shortDate writes a day for a list: "22 Nov" or "۱ آذر".
func (l locale) shortDate(t time.Time) string {
	if !l.fa {
		return t.Format("2 Jan")
	}
	_, m, d, ok := toSolarHijri(t.Year(), t.Month(), t.Day())
	if !ok {
		return l.digits(t.Format("01-02"))
	}
	return l.digits(strconv.Itoa(d)) + " " + faMonths[m-1]
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

// The Solar Hijri (Jalali) calendar, Iran's civil calendar. A year starts
// at Nowruz; its first six months have 31 days, the next five 30, Esfand
// 29 or 30 in a leap year. Leap years follow the 33-year cycle of the
// official calendar, which runs unbroken from 1210 to 1634 AP: with
// r = (year − 1209) mod 33, the year is leap when r is 1, 5, 9, …, 29
// (… 1399, 1403, 1408, 1412 …). Days outside the years
// solarHijriMin..solarHijriMax are not converted.
const (
	solarHijriMin = 1354 // 1975
	solarHijriMax = 1498 // 2120
	// Nowruz 1403 fell on 20 March 2024.
	anchorYear = 1403
)

var anchorNowruz = time.Date(2024, time.March, 20, 0, 0, 0, 0, time.UTC)

func solarHijriLeap(y int) bool {
	r := (y - 1209) % 33
	return r != 0 && (r-1)%4 == 0
}

// nowruz returns the Gregorian date (UTC midnight) of 1 Farvardin of y.
func nowruz(y int) time.Time {
	t := anchorNowruz
	for yy := anchorYear; yy < y; yy++ {
		t = t.AddDate(0, 0, yearDays(yy))
	}
	for yy := anchorYear - 1; yy >= y; yy-- {
		t = t.AddDate(0, 0, -yearDays(yy))
	}
	return t
}

func yearDays(y int) int {
	if solarHijriLeap(y) {
		return 366
	}
	return 365
}

// toSolarHijri converts a Gregorian date.
func toSolarHijri(gy int, gm time.Month, gd int) (y, m, d int, ok bool) {
	t := time.Date(gy, gm, gd, 0, 0, 0, 0, time.UTC)
	y = gy - 621
	if t.Before(nowruz(y)) {
		y--
	}
	if y < solarHijriMin || y > solarHijriMax {
		return 0, 0, 0, false
	}
	k := int(t.Sub(nowruz(y)).Hours()) / 24
	if k < 186 {
		return y, k/31 + 1, k%31 + 1, true
	}
	k -= 186
	return y, k/30 + 7, k%30 + 1, true
}
