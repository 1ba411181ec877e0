package digest

import (
	"strings"
	"testing"
	"time"
)

func TestConfig_Validate(t *testing.T) {
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
			[]string{"digest.top_cases", "digest.top_authors", "digest.sla_target", "digest.catch_up"}},
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
	spec, err := Config{Time: "9:00", Timezone: "Asia/Tehran"}.cronSpec()
	if err != nil || spec != "CRON_TZ=Asia/Tehran 0 9 * * *" {
		t.Fatalf("cronSpec=%q,%v, want CRON_TZ=Asia/Tehran 0 9 * * *", spec, err)
	}
}
