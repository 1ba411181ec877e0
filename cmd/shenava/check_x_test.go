package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A thank-you template with a link is billed about 13× on X: check says so
// when X is on, and only then.
func TestCheck_XLinkInThankYou(t *testing.T) {
	write := func(xOn bool) string {
		dir := t.TempDir()
		cfg := `brand:
  name: Shenava Coffee
  keywords: [shenava]
sources:
  x:
    enabled: ` + map[bool]string{true: "true", false: "false"}[xOn] + `
    bearer_token: app-token
    user_id: "2244994945"
    oauth2_user_token: user-token
routing:
  thank_you:
    mode: auto
    public:
      fa: ["{author} عزیز، ممنون!"]
      en: ["Thank you, {author}!", "Thanks {author}! Our menu: https://shenava.example/menu"]
storage:
  path: shenava.db
`
		if !xOn {
			cfg = strings.Replace(cfg, "sources:\n", "sources:\n  file:\n    - {name: replay, path: mentions.jsonl}\n", 1)
			os.WriteFile(filepath.Join(dir, "mentions.jsonl"), nil, 0o600)
		}
		path := filepath.Join(dir, "config.yaml")
		if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	var te testEnv
	if err := te.run(t, "check", "-offline", "-config", write(true)); err != nil {
		t.Fatalf("check: %v\n%s", err, te.stdout.String())
	}
	want := "! routing.thank_you.public.en[1]: contains a link (https://shenava.example/menu); on X a post with a URL is billed about 13× a plain one"
	if out := te.stdout.String(); !strings.Contains(out, want) || strings.Contains(out, "public.en[0]") || strings.Contains(out, "public.fa") {
		t.Fatalf("check output lacks the link warning for en[1] alone:\n%s", out)
	}
	if err := te.run(t, "check", "-offline", "-config", write(false)); err != nil {
		t.Fatalf("check without X: %v\n%s", err, te.stdout.String())
	}
	if out := te.stdout.String(); strings.Contains(out, "contains a link") {
		t.Fatalf("link warning without X:\n%s", out)
	}
}
