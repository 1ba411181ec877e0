package newfile

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWrite(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "copy.db")
	n, err := Write(path, func(w io.Writer) (int64, error) { return io.Copy(w, strings.NewReader("hello")) })
	if err != nil || n != 5 {
		t.Fatalf("Write=%d, %v, want 5, nil", n, err)
	}
	got, err := os.ReadFile(path)
	if err != nil || string(got) != "hello" {
		t.Fatalf("the file holds %q, %v", got, err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if mode := st.Mode().Perm(); mode&0o077 != 0 {
		t.Fatalf("mode %v: others may read the copy", mode)
	}
}

func TestWrite_NeverOverwrites(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "copy.db")
	if err := os.WriteFile(path, []byte("precious"), 0o600); err != nil {
		t.Fatal(err)
	}
	called := false
	_, err := Write(path, func(w io.Writer) (int64, error) { called = true; return 0, nil })
	if !errors.Is(err, fs.ErrExist) || called {
		t.Fatalf("Write over an existing file: %v (fill called: %v), want fs.ErrExist before filling", err, called)
	}
	if got, _ := os.ReadFile(path); string(got) != "precious" {
		t.Fatalf("the existing file now holds %q", got)
	}
}

func TestWrite_FailureRemovesTheFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "copy.db")
	boom := errors.New("database went away")
	_, err := Write(path, func(w io.Writer) (int64, error) {
		io.WriteString(w, "half")
		return 4, boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Write=%v, want %v", err, boom)
	}
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("a failed write left %s behind (stat: %v)", path, err)
	}
}
