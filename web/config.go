package web

import (
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/digest"
	"github.com/shenava/shenava/internal/conf"
)

// Defaults of the web section, and for zero Config fields.
const (
	// DefaultListen serves the inbox on this machine only; a reverse
	// proxy in front of it serves HTTPS to the managers.
	DefaultListen = "127.0.0.1:8090"
	// DefaultSessionIdle signs a manager out after this long without a
	// page view; DefaultSessionMax after this long whatever they do.
	DefaultSessionIdle = 12 * time.Hour
	DefaultSessionMax  = 7 * 24 * time.Hour
	// DefaultVIPFollowers is how many followers make an author a VIP in
	// the inbox's priority filter.
	DefaultVIPFollowers = 10000
	// LinkTTL is how long a sign-in link from the bot or the command line
	// is valid. It can be used once.
	LinkTTL = 10 * time.Minute
	// MiniAppMaxAge is how old a Telegram Mini App's initData may be.
	MiniAppMaxAge = 10 * time.Minute

	MinSessionIdle = time.Minute
	MaxSessionMax  = 90 * 24 * time.Hour
)

// Manager is one of the people allowed in: the bot's managers.
type Manager struct {
	// ID is the Telegram user ID.
	ID int64
	// Name is how the manager appears in case histories.
	Name string
	// Lang is the manager's language, "fa" or "en".
	Lang string
}

// Config is the web section of config.yaml. Fields without a YAML key are
// set by the program from other sections: the managers, templates, undo
// window and bot token of the telegram section, the brand's name.
type Config struct {
	// Listen is host:port; "" turns the web inbox off.
	Listen string `yaml:"listen"`
	// AllowRemote permits a non-loopback address.
	AllowRemote bool `yaml:"allow_remote"`
	// BaseURL is the inbox's address as managers reach it (behind a
	// reverse proxy, its https:// URL), used in sign-in links. "" means
	// http://Listen.
	BaseURL string `yaml:"base_url"`
	// Secret signs sign-in links. "" derives a key from the bot token.
	Secret conf.Secret `yaml:"secret"`
	// SessionIdle and SessionMax end a session after that long idle, and
	// after that long in all.
	SessionIdle time.Duration `yaml:"session_idle"`
	SessionMax  time.Duration `yaml:"session_max"`
	// VIPFollowers is the follower count from which an author is a VIP.
	VIPFollowers int `yaml:"vip_followers"`
	// MenuButton gives each manager's private chat with the bot a menu
	// button that opens the inbox as a Telegram Mini App. Telegram opens
	// Mini Apps over HTTPS only: it needs an https BaseURL.
	MenuButton bool `yaml:"menu_button"`

	Brand      string          `yaml:"-"`
	Managers   []Manager       `yaml:"-"`
	Templates  []core.Template `yaml:"-"`
	UndoWindow time.Duration   `yaml:"-"`
	// BotToken validates Mini App sign-ins, and derives the link key when
	// Secret is empty.
	BotToken conf.Secret `yaml:"-"`
	// DefaultLang is the language of pages before sign-in.
	DefaultLang string `yaml:"-"`
	// SLATarget and RecoveryWindow are the digest's: the reports count
	// breaches and recoveries as the digest does.
	SLATarget      time.Duration `yaml:"-"`
	RecoveryWindow time.Duration `yaml:"-"`
}

// DefaultConfig is the section with its defaults.
func DefaultConfig() Config {
	return Config{Listen: DefaultListen, SessionIdle: DefaultSessionIdle, SessionMax: DefaultSessionMax,
		VIPFollowers: DefaultVIPFollowers}
}

// Enabled reports whether the inbox is served.
func (c Config) Enabled() bool { return c.Listen != "" }

// Validate reports the section's problems (a *conf.Error), each naming its
// key under web.
func (c Config) Validate() error { return c.Problems().Err() }

// Problems lists the section's problems, as Validate reports them.
func (c Config) Problems() conf.Problems {
	var ps conf.Problems
	if c.Listen == "" {
		return ps
	}
	host, port, err := net.SplitHostPort(c.Listen)
	switch {
	case err != nil:
		ps.Add("listen", "must be host:port such as 127.0.0.1:8090, got %q", c.Listen)
	default:
		if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
			ps.Add("listen", "port must be a number from 0 to 65535, got %q", port)
		} else if !c.AllowRemote && !conf.LoopbackHost(host) {
			ps.Add("listen", "%q is reachable from other machines; use 127.0.0.1 or ::1 behind a reverse proxy, or set allow_remote: true", c.Listen)
		}
	}
	if c.BaseURL != "" {
		if u, ok := ps.HTTPURL("base_url", c.BaseURL); ok {
			if u.RawQuery != "" || u.Fragment != "" {
				ps.Add("base_url", "must be a base URL without ?query or #fragment")
			} else if strings.Trim(u.Path, "/") != "" {
				ps.Add("base_url", "must be the root of a host (https://inbox.example.com), not a path under it: the inbox's pages are at /")
			} else if u.Scheme == "http" && !conf.LoopbackHost(u.Hostname()) {
				ps.Warn("base_url", "plain http sends sign-in links and session cookies unencrypted to %s; serve https from a reverse proxy", u.Host)
			}
		}
	}
	if c.MenuButton && !c.secure() {
		ps.Add("menu_button", "needs an https:// base_url: Telegram opens Mini Apps over HTTPS only")
	}
	if c.SessionIdle != 0 || c.SessionMax != 0 {
		ps.DurationRange("session_idle", c.SessionIdle, MinSessionIdle, MaxSessionMax)
		ps.DurationRange("session_max", c.SessionMax, MinSessionIdle, MaxSessionMax)
		if c.SessionIdle > c.SessionMax && c.SessionMax > 0 {
			ps.Add("session_idle", "%s is longer than session_max (%s)", conf.FormatDuration(c.SessionIdle), conf.FormatDuration(c.SessionMax))
		}
	}
	if c.VIPFollowers < 0 {
		ps.Add("vip_followers", "must not be negative, got %d", c.VIPFollowers)
	}
	return ps
}

func (c Config) withDefaults() Config {
	if c.SessionIdle <= 0 {
		c.SessionIdle = DefaultSessionIdle
	}
	if c.SessionMax <= 0 {
		c.SessionMax = DefaultSessionMax
	}
	if c.VIPFollowers == 0 {
		c.VIPFollowers = DefaultVIPFollowers
	}
	if c.SLATarget <= 0 {
		c.SLATarget = digest.DefaultSLATarget
	}
	if c.RecoveryWindow <= 0 {
		c.RecoveryWindow = core.DefaultRecoveryWindow
	}
	if c.DefaultLang != "en" {
		c.DefaultLang = "fa"
	}
	return c
}

// Base is the inbox's base URL without a final slash.
func (c Config) Base() string {
	if c.BaseURL != "" {
		return strings.TrimRight(c.BaseURL, "/")
	}
	return "http://" + c.Listen
}

// secure reports whether the inbox is reached over HTTPS, which makes its
// cookies Secure.
func (c Config) secure() bool {
	u, err := url.Parse(c.Base())
	return err == nil && u.Scheme == "https"
}

// MiniAppURL is the page Telegram opens as the inbox's Mini App when the
// bot's menu button is on (MenuButton, over HTTPS); "" otherwise.
func (c Config) MiniAppURL() string {
	if !c.Enabled() || !c.MenuButton || !c.secure() {
		return ""
	}
	return c.Base() + "/app"
}
