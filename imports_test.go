package shenava

import (
	"errors"
	"go/build"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The import rules of the project structure (README.md). Only the
// packages' own files count, not their tests: a test may open a real store.
//
//   - core imports only the standard library.
//   - An adapter (store, sentiment and its sub-packages, connector/<name>,
//     bot, metrics, admin, web) imports no other adapter.
//   - A service (listen, digest, watch, brand, and any other package of
//     ours not named here) imports no adapter: it declares the small
//     interfaces it consumes.
//   - internal/<name> packages are shared helpers: they import no adapter
//     and no service, except a test helper for one adapter
//     (internal/storetest opens stores).
//   - config composes the option types the adapters and services own, so it
//     may import them; nothing but cmd imports config.
//   - Nothing outside cmd imports cmd: cmd/shenava is the one place that
//     imports everything and wires it.

const module = "github.com/shenava/shenava"

// adapterRoots are the adapters, by the path below the module; a package
// below one (sentiment/vader) belongs to the same adapter.
var adapterRoots = []string{"store", "sentiment", "bot", "metrics", "admin", "web"}

// adapterParents hold one adapter per sub-directory (connector/x).
var adapterParents = []string{"connector"}

// testHelpers may import the one adapter they help test.
var testHelpers = map[string]string{"internal/storetest": "store"}

type kind int

const (
	kindOther kind = iota
	kindCore
	kindAdapter
	kindService
	kindInternal
	kindConfig
	kindCmd
	kindRoot
)

// classify returns what a package of ours is and, for an adapter, which
// one (so an adapter's sub-packages may import each other).
func classify(rel string) (kind, string) {
	first, rest, _ := strings.Cut(rel, "/")
	switch {
	case rel == "":
		return kindRoot, ""
	case rel == "core":
		return kindCore, ""
	case rel == "config":
		return kindConfig, ""
	case first == "cmd":
		return kindCmd, ""
	case first == "internal":
		return kindInternal, ""
	case slices.Contains(adapterRoots, first):
		return kindAdapter, first
	case slices.Contains(adapterParents, first) && rest != "":
		name, _, _ := strings.Cut(rest, "/")
		return kindAdapter, first + "/" + name
	}
	return kindService, ""
}

// violations checks an import graph (path below the module → the
// packages it imports, full paths) against the rules and returns one line
// per broken rule.
func violations(graph map[string][]string) []string {
	var out []string
	for pkg, imports := range graph {
		k, adapter := classify(pkg)
		for _, imp := range imports {
			rel, ours := strings.CutPrefix(imp, module)
			if ours && rel != "" && !strings.HasPrefix(rel, "/") {
				ours = false // a module whose path merely starts like ours
			}
			rel = strings.TrimPrefix(rel, "/")
			if !ours {
				first, _, _ := strings.Cut(imp, "/")
				if k == kindCore && strings.Contains(first, ".") {
					out = append(out, "core imports "+imp+": core imports only the standard library")
				}
				continue
			}
			ik, iadapter := classify(rel)
			var why string
			switch {
			case ik == kindCmd && k != kindCmd:
				why = "only cmd imports cmd"
			case ik == kindConfig && k != kindCmd:
				why = "only cmd imports config"
			case ik == kindRoot && k != kindCmd:
				why = "only cmd imports the module root"
			case k == kindCore:
				why = "core imports only the standard library"
			case k == kindAdapter && ik == kindAdapter && iadapter != adapter:
				why = "an adapter imports no other adapter"
			case k == kindService && ik == kindAdapter:
				why = "a service declares the interfaces it consumes and imports no adapter"
			case k == kindInternal && ik == kindAdapter && testHelpers[pkg] != rel:
				why = "internal helpers import no adapter"
			case k == kindInternal && ik == kindService:
				why = "internal helpers import no service"
			}
			if why != "" {
				out = append(out, pkg+" imports "+rel+": "+why)
			}
		}
	}
	slices.Sort(out)
	return out
}

// importGraph reads the imports of every package in the module (not of
// its tests), for the current platform.
func importGraph(t *testing.T) map[string][]string {
	t.Helper()
	graph := map[string][]string{}
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		name := d.Name()
		if path != "." && (name == "testdata" || name == "vendor" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
			return filepath.SkipDir
		}
		if path != "." {
			if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil {
				return filepath.SkipDir // another module
			}
		}
		p, err := build.ImportDir(path, 0)
		var noGo *build.NoGoError
		if errors.As(err, &noGo) {
			return nil
		}
		if err != nil {
			return err
		}
		rel := filepath.ToSlash(path)
		if rel == "." {
			rel = ""
		}
		graph[rel] = p.Imports
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return graph
}

func TestImportRules(t *testing.T) {
	t.Parallel()
	graph := importGraph(t)
	for _, must := range []string{"core", "store", "digest", "cmd/shenava"} {
		if _, ok := graph[must]; !ok {
			t.Fatalf("the walk found no package %s; it reads the wrong tree", must)
		}
	}
	for _, v := range violations(graph) {
		t.Error(v)
	}
}

// Each rule fires on a graph that breaks it, and a graph that keeps them
// all passes.
func TestImportRules_Violations(t *testing.T) {
	t.Parallel()
	m := func(rel string) string { return module + "/" + rel }
	tests := []struct {
		name  string
		graph map[string][]string
		want  []string
	}{
		{"Clean", map[string][]string{
			"core":               {"fmt", "time"},
			"store":              {m("core"), "go.etcd.io/bbolt"},
			"sentiment/train":    {m("sentiment"), m("core")},
			"connector/x":        {m("core"), m("internal/retryafter")},
			"digest":             {m("core"), m("internal/locale")},
			"bot":                {m("core"), m("cases")},
			"internal/storetest": {m("store")},
			"config":             {m("connector/x"), m("digest"), m("core")},
			"cmd/shenava":        {m("config"), m("store"), m("bot"), m("cmd/shenava/demo"), module},
			"cmd/shenava/demo":   {"fmt"},
		}, nil},
		{"CoreThirdParty", map[string][]string{"core": {"go.etcd.io/bbolt"}},
			[]string{"core imports go.etcd.io/bbolt: core imports only the standard library"}},
		{"CoreOurs", map[string][]string{"core": {m("internal/persian")}},
			[]string{"core imports internal/persian: core imports only the standard library"}},
		{"AdapterAdapter", map[string][]string{"bot": {m("store")}},
			[]string{"bot imports store: an adapter imports no other adapter"}},
		{"ConnectorConnector", map[string][]string{"connector/x": {m("connector/rss")}},
			[]string{"connector/x imports connector/rss: an adapter imports no other adapter"}},
		{"AdapterSubPackage", map[string][]string{"store": {m("sentiment/vader")}},
			[]string{"store imports sentiment/vader: an adapter imports no other adapter"}},
		{"ServiceStore", map[string][]string{"watch": {m("store")}},
			[]string{"watch imports store: a service declares the interfaces it consumes and imports no adapter"}},
		{"ServiceSentiment", map[string][]string{"brand": {m("sentiment")}},
			[]string{"brand imports sentiment: a service declares the interfaces it consumes and imports no adapter"}},
		{"NewServiceAdapter", map[string][]string{"cases": {m("bot")}},
			[]string{"cases imports bot: a service declares the interfaces it consumes and imports no adapter"}},
		{"InternalAdapter", map[string][]string{"internal/locale": {m("sentiment")}},
			[]string{"internal/locale imports sentiment: internal helpers import no adapter"}},
		{"InternalService", map[string][]string{"internal/locale": {m("digest")}},
			[]string{"internal/locale imports digest: internal helpers import no service"}},
		{"OnlyCmdImportsConfig", map[string][]string{"listen": {m("config")}},
			[]string{"listen imports config: only cmd imports config"}},
		{"OnlyCmdImportsCmd", map[string][]string{"bot": {m("cmd/shenava/demo")}},
			[]string{"bot imports cmd/shenava/demo: only cmd imports cmd"}},
		{"LookAlikeModule", map[string][]string{"core": {module + "-extra/x"}},
			[]string{"core imports " + module + "-extra/x: core imports only the standard library"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := violations(tt.graph); !slices.Equal(got, tt.want) {
				t.Fatalf("violations = %q, want %q", got, tt.want)
			}
		})
	}
}
