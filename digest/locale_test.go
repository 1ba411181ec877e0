package digest

import (
	"testing"
	"time"
)

func TestToSolarHijri(t *testing.T) {
	tests := []struct {
		name    string
		g       string
		y, m, d int
		wantOK  bool
	}{
		{"Nowruz1403", "2024-03-20", 1403, 1, 1, true},
		{"LeapDay1403", "2025-03-20", 1403, 12, 30, true},
		{"Nowruz1404", "2025-03-21", 1404, 1, 1, true},
		{"Nowruz1405", "2026-03-21", 1405, 1, 1, true},
		{"LastDay1401", "2023-03-20", 1401, 12, 29, true},
		{"LeapDay1399", "2021-03-20", 1399, 12, 30, true},
		{"Azar1405", "2026-11-22", 1405, 9, 1, true},
		{"EndOfShahrivar", "2026-09-22", 1405, 6, 31, true},
		{"FirstOfMehr", "2026-09-23", 1405, 7, 1, true},
		{"Bahman1357", "1979-02-11", 1357, 11, 22, true},
		{"Yalda1402", "2023-12-21", 1402, 9, 30, true},
		{"TooEarly", "1900-01-01", 0, 0, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := time.Parse("2006-01-02", tt.g)
			if err != nil {
				t.Fatal(err)
			}
			y, m, d, ok := toSolarHijri(g.Year(), g.Month(), g.Day())
			if ok != tt.wantOK || (ok && (y != tt.y || m != tt.m || d != tt.d)) {
				t.Fatalf("toSolarHijri(%s)=%d-%d-%d,%v, want %d-%d-%d,%v", tt.g, y, m, d, ok, tt.y, tt.m, tt.d, tt.wantOK)
			}
		})
	}
}

func TestSolarHijri_EveryDayOnce(t *testing.T) {
	// Walking day by day, the Solar Hijri date steps by one day, months
	// have their lengths, and years start at Farvardin 1.
	prevY, prevM, prevD, _ := toSolarHijri(2000, time.January, 1)
	for day := time.Date(2000, 1, 2, 0, 0, 0, 0, time.UTC); day.Year() < 2100; day = day.AddDate(0, 0, 1) {
		y, m, d, ok := toSolarHijri(day.Year(), day.Month(), day.Day())
		if !ok {
			t.Fatalf("%s not converted", day.Format("2006-01-02"))
		}
		switch {
		case y == prevY && m == prevM && d == prevD+1:
		case y == prevY && m == prevM+1 && d == 1 && prevD == monthDays(prevY, prevM):
		case y == prevY+1 && m == 1 && d == 1 && prevM == 12 && prevD == monthDays(prevY, 12):
		default:
			t.Fatalf("%s: %d-%d-%d follows %d-%d-%d", day.Format("2006-01-02"), y, m, d, prevY, prevM, prevD)
		}
		prevY, prevM, prevD = y, m, d
	}
}

func monthDays(y, m int) int {
	switch {
	case m <= 6:
		return 31
	case m <= 11:
		return 30
	case solarHijriLeap(y):
		return 30
	}
	return 29
}

func TestLocale(t *testing.T) {
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
