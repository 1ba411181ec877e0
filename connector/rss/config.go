package rss

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/shenava/shenava/internal/httpx"
)

// Defaults for the options an operator may leave out.
const (
	// DefaultInterval is how often a feed is polled when neither the feed
	// nor the section says otherwise. News sites rarely publish more often,
	// and a conditional GET of an unchanged feed costs almost nothing.
	DefaultInterval = 15 * time.Minute
	// MinInterval keeps a typo ("15s") from hammering a publisher.
	MinInterval = time.Minute
	// DefaultTimeout bounds one feed request, connection to last byte.
	DefaultTimeout = 30 * time.Second
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

// Config is the `rss` section of config.yaml. Names in comments are the
// YAML keys the config package maps onto these fields.
type Config struct {
	// Feeds lists the feeds to poll (`feeds`).
	Feeds []FeedConfig
	// Interval is the default poll interval of every feed (`interval`).
	Interval time.Duration
	// Timeout bounds one request (`timeout`).
	Timeout time.Duration
	// MaxBodyBytes is the largest feed document accepted (`max_body_bytes`).
	MaxBodyBytes int64
	// MaxAge skips entries published longer ago than this (`max_age`).
	MaxAge time.Duration
	// MaxSeen bounds the entry keys kept in each feed's cursor (`max_seen`).
	MaxSeen int
	// UserAgent is the User-Agent header (`user_agent`); empty means
	// DefaultUserAgent.
	UserAgent string
}

// FeedConfig is one entry of `feeds`.
type FeedConfig struct {
	// Name is the source name mentions carry and the cursor is stored
	// under (`name`). It must be unique.
	Name string
	// URL is the feed's address (`url`): RSS 0.9x/2.0, RSS 1.0 (RDF), Atom
	// or JSON Feed.
	URL string
	// Interval overrides the section's interval for this feed (`interval`).
	Interval time.Duration
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

// Validate reports every problem in the section at once, naming each by its
// YAML key. Zero values mean "use the default" and are accepted.
func (c Config) Validate() error {
	var errs []error
	if len(c.Feeds) == 0 {
		errs = append(errs, errors.New("feeds: at least one feed is required"))
	}
	if c.Interval != 0 && c.Interval < MinInterval {
		errs = append(errs, fmt.Errorf("interval: %s is shorter than the minimum %s", c.Interval, MinInterval))
	}
	if c.Timeout < 0 {
		errs = append(errs, fmt.Errorf("timeout: %s is negative", c.Timeout))
	}
	if c.MaxBodyBytes < 0 {
		errs = append(errs, fmt.Errorf("max_body_bytes: %d is negative", c.MaxBodyBytes))
	}
	if c.MaxAge < 0 {
		errs = append(errs, fmt.Errorf("max_age: %s is negative", c.MaxAge))
	}
	if c.MaxSeen < 0 {
		errs = append(errs, fmt.Errorf("max_seen: %d is negative", c.MaxSeen))
	}
	if strings.ContainsAny(c.UserAgent, "\r\n") {
		errs = append(errs, errors.New("user_agent: must be one line"))
	}
	names := make(map[string]int, len(c.Feeds))
	for i, f := range c.Feeds {
		key := fmt.Sprintf("feeds[%d]", i)
		switch name := strings.TrimSpace(f.Name); {
		case name == "":
			errs = append(errs, fmt.Errorf("%s.name: is required", key))
		case name != f.Name:
			errs = append(errs, fmt.Errorf("%s.name: %q has leading or trailing spaces", key, f.Name))
		default:
			if j, dup := names[name]; dup {
				errs = append(errs, fmt.Errorf("%s.name: %q is already used by feeds[%d]", key, name, j))
			}
			names[name] = i
		}
		if err := checkFeedURL(f.URL); err != nil {
			errs = append(errs, fmt.Errorf("%s.url: %w", key, err))
		}
		if f.Interval != 0 && f.Interval < MinInterval {
			errs = append(errs, fmt.Errorf("%s.interval: %s is shorter than the minimum %s", key, f.Interval, MinInterval))
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("rss: %w", errors.Join(errs...))
}

func checkFeedURL(raw string) error {
	if raw == "" {
		return errors.New("is required")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("%q is not a URL", raw)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("%q must start with http:// or https://", raw)
	}
	if u.Host == "" {
		return fmt.Errorf("%q has no host", raw)
	}
	return nil
}
