package bot

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"
)

// Endpoints of Bot-API-compatible servers.
const (
	DefaultAPIURL = "https://api.telegram.org"
	// BaleAPIURL is Bale's Bot API, which has the same shape.
	BaleAPIURL = "https://tapi.bale.ai"
)

// Defaults for zero Config fields.
const (
	DefaultPollTimeout     = 50 * time.Second
	DefaultRequestTimeout  = 30 * time.Second
	DefaultLang            = LangEnglish
	DefaultRefusalInterval = time.Hour
	DefaultPromptTTL       = time.Hour
	DefaultMute            = time.Hour
	DefaultMuteMax         = 24 * time.Hour
	DefaultSourceName      = "telegram"
	DefaultPageSize        = 5
	// DefaultRetention is how long button tokens, message links and
	// approval records are kept.
	DefaultRetention = 90 * 24 * time.Hour
)

// Languages the bot speaks to managers.
const (
	LangPersian = "fa"
	LangEnglish = "en"
)

// Manager is a community manager allowed to act through the bot.
type Manager struct {
	// ID is the Telegram user ID (a number; @userinfobot tells it).
	ID int64
	// Name is how the manager appears in alerts and case histories.
	Name string
	// Lang is the manager's language, "fa" or "en" ("" = DefaultLang).
	// /lang changes it for that manager.
	Lang string
	// Alerts also sends this manager each alert and notice privately.
	Alerts bool
}

// Group is a Telegram group whose messages are read as mentions.
type Group struct {
	ChatID int64
	Name   string
}

// Template is a saved reply managers can send with one tap, in Persian,
// English and Finglish (any of them). Texts may use {author} and {brand}.
type Template struct {
	Name       string
	FA, EN, FI string
}

// For returns the text for a mention's language: the exact one when set,
// Finglish falling back to Persian, every other language to English, then
// whichever is set.
func (t Template) For(lang string) string {
	order := []string{t.EN, t.FA, t.FI}
	switch lang {
	case LangPersian:
		order = []string{t.FA, t.EN, t.FI}
	case "fi":
		order = []string{t.FI, t.FA, t.EN}
	}
	for _, s := range order {
		if strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}

// texts lists the template's texts with their language codes.
func (t Template) texts() [][2]string {
	var out [][2]string
	for _, lt := range [][2]string{{"fa", t.FA}, {"en", t.EN}, {"fi", t.FI}} {
		if strings.TrimSpace(lt[1]) != "" {
			out = append(out, lt)
		}
	}
	return out
}

// Config is the telegram section of the configuration. The config package
// decodes the YAML; cmd/shenava copies it here. Zero fields take the
// defaults above.
type Config struct {
	// APIURL is the Bot API server: Telegram, Bale, a self-hosted
	// telegram-bot-api server, or a local fake in tests.
	APIURL string
	// Token is the bot token from @BotFather. It never appears in logs or
	// errors.
	Token string
	// AlertChatID is the managers' group that gets alerts and notices
	// (0 = none: managers with Alerts get them privately).
	AlertChatID int64
	// DigestChatID is where the daily digest goes: 0 = the alert chat, or
	// every manager privately when there is none.
	DigestChatID int64
	Managers     []Manager
	// Groups are read as a source of mentions (the bot must be a member,
	// with privacy mode off).
	Groups []Group
	// SourceName names the group-message source (its cursor key).
	SourceName string
	// PollTimeout is the long-poll wait of getUpdates.
	PollTimeout time.Duration
	// RequestTimeout bounds every other call.
	RequestTimeout time.Duration
	// DefaultLang is the language of the alert chat and of managers who
	// chose none.
	DefaultLang string
	// Brand fills {brand} in templates.
	Brand     string
	Templates []Template
	// ThankApproval is on when thank-yous wait for a manager's approval
	// (thank_you.mode: approve). Drafts that arrive while it is off are
	// shown without buttons.
	ThankApproval bool
	// Location is the time zone of days in /stats and /digest (the
	// store's counter zone). Nil means UTC.
	Location *time.Location
	// RefusalInterval: strangers get at most one refusal per chat per
	// interval, so the bot cannot be used to spam.
	RefusalInterval time.Duration
	// PromptTTL is how long a "write your reply" prompt waits for text
	// sent without replying to it.
	PromptTTL time.Duration
	// Retention is how long button tokens and message links are kept.
	Retention time.Duration
	// MuteDefault is how long /mute without an argument mutes; MuteMax
	// the longest /mute accepted.
	MuteDefault, MuteMax time.Duration
	// UndoWindow holds a manager's reply this long before the outbox sends
	// it, with an Undo button on the confirmation: a text sent to the
	// customer by mistake can be taken back. Zero sends at once (unlike
	// the other fields, zero is not replaced by a default).
	UndoWindow time.Duration
}

// LogValue keeps the token out of logs even when the whole config is
// logged.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("api_url", c.APIURL),
		slog.Bool("token_set", c.Token != ""),
		slog.Int64("alert_chat_id", c.AlertChatID),
		slog.Int("managers", len(c.Managers)),
		slog.Int("groups", len(c.Groups)),
	)
}

func (c Config) withDefaults() Config {
	if c.APIURL == "" {
		c.APIURL = DefaultAPIURL
	}
	c.APIURL = strings.TrimRight(c.APIURL, "/")
	if c.SourceName == "" {
		c.SourceName = DefaultSourceName
	}
	if c.PollTimeout <= 0 {
		c.PollTimeout = DefaultPollTimeout
	}
	if c.RequestTimeout <= 0 {
		c.RequestTimeout = DefaultRequestTimeout
	}
	if c.DefaultLang == "" {
		c.DefaultLang = DefaultLang
	}
	if c.Location == nil {
		c.Location = time.UTC
	}
	if c.RefusalInterval <= 0 {
		c.RefusalInterval = DefaultRefusalInterval
	}
	if c.PromptTTL <= 0 {
		c.PromptTTL = DefaultPromptTTL
	}
	if c.Retention <= 0 {
		c.Retention = DefaultRetention
	}
	if c.MuteDefault <= 0 {
		c.MuteDefault = DefaultMute
	}
	if c.MuteMax <= 0 {
		c.MuteMax = DefaultMuteMax
	}
	for i := range c.Managers {
		if c.Managers[i].Lang == "" {
			c.Managers[i].Lang = c.DefaultLang
		}
	}
	return c
}

// Validate reports every problem at once, naming the YAML keys under
// telegram. It never quotes the token.
func (c Config) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	if c.APIURL != "" {
		u, err := url.Parse(c.APIURL)
		switch {
		case err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "":
			bad("telegram.api_url %q: want an http(s) URL such as %s or %s", c.APIURL, DefaultAPIURL, BaleAPIURL)
		case strings.Contains(u.Path, "/bot"):
			bad("telegram.api_url %q: give the server only; /bot<token>/<method> is added by Shenava", c.APIURL)
		}
	}
	switch id, secret, ok := strings.Cut(c.Token, ":"); {
	case strings.TrimSpace(c.Token) == "":
		bad("telegram.token: must be set (the token @BotFather gave; keep it in the environment)")
	case !ok || id == "" || secret == "" || strings.ContainsAny(c.Token, " \t\r\n/"):
		bad("telegram.token: does not look like a bot token (want <bot id>:<secret>)")
	}
	if len(c.Managers) == 0 {
		bad("telegram.managers: list at least one manager (Telegram user ID and name)")
	}
	ids, names := map[int64]bool{}, map[string]bool{}
	for i, m := range c.Managers {
		key := fmt.Sprintf("telegram.managers[%d]", i)
		if m.ID <= 0 {
			bad("%s.id %d: want the manager's numeric Telegram user ID", key, m.ID)
		} else if ids[m.ID] {
			bad("%s.id %d: listed twice", key, m.ID)
		}
		ids[m.ID] = true
		name := strings.TrimSpace(m.Name)
		if name == "" {
			bad("%s.name: must not be empty", key)
		} else if names[strings.ToLower(name)] {
			bad("%s.name %q: two managers share it", key, m.Name)
		}
		names[strings.ToLower(name)] = true
		if m.Lang != "" && m.Lang != LangPersian && m.Lang != LangEnglish {
			bad("%s.lang %q: want fa or en", key, m.Lang)
		}
	}
	if c.DefaultLang != "" && c.DefaultLang != LangPersian && c.DefaultLang != LangEnglish {
		bad("telegram.default_lang %q: want fa or en", c.DefaultLang)
	}
	groups := map[int64]bool{}
	for i, g := range c.Groups {
		key := fmt.Sprintf("telegram.groups[%d]", i)
		switch {
		case g.ChatID >= 0:
			bad("%s.chat_id %d: group chat IDs are negative (e.g. -1001234567890)", key, g.ChatID)
		case groups[g.ChatID]:
			bad("%s.chat_id %d: listed twice", key, g.ChatID)
		case g.ChatID == c.AlertChatID:
			bad("%s.chat_id %d: is also telegram.alert_chat_id; the managers' chat must not be a public source", key, g.ChatID)
		}
		groups[g.ChatID] = true
	}
	if c.AlertChatID > 0 {
		bad("telegram.alert_chat_id %d: a positive ID is a private chat; use the managers' group ID (negative), or 0 with alerts: true on managers", c.AlertChatID)
	}
	if c.AlertChatID == 0 && len(c.Managers) > 0 {
		alerted := false
		for _, m := range c.Managers {
			alerted = alerted || m.Alerts
		}
		if !alerted {
			bad("telegram.alert_chat_id is 0 and no manager has alerts: true: alerts would reach no one")
		}
	}
	if c.MuteDefault < 0 || c.MuteMax < 0 || (c.MuteMax > 0 && c.MuteDefault > c.MuteMax) {
		bad("telegram.mute: default %s and max %s: want 0 < default <= max", c.MuteDefault, c.MuteMax)
	}
	if c.PollTimeout < 0 || c.PollTimeout > 10*time.Minute {
		bad("telegram.poll_timeout %s: want between 1s and 10m", c.PollTimeout)
	}
	if c.RequestTimeout < 0 {
		bad("telegram.request_timeout %s: must not be negative", c.RequestTimeout)
	}
	if c.RefusalInterval < 0 {
		bad("telegram.refusal_interval %s: must not be negative", c.RefusalInterval)
	}
	tpls := map[string]bool{}
	for i, t := range c.Templates {
		key := fmt.Sprintf("telegram.templates[%d]", i)
		name := strings.ToLower(strings.TrimSpace(t.Name))
		switch {
		case name == "":
			bad("%s.name: must not be empty", key)
		case tpls[name]:
			bad("%s.name %q: another template has it", key, t.Name)
		}
		tpls[name] = true
		if len(t.texts()) == 0 {
			bad("%s: give a text in fa, en or fi", key)
		}
		for _, lt := range t.texts() {
			if strings.Contains(lt[1], "{brand}") && strings.TrimSpace(c.Brand) == "" {
				bad("%s.%s uses {brand} but the brand name is empty", key, lt[0])
			}
		}
	}
	return errors.Join(errs...)
}
