package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// MaxConfigBytes bounds the size of a config file.
const MaxConfigBytes = 1 << 20

// Load reads, decodes and validates the config file at path; see the
// package documentation for the order. getenv looks up environment
// variables (os.Getenv in main; nil means none are set). Relative paths in
// the file resolve against the file's directory. Every problem is
// returned at once, each a *FieldError naming its key and line.
func Load(path string, getenv func(string) string) (*Config, error) {
	data, err := readFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	cfg, inline, err := parse(data, path, filepath.Dir(path), getenv)
	if err != nil {
		return nil, err
	}
	cfg.warnings = append(cfg.warnings, configFileWarnings(path, inline)...)
	return cfg, nil
}

// Parse decodes and validates a config held in memory, as Load does for a
// file. Messages name lines as "line 14:", and relative paths stay
// relative to the working directory.
func Parse(data []byte, getenv func(string) string) (*Config, error) {
	cfg, _, err := parse(data, "", "", getenv)
	return cfg, err
}

func readFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxConfigBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return data, nil
}

// parse returns the config and the keys of secrets written inline.
func parse(data []byte, file, dir string, getenv func(string) string) (*Config, []string, error) {
	if len(data) > MaxConfigBytes {
		return nil, nil, &FieldError{File: file, Msg: fmt.Sprintf("larger than %d KiB; is this the config file?", MaxConfigBytes>>10)}
	}
	root, err := parseYAML(data, file)
	if err != nil {
		return nil, nil, err
	}
	d := newDecoder(file, getenv)
	cfg := Default()
	if root != nil {
		d.decode(root, reflect.ValueOf(cfg).Elem(), nil)
	}
	inherited := cfg.derive(dir)
	for _, p := range d.pending {
		if cfg.enabledAt(p.path) {
			d.add(p.fe)
		}
	}
	ch := newChecker(file, d.lines, d.bad, inherited)
	ch.config(cfg)
	ch.finish()
	problems := append(d.problems, ch.problems...)
	if d.dropped > 0 {
		problems = append(problems, &FieldError{File: file, Msg: fmt.Sprintf("and %d more problems not listed", d.dropped)})
	}
	if len(problems) > 0 {
		errs := make([]error, len(problems))
		for i, p := range problems {
			errs[i] = p
		}
		return nil, nil, errors.Join(errs...)
	}
	cfg.file, cfg.lines, cfg.warnings = file, d.lines, ch.warnings
	return cfg, d.inline, nil
}

// parseYAML parses exactly one YAML document and returns its root node;
// nil for an empty file.
func parseYAML(data []byte, file string) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		return nil, syntaxError(file, err)
	}
	var extra yaml.Node
	switch err := dec.Decode(&extra); {
	case errors.Is(err, io.EOF):
	case err != nil:
		return nil, syntaxError(file, err)
	default:
		return nil, &FieldError{File: file, Line: extra.Line, Msg: "a second YAML document (---); the config is one document"}
	}
	if doc.Kind == yaml.DocumentNode {
		if len(doc.Content) == 0 {
			return nil, nil
		}
		return doc.Content[0], nil
	}
	return &doc, nil
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// parserProblems are the messages of yaml.v3's parser (as opposed to its
// scanner). yaml.v3 prints the 0-based line of a parser error's mark, one
// line early, but the 1-based line of a scanner error; it prints no line at
// all for a mark on the first line.
var parserProblems = []string{
	"did not find expected ",
	"found duplicate %TAG directive",
	"found duplicate %YAML directive",
	"found incompatible YAML document",
	"found undefined tag handle",
}

func isParserProblem(msg string) bool {
	for _, p := range parserProblems {
		if strings.HasPrefix(msg, p) {
			return true
		}
	}
	return false
}

// syntaxError turns yaml.v3's "yaml: line 3: msg" into a FieldError with
// the 1-based line of the problem (or of the construct it is in, such as a
// list that is never closed).
func syntaxError(file string, err error) error {
	msg := err.Error()
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		if isParserProblem(m[2]) {
			line++
		}
		return &FieldError{File: file, Line: line, Msg: "YAML syntax: " + m[2]}
	}
	msg = strings.TrimPrefix(msg, "yaml: ")
	line := 0
	if isParserProblem(msg) {
		line = 1
	}
	return &FieldError{File: file, Line: line, Msg: "YAML syntax: " + msg}
}
