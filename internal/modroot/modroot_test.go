package modroot

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

func TestFindFrom(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "go.mod"), []byte("module example.com/m\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	deep := filepath.Join(root, "a", "b", "c")
	if err := os.MkdirAll(deep, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{root, filepath.Join(root, "a"), deep} {
		if got, err := FindFrom(dir); err != nil || got != root {
			t.Errorf("FindFrom(%s)=%q, %v, want %q", dir, got, err, root)
		}
	}
}

func TestFindFrom_None(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	root, err := FindFrom(dir)
	if err == nil {
		t.Skipf("the temporary directory is inside the module at %s", root)
	}
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("FindFrom(%s) error=%v, want fs.ErrNotExist", dir, err)
	}
}

// From this package's directory, the module's root is two levels up.
func TestFind(t *testing.T) {
	t.Parallel()
	got, err := Find()
	if err != nil {
		t.Fatal(err)
	}
	wd, _ := os.Getwd()
	if want := filepath.Dir(filepath.Dir(wd)); got != want {
		t.Fatalf("Find()=%q, want %q", got, want)
	}
}
