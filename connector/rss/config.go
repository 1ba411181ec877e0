package rss

import (
	"strings"
	"time"

	"github.com/shenava/shenava/internal/conf"
	"github.com/shenava/shenava/internal/httpx"
)

// Defaults for the options an operator may leave out.
const (
	// DefaultInterval is how often a feed is polled when neither the feed
	// nor the section says otherwise: listen.poll_interval's default.
	DefaultInterval = 5 * time.Minute
	// MinInterval keeps a typo ("15s") from hammering a publisher.
	MinInterval = time.Minute
	// DefaultTimeout bounds one feed request, connection to last byte.
	DefaultTimeout = 20 * time.Second
	// MaxTimeout bounds the timeout key.
	MaxTimeout = 5 * time.Minute
	// DefaultMaxBodyBytes is the largest feed document read. Real feeds are
	// well under 1 MiB; anything far larger is an archive or a mistake.
	DefaultMaxBodyBytes = 8 << 20
	// DefaultMaxAge: entries published longer ago than this are not
	// mentions any more (a first poll of a feed with years of archive must
	// not alert on all of it).
	DefaultMaxAge = 7 * 24 * time.Hour
	// DefaultMaxSeen is how many entry keys a feed's cursor remembers.
	DefaultMaxSeen = 1000
	// DefaultUserAgent is sent when Config.UserAgent is empty; cmd/shenava
	// sets the real version.
	DefaultUserAgent = httpx.DefaultUserAgent
)

// Config is the sources.rss section of config.yaml. Fields without a YAML
// key are set by the program: Interval from listen.poll_interval, the
// limits from the defaults.
type Config struct {
	Enabled bool `yaml:"enabled"`
	// Feeds lists the feeds to poll.
	Feeds []FeedConfig `yaml:"feeds"`
	// Timeout bounds one request.
	Timeout time.Duration `yaml:"timeout"`
	// UserAgent replaces the default "Shenava/<version> (+https://github.com/shenava/shenava)".
	UserAgent string `yaml:"user_agent"`

	// Interval is the poll interval of feeds without their own.
	Interval time.Duration `yaml:"-"`
	// MaxBodyBytes is the largest feed document accepted.
	MaxBodyBytes int64 `yaml:"-"`
	// MaxAge skips entries published longer ago than this.
	MaxAge time.Duration `yaml:"-"`
	// MaxSeen bounds the entry keys kept in each feed's cursor.
	MaxSeen int `yaml:"-"`
}

// FeedConfig is one entry of feeds.
type FeedConfig struct {
	// Name is the source name mentions carry and the cursor is stored
	// under. It must be unique.
	Name string `yaml:"name"`
	// URL is the feed's address: RSS 0.9x/2.0, RSS 1.0 (RDF), Atom or
	// JSON Feed.
	URL string `yaml:"url"`
	// Interval overrides the section's interval for this feed; 0 = the
	// section's.
	Interval time.Duration `yaml:"interval"`
}

// DefaultConfig is the section with every default filled in (disabled,
// no feeds).
func DefaultConfig() Config {
	return Config{
		Timeout:      DefaultTimeout,
		Interval:     DefaultInterval,
		MaxBodyBytes: DefaultMaxBodyBytes,
		MaxAge:       DefaultMaxAge,
		MaxSeen:      DefaultMaxSeen,
	}
}

// withDefaults fills the zero values with the package defaults.
func (c Config) withDefaults() Config {
	if c.Interval == 0 {
		c.Interval = DefaultInterval
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	if c.MaxBodyBytes == 0 {
		c.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if c.MaxAge == 0 {
		c.MaxAge = DefaultMaxAge
	}
	if c.MaxSeen == 0 {
		c.MaxSeen = DefaultMaxSeen
	}
	if c.UserAgent == "" {
		c.UserAgent = DefaultUserAgent
	}
	feeds := make([]FeedConfig, len(c.Feeds))
	for i, f := range c.Feeds {
		if f.Interval == 0 {
			f.Interval = c.Interval
		}
		feeds[i] = f
	}
	c.Feeds = feeds
	return c
}

// Validate reports every problem in the section at once, naming each by
// its key under sources.rss (a *conf.Error). The values are taken as
// written: New fills zero values with the defaults before it validates.
// Names unique across all sources are checked by the config package.
func (c Config) Validate() error { return c.Problems().Err() }

// Problems lists the section's problems, as Validate reports them.
func (c Config) Problems() conf.Problems {
	var ps conf.Problems
	if len(c.Feeds) == 0 {
		ps.Add("feeds", "rss is enabled but no feeds are listed")
	}
	if c.Interval != 0 {
		ps.MinDuration("interval", c.Interval, MinInterval)
	}
	ps.Timeout("timeout", c.Timeout, MaxTimeout)
	if c.MaxBodyBytes < 0 {
		ps.Add("max_body_bytes", "%d is negative", c.MaxBodyBytes)
	}
	if c.MaxAge < 0 {
		ps.Add("max_age", "%s is negative", conf.FormatDuration(c.MaxAge))
	}
	if c.MaxSeen < 0 {
		ps.Add("max_seen", "%d is negative", c.MaxSeen)
	}
	if strings.ContainsAny(c.UserAgent, "\r\n") {
		ps.Add("user_agent", "must be one line")
	}
	names := make(map[string]int, len(c.Feeds))
	for i, f := range c.Feeds {
		key := conf.Index("feeds", i)
		switch name := strings.TrimSpace(f.Name); {
		case name == "":
			ps.Add(key+".name", "required: a short name for the source (letters, digits, . _ -)")
		case name != f.Name:
			ps.Add(key+".name", "%q has leading or trailing spaces", f.Name)
		default:
			if j, dup := names[name]; dup {
				ps.Add(key+".name", "%q is already the name of feeds[%d]; source names must be unique", name, j)
			}
			names[name] = i
		}
		ps.HTTPURL(key+".url", f.URL)
		if f.Interval != 0 {
			ps.MinDuration(key+".interval", f.Interval, MinInterval)
		}
	}
	return ps
}
