package config_test

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/shenava/shenava/config"
	"github.com/shenava/shenava/internal/conf"
)

// TestShippedConfig_DefaultsAgree reads every "Default: VALUE" that
// config.yaml documents and compares it with the value Default() holds at
// that key, which each section takes from its owner's Default constants.
// A default changed in code but not in the file, or the other way round,
// fails here.
func TestShippedConfig_DefaultsAgree(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(filepath.Join(moduleRoot(t), "config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	def := reflect.ValueOf(config.Default()).Elem()
	compared := 0
	var walk func(n *yaml.Node, v reflect.Value, path string)
	walk = func(n *yaml.Node, v reflect.Value, path string) {
		if n.Kind != yaml.MappingNode || v.Kind() != reflect.Struct {
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			key := strings.TrimPrefix(path+"."+k.Value, ".")
			field, ok := fieldByKey(v, k.Value)
			if !ok {
				t.Errorf("config.yaml:%d: %s: no such field", k.Line, key)
				continue
			}
			if doc, ok := documentedDefault(k.HeadComment + "\n" + k.LineComment); ok {
				want, err := formatValue(field)
				switch {
				case err != nil:
					t.Errorf("config.yaml:%d: %s documents a default (%s), but %v", k.Line, key, doc, err)
				case !sameValue(doc, want):
					t.Errorf("config.yaml:%d: %s: the file documents Default: %s, the code's default is %s", k.Line, key, doc, want)
				default:
					compared++
				}
			}
			walk(val, field, key)
		}
	}
	walk(doc.Content[0], def, "")
	t.Logf("compared %d documented defaults", compared)
	// The file documents about 70 defaults; a parser that silently found
	// none would prove nothing.
	if compared < 60 {
		t.Errorf("compared %d documented defaults, want at least 60; did the comment format change?", compared)
	}
}

// fieldByKey returns the field of a struct whose YAML key is key.
func fieldByKey(v reflect.Value, key string) (reflect.Value, bool) {
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if strings.Contains(opts, "inline") {
			if fv, ok := fieldByKey(v.Field(i), key); ok {
				return fv, true
			}
			continue
		}
		if name == key {
			return v.Field(i), true
		}
	}
	return reflect.Value{}, false
}

// documentedDefault finds "Default: VALUE" in a key's comment. A default
// that names another key ("Default: listen.poll_interval") or describes
// rather than states a value ("Default: all empty.") is not a value and is
// left to the tests of derived values.
func documentedDefault(comment string) (string, bool) {
	_, rest, ok := strings.Cut(comment, "Default: ")
	if !ok {
		return "", false
	}
	rest = strings.TrimSpace(rest)
	var tok string
	switch {
	case strings.HasPrefix(rest, "["):
		end := strings.IndexByte(rest, ']')
		if end < 0 {
			return "", false
		}
		tok = rest[:end+1]
	case strings.HasPrefix(rest, `"`):
		end := strings.IndexByte(rest[1:], '"')
		if end < 0 {
			return "", false
		}
		tok = rest[:end+2]
	default:
		tok, _, _ = strings.Cut(rest, " ")
		tok, _, _ = strings.Cut(tok, "\n")
		tok = strings.TrimSuffix(tok, ".")
	}
	switch {
	case tok == "one", tok == "all":
		return "", false
	case strings.Count(tok, ".") > 0 && strings.ContainsAny(tok, "_") && !strings.ContainsAny(tok, "/:"):
		return "", false // another key, such as listen.poll_interval
	}
	return tok, true
}

// formatValue writes a default as config.yaml writes it.
func formatValue(v reflect.Value) (string, error) {
	switch x := v.Interface().(type) {
	case time.Duration:
		return conf.FormatDuration(x), nil
	case config.Duration:
		return x.String(), nil
	case config.Secret:
		return "", fmt.Errorf("a secret has no default")
	case fmt.Stringer:
		return x.String(), nil
	}
	switch v.Kind() {
	case reflect.String:
		return strconv.Quote(v.String()), nil
	case reflect.Bool:
		return strconv.FormatBool(v.Bool()), nil
	case reflect.Int, reflect.Int64:
		return strconv.FormatInt(v.Int(), 10), nil
	case reflect.Float64:
		return strconv.FormatFloat(v.Float(), 'g', -1, 64), nil
	case reflect.Slice:
		parts := make([]string, v.Len())
		for i := range v.Len() {
			s, err := formatValue(v.Index(i))
			if err != nil {
				return "", err
			}
			parts[i] = strings.Trim(s, `"`)
		}
		return "[" + strings.Join(parts, ", ") + "]", nil
	}
	return "", fmt.Errorf("the key is a %s, not a value", v.Kind())
}

// sameValue compares a documented default with the code's, both read as
// YAML so that quoting does not matter.
func sameValue(doc, code string) bool {
	var a, b any
	if yaml.Unmarshal([]byte(doc), &a) != nil || yaml.Unmarshal([]byte(code), &b) != nil {
		return doc == code
	}
	if a == nil {
		a = ""
	}
	if b == nil {
		b = ""
	}
	return fmt.Sprint(a) == fmt.Sprint(b)
}
