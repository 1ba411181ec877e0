package main

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
)

// Build stamps, set with -ldflags "-X main.version=v1.2.3 -X main.commit=abc123".
// commit is only needed where the Go toolchain cannot record the VCS state
// itself (builds with -buildvcs=false, or from a source archive).
var commit = ""

// buildInfo is what `shenava version` reports.
type buildInfo struct {
	Version  string
	Commit   string
	Modified bool
	Go       string
}

// currentBuild combines the stamped values with what the toolchain recorded.
// A stamped commit wins over vcs.revision, which it is usually a copy of.
func currentBuild(read func() (*debug.BuildInfo, bool)) buildInfo {
	b := buildInfo{Version: version, Commit: commit, Go: runtime.Version()}
	info, ok := read()
	if !ok {
		return b
	}
	if b.Go == "" {
		b.Go = info.GoVersion
	}
	if b.Version == "dev" && info.Main.Version != "" && info.Main.Version != "(devel)" {
		b.Version = info.Main.Version
	}
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			if b.Commit == "" {
				b.Commit = s.Value
			}
		case "vcs.modified":
			b.Modified = s.Value == "true"
		}
	}
	return b
}

func (b buildInfo) String() string {
	c := b.Commit
	if c == "" {
		c = "unknown"
	} else if b.Modified {
		c += " (modified)"
	}
	return fmt.Sprintf("shenava %s\ncommit  %s\ngo      %s\n", b.Version, c, b.Go)
}

func cmdVersion() command {
	return command{
		summary: "print the version, commit and Go version",
		run: func(_ context.Context, e env, args []string) error {
			fs := newFlagSet(e, "version", "")
			if err := parseFlags(fs, args); err != nil {
				return err
			}
			if fs.NArg() > 0 {
				return fmt.Errorf("version takes no arguments: %w", errUsage)
			}
			_, err := fmt.Fprint(e.stdout, currentBuild(debug.ReadBuildInfo))
			return err
		},
	}
}
