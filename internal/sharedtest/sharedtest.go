// Package sharedtest finds, for tests, the module's root and the shared
// directory beside it (../shared: the published API documents and the
// data sets), with one rule for when that directory is missing: the test
// fails when env CI is set (CI must provide it) and is skipped elsewhere,
// saying what is missing.
package sharedtest

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"testing"

	"github.com/shenava/shenava/internal/modroot"
)

// Root returns the module's root, the directory holding go.mod above the
// test's directory, or fails the test.
func Root(tb testing.TB) string {
	tb.Helper()
	root, err := modroot.Find()
	if err != nil {
		tb.Fatal(err)
	}
	return root
}

// Path returns the path of rel under ../shared next to the module root.
// When it does not exist the test fails if env CI is set and is skipped
// otherwise; what says what rel holds.
func Path(tb testing.TB, rel, what string) string {
	tb.Helper()
	root, err := modroot.Find()
	if err == nil {
		p := filepath.Join(filepath.Dir(root), "shared", filepath.FromSlash(rel))
		if _, err = os.Stat(p); err == nil {
			return p
		}
	}
	msg := fmt.Sprintf("../shared/%s is not available (%v); it holds %s", filepath.ToSlash(rel), err, what)
	if os.Getenv("CI") != "" {
		tb.Fatal(msg)
	}
	tb.Skip(msg)
	return ""
}

// Data returns ../shared/data, the data sets the sentiment model is
// trained and evaluated on, under the rule of [Path].
func Data(tb testing.TB) string {
	tb.Helper()
	return filepath.Dir(Path(tb, "data/sentiment", "the data sets the sentiment model is trained and evaluated on"))
}

// FreeAddr returns a loopback address nobody listens on right now, for a
// server a test starts (a daemon's listen addresses).
func FreeAddr(tb testing.TB) string {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}
