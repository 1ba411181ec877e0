package x

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/shenava/shenava/internal/httpx"
)

// Defaults for Config. See README.md for what they cost per day.
const (
	DefaultBaseURL          = "https://api.x.com"
	DefaultMaxResults       = 100
	DefaultMaxPages         = 5
	DefaultBackfillPages    = 1
	DefaultMentionsInterval = 5 * time.Minute
	DefaultSearchInterval   = 15 * time.Minute
	DefaultQueryMaxLen      = 512
	DefaultTimeout          = 20 * time.Second
	DefaultUserAgent        = httpx.DefaultUserAgent
	// DefaultMaxBodyBytes bounds one response. A full page of 100 posts with
	// their authors is about 100 KB.
	DefaultMaxBodyBytes = 4 << 20
)

// Config configures the X connector. Field comments name the YAML key the
// config package is expected to map onto each field (under `x:`).
type Config struct {
	// BaseURL is the API root (base_url); tests point it at a fake.
	BaseURL string
	// BearerToken is the app-only token used for reads (bearer_token, from
	// env). Without it, reads use the user credentials below.
	BearerToken string
	// UserID is the brand account's numeric ID (user_id): mentions are read
	// for it, and its own posts are never mentions.
	UserID string
	// Username is the brand handle without @ (username): excluded from
	// search with -from: and used in messages.
	Username string

	// MaxResults is the page size (max_results): 5–100 for mentions, 10–100
	// for search. X bills per post returned, not per page, so large pages
	// only save requests.
	MaxResults int
	// MaxPages caps the pages one Fetch walks (max_pages); the rest is
	// fetched on the next call (Batch.More), from the saved position.
	MaxPages int
	// BackfillPages is how many pages of history the very first poll of a
	// stream takes (backfill_pages). After it, the stream starts from the
	// newest post: a new install does not alert on last week's posts.
	BackfillPages int

	// MentionsEnabled turns on the mentions stream (mentions.enabled), polled
	// every MentionsInterval (mentions.interval).
	MentionsEnabled  bool
	MentionsInterval time.Duration
	// SearchEnabled turns on the keyword search stream (search.enabled),
	// polled every SearchInterval (search.interval).
	SearchEnabled  bool
	SearchInterval time.Duration

	// Keywords, Hashtags, Handles and Exclusions build the search query
	// (search.keywords, search.hashtags, search.handles, search.exclusions).
	// See BuildQuery for the syntax.
	Keywords   []string
	Hashtags   []string
	Handles    []string
	Exclusions []string
	// Query, when set, is sent as the search query verbatim instead of the
	// built one (search.query).
	Query string
	// SearchLang keeps only posts X tags with this language (search.lang).
	SearchLang string
	// QueryMaxLen is the longest query X accepts on the operator's plan
	// (search.query_max_len): 512 characters for recent search on
	// self-serve plans.
	QueryMaxLen int

	// OAuth 1.0a user context for replies and DMs (oauth1.consumer_key,
	// oauth1.consumer_secret, oauth1.access_token, oauth1.access_token_secret;
	// all from env).
	ConsumerKey       string
	ConsumerSecret    string
	AccessToken       string
	AccessTokenSecret string
	// OAuth2UserToken is an OAuth 2.0 user access token with tweet.write and
	// dm.write (oauth2_user_token, from env), used when OAuth 1.0a is not
	// configured.
	OAuth2UserToken string

	// Timeout bounds each HTTP request (timeout).
	Timeout time.Duration
	// MaxBodyBytes bounds each response body (max_body_bytes).
	MaxBodyBytes int64
	// UserAgent is sent with every request; cmd sets the version.
	UserAgent string
}

func (c Config) withDefaults() Config {
	if c.BaseURL == "" {
		c.BaseURL = DefaultBaseURL
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	if c.MaxResults == 0 {
		c.MaxResults = DefaultMaxResults
	}
	if c.MaxPages == 0 {
		c.MaxPages = DefaultMaxPages
	}
	if c.BackfillPages == 0 {
		c.BackfillPages = DefaultBackfillPages
	}
	if c.MentionsInterval == 0 {
		c.MentionsInterval = DefaultMentionsInterval
	}
	if c.SearchInterval == 0 {
		c.SearchInterval = DefaultSearchInterval
	}
	if c.QueryMaxLen == 0 {
		c.QueryMaxLen = DefaultQueryMaxLen
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
	c.Username = strings.TrimPrefix(strings.TrimSpace(c.Username), "@")
	return c
}

func (c Config) hasOAuth1() bool {
	return c.ConsumerKey != "" || c.ConsumerSecret != "" || c.AccessToken != "" || c.AccessTokenSecret != ""
}

// canWrite reports whether user-context credentials are configured.
func (c Config) canWrite() bool { return c.hasOAuth1() || c.OAuth2UserToken != "" }

var (
	numericID = regexp.MustCompile(`^[0-9]{1,19}$`)
	handleRE  = regexp.MustCompile(`^[A-Za-z0-9_]{1,15}$`)
)

// Validate reports every problem at once, naming each by its YAML key.
// Defaults are applied first, so zero values are fine.
func (c Config) Validate() error {
	c = c.withDefaults()
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("x.%s: %s", key, fmt.Sprintf(format, args...)))
	}
	if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		bad("base_url", "%q is not an http(s) URL", c.BaseURL)
	}
	if c.UserID != "" && !numericID.MatchString(c.UserID) {
		bad("user_id", "%q is not a numeric X user ID (find it with GET /2/users/by/username/NAME)", c.UserID)
	}
	if c.Username != "" && !handleRE.MatchString(c.Username) {
		bad("username", "%q is not an X handle (1–15 letters, digits or _)", c.Username)
	}
	if c.hasOAuth1() && (c.ConsumerKey == "" || c.ConsumerSecret == "" || c.AccessToken == "" || c.AccessTokenSecret == "") {
		bad("oauth1", "consumer_key, consumer_secret, access_token and access_token_secret must all be set, or none")
	}
	if c.MentionsEnabled || c.SearchEnabled {
		if c.BearerToken == "" && !c.canWrite() {
			bad("bearer_token", "is empty: reading mentions or search needs the app's bearer token (or user credentials)")
		}
	}
	if c.MentionsEnabled {
		if c.UserID == "" {
			bad("user_id", "is empty: the mentions stream needs the brand account's numeric ID")
		}
		if c.MaxResults < 5 || c.MaxResults > 100 {
			bad("max_results", "%d is outside 5–100, the range the mentions endpoint accepts", c.MaxResults)
		}
		if c.MentionsInterval < time.Minute {
			bad("mentions.interval", "%s is shorter than 1m: X bills every post read and rate-limits per 15 minutes", c.MentionsInterval)
		}
	}
	if c.SearchEnabled {
		if c.MaxResults < 10 || c.MaxResults > 100 {
			bad("max_results", "%d is outside 10–100, the range recent search accepts", c.MaxResults)
		}
		if c.SearchInterval < time.Minute {
			bad("search.interval", "%s is shorter than 1m: X bills every post read and rate-limits per 15 minutes", c.SearchInterval)
		}
		if _, err := c.searchQuery(); err != nil {
			errs = append(errs, err)
		}
	}
	if c.MaxPages < 1 {
		bad("max_pages", "%d: must be at least 1", c.MaxPages)
	}
	if c.BackfillPages < 0 {
		bad("backfill_pages", "%d: must not be negative", c.BackfillPages)
	}
	if c.QueryMaxLen < 1 || c.QueryMaxLen > 4096 {
		bad("search.query_max_len", "%d is outside 1–4096", c.QueryMaxLen)
	}
	if c.Timeout < 0 {
		bad("timeout", "%s is negative", c.Timeout)
	}
	if c.MaxBodyBytes < 1024 {
		bad("max_body_bytes", "%d is below 1024", c.MaxBodyBytes)
	}
	return errors.Join(errs...)
}

// searchQuery returns the query the search stream sends: the override, or
// the one built from keywords, hashtags, handles and exclusions; either way
// no longer than QueryMaxLen characters.
func (c Config) searchQuery() (string, error) {
	q := strings.TrimSpace(c.Query)
	key := "search.query"
	if q == "" {
		var err error
		q, err = BuildQuery(QueryParts{
			Keywords: c.Keywords, Hashtags: c.Hashtags, Handles: c.Handles,
			Exclusions: c.Exclusions, ExcludeFrom: c.Username, Lang: c.SearchLang,
		})
		if err != nil {
			return "", fmt.Errorf("x.search: %w", err)
		}
		key = "search.keywords"
	}
	if n := utf8.RuneCountInString(q); n > c.QueryMaxLen {
		hint := "shorten the lists, or write a shorter search.query by hand"
		if key == "search.query" {
			hint = "shorten it, or raise search.query_max_len if the plan allows longer queries"
		}
		return "", fmt.Errorf("x.%s: the query is %d characters, over search.query_max_len %d; %s", key, n, c.QueryMaxLen, hint)
	}
	return q, nil
}
