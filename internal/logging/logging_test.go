package logging

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
)

func TestNew(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	New(Config{Level: "warn", Format: "json"}, &buf).Info("hidden")
	New(Config{Level: "warn", Format: "json"}, &buf).Warn("shown")
	if out := buf.String(); strings.Contains(out, "hidden") || !strings.Contains(out, `"msg":"shown"`) {
		t.Fatalf("output %q, want only the warning, as JSON", out)
	}
	if DefaultConfig().SlogLevel() != slog.LevelInfo || (Config{Level: "debug"}).SlogLevel() != slog.LevelDebug {
		t.Error("levels")
	}
	if err := (Config{Level: "loud", Format: "xml"}).Validate(); err == nil ||
		!strings.Contains(err.Error(), "level: must be one of") || !strings.Contains(err.Error(), "format: must be one of") {
		t.Errorf("Validate()=%v", err)
	}
}
