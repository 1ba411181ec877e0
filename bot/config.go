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
}

// Group is a Telegram group whose messages are read as mentions.
type Group struct {
	ChatID int64
	Name   string
}

// Template is a saved reply managers can send with one tap. Text may use
// {author} and {brand}.
type Template struct {
	Name string
	Lang string
	Text string
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
	// AlertChatID is the managers' group that gets alerts (0 = none).
	AlertChatID int64
	// AlertManagers also sends alerts to each manager privately. With no
	// alert chat, managers always get them privately.
	AlertManagers bool
	Managers      []Manager
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
		if !ids[c.AlertChatID] {
			bad("telegram.alert_chat_id %d: a positive ID is a private chat; use the managers' group ID (negative) or leave it 0 to alert managers privately", c.AlertChatID)
		}
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
		if strings.TrimSpace(t.Name) == "" {
			bad("%s.name: must not be empty", key)
		}
		if t.Lang != LangPersian && t.Lang != LangEnglish {
			bad("%s.lang %q: want fa or en", key, t.Lang)
		}
		if strings.TrimSpace(t.Text) == "" {
			bad("%s.text: must not be empty", key)
		}
		if strings.Contains(t.Text, "{brand}") && strings.TrimSpace(c.Brand) == "" {
			bad("%s.text uses {brand} but the brand name is empty", key)
		}
		k := t.Lang + "\x00" + strings.ToLower(t.Name)
		if tpls[k] {
			bad("%s: another %s template is named %q", key, t.Lang, t.Name)
		}
		tpls[k] = true
	}
	return errors.Join(errs...)
}
