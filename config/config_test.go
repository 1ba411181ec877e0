package config_test

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shenava/shenava/config"
	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/sharedtest"
)

// envMap returns a getenv backed by a map.
func envMap(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// MustParse parses a config that must be valid.
func MustParse(tb testing.TB, src string, getenv func(string) string) *config.Config {
	tb.Helper()
	cfg, err := config.Parse([]byte(src), getenv)
	if err != nil {
		tb.Fatalf("Parse: %v\n--- config ---\n%s", err, src)
	}
	return cfg
}

// keys lists the key paths of the problems in err.
func keys(err error) []string {
	var out []string
	for _, p := range config.Problems(err) {
		out = append(out, p.Key)
	}
	return out
}

// moduleRoot is the directory holding go.mod.
var moduleRoot = sharedtest.Root

// minimal is the smallest valid config.
const minimal = `
brand:
  name: Acme
  keywords: [acme]
sources:
  file:
    - name: replay
      path: mentions.jsonl
`

func TestParse_Defaults(t *testing.T) {
	t.Parallel()
	cfg := MustParse(t, minimal, nil)
	d := config.Default()
	checks := []struct {
		name      string
		got, want any
	}{
		{"storage.path", cfg.Storage.Path, config.DefaultStoragePath},
		{"storage.lock_timeout", cfg.Storage.LockTimeout, config.DefaultLockTimeout},
		{"log.level", cfg.Log.Level, "info"},
		{"log.format", cfg.Log.Format, "text"},
		{"listen.poll_interval", cfg.Listen.PollInterval, 5 * time.Minute},
		{"listen.analysis_workers", cfg.Listen.AnalysisWorkers, runtime.GOMAXPROCS(0)},
		{"sources.file[0].interval", cfg.Sources.File[0].Interval, config.DefaultPollInterval},
		{"sources.x.base_url", cfg.Sources.X.BaseURL, "https://api.x.com"},
		{"sources.x.max_results", cfg.Sources.X.MaxResults, 100},
		{"sources.x.mentions.interval", cfg.Sources.X.Mentions.Interval, 15 * time.Minute},
		{"telegram.api_url", cfg.Telegram.APIURL, "https://api.telegram.org"},
		{"telegram.poll_timeout", cfg.Telegram.PollTimeout, 30 * time.Second},
		{"routing.alert.threshold", cfg.Routing.Alert.Threshold, config.DefaultAlertThreshold},
		{"routing.alert.platforms", cfg.Routing.Alert.Platforms, core.Platforms},
		{"routing.thank_you.mode", cfg.Routing.ThankYou.Mode, config.ThankYouApprove},
		{"routing.thank_you.public", cfg.Routing.ThankYou.Public, d.Routing.ThankYou.Public},
		{"digest.time", cfg.Digest.Time.String(), "09:00"},
		{"digest.timezone", cfg.Digest.TimeZone.String(), "Asia/Tehran"},
		{"digest.cron", cfg.Digest.CronSpec(), "CRON_TZ=Asia/Tehran 0 9 * * *"},
		{"spike.baseline_days", cfg.Spike.BaselineDays, 7},
		{"sla.remind_after", cfg.SLA.RemindAfter, []config.Duration{config.Duration(30 * time.Minute), config.Duration(2 * time.Hour)}},
		{"outbox.rate_limits.x", cfg.Outbox.RateLimits.For(core.PlatformX), config.RateLimit{PerMinute: 5, PerHour: 60}},
		{"metrics.listen", cfg.Metrics.Listen, "127.0.0.1:9464"},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s=%v, want %v", c.name, c.got, c.want)
		}
	}
	if len(cfg.Warnings()) != 0 {
		t.Errorf("Warnings()=%q, want none", cfg.Warnings())
	}
}

func TestParse_Derived(t *testing.T) {
	t.Parallel()
	cfg := MustParse(t, `
brand:
  name: " Acme "
  hashtags: ["#Acme", "acme_ir"]
  handles: {x: ["@AcmeIR"], mastodon: ["@Acme@Example.Social"]}
sources:
  file: [{name: replay, path: /abs/m.jsonl}]
  rss:
    feeds: [{name: news, url: "https://example.com/feed"}]
  mastodon:
    server: "https://example.social/"
telegram:
  alert_chat_id: -100
  default_lang: en
  managers: [{id: 1, name: Sara}, {id: 2, name: Reza, lang: fa}]
listen:
  poll_interval: 2m
  analysis_workers: 3
`, nil)
	checks := []struct {
		name      string
		got, want any
	}{
		{"brand.name", cfg.Brand.Name, "Acme"},
		{"brand.hashtags", cfg.Brand.Hashtags, []string{"Acme", "acme_ir"}},
		{"brand.handles.x", cfg.Brand.Handles.For(core.PlatformX), []string{"acmeir"}},
		{"brand.handles.mastodon", cfg.Brand.Handles.Mastodon, []string{"acme@example.social"}},
		{"sources.file[0].path", cfg.Sources.File[0].Path, "/abs/m.jsonl"},
		{"sources.file[0].interval", cfg.Sources.File[0].Interval, 2 * time.Minute},
		{"sources.rss.feeds[0].interval", cfg.Sources.RSS.Feeds[0].Interval, 2 * time.Minute},
		{"sources.mastodon.server", cfg.Sources.Mastodon.Server, "https://example.social"},
		{"sources.mastodon.hashtags.list", cfg.Sources.Mastodon.Hashtags.List, []string{"Acme", "acme_ir"}},
		{"telegram.managers[0].lang", cfg.Telegram.Managers[0].Lang, "en"},
		{"telegram.managers[1].lang", cfg.Telegram.Managers[1].Lang, "fa"},
		{"digest.chat_id", cfg.Digest.ChatID, int64(-100)},
		{"listen.analysis_workers", cfg.Listen.AnalysisWorkers, 3},
		{"IsManager(2)", cfg.Telegram.IsManager(2), true},
		{"IsManager(3)", cfg.Telegram.IsManager(3), false},
		{"Alerts(rss)", cfg.Routing.Alert.Alerts(core.PlatformRSS), true},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s=%v, want %v", c.name, c.got, c.want)
		}
	}
}

func TestLoad_ResolvesPathsAgainstConfigDir(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "config.yaml")
	src := minimal + "storage:\n  path: data/shenava.db\n"
	if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := cfg.Sources.File[0].Path, filepath.Join(dir, "mentions.jsonl"); got != want {
		t.Errorf("sources.file[0].path=%q, want %q", got, want)
	}
	if got, want := cfg.Storage.Path, filepath.Join(dir, "data", "shenava.db"); got != want {
		t.Errorf("storage.path=%q, want %q", got, want)
	}
}

func TestLoad_MissingFile(t *testing.T) {
	t.Parallel()
	_, err := config.Load(filepath.Join(t.TempDir(), "nope.yaml"), nil)
	if !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("err=%v, want os.ErrNotExist", err)
	}
	if !strings.HasPrefix(err.Error(), "config: ") {
		t.Errorf("err=%q, want the component prefix", err)
	}
}

func TestConfig_Validate(t *testing.T) {
	t.Parallel()
	cfg := config.Default()
	err := cfg.Validate()
	if got := keys(err); !slices.Contains(got, "brand.name") || !slices.Contains(got, "sources") {
		t.Fatalf("Default().Validate() keys=%v, want brand.name and sources among them", got)
	}
	if !errors.Is(err, core.ErrInvalid) {
		t.Errorf("Validate() error does not wrap core.ErrInvalid")
	}
	cfg.Brand.Name = "Acme"
	cfg.Brand.Keywords = []string{"acme"}
	cfg.Sources.File = []config.FileSource{{Name: "f", Path: "m.jsonl", Interval: time.Second}}
	cfg.Listen.AnalysisWorkers = 1
	if err := cfg.Validate(); err != nil {
		t.Fatalf("Validate()=%v, want nil", err)
	}
}

func TestTexts_For(t *testing.T) {
	t.Parallel()
	full := config.Texts{FA: "fa", EN: "en", FI: "fi"}
	noFI := config.Texts{FA: "fa", EN: "en"}
	onlyFA := config.Texts{FA: "fa"}
	tests := []struct {
		name  string
		texts config.Texts
		lang  string
		want  string
	}{
		{"Persian", full, "fa", "fa"},
		{"English", full, "en", "en"},
		{"Finglish", full, "fi", "fi"},
		{"FinglishFallsBackToPersian", noFI, "fi", "fa"},
		{"OtherFallsBackToEnglish", full, "ar", "en"},
		{"OnlyPersian", onlyFA, "en", "fa"},
		{"Empty", config.Texts{}, "fa", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.texts.For(tt.lang); got != tt.want {
				t.Errorf("For(%q)=%q, want %q", tt.lang, got, tt.want)
			}
		})
	}
}

func TestVariants(t *testing.T) {
	t.Parallel()
	cfg := MustParse(t, minimal+`
routing:
  thank_you:
    public:
      fa: "یک متن"
      en: ["one", "two"]
      fi: []
`, nil)
	v := cfg.Routing.ThankYou.Public
	if got := v.For("en"); !reflect.DeepEqual(got, []string{"one", "two"}) {
		t.Errorf("For(en)=%q, want [one two]", got)
	}
	if got := v.For("fi"); !reflect.DeepEqual(got, []string{"یک متن"}) {
		t.Errorf("For(fi)=%q, want the Persian text (a single string is a list of one)", got)
	}
	want := map[string][]string{"fa": {"یک متن"}, "en": {"one", "two"}}
	if got := v.ByLang(); !reflect.DeepEqual(got, want) {
		t.Errorf("ByLang()=%q, want %q", got, want)
	}
}
