package persian

import "testing"

func TestDigits(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, in, want string }{
		{"Empty", "", ""},
		{"AllDigits", "0123456789", "۰۱۲۳۴۵۶۷۸۹"},
		{"DateTime", "2026-11-22 17:30", "۲۰۲۶-۱۱-۲۲ ۱۷:۳۰"},
		{"SeparatorsKept", "1,234.5%", "۱,۲۳۴.۵%"},
		{"TextKept", "case #12: ok", "case #۱۲: ok"},
		{"PersianDigitsKept", "۱۲", "۱۲"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Digits(tt.in); got != tt.want {
				t.Fatalf("Digits(%q)=%q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestNumber(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, in, want string }{
		{"Empty", "", ""},
		{"Int", "1234567", "۱۲۳۴۵۶۷"},
		{"Grouped", "1,234,567", "۱٬۲۳۴٬۵۶۷"},
		{"Decimal", "1,234.6", "۱٬۲۳۴٫۶"},
		{"Percent", "33%", "۳۳٪"},
		{"Signed", "+8%", "+۸٪"},
		{"Clock", "17:30", "۱۷:۳۰"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Number(tt.in); got != tt.want {
				t.Fatalf("Number(%q)=%q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
