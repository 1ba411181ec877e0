package persian

import (
	"fmt"
	"strconv"
	"time"
)

// The Solar Hijri (Jalali) calendar. A year starts at Nowruz; its first six
// months have 31 days, the next five 30, Esfand 29 or 30 in a leap year.
// Leap years follow the 33-year cycle of the official calendar, which runs
// unbroken from 1210 to 1634 AP: with r = (year − 1209) mod 33, the year is
// leap when r is 1, 5, 9, …, 29 (… 1399, 1403, 1408, 1412 …). Days outside
// the years solarHijriMin..solarHijriMax are not converted.
const (
	solarHijriMin = 1354 // 1975
	solarHijriMax = 1498 // 2120
	// Nowruz 1403 fell on 20 March 2024.
	anchorYear = 1403
)

var anchorNowruz = time.Date(2024, time.March, 20, 0, 0, 0, 0, time.UTC)

var (
	weekdays = [7]string{"یکشنبه", "دوشنبه", "سه‌شنبه", "چهارشنبه", "پنجشنبه", "جمعه", "شنبه"}
	months   = [12]string{"فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور",
		"مهر", "آبان", "آذر", "دی", "بهمن", "اسفند"}
)

// ToSolarHijri converts a Gregorian date. ok is false outside the years
// 1354–1498 (1975–2120).
func ToSolarHijri(gy int, gm time.Month, gd int) (y, m, d int, ok bool) {
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

// Date writes t's calendar day (in t's location) in the Solar Hijri
// calendar: "۱ آذر ۱۴۰۵". A day it cannot convert is written as the
// Gregorian "۲۰۲۶-۱۱-۲۲".
func Date(t time.Time) string {
	y, m, d, ok := ToSolarHijri(t.Year(), t.Month(), t.Day())
	if !ok {
		return Digits(t.Format("2006-01-02"))
	}
	return fmt.Sprintf("%s %s %s", Digits(strconv.Itoa(d)), months[m-1], Digits(strconv.Itoa(y)))
}

// LongDate writes t's calendar day with its weekday, and the Gregorian
// date after it for readers who work in both: "یکشنبه ۱ آذر ۱۴۰۵
// (۲۰۲۶-۱۱-۲۲)".
func LongDate(t time.Time) string {
	iso := Digits(t.Format("2006-01-02"))
	if _, _, _, ok := ToSolarHijri(t.Year(), t.Month(), t.Day()); !ok {
		return weekdays[t.Weekday()] + " " + iso
	}
	return fmt.Sprintf("%s %s (%s)", weekdays[t.Weekday()], Date(t), iso)
}

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
