package conf

import (
	"testing"
	"time"
)

func TestOr(t *testing.T) {
	t.Parallel()
	s, n, d := "", 0, time.Duration(0)
	Or(&s, "fa")
	Or(&n, 3)
	Or(&d, time.Minute)
	if s != "fa" || n != 3 || d != time.Minute {
		t.Fatalf("zero values took %q, %d, %s; want the defaults", s, n, d)
	}
	s, n = "en", -1
	Or(&s, "fa")
	Or(&n, 3)
	if s != "en" || n != -1 {
		t.Fatalf("set values became %q, %d; want them kept (a negative is for the checks to refuse)", s, n)
	}
}

func TestOrPositive(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ in, want time.Duration }{{0, time.Minute}, {-time.Second, time.Minute}, {time.Second, time.Second}} {
		v := tt.in
		OrPositive(&v, time.Minute)
		if v != tt.want {
			t.Errorf("OrPositive(%s) = %s, want %s", tt.in, v, tt.want)
		}
	}
}
