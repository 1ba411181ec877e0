package config

import (
	"strconv"
	"strings"

	"github.com/shenava/shenava/core"
)

// FieldError is one problem with the configuration. Load and Parse return
// all of them joined with errors.Join; use errors.As on each, or
// [Problems], to inspect them. Every FieldError wraps core.ErrInvalid.
type FieldError struct {
	// File is the config file's path as given to Load; "" for Parse.
	File string
	// Line is the line of the key in the file; 0 when the value came from
	// the defaults.
	Line int
	// Key is the full key path: "sources.x.max_results",
	// "telegram.managers[1].id". Empty for a problem with the whole file.
	Key string
	// Msg says what is wrong and, where it helps, what to write instead.
	Msg string
}

// Error formats the problem as "file:line: key: message", leaving out the
// parts that are unknown ("line 14: key: message" for Parse).
func (e *FieldError) Error() string {
	var b strings.Builder
	switch {
	case e.File != "" && e.Line > 0:
		b.WriteString(e.File + ":" + strconv.Itoa(e.Line) + ": ")
	case e.File != "":
		b.WriteString(e.File + ": ")
	case e.Line > 0:
		b.WriteString("line " + strconv.Itoa(e.Line) + ": ")
	}
	if e.Key != "" {
		b.WriteString(e.Key + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Unwrap returns core.ErrInvalid, so callers can tell a bad configuration
// from a file that could not be read.
func (e *FieldError) Unwrap() error { return core.ErrInvalid }

// Problem reports err, found after Load while using the value at key (a
// model file that does not decode, a connector that refused its section),
// as a FieldError naming the key's line in the file, like Load's problems.
func (c *Config) Problem(key string, err error) *FieldError {
	ch := newChecker(c.file, c.lines, nil, nil)
	return &FieldError{File: c.file, Line: ch.line(key), Key: key, Msg: err.Error()}
}

// Problems lists the FieldErrors inside an error returned by Load, Parse,
// Validate or CheckFiles, in the order they were found.
func Problems(err error) []*FieldError {
	var out []*FieldError
	var walk func(error)
	walk = func(err error) {
		if err == nil {
			return
		}
		if fe, ok := err.(*FieldError); ok {
			out = append(out, fe)
			return
		}
		switch u := err.(type) {
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				walk(e)
			}
		case interface{ Unwrap() error }:
			walk(u.Unwrap())
		}
	}
	walk(err)
	return out
}

// keyPath is the path of a value inside the config: field names (YAML
// keys) and list indices.
type keyPath []any // string or int

func (p keyPath) key(name string) keyPath {
	return append(append(keyPath(nil), p...), name)
}

func (p keyPath) index(i int) keyPath {
	return append(append(keyPath(nil), p...), i)
}

func (p keyPath) String() string {
	var b strings.Builder
	for _, s := range p {
		switch s := s.(type) {
		case string:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(s)
		case int:
			b.WriteString("[" + strconv.Itoa(s) + "]")
		}
	}
	return b.String()
}

// parentKey drops the last element of a printed key path:
// "a.b[2].c" → "a.b[2]" → "a.b" → "a" → "".
func parentKey(key string) string {
	i := strings.LastIndexAny(key, ".[")
	if i < 0 {
		return ""
	}
	return key[:i]
}
