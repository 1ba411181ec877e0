package main

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sectionConfig is a valid config with one file source; each "{name}" is
// replaced by a test case's lines for that section ("" leaves it out).
const sectionConfig = `brand:
  name: Shenava Coffee
  keywords: [shenava]
{brand}sources:
  file:
    - name: replay
      path: mentions.jsonl
{file}{sources}{telegram}{sections}storage:
  path: {storage}
`

// TestCheckAndRun_SameErrors: for each section, one bad value makes check
// and run fail with the same single message naming file:line: key, so
// nothing run refuses passes check.
func TestCheckAndRun_SameErrors(t *testing.T) {
	t.Parallel()
	const tg = "telegram:\n  enabled: true\n  token: \"1:abc\"\n  alert_chat_id: -100\n  managers:\n    - id: 1\n      name: Sara\n"
	tests := []struct {
		name string
		// parts replaces the placeholders; the bad line ends in "# bad".
		parts map[string]string
		key   string
		msg   string
	}{
		{"FileInterval", map[string]string{"file": "      interval: 10ms # bad\n"}, "sources.file[0].interval", "below the minimum 1s"},
		{"RSSTimeout", map[string]string{"sources": "  rss:\n    enabled: true\n    feeds: [{name: news, url: \"https://news.example/feed\"}]\n    timeout: 0s # bad\n"},
			"sources.rss.timeout", "between 1s and 5m"},
		{"RSSFeedURL", map[string]string{"sources": "  rss:\n    enabled: true\n    feeds:\n      - name: news\n        url: ftp://news.example/feed # bad\n"},
			"sources.rss.feeds[0].url", "http:// or https://"},
		{"XMaxPages", map[string]string{"sources": "  x:\n    enabled: true\n    bearer_token: t\n    user_id: \"42\"\n    max_pages: 0 # bad\n    mentions: {interval: 15m}\n"},
			"sources.x.max_pages", "between 1 and 20"},
		{"MastodonVisibility", map[string]string{"sources": "  mastodon:\n    enabled: true\n    server: https://mastodon.example\n    access_token: t\n    reply_visibility: direct # bad\n"},
			"sources.mastodon.reply_visibility", "public, unlisted"},
		{"TelegramManagersSameNameIgnoringCase", map[string]string{"telegram": tg + "    - id: 2\n      name: sara # bad\n"},
			"telegram.managers[1].name", `"sara" is already telegram.managers[0]`},
		{"TelegramTokenShape", map[string]string{"telegram": strings.Replace(tg, `token: "1:abc"`, "token: abc # bad", 1)},
			"telegram.token", "<bot id>:<secret>"},
		{"TelegramAlertChatPrivate", map[string]string{"telegram": strings.Replace(tg, "alert_chat_id: -100", "alert_chat_id: 100 # bad", 1)},
			"telegram.alert_chat_id", "private chat"},
		{"RoutingThreshold", map[string]string{"sections": "routing:\n  alert:\n    threshold: 2 # bad\n"}, "routing.alert.threshold", "probability"},
		{"DigestTop", map[string]string{"sections": "digest:\n  top: 0 # bad\n"}, "digest.top", "between 1 and 10"},
		// More than fit one message: the digest refused it at run, check passed it.
		{"DigestTopTooMany", map[string]string{"sections": "digest:\n  top: 20 # bad\n"}, "digest.top", "between 1 and 10"},
		// The watcher writes in digest.lang even with the digest off.
		{"DigestLangForWatcher", map[string]string{"sections": "digest:\n  enabled: false\n  lang: de # bad\n"}, "digest.lang", "fa, en"},
		{"DigestLang", map[string]string{"sections": "digest:\n  lang: de # bad\n"}, "digest.lang", "fa, en"},
		{"DigestTime", map[string]string{"sections": "digest:\n  time: \"9:00\" # bad\n"}, "digest.time", "HH:MM"},
		{"DigestTimezone", map[string]string{"sections": "digest:\n  timezone: Tehran # bad\n"}, "digest.timezone", "unknown time zone"},
		{"SpikeK", map[string]string{"sections": "spike:\n  k: 0 # bad\n"}, "spike.k", "above 0"},
		{"SLARemind", map[string]string{"sections": "sla:\n  remind_after: [1h, 30m] # bad\n"}, "sla.remind_after[1]", "after the previous step"},
		{"SLARemindTooMany", map[string]string{"sections": "sla:\n  remind_after: [1m, 2m, 3m, 4m, 5m, 6m, 7m, 8m, 9m, 10m, 11m] # bad\n"}, "sla.remind_after", "at most 10 steps"},
		{"SLAFirstResponse", map[string]string{"sections": "sla:\n  first_response: 0s # bad\n"}, "sla.first_response", "positive"},
		{"SLARecoveryWindow", map[string]string{"sections": "sla:\n  recovery_window: -1h # bad\n"}, "sla.recovery_window", "negative"},
		{"ListenJitter", map[string]string{"sections": "listen:\n  jitter: 3 # bad\n"}, "listen.jitter", "fraction"},
		{"OutboxWorkers", map[string]string{"sections": "outbox:\n  workers: 0 # bad\n"}, "outbox.workers", "between 1 and 64"},
		{"LogLevel", map[string]string{"sections": "log:\n  level: loud # bad\n"}, "log.level", "one of debug"},
		{"MetricsRemote", map[string]string{"sections": "metrics:\n  listen: 0.0.0.0:9464 # bad\n"}, "metrics.listen", "reachable from other machines"},
		{"BrandHashtag", map[string]string{"brand": "  hashtags: [\"two words\"] # bad\n"}, "brand.hashtags[0]", "one word"},
		// A tatweel alone folds to nothing: brand.New refused it, check did not.
		{"BrandExclusionFoldsAway", map[string]string{"brand": "  exclusions: [\"\u0640\"] # bad\n"}, "brand.exclusions[0]", "empty after normalisation"},
		{"ModelUnreadable", map[string]string{"sections": "routing:\n  model: broken.model # bad\n"}, "routing.model", "not a Shenava sentiment model"},
		{"StorageIsDirectory", map[string]string{"storage": "data # bad"}, "storage.path", "is a directory"},
		{"StorageDriver", map[string]string{"storage": "shenava.db\n  driver: sqlite # bad"}, "storage.driver", "one of bbolt, postgres"},
		{"StorageDSNRequired", map[string]string{"storage": "shenava.db\n  driver: postgres\n  dsn: \"\" # bad"},
			"storage.dsn", "required when storage.driver is postgres"},
		{"StorageDSNShape", map[string]string{"storage": "shenava.db\n  driver: postgres\n  dsn: db.example:5432 # bad"},
			"storage.dsn", "postgres:// URL or key=value pairs"},
		{"StorageMaxConns", map[string]string{"storage": "shenava.db\n  driver: postgres\n  dsn: host=db.example\n  max_conns: 0 # bad"},
			"storage.max_conns", "between 1 and 1000"},
		{"StorageConnectTimeout", map[string]string{"storage": "shenava.db\n  driver: postgres\n  dsn: host=db.example\n  connect_timeout: 1h # bad"},
			"storage.connect_timeout", "between 1s and 5m"},
		{"StorageReplica", map[string]string{"storage": "shenava.db\n  driver: postgres\n  dsn: host=db.example\n  replica: \"shenava 1\" # bad"},
			"storage.replica", "one word"},
		// With PostgreSQL the file's directory does not matter.
		{"PostgresIgnoresPath", map[string]string{"storage": "data\n  driver: postgres\n  dsn: host=db.example\n  max_conns: -1 # bad"},
			"storage.max_conns", "between 1 and 1000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "mentions.jsonl"), nil, 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Mkdir(filepath.Join(dir, "data"), 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "broken.model"), []byte("not a model"), 0o600); err != nil {
				t.Fatal(err)
			}
			text := sectionConfig
			for _, p := range []string{"brand", "file", "sources", "telegram", "sections"} {
				part := tt.parts[p]
				if p == "sources" && part != "" {
					// Under the sources: key that file: already opened.
					part = strings.TrimPrefix(part, "sources:\n")
				}
				text = strings.Replace(text, "{"+p+"}", part, 1)
			}
			storage := "shenava.db"
			if s, ok := tt.parts["storage"]; ok {
				storage = s
			}
			text = strings.Replace(text, "{storage}", storage, 1)
			line := 0
			for i, l := range strings.Split(text, "\n") {
				if strings.HasSuffix(l, "# bad") {
					line = i + 1
				}
			}
			if line == 0 {
				t.Fatal("no line marked # bad")
			}
			path := filepath.Join(dir, "config.yaml")
			if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
				t.Fatal(err)
			}
			want := fmt.Sprintf("%s:%d: %s: ", path, line, tt.key)

			var te testEnv
			checkErr := te.run(t, "check", "-offline", "-config", path)
			checkOut := te.stdout.String()
			if checkErr == nil {
				t.Fatalf("check passed:\n%s", checkOut)
			}
			runErr := te.run(t, "run", "-config", path)
			if runErr == nil {
				t.Fatal("run started")
			}
			checkMsgs := problemLines(checkErr.Error() + "\n" + checkOut)
			runMsgs := problemLines(runErr.Error())
			if len(checkMsgs) != 1 || !strings.HasPrefix(checkMsgs[0], want) || !strings.Contains(checkMsgs[0], tt.msg) {
				t.Fatalf("check: problems %q, want one starting %q and containing %q\n%s", checkMsgs, want, tt.msg, checkOut)
			}
			if len(runMsgs) != 1 || runMsgs[0] != checkMsgs[0] {
				t.Fatalf("run: problems %q, want the same as check: %q", runMsgs, checkMsgs)
			}
		})
	}
}

// problemLines picks the "file:line: key: problem" messages out of a
// command's output and error.
func problemLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		i := strings.Index(l, "/config.yaml:")
		if i < 0 {
			continue
		}
		// Drop prefixes such as "✗ files: " or "run: ".
		j := strings.LastIndex(l[:i], " ")
		out = append(out, l[j+1:])
	}
	return out
}

// TestRun_DisabledSpikeNotUsed: a disabled section is not checked, so run
// must not use its values either (the watcher still runs for reminders).
func TestRun_DisabledSpikeNotUsed(t *testing.T) {
	t.Parallel()
	path := writeConfig(t, t.TempDir(), "spike:\n  enabled: false\n  k: -1\n")
	cfg, err := loadConfig(env{getenv: func(string) string { return "" }}, path)
	if err != nil {
		t.Fatal(err)
	}
	db, err := openStore(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	w, err := newWatcher(cfg, db, nil, slog.New(slog.DiscardHandler))
	if err != nil || w == nil {
		t.Fatalf("newWatcher = %v, %v; want a watcher for the reminders", w, err)
	}
}
