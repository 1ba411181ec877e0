package digest

import (
	"strings"
	"testing"
	"time"
)

func TestConfig_Validate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  Config
		want []string // keys named in the error; none for a valid config
	}{
		{"Defaults", Config{}, nil},
		{"OK", Config{Time: "7:05", Timezone: "Europe/Berlin", Lang: "en", TopCases: 10}, nil},
		{"ErrTime", Config{Time: "9am"}, []string{"digest.time"}},
		{"ErrTimeRange", Config{Time: "24:00"}, []string{"digest.time"}},
		{"ErrZone", Config{Timezone: "Tehran"}, []string{"digest.timezone"}},
		{"ErrLang", Config{Lang: "de"}, []string{"digest.lang"}},
		{"ErrMany", Config{TopCases: -1, TopAuthors: 99, SLATarget: -time.Minute, CatchUp: 30 * time.Hour},
			[]string{"digest.top ", "digest TopAuthors", "sla.first_response", "digest CatchUp"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("Validate()=%v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate()=nil, want an error naming %v", tt.want)
			}
			for _, k := range tt.want {
				if !strings.Contains(err.Error(), k) {
					t.Errorf("Validate()=%q does not name %s", err, k)
				}
			}
		})
	}
}

func TestConfig_CronSpec(t *testing.T) {
	t.Parallel()
	spec, err := Config{Time: "9:00", Timezone: "Asia/Tehran"}.cronSpec()
	if err != nil || spec != "CRON_TZ=Asia/Tehran 0 9 * * *" {
		t.Fatalf("cronSpec=%q,%v, want CRON_TZ=Asia/Tehran 0 9 * * *", spec, err)
	}
}

func TestSection(t *testing.T) {
	t.Parallel()
	s := DefaultSection()
	if err := s.Problems().Err(); err != nil {
		t.Fatalf("defaults: %v", err)
	}
	if got, want := s.CronSpec(), "CRON_TZ=Asia/Tehran 0 9 * * *"; got != want {
		t.Errorf("CronSpec=%q, want %q", got, want)
	}
	c := s.Config(2*time.Hour, 48*time.Hour)
	if c.Time != DefaultTime || c.Timezone != DefaultTimezone || c.Lang != DefaultLang || c.TopCases != DefaultTopCases ||
		c.SLATarget != 2*time.Hour || c.RecoveryWindow != 48*time.Hour || c.NoChart {
		t.Errorf("Config=%+v", c)
	}
	if err := c.Validate(); err != nil {
		t.Errorf("Config.Validate: %v", err)
	}
	for _, tt := range []struct {
		name string
		edit func(*Section)
		keys []string
	}{
		{"Lang", func(s *Section) { s.Lang = "de" }, []string{"lang"}},
		{"Top", func(s *Section) { s.Top = MaxTop + 1 }, []string{"top"}},
		// Off, the digest still names the watcher's language, nothing else.
		{"Disabled", func(s *Section) { s.Enabled, s.Lang, s.Top = false, "de", 0 }, []string{"lang"}},
	} {
		s := DefaultSection()
		tt.edit(&s)
		var keys []string
		for _, p := range s.Problems().All() {
			keys = append(keys, p.Key)
		}
		if strings.Join(keys, ",") != strings.Join(tt.keys, ",") {
			t.Errorf("%s: problems at %q, want %q", tt.name, keys, tt.keys)
		}
	}
}
