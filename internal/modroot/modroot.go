// Package modroot finds the module's root, the directory holding go.mod,
// for the code that reads files kept beside the source: the tests' fixtures
// and published API documents in ../shared, and `shenava train`, which
// writes the shipped model into the tree.
package modroot

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Find walks up from the working directory to the directory holding
// go.mod.
func Find() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	return FindFrom(dir)
}

// FindFrom walks up from dir to the directory holding go.mod. The error
// when there is none wraps fs.ErrNotExist.
func FindFrom(dir string) (string, error) {
	for d := dir; ; {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", fmt.Errorf("no go.mod above %s: %w", dir, fs.ErrNotExist)
		}
		d = parent
	}
}
