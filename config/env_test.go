package config_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shenava/shenava/config"
)

// tgConfig enables Telegram with the token written as given.
func tgConfig(token string) string {
	return minimal + `telegram:
  enabled: true
  token: ` + token + `
  alert_chat_id: -100
  managers: [{id: 1, name: Sara}]
`
}

func writeSecret(tb testing.TB, content string) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "secret")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		tb.Fatal(err)
	}
	return path
}

func TestParse_SecretFromEnvironment(t *testing.T) {
	t.Parallel()
	withNewline := writeSecret(t, "123:from-file\n")
	withCRLF := writeSecret(t, "123:from-file-crlf\r\n")
	empty := writeSecret(t, "\n")
	missing := filepath.Join(t.TempDir(), "missing")
	tests := []struct {
		name    string
		token   string
		env     map[string]string
		want    string // the revealed token
		wantErr string // or a problem at telegram.token containing this
	}{
		{"Env", "${TG}", map[string]string{"TG": "123:env"}, "123:env", ""},
		{"EnvQuoted", `"${TG}"`, map[string]string{"TG": "123:env"}, "123:env", ""},
		{"File", "${TG}", map[string]string{"TG_FILE": withNewline}, "123:from-file", ""},
		{"FileCRLF", "${TG}", map[string]string{"TG_FILE": withCRLF}, "123:from-file-crlf", ""},
		{"EnvWinsOverFile", "${TG}", map[string]string{"TG": "123:env", "TG_FILE": withNewline}, "123:env", ""},
		{"Default", "${TG:-123:fallback}", nil, "123:fallback", ""},
		{"FileWinsOverDefault", "${TG:-123:fallback}", map[string]string{"TG_FILE": withNewline}, "123:from-file", ""},
		{"Embedded", "123:${TG_PART}", map[string]string{"TG_PART": "abc"}, "123:abc", ""},
		{"Inline", "123:inline", nil, "123:inline", ""},
		{"Unset", "${TG}", nil, "", "environment variable TG is not set (nor TG_FILE)"},
		{"EmptyCountsAsUnset", "${TG}", map[string]string{"TG": ""}, "", "TG is not set"},
		{"FileMissing", "${TG}", map[string]string{"TG_FILE": missing}, "", "reading TG_FILE: open " + missing},
		{"FileEmpty", "${TG}", map[string]string{"TG_FILE": empty}, "", "TG_FILE names an empty file"},
		{"EmbeddedUnset", "123:${TG_PART}", nil, "", "TG_PART is not set"},
		{"Unterminated", "${TG", nil, "", `without a closing "}"`},
		{"BadName", "${1TG}", nil, "", "not a variable name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := config.Parse([]byte(tgConfig(tt.token)), envMap(tt.env))
			if tt.wantErr != "" {
				ps := config.Problems(err)
				if len(ps) != 1 || ps[0].Key != "telegram.token" || !strings.Contains(ps[0].Msg, tt.wantErr) {
					t.Fatalf("err=%v, want one problem at telegram.token containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := cfg.Telegram.Token.Reveal(); got != tt.want {
				t.Errorf("token=%q, want %q", got, tt.want)
			}
		})
	}
}

func TestParse_MissingVariableOnlyMattersWhenEnabled(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		src     string
		wantKey string // "" = valid
	}{
		{"DisabledSection", minimal + "telegram:\n  enabled: false\n  token: ${TG}\n", ""},
		{"DisabledX", minimal + "  x:\n    bearer_token: ${XB}\n    oauth1: {consumer_key: '${CK}'}\n", ""},
		{"DisabledStream", minimal + "  x:\n    enabled: true\n    bearer_token: b\n    user_id: '1'\n" +
			"    search: {enabled: false, query: '${Q}'}\n    oauth2_user_token: u\n", ""},
		{"EnabledStream", minimal + "  x:\n    enabled: true\n    bearer_token: b\n    user_id: '1'\n" +
			"    search: {enabled: true, query: '${Q}'}\n    oauth2_user_token: u\n", "sources.x.search.query"},
		{"OptionalSecret", minimal + "  x:\n    enabled: true\n    bearer_token: b\n    user_id: '1'\n" +
			"    oauth2_user_token: ${XU:-}\n", ""},
		{"AlwaysOnSection", strings.Replace(minimal, "name: Acme", "name: ${BRAND}", 1), "brand.name"},
		{"InList", strings.Replace(minimal, "path: mentions.jsonl", "path: ${DATA}/m.jsonl", 1), "sources.file[0].path"},
		{"EnabledFlagItself", minimal + "  x:\n    enabled: ${X_ON}\n", "sources.x.enabled"},
		{"DisabledListEntry", minimal + "telegram:\n  managers: [{id: 1, name: '${WHO}'}]\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := config.Parse([]byte(tt.src), nil)
			if tt.wantKey == "" {
				if err != nil {
					t.Fatalf("err=%v, want nil", err)
				}
				return
			}
			ps := config.Problems(err)
			if len(ps) != 1 || ps[0].Key != tt.wantKey || !strings.Contains(ps[0].Msg, "is not set") {
				t.Fatalf("err=%v, want exactly one 'is not set' problem at %s", err, tt.wantKey)
			}
		})
	}
}

func TestParse_ExpandsAnyValue(t *testing.T) {
	t.Parallel()
	env := envMap(map[string]string{"BRAND": "Acme", "CHAT": "-1001234", "WORKERS": "3", "SECRET_FILE": "/nonexistent"})
	cfg := MustParse(t, strings.Replace(minimal, "name: Acme", `name: "${BRAND} $${literal} $$5 ${CITY:-Tehran}"`, 1)+`
telegram:
  alert_chat_id: "${CHAT}"
outbox:
  workers: ${WORKERS}
listen:
  poll_interval: ${POLL:-2m}
`, env)
	if got, want := cfg.Brand.Name, "Acme ${literal} $$5 Tehran"; got != want {
		t.Errorf("brand.name=%q, want %q", got, want)
	}
	if cfg.Telegram.AlertChatID != -1001234 {
		t.Errorf("telegram.alert_chat_id=%d, want -1001234 (a quoted reference still fills a number)", cfg.Telegram.AlertChatID)
	}
	if cfg.Outbox.Workers != 3 || cfg.Listen.PollInterval != 2*time.Minute {
		t.Errorf("outbox.workers=%d listen.poll_interval=%s, want 3 and 2m", cfg.Outbox.Workers, cfg.Listen.PollInterval)
	}
	// batch_size: ${BATCH:-} is empty, which is the zero value, which is invalid.
	_, err := config.Parse([]byte(minimal+"listen:\n  batch_size: ${BATCH:-}\n"), nil)
	if got := keys(err); len(got) != 1 || got[0] != "listen.batch_size" {
		t.Errorf("keys=%q, want listen.batch_size", got)
	}
	// _FILE is for secrets only.
	_, err = config.Parse([]byte(strings.Replace(minimal, "name: Acme", "name: ${SECRET}", 1)), env)
	if got := keys(err); len(got) != 1 || got[0] != "brand.name" {
		t.Errorf("keys=%q, want brand.name (no _FILE lookup for plain values)", got)
	}
}

func TestParse_ExpansionDoesNotChangeStructure(t *testing.T) {
	t.Parallel()
	// A value that looks like YAML stays a value.
	env := envMap(map[string]string{"EVIL": "x\nlog: {level: debug}", "TG": "a: b"})
	cfg := MustParse(t, strings.Replace(minimal, "name: Acme", "name: ${EVIL}", 1), env)
	if cfg.Brand.Name != "x\nlog: {level: debug}" || cfg.Log.Level != "info" {
		t.Errorf("brand.name=%q log.level=%q: an expanded value changed the document", cfg.Brand.Name, cfg.Log.Level)
	}
}
