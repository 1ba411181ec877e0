package locale

import (
	"testing"
	"time"

	"github.com/shenava/shenava/core"
)

func TestFormatters(t *testing.T) {
	t.Parallel()
	const fa, en = Persian, English
	h, m, s := time.Hour, time.Minute, time.Second
	tests := []struct {
		name, got, want string
	}{
		{"DigitsFa", Digits(fa, "2026-11-22 17:30"), "۲۰۲۶-۱۱-۲۲ ۱۷:۳۰"},
		{"DigitsEn", Digits(en, "12"), "12"},
		{"NumberFa", Number(fa, "1,234.5%"), "۱٬۲۳۴٫۵٪"},
		{"IntEn", Int(en, 1234567), "1,234,567"},
		{"IntNegative", Int(en, -1234), "-1,234"},
		{"IntFa", Int(fa, 1234567), "۱٬۲۳۴٬۵۶۷"},
		{"IntSmall", Int(en, 999), "999"},
		{"GroupEven", Group("123456"), "123,456"},
		{"MeanEn", Mean(en, 2.46), "2.5"},
		{"MeanWhole", Mean(en, 3.04), "3"},
		{"MeanGrouped", Mean(en, 1234.56), "1,234.6"},
		{"MeanNegativeZero", Mean(en, -0.01), "0"},
		{"MeanFa", Mean(fa, 1234.5), "۱٬۲۳۴٫۵"},
		{"PercentEn", Percent(en, 0.333), "33%"},
		{"PercentFa", Percent(fa, 0.875), "۸۸٪"},
		{"ClockFa", Clock(fa, time.Date(2026, 1, 1, 17, 30, 0, 0, time.UTC)), "۱۷:۳۰"},
		{"LabelEn", Label(en, core.LabelNegative), "negative"},
		{"LabelFa", Label(fa, core.LabelPositive), "مثبت"},
		{"LabelUnknown", Label(fa, "mixed"), "mixed"},
		{"PlatformFa", Platform(fa, core.PlatformX), "ایکس"},
		{"PlatformRSSFa", Platform(fa, core.PlatformRSS), "RSS"},
		{"PlatformUnknown", Platform(fa, "myspace"), "myspace"},
		{"PlatformInTextRSSFa", PlatformInText(fa, core.PlatformRSS), "خوراک RSS"},
		{"PlatformInTextRSSEn", PlatformInText(en, core.PlatformRSS), "RSS"},
		{"PlatformInTextFile", PlatformInText(fa, core.PlatformFile), "فایل"},
		{"PlatformInstagram", Platform(fa, core.PlatformInstagram), "اینستاگرام"},

		{"DurationUnderMinute", Duration(en, 59*s), "under a minute"},
		{"DurationFaMinutes", Duration(fa, 4*m+20*s), "۴ دقیقه"},
		{"DurationEnHours", Duration(en, 2*h+5*m), "2 h 5 min"},
		{"DurationEnWholeHours", Duration(en, 47*h), "47 h"},
		{"DurationFaHours", Duration(fa, 2*h+5*m), "۲ ساعت و ۵ دقیقه"},
		{"DurationEnDays", Duration(en, 72*h), "3 days"},
		{"DurationFaDays", Duration(fa, 50*h), "۲ روز"},
		{"SecondsEn", Seconds(en, 15*s), "15 s"},
		{"SecondsFa", Seconds(fa, 15*s), "۱۵ ثانیه"},
		{"SecondsMinute", Seconds(en, 90*s), "1 min"},

		{"CompactSeconds", Compact(en, 45*s), "45s"},
		{"CompactNegative", Compact(en, -s), "0s"},
		{"CompactMinutes", Compact(en, 14*m+20*s), "14m"},
		{"CompactRounds", Compact(en, 14*m+40*s), "15m"},
		{"CompactHours", Compact(en, 70*m), "1h 10m"},
		{"CompactWholeHours", Compact(en, 2*h), "2h"},
		{"CompactDays", Compact(en, 51*h), "2d 3h"},
		{"CompactDaysFa", Compact(fa, 26*h), "۱ روز و ۲ ساعت"},
		{"CompactHoursFa", Compact(fa, 17*h+40*m), "۱۷ ساعت و ۴۰ دقیقه"},

		{"HoursMinutesZero", HoursMinutes(en, 20*s), "0m"},
		{"HoursMinutesMinutes", HoursMinutes(en, 45*m+59*s), "45m"},
		{"HoursMinutesHour", HoursMinutes(en, h), "1h"},
		{"HoursMinutesLong", HoursMinutes(en, 36*h+5*m), "36h 5m"},
		{"HoursMinutesFa", HoursMinutes(fa, h+30*m), "۱ ساعت و ۳۰ دقیقه"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if tt.got != tt.want {
				t.Fatalf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
}
