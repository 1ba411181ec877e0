package mastodon

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode"

	"github.com/shenava/shenava/internal/httpx"
)

// Defaults for the options an operator may leave out.
const (
	// DefaultMentionsInterval: mentions are the posts most likely to need an
	// answer, and one notifications call a minute is 5 of the 300 calls
	// Mastodon allows an account every 5 minutes.
	DefaultMentionsInterval = time.Minute
	// DefaultHashtagInterval is the poll interval of each hashtag timeline.
	DefaultHashtagInterval = 2 * time.Minute
	// DefaultSearchInterval is the poll interval of each search; search is
	// the heaviest call for the server.
	DefaultSearchInterval = 5 * time.Minute
	// MinInterval keeps a typo ("15s") from spending the rate limit.
	MinInterval = 10 * time.Second
	// DefaultPageSize is the page size asked for (Mastodon's maximum for
	// timelines and search is 40; notifications allow 80).
	DefaultPageSize = 40
	// DefaultTimeout bounds one request.
	DefaultTimeout = 20 * time.Second
	// DefaultMaxBodyBytes bounds one response body. A page of 80 statuses
	// with their accounts is a few hundred KiB.
	DefaultMaxBodyBytes = 4 << 20
	// DefaultMaxAge: statuses older than this are not mentions (search
	// results and a first poll can reach far back).
	DefaultMaxAge = 7 * 24 * time.Hour
	// DefaultReplyVisibility: a public answer visible in the thread and on
	// the brand's profile, without pushing it into public timelines.
	DefaultReplyVisibility = "unlisted"
	// DefaultName prefixes the source names of a Mastodon section.
	DefaultName = "mastodon"
	// DefaultUserAgent is sent when Config.UserAgent is empty; cmd/shenava
	// sets the real version.
	DefaultUserAgent = httpx.DefaultUserAgent
)

// Config is the `mastodon` section of config.yaml. Names in comments are the
// YAML keys the config package maps onto these fields.
type Config struct {
	// Name prefixes the source names (`name`): "mastodon/mentions",
	// "mastodon/tag/novava", "mastodon/search/novava". Change it only to
	// watch two servers.
	Name string
	// Server is the base URL of the brand account's server (`server`), e.g.
	// https://mastodon.social.
	Server string
	// AccessToken is the brand account's user token (`access_token`, from
	// the environment).
	AccessToken string

	// Mentions polls notifications of type mention (`mentions`).
	Mentions bool
	// MentionsInterval is how often (`mentions_interval`).
	MentionsInterval time.Duration
	// Hashtags are hashtag timelines to watch, without '#' (`hashtags`).
	Hashtags []string
	// HashtagInterval is how often each is polled (`hashtag_interval`).
	HashtagInterval time.Duration
	// Searches are full-text status searches (`searches`).
	Searches []string
	// SearchInterval is how often each is polled (`search_interval`).
	SearchInterval time.Duration

	// PageSize is the number of items asked for per request (`page_size`).
	PageSize int
	// MaxAge skips statuses older than this (`max_age`).
	MaxAge time.Duration
	// ReplyVisibility is the visibility of public replies (`reply_visibility`):
	// "public" or "unlisted".
	ReplyVisibility string
	// OwnAccounts are the brand's accounts, as "user" (on Server) or
	// "user@domain" (`own_accounts`). Their statuses are never mentions. The
	// account of AccessToken is always included.
	OwnAccounts []string
	// Timeout bounds one request (`timeout`).
	Timeout time.Duration
	// MaxBodyBytes bounds one response body (`max_body_bytes`).
	MaxBodyBytes int64
	// UserAgent is the User-Agent header (`user_agent`); empty means
	// DefaultUserAgent.
	UserAgent string
}

func (c Config) withDefaults() Config {
	if c.Name == "" {
		c.Name = DefaultName
	}
	if c.MentionsInterval == 0 {
		c.MentionsInterval = DefaultMentionsInterval
	}
	if c.HashtagInterval == 0 {
		c.HashtagInterval = DefaultHashtagInterval
	}
	if c.SearchInterval == 0 {
		c.SearchInterval = DefaultSearchInterval
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
	c.Server = strings.TrimRight(c.Server, "/")
	c.Hashtags = normalizeHashtags(c.Hashtags)
	return c
}

func normalizeHashtags(tags []string) []string {
	out := make([]string, 0, len(tags))
	for _, t := range tags {
		out = append(out, strings.TrimPrefix(strings.TrimSpace(t), "#"))
	}
	return out
}

// Validate reports every problem in the section at once, naming each by its
// YAML key. Zero values mean "use the default" and are accepted.
func (c Config) Validate() error {
	var errs []error
	if strings.ContainsAny(c.Name, "/ \t\r\n") {
		errs = append(errs, fmt.Errorf("name: %q must be one word without '/'", c.Name))
	}
	switch u, err := url.Parse(c.Server); {
	case c.Server == "":
		errs = append(errs, errors.New("server: is required (the base URL of the brand account's server, e.g. https://mastodon.social)"))
	case err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "":
		errs = append(errs, fmt.Errorf("server: %q is not an http(s) URL", c.Server))
	case u.RawQuery != "" || u.Fragment != "":
		errs = append(errs, fmt.Errorf("server: %q must not have a query or fragment", c.Server))
	}
	if strings.TrimSpace(c.AccessToken) == "" {
		errs = append(errs, errors.New("access_token: is required"))
	} else if strings.ContainsAny(c.AccessToken, " \t\r\n") {
		errs = append(errs, errors.New("access_token: contains white space"))
	}
	if !c.Mentions && len(c.Hashtags) == 0 && len(c.Searches) == 0 {
		errs = append(errs, errors.New("mentions, hashtags, searches: nothing to watch; enable mentions or list hashtags or searches"))
	}
	for _, d := range []struct {
		key string
		v   time.Duration
	}{{"mentions_interval", c.MentionsInterval}, {"hashtag_interval", c.HashtagInterval}, {"search_interval", c.SearchInterval}} {
		if d.v != 0 && d.v < MinInterval {
			errs = append(errs, fmt.Errorf("%s: %s is shorter than the minimum %s", d.key, d.v, MinInterval))
		}
	}
	seen := map[string]int{}
	for i, t := range c.Hashtags {
		tag := strings.TrimPrefix(strings.TrimSpace(t), "#")
		switch {
		case tag == "":
			errs = append(errs, fmt.Errorf("hashtags[%d]: is empty", i))
		case !validHashtag(tag):
			errs = append(errs, fmt.Errorf("hashtags[%d]: %q is not a hashtag (letters, digits, '_' and ZWNJ only)", i, t))
		default:
			if j, dup := seen[strings.ToLower(tag)]; dup {
				errs = append(errs, fmt.Errorf("hashtags[%d]: %q repeats hashtags[%d]", i, t, j))
			}
			seen[strings.ToLower(tag)] = i
		}
	}
	seen = map[string]int{}
	for i, q := range c.Searches {
		q = strings.TrimSpace(q)
		if q == "" {
			errs = append(errs, fmt.Errorf("searches[%d]: is empty", i))
			continue
		}
		if j, dup := seen[q]; dup {
			errs = append(errs, fmt.Errorf("searches[%d]: %q repeats searches[%d]", i, q, j))
		}
		seen[q] = i
	}
	if c.PageSize < 0 || c.PageSize > 80 {
		errs = append(errs, fmt.Errorf("page_size: %d is not between 1 and 80", c.PageSize))
	}
	if c.MaxAge < 0 {
		errs = append(errs, fmt.Errorf("max_age: %s is negative", c.MaxAge))
	}
	switch c.ReplyVisibility {
	case "", "public", "unlisted":
	default:
		errs = append(errs, fmt.Errorf("reply_visibility: %q must be public or unlisted", c.ReplyVisibility))
	}
	for i, a := range c.OwnAccounts {
		if acct := strings.TrimPrefix(strings.TrimSpace(a), "@"); acct == "" || strings.Count(acct, "@") > 1 || strings.ContainsAny(acct, " /") {
			errs = append(errs, fmt.Errorf("own_accounts[%d]: %q is not user or user@domain", i, a))
		}
	}
	if c.Timeout < 0 {
		errs = append(errs, fmt.Errorf("timeout: %s is negative", c.Timeout))
	}
	if c.MaxBodyBytes < 0 {
		errs = append(errs, fmt.Errorf("max_body_bytes: %d is negative", c.MaxBodyBytes))
	}
	if strings.ContainsAny(c.UserAgent, "\r\n") {
		errs = append(errs, errors.New("user_agent: must be one line"))
	}
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("mastodon: %w", errors.Join(errs...))
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
