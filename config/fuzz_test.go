package config_test

import (
	"os"
	"path/filepath"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/shenava/shenava/config"
)

// FuzzParse feeds arbitrary bytes to Parse. It must never panic, and a
// config it accepts must pass Validate and encode back to YAML. The seed
// corpus is in testdata/fuzz/FuzzParse; the shipped config.yaml is added
// too.
func FuzzParse(f *testing.F) {
	if data, err := os.ReadFile(filepath.Join(moduleRoot(f), "config.yaml")); err == nil {
		f.Add(data)
	}
	f.Add([]byte(minimal))
	f.Add([]byte(full))
	// Only plain variables: _FILE would make the fuzzer read files.
	getenv := envMap(map[string]string{"X_BEARER": "b", "X_USER": "u", "MASTODON": "m", "TG": "123:abc", "N": "7"})
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := config.Parse(data, getenv)
		if err != nil {
			if cfg != nil {
				t.Fatalf("Parse returned a config with an error: %v", err)
			}
			if len(config.Problems(err)) == 0 {
				t.Fatalf("error without a FieldError: %v", err)
			}
			return
		}
		if err := cfg.Validate(); err != nil {
			t.Fatalf("Parse accepted a config that Validate rejects: %v", err)
		}
		if _, err := yaml.Marshal(cfg); err != nil {
			t.Fatalf("yaml.Marshal: %v", err)
		}
	})
}
