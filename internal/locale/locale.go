// Package locale is how Shenava writes and reads text for people in
// Persian and English: the matching form of text (Fold), and numbers,
// durations, times of day and the names of labels and platforms in fa or
// en. The bot, the digest, the notices and the brand matcher share it, so
// a manager sees the same forms everywhere. The Persian digits and the
// Solar Hijri calendar underneath are in internal/persian.
//
// Every formatter takes the reader's language code; Persian is "fa" and
// anything else is written in English.
package locale

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/persian"
)

// The languages text is written in.
const (
	Persian = "fa"
	English = "en"
)

// Digits writes the ASCII digits of s as Persian digits in Persian text
// and leaves everything else alone (see persian.Digits).
func Digits(lang, s string) string {
	if lang != Persian {
		return s
	}
	return persian.Digits(s)
}

// Number writes a number formatted the ASCII way ("1,234.5", "33%") in
// the language's digits and separators (see persian.Number).
func Number(lang, s string) string {
	if lang != Persian {
		return s
	}
	return persian.Number(s)
}

// Int writes a count with thousands separators: "1,234", "۱٬۲۳۴".
func Int(lang string, n int) string { return Number(lang, Group(strconv.Itoa(n))) }

// Group puts thousands separators into a run of ASCII digits with an
// optional leading minus: "-1234567" becomes "-1,234,567".
func Group(s string) string {
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

// Mean writes a mean to one decimal, dropping ".0", with thousands
// separators: "2.5", "1,234", "۲٫۵".
func Mean(lang string, f float64) string {
	s := strconv.FormatFloat(math.Round(f*10)/10, 'f', 1, 64)
	s = strings.TrimSuffix(s, ".0")
	if s == "-0" {
		s = "0"
	}
	if i := strings.IndexByte(s, '.'); i > 0 {
		return Number(lang, Group(s[:i])+s[i:])
	}
	return Number(lang, Group(s))
}

// Percent writes a fraction as a whole percentage: "33%", "۳۳٪".
func Percent(lang string, f float64) string {
	return Number(lang, strconv.Itoa(int(math.Round(f*100)))+"%")
}

// Clock writes a time of day in t's location: "17:30", "۱۷:۳۰".
func Clock(lang string, t time.Time) string { return Digits(lang, t.Format("15:04")) }

// Label names a sentiment label: "negative", "منفی". An unknown label is
// written as it is.
func Label(lang string, l core.Label) string {
	if lang != Persian {
		return string(l)
	}
	switch l {
	case core.LabelNegative:
		return "منفی"
	case core.LabelNeutral:
		return "خنثی"
	case core.LabelPositive:
		return "مثبت"
	}
	return string(l)
}

// platformNames are the platforms' names in English and Persian.
var platformNames = map[core.Platform][2]string{
	core.PlatformX:         {"X", "ایکس"},
	core.PlatformMastodon:  {"Mastodon", "ماستودون"},
	core.PlatformRSS:       {"RSS", "RSS"},
	core.PlatformTelegram:  {"Telegram", "تلگرام"},
	core.PlatformFile:      {"file", "فایل"},
	core.PlatformInstagram: {"Instagram", "اینستاگرام"},
}

// Platform names a platform as lists and tables show it: "X", "ایکس",
// "RSS". An unknown platform is written as it is.
func Platform(lang string, p core.Platform) string {
	n, ok := platformNames[p]
	switch {
	case !ok:
		return string(p)
	case lang == Persian:
		return n[1]
	}
	return n[0]
}

// PlatformInText names a platform inside a sentence. In Persian a bare
// "RSS" does not read as a noun, so a feed is "خوراک RSS"; everything else
// is Platform.
func PlatformInText(lang string, p core.Platform) string {
	if lang == Persian && p == core.PlatformRSS {
		return "خوراک RSS"
	}
	return Platform(lang, p)
}

// Duration writes a duration the way people say it: "under a minute",
// "4 min", "2 h 5 min", "3 days"; in Persian "۲ ساعت و ۵ دقیقه". Minutes
// and hours are cut, not rounded; from two days on it counts whole days.
func Duration(lang string, d time.Duration) string {
	fa := lang == Persian
	switch {
	case d < time.Minute:
		if fa {
			return "کمتر از یک دقیقه"
		}
		return "under a minute"
	case d < time.Hour:
		if fa {
			return Int(lang, int(d/time.Minute)) + " دقیقه"
		}
		return Int(lang, int(d/time.Minute)) + " min"
	case d < 48*time.Hour:
		h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
		if fa {
			if m == 0 {
				return Int(lang, h) + " ساعت"
			}
			return Int(lang, h) + " ساعت و " + Int(lang, m) + " دقیقه"
		}
		if m == 0 {
			return Int(lang, h) + " h"
		}
		return Int(lang, h) + " h " + Int(lang, m) + " min"
	}
	days := int(d / (24 * time.Hour))
	if fa {
		return Int(lang, days) + " روز"
	}
	return Int(lang, days) + " days"
}

// Seconds writes a short wait: "15 s", "۱۵ ثانیه"; a minute or more as
// Duration.
func Seconds(lang string, d time.Duration) string {
	if d >= time.Minute {
		return Duration(lang, d)
	}
	if lang == Persian {
		return Int(lang, int(d/time.Second)) + " ثانیه"
	}
	return Int(lang, int(d/time.Second)) + " s"
}

// unit is one part of a compact duration: how many, and the unit's
// English abbreviation and Persian word.
type unit struct {
	n      int
	en, fa string
}

var (
	unitSecond = unit{en: "s", fa: "ثانیه"}
	unitMinute = unit{en: "m", fa: "دقیقه"}
	unitHour   = unit{en: "h", fa: "ساعت"}
	unitDay    = unit{en: "d", fa: "روز"}
)

func (u unit) of(n int) unit { u.n = n; return u }

// join writes the parts of a compact duration, dropping zero parts after
// the first: "1h 10m", "2d", "۱ ساعت و ۱۰ دقیقه".
func join(lang string, parts ...unit) string {
	var out []string
	for i, p := range parts {
		if p.n == 0 && i > 0 {
			continue
		}
		if lang == Persian {
			out = append(out, Int(lang, p.n)+" "+p.fa)
		} else {
			out = append(out, strconv.Itoa(p.n)+p.en)
		}
	}
	if lang == Persian {
		return strings.Join(out, " و ")
	}
	return strings.Join(out, " ")
}

// Compact writes a duration to the minute (to the second under a minute),
// rounded, in at most two units: "45s", "14m", "1h 10m", "2d 3h"; in
// Persian "۱ روز و ۲ ساعت". A negative duration is written as 0s.
func Compact(lang string, d time.Duration) string {
	d = max(d, 0)
	switch {
	case d < time.Minute:
		return join(lang, unitSecond.of(int(d.Round(time.Second)/time.Second)))
	case d < time.Hour:
		return join(lang, unitMinute.of(int(d.Round(time.Minute)/time.Minute)))
	case d < 24*time.Hour:
		m := int(d.Round(time.Minute) / time.Minute)
		return join(lang, unitHour.of(m/60), unitMinute.of(m%60))
	}
	h := int(d.Round(time.Hour) / time.Hour)
	return join(lang, unitDay.of(h/24), unitHour.of(h%24))
}

// HoursMinutes writes a duration in whole hours and minutes, cut to the
// minute: "0m", "45m", "1h", "36h 5m"; in Persian "۱ ساعت و ۵ دقیقه".
func HoursMinutes(lang string, d time.Duration) string {
	h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case h == 0:
		return join(lang, unitMinute.of(m))
	case m == 0:
		return join(lang, unitHour.of(h))
	}
	return join(lang, unitHour.of(h), unitMinute.of(m))
}
