package lab

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// DataDigest is a SHA-256 over the data the shipped models are trained
// from by default: every file of DefaultCorpora and TestSets (whose texts
// are kept out of training) and of the lexicons directory, names and
// contents in a fixed order. `shenava train` records it next to a model
// trained on the defaults, so a test can tell when that data has changed
// since: the shipped model then no longer rebuilds bit for bit.
func DataDigest(dataRoot, repoRoot string) (string, error) {
	h := sha256.New()
	add := func(name, path string) error {
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		fmt.Fprintf(h, "%s\x00", name)
		n, err := io.Copy(h, f)
		fmt.Fprintf(h, "\x00%d\x00", n)
		return err
	}
	for _, c := range append(DefaultCorpora(), TestSets()...) {
		if err := add(c.Name, c.resolve(dataRoot, repoRoot)); err != nil {
			return "", fmt.Errorf("data digest: %w", err)
		}
	}
	lex := filepath.Join(dataRoot, "lexicons")
	err := filepath.WalkDir(lex, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(lex, path)
		return add("lexicons/"+filepath.ToSlash(rel), path)
	})
	if err != nil {
		return "", fmt.Errorf("data digest: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// ReadDataDigest reads the digest recorded in path (a model's ".data"
// file), "" when there is none.
func ReadDataDigest(path string) (string, error) {
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(b)), nil
}
