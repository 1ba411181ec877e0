package digest

import (
	"testing"
	"time"
)

func TestLocale(t *testing.T) {
	t.Parallel()
	en, fa := newLocale("en"), newLocale("fa")
	tests := []struct {
		name      string
		got, want string
	}{
		{"IntEn", en.int(1234567), "1,234,567"},
		{"IntFa", fa.int(1234567), "۱٬۲۳۴٬۵۶۷"},
		{"MeanEn", en.mean(9.26), "9.3"},
		{"MeanWhole", en.mean(5.0), "5"},
		{"MeanFa", fa.mean(1234.56), "۱٬۲۳۴٫۶"},
		{"PctFa", fa.pct(0.333), "۳۳٪"},
		{"SignedPctEn", en.signedPct(-0.05), "-5%"},
		{"SignedPctFa", fa.signedPct(0.08), "+۸٪"},
		{"ChangeUp", en.change(14, 9.3), "+51%"},
		{"ChangeDownFa", fa.change(4, 8), "۵۰٪ کمتر"},
		{"ChangeNew", en.change(3, 0), "new"},
		{"ChangeNone", en.change(0, 0), ""},
		{"PointsFa", fa.points(-0.12), "۱۲ واحد بدتر"},
		{"DurSeconds", en.dur(45 * time.Second), "45s"},
		{"DurMinutes", en.dur(14*time.Minute + 20*time.Second), "14m"},
		{"DurHours", en.dur(70 * time.Minute), "1h 10m"},
		{"DurWholeHours", en.dur(2 * time.Hour), "2h"},
		{"DurDaysFa", fa.dur(26 * time.Hour), "۱ روز و ۲ ساعت"},
		{"DateEn", en.date(theDay), "Sunday 22 November 2026"},
		{"DateFa", fa.date(theDay), "یکشنبه ۱ آذر ۱۴۰۵ (۲۰۲۶-۱۱-۲۲)"},
		{"ClockFa", fa.clock(time.Date(2026, 1, 1, 17, 30, 0, 0, time.UTC)), "۱۷:۳۰"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Fatalf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
}
