package config_test

import (
	"strings"
	"testing"
	"time"

	"github.com/shenava/shenava/config"
)

func TestDuration(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    time.Duration
		wantStr string
		wantErr bool
	}{
		{in: "90s", want: 90 * time.Second, wantStr: "1m30s"},
		{in: "2m", want: 2 * time.Minute, wantStr: "2m"},
		{in: "1h30m", want: 90 * time.Minute, wantStr: "1h30m"},
		{in: "36h", want: 36 * time.Hour, wantStr: "36h"},
		{in: "500ms", want: 500 * time.Millisecond, wantStr: "500ms"},
		{in: "1h0m30s", want: time.Hour + 30*time.Second, wantStr: "1h0m30s"},
		{in: "0", want: 0, wantStr: "0s"},
		{in: "5", wantErr: true},
		{in: "5 minutes", wantErr: true},
		{in: "1d", wantErr: true},
		{in: "[1m]", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			cfg, err := config.Parse([]byte(minimal+"sla:\n  recovery_window: "+tt.in+"\n"), nil)
			if tt.wantErr {
				if got := keys(err); len(got) != 1 || got[0] != "sla.recovery_window" {
					t.Fatalf("keys=%q, want sla.recovery_window", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			d := cfg.SLA.RecoveryWindow
			if d.D() != tt.want || d.String() != tt.wantStr {
				t.Errorf("D()=%v String()=%q, want %v and %q", d.D(), d.String(), tt.want, tt.wantStr)
			}
		})
	}
}

func TestTimeOfDay(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    string
		wantErr bool
	}{
		{in: `"09:00"`, want: "09:00"},
		{in: "09:00", want: "09:00"},
		{in: "23:59", want: "23:59"},
		{in: "00:00", want: "00:00"},
		{in: "9:00", wantErr: true},
		{in: "24:00", wantErr: true},
		{in: "12:60", wantErr: true},
		{in: "ab:cd", wantErr: true},
		{in: "0900", wantErr: true},
		{in: "09:00:00", wantErr: true},
		{in: "-1:00", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			cfg, err := config.Parse([]byte(minimal+"digest:\n  time: "+tt.in+"\n"), nil)
			if tt.wantErr {
				if got := keys(err); len(got) != 1 || got[0] != "digest.time" {
					t.Fatalf("keys=%q, want digest.time", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := cfg.Digest.Time.String(); got != tt.want {
				t.Errorf("time=%s, want %s", got, tt.want)
			}
		})
	}
}

func TestTimeOfDay_On(t *testing.T) {
	t.Parallel()
	tehran := config.MustTimeZone("Asia/Tehran").Location()
	// 22:00 UTC on 23 Nov is 01:30 on 24 Nov in Tehran.
	date := time.Date(2026, 11, 23, 22, 0, 0, 0, time.UTC)
	got := config.TimeOfDay{Hour: 9}.On(date, tehran)
	want := time.Date(2026, 11, 24, 9, 0, 0, 0, tehran)
	if !got.Equal(want) {
		t.Fatalf("On()=%v, want %v", got, want)
	}
	if got.UTC().Format("15:04") != "05:30" {
		t.Errorf("09:00 in Tehran is %s UTC, want 05:30", got.UTC().Format("15:04"))
	}
}

func TestTimeZone(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"Asia/Tehran", "UTC", "Europe/Helsinki", "America/New_York"} {
		cfg := MustParse(t, minimal+"digest:\n  timezone: "+name+"\n", nil)
		if got := cfg.Digest.TimeZone.String(); got != name {
			t.Errorf("timezone=%s, want %s", got, name)
		}
		if got := cfg.Digest.CronSpec(); !strings.HasPrefix(got, "CRON_TZ="+name+" ") {
			t.Errorf("CronSpec()=%q, want the zone", got)
		}
	}
	if (config.TimeZone{}).Location() != time.UTC {
		t.Error("zero TimeZone is not UTC")
	}
	for _, bad := range []string{"Local", "Tehran", `""`, "Asia/Nowhere"} {
		_, err := config.Parse([]byte(minimal+"digest:\n  timezone: "+bad+"\n"), nil)
		if got := keys(err); len(got) != 1 || got[0] != "digest.timezone" {
			t.Errorf("timezone %s: keys=%q, want digest.timezone", bad, got)
		}
	}
}

func TestDigest_CronSpec(t *testing.T) {
	t.Parallel()
	cfg := MustParse(t, minimal+"digest:\n  time: \"18:45\"\n  timezone: Asia/Tehran\n", nil)
	if got, want := cfg.Digest.CronSpec(), "CRON_TZ=Asia/Tehran 45 18 * * *"; got != want {
		t.Errorf("CronSpec()=%q, want %q", got, want)
	}
}
