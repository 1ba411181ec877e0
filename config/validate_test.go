package config_test

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/shenava/shenava/config"
)

// full enables every section, so that every check runs.
const full = `
brand:
  name: Acme
  keywords: [acme]
  hashtags: [acme]
  handles: {x: [acme], mastodon: [acme@example.social], telegram: [acme]}
  exclusions: [job]
  languages: [fa, en]
sources:
  file:
    - {name: replay, path: mentions.jsonl, interval: 10s}
  x:
    enabled: true
    bearer_token: ${X_BEARER}
    user_id: "42"
    search: {enabled: true, lang: fa}
    oauth2_user_token: ${X_USER}
  mastodon:
    enabled: true
    server: https://example.social
    access_token: ${MASTODON}
    hashtags: {enabled: true}
    search: {enabled: true}
  rss:
    enabled: true
    feeds: [{name: news, url: "https://example.com/feed.xml"}]
telegram:
  enabled: true
  token: ${TG}
  alert_chat_id: -100
  managers:
    - {id: 1, name: Sara}
    - {id: 2, name: Reza, lang: en, alerts: true}
  groups: [{chat_id: -200, name: fans}]
routing:
  thank_you: {mode: auto, reward_code: true}
  templates: [{name: sorry, fa: "ببخشید {author}", en: "Sorry, {author}"}]
digest: {enabled: true}
spike: {enabled: true}
metrics: {listen: "127.0.0.1:9464"}
`

var fullEnv = envMap(map[string]string{"X_BEARER": "b", "X_USER": "u", "MASTODON": "m", "TG": "123:abc"})

// set assigns value at a key path such as "telegram.managers[1].id" in a
// tree decoded from YAML, creating mappings on the way.
func set(tb testing.TB, root map[string]any, path string, value any) {
	tb.Helper()
	parts := regexp.MustCompile(`[^.\[\]]+|\[\d+\]`).FindAllString(path, -1)
	var cur any = root
	for i, part := range parts {
		last := i == len(parts)-1
		if strings.HasPrefix(part, "[") {
			idx, _ := strconv.Atoi(strings.Trim(part, "[]"))
			list, ok := cur.([]any)
			if !ok || idx >= len(list) {
				tb.Fatalf("set %s: no list entry %s", path, part)
			}
			if last {
				list[idx] = value
				return
			}
			cur = list[idx]
			continue
		}
		m, ok := cur.(map[string]any)
		if !ok {
			tb.Fatalf("set %s: %s is not in a mapping", path, part)
		}
		if last {
			m[part] = value
			return
		}
		if _, ok := m[part]; !ok {
			m[part] = map[string]any{}
		}
		cur = m[part]
	}
}

type kv struct {
	path  string
	value any
}

// withFull returns the full config with some keys changed.
func withFull(tb testing.TB, changes ...kv) []byte {
	tb.Helper()
	var root map[string]any
	if err := yaml.Unmarshal([]byte(full), &root); err != nil {
		tb.Fatal(err)
	}
	for _, c := range changes {
		set(tb, root, c.path, c.value)
	}
	out, err := yaml.Marshal(root)
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

func TestParse_FullConfigIsValid(t *testing.T) {
	t.Parallel()
	cfg, err := config.Parse(withFull(t), fullEnv)
	if err != nil {
		t.Fatalf("Parse(full): %v", err)
	}
	if w := cfg.Warnings(); len(w) != 0 {
		t.Errorf("Warnings()=%q, want none", w)
	}
}

// TestParse_Invalid changes one key of a valid config, with every section
// enabled, and expects exactly one problem, naming that key with a line.
func TestParse_Invalid(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", 65)
	twelve := []any{"1m", "2m", "3m", "4m", "5m", "6m", "7m", "8m", "9m", "10m", "11m"}
	tests := []struct {
		name    string
		changes []kv
		wantKey string
		wantMsg string
	}{
		// brand
		{"BrandName", []kv{{"brand.name", ""}}, "brand.name", "required"},
		{"BrandKeywordEmpty", []kv{{"brand.keywords", []any{"acme", " "}}}, "brand.keywords[1]", "empty entry"},
		{"BrandHashtagSpaces", []kv{{"brand.hashtags", []any{"two words"}}}, "brand.hashtags[0]", "one word"},
		{"BrandExclusionEmpty", []kv{{"brand.exclusions", []any{""}}}, "brand.exclusions[0]", "empty entry"},
		{"BrandHandleX", []kv{{"brand.handles.x", []any{"a b"}}}, "brand.handles.x[0]", "one word"},
		{"BrandHandleMastodon", []kv{{"brand.handles.mastodon", []any{"acme"}}}, "brand.handles.mastodon[0]", "user@server"},
		{"BrandHandleTelegram", []kv{{"brand.handles.telegram", []any{"@"}}}, "brand.handles.telegram[0]", "empty entry"},
		{"BrandLanguage", []kv{{"brand.languages", []any{"fa", "de"}}}, "brand.languages[1]", `got "de"`},
		{"BrandNothingToListenFor", []kv{
			{"brand.keywords", []any{}}, {"brand.hashtags", []any{}}, {"brand.handles", map[string]any{}},
			{"sources.x.search.enabled", false}, {"sources.mastodon.hashtags.enabled", false},
			{"sources.mastodon.search.enabled", false},
		}, "brand.keywords", "nothing to listen for"},

		// sources
		{"NoSource", []kv{
			{"sources.file", []any{}}, {"sources.x.enabled", false}, {"sources.mastodon.enabled", false},
			{"sources.rss.enabled", false}, {"telegram.groups", []any{}},
		}, "sources", "no source is enabled"},
		{"FileName", []kv{{"sources.file[0].name", ""}}, "sources.file[0].name", "required"},
		{"FileNameChars", []kv{{"sources.file[0].name", "my source!"}}, "sources.file[0].name", "letters, digits"},
		{"FileNameBuiltin", []kv{{"sources.file[0].name", config.SourceXMentions}}, "sources.file[0].name", "built-in"},
		{"FileNameDuplicate", []kv{{"sources.file[0].name", "news"}}, "sources.rss.feeds[0].name", "already the name of sources.file[0]"},
		{"FilePath", []kv{{"sources.file[0].path", ""}}, "sources.file[0].path", "required"},
		{"FileInterval", []kv{{"sources.file[0].interval", "100ms"}}, "sources.file[0].interval", "below the minimum 1s"},
		{"XBaseURLScheme", []kv{{"sources.x.base_url", "ftp://api.x.com"}}, "sources.x.base_url", "http:// or https://"},
		{"XBaseURLQuery", []kv{{"sources.x.base_url", "https://api.x.com/?a=b"}}, "sources.x.base_url", "without ?query"},
		{"XBaseURLUser", []kv{{"sources.x.base_url", "https://u:p@api.x.com"}}, "sources.x.base_url", "user name or password"},
		{"XBearerToken", []kv{{"sources.x.bearer_token", ""}}, "sources.x.bearer_token", "required when x is enabled"},
		{"XBearerTokenUnset", []kv{{"sources.x.bearer_token", "${NOPE}"}}, "sources.x.bearer_token", "NOPE is not set (nor NOPE_FILE)"},
		{"XUserIDHandle", []kv{{"sources.x.user_id", "@acme"}}, "sources.x.user_id", "numeric ID"},
		{"XUserIDMissing", []kv{{"sources.x.user_id", ""}}, "sources.x.user_id", "required for mentions"},
		{"XNoStream", []kv{{"sources.x.mentions.enabled", false}, {"sources.x.search.enabled", false}}, "sources.x", "both off"},
		{"XMentionsInterval", []kv{{"sources.x.mentions.interval", "30s"}}, "sources.x.mentions.interval", "below the minimum 1m"},
		{"XSearchInterval", []kv{{"sources.x.search.interval", "59s"}}, "sources.x.search.interval", "below the minimum 1m"},
		{"XSearchNothing", []kv{
			{"brand.keywords", []any{}}, {"brand.hashtags", []any{}}, {"sources.mastodon.enabled", false},
		}, "sources.x.search.query", "nothing to search for"},
		{"XSearchLang", []kv{{"sources.x.search.lang", "farsi"}}, "sources.x.search.lang", "language code"},
		{"XMaxResultsLow", []kv{{"sources.x.max_results", 5}}, "sources.x.max_results", "between 10 and 100"},
		{"XMaxResultsHigh", []kv{{"sources.x.max_results", 101}}, "sources.x.max_results", "between 10 and 100"},
		{"XMaxPagesLow", []kv{{"sources.x.max_pages", 0}}, "sources.x.max_pages", "between 1 and 20"},
		{"XMaxPagesHigh", []kv{{"sources.x.max_pages", 21}}, "sources.x.max_pages", "between 1 and 20"},
		{"XOAuth1Partial", []kv{
			{"sources.x.oauth2_user_token", ""},
			{"sources.x.oauth1", map[string]any{"consumer_key": "k", "consumer_secret": "s", "access_token": "t"}},
		}, "sources.x.oauth1.access_token_secret", "all four"},
		{"XBothWriteAuths", []kv{{"sources.x.oauth1", map[string]any{
			"consumer_key": "k", "consumer_secret": "s", "access_token": "t", "access_token_secret": "u",
		}}}, "sources.x.oauth2_user_token", "not both"},
		{"XTimeout", []kv{{"sources.x.timeout", "0s"}}, "sources.x.timeout", "between 1s and 5m"},
		{"MastodonServerMissing", []kv{{"sources.mastodon.server", ""}}, "sources.mastodon.server", "required when mastodon is enabled"},
		{"MastodonServerScheme", []kv{{"sources.mastodon.server", "example.social"}}, "sources.mastodon.server", "http:// or https://"},
		{"MastodonToken", []kv{{"sources.mastodon.access_token", "${NOPE}"}}, "sources.mastodon.access_token", "NOPE"},
		{"MastodonTokenEmpty", []kv{{"sources.mastodon.access_token", ""}}, "sources.mastodon.access_token", "required"},
		{"MastodonNoStream", []kv{
			{"sources.mastodon.notifications.enabled", false}, {"sources.mastodon.hashtags.enabled", false},
			{"sources.mastodon.search.enabled", false},
		}, "sources.mastodon", "all off"},
		{"MastodonNotificationsInterval", []kv{{"sources.mastodon.notifications.interval", "10s"}}, "sources.mastodon.notifications.interval", "minimum 30s"},
		{"MastodonHashtagsNone", []kv{{"brand.hashtags", []any{}}}, "sources.mastodon.hashtags.list", "no hashtag to follow"},
		{"MastodonHashtagSpaces", []kv{{"sources.mastodon.hashtags.list", []any{"a b"}}}, "sources.mastodon.hashtags.list[0]", "one word"},
		{"MastodonHashtagsInterval", []kv{{"sources.mastodon.hashtags.interval", "1s"}}, "sources.mastodon.hashtags.interval", "minimum 30s"},
		{"MastodonSearchNoKeywords", []kv{{"brand.keywords", []any{}}}, "sources.mastodon.search.enabled", "brand.keywords"},
		{"MastodonSearchInterval", []kv{{"sources.mastodon.search.interval", "1s"}}, "sources.mastodon.search.interval", "minimum 30s"},
		{"MastodonVisibility", []kv{{"sources.mastodon.reply_visibility", "direct"}}, "sources.mastodon.reply_visibility", "public, unlisted"},
		{"MastodonTimeout", []kv{{"sources.mastodon.timeout", "10m"}}, "sources.mastodon.timeout", "between 1s and 5m"},
		{"RSSNoFeeds", []kv{{"sources.rss.feeds", []any{}}}, "sources.rss.feeds", "no feeds"},
		{"RSSFeedName", []kv{{"sources.rss.feeds[0].name", ""}}, "sources.rss.feeds[0].name", "required"},
		{"RSSFeedURL", []kv{{"sources.rss.feeds[0].url", "file:///etc/passwd"}}, "sources.rss.feeds[0].url", "http:// or https://"},
		{"RSSFeedURLMissing", []kv{{"sources.rss.feeds[0].url", ""}}, "sources.rss.feeds[0].url", "required"},
		{"RSSFeedInterval", []kv{{"sources.rss.feeds[0].interval", "30s"}}, "sources.rss.feeds[0].interval", "minimum 1m"},
		{"RSSFeedIntervalInherited", []kv{{"listen.poll_interval", "30s"}}, "sources.rss.feeds[0].interval", "taken from listen.poll_interval"},
		{"RSSTimeout", []kv{{"sources.rss.timeout", "0s"}}, "sources.rss.timeout", "between"},
		{"RSSUserAgent", []kv{{"sources.rss.user_agent", "a\nb"}}, "sources.rss.user_agent", "one line"},

		// telegram
		{"TelegramAPIURL", []kv{{"telegram.api_url", "tapi.bale.ai"}}, "telegram.api_url", "http:// or https://"},
		{"TelegramToken", []kv{{"telegram.token", "${NOPE}"}}, "telegram.token", "NOPE is not set"},
		{"TelegramTokenEmpty", []kv{{"telegram.token", ""}}, "telegram.token", "required"},
		{"TelegramTokenShape", []kv{{"telegram.token", "123:abc/def"}}, "telegram.token", "must not contain"},
		{"TelegramNoManagers", []kv{{"telegram.managers", []any{}}}, "telegram.managers", "at least one manager"},
		{"ManagerIDZero", []kv{{"telegram.managers[1].id", 0}}, "telegram.managers[1].id", "must be a positive Telegram user ID"},
		{"ManagerIDNegative", []kv{{"telegram.managers[1].id", -5}}, "telegram.managers[1].id", "must be a positive Telegram user ID"},
		{"ManagerIDDuplicate", []kv{{"telegram.managers[1].id", 1}}, "telegram.managers[1].id", "already telegram.managers[0]"},
		{"ManagerName", []kv{{"telegram.managers[0].name", " "}}, "telegram.managers[0].name", "required"},
		{"ManagerLang", []kv{{"telegram.managers[0].lang", "de"}}, "telegram.managers[0].lang", "fa, en"},
		{"NoAlertDestination", []kv{{"telegram.alert_chat_id", 0}, {"telegram.managers[1].alerts", false}}, "telegram.alert_chat_id", "no one would get alerts"},
		{"GroupChatID", []kv{{"telegram.groups[0].chat_id", 0}}, "telegram.groups[0].chat_id", "required"},
		{"GroupIsAlertChat", []kv{{"telegram.groups[0].chat_id", -100}}, "telegram.groups[0].chat_id", "must not be watched"},
		{"GroupDuplicate", []kv{{"telegram.groups", []any{
			map[string]any{"chat_id": -200, "name": "a"}, map[string]any{"chat_id": -200, "name": "b"},
		}}}, "telegram.groups[1].chat_id", "already telegram.groups[0]"},
		{"GroupName", []kv{{"telegram.groups[0].name", ""}}, "telegram.groups[0].name", "required"},
		{"GroupNameDuplicate", []kv{{"telegram.groups", []any{
			map[string]any{"chat_id": -200, "name": "a"}, map[string]any{"chat_id": -300, "name": "a"},
		}}}, "telegram.groups[1].name", "already"},
		{"PollTimeoutRange", []kv{{"telegram.poll_timeout", "90s"}}, "telegram.poll_timeout", "between 1s and 1m"},
		{"PollTimeoutWhole", []kv{{"telegram.poll_timeout", "1500ms"}}, "telegram.poll_timeout", "whole seconds"},
		{"TelegramTimeout", []kv{{"telegram.timeout", "0s"}}, "telegram.timeout", "between"},
		{"DefaultLang", []kv{{"telegram.default_lang", "ar"}}, "telegram.default_lang", "fa, en"},
		{"MuteDefault", []kv{{"telegram.mute.default", "0s"}}, "telegram.mute.default", "positive"},
		{"MuteDefaultAboveMax", []kv{{"telegram.mute.default", "48h"}}, "telegram.mute.default", "above mute.max"},
		{"MuteMax", []kv{{"telegram.mute.max", "0s"}}, "telegram.mute.max", "positive"},
		{"UndoWindowTooLong", []kv{{"telegram.undo_window", "10m"}}, "telegram.undo_window", "0 (send at once) to 5m"},
		{"UndoWindowNegative", []kv{{"telegram.undo_window", "-1s"}}, "telegram.undo_window", "0 (send at once)"},

		// routing
		{"AlertThresholdZero", []kv{{"routing.alert.threshold", 0}}, "routing.alert.threshold", "probability"},
		{"AlertThresholdHigh", []kv{{"routing.alert.threshold", 1.5}}, "routing.alert.threshold", "probability"},
		{"MinFollowers", []kv{{"routing.alert.min_followers", -1}}, "routing.alert.min_followers", "negative"},
		{"AlertPlatformUnknown", []kv{{"routing.alert.platforms", []any{"x", "facebook"}}}, "routing.alert.platforms[1]", `got "facebook"`},
		{"AlertPlatformTwice", []kv{{"routing.alert.platforms", []any{"x", "x"}}}, "routing.alert.platforms[1]", "twice"},
		{"ReferralThreshold", []kv{{"routing.referral_threshold", 0}}, "routing.referral_threshold", "probability"},
		{"ReplyWindow", []kv{{"routing.reply_window", "-1h"}}, "routing.reply_window", "negative"},
		{"ThankYouMode", []kv{{"routing.thank_you.mode", "sometimes"}}, "routing.thank_you.mode", "auto, approve, off"},
		{"ThankYouWindow", []kv{{"routing.thank_you.window", "-1h"}}, "routing.thank_you.window", "negative"},
		{"ThankYouPublicFA", []kv{{"routing.thank_you.public.fa", []any{}}}, "routing.thank_you.public.fa", "required unless mode is off"},
		{"ThankYouPublicEN", []kv{{"routing.thank_you.public.en", nil}}, "routing.thank_you.public.en", "required unless mode is off"},
		{"ThankYouUnknownVariable", []kv{{"routing.thank_you.public.en", "Thanks {autor}"}}, "routing.thank_you.public.en[0]", "unknown variable {autor}"},
		{"ThankYouPublicCode", []kv{{"routing.thank_you.public.fa", []any{"ممنون", "کد شما {code}"}}}, "routing.thank_you.public.fa[1]", "would publish the reward code"},
		{"ThankYouEmptyText", []kv{{"routing.thank_you.public.fi", []any{" "}}}, "routing.thank_you.public.fi[0]", "empty text"},
		{"RewardWithoutCode", []kv{{"routing.thank_you.private.en", "Thanks {author}"}}, "routing.thank_you.private.en[0]", "must contain {code}"},
		{"RewardMissing", []kv{{"routing.thank_you.private.fa", []any{}}}, "routing.thank_you.private.fa", "required when reward_code is on"},
		{"RewardUnknownVariable", []kv{{"routing.thank_you.private.fi", "{code} {kode}"}}, "routing.thank_you.private.fi[0]", "unknown variable {kode}"},
		{"TemplateName", []kv{{"routing.templates[0].name", ""}}, "routing.templates[0].name", "required"},
		{"TemplateNameLong", []kv{{"routing.templates[0].name", long}}, "routing.templates[0].name", "64 bytes"},
		{"TemplateNameDuplicate", []kv{{"routing.templates", []any{
			map[string]any{"name": "a", "en": "x"}, map[string]any{"name": "a", "fa": "y"},
		}}}, "routing.templates[1].name", "already routing.templates[0]"},
		{"TemplateNoText", []kv{{"routing.templates[0]", map[string]any{"name": "empty"}}}, "routing.templates[0]", "needs a text"},
		{"TemplateCode", []kv{{"routing.templates[0].en", "Your code: {code}"}}, "routing.templates[0].en", "{code}"},
		{"TemplateVariableFA", []kv{{"routing.templates[0].fa", "{name} عزیز"}}, "routing.templates[0].fa", "unknown variable {name}"},
		{"TemplateVariableFI", []kv{{"routing.templates[0].fi", "{brnd}"}}, "routing.templates[0].fi", "unknown variable {brnd}"},

		// digest, spike, sla
		{"DigestLang", []kv{{"digest.lang", "fi"}}, "digest.lang", "fa, en"},
		{"DigestTopZero", []kv{{"digest.top", 0}}, "digest.top", "between 1 and 10"},
		{"DigestTopHigh", []kv{{"digest.top", 11}}, "digest.top", "between 1 and 10"},
		{"DigestTime", []kv{{"digest.time", "9am"}}, "digest.time", "HH:MM"},
		{"DigestTimeZone", []kv{{"digest.timezone", "Tehran"}}, "digest.timezone", "unknown time zone"},
		{"SpikeK", []kv{{"spike.k", 0}}, "spike.k", "above 0"},
		{"SpikeKHigh", []kv{{"spike.k", 11}}, "spike.k", "at most 10"},
		{"SpikeMinCount", []kv{{"spike.min_count", 0}}, "spike.min_count", "at least 1"},
		{"SpikeBaselineDays", []kv{{"spike.baseline_days", 29}}, "spike.baseline_days", "between 1 and 28"},
		{"SLAFirstResponse", []kv{{"sla.first_response", "0s"}}, "sla.first_response", "positive"},
		{"SLARemindOrder", []kv{{"sla.remind_after", []any{"2h", "30m"}}}, "sla.remind_after[1]", "after the previous step (2h)"},
		{"SLARemindZero", []kv{{"sla.remind_after", []any{"0s"}}}, "sla.remind_after[0]", "positive"},
		{"SLARemindTooMany", []kv{{"sla.remind_after", twelve}}, "sla.remind_after", "at most 10"},
		{"SLARecoveryWindow", []kv{{"sla.recovery_window", "-1h"}}, "sla.recovery_window", "negative"},

		// listen, outbox
		{"PollInterval", []kv{{"listen.poll_interval", "0s"}}, "listen.poll_interval", "minimum 1s"},
		{"JitterHigh", []kv{{"listen.jitter", 0.9}}, "listen.jitter", "between 0 and 0.5"},
		{"JitterNegative", []kv{{"listen.jitter", -0.1}}, "listen.jitter", "between 0 and 0.5"},
		{"ListenBackoffMin", []kv{{"listen.backoff_min", "0s"}}, "listen.backoff_min", "positive"},
		{"ListenBackoffMax", []kv{{"listen.backoff_max", "10s"}}, "listen.backoff_max", "below backoff_min"},
		{"BatchSize", []kv{{"listen.batch_size", 0}}, "listen.batch_size", "between 1 and 10000"},
		{"AnalysisWorkersNegative", []kv{{"listen.analysis_workers", -1}}, "listen.analysis_workers", "between 1 and 256"},
		{"AnalysisWorkersHigh", []kv{{"listen.analysis_workers", 1000}}, "listen.analysis_workers", "between 1 and 256"},
		{"OutboxWorkers", []kv{{"outbox.workers", 0}}, "outbox.workers", "between 1 and 64"},
		{"OutboxMaxAttempts", []kv{{"outbox.max_attempts", 0}}, "outbox.max_attempts", "between 1 and 100"},
		{"OutboxBackoffMin", []kv{{"outbox.backoff_min", "0s"}}, "outbox.backoff_min", "positive"},
		{"OutboxBackoffMax", []kv{{"outbox.backoff_max", "1s"}}, "outbox.backoff_max", "below backoff_min"},
		{"RateX", []kv{{"outbox.rate_limits.x.per_minute", -1}}, "outbox.rate_limits.x.per_minute", "negative"},
		{"RateMastodon", []kv{{"outbox.rate_limits.mastodon.per_hour", -1}}, "outbox.rate_limits.mastodon.per_hour", "negative"},
		{"RateTelegram", []kv{{"outbox.rate_limits.telegram.per_minute", -3}}, "outbox.rate_limits.telegram.per_minute", "negative"},

		// storage, log, metrics
		{"StoragePath", []kv{{"storage.path", ""}}, "storage.path", "required"},
		{"LockTimeout", []kv{{"storage.lock_timeout", "0s"}}, "storage.lock_timeout", "between"},
		{"LockTimeoutHigh", []kv{{"storage.lock_timeout", "1h"}}, "storage.lock_timeout", "between"},
		{"StorageDriver", []kv{{"storage.driver", "sqlite"}}, "storage.driver", "bbolt, postgres"},
		{"StorageDSNRequired", []kv{{"storage.driver", "postgres"}, {"storage.dsn", ""}}, "storage.dsn", "required when storage.driver is postgres"},
		{"StorageDSNShape", []kv{{"storage.driver", "postgres"}, {"storage.dsn", "db.example:5432"}}, "storage.dsn", "postgres:// URL or key=value"},
		{"StorageMaxConns", []kv{{"storage.driver", "postgres"}, {"storage.dsn", "postgres://db.example/shenava"}, {"storage.max_conns", 0}},
			"storage.max_conns", "between 1 and 1000"},
		{"StorageConnectTimeout", []kv{{"storage.driver", "postgres"}, {"storage.dsn", "host=db.example"}, {"storage.connect_timeout", "10m"}},
			"storage.connect_timeout", "between 1s and 5m"},
		{"StorageReplica", []kv{{"storage.driver", "postgres"}, {"storage.dsn", "host=db.example"}, {"storage.replica", "two words"}},
			"storage.replica", "one word"},
		{"LogLevel", []kv{{"log.level", "verbose"}}, "log.level", "debug, info, warn, error"},
		{"LogFormat", []kv{{"log.format", "xml"}}, "log.format", "text, json"},
		{"MetricsRemote", []kv{{"metrics.listen", "0.0.0.0:9464"}}, "metrics.listen", "allow_remote"},
		{"MetricsAllInterfaces", []kv{{"metrics.listen", ":9464"}}, "metrics.listen", "allow_remote"},
		{"MetricsNoPort", []kv{{"metrics.listen", "localhost"}}, "metrics.listen", "host:port"},
		{"MetricsBadPort", []kv{{"metrics.listen", "127.0.0.1:99999"}}, "metrics.listen", "port"},
		{"LeaseTTL", []kv{{"storage.driver", "postgres"}, {"storage.dsn", "postgres://h/db"}, {"storage.lease_ttl", "10ms"}}, "storage.lease_ttl", "between"},
		{"LeaseTTLHigh", []kv{{"storage.driver", "postgres"}, {"storage.dsn", "postgres://h/db"}, {"storage.lease_ttl", "1h"}}, "storage.lease_ttl", "between"},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		if seen[tt.name] {
			t.Fatalf("duplicate case name %s", tt.name)
		}
		seen[tt.name] = true
		t.Run(tt.name, func(t *testing.T) {
			src := withFull(t, tt.changes...)
			_, err := config.Parse(src, fullEnv)
			ps := config.Problems(err)
			if len(ps) != 1 {
				t.Fatalf("%d problems, want exactly 1 at %s:\n%v\n--- config ---\n%s", len(ps), tt.wantKey, err, src)
			}
			p := ps[0]
			if p.Key != tt.wantKey || !strings.Contains(p.Msg, tt.wantMsg) {
				t.Fatalf("problem=%q, want key %s and a message containing %q", p, tt.wantKey, tt.wantMsg)
			}
			if p.Line == 0 || !strings.Contains(p.Error(), fmt.Sprintf("line %d: %s: ", p.Line, tt.wantKey)) {
				t.Errorf("Error()=%q, want it to name the line and the key", p.Error())
			}
		})
	}
}

func TestParse_DisabledSectionsAreNotValidated(t *testing.T) {
	t.Parallel()
	src := withFull(t,
		kv{"sources.x", map[string]any{"enabled": false, "bearer_token": "${NOPE}", "max_results": 1, "base_url": "nope"}},
		kv{"sources.mastodon", map[string]any{"enabled": false, "access_token": "${NOPE}", "server": ""}},
		kv{"sources.rss", map[string]any{"enabled": false, "feeds": []any{map[string]any{"url": "nope"}}}},
		kv{"telegram", map[string]any{"enabled": false, "token": "${NOPE}", "managers": []any{map[string]any{"id": 0, "name": "${NOPE}"}}}},
		kv{"digest", map[string]any{"enabled": false, "lang": "de", "top": 0}},
		kv{"spike", map[string]any{"enabled": false, "k": -1}},
		// Without reminders nothing else writes in digest.lang (the
		// watcher does: DigestLangForWatcher in cmd/shenava).
		kv{"sla.remind_after", []any{}},
		kv{"routing.thank_you", map[string]any{"mode": "off", "public": map[string]any{"fa": []any{}, "en": []any{}}}},
	)
	if _, err := config.Parse(src, nil); err != nil {
		t.Fatalf("Parse: %v", err)
	}
}

func TestParse_AllProblemsAtOnce(t *testing.T) {
	t.Parallel()
	src := withFull(t,
		kv{"brand.name", ""},
		kv{"sources.x.max_results", 500},
		kv{"sources.x.bearer_tokn", "oops"},
		kv{"telegram.managers[1].id", -1},
		kv{"telegram.token", "${MISSING_TOKEN}"},
		kv{"digest.timezone", "Nowhere/City"},
		kv{"listen.jitter", 2},
		kv{"metrics.listen", "0.0.0.0:1"},
	)
	_, err := config.Parse(src, fullEnv)
	got := keys(err)
	want := []string{
		"brand.name", "sources.x.max_results", "sources.x.bearer_tokn", "telegram.managers[1].id",
		"telegram.token", "digest.timezone", "listen.jitter", "metrics.listen",
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("keys=%q, want %q\n%v", got, want, err)
	}
	if n := strings.Count(err.Error(), "\n") + 1; n != len(want) {
		t.Errorf("Error() has %d lines, want one per problem (%d)", n, len(want))
	}
}

func TestParse_Warnings(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		changes []kv
		want    []string // substrings, one per warning
	}{
		{"XWithoutWriteCredentials", []kv{{"sources.x.oauth2_user_token", "${X_USER_UNSET:-}"}},
			[]string{"sources.x: no write credentials (oauth1 or oauth2_user_token): replies on X will be reported as unsupported"}},
		{"XCost", []kv{{"sources.x.mentions.interval", "5m"}, {"sources.x.budget.requests_per_day", 2000}},
			[]string{"sources.x.mentions.interval: 5m means 288 polls a day, up to 864 requests with max_pages 3; X bills per request"}},
		{"PlainHTTPWithToken", []kv{{"telegram.api_url", "http://bot.example.com"}},
			[]string{"telegram.api_url: plain http sends the credentials unencrypted to bot.example.com"}},
		{"PlainHTTPLoopback", []kv{{"telegram.api_url", "http://127.0.0.1:8081"}, {"sources.mastodon.server", "http://localhost:3000"}}, nil},
		{"XBudgetBelowSchedule", []kv{{"sources.x.budget.requests_per_day", 100}},
			[]string{"sources.x.budget.requests_per_day: the streams may make up to 432 requests a day (polls × max_pages); after 100 polling pauses until 00:00 UTC"}},
		{"NoAlertPlatforms", []kv{{"routing.alert.platforms", []any{}}}, []string{"routing.alert.platforms: empty"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := config.Parse(withFull(t, tt.changes...), fullEnv)
			if err != nil {
				t.Fatal(err)
			}
			w := cfg.Warnings()
			if len(w) != len(tt.want) {
				t.Fatalf("Warnings()=%q, want %d", w, len(tt.want))
			}
			for i := range w {
				if !strings.Contains(w[i], tt.want[i]) || !strings.HasPrefix(w[i], "line ") {
					t.Errorf("warning %q, want it to contain %q after its line", w[i], tt.want[i])
				}
			}
		})
	}
}
