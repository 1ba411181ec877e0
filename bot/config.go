package bot

import (
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/conf"
)

// Endpoints of Bot-API-compatible servers.
const (
	DefaultAPIURL = "https://api.telegram.org"
	// BaleAPIURL is Bale's Bot API, which has the same shape.
	BaleAPIURL = "https://tapi.bale.ai"
)

// Defaults for the telegram section, and for zero Config fields.
const (
	DefaultPollTimeout     = 30 * time.Second
	DefaultRequestTimeout  = 15 * time.Second
	DefaultLang            = LangPersian
	DefaultRefusalInterval = time.Hour
	DefaultPromptTTL       = time.Hour
	DefaultMute            = time.Hour
	DefaultMuteMax         = 24 * time.Hour
	// DefaultUndoWindow holds a manager's reply before it is sent. Unlike
	// the other durations, a zero UndoWindow is kept: it sends at once.
	DefaultUndoWindow = 15 * time.Second
	MaxUndoWindow     = 5 * time.Minute
	DefaultSourceName = "telegram"
	// DefaultAlertBurst alerts a minute go out one by one; more are
	// summarised (see Config.AlertBurst).
	DefaultAlertBurst = 10
	DefaultPageSize   = 5
	// DefaultRetention is how long button tokens, message links and
	// approval records are kept.
	DefaultRetention = 90 * 24 * time.Hour

	// Bounds of poll_timeout and timeout.
	MinPollTimeout    = time.Second
	MaxPollTimeout    = time.Minute
	MaxRequestTimeout = 5 * time.Minute
)

// Languages the bot speaks to managers.
const (
	LangPersian = "fa"
	LangEnglish = "en"
)

// Manager is a community manager allowed to act through the bot.
type Manager struct {
	// ID is the Telegram user ID (a number; @userinfobot tells it).
	ID int64 `yaml:"id"`
	// Name is how the manager appears in alerts and case histories.
	Name string `yaml:"name"`
	// Lang is the manager's language, "fa" or "en" ("" = DefaultLang).
	// /lang changes it for that manager.
	Lang string `yaml:"lang"`
	// Alerts also sends this manager each alert and notice privately.
	Alerts bool `yaml:"alerts"`
}

// Group is a Telegram group whose messages are read as mentions.
type Group struct {
	ChatID int64  `yaml:"chat_id"`
	Name   string `yaml:"name"`
}

// Template is a saved reply managers can send with one tap; core owns
// it.
type Template = core.Template

// Config is the telegram section of config.yaml: the managers' bot on
// Telegram or Bale. Fields without a YAML key are set by the program from
// other sections (the brand's name, routing.templates, the thank-you mode,
// the digest's chat and zone) or are limits with defaults. Zero fields take
// the defaults above.
type Config struct {
	Enabled bool `yaml:"enabled"`
	// APIURL is the Bot API server: Telegram, Bale, a self-hosted
	// telegram-bot-api server, or a local fake in tests.
	APIURL string `yaml:"api_url"`
	// Token is the bot token from @BotFather. It never appears in logs or
	// errors.
	Token conf.Secret `yaml:"token"`
	// AlertChatID is the managers' group that gets alerts and notices
	// (0 = none: managers with Alerts get them privately).
	AlertChatID int64 `yaml:"alert_chat_id"`
	// Managers is the allow-list: only they may act.
	Managers []Manager `yaml:"managers"`
	// Groups are read as a source of mentions (the bot must be a member,
	// with privacy mode off).
	Groups []Group `yaml:"groups"`
	// PollTimeout is the long-poll wait of getUpdates (whole seconds).
	PollTimeout time.Duration `yaml:"poll_timeout"`
	// RequestTimeout bounds every other call.
	RequestTimeout time.Duration `yaml:"timeout"`
	// DefaultLang is the language of the alert chat and of managers who
	// chose none.
	DefaultLang string `yaml:"default_lang"`
	// Mute bounds the /mute command.
	Mute `yaml:"mute"`
	// UndoWindow holds a manager's reply this long before the outbox sends
	// it, with an Undo button on the confirmation: a text sent to the
	// customer by mistake can be taken back. Zero sends at once (unlike
	// the other fields, zero is not replaced by a default).
	UndoWindow time.Duration `yaml:"undo_window"`
	// Pace keeps the bot's messages into each chat under Telegram's flood
	// limits.
	Pace Pace `yaml:"pace"`
	// AlertBurst is how many alerts a minute go out one by one; beyond
	// that (an outage: a complaint storm) the rest are announced together
	// in one summary message, its top cases with buttons and the others in
	// /pending. 0 alerts each case on its own, whatever the rate. Unlike
	// the other fields, zero is not replaced by a default.
	AlertBurst int `yaml:"alert_burst"`

	// DigestChatID is where the daily digest goes: 0 = the alert chat, or
	// every manager privately when there is none.
	DigestChatID int64 `yaml:"-"`
	// SourceName names the group-message source (its cursor key).
	SourceName string `yaml:"-"`
	// Brand fills {brand} in templates.
	Brand     string     `yaml:"-"`
	Templates []Template `yaml:"-"`
	// ThankApproval is on when thank-yous wait for a manager's approval
	// (thank_you.mode: approve). Drafts that arrive while it is off are
	// shown without buttons.
	ThankApproval bool `yaml:"-"`
	// Location is the time zone of days in /stats and /digest (the
	// store's counter zone). Nil means UTC.
	Location *time.Location `yaml:"-"`
	// RefusalInterval: strangers get at most one refusal per chat per
	// interval, so the bot cannot be used to spam.
	RefusalInterval time.Duration `yaml:"-"`
	// PromptTTL is how long a "write your reply" prompt waits for text
	// sent without replying to it.
	PromptTTL time.Duration `yaml:"-"`
	// Retention is how long button tokens and message links are kept.
	Retention time.Duration `yaml:"-"`
	// MiniAppURL is the web inbox's Mini App page (https, from web.base_url
	// with web.menu_button): each manager's private chat gets a menu
	// button opening it. "" takes back the buttons the bot set before.
	MiniAppURL string `yaml:"-"`
}

// Mute bounds the /mute command: MuteDefault is how long /mute without an
// argument mutes, MuteMax the longest /mute accepted.
type Mute struct {
	MuteDefault time.Duration `yaml:"default"`
	MuteMax     time.Duration `yaml:"max"`
}

// DefaultConfig is the section with every default filled in (disabled).
func DefaultConfig() Config {
	return Config{
		APIURL:          DefaultAPIURL,
		PollTimeout:     DefaultPollTimeout,
		RequestTimeout:  DefaultRequestTimeout,
		DefaultLang:     DefaultLang,
		Mute:            Mute{MuteDefault: DefaultMute, MuteMax: DefaultMuteMax},
		UndoWindow:      DefaultUndoWindow,
		Pace:            Pace{GroupPerMinute: DefaultGroupPerMinute, PrivatePerMinute: DefaultPrivatePerMinute},
		AlertBurst:      DefaultAlertBurst,
		SourceName:      DefaultSourceName,
		RefusalInterval: DefaultRefusalInterval,
		PromptTTL:       DefaultPromptTTL,
		Retention:       DefaultRetention,
	}
}

// IsManager reports whether a user ID is on the allow-list.
func (c Config) IsManager(id int64) bool {
	for _, m := range c.Managers {
		if m.ID == id {
			return true
		}
	}
	return false
}

// LogValue keeps the token out of logs even when the whole config is
// logged.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("api_url", c.APIURL),
		slog.Bool("token_set", !c.Token.Empty()),
		slog.Int64("alert_chat_id", c.AlertChatID),
		slog.Int("managers", len(c.Managers)),
		slog.Int("groups", len(c.Groups)),
	)
}

func (c Config) withDefaults() Config {
	conf.Or(&c.APIURL, DefaultAPIURL)
	c.APIURL = strings.TrimRight(c.APIURL, "/")
	conf.Or(&c.SourceName, DefaultSourceName)
	conf.OrPositive(&c.PollTimeout, DefaultPollTimeout)
	conf.OrPositive(&c.RequestTimeout, DefaultRequestTimeout)
	conf.Or(&c.DefaultLang, DefaultLang)
	if c.Location == nil {
		c.Location = time.UTC
	}
	conf.OrPositive(&c.RefusalInterval, DefaultRefusalInterval)
	conf.OrPositive(&c.PromptTTL, DefaultPromptTTL)
	conf.OrPositive(&c.Retention, DefaultRetention)
	conf.OrPositive(&c.MuteDefault, DefaultMute)
	conf.OrPositive(&c.MuteMax, DefaultMuteMax)
	c.Managers = slices.Clone(c.Managers)
	for i := range c.Managers {
		if c.Managers[i].Lang == "" {
			c.Managers[i].Lang = c.DefaultLang
		}
	}
	return c
}

// Validate reports every problem of the config New would use (zero fields
// take the defaults) at once, a *conf.Error with each key under telegram.
// It never quotes the token.
func (c Config) Validate() error { return c.withDefaults().Problems().Err() }

// Problems lists the section's problems and warnings with the values as
// written, so an explicit zero is a problem where a default would not be;
// the config package checks the file this way.
func (c Config) Problems() conf.Problems {
	var ps conf.Problems
	if u, ok := ps.HTTPURL("api_url", c.APIURL); ok {
		switch {
		case u.RawQuery != "" || u.Fragment != "":
			ps.Add("api_url", "must be a base URL without ?query or #fragment")
		case strings.Contains(u.Path, "/bot"):
			ps.Add("api_url", "give the server only; /bot<token>/<method> is added by Shenava")
		case u.Scheme == "http" && !conf.LoopbackHost(u.Hostname()):
			ps.Warn("api_url", "plain http sends the credentials unencrypted to %s; use https", u.Host)
		}
	}
	switch tok := c.Token.Reveal(); {
	case tok == "":
		ps.Add("token", "required when telegram is enabled: the bot token, e.g. ${TELEGRAM_BOT_TOKEN}")
	case strings.ContainsFunc(tok, conf.IsSpace) || strings.Contains(tok, "/"):
		// Never print the token itself.
		ps.Add("token", "must not contain spaces or '/'; paste the token exactly as the bot father gave it")
	default:
		if id, secret, ok := strings.Cut(tok, ":"); !ok || id == "" || secret == "" {
			ps.Add("token", "does not look like a bot token (want <bot id>:<secret>, as the bot father gave it)")
		}
	}
	if c.AlertChatID > 0 {
		ps.Add("alert_chat_id", "%d is a private chat; use the managers' group ID (negative), or 0 with alerts: true on managers", c.AlertChatID)
	}
	if len(c.Managers) == 0 {
		ps.Add("managers", "required when telegram is enabled: at least one manager (the allow-list)")
	}
	ids, names := map[int64]int{}, map[string]int{}
	alerted := c.AlertChatID != 0
	for i, m := range c.Managers {
		k := conf.Index("managers", i)
		if j, dup := ids[m.ID]; m.ID <= 0 {
			ps.Add(k+".id", "must be a positive Telegram user ID, got %d", m.ID)
		} else if dup {
			ps.Add(k+".id", "%d is already telegram.managers[%d]", m.ID, j)
		} else {
			ids[m.ID] = i
		}
		name := strings.ToLower(strings.TrimSpace(m.Name))
		if j, dup := names[name]; name == "" {
			ps.Add(k+".name", "required: the name shown in case history")
		} else if dup {
			ps.Add(k+".name", "%q is already telegram.managers[%d] (names are compared ignoring case)", m.Name, j)
		} else {
			names[name] = i
		}
		ps.OneOf(k+".lang", m.Lang, LangPersian, LangEnglish)
		alerted = alerted || m.Alerts
	}
	if len(c.Managers) > 0 && !alerted {
		ps.Add("alert_chat_id", "no one would get alerts: set the managers' group here, or alerts: true on a manager")
	}
	chats, groupNames := map[int64]int{}, map[string]int{}
	for i, g := range c.Groups {
		k := conf.Index("groups", i)
		switch j, dup := chats[g.ChatID]; {
		case g.ChatID == 0:
			ps.Add(k+".chat_id", "required: the group's chat ID (negative, e.g. -1001234567890)")
		case g.ChatID > 0:
			ps.Add(k+".chat_id", "%d: group chat IDs are negative (e.g. -1001234567890)", g.ChatID)
		case g.ChatID == c.AlertChatID:
			ps.Add(k+".chat_id", "is telegram.alert_chat_id; the managers' chat must not be watched as a source")
		case dup:
			ps.Add(k+".chat_id", "%d is already telegram.groups[%d]", g.ChatID, j)
		default:
			chats[g.ChatID] = i
		}
		switch j, dup := groupNames[g.Name]; {
		case strings.TrimSpace(g.Name) == "":
			ps.Add(k+".name", "required: a short name for the group")
		case dup:
			ps.Add(k+".name", "%q is already telegram.groups[%d]", g.Name, j)
		default:
			groupNames[g.Name] = i
		}
	}
	ps.DurationRange("poll_timeout", c.PollTimeout, MinPollTimeout, MaxPollTimeout)
	if c.PollTimeout%time.Second != 0 {
		ps.Add("poll_timeout", "must be whole seconds, got %s", conf.FormatDuration(c.PollTimeout))
	}
	ps.Timeout("timeout", c.RequestTimeout, MaxRequestTimeout)
	ps.OneOf("default_lang", c.DefaultLang, LangPersian, LangEnglish)
	ps.PositiveDuration("mute.default", c.MuteDefault)
	ps.PositiveDuration("mute.max", c.MuteMax)
	if c.MuteDefault > 0 && c.MuteMax > 0 && c.MuteDefault > c.MuteMax {
		ps.Add("mute.default", "%s is above mute.max (%s)", conf.FormatDuration(c.MuteDefault), conf.FormatDuration(c.MuteMax))
	}
	if c.UndoWindow < 0 || c.UndoWindow > MaxUndoWindow {
		ps.Add("undo_window", "%s: want 0 (send at once) to %s", conf.FormatDuration(c.UndoWindow), conf.FormatDuration(MaxUndoWindow))
	}
	if c.Pace.GroupPerMinute < 0 {
		ps.Add("pace.group_per_minute", "%d must not be negative", c.Pace.GroupPerMinute)
	}
	if c.Pace.PrivatePerMinute < 0 {
		ps.Add("pace.private_per_minute", "%d must not be negative", c.Pace.PrivatePerMinute)
	}
	if c.AlertBurst < 0 {
		ps.Add("alert_burst", "%d must not be negative", c.AlertBurst)
	}
	if c.RefusalInterval < 0 {
		ps.Add("refusal_interval", "%s must not be negative", conf.FormatDuration(c.RefusalInterval))
	}
	tpls := map[string]int{}
	for i, t := range c.Templates {
		k := conf.Index("templates", i)
		name := strings.ToLower(strings.TrimSpace(t.Name))
		switch j, dup := tpls[name]; {
		case name == "":
			ps.Add(k+".name", "required: the name shown on the Templates button")
		case dup:
			ps.Add(k+".name", "%q is already routing.templates[%d] (names are compared ignoring case)", t.Name, j)
		default:
			tpls[name] = i
		}
		if len(t.Texts()) == 0 {
			ps.Add(k, "needs a text: fa, en or both")
		}
		for _, lt := range t.Texts() {
			if strings.Contains(lt[1], "{brand}") && strings.TrimSpace(c.Brand) == "" {
				ps.Add(k+"."+lt[0], "uses {brand} but brand.name is empty")
			}
		}
	}
	return ps
}
