package main

import (
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
)

func TestVersion_Command(t *testing.T) {
	oldV, oldC := version, commit
	t.Cleanup(func() { version, commit = oldV, oldC })
	version, commit = "v1.4.0", "0123abcd"
	for _, args := range [][]string{{"version"}, {"--version"}} {
		var te testEnv
		if err := te.run(t, args...); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		out := te.stdout.String()
		for _, want := range []string{"shenava v1.4.0\n", "commit  0123abcd", "go      " + runtime.Version()} {
			if !strings.Contains(out, want) {
				t.Errorf("%v printed\n%s\nwant it to contain %q", args, out, want)
			}
		}
	}
	var te testEnv
	if err := te.run(t, "version", "extra"); exitCode(err) != 2 {
		t.Errorf("version extra: err=%v, want a usage error", err)
	}
	te.run(t, "help")
	if !strings.Contains(te.stdout.String(), "version") || !strings.Contains(te.stdout.String(), "--version") {
		t.Errorf("usage does not list version:\n%s", te.stdout.String())
	}
}

func TestVersion_BuildInfo(t *testing.T) {
	oldV, oldC := version, commit
	t.Cleanup(func() { version, commit = oldV, oldC })
	info := func(settings ...debug.BuildSetting) func() (*debug.BuildInfo, bool) {
		return func() (*debug.BuildInfo, bool) {
			return &debug.BuildInfo{GoVersion: "go1.x", Main: debug.Module{Version: "(devel)"}, Settings: settings}, true
		}
	}
	vcs := []debug.BuildSetting{{Key: "vcs.revision", Value: "feedface"}, {Key: "vcs.modified", Value: "true"}}
	tests := []struct {
		name, version, commit string
		read                  func() (*debug.BuildInfo, bool)
		want                  string
	}{
		{"toolchain records the commit", "dev", "", info(vcs...), "commit  feedface (modified)"},
		{"stamped commit wins", "v2", "c0ffee", info(vcs...), "commit  c0ffee (modified)"},
		{"buildvcs=false, stamped", "v2", "c0ffee", info(), "commit  c0ffee\n"},
		{"buildvcs=false, not stamped", "dev", "", info(), "commit  unknown"},
		{"no build info", "dev", "", func() (*debug.BuildInfo, bool) { return nil, false }, "shenava dev\ncommit  unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			version, commit = tt.version, tt.commit
			if got := currentBuild(tt.read).String(); !strings.Contains(got, tt.want) {
				t.Errorf("got\n%s\nwant it to contain %q", got, tt.want)
			}
		})
	}
}
