// Package newfile writes a file that must not exist yet, such as a backup
// copy: created readable by its owner only, never over an existing file,
// synced to disk before it counts as written, and removed when writing it
// failed, so a half-written copy never lies around looking like a good one.
package newfile

import (
	"io"
	"os"
)

// Write creates path (mode 0600; an existing file is an error), lets fill
// write its contents, syncs and closes it, and returns what fill wrote. If
// anything fails, the file is removed and the first error is returned.
func Write(path string, fill func(w io.Writer) (int64, error)) (int64, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return 0, err
	}
	n, err := fill(f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return 0, err
	}
	return n, nil
}
