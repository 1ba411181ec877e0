package mastodon

import (
	"strings"
	"time"
	"unicode"

	"github.com/shenava/shenava/internal/conf"
	"github.com/shenava/shenava/internal/httpx"
)

// Defaults and limits for the options an operator may leave out.
const (
	// DefaultNotificationsInterval: mentions are the posts most likely to
	// need an answer; one notifications call every 2 minutes is a small
	// share of the 300 calls Mastodon allows an account every 5 minutes.
	DefaultNotificationsInterval = 2 * time.Minute
	// DefaultHashtagInterval is the poll interval of each hashtag timeline.
	DefaultHashtagInterval = 5 * time.Minute
	// DefaultSearchInterval is the poll interval of each search; search is
	// the heaviest call for the server.
	DefaultSearchInterval = 10 * time.Minute
	// MinInterval keeps a typo ("15s") from spending the rate limit.
	MinInterval = 30 * time.Second
	// DefaultPageSize is the page size asked for (Mastodon's maximum for
	// timelines and search is 40; notifications allow 80).
	DefaultPageSize = 40
	// DefaultTimeout bounds one request; MaxTimeout bounds the timeout
	// key.
	DefaultTimeout = 20 * time.Second
	MaxTimeout     = 5 * time.Minute
	// DefaultMaxBodyBytes bounds one response body. A page of 80 statuses
	// with their accounts is a few hundred KiB.
	DefaultMaxBodyBytes = 4 << 20
	// DefaultMaxAge: statuses older than this are not mentions (search
	// results and a first poll can reach far back).
	DefaultMaxAge = 7 * 24 * time.Hour
	// DefaultReplyVisibility: a public answer visible in the thread and on
	// the brand's profile, without pushing it into public timelines.
	DefaultReplyVisibility = VisibilityUnlisted
	// DefaultName prefixes the source names of a Mastodon section.
	DefaultName = "mastodon"
	// DefaultUserAgent is sent when Config.UserAgent is empty; cmd/shenava
	// sets the real version.
	DefaultUserAgent = httpx.DefaultUserAgent
)

// Reply visibilities.
const (
	VisibilityPublic   = "public"
	VisibilityUnlisted = "unlisted"
)

// Config is the sources.mastodon section of config.yaml: one brand account
// on one server. Fields without a YAML key are set by the program: the
// search terms and the brand's own accounts from the brand section, the
// limits from the defaults, UserAgent by cmd/shenava.
type Config struct {
	Enabled bool `yaml:"enabled"`
	// Server is the base URL of the brand account's server, e.g.
	// https://mastodon.social.
	Server string `yaml:"server"`
	// AccessToken is the brand account's user token.
	AccessToken conf.Secret `yaml:"access_token"`
	// Notifications polls notifications of type mention.
	Notifications StreamConfig `yaml:"notifications"`
	// Hashtags are hashtag timelines to watch.
	Hashtags Hashtags `yaml:"hashtags"`
	// Search runs full-text status searches for Search.Terms.
	Search Search `yaml:"search"`
	// ReplyVisibility is the visibility of public replies: "public" or
	// "unlisted".
	ReplyVisibility string `yaml:"reply_visibility"`
	// Timeout bounds one request.
	Timeout time.Duration `yaml:"timeout"`

	// Name prefixes the source names: "mastodon/mentions",
	// "mastodon/tag/novava", "mastodon/search/novava".
	Name string `yaml:"-"`
	// OwnAccounts are the brand's accounts, as "user" (on Server) or
	// "user@domain". Their statuses are never mentions. The account of
	// AccessToken is always included.
	OwnAccounts []string `yaml:"-"`
	// PageSize is the number of items asked for per request.
	PageSize int `yaml:"-"`
	// MaxAge skips statuses older than this.
	MaxAge time.Duration `yaml:"-"`
	// MaxBodyBytes bounds one response body.
	MaxBodyBytes int64 `yaml:"-"`
	// UserAgent is the User-Agent header; empty means DefaultUserAgent.
	UserAgent string `yaml:"-"`
}

// StreamConfig is one polled endpoint: on or off, and how often.
type StreamConfig struct {
	Enabled  bool          `yaml:"enabled"`
	Interval time.Duration `yaml:"interval"`
}

// Hashtags is the hashtag-timeline stream.
type Hashtags struct {
	Enabled bool `yaml:"enabled"`
	// List names the hashtags, with or without '#'; the config package
	// fills brand.hashtags when it is empty.
	List     []string      `yaml:"list"`
	Interval time.Duration `yaml:"interval"`
}

// Search is the full-text search stream.
type Search struct {
	Enabled  bool          `yaml:"enabled"`
	Interval time.Duration `yaml:"interval"`
	// Terms are searched one by one; the config package fills
	// brand.keywords.
	Terms []string `yaml:"-"`
}

// DefaultConfig is the section with every default filled in: disabled,
// notifications on, hashtags and search off.
func DefaultConfig() Config {
	return Config{
		Notifications:   StreamConfig{Enabled: true, Interval: DefaultNotificationsInterval},
		Hashtags:        Hashtags{Interval: DefaultHashtagInterval},
		Search:          Search{Interval: DefaultSearchInterval},
		ReplyVisibility: DefaultReplyVisibility,
		Timeout:         DefaultTimeout,
		Name:            DefaultName,
		PageSize:        DefaultPageSize,
		MaxAge:          DefaultMaxAge,
		MaxBodyBytes:    DefaultMaxBodyBytes,
	}
}

func (c Config) withDefaults() Config {
	if c.Name == "" {
		c.Name = DefaultName
	}
	if c.Notifications.Interval == 0 {
		c.Notifications.Interval = DefaultNotificationsInterval
	}
	if c.Hashtags.Interval == 0 {
		c.Hashtags.Interval = DefaultHashtagInterval
	}
	if c.Search.Interval == 0 {
		c.Search.Interval = DefaultSearchInterval
	}
	if c.PageSize == 0 {
		c.PageSize = DefaultPageSize
	}
	if c.MaxAge == 0 {
		c.MaxAge = DefaultMaxAge
	}
	if c.ReplyVisibility == "" {
		c.ReplyVisibility = DefaultReplyVisibility
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	if c.MaxBodyBytes == 0 {
		c.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if c.UserAgent == "" {
		c.UserAgent = DefaultUserAgent
	}
	c.Server = strings.TrimRight(strings.TrimSpace(c.Server), "/")
	c.Hashtags.List = normalizeHashtags(c.Hashtags.List)
	return c
}

// hashtags are the hashtags watched: none when the stream is off.
func (c Config) hashtags() []string {
	if !c.Hashtags.Enabled {
		return nil
	}
	return c.Hashtags.List
}

// searches are the terms searched: none when the stream is off.
func (c Config) searches() []string {
	if !c.Search.Enabled {
		return nil
	}
	return c.Search.Terms
}

func normalizeHashtags(tags []string) []string {
	out := make([]string, 0, len(tags))
	for _, t := range tags {
		out = append(out, strings.TrimPrefix(strings.TrimSpace(t), "#"))
	}
	return out
}

// Validate reports every problem in the section at once (a *conf.Error),
// each naming its key under sources.mastodon. The values are taken as
// written: New fills zero values with the defaults before it validates.
func (c Config) Validate() error { return c.Problems().Err() }

// Problems lists the section's problems and warnings, as Validate reports
// them.
func (c Config) Problems() conf.Problems {
	var ps conf.Problems
	if c.Name == "" || strings.ContainsAny(c.Name, "/ \t\r\n") {
		ps.Add("name", "%q must be one word without '/'", c.Name)
	}
	if c.Server == "" {
		ps.Add("server", "required when mastodon is enabled: the brand account's server, e.g. https://mastodon.social")
	} else {
		ps.BaseURL("server", c.Server, true)
	}
	switch tok := c.AccessToken.Reveal(); {
	case strings.TrimSpace(tok) == "":
		ps.Add("access_token", "required when mastodon is enabled, e.g. ${MASTODON_ACCESS_TOKEN}")
	case strings.ContainsAny(tok, " \t\r\n"):
		// Never print the token itself.
		ps.Add("access_token", "contains white space; paste the token alone, without \"Bearer \"")
	}
	if !c.Notifications.Enabled && !c.Hashtags.Enabled && !c.Search.Enabled {
		ps.Add("", "enabled, but notifications, hashtags and search are all off")
	}
	if c.Notifications.Enabled {
		ps.MinDuration("notifications.interval", c.Notifications.Interval, MinInterval)
	}
	if c.Hashtags.Enabled {
		if len(c.Hashtags.List) == 0 {
			ps.Add("hashtags.list", "empty, and brand.hashtags is empty too: no hashtag to follow")
		}
		seen := map[string]int{}
		for i, t := range c.Hashtags.List {
			key := conf.Index("hashtags.list", i)
			tag := strings.TrimPrefix(strings.TrimSpace(t), "#")
			switch {
			case tag == "":
				ps.Add(key, "empty entry")
			case strings.ContainsFunc(tag, conf.IsSpace):
				ps.Add(key, "must be one word without spaces, got %q", t)
			case !validHashtag(tag):
				ps.Add(key, "%q is not a hashtag (letters, digits, '_' and ZWNJ only)", t)
			default:
				if j, dup := seen[strings.ToLower(tag)]; dup {
					ps.Add(key, "%q repeats hashtags.list[%d]", t, j)
				}
				seen[strings.ToLower(tag)] = i
			}
		}
		ps.MinDuration("hashtags.interval", c.Hashtags.Interval, MinInterval)
	}
	if c.Search.Enabled {
		if len(c.Search.Terms) == 0 {
			ps.Add("search.enabled", "search looks for brand.keywords, which is empty")
		}
		seen := map[string]int{}
		for i, q := range c.Search.Terms {
			key := conf.Index("search.terms", i)
			q = strings.TrimSpace(q)
			if q == "" {
				ps.Add(key, "empty entry")
				continue
			}
			if j, dup := seen[q]; dup {
				ps.Add(key, "%q repeats search.terms[%d]", q, j)
			}
			seen[q] = i
		}
		ps.MinDuration("search.interval", c.Search.Interval, MinInterval)
	}
	ps.OneOf("reply_visibility", c.ReplyVisibility, VisibilityPublic, VisibilityUnlisted)
	ps.Timeout("timeout", c.Timeout, MaxTimeout)
	if c.PageSize < 1 || c.PageSize > 80 {
		ps.Add("page_size", "%d is not between 1 and 80", c.PageSize)
	}
	if c.MaxAge < 0 {
		ps.Add("max_age", "%s is negative", conf.FormatDuration(c.MaxAge))
	}
	for i, a := range c.OwnAccounts {
		if acct := strings.TrimPrefix(strings.TrimSpace(a), "@"); acct == "" || strings.Count(acct, "@") > 1 || strings.ContainsAny(acct, " /") {
			ps.Add(conf.Index("own_accounts", i), "%q is not user or user@domain", a)
		}
	}
	if c.MaxBodyBytes < 0 {
		ps.Add("max_body_bytes", "%d is negative", c.MaxBodyBytes)
	}
	if strings.ContainsAny(c.UserAgent, "\r\n") {
		ps.Add("user_agent", "must be one line")
	}
	return ps
}

// validHashtag follows Mastodon's hashtag rule closely enough to catch
// typos: letters, marks, digits, '_', and the ZWNJ Persian hashtags use.
func validHashtag(tag string) bool {
	for _, r := range tag {
		if !(unicode.IsLetter(r) || unicode.IsMark(r) || unicode.IsDigit(r) || r == '_' || r == '\u200c' || r == '·') {
			return false
		}
	}
	return true
}
