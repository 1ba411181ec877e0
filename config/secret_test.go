package config_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/shenava/shenava/config"
)

const secretValue = "123:s3cr3t-VALUE-123"

func TestSecret_Reveal(t *testing.T) {
	t.Parallel()
	s := config.NewSecret(secretValue)
	if s.Reveal() != secretValue || s.Empty() {
		t.Fatalf("Reveal()=%q Empty()=%v, want the value and false", s.Reveal(), s.Empty())
	}
	if !(config.Secret{}).Empty() {
		t.Error("zero Secret is not Empty")
	}
}

// TestSecret_NeverPrinted prints a secret, and a whole Config holding
// secrets, every way a program might, and looks for the value.
func TestSecret_NeverPrinted(t *testing.T) {
	t.Parallel()
	s := config.NewSecret(secretValue)
	src := strings.Replace(tgConfig("${TG}"), "telegram:", "  x:\n    bearer_token: ${TG}\ntelegram:", 1)
	cfg := MustParse(t, src, envMap(map[string]string{"TG": secretValue}))
	if cfg.Telegram.Token.Reveal() != secretValue || cfg.Sources.X.BearerToken.Reveal() != secretValue {
		t.Fatal("the config does not hold the secret; the test would prove nothing")
	}
	type holder struct {
		Token config.Secret
		Ptr   *config.Secret
	}
	h := holder{Token: s, Ptr: &s}

	outputs := map[string]string{}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%10s", "%-8v", "%T"} {
		outputs["Secret "+verb] = fmt.Sprintf(verb, s)
		outputs["*Secret "+verb] = fmt.Sprintf(verb, &s)
		outputs["struct "+verb] = fmt.Sprintf(verb, h)
		outputs["Config "+verb] = fmt.Sprintf(verb, *cfg)
		outputs["*Config "+verb] = fmt.Sprintf(verb, cfg)
		outputs["Telegram "+verb] = fmt.Sprintf(verb, cfg.Telegram)
	}
	outputs["Sprint"] = fmt.Sprint(s, &s, h, cfg.Sources.X)
	outputs["String"] = s.String()
	outputs["GoString"] = s.GoString()
	for name, v := range map[string]any{"Secret": s, "holder": h, "Config": cfg} {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("json.Marshal(%s): %v", name, err)
		}
		outputs["json "+name] = string(b)
		y, err := yaml.Marshal(v)
		if err != nil {
			t.Fatalf("yaml.Marshal(%s): %v", name, err)
		}
		outputs["yaml "+name] = string(y)
	}
	for _, format := range []string{"text", "json"} {
		var buf bytes.Buffer
		var handler slog.Handler = slog.NewTextHandler(&buf, nil)
		if format == "json" {
			handler = slog.NewJSONHandler(&buf, nil)
		}
		log := slog.New(handler)
		log.Info("start", "token", s, "ptr", &s, "holder", h)
		log.Info("config", slog.Any("config", cfg), slog.Any("telegram", cfg.Telegram))
		log.Info("group", slog.Group("x", "bearer", cfg.Sources.X.BearerToken))
		outputs["slog "+format] = buf.String()
	}

	for name, out := range outputs {
		if strings.Contains(out, secretValue) {
			t.Errorf("%s printed the secret: %s", name, out)
		}
		if name != "Secret %T" && name != "*Secret %T" && strings.Contains(name, "Secret") && !strings.Contains(out, "[redacted]") {
			t.Errorf("%s=%q, want [redacted]", name, out)
		}
	}
	if got := fmt.Sprintf("%q", s); got != `"[redacted]"` {
		t.Errorf("%%q=%s, want \"[redacted]\"", got)
	}
	if got, _ := json.Marshal(s); string(got) != `"[redacted]"` {
		t.Errorf("json=%s, want \"[redacted]\"", got)
	}
}

func TestSecret_NotInProblems(t *testing.T) {
	t.Parallel()
	// A malformed token is reported without echoing it.
	bad := "123:" + secretValue + "/oops"
	_, err := config.Parse([]byte(tgConfig("${TG}")), envMap(map[string]string{"TG": bad}))
	if err == nil {
		t.Fatal("want a problem with the token")
	}
	if strings.Contains(err.Error(), secretValue) {
		t.Fatalf("the problem printed the token: %v", err)
	}
}
