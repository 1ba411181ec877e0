package config

import (
	"encoding"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/shenava/shenava/internal/conf"
)

// maxProblems bounds the list returned for one file; beyond it the rest
// are counted, not listed.
const maxProblems = 100

// decoder copies a YAML node tree onto a Config, strictly: it knows the
// target type at every step, so an unknown key, a duplicate key or a
// value of the wrong shape is reported with its full key path and line,
// and "${...}" is expanded knowing whether the value is a secret.
//
// yaml.v3's own Decoder with KnownFields(true) rejects unknown keys too,
// but its messages name the Go type rather than the key path, it accepts
// yes/no for booleans and octal numbers, and it cannot tell a secret from
// other strings; this walker replaces it, and yaml.v3 only parses.
type decoder struct {
	file   string
	getenv func(string) string

	problems []*FieldError
	dropped  int
	// lines maps a printed key path to the line of its key in the file.
	lines map[string]int
	// bad holds key paths that already have a problem, so that later
	// checks do not report the same key twice.
	bad map[string]bool
	// pending are environment problems, reported only when the section
	// holding the key is enabled.
	pending []pendingProblem
	// inline lists secrets written in the file rather than taken from the
	// environment.
	inline []string
}

type pendingProblem struct {
	path keyPath
	fe   *FieldError
}

func newDecoder(file string, getenv func(string) string) *decoder {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	return &decoder{file: file, getenv: getenv, lines: map[string]int{}, bad: map[string]bool{}}
}

func (d *decoder) add(fe *FieldError) {
	d.bad[fe.Key] = true
	if len(d.problems) >= maxProblems {
		d.dropped++
		return
	}
	d.problems = append(d.problems, fe)
}

func (d *decoder) fail(p keyPath, n *yaml.Node, format string, args ...any) {
	line := 0
	if n != nil {
		line = n.Line
	}
	d.add(&FieldError{File: d.file, Line: line, Key: p.String(), Msg: fmt.Sprintf(format, args...)})
}

func (d *decoder) later(p keyPath, n *yaml.Node, format string, args ...any) {
	d.pending = append(d.pending, pendingProblem{path: p, fe: &FieldError{
		File: d.file, Line: n.Line, Key: p.String(), Msg: fmt.Sprintf(format, args...),
	}})
}

var (
	secretType     = reflect.TypeFor[Secret]()
	textListType   = reflect.TypeFor[TextList]()
	textSetterType = reflect.TypeFor[encoding.TextUnmarshaler]()
	durationType   = reflect.TypeFor[time.Duration]()
)

// decode copies n onto v, the value at path p.
func (d *decoder) decode(n *yaml.Node, v reflect.Value, p keyPath) {
	n = d.deref(n, p)
	if n == nil {
		return
	}
	t := v.Type()
	switch {
	case t == secretType:
		d.secret(n, v, p)
	case t == textListType && n.Kind == yaml.ScalarNode && !isNull(n):
		// A single text is a list of one.
		var s string
		d.leaf(n, reflect.ValueOf(&s).Elem(), p)
		v.Set(reflect.ValueOf(TextList{s}))
	case reflect.PointerTo(t).Implements(textSetterType):
		s, null, ok := d.scalar(n, p)
		if !ok {
			return
		}
		if null {
			v.SetZero()
			return
		}
		if err := v.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(s)); err != nil {
			d.fail(p, n, "%v", err)
		}
	case t == durationType:
		// Sections owned by other packages use time.Duration; it reads
		// like Duration.
		s, null, ok := d.scalar(n, p)
		if !ok {
			return
		}
		if null {
			v.SetZero()
			return
		}
		dur, err := conf.ParseDuration(s)
		if err != nil {
			d.fail(p, n, "%v", err)
			return
		}
		v.SetInt(int64(dur))
	case t.Kind() == reflect.Struct:
		d.mapping(n, v, p)
	case t.Kind() == reflect.Slice:
		d.sequence(n, v, p)
	default:
		d.leaf(n, v, p)
	}
}

// deref follows aliases (*anchor) to the node they name.
func (d *decoder) deref(n *yaml.Node, p keyPath) *yaml.Node {
	for hops := 0; n != nil && n.Kind == yaml.AliasNode; hops++ {
		if hops > 100 || n.Alias == nil {
			d.fail(p, n, "alias does not resolve")
			return nil
		}
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "mapping"
	case yaml.SequenceNode:
		return "list"
	case yaml.ScalarNode:
		return "single value"
	}
	return "node"
}

func (d *decoder) mapping(n *yaml.Node, v reflect.Value, p keyPath) {
	if isNull(n) {
		return // an empty section keeps its defaults
	}
	if n.Kind != yaml.MappingNode {
		if len(p) == 0 {
			d.fail(p, n, "the file must be a mapping of sections (brand:, sources:, telegram:, ...), not a %s", kindName(n))
		} else {
			d.fail(p, n, "must be a mapping of keys (indented key: value lines), not a %s", kindName(n))
		}
		return
	}
	fields := fieldsOf(v.Type())
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.AliasNode && k.Alias != nil {
			k = k.Alias
		}
		if k.Kind != yaml.ScalarNode {
			d.fail(p, k, "a key must be a plain word, not a %s", kindName(k))
			continue
		}
		name := k.Value
		kp := p.key(name)
		if k.ShortTag() == "!!merge" {
			d.fail(p, k, "merge keys (<<) are not supported; write the keys out")
			continue
		}
		if first, dup := seen[name]; dup {
			d.fail(kp, k, "duplicate key (first at line %d)", first)
			continue
		}
		seen[name] = k.Line
		f, ok := fields.byName[name]
		if !ok {
			msg := "unknown key"
			if s := suggest(name, fields.names); s != "" {
				msg += "; did you mean " + s + "?"
			}
			d.fail(kp, k, "%s", msg)
			continue
		}
		d.lines[kp.String()] = k.Line
		d.decode(val, v.FieldByIndex(f), kp)
	}
}

func (d *decoder) sequence(n *yaml.Node, v reflect.Value, p keyPath) {
	if isNull(n) {
		v.SetZero()
		return
	}
	if n.Kind != yaml.SequenceNode {
		d.fail(p, n, "must be a list (- item lines, or [a, b]), not a %s", kindName(n))
		return
	}
	out := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
	for i, el := range n.Content {
		ep := p.index(i)
		d.lines[ep.String()] = el.Line
		d.decode(el, out.Index(i), ep)
	}
	v.Set(out)
}

// scalar returns the expanded text of a single value. null is true for an
// empty value (null, ~, nothing, or a reference that expanded to "").
func (d *decoder) scalar(n *yaml.Node, p keyPath) (s string, null, ok bool) {
	if n.Kind != yaml.ScalarNode {
		d.fail(p, n, "must be a single value, not a %s", kindName(n))
		return "", false, false
	}
	if isNull(n) {
		return "", true, true
	}
	x, err := expand(n.Value, d.getenv)
	if err != nil {
		d.fail(p, n, "%v", err)
		return "", false, false
	}
	for _, name := range x.missing {
		d.later(p, n, "environment variable %s is not set; set it, or write ${%s:-default}", name, name)
	}
	return x.value, x.refs > 0 && x.value == "", true
}

func (d *decoder) leaf(n *yaml.Node, v reflect.Value, p keyPath) {
	s, null, ok := d.scalar(n, p)
	if !ok {
		return
	}
	if null {
		v.SetZero()
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(s)
	case reflect.Bool:
		switch s {
		case "true", "True", "TRUE":
			v.SetBool(true)
		case "false", "False", "FALSE":
			v.SetBool(false)
		default:
			d.fail(p, n, "must be true or false, got %q", s)
		}
	case reflect.Int, reflect.Int64:
		i, err := strconv.ParseInt(strings.ReplaceAll(s, "_", ""), 10, v.Type().Bits())
		if err != nil {
			d.fail(p, n, "must be a whole number, got %q", s)
			return
		}
		v.SetInt(i)
	case reflect.Float64:
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			d.fail(p, n, "must be a number, got %q", s)
			return
		}
		v.SetFloat(f)
	default:
		// Unreachable for the types in this package; a new field type
		// needs a case here.
		d.fail(p, n, "cannot decode into %s", v.Type())
	}
}

// secret decodes a Secret: "${NAME}" from the environment or from the file
// named by NAME_FILE; anything else is expanded like other values and, if
// it held no reference, remembered as written inline.
func (d *decoder) secret(n *yaml.Node, v reflect.Value, p keyPath) {
	if n.Kind != yaml.ScalarNode {
		d.fail(p, n, "must be a single value, not a %s", kindName(n))
		return
	}
	if isNull(n) {
		v.SetZero()
		return
	}
	set := func(s string) { v.Set(reflect.ValueOf(conf.NewSecret(s))) }
	if name, def, hasDef, ok := wholeRef(n.Value); ok {
		if val := d.getenv(name); val != "" {
			set(val)
			return
		}
		if path := d.getenv(name + "_FILE"); path != "" {
			val, err := readSecretFile(path)
			switch {
			case err != nil:
				d.later(p, n, "reading %s_FILE: %v", name, err)
			case val == "":
				d.later(p, n, "%s_FILE names an empty file (%s)", name, path)
			default:
				set(val)
			}
			return
		}
		if hasDef {
			if def != "" {
				d.inline = append(d.inline, p.String())
			}
			set(def)
			return
		}
		d.later(p, n, "environment variable %s is not set (nor %s_FILE); set one, or write ${%s:-} if it is optional",
			name, name, name)
		return
	}
	x, err := expand(n.Value, d.getenv)
	if err != nil {
		d.fail(p, n, "%v", err)
		return
	}
	for _, name := range x.missing {
		d.later(p, n, "environment variable %s is not set", name)
	}
	if (x.refs == 0 || x.defaulted) && x.value != "" {
		d.inline = append(d.inline, p.String())
	}
	set(x.value)
}

// structFields is the YAML key → field index map of a struct type,
// flattening ",inline" fields.
type structFields struct {
	byName map[string][]int
	names  []string
}

func fieldsOf(t reflect.Type) structFields {
	sf := structFields{byName: map[string][]int{}}
	var walk func(t reflect.Type, prefix []int)
	walk = func(t reflect.Type, prefix []int) {
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			if name == "-" {
				continue
			}
			idx := append(append([]int(nil), prefix...), i)
			if strings.Contains(opts, "inline") {
				walk(f.Type, idx)
				continue
			}
			if name == "" {
				name = strings.ToLower(f.Name)
			}
			sf.byName[name] = idx
			sf.names = append(sf.names, name)
		}
	}
	walk(t, nil)
	return sf
}

// suggest returns the known key closest to a misspelt one, if close enough.
func suggest(name string, known []string) string {
	best, bestD := "", math.MaxInt
	for _, k := range known {
		if d := editDistance(name, k); d < bestD {
			best, bestD = k, d
		}
	}
	if bestD <= 2 && bestD <= max(1, len(best)/3) {
		return best
	}
	return ""
}

func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 99
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
