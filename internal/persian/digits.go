// Package persian writes numbers and dates for people reading Persian:
// Persian digits (۰–۹) and separators, and dates in the Solar Hijri
// calendar, Iran's civil calendar. The digest, the notices and the bot
// write them through internal/locale, so a manager sees the same forms
// everywhere.
//
// The reverse direction, reading Persian and Arabic-Indic digits for
// matching, is locale.Fold.
package persian

import "strings"

// Digits writes the ASCII digits of s as Persian digits and leaves
// everything else alone: "2026-11-22 17:30" becomes "۲۰۲۶-۱۱-۲۲ ۱۷:۳۰".
func Digits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return '۰' + (r - '0')
		}
		return r
	}, s)
}

// Number writes a number formatted the ASCII way in Persian: digits, and
// the decimal separator (٫), thousands separator (٬) and percent sign (٪).
// "1,234.5" becomes "۱٬۲۳۴٫۵" and "33%" becomes "۳۳٪". Use it on numbers
// only: a full stop or comma in a sentence would change too.
func Number(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '0' && r <= '9':
			return '۰' + (r - '0')
		case r == '.':
			return '٫'
		case r == ',':
			return '٬'
		case r == '%':
			return '٪'
		}
		return r
	}, s)
}
