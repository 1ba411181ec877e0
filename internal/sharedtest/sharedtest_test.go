package sharedtest

import (
	"os"
	"path/filepath"
	"testing"
)

func TestRoot(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat(filepath.Join(Root(t), "go.mod")); err != nil {
		t.Fatal(err)
	}
}

func TestPath_missing(t *testing.T) {
	t.Setenv("CI", "")
	var skipped bool
	rec := &recorder{TB: t, skipped: &skipped}
	func() {
		defer func() { _ = recover() }()
		Path(rec, "specs/no-such-api/openapi.json", "nothing")
	}()
	if !skipped {
		t.Fatal("a missing shared file did not skip the test outside CI")
	}
	t.Setenv("CI", "true")
	var failed bool
	frec := &recorder{TB: t, failed: &failed, skipped: new(bool)}
	func() {
		defer func() { _ = recover() }()
		Path(frec, "specs/no-such-api/openapi.json", "nothing")
	}()
	if !failed {
		t.Fatal("a missing shared file did not fail the test in CI")
	}
}

type recorder struct {
	testing.TB
	skipped, failed *bool
}

func (r *recorder) Helper() {}
func (r *recorder) Skip(args ...any) {
	*r.skipped = true
	panic("skip")
}
func (r *recorder) Fatal(args ...any) {
	*r.failed = true
	panic("fatal")
}
