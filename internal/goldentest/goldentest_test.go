package goldentest

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// recorder is a testing.TB that records failures instead of failing. Its
// Fatal methods end the goroutine, as testing's do: call through run.
type recorder struct {
	testing.TB
	failed []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, a ...any) {
	r.failed = append(r.failed, fmt.Sprintf(format, a...))
}
func (r *recorder) Fatalf(format string, a ...any) { r.Errorf(format, a...); runtime.Goexit() }
func (r *recorder) Fatal(a ...any)                 { r.Fatalf("%s", fmt.Sprint(a...)) }

// run calls f with r on a goroutine of its own, which r's Fatal may end.
func (r *recorder) run(f func(testing.TB)) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(r)
	}()
	<-done
}

func TestText(t *testing.T) {
	t.Parallel()
	if Updating() {
		t.Skip("compares on purpose; meaningless with -update")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "out.golden")
	if err := os.WriteFile(path, []byte("۱ آذر ۱۴۰۵\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path, got string
		wantFail        string
	}{
		{name: "Same", path: path, got: "۱ آذر ۱۴۰۵\n"},
		{name: "Differs", path: path, got: "2026-11-22\n", wantFail: "differs from the golden file"},
		{name: "FinalNewlineCounts", path: path, got: "۱ آذر ۱۴۰۵", wantFail: "differs"},
		{name: "Missing", path: filepath.Join(dir, "none.golden"), got: "x", wantFail: "go test -update to create it"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &recorder{TB: t}
			r.run(func(tb testing.TB) { Text(tb, tt.path, tt.got) })
			switch {
			case tt.wantFail == "" && len(r.failed) > 0:
				t.Fatalf("failed: %q", r.failed)
			case tt.wantFail != "" && (len(r.failed) != 1 || !strings.Contains(r.failed[0], tt.wantFail)):
				t.Fatalf("failures %q, want one saying %q", r.failed, tt.wantFail)
			}
		})
	}
}

func TestJSON(t *testing.T) {
	t.Parallel()
	if Updating() {
		t.Skip("compares on purpose; meaningless with -update")
	}
	path := filepath.Join(t.TempDir(), "out.json")
	if err := os.WriteFile(path, []byte("{\n  \"id\": \"1\",\n  \"text\": \"سلام\"\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := &recorder{TB: t}
	r.run(func(tb testing.TB) {
		JSON(tb, path, struct {
			ID   string `json:"id"`
			Text string `json:"text"`
		}{"1", "سلام"})
	})
	if len(r.failed) > 0 {
		t.Fatalf("failed: %q", r.failed)
	}
	r.run(func(tb testing.TB) { JSON(tb, path, map[string]string{"id": "2"}) })
	if len(r.failed) != 1 {
		t.Fatalf("failures %q, want one for a different value", r.failed)
	}
}

// TestText_Update sets the -update flag, so it does not run in parallel.
func TestText_Update(t *testing.T) {
	defer func(was bool) { *update = was }(*update)
	*update = true
	path := filepath.Join(t.TempDir(), "testdata", "new.golden")
	r := &recorder{TB: t}
	r.run(func(tb testing.TB) { Text(tb, path, "fresh\n") })
	if len(r.failed) > 0 {
		t.Fatalf("failed: %q", r.failed)
	}
	if b, err := os.ReadFile(path); err != nil || string(b) != "fresh\n" {
		t.Fatalf("golden file holds %q, %v; want the output written", b, err)
	}
}
