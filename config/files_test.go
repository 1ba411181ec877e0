package config_test

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/shenava/shenava/config"
)

func writeConfig(tb testing.TB, dir, src string, mode os.FileMode) string {
	tb.Helper()
	path := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(path, []byte(src), mode); err != nil {
		tb.Fatal(err)
	}
	// WriteFile's mode is masked by the umask; set it exactly.
	if err := os.Chmod(path, mode); err != nil {
		tb.Fatal(err)
	}
	return path
}

func TestConfig_CheckFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := writeConfig(t, dir, minimal+"storage:\n  path: data/shenava.db\n", 0o600)
	cfg, err := config.Load(path, nil)
	if err != nil {
		t.Fatal(err)
	}

	err = cfg.CheckFiles()
	ps := config.Problems(err)
	if len(ps) != 2 || ps[0].Key != "sources.file[0].path" || ps[1].Key != "storage.path" {
		t.Fatalf("CheckFiles()=%v, want problems at sources.file[0].path and storage.path", err)
	}
	if want := path + ":8: sources.file[0].path: " + filepath.Join(dir, "mentions.jsonl") + " does not exist"; !strings.HasPrefix(ps[0].Error(), want) {
		t.Errorf("problem=%q, want it to start with %q", ps[0], want)
	}
	if !strings.Contains(ps[1].Msg, "directory "+filepath.Join(dir, "data")+" does not exist") {
		t.Errorf("problem=%q, want the missing directory named", ps[1])
	}

	if err := os.Mkdir(filepath.Join(dir, "mentions.jsonl"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "data"), 0o700); err != nil {
		t.Fatal(err)
	}
	if ps := config.Problems(cfg.CheckFiles()); len(ps) != 1 || !strings.Contains(ps[0].Msg, "is a directory") {
		t.Fatalf("CheckFiles()=%v, want a directory where the file should be reported", ps)
	}

	if err := os.Remove(filepath.Join(dir, "mentions.jsonl")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "mentions.jsonl"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := cfg.CheckFiles(); err != nil {
		t.Fatalf("CheckFiles()=%v, want nil", err)
	}
}

func TestCheckPermissions(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("mode bits do not describe access on Windows")
	}
	tests := []struct {
		mode os.FileMode
		want []string
	}{
		{0o600, nil},
		{0o400, nil},
		{0o640, []string{"readable by group (mode -rw-r-----); chmod 600"}},
		{0o644, []string{"readable by group and others (mode -rw-r--r--); chmod 600"}},
		{0o604, []string{"readable by others"}},
		{0o620, []string{"writable by group (mode -rw--w----)"}},
		{0o666, []string{"readable by group and others", "writable by group and others"}},
	}
	for _, tt := range tests {
		t.Run(tt.mode.String(), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "shenava.db")
			if err := os.WriteFile(path, nil, 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(path, tt.mode); err != nil {
				t.Fatal(err)
			}
			got := config.CheckPermissions(path)
			if len(got) != len(tt.want) {
				t.Fatalf("CheckPermissions()=%q, want %d warnings", got, len(tt.want))
			}
			for i := range got {
				if !strings.HasPrefix(got[i], path+": ") || !strings.Contains(got[i], tt.want[i]) {
					t.Errorf("warning %q, want %q about %s", got[i], tt.want[i], path)
				}
			}
		})
	}
	if got := config.CheckPermissions(filepath.Join(t.TempDir(), "missing")); got != nil {
		t.Errorf("missing file: %q, want nothing", got)
	}
}

func TestLoad_WarnsAboutInlineSecretsOthersCanRead(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("mode bits do not describe access on Windows")
	}
	tests := []struct {
		name string
		src  string
		mode os.FileMode
		want []string
	}{
		{"InlineReadable", tgConfig("123:" + secretValue), 0o644, []string{"readable by group and others (mode -rw-r--r--) and holds secrets inline (telegram.token)"}},
		{"InlineInDisabledSection", strings.Replace(tgConfig("123:"+secretValue), "enabled: true", "enabled: false", 1), 0o640, []string{"holds secrets inline (telegram.token)"}},
		{"InlineDefault", tgConfig("${TG_UNSET:-123:abc}"), 0o644, []string{"holds secrets inline (telegram.token)"}},
		{"InlinePrivate", tgConfig("123:" + secretValue), 0o600, nil},
		{"FromEnvReadable", tgConfig("${TG}"), 0o644, nil},
		{"WritableByOthers", tgConfig("${TG}"), 0o666, []string{"writable by group and others"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeConfig(t, t.TempDir(), tt.src, tt.mode)
			cfg, err := config.Load(path, envMap(map[string]string{"TG": "123:env"}))
			if err != nil {
				t.Fatal(err)
			}
			got := cfg.Warnings()
			if len(got) != len(tt.want) {
				t.Fatalf("Warnings()=%q, want %d", got, len(tt.want))
			}
			for i := range got {
				if !strings.Contains(got[i], tt.want[i]) {
					t.Errorf("warning %q, want it to contain %q", got[i], tt.want[i])
				}
				if strings.Contains(got[i], secretValue) {
					t.Errorf("warning printed the secret: %q", got[i])
				}
			}
		})
	}
}
