package config

import (
	"slices"
	"time"

	"github.com/shenava/shenava/bot"
	"github.com/shenava/shenava/brand"
	"github.com/shenava/shenava/connector/file"
	"github.com/shenava/shenava/connector/instagram"
	"github.com/shenava/shenava/connector/mastodon"
	"github.com/shenava/shenava/connector/rss"
	"github.com/shenava/shenava/connector/telegramuser"
	"github.com/shenava/shenava/connector/x"
	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/digest"
	"github.com/shenava/shenava/internal/logging"
	"github.com/shenava/shenava/listen"
	"github.com/shenava/shenava/metrics"
	"github.com/shenava/shenava/store"
	"github.com/shenava/shenava/watch"
	"github.com/shenava/shenava/web"
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
	Webhooks Webhooks `yaml:"webhooks"`
	Outbox   Outbox   `yaml:"outbox"`
	Storage  Storage  `yaml:"storage"`
	Log      Log      `yaml:"log"`
	Metrics  Metrics  `yaml:"metrics"`
	Web      Web      `yaml:"web"`

	// Filled by Load and Parse.
	file     string         // the path given to Load; "" for Parse
	lines    map[string]int // key path → line in the file
	warnings []string
}

// Default returns the configuration used for every key the file leaves
// out. It is not valid on its own: a brand and a source are required.
func Default() *Config {
	return &Config{
		Sources: Sources{
			X:                x.DefaultConfig(),
			Mastodon:         mastodon.DefaultConfig(),
			RSS:              rss.DefaultConfig(),
			Instagram:        instagram.DefaultConfig(),
			TelegramChannels: telegramuser.DefaultConfig(),
		},
		Telegram: bot.DefaultConfig(),
		// Routing spans the engine, the bot and the case workflows; its
		// defaults are the engine's, which applies them.
		Routing: Routing{
			Alert: Alert{
				Threshold: listen.DefaultAlertThreshold,
				Platforms: slices.Clone(core.Platforms),
			},
			ReferralThreshold: listen.DefaultReferralThreshold,
			ReplyWindow:       Duration(listen.DefaultReplyWindow),
			ThankYou: ThankYou{
				Mode:          listen.DefaultThankMode,
				Window:        Duration(listen.DefaultThankWindow),
				CodesLowWater: DefaultCodesLowWater,
				Public: Variants{FA: TextList{listen.DefaultThankYouFA}, EN: TextList{listen.DefaultThankYouEN},
					FI: TextList{listen.DefaultThankYouFI}},
				Private: Variants{FA: TextList{listen.DefaultRewardFA}, EN: TextList{listen.DefaultRewardEN},
					FI: TextList{listen.DefaultRewardFI}},
			},
		},
		Digest: digest.DefaultSection(),
		Spike:  watch.DefaultSpikeConfig(),
		SLA: SLA{
			FirstResponse:  Duration(digest.DefaultSLATarget),
			RemindAfter:    durations(watch.DefaultRemindAfter()),
			RecoveryWindow: Duration(core.DefaultRecoveryWindow),
		},
		Listen:   listen.DefaultConfig(),
		Webhooks: Webhooks{Listen: DefaultWebhooksListen},
		Outbox:   listen.DefaultOutboxConfig(),
		Storage:  store.DefaultConfig(),
		Log:      logging.DefaultConfig(),
		Metrics:  metrics.DefaultConfig(),
		Web:      web.DefaultConfig(),
	}
}

func durations(ds []time.Duration) []Duration {
	out := make([]Duration, len(ds))
	for i, d := range ds {
		out[i] = Duration(d)
	}
	return out
}

// Path returns the file the config was loaded from; "" after Parse.
func (c *Config) Path() string { return c.file }

// Warnings lists things that are allowed but probably not intended, each
// naming its key: missing write credentials, costly poll intervals,
// credentials sent over plain HTTP, a config file with inline secrets that
// others can read.
func (c *Config) Warnings() []string { return slices.Clone(c.warnings) }

// ---- brand -------------------------------------------------------------

// Brand says what to listen for and which accounts are the brand's own;
// the brand package owns the section.
type Brand = brand.Config

// Handles are the brand's own accounts per platform.
type Handles = brand.Handles

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
	SourceInstagram             = "instagram"
	SourceInstagramWebhook      = "instagram-webhook"
	SourceTelegramSearch        = telegramuser.SearchSourceName
)

// Limits for sources; the connectors own them.
const (
	MinFeedInterval = rss.MinInterval
	MinFileInterval = file.MinInterval
)

// Sources are the places Shenava polls for mentions. Telegram groups are a
// source too; they are configured under telegram.groups.
type Sources struct {
	File     []FileSource `yaml:"file"`
	X        X            `yaml:"x"`
	Mastodon Mastodon     `yaml:"mastodon"`
	RSS      RSS          `yaml:"rss"`
	// Instagram is the brand's Instagram professional account.
	Instagram Instagram `yaml:"instagram"`
	// TelegramChannels are public Telegram channels and groups read by a
	// collector account, and Telegram's global search.
	TelegramChannels TelegramChannels `yaml:"telegram_channels"`
}

// TelegramChannels is the MTProto collector account; the telegramuser
// connector owns the section.
type TelegramChannels = telegramuser.Config

// Instagram is the Instagram Graph API connector; the instagram connector
// owns the section.
type Instagram = instagram.Config

// FileSource replays a JSONL file of mentions; the file connector owns
// the section.
type FileSource = file.Config

// X is the X (Twitter) API v2 connector; the x connector owns the
// section.
type X = x.Config

// Mastodon is the Mastodon connector (one account on one server); the
// mastodon connector owns the section.
type Mastodon = mastodon.Config

// RSS is the RSS/Atom connector; the rss connector owns the section.
type RSS = rss.Config

// Feed is one RSS or Atom feed.
type Feed = rss.FeedConfig

// ---- telegram ----------------------------------------------------------

// Telegram is the managers' bot (Telegram or Bale); the bot package owns
// the section.
type Telegram = bot.Config

// Manager is one community manager allowed to act.
type Manager = bot.Manager

// Group is a Telegram group watched as a source.
type Group = bot.Group

// ---- routing -----------------------------------------------------------

// Routing defaults named here are the packages' own: the thresholds are
// the engine's (package listen), the reward codes' low-water mark the
// store's.
const (
	DefaultAlertThreshold    = listen.DefaultAlertThreshold
	DefaultReferralThreshold = listen.DefaultReferralThreshold
	// DefaultCodesLowWater: the managers hear that reward codes run low
	// when this many are left.
	DefaultCodesLowWater = store.DefaultCodesLowWater
)

// ThankYouMode says what happens with a referral; the engine (package
// listen) owns the modes.
type ThankYouMode = listen.ThankMode

// Thank-you modes.
const (
	// ThankYouAuto sends the thank-you.
	ThankYouAuto = listen.ThankAuto
	// ThankYouApprove sends managers the draft with Send/Edit/Skip.
	ThankYouApprove = listen.ThankApprove
	// ThankYouOff never thanks.
	ThankYouOff = listen.ThankOff
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
	// Threshold is the minimum P(negative) of a post with no neutral
	// probability (listen.Alerts: each unit of P(neutral) raises it by 0.3).
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
	// CodesLowWater: when a code handed out leaves this many or fewer in
	// the pool, the managers are told (once per load of codes); they are
	// told again when it is empty. 0: only when empty.
	CodesLowWater int `yaml:"codes_low_water"`
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

// Digest is the daily summary; the digest package owns the section.
type Digest = digest.Section

// Spike detects bursts of negative mentions; the watch package owns the
// section.
type Spike = watch.SpikeConfig

// SLA sets the response-time targets. It spans packages, so it is composed
// here: the digest reports first-response breaches and the recovery rate,
// the watcher sends the reminders, and the engine marks recoveries. Each
// default is the using package's: [digest.DefaultSLATarget],
// [watch.DefaultRemindAfter], [core.DefaultRecoveryWindow].
type SLA struct {
	// FirstResponse is the target; slower first responses count as
	// breaches in the digest.
	FirstResponse Duration `yaml:"first_response"`
	// RemindAfter re-pings managers about an unclaimed negative case once
	// at each step (ascending), at most [watch.MaxRemindSteps].
	RemindAfter []Duration `yaml:"remind_after"`
	// RecoveryWindow is how long after our reply a positive mention by the
	// same author counts as a recovery; 0 = off.
	RecoveryWindow Duration `yaml:"recovery_window"`
}

// ---- listen, outbox ------------------------------------------------------

// Defaults the tests and the daemon name; the listen package owns them.
const (
	DefaultPollInterval  = listen.DefaultInterval
	DefaultOutboxWorkers = listen.DefaultOutboxWorkers
)

// Listen configures the engine that polls sources; the listen package
// owns the section.
type Listen = listen.Config

// Outbox configures delivery of alerts, replies and thank-yous; the listen
// package owns the section.
type Outbox = listen.OutboxConfig

// RateLimits cap outgoing replies and private messages per platform.
type RateLimits = listen.RateLimits

// RateLimit caps messages sent on one platform; 0 = no cap.
type RateLimit = listen.RateLimit

// ---- storage, log, metrics -----------------------------------------------

// Defaults for storage, logging and metrics.
const (
	DefaultStoragePath   = store.DefaultPath
	DefaultLockTimeout   = store.DefaultLockTimeout
	DefaultLogLevel      = logging.DefaultLevel
	DefaultLogFormat     = logging.DefaultFormat
	DefaultMetricsListen = metrics.DefaultListen
)

// Storage is the bbolt database file; the store package owns the section.
type Storage = store.Config

// Log configures the process logger; internal/logging owns the section.
type Log = logging.Config

// DefaultWebhooksListen is where platform webhooks are served: this
// machine only, behind the operator's HTTPS reverse proxy.
const DefaultWebhooksListen = "127.0.0.1:9465"

// Webhooks is the HTTP endpoint platforms deliver to (Instagram at
// /webhooks/instagram). It is served only when a source uses it.
type Webhooks struct {
	// Listen is host:port.
	Listen string `yaml:"listen"`
}

// Metrics serves /metrics and /healthz; the metrics package owns the
// section.
type Metrics = metrics.Config

// Web serves the web inbox; the web package owns the section.
type Web = web.Config
