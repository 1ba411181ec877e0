package spectest

import (
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
)

// CheckDecodes fails the test for every JSON field of typ (a wire struct a
// client decodes a response into) that the document does not define for
// method path and status (or the default response). It walks the struct's
// json tags recursively through nested structs, pointers, slices, arrays
// and maps, and also checks that each Go kind can hold the JSON type the
// document gives (a Go int for a JSON string fails). Failures name the
// field's path, such as "data[].referenced_tweets[].type".
//
// A property defined in any branch of oneOf, anyOf or allOf counts as
// defined. A field whose type decodes itself (json.Unmarshaler or
// encoding.TextUnmarshaler) is checked by name only, except time.Time,
// which must be a JSON string.
func (s *Spec) CheckDecodes(tb testing.TB, method, path string, status int, typ reflect.Type) {
	tb.Helper()
	route, _, err := s.route(method, path)
	if err != nil {
		tb.Errorf("spectest %s: decode check: %v", s.name, err)
		return
	}
	ref := route.Operation.Responses.Status(status)
	if ref == nil {
		ref = route.Operation.Responses.Default()
	}
	if ref == nil || ref.Value == nil {
		tb.Errorf("spectest %s: %s %s: status %d is not documented", s.name, route.Method, route.Path, status)
		return
	}
	var roots []*openapi3.Schema
	for mt, media := range ref.Value.Content {
		if isJSONMediaType(mt) && media.Schema != nil && media.Schema.Value != nil {
			roots = append(roots, media.Schema.Value)
		}
	}
	if len(roots) == 0 {
		tb.Errorf("spectest %s: %s %s: status %d has no JSON schema", s.name, route.Method, route.Path, status)
		return
	}
	w := &walker{spec: s, seen: map[visitKey]bool{}}
	w.walk(typ, roots, "")
	slices.Sort(w.problems)
	for _, p := range w.problems {
		tb.Errorf("spectest %s: %s %s %d: %s", s.name, route.Method, route.Path, status, p)
	}
}

type visitKey struct {
	typ    reflect.Type
	schema *openapi3.Schema
}

type walker struct {
	spec     *Spec
	seen     map[visitKey]bool
	problems []string
}

var (
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
	timeType        = reflect.TypeFor[time.Time]()
	rawMessageType  = reflect.TypeFor[json.RawMessage]()
)

func (w *walker) fail(path, format string, args ...any) {
	if path == "" {
		path = "(body)"
	}
	w.problems = append(w.problems, path+": "+fmt.Sprintf(format, args...))
}

// expand flattens a set of schemas through allOf/oneOf/anyOf, so that a
// property or type given by any branch is found.
func expand(schemas []*openapi3.Schema) []*openapi3.Schema {
	var out []*openapi3.Schema
	seen := map[*openapi3.Schema]bool{}
	var add func(*openapi3.Schema)
	add = func(sc *openapi3.Schema) {
		if sc == nil || seen[sc] {
			return
		}
		seen[sc] = true
		out = append(out, sc)
		for _, group := range []openapi3.SchemaRefs{sc.AllOf, sc.OneOf, sc.AnyOf} {
			for _, r := range group {
				if r != nil {
					add(r.Value)
				}
			}
		}
	}
	for _, sc := range schemas {
		add(sc)
	}
	return out
}

// types returns the JSON types the schemas allow; empty means any.
func types(schemas []*openapi3.Schema) map[string]bool {
	out := map[string]bool{}
	for _, sc := range schemas {
		if sc.Type == nil || len(*sc.Type) == 0 {
			if len(sc.OneOf)+len(sc.AnyOf)+len(sc.AllOf) == 0 && len(sc.Properties) == 0 && sc.Items == nil {
				return map[string]bool{} // unconstrained somewhere: anything goes
			}
			if len(sc.Properties) > 0 {
				out["object"] = true
			}
			if sc.Items != nil {
				out["array"] = true
			}
			continue
		}
		for _, t := range *sc.Type {
			out[t] = true
		}
	}
	return out
}

func (w *walker) walk(t reflect.Type, schemas []*openapi3.Schema, path string) {
	schemas = expand(schemas)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	allowed := types(schemas)
	want := func(kinds ...string) bool {
		if len(allowed) == 0 {
			return true
		}
		for _, k := range kinds {
			if allowed[k] {
				return true
			}
		}
		return false
	}
	typeNames := func() string {
		var ts []string
		for k := range allowed {
			ts = append(ts, k)
		}
		slices.Sort(ts)
		return strings.Join(ts, " or ")
	}

	switch {
	case t == timeType:
		if !want("string") {
			w.fail(path, "Go time.Time reads a JSON string, the document says %s", typeNames())
		}
		return
	case t == rawMessageType:
		return
	case t.Implements(jsonUnmarshaler) || reflect.PointerTo(t).Implements(jsonUnmarshaler),
		t.Implements(textUnmarshaler) || reflect.PointerTo(t).Implements(textUnmarshaler):
		return // decodes itself: the name was checked by the caller
	}

	key := visitKey{t, nil}
	if len(schemas) > 0 {
		key.schema = schemas[0]
	}
	if t.Kind() == reflect.Struct || t.Kind() == reflect.Slice || t.Kind() == reflect.Map {
		if w.seen[key] {
			return
		}
		w.seen[key] = true
	}

	switch t.Kind() {
	case reflect.Struct:
		if !want("object") {
			w.fail(path, "Go struct %s reads a JSON object, the document says %s", t, typeNames())
			return
		}
		w.walkStruct(t, schemas, path)
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 && t.Kind() == reflect.Slice {
			if !want("string") {
				w.fail(path, "Go []byte reads a base64 JSON string, the document says %s", typeNames())
			}
			return
		}
		if !want("array") {
			w.fail(path, "Go %s reads a JSON array, the document says %s", t, typeNames())
			return
		}
		var items []*openapi3.Schema
		for _, sc := range schemas {
			if sc.Items != nil && sc.Items.Value != nil {
				items = append(items, sc.Items.Value)
			}
		}
		w.walk(t.Elem(), items, path+"[]")
	case reflect.Map:
		if !want("object") {
			w.fail(path, "Go %s reads a JSON object, the document says %s", t, typeNames())
			return
		}
		var values []*openapi3.Schema
		for _, sc := range schemas {
			if ap := sc.AdditionalProperties.Schema; ap != nil && ap.Value != nil {
				values = append(values, ap.Value)
			}
		}
		w.walk(t.Elem(), values, path+"{}")
	case reflect.Interface:
		return
	case reflect.String:
		if !want("string") {
			w.fail(path, "Go string reads a JSON string, the document says %s", typeNames())
		}
	case reflect.Bool:
		if !want("boolean") {
			w.fail(path, "Go bool reads a JSON boolean, the document says %s", typeNames())
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if !want("integer") {
			w.fail(path, "Go %s reads a JSON integer, the document says %s", t, typeNames())
		}
	case reflect.Float32, reflect.Float64:
		if !want("number", "integer") {
			w.fail(path, "Go %s reads a JSON number, the document says %s", t, typeNames())
		}
	default:
		w.fail(path, "Go kind %s cannot be decoded from JSON", t.Kind())
	}
}

func (w *walker) walkStruct(t reflect.Type, schemas []*openapi3.Schema, path string) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			ft := f.Type
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				w.walkStruct(ft, schemas, path) // embedded: its fields are promoted
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		fieldPath := name
		if path != "" {
			fieldPath = path + "." + name
		}
		props, ok := w.property(schemas, name)
		if !ok {
			w.fail(fieldPath, "field %s.%s (json %q) is not defined by the document", t.Name(), f.Name, name)
			continue
		}
		if slices.Contains(strings.Split(opts, ","), "string") {
			// ,string: a number or bool travels as a JSON string.
			if tp := types(expand(props)); len(tp) > 0 && !tp["string"] {
				w.fail(fieldPath, "field %s.%s has the ,string option, the document says it is not a string", t.Name(), f.Name)
			}
			continue
		}
		w.walk(f.Type, props, fieldPath)
	}
}

// property finds the schemas of a property among schemas, trying the
// document's name for a renamed wire property, then additionalProperties.
func (w *walker) property(schemas []*openapi3.Schema, name string) ([]*openapi3.Schema, bool) {
	lookup := func(n string) []*openapi3.Schema {
		var out []*openapi3.Schema
		for _, sc := range schemas {
			if p := sc.Properties[n]; p != nil && p.Value != nil {
				out = append(out, p.Value)
			}
		}
		return out
	}
	if p := lookup(name); len(p) > 0 {
		return p, true
	}
	if to, ok := w.spec.opts.renames[name]; ok {
		if p := lookup(to); len(p) > 0 {
			return p, true
		}
	}
	var extra []*openapi3.Schema
	explicit := false
	for _, sc := range schemas {
		if ap := sc.AdditionalProperties; ap.Schema != nil && ap.Schema.Value != nil {
			extra = append(extra, ap.Schema.Value)
		} else if ap.Has != nil && *ap.Has {
			explicit = true
		}
	}
	if len(extra) > 0 {
		return extra, true
	}
	if explicit {
		return nil, true // any value allowed, by the document's own choice
	}
	return nil, false
}
