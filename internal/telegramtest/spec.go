package telegramtest

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/shenava/shenava/internal/modroot"
)

// SpecPath is where the Bot API description lives, relative to the
// directory that holds the repository (the parent of go.mod's directory).
const SpecPath = "shared/specs/telegram-bot-api/api.json"

// Spec is the published Bot API description: every method with its
// parameters and every type with its fields.
type Spec struct {
	Version string                `json:"version"`
	Methods map[string]*specEntry `json:"methods"`
	Types   map[string]*specEntry `json:"types"`
}

type specEntry struct {
	Name     string      `json:"name"`
	Fields   []specField `json:"fields"`
	Returns  []string    `json:"returns"`
	Subtypes []string    `json:"subtypes"`
}

type specField struct {
	Name     string   `json:"name"`
	Types    []string `json:"types"`
	Required bool     `json:"required"`
}

func (e *specEntry) field(name string) (specField, bool) {
	for _, f := range e.Fields {
		if f.Name == name {
			return f, true
		}
	}
	return specField{}, false
}

// MustLoadSpec finds ../shared/specs/telegram-bot-api/api.json by walking
// up from the working directory to go.mod. When the file is missing the
// test fails if the CI environment variable is set and is skipped
// otherwise, saying why.
func MustLoadSpec(tb testing.TB) *Spec {
	tb.Helper()
	path, err := findSpec()
	if err != nil {
		if os.Getenv("CI") != "" {
			tb.Fatalf("telegramtest: the Bot API spec is needed to check requests: %v", err)
		}
		tb.Skipf("telegramtest: skipping, the Bot API spec is not available: %v", err)
	}
	if cached, ok := specCache.Load(path); ok {
		return cached.(*Spec)
	}
	spec, err := LoadSpec(path)
	if err != nil {
		tb.Fatalf("telegramtest: %v", err)
	}
	specCache.Store(path, spec)
	return spec
}

// specCache keeps each parsed spec file for the life of the test binary:
// the file is almost a megabyte and every test starts a server. A Spec is
// never modified after loading.
var specCache sync.Map

func findSpec() (string, error) {
	root, err := modroot.Find()
	if err != nil {
		return "", fmt.Errorf("%w, so ../shared cannot be found", err)
	}
	path := filepath.Join(filepath.Dir(root), SpecPath)
	if _, err := os.Stat(path); err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	return path, nil
}

// LoadSpec reads a Bot API description file.
func LoadSpec(path string) (*Spec, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read spec: %w", err)
	}
	var s Spec
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, fmt.Errorf("parse spec %s: %w", path, err)
	}
	if len(s.Methods) == 0 || len(s.Types) == 0 {
		return nil, fmt.Errorf("spec %s lists no methods or types", path)
	}
	return &s, nil
}

// CheckParams checks a method call's parameters against the spec: the
// method exists, every parameter is one it takes, the required ones are
// there, and each value has one of the declared types (objects checked
// field by field). It returns every problem found.
func (s *Spec) CheckParams(method string, params map[string]Param) []string {
	m, ok := s.Methods[method]
	if !ok {
		return []string{fmt.Sprintf("unknown method %q", method)}
	}
	var probs []string
	for _, name := range sortedKeys(params) {
		f, ok := m.field(name)
		if !ok {
			probs = append(probs, fmt.Sprintf("%s: unknown parameter %q", method, name))
			continue
		}
		if err := s.checkParam(f, params[name]); err != nil {
			probs = append(probs, fmt.Sprintf("%s: parameter %s: %v", method, name, err))
		}
	}
	for _, f := range m.Fields {
		if _, ok := params[f.Name]; f.Required && !ok {
			probs = append(probs, fmt.Sprintf("%s: required parameter %q missing", method, f.Name))
		}
	}
	return probs
}

// checkParam checks one request parameter. Parameters sent as form values
// are strings; objects and arrays in them are JSON-serialised.
func (s *Spec) checkParam(f specField, p Param) error {
	if p.File != nil {
		for _, t := range f.Types {
			if t == "InputFile" {
				return nil
			}
		}
		return fmt.Errorf("a file was uploaded but the parameter takes %v", f.Types)
	}
	if p.JSON != nil {
		var v any
		if err := json.Unmarshal(p.JSON, &v); err != nil {
			return err
		}
		return s.checkValue(f.Types, v, "")
	}
	var errs []string
	for _, t := range f.Types {
		err := s.checkFormString(t, p.Text)
		if err == nil {
			return nil
		}
		errs = append(errs, err.Error())
	}
	return errors.New(strings.Join(errs, "; or "))
}

func (s *Spec) checkFormString(t, text string) error {
	switch t {
	case "String":
		return nil
	case "Integer":
		if _, err := strconv.ParseInt(text, 10, 64); err != nil {
			return fmt.Errorf("%q is not an Integer", text)
		}
		return nil
	case "Float":
		if _, err := strconv.ParseFloat(text, 64); err != nil {
			return fmt.Errorf("%q is not a Float", text)
		}
		return nil
	case "Boolean":
		if text != "true" && text != "false" {
			return fmt.Errorf("%q is not a Boolean", text)
		}
		return nil
	case "InputFile":
		if strings.HasPrefix(text, "attach://") {
			return nil
		}
		return fmt.Errorf("%q is not a file", text)
	}
	var v any
	if err := json.Unmarshal([]byte(text), &v); err != nil {
		return fmt.Errorf("%s must be JSON-serialised: %v", t, err)
	}
	return s.checkValue([]string{t}, v, "")
}

// CheckValue checks a decoded JSON value against a spec type ("Message",
// "Array of Update", "Boolean").
func (s *Spec) CheckValue(typ string, v any) error { return s.checkValue([]string{typ}, v, "") }

func (s *Spec) checkValue(types []string, v any, path string) error {
	var errs []string
	for _, t := range types {
		err := s.checkOne(t, v, path)
		if err == nil {
			return nil
		}
		errs = append(errs, err.Error())
	}
	if len(errs) == 1 {
		return errors.New(errs[0])
	}
	return fmt.Errorf("matches none of %v: %s", types, strings.Join(errs, "; "))
}

func (s *Spec) checkOne(t string, v any, path string) error {
	at := path
	if at == "" {
		at = "value"
	}
	if inner, ok := strings.CutPrefix(t, "Array of "); ok {
		arr, ok := v.([]any)
		if !ok {
			return fmt.Errorf("%s: want %s, got %T", at, t, v)
		}
		for i, e := range arr {
			if err := s.checkOne(inner, e, fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
		return nil
	}
	switch t {
	case "String":
		if _, ok := v.(string); !ok {
			return fmt.Errorf("%s: want String, got %T", at, v)
		}
		return nil
	case "Integer":
		n, ok := v.(float64)
		if !ok || n != math.Trunc(n) {
			return fmt.Errorf("%s: want Integer, got %v", at, v)
		}
		return nil
	case "Float":
		if _, ok := v.(float64); !ok {
			return fmt.Errorf("%s: want Float, got %T", at, v)
		}
		return nil
	case "Boolean":
		if _, ok := v.(bool); !ok {
			return fmt.Errorf("%s: want Boolean, got %T", at, v)
		}
		return nil
	case "InputFile":
		if _, ok := v.(string); !ok {
			return fmt.Errorf("%s: want an InputFile reference, got %T", at, v)
		}
		return nil
	}
	typ, ok := s.Types[t]
	if !ok {
		return fmt.Errorf("%s: unknown type %q in the spec", at, t)
	}
	if len(typ.Subtypes) > 0 {
		return s.checkValue(typ.Subtypes, v, path)
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return fmt.Errorf("%s: want %s object, got %T", at, t, v)
	}
	for _, name := range sortedKeys(obj) {
		f, ok := typ.field(name)
		if !ok {
			return fmt.Errorf("%s: %s has no field %q", at, t, name)
		}
		if err := s.checkValue(f.Types, obj[name], join(path, name)); err != nil {
			return err
		}
	}
	for _, f := range typ.Fields {
		if _, ok := obj[f.Name]; f.Required && !ok {
			return fmt.Errorf("%s: %s lacks required field %q", at, t, f.Name)
		}
	}
	if rule, ok := typeRules[t]; ok {
		if err := rule(obj); err != nil {
			return fmt.Errorf("%s: %s: %v", at, t, err)
		}
	}
	return nil
}

// typeRules are constraints the spec states in prose, which the field
// list alone cannot express.
var typeRules = map[string]func(map[string]any) error{
	// "Exactly one of the optional fields must be used to specify type of
	// the button."
	"InlineKeyboardButton": func(b map[string]any) error {
		kinds := []string{"url", "callback_data", "web_app", "login_url", "switch_inline_query",
			"switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text",
			"callback_game", "pay"}
		var used []string
		for _, k := range kinds {
			if _, ok := b[k]; ok {
				used = append(used, k)
			}
		}
		if len(used) != 1 {
			return fmt.Errorf("exactly one of %v must be set, got %v", kinds, used)
		}
		if text, _ := b["text"].(string); strings.TrimSpace(text) == "" {
			return errors.New("button text is empty")
		}
		if d, ok := b["callback_data"].(string); ok && (len(d) < 1 || len(d) > 64) {
			return fmt.Errorf("callback_data is %d bytes, want 1-64", len(d))
		}
		if ct, ok := b["copy_text"].(map[string]any); ok {
			if text, _ := ct["text"].(string); text == "" {
				return errors.New("copy_text.text is empty")
			}
		}
		return nil
	},
	// The type field of each MenuButton "must be" its own name, and a Web
	// App is opened over HTTPS (or as a t.me link to the bot's Web App).
	"MenuButtonCommands": menuButtonType("commands"),
	"MenuButtonDefault":  menuButtonType("default"),
	"MenuButtonWebApp": func(b map[string]any) error {
		if err := menuButtonType("web_app")(b); err != nil {
			return err
		}
		if text, _ := b["text"].(string); strings.TrimSpace(text) == "" {
			return errors.New("button text is empty")
		}
		return nil
	},
	"WebAppInfo": func(w map[string]any) error {
		u, _ := w["url"].(string)
		if !strings.HasPrefix(u, "https://") || len(u) <= len("https://") {
			return fmt.Errorf("url %q is not an HTTPS URL", u)
		}
		return nil
	},
}

func menuButtonType(want string) func(map[string]any) error {
	return func(b map[string]any) error {
		if got, _ := b["type"].(string); got != want {
			return fmt.Errorf("type is %q, must be %q", got, want)
		}
		return nil
	}
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
