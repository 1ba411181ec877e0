package telegramuser

import (
	"regexp"
	"strings"
	"time"

	"github.com/shenava/shenava/internal/conf"
)

// Defaults and limits for Config.
const (
	DefaultPollInterval    = 10 * time.Minute
	DefaultSearchInterval  = 30 * time.Minute
	DefaultMaxPages        = 3
	DefaultBackfill        = 24 * time.Hour
	DefaultRequestInterval = 2 * time.Second
	DefaultSessionFile     = "telegram-session.json"
	DefaultTimeout         = 30 * time.Second

	// MinPollInterval keeps the account well away from Telegram's flood
	// limits, which ban accounts that read too eagerly.
	MinPollInterval    = time.Minute
	MinRequestInterval = 500 * time.Millisecond
	MaxMaxPages        = 20
	MaxTimeout         = 5 * time.Minute
	// PageSize is the messages asked for per request (Telegram's most).
	PageSize = 100
)

// Config is the sources.telegram_channels section of config.yaml: a
// read-only collector account (a user, over MTProto) that reads public
// channels and groups and searches Telegram for the brand.
type Config struct {
	Enabled bool `yaml:"enabled"`
	// APIID and APIHash identify the application, from my.telegram.org.
	APIID   int         `yaml:"api_id"`
	APIHash conf.Secret `yaml:"api_hash"`
	// Channels are public channels and groups by @username, read in full.
	Channels []string `yaml:"channels"`
	// Search are the terms of the global search (messages.searchGlobal);
	// empty takes brand.keywords and brand.hashtags.
	Search []string `yaml:"search"`
	// PollInterval is how often each channel is read; SearchInterval how
	// often the search runs (0 = off).
	PollInterval   time.Duration `yaml:"poll_interval"`
	SearchInterval time.Duration `yaml:"search_interval"`
	// SessionFile keeps the signed-in session (mode 0600); `shenava
	// telegram login` writes it.
	SessionFile string `yaml:"session_file"`
	// MaxPages caps the requests of one read; the rest follow on the next.
	MaxPages int `yaml:"max_pages"`
	// RequestInterval is the least time between two requests of the
	// account, whatever source makes them.
	RequestInterval time.Duration `yaml:"request_interval"`
	// Backfill is how far back the first read of a channel or term goes.
	Backfill time.Duration `yaml:"backfill"`
	// Timeout bounds each request.
	Timeout time.Duration `yaml:"timeout"`
}

// DefaultConfig is the section with every default filled in: disabled.
func DefaultConfig() Config {
	return Config{
		PollInterval: DefaultPollInterval, SearchInterval: DefaultSearchInterval,
		SessionFile: DefaultSessionFile, MaxPages: DefaultMaxPages, RequestInterval: DefaultRequestInterval,
		Backfill: DefaultBackfill, Timeout: DefaultTimeout,
	}
}

func (c Config) withDefaults() Config {
	d := DefaultConfig()
	conf.Or(&c.PollInterval, d.PollInterval)
	conf.Or(&c.SessionFile, d.SessionFile)
	conf.Or(&c.MaxPages, d.MaxPages)
	conf.Or(&c.RequestInterval, d.RequestInterval)
	conf.Or(&c.Backfill, d.Backfill)
	conf.Or(&c.Timeout, d.Timeout)
	chans := make([]string, 0, len(c.Channels))
	for _, ch := range c.Channels {
		chans = append(chans, Username(ch))
	}
	c.Channels = chans
	return c
}

// Username normalises a channel reference: "@name", "t.me/name" and
// "https://t.me/name" are all "name".
func Username(s string) string {
	s = strings.TrimSpace(s)
	for _, p := range []string{"https://", "http://", "t.me/", "telegram.me/", "@"} {
		s = strings.TrimPrefix(s, p)
	}
	return strings.ToLower(strings.TrimRight(s, "/"))
}

var usernameRE = regexp.MustCompile(`^[a-z][a-z0-9_]{3,31}$`)

// Validate reports every problem at once (a *conf.Error).
func (c Config) Validate() error { return c.Problems().Err() }

// Problems lists the section's problems, each naming its key under
// sources.telegram_channels.
func (c Config) Problems() conf.Problems {
	var ps conf.Problems
	if c.APIID <= 0 {
		ps.Add("api_id", "required: the application's api_id from my.telegram.org")
	}
	if c.APIHash.Empty() {
		ps.Add("api_hash", "required: the application's api_hash from my.telegram.org, e.g. ${TELEGRAM_API_HASH}")
	}
	if len(c.Channels) == 0 && (c.SearchInterval == 0 || len(c.Search) == 0) {
		ps.Add("channels", "no channel to read and no search term: nothing would be heard")
	}
	seen := map[string]bool{}
	for i, ch := range c.Channels {
		u := Username(ch)
		switch {
		case !usernameRE.MatchString(u):
			ps.Add(conf.Index("channels", i), "%q is not a public @username (5 to 32 letters, digits or _)", ch)
		case seen[u]:
			ps.Add(conf.Index("channels", i), "@%s is listed twice", u)
		}
		seen[u] = true
	}
	for i, s := range c.Search {
		if strings.TrimSpace(s) == "" {
			ps.Add(conf.Index("search", i), "empty search term")
		}
	}
	ps.MinDuration("poll_interval", c.PollInterval, MinPollInterval)
	if c.SearchInterval != 0 {
		ps.MinDuration("search_interval", c.SearchInterval, MinPollInterval)
	}
	if c.SessionFile == "" {
		ps.Add("session_file", "required: where the signed-in session is kept")
	}
	ps.IntRange("max_pages", c.MaxPages, 1, MaxMaxPages)
	ps.MinDuration("request_interval", c.RequestInterval, MinRequestInterval)
	ps.PositiveDuration("backfill", c.Backfill)
	ps.Timeout("timeout", c.Timeout, MaxTimeout)
	return ps
}
