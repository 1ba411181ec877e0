package backoff

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestExp(t *testing.T) {
	t.Parallel()
	for attempts, want := range map[int]time.Duration{0: time.Second, 1: time.Second, 2: 2 * time.Second, 3: 4 * time.Second, 4: 5 * time.Second, 40: 5 * time.Second} {
		if got := Exp(time.Second, 5*time.Second, attempts); got != want {
			t.Errorf("Exp(attempts=%d)=%v, want %v", attempts, got, want)
		}
	}
}

func TestJitter(t *testing.T) {
	t.Parallel()
	d := 10 * time.Second
	for range 1000 {
		if got := Jitter(d, 0.2); got < 8*time.Second || got > 12*time.Second {
			t.Fatalf("Jitter(10s, 0.2)=%v, want within 8s..12s", got)
		}
	}
	for _, tt := range []struct {
		d    time.Duration
		frac float64
	}{{d, 0}, {d, -1}, {0, 0.2}, {-time.Second, 0.2}} {
		if got := Jitter(tt.d, tt.frac); got != tt.d {
			t.Errorf("Jitter(%v, %v)=%v, want it unchanged", tt.d, tt.frac, got)
		}
	}
}

func TestSleep(t *testing.T) {
	t.Parallel()
	if err := Sleep(context.Background(), time.Millisecond); err != nil {
		t.Fatalf("Sleep(1ms)=%v, want nil", err)
	}
	if err := Sleep(context.Background(), 0); err != nil {
		t.Fatalf("Sleep(0)=%v, want nil", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Fatalf("Sleep(cancelled, 1h)=%v, want context.Canceled", err)
	}
	if err := Sleep(ctx, 0); !errors.Is(err, context.Canceled) {
		t.Fatalf("Sleep(cancelled, 0)=%v, want context.Canceled", err)
	}
}
