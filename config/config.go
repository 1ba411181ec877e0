package config

import (
	"log/slog"
	"slices"
	"strconv"
	"time"

	"github.com/shenava/shenava/core"
)

// Config is the whole configuration. Sections appear in the order of the
// shipped config.yaml. Pass sub-structs to the packages that need them.
type Config struct {
	Brand    Brand    `yaml:"brand"`
	Sources  Sources  `yaml:"sources"`
	Telegram Telegram `yaml:"telegram"`
	Routing  Routing  `yaml:"routing"`
	Digest   Digest   `yaml:"digest"`
	Spike    Spike    `yaml:"spike"`
	SLA      SLA      `yaml:"sla"`
	Listen   Listen   `yaml:"listen"`
	Outbox   Outbox   `yaml:"outbox"`
	Storage  Storage  `yaml:"storage"`
	Log      Log      `yaml:"log"`
	Metrics  Metrics  `yaml:"metrics"`

	// Filled by Load and Parse.
	file     string         // the path given to Load; "" for Parse
	lines    map[string]int // key path → line in the file
	warnings []string
}

// Default returns the configuration used for every key the file leaves
// out. It is not valid on its own: a brand and a source are required.
func Default() *Config {
	return &Config{
		Brand: Brand{},
		Sources: Sources{
			X: X{
				BaseURL:    DefaultXBaseURL,
				Mentions:   Stream{Enabled: true, Interval: Duration(DefaultXMentionsInterval)},
				Search:     XSearch{Interval: Duration(DefaultXSearchInterval)},
				MaxResults: DefaultXMaxResults,
				MaxPages:   DefaultXMaxPages,
				Timeout:    Duration(DefaultHTTPTimeout),
			},
			Mastodon: Mastodon{
				Notifications:   Stream{Enabled: true, Interval: Duration(DefaultMastodonNotificationsInterval)},
				Hashtags:        Hashtags{Interval: Duration(DefaultMastodonHashtagsInterval)},
				Search:          Stream{Interval: Duration(DefaultMastodonSearchInterval)},
				ReplyVisibility: DefaultMastodonReplyVisibility,
				Timeout:         Duration(DefaultHTTPTimeout),
			},
			RSS: RSS{Timeout: Duration(DefaultHTTPTimeout)},
		},
		Telegram: Telegram{
			APIURL:      DefaultTelegramAPIURL,
			PollTimeout: Duration(DefaultTelegramPollTimeout),
			Timeout:     Duration(DefaultTelegramTimeout),
			DefaultLang: DefaultTelegramLang,
			Mute:        Mute{Default: Duration(DefaultMuteDefault), Max: Duration(DefaultMuteMax)},
			UndoWindow:  Duration(DefaultUndoWindow),
		},
		Routing: Routing{
			Alert: Alert{
				Threshold: DefaultAlertThreshold,
				Platforms: slices.Clone(core.Platforms),
			},
			ReferralThreshold: DefaultReferralThreshold,
			ReplyWindow:       Duration(DefaultReplyWindow),
			ThankYou: ThankYou{
				Mode:    DefaultThankYouMode,
				Window:  Duration(DefaultThankYouWindow),
				Public:  Variants{FA: TextList{DefaultThankYouFA}, EN: TextList{DefaultThankYouEN}, FI: TextList{DefaultThankYouFI}},
				Private: Variants{FA: TextList{DefaultRewardFA}, EN: TextList{DefaultRewardEN}, FI: TextList{DefaultRewardFI}},
			},
		},
		Digest: Digest{
			Enabled:  true,
			Time:     TimeOfDay{Hour: DefaultDigestHour, Minute: DefaultDigestMinute},
			TimeZone: defaultZone(),
			Lang:     DefaultDigestLang,
			Top:      DefaultDigestTop,
			Chart:    true,
		},
		Spike: Spike{
			Enabled:      true,
			K:            DefaultSpikeK,
			MinCount:     DefaultSpikeMinCount,
			BaselineDays: DefaultSpikeBaselineDays,
		},
		SLA: SLA{
			FirstResponse:  Duration(DefaultSLAFirstResponse),
			RemindAfter:    []Duration{Duration(DefaultSLARemind1), Duration(DefaultSLARemind2)},
			RecoveryWindow: Duration(DefaultRecoveryWindow),
		},
		Listen: Listen{
			PollInterval: Duration(DefaultPollInterval),
			Jitter:       DefaultJitter,
			BackoffMin:   Duration(DefaultListenBackoffMin),
			BackoffMax:   Duration(DefaultListenBackoffMax),
			BatchSize:    DefaultBatchSize,
		},
		Outbox: Outbox{
			Workers:     DefaultOutboxWorkers,
			MaxAttempts: DefaultOutboxMaxAttempts,
			BackoffMin:  Duration(DefaultOutboxBackoffMin),
			BackoffMax:  Duration(DefaultOutboxBackoffMax),
			RateLimits: RateLimits{
				X:        RateLimit{PerMinute: DefaultXPerMinute, PerHour: DefaultXPerHour},
				Mastodon: RateLimit{PerMinute: DefaultMastodonPerMinute, PerHour: DefaultMastodonPerHour},
				Telegram: RateLimit{PerMinute: DefaultTelegramPerMinute, PerHour: DefaultTelegramPerHour},
			},
		},
		Storage: Storage{Path: DefaultStoragePath, LockTimeout: Duration(DefaultLockTimeout)},
		Log:     Log{Level: DefaultLogLevel, Format: DefaultLogFormat},
		Metrics: Metrics{Listen: DefaultMetricsListen},
	}
}

func defaultZone() TimeZone {
	var z TimeZone
	if z.setText(DefaultDigestTimeZone) != nil {
		// Unreachable with time/tzdata linked in; keep the offset right.
		z.loc = time.FixedZone(DefaultDigestTimeZone, 3*3600+30*60)
	}
	return z
}

// Path returns the file the config was loaded from; "" after Parse.
func (c *Config) Path() string { return c.file }

// Warnings lists things that are allowed but probably not intended, each
// naming its key: missing write credentials, costly poll intervals,
// credentials sent over plain HTTP, a config file with inline secrets that
// others can read.
func (c *Config) Warnings() []string { return slices.Clone(c.warnings) }

// ---- brand -------------------------------------------------------------

// Brand says what to listen for and which accounts are the brand's own.
type Brand struct {
	// Name is the brand's name as written in replies ({brand}).
	Name string `yaml:"name"`
	// Keywords are matched on folded text (case, Arabic/Persian letters,
	// ZWNJ and diacritics do not matter).
	Keywords []string `yaml:"keywords"`
	// Hashtags are stored without the leading '#'.
	Hashtags []string `yaml:"hashtags"`
	// Handles are the brand's own accounts; their posts are never mentions
	// and never get replies.
	Handles Handles `yaml:"handles"`
	// Exclusions drop a mention that contains any of them.
	Exclusions []string `yaml:"exclusions"`
	// Languages limits alerts and thank-yous to mentions in these
	// languages (fa, en, fi, ar, other); empty means every language.
	// Mentions in other languages are still stored and counted.
	Languages []string `yaml:"languages"`
}

// Handles are the brand's own accounts per platform, lower-cased and
// without a leading '@'. Mastodon accounts are "user@server".
type Handles struct {
	X        []string `yaml:"x"`
	Mastodon []string `yaml:"mastodon"`
	Telegram []string `yaml:"telegram"`
}

// For returns the brand's handles on one platform.
func (h Handles) For(p core.Platform) []string {
	switch p {
	case core.PlatformX:
		return h.X
	case core.PlatformMastodon:
		return h.Mastodon
	case core.PlatformTelegram:
		return h.Telegram
	}
	return nil
}

// ---- sources -----------------------------------------------------------

// Names of the sources that are not listed by name in the file. The store
// keeps one cursor per source name; file and feed names must differ from
// these and from each other.
const (
	SourceXMentions             = "x-mentions"
	SourceXSearch               = "x-search"
	SourceMastodonNotifications = "mastodon-notifications"
	SourceMastodonHashtags      = "mastodon-hashtags"
	SourceMastodonSearch        = "mastodon-search"
	SourceTelegramGroups        = "telegram-groups"
)

// Defaults and limits for sources.
const (
	DefaultHTTPTimeout = 20 * time.Second

	DefaultXBaseURL          = "https://api.x.com"
	DefaultXMentionsInterval = 15 * time.Minute
	DefaultXSearchInterval   = 30 * time.Minute
	DefaultXMaxResults       = 100
	DefaultXMaxPages         = 3
	// MinXInterval is the shortest allowed X poll interval; below
	// XCostWarnInterval a warning states the daily request count, because
	// X bills per request.
	MinXInterval      = time.Minute
	XCostWarnInterval = 15 * time.Minute
	MinXMaxResults    = 10
	MaxXMaxResults    = 100
	MaxXMaxPages      = 20

	DefaultMastodonNotificationsInterval = 2 * time.Minute
	DefaultMastodonHashtagsInterval      = 5 * time.Minute
	DefaultMastodonSearchInterval        = 10 * time.Minute
	DefaultMastodonReplyVisibility       = VisibilityUnlisted
	MinMastodonInterval                  = 30 * time.Second

	MinFeedInterval = time.Minute
	MinFileInterval = time.Second
)

// Mastodon reply visibilities.
const (
	VisibilityPublic   = "public"
	VisibilityUnlisted = "unlisted"
)

// Sources are the places Shenava polls for mentions. Telegram groups are a
// source too; they are configured under telegram.groups.
type Sources struct {
	File     []FileSource `yaml:"file"`
	X        X            `yaml:"x"`
	Mastodon Mastodon     `yaml:"mastodon"`
	RSS      RSS          `yaml:"rss"`
}

// FileSource replays a JSONL file of mentions, remembering its offset.
type FileSource struct {
	Name string `yaml:"name"`
	// Path is resolved against the config file's directory when relative.
	Path string `yaml:"path"`
	// Interval defaults to listen.poll_interval.
	Interval Duration `yaml:"interval"`
}

// Stream is one polled endpoint of a platform.
type Stream struct {
	Enabled  bool     `yaml:"enabled"`
	Interval Duration `yaml:"interval"`
}

// X is the X (Twitter) API v2 connector.
type X struct {
	Enabled bool   `yaml:"enabled"`
	BaseURL string `yaml:"base_url"`
	// BearerToken is the app-only token used for reading.
	BearerToken Secret `yaml:"bearer_token"`
	// UserID is the brand account's numeric ID (needed for mentions; its
	// posts are never mentions).
	UserID     string  `yaml:"user_id"`
	Mentions   Stream  `yaml:"mentions"`
	Search     XSearch `yaml:"search"`
	MaxResults int     `yaml:"max_results"`
	MaxPages   int     `yaml:"max_pages"`
	// Write credentials (user context), needed only to reply: either
	// OAuth 1.0a or an OAuth 2.0 user access token.
	OAuth1          OAuth1   `yaml:"oauth1"`
	OAuth2UserToken Secret   `yaml:"oauth2_user_token"`
	Timeout         Duration `yaml:"timeout"`
}

// CanWrite reports whether write credentials are configured.
func (x X) CanWrite() bool { return x.OAuth1.Complete() || !x.OAuth2UserToken.Empty() }

// XSearch is the recent-search stream.
type XSearch struct {
	Enabled  bool     `yaml:"enabled"`
	Interval Duration `yaml:"interval"`
	// Query replaces the query built from brand keywords, hashtags and
	// exclusions when set.
	Query string `yaml:"query"`
	// Lang limits results to one language (X's lang: operator); "" = all.
	Lang string `yaml:"lang"`
}

// OAuth1 holds OAuth 1.0a user-context credentials.
type OAuth1 struct {
	ConsumerKey       Secret `yaml:"consumer_key"`
	ConsumerSecret    Secret `yaml:"consumer_secret"`
	AccessToken       Secret `yaml:"access_token"`
	AccessTokenSecret Secret `yaml:"access_token_secret"`
}

// Complete reports whether all four credentials are set.
func (o OAuth1) Complete() bool {
	return !o.ConsumerKey.Empty() && !o.ConsumerSecret.Empty() &&
		!o.AccessToken.Empty() && !o.AccessTokenSecret.Empty()
}

func (o OAuth1) any() bool {
	return !o.ConsumerKey.Empty() || !o.ConsumerSecret.Empty() ||
		!o.AccessToken.Empty() || !o.AccessTokenSecret.Empty()
}

// Mastodon is the Mastodon connector (one account on one server).
type Mastodon struct {
	Enabled bool `yaml:"enabled"`
	// Server is the base URL of the brand account's server.
	Server        string   `yaml:"server"`
	AccessToken   Secret   `yaml:"access_token"`
	Notifications Stream   `yaml:"notifications"`
	Hashtags      Hashtags `yaml:"hashtags"`
	Search        Stream   `yaml:"search"`
	// ReplyVisibility is "public" or "unlisted" for public replies.
	ReplyVisibility string   `yaml:"reply_visibility"`
	Timeout         Duration `yaml:"timeout"`
}

// Hashtags is the hashtag-timeline stream.
type Hashtags struct {
	Enabled bool `yaml:"enabled"`
	// List defaults to brand.hashtags; stored without '#'.
	List     []string `yaml:"list"`
	Interval Duration `yaml:"interval"`
}

// RSS is the RSS/Atom connector.
type RSS struct {
	Enabled bool   `yaml:"enabled"`
	Feeds   []Feed `yaml:"feeds"`
	// Timeout bounds each feed request.
	Timeout Duration `yaml:"timeout"`
	// UserAgent replaces the default "Shenava/<version> (+https://github.com/shenava/shenava)".
	UserAgent string `yaml:"user_agent"`
}

// Feed is one RSS or Atom feed.
type Feed struct {
	Name string `yaml:"name"`
	URL  string `yaml:"url"`
	// Interval defaults to listen.poll_interval.
	Interval Duration `yaml:"interval"`
}

// ---- telegram ----------------------------------------------------------

// Defaults for the Telegram bot.
const (
	DefaultTelegramAPIURL      = "https://api.telegram.org"
	BaleAPIURL                 = "https://tapi.bale.ai"
	DefaultTelegramPollTimeout = 30 * time.Second
	DefaultTelegramTimeout     = 15 * time.Second
	DefaultTelegramLang        = core.LangPersian
	DefaultMuteDefault         = time.Hour
	DefaultMuteMax             = 24 * time.Hour
	DefaultUndoWindow          = 15 * time.Second
	MaxUndoWindow              = 5 * time.Minute
)

// Telegram is the managers' bot (Telegram or Bale).
type Telegram struct {
	Enabled bool `yaml:"enabled"`
	// APIURL is the Bot API server: Telegram, Bale, or a self-hosted one.
	APIURL string `yaml:"api_url"`
	Token  Secret `yaml:"token"`
	// AlertChatID is the managers' group; 0 = none (alert managers
	// privately instead, see Manager.Alerts).
	AlertChatID int64 `yaml:"alert_chat_id"`
	// Managers is the allow-list: only they may act.
	Managers []Manager `yaml:"managers"`
	// Groups are public groups the bot is a member of, watched as a source.
	Groups []Group `yaml:"groups"`
	// PollTimeout is the getUpdates long-poll timeout (whole seconds).
	PollTimeout Duration `yaml:"poll_timeout"`
	// Timeout bounds every other Bot API request.
	Timeout     Duration `yaml:"timeout"`
	DefaultLang string   `yaml:"default_lang"`
	Mute        Mute     `yaml:"mute"`
	// UndoWindow holds a manager's reply this long before it is sent, with
	// an Undo button; 0 sends at once.
	UndoWindow Duration `yaml:"undo_window"`
}

// Manager is one community manager allowed to act.
type Manager struct {
	// ID is the Telegram (or Bale) user ID.
	ID   int64  `yaml:"id"`
	Name string `yaml:"name"`
	// Lang is "fa" or "en"; defaults to telegram.default_lang.
	Lang string `yaml:"lang"`
	// Alerts sends this manager each alert privately as well.
	Alerts bool `yaml:"alerts"`
}

// Group is a Telegram group watched as a source.
type Group struct {
	ChatID int64  `yaml:"chat_id"`
	Name   string `yaml:"name"`
}

// Mute bounds the /mute command.
type Mute struct {
	// Default applies to /mute without an argument.
	Default Duration `yaml:"default"`
	Max     Duration `yaml:"max"`
}

// IsManager reports whether a user ID is on the allow-list.
func (t Telegram) IsManager(id int64) bool {
	for _, m := range t.Managers {
		if m.ID == id {
			return true
		}
	}
	return false
}

// ---- routing -----------------------------------------------------------

// Defaults for routing.
const (
	DefaultAlertThreshold    = 0.2 // the same as listen.DefaultAlertThreshold
	DefaultReferralThreshold = 0.7 // the same as listen.DefaultReferralThreshold
	DefaultReplyWindow       = 24 * time.Hour
	DefaultThankYouMode      = ThankYouApprove
	DefaultThankYouWindow    = 30 * 24 * time.Hour

	DefaultThankYouFA = "{author} عزیز، ممنون که {brand} را به دیگران معرفی کردید! 🌱"
	DefaultThankYouEN = "Thank you for recommending {brand}, {author}! 🌱"
	DefaultThankYouFI = "{author} aziz, merci ke {brand} ro be baghie moarefi kardi! 🌱"
	DefaultRewardFA   = "سلام {author}، به پاس معرفی {brand} این کد هدیه برای شماست: {code}"
	DefaultRewardEN   = "Hi {author}, as a thank-you for recommending {brand}, here is a gift code: {code}"
	DefaultRewardFI   = "Salam {author}, be pase moarefie {brand} in code hedie male shomast: {code}"
)

// ThankYouMode says what happens with a referral.
type ThankYouMode string

// Thank-you modes.
const (
	// ThankYouAuto sends the thank-you.
	ThankYouAuto ThankYouMode = "auto"
	// ThankYouApprove sends managers the draft with Send/Edit/Skip.
	ThankYouApprove ThankYouMode = "approve"
	// ThankYouOff never thanks.
	ThankYouOff ThankYouMode = "off"
)

// Routing decides which mentions alert managers and which get a thank-you.
type Routing struct {
	// Model is a model file written by "shenava train" (resolved against
	// the config file's directory when relative); "" uses the model built
	// into the binary.
	Model string `yaml:"model"`
	Alert Alert  `yaml:"alert"`
	// ReferralThreshold is the minimum referral score for a thank-you.
	ReferralThreshold float64 `yaml:"referral_threshold"`
	// ReplyWindow: Shenava never sends an automatic reply to an author who
	// got one within this window (loop prevention). Managers' own replies
	// are not limited.
	ReplyWindow Duration   `yaml:"reply_window"`
	ThankYou    ThankYou   `yaml:"thank_you"`
	Templates   []Template `yaml:"templates"`
}

// Alert decides which negative mentions open a case and alert managers.
type Alert struct {
	// Threshold is the minimum P(negative).
	Threshold float64 `yaml:"threshold"`
	// MinFollowers skips authors with fewer followers; 0 = everyone. Where
	// the platform does not report followers, the mention passes.
	MinFollowers int             `yaml:"min_followers"`
	Platforms    []core.Platform `yaml:"platforms"`
}

// Alerts reports whether mentions from a platform may alert.
func (a Alert) Alerts(p core.Platform) bool { return slices.Contains(a.Platforms, p) }

// ThankYou configures thanks to referrers.
type ThankYou struct {
	Mode ThankYouMode `yaml:"mode"`
	// Window: at most one thank-you per author per window.
	Window Duration `yaml:"window"`
	// Public are the public reply templates ({author}, {brand}).
	Public Variants `yaml:"public"`
	// RewardCode also sends a private message with a code from the pool.
	RewardCode bool `yaml:"reward_code"`
	// Private are the reward messages ({author}, {brand}, {code}).
	Private Variants `yaml:"private"`
}

// TextList is one or more alternative texts. In the file it is a list, or
// a single string for a list of one.
type TextList []string

// Variants are alternative texts per language; one is picked per message
// so that repeated thank-yous do not read alike.
type Variants struct {
	FA TextList `yaml:"fa"`
	EN TextList `yaml:"en"`
	FI TextList `yaml:"fi"`
}

// For returns the texts for a language, falling back as Texts.For does.
func (v Variants) For(lang string) []string {
	for _, l := range fallbacks(lang) {
		if t := v.lang(l); len(t) > 0 {
			return t
		}
	}
	return nil
}

// ByLang returns the texts keyed by language code ("fa", "en", "fi"),
// leaving out empty languages.
func (v Variants) ByLang() map[string][]string {
	out := map[string][]string{}
	for _, l := range []string{core.LangPersian, core.LangEnglish, core.LangFinglish} {
		if t := v.lang(l); len(t) > 0 {
			out[l] = slices.Clone(t)
		}
	}
	return out
}

func (v Variants) lang(l string) TextList {
	switch l {
	case core.LangPersian:
		return v.FA
	case core.LangEnglish:
		return v.EN
	case core.LangFinglish:
		return v.FI
	}
	return nil
}

// fallbacks is the order languages are tried for a mention in lang.
func fallbacks(lang string) []string {
	switch lang {
	case core.LangPersian:
		return []string{core.LangPersian, core.LangEnglish, core.LangFinglish}
	case core.LangFinglish:
		return []string{core.LangFinglish, core.LangPersian, core.LangEnglish}
	}
	return []string{core.LangEnglish, core.LangPersian, core.LangFinglish}
}

// Texts is one message in Persian, English and Finglish.
type Texts struct {
	FA string `yaml:"fa"`
	EN string `yaml:"en"`
	FI string `yaml:"fi,omitempty"`
}

// For returns the text for a language: the exact one when set; Finglish
// falls back to Persian; every other language to English; then whatever
// is set.
func (t Texts) For(lang string) string {
	for _, l := range fallbacks(lang) {
		var s string
		switch l {
		case core.LangPersian:
			s = t.FA
		case core.LangEnglish:
			s = t.EN
		case core.LangFinglish:
			s = t.FI
		}
		if s != "" {
			return s
		}
	}
	return ""
}

// Template is a named reply managers pick with the Templates button.
type Template struct {
	Name  string `yaml:"name"`
	Texts `yaml:",inline"`
}

// ---- digest, spike, sla --------------------------------------------------

// Defaults for the digest, spike alerts and SLAs.
const (
	DefaultDigestHour        = 9
	DefaultDigestMinute      = 0
	DefaultDigestTimeZone    = "Asia/Tehran"
	DefaultDigestLang        = core.LangPersian
	DefaultDigestTop         = 5
	MaxDigestTop             = 50
	DefaultSpikeK            = 3.0
	DefaultSpikeMinCount     = 5
	DefaultSpikeBaselineDays = 7
	MaxSpikeBaselineDays     = 28
	DefaultSLAFirstResponse  = time.Hour
	DefaultSLARemind1        = 30 * time.Minute
	DefaultSLARemind2        = 2 * time.Hour
	MaxSLAReminders          = 10
	DefaultRecoveryWindow    = 7 * 24 * time.Hour
)

// Digest is the daily summary. Without Telegram it is printed to standard
// output instead of sent.
type Digest struct {
	Enabled  bool      `yaml:"enabled"`
	Time     TimeOfDay `yaml:"time"`
	TimeZone TimeZone  `yaml:"timezone"`
	Lang     string    `yaml:"lang"`
	// ChatID defaults to telegram.alert_chat_id; when both are 0 each
	// manager gets it privately.
	ChatID int64 `yaml:"chat_id"`
	// Top is the number of unresolved negative cases listed.
	Top   int  `yaml:"top"`
	Chart bool `yaml:"chart"`
}

// CronSpec is the schedule in robfig/cron syntax with the zone:
// "CRON_TZ=Asia/Tehran 0 9 * * *".
func (d Digest) CronSpec() string {
	return "CRON_TZ=" + d.TimeZone.String() + " " + strconv.Itoa(d.Time.Minute) + " " +
		strconv.Itoa(d.Time.Hour) + " * * *"
}

// Spike detects bursts of negative mentions: an hour's count above
// mean + K·σ of the same hour over the last BaselineDays, and at least
// MinCount.
type Spike struct {
	Enabled      bool    `yaml:"enabled"`
	K            float64 `yaml:"k"`
	MinCount     int     `yaml:"min_count"`
	BaselineDays int     `yaml:"baseline_days"`
}

// SLA sets the response-time targets.
type SLA struct {
	// FirstResponse is the target; slower first responses count as
	// breaches in the digest.
	FirstResponse Duration `yaml:"first_response"`
	// RemindAfter re-pings managers about an unclaimed negative case once
	// at each step (ascending).
	RemindAfter []Duration `yaml:"remind_after"`
	// RecoveryWindow is how long after our reply a positive mention by the
	// same author counts as a recovery; 0 = off.
	RecoveryWindow Duration `yaml:"recovery_window"`
}

// ---- listen, outbox ------------------------------------------------------

// Defaults for the engine and the outbox.
const (
	DefaultPollInterval     = 5 * time.Minute
	DefaultJitter           = 0.1
	MaxJitter               = 0.5
	DefaultListenBackoffMin = 30 * time.Second
	DefaultListenBackoffMax = 30 * time.Minute
	DefaultBatchSize        = 100
	MaxBatchSize            = 10000
	MaxAnalysisWorkers      = 256

	DefaultOutboxWorkers     = 2
	MaxOutboxWorkers         = 64
	DefaultOutboxMaxAttempts = 8
	DefaultOutboxBackoffMin  = 2 * time.Second
	DefaultOutboxBackoffMax  = 10 * time.Minute
	MaxOutboxMaxAttempts     = 100

	// Outgoing caps, below each platform's own limits: X allows about 100
	// posts per 15 minutes per user, Mastodon 300 statuses per 3 hours,
	// Telegram 20 messages per minute in one group.
	DefaultXPerMinute        = 5
	DefaultXPerHour          = 60
	DefaultMastodonPerMinute = 10
	DefaultMastodonPerHour   = 100
	DefaultTelegramPerMinute = 20
	DefaultTelegramPerHour   = 600
)

// Listen configures the engine that polls sources.
type Listen struct {
	// PollInterval is the default for sources without their own interval.
	PollInterval Duration `yaml:"poll_interval"`
	// Jitter spreads polls by ± this fraction of the interval.
	Jitter     float64  `yaml:"jitter"`
	BackoffMin Duration `yaml:"backoff_min"`
	BackoffMax Duration `yaml:"backoff_max"`
	// BatchSize bounds the mentions stored in one transaction.
	BatchSize int `yaml:"batch_size"`
	// AnalysisWorkers analyse mentions in parallel; 0 in the file means one
	// per CPU, and Load fills in the number.
	AnalysisWorkers int `yaml:"analysis_workers"`
}

// Outbox configures delivery of alerts, replies and thank-yous.
type Outbox struct {
	Workers     int        `yaml:"workers"`
	MaxAttempts int        `yaml:"max_attempts"`
	BackoffMin  Duration   `yaml:"backoff_min"`
	BackoffMax  Duration   `yaml:"backoff_max"`
	RateLimits  RateLimits `yaml:"rate_limits"`
}

// RateLimits cap outgoing replies and private messages per platform.
type RateLimits struct {
	X        RateLimit `yaml:"x"`
	Mastodon RateLimit `yaml:"mastodon"`
	Telegram RateLimit `yaml:"telegram"`
}

// For returns the cap of one platform; zero (no cap) for others.
func (r RateLimits) For(p core.Platform) RateLimit {
	switch p {
	case core.PlatformX:
		return r.X
	case core.PlatformMastodon:
		return r.Mastodon
	case core.PlatformTelegram:
		return r.Telegram
	}
	return RateLimit{}
}

// RateLimit caps messages sent on one platform; 0 = no cap.
type RateLimit struct {
	PerMinute int `yaml:"per_minute"`
	PerHour   int `yaml:"per_hour"`
}

// ---- storage, log, metrics -----------------------------------------------

// Defaults for storage, logging and metrics.
const (
	DefaultStoragePath   = "shenava.db"
	DefaultLockTimeout   = 5 * time.Second
	MaxLockTimeout       = 10 * time.Minute
	DefaultLogLevel      = "info"
	DefaultLogFormat     = "text"
	DefaultMetricsListen = "127.0.0.1:9464"
)

// Storage is the bbolt database file.
type Storage struct {
	// Path is resolved against the config file's directory when relative.
	Path string `yaml:"path"`
	// LockTimeout is how long to wait for another process to release the
	// file before failing.
	LockTimeout Duration `yaml:"lock_timeout"`
}

// Log configures the process logger.
type Log struct {
	// Level is debug, info, warn or error.
	Level string `yaml:"level"`
	// Format is text or json.
	Format string `yaml:"format"`
}

// SlogLevel returns Level as a slog.Level (info when unknown).
func (l Log) SlogLevel() slog.Level {
	switch l.Level {
	case "debug":
		return slog.LevelDebug
	case "warn":
		return slog.LevelWarn
	case "error":
		return slog.LevelError
	}
	return slog.LevelInfo
}

// Metrics serves /metrics and /healthz.
type Metrics struct {
	// Listen is host:port; "" turns the endpoint off.
	Listen string `yaml:"listen"`
	// AllowRemote permits a non-loopback address.
	AllowRemote bool `yaml:"allow_remote"`
}

// Enabled reports whether the endpoint is on.
func (m Metrics) Enabled() bool { return m.Listen != "" }
