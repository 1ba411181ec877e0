package config_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shenava/shenava/config"
	"github.com/shenava/shenava/core"
)

func TestParse_UnknownKeys(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		src  string
		want string // the full message
	}{
		{
			name: "TopLevel",
			src:  minimal + "brnd: {}\n",
			want: "line 9: brnd: unknown key; did you mean brand?",
		},
		{
			name: "Section",
			src:  minimal + "sources2: {}\n",
			want: "line 9: sources2: unknown key; did you mean sources?",
		},
		{
			name: "ThreeDeep",
			src:  minimal + "  x:\n    bearer_tokn: abc\n",
			want: "line 10: sources.x.bearer_tokn: unknown key; did you mean bearer_token?",
		},
		{
			name: "InList",
			src:  minimal + "      pathh: other.jsonl\n",
			want: "line 9: sources.file[0].pathh: unknown key; did you mean path?",
		},
		{
			name: "InSecondListEntry",
			src: minimal + `telegram:
  managers:
    - id: 1
      name: Sara
    - idd: 2
`,
			want: "line 13: telegram.managers[1].idd: unknown key; did you mean id?",
		},
		{
			name: "FiveDeep",
			src:  minimal + "routing:\n  thank_you:\n    public:\n      de: Danke\n",
			want: "line 12: routing.thank_you.public.de: unknown key",
		},
		{
			name: "RateLimit",
			src:  minimal + "outbox:\n  rate_limits:\n    x:\n      per_day: 5\n",
			want: "line 12: outbox.rate_limits.x.per_day: unknown key",
		},
		{
			name: "NoSuggestionWhenFar",
			src:  minimal + "colour: blue\n",
			want: "line 9: colour: unknown key",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := config.Parse([]byte(tt.src), nil)
			ps := config.Problems(err)
			if len(ps) != 1 || ps[0].Error() != tt.want {
				t.Fatalf("problems=%q, want exactly [%q]", err, tt.want)
			}
		})
	}
}

func TestLoad_MessageNamesFileLineAndKey(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "config.yaml")
	src := minimal + "  x:\n    enabled: false\n    bearer_tokn: ${X_BEARER_TOKEN}\n"
	if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := config.Load(path, nil)
	want := path + ":11: sources.x.bearer_tokn: unknown key; did you mean bearer_token?"
	if err == nil || err.Error() != want {
		t.Fatalf("err=%q, want %q", err, want)
	}
	if !errors.Is(err, core.ErrInvalid) {
		t.Error("err does not wrap core.ErrInvalid")
	}
}

func TestParse_Shapes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		src     string
		wantKey string
		wantMsg string
	}{
		{"IntFromWord", minimal + "  x:\n    max_results: many\n", "sources.x.max_results", `must be a whole number, got "many"`},
		{"IntFromFloat", minimal + "  x:\n    max_pages: 2.5\n", "sources.x.max_pages", "must be a whole number"},
		{"NoOctal", minimal + "telegram:\n  alert_chat_id: 0x10\n", "telegram.alert_chat_id", "must be a whole number"},
		{"BoolYes", minimal + "  x:\n    enabled: yes\n", "sources.x.enabled", "must be true or false"},
		{"FloatFromWord", minimal + "routing:\n  alert:\n    threshold: high\n", "routing.alert.threshold", "must be a number"},
		{"FloatNaN", minimal + "routing:\n  alert:\n    threshold: .nan\n", "routing.alert.threshold", "must be a number"},
		{"DurationBareNumber", minimal + "listen:\n  poll_interval: 5\n", "listen.poll_interval", "must be a duration"},
		{"DurationWord", minimal + "listen:\n  poll_interval: often\n", "listen.poll_interval", "must be a duration"},
		{"DurationInList", minimal + "sla:\n  remind_after: [30m, soon]\n", "sla.remind_after[1]", "must be a duration"},
		{"TimeOfDay", minimal + "digest:\n  time: \"25:00\"\n", "digest.time", "HH:MM"},
		{"TimeZone", minimal + "digest:\n  timezone: Mars/Olympus\n", "digest.timezone", "unknown time zone"},
		{"TimeZoneLocal", minimal + "digest:\n  timezone: Local\n", "digest.timezone", "IANA"},
		{"ListFromValue", strings.Replace(minimal, "keywords: [acme]", "keywords: acme", 1), "brand.keywords", "must be a list"},
		{"MappingFromValue", minimal + "telegram: on\n", "telegram", "must be a mapping"},
		{"MappingFromList", minimal + "log: [info]\n", "log", "must be a mapping"},
		{"ValueFromMapping", minimal + "log:\n  level: {name: info}\n", "log.level", "must be a single value, not a mapping"},
		{"ListEntryFromValue", minimal + "telegram:\n  managers: [sara]\n", "telegram.managers[0]", "must be a mapping"},
		{"SecretFromList", minimal + "telegram:\n  token: [a, b]\n", "telegram.token", "must be a single value"},
		{"DuplicateKey", minimal + "log:\n  level: info\n  level: debug\n", "log.level", "duplicate key (first at line 10)"},
		{"MergeKey", minimal + "base: &b {level: info}\nlog:\n  <<: *b\n", "log", "merge keys"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := config.Parse([]byte(tt.src), nil)
			ps := config.Problems(err)
			var found bool
			for _, p := range ps {
				if p.Key == tt.wantKey && strings.Contains(p.Msg, tt.wantMsg) && p.Line > 0 {
					found = true
				}
			}
			if !found {
				t.Fatalf("problems=%q, want one at %s saying %q with a line", err, tt.wantKey, tt.wantMsg)
			}
		})
	}
}

func TestParse_TopLevel(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		src  string
		want string // a substring of the error
	}{
		{"Empty", "", "brand.name: required"},
		{"OnlyComments", "# nothing here\n", "sources: no source is enabled"},
		{"NullDocument", "---\n", "brand.name: required"},
		{"Scalar", "hello\n", "line 1: the file must be a mapping of sections"},
		{"List", "- a\n- b\n", "the file must be a mapping"},
		{"SyntaxError", minimal + "  x: [unclosed\n", "YAML syntax: did not find expected ',' or ']'"},
		{"BadIndent", "brand:\n  name: a\n bad: b\n", "line 3: YAML syntax: did not find expected key"},
		{"Tab", "brand:\n\tname: a\n", "YAML syntax:"},
		{"TwoDocuments", minimal + "---\nlog: {}\n", "line 9: a second YAML document"},
		{"TooLarge", strings.Repeat("#", config.MaxConfigBytes+1), "larger than 1024 KiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := config.Parse([]byte(tt.src), nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err=%v, want it to contain %q", err, tt.want)
			}
		})
	}
}

// TestParse_SyntaxLines: a syntax error names the line it is on, whether
// yaml.v3's scanner or its parser found it (the parser's lines are 0-based).
func TestParse_SyntaxLines(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"parser: key out of place", "brand:\n  name: a\n bad: b\n", "line 3: YAML syntax: did not find expected key"},
		{"parser: deeper", "a: 1\nb: 2\nc:\n  d: 1\n  e: 2\n f: 3\n", "line 6: YAML syntax: did not find expected key"},
		{"parser: list item after a key", "a: 1\n- x\n", "line 2: YAML syntax: did not find expected key"},
		{"parser: key after a list", "- x\na: 1\n", "line 2: YAML syntax: did not find expected '-' indicator"},
		{"parser: unclosed list names its line", "a: 1\nb: [unclosed\n", "line 2: YAML syntax: did not find expected ',' or ']'"},
		{"scanner: tab", "a: 1\nb:\n\tc: 1\n", "line 3: YAML syntax: found character that cannot start any token"},
		{"scanner: two colons", "a: 1\nb: c: d\n", "line 2: YAML syntax: mapping values are not allowed in this context"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := config.Parse([]byte(tt.src), nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err=%v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestParse_NullKeepsSectionDefaults(t *testing.T) {
	t.Parallel()
	cfg := MustParse(t, minimal+"listen:\noutbox: ~\nmetrics:\n  listen:\n", nil)
	if cfg.Listen.PollInterval != config.DefaultPollInterval || cfg.Outbox.Workers != config.DefaultOutboxWorkers {
		t.Errorf("an empty section lost its defaults: listen=%+v outbox=%+v", cfg.Listen, cfg.Outbox)
	}
	if cfg.Metrics.Enabled() {
		t.Errorf("metrics.listen with no value should turn metrics off, got %q", cfg.Metrics.Listen)
	}
}

func TestParse_Aliases(t *testing.T) {
	t.Parallel()
	cfg := MustParse(t, `
brand:
  name: Acme
  keywords: &kw [acme, اکمه]
  exclusions: *kw
sources:
  file:
    - &src {name: a, path: a.jsonl}
routing:
  templates:
    - {name: sorry, fa: &sorry "ببخشید {author}", en: Sorry}
    - {name: sorry2, fa: *sorry}
`, nil)
	if got := cfg.Brand.Exclusions; len(got) != 2 || got[1] != "اکمه" {
		t.Errorf("brand.exclusions=%q, want the aliased keywords", got)
	}
	if got := cfg.Routing.Templates[1].FA; got != "ببخشید {author}" {
		t.Errorf("routing.templates[1].fa=%q, want the aliased text", got)
	}
}

func TestParse_ErrorsDoNotRepeat(t *testing.T) {
	t.Parallel()
	// A value that fails to decode is not reported again by validation.
	_, err := config.Parse([]byte(minimal+"telegram:\n  enabled: true\n  token: 1:t\n  managers: [{id: abc, name: Sara}]\n  alert_chat_id: -1\n"), nil)
	if got := keys(err); len(got) != 1 || got[0] != "telegram.managers[0].id" {
		t.Fatalf("keys=%q, want only telegram.managers[0].id", got)
	}
}
