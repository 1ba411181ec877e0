package persian

import (
	"testing"
	"time"
)

func TestToSolarHijri(t *testing.T) {
	t.Parallel()
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
			y, m, d, ok := ToSolarHijri(g.Year(), g.Month(), g.Day())
			if ok != tt.wantOK || (ok && (y != tt.y || m != tt.m || d != tt.d)) {
				t.Fatalf("ToSolarHijri(%s)=%d-%d-%d,%v, want %d-%d-%d,%v", tt.g, y, m, d, ok, tt.y, tt.m, tt.d, tt.wantOK)
			}
		})
	}
}

func TestSolarHijri_EveryDayOnce(t *testing.T) {
	t.Parallel()
	// Walking day by day, the Solar Hijri date steps by one day, months
	// have their lengths, and years start at Farvardin 1.
	prevY, prevM, prevD, _ := ToSolarHijri(2000, time.January, 1)
	for day := time.Date(2000, 1, 2, 0, 0, 0, 0, time.UTC); day.Year() < 2100; day = day.AddDate(0, 0, 1) {
		y, m, d, ok := ToSolarHijri(day.Year(), day.Month(), day.Day())
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

func TestDate(t *testing.T) {
	t.Parallel()
	tehran := time.FixedZone("Asia/Tehran", 3*3600+1800)
	tests := []struct {
		name     string
		t        time.Time
		date     string
		longDate string
	}{
		{"Azar1405", time.Date(2026, 11, 22, 9, 55, 0, 0, time.UTC), "۱ آذر ۱۴۰۵", "یکشنبه ۱ آذر ۱۴۰۵ (۲۰۲۶-۱۱-۲۲)"},
		{"Nowruz1404", time.Date(2025, 3, 21, 0, 0, 0, 0, time.UTC), "۱ فروردین ۱۴۰۴", "جمعه ۱ فروردین ۱۴۰۴ (۲۰۲۵-۰۳-۲۱)"},
		{"LastOfEsfand", time.Date(2025, 3, 20, 12, 0, 0, 0, time.UTC), "۳۰ اسفند ۱۴۰۳", "پنجشنبه ۳۰ اسفند ۱۴۰۳ (۲۰۲۵-۰۳-۲۰)"},
		{"DayOfTheLocation", time.Date(2026, 11, 21, 21, 0, 0, 0, time.UTC).In(tehran), "۱ آذر ۱۴۰۵", "یکشنبه ۱ آذر ۱۴۰۵ (۲۰۲۶-۱۱-۲۲)"},
		{"OutOfRange", time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC), "۱۹۰۰-۰۱-۰۱", "دوشنبه ۱۹۰۰-۰۱-۰۱"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Date(tt.t); got != tt.date {
				t.Errorf("Date(%v)=%q, want %q", tt.t, got, tt.date)
			}
			if got := LongDate(tt.t); got != tt.longDate {
				t.Errorf("LongDate(%v)=%q, want %q", tt.t, got, tt.longDate)
			}
		})
	}
}
