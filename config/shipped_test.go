package config_test

import (
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/shenava/shenava/config"
)

func TestLoad_ShippedConfig(t *testing.T) {
	t.Parallel()
	path := filepath.Join(moduleRoot(t), "config.yaml")
	// No environment at all: the shipped file must run without tokens.
	cfg, err := config.Load(path, nil)
	if err != nil {
		t.Fatalf("Load(%s): %v", path, err)
	}
	if w := cfg.Warnings(); len(w) != 0 {
		t.Errorf("Warnings()=%q, want none", w)
	}
	if cfg.Path() != path {
		t.Errorf("Path()=%q, want %q", cfg.Path(), path)
	}
	s := cfg.Sources
	if len(s.File) != 1 || s.X.Enabled || s.Mastodon.Enabled || s.RSS.Enabled || cfg.Telegram.Enabled {
		t.Errorf("enabled sources: file=%d x=%v mastodon=%v rss=%v telegram=%v; want only the file source",
			len(s.File), s.X.Enabled, s.Mastodon.Enabled, s.RSS.Enabled, cfg.Telegram.Enabled)
	}
	wantDemo := filepath.Join(moduleRoot(t), "cmd", "shenava", "demo", "mentions.jsonl")
	if len(s.File) == 1 && s.File[0].Path != wantDemo {
		t.Errorf("sources.file[0].path=%q, want %q (resolved against the config's directory)", s.File[0].Path, wantDemo)
	}
	if got, want := cfg.Storage.Path, filepath.Join(moduleRoot(t), "shenava.db"); got != want {
		t.Errorf("storage.path=%q, want %q", got, want)
	}
}

// TestShippedConfig_ShowsEveryKey keeps config.yaml complete: every key of
// Config appears in it, so every option is documented where operators read.
func TestShippedConfig_ShowsEveryKey(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(filepath.Join(moduleRoot(t), "config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	var missing []string
	var walk func(n *yaml.Node, typ reflect.Type, path string)
	walk = func(n *yaml.Node, typ reflect.Type, path string) {
		switch {
		case typ.Kind() == reflect.Struct && n.Kind == yaml.MappingNode:
			present := map[string]*yaml.Node{}
			for i := 0; i+1 < len(n.Content); i += 2 {
				present[n.Content[i].Value] = n.Content[i+1]
			}
			for _, f := range yamlFields(typ) {
				child, ok := present[f.name]
				if !ok {
					missing = append(missing, path+f.name)
					continue
				}
				walk(child, f.typ, path+f.name+".")
			}
		case typ.Kind() == reflect.Slice && typ.Elem().Kind() == reflect.Struct && n.Kind == yaml.SequenceNode:
			// Each list of sections shows every key in at least one entry.
			seen := map[string]bool{}
			for _, el := range n.Content {
				for i := 0; i+1 < len(el.Content); i += 2 {
					seen[el.Content[i].Value] = true
				}
			}
			for _, f := range yamlFields(typ.Elem()) {
				if !seen[f.name] {
					missing = append(missing, strings.TrimSuffix(path, ".")+"[]."+f.name)
				}
			}
		}
	}
	walk(doc.Content[0], reflect.TypeFor[config.Config](), "")
	// Lists whose example is in a comment rather than in the file.
	missing = slices.DeleteFunc(missing, func(k string) bool { return strings.HasPrefix(k, "telegram.groups[]") })
	if len(missing) > 0 {
		t.Errorf("config.yaml does not show these keys: %s", strings.Join(missing, ", "))
	}
	if !strings.Contains(string(data), "#   - chat_id:") {
		t.Error("config.yaml lost the commented example of telegram.groups")
	}
}

type yamlField struct {
	name string
	typ  reflect.Type
}

func yamlFields(t reflect.Type) []yamlField {
	var out []yamlField
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "-" {
			continue // set by the program, not the file
		}
		if strings.Contains(opts, "inline") {
			out = append(out, yamlFields(f.Type)...)
			continue
		}
		out = append(out, yamlField{name, f.Type})
	}
	return out
}

// TestDocs_NameTheShippedSecrets keeps the documentation and config.yaml
// agreeing on the environment variables that carry secrets: every such
// name a README or the deploy files mention is one config.yaml reads.
func TestDocs_NameTheShippedSecrets(t *testing.T) {
	root := moduleRoot(t)
	shipped, err := os.ReadFile(filepath.Join(root, "config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	read := map[string]bool{}
	for _, m := range regexp.MustCompile(`\$\{([A-Z][A-Z0-9_]*)(?::-[^}]*)?\}`).FindAllStringSubmatch(string(shipped), -1) {
		read[m[1]] = true
	}
	docs, _ := filepath.Glob(filepath.Join(root, "*", "README.md"))
	more, _ := filepath.Glob(filepath.Join(root, "*", "*", "README.md"))
	deploy, _ := filepath.Glob(filepath.Join(root, "deploy", "*"))
	docs = append(append(append(docs, filepath.Join(root, "README.md")), more...), deploy...)
	secret := regexp.MustCompile(`\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*_(?:TOKEN|SECRET|KEY|PASSWORD)(?:_FILE)?\b`)
	for _, doc := range docs {
		data, err := os.ReadFile(doc)
		if err != nil {
			continue // a directory
		}
		for _, name := range secret.FindAllString(string(data), -1) {
			if !read[strings.TrimSuffix(name, "_FILE")] {
				rel, _ := filepath.Rel(root, doc)
				t.Errorf("%s names %s, which config.yaml does not read", rel, name)
			}
		}
	}
}
