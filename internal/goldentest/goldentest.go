// Package goldentest compares test output with golden files, and rewrites
// them when the tests run with -update:
//
//	go test ./bot -update   # then review the diff of testdata/
//
// Packages that use it get the -update flag from it and must not declare
// their own.
package goldentest

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files instead of comparing with them")

// Updating reports whether the tests run with -update.
func Updating() bool { return *update }

// Text fails tb unless got is the content of the golden file at path. With
// -update it writes got there instead, creating the directory.
func Text(tb testing.TB, path, got string) {
	tb.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			tb.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		tb.Errorf("%s differs from the golden file (run go test -update after checking the change):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// JSON is Text for got written as indented JSON with a final newline.
func JSON(tb testing.TB, path string, got any) {
	tb.Helper()
	b, err := json.MarshalIndent(got, "", "  ")
	if err != nil {
		tb.Fatal(err)
	}
	Text(tb, path, string(append(b, '\n')))
}
