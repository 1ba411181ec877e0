package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// CheckFiles checks what the config names on the file system: each file
// source and the model file exist and are readable, and the database's
// directory exists (for the bbolt driver).
// It is separate from Parse so that a config can be validated where its
// files are not (another machine, a test); "shenava check" and
// "shenava run" call it.
func (c *Config) CheckFiles() error {
	ch := newChecker(c.file, c.lines, nil, nil)
	for i, f := range c.Sources.File {
		key := fmt.Sprintf("sources.file[%d].path", i)
		if f.Path == "" {
			continue
		}
		if err := readable(f.Path); err != nil {
			ch.errorf(key, "%v", err)
		}
	}
	if c.Routing.Model != "" {
		if err := readable(c.Routing.Model); err != nil {
			ch.errorf("routing.model", "%v", err)
		}
	}
	if !c.Storage.Postgres() && c.Storage.Path != "" {
		if fi, err := os.Stat(c.Storage.Path); err == nil && fi.IsDir() {
			ch.errorf("storage.path", "%s is a directory; name the database file in it, e.g. %s",
				c.Storage.Path, filepath.Join(c.Storage.Path, DefaultStoragePath))
		}
		dir := filepath.Dir(c.Storage.Path)
		switch fi, err := os.Stat(dir); {
		case errors.Is(err, fs.ErrNotExist):
			ch.errorf("storage.path", "directory %s does not exist", dir)
		case err != nil:
			ch.errorf("storage.path", "%v", err)
		case !fi.IsDir():
			ch.errorf("storage.path", "%s is not a directory", dir)
		}
	}
	return ch.err()
}

func readable(path string) error {
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%s does not exist (a relative path is resolved against the config file's directory)", path)
	}
	if err != nil {
		return err
	}
	if fi.IsDir() {
		return fmt.Errorf("%s is a directory, not a file", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	return f.Close()
}

// CheckPermissions warns when a file holding secrets or private data (the
// config, the database) can be read or written by other users. It returns
// nothing for a file that does not exist, and nothing on Windows, where
// mode bits do not describe access.
func CheckPermissions(path string) []string {
	read, write, mode, err := openTo(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return []string{fmt.Sprintf("%s: cannot check permissions: %v", path, err)}
	}
	var out []string
	if read != "" {
		out = append(out, fmt.Sprintf("%s: readable by %s (mode %s); chmod 600 %s", path, read, mode, path))
	}
	if write != "" {
		out = append(out, fmt.Sprintf("%s: writable by %s (mode %s); chmod 600 %s", path, write, mode, path))
	}
	return out
}

// openTo says who besides the owner may read and write path: "", "group",
// "others" or "group and others".
func openTo(path string) (read, write string, mode fs.FileMode, err error) {
	fi, err := os.Stat(path)
	if err != nil {
		return "", "", 0, err
	}
	if runtime.GOOS == "windows" {
		return "", "", fi.Mode(), nil
	}
	m := fi.Mode().Perm()
	who := func(group, others fs.FileMode) string {
		var w []string
		if m&group != 0 {
			w = append(w, "group")
		}
		if m&others != 0 {
			w = append(w, "others")
		}
		return strings.Join(w, " and ")
	}
	return who(0o040, 0o004), who(0o020, 0o002), fi.Mode(), nil
}

// configFileWarnings warns about a config file with inline secrets that
// others can read, and about one that others can change (they could point
// api_url elsewhere and collect the tokens).
func configFileWarnings(path string, inline []string) []string {
	read, write, mode, err := openTo(path)
	if err != nil {
		return nil
	}
	var out []string
	if read != "" && len(inline) > 0 {
		out = append(out, fmt.Sprintf("%s: readable by %s (mode %s) and holds secrets inline (%s); chmod 600 %s, "+
			"or take them from the environment (${NAME} or NAME_FILE)", path, read, mode, strings.Join(inline, ", "), path))
	}
	if write != "" {
		out = append(out, fmt.Sprintf("%s: writable by %s (mode %s); chmod 600 %s", path, write, mode, path))
	}
	return out
}
