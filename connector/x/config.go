package x

import (
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/shenava/shenava/internal/conf"
	"github.com/shenava/shenava/internal/httpx"
)

// Defaults and limits for Config. See README.md for what they cost per
// day.
const (
	DefaultBaseURL          = "https://api.x.com"
	DefaultMaxResults       = 100
	DefaultMaxPages         = 3
	DefaultBackfillPages    = 1
	DefaultMentionsInterval = 15 * time.Minute
	DefaultSearchInterval   = 30 * time.Minute
	DefaultQueryMaxLen      = 512
	DefaultTimeout          = 20 * time.Second
	DefaultUserAgent        = httpx.DefaultUserAgent
	// DefaultRequestsPerDay covers the default streams' worst case: mentions
	// every 15 minutes and search every 30, three pages each, is 432 reads.
	DefaultRequestsPerDay = 500
	// DefaultPostReadsPerDay is about 25 USD a day at X's published 0.005
	// USD per post read (README.md).
	DefaultPostReadsPerDay = 5000
	// DefaultMaxBodyBytes bounds one response. A full page of 100 posts with
	// their authors is about 100 KB.
	DefaultMaxBodyBytes = 4 << 20

	// MinInterval is the shortest poll interval; below CostWarnInterval a
	// warning states the daily request count, because X bills per request.
	MinInterval      = time.Minute
	CostWarnInterval = 15 * time.Minute
	MinMaxResults    = 10
	MaxMaxResults    = 100
	MaxMaxPages      = 20
	MaxTimeout       = 5 * time.Minute
)

// Config is the sources.x section of config.yaml. Fields without a YAML key
// are set by the program: the search terms and the brand's handle from the
// brand section, the limits from the defaults, UserAgent by cmd/shenava.
type Config struct {
	Enabled bool   `yaml:"enabled"`
	BaseURL string `yaml:"base_url"`
	// BearerToken is the app-only token used for reads.
	BearerToken conf.Secret `yaml:"bearer_token"`
	// UserID is the brand account's numeric ID: mentions are read for it,
	// and its own posts are never mentions.
	UserID   string `yaml:"user_id"`
	Mentions Stream `yaml:"mentions"`
	Search   Search `yaml:"search"`
	// MaxResults is the page size. X bills per post returned, not per
	// page, so large pages only save requests.
	MaxResults int `yaml:"max_results"`
	// MaxPages caps the requests one poll makes, so a stream makes at most
	// MaxPages requests per interval; a longer walk resumes at the next
	// interval from the saved page token (Batch.More).
	MaxPages int `yaml:"max_pages"`
	// Budget bounds what one UTC day may cost.
	Budget Budget `yaml:"budget"`
	// Write credentials (user context), needed only to reply: either
	// OAuth 1.0a or an OAuth 2.0 user access token with tweet.write and
	// dm.write.
	OAuth1          OAuth1      `yaml:"oauth1"`
	OAuth2UserToken conf.Secret `yaml:"oauth2_user_token"`
	// Timeout bounds each HTTP request.
	Timeout time.Duration `yaml:"timeout"`

	// Username is the brand handle without @: excluded from search with
	// -from: and used in messages.
	Username string `yaml:"-"`
	// Keywords, Hashtags, Handles and Exclusions build the search query;
	// see BuildQuery for the syntax.
	Keywords   []string `yaml:"-"`
	Hashtags   []string `yaml:"-"`
	Handles    []string `yaml:"-"`
	Exclusions []string `yaml:"-"`
	// BackfillPages is how many pages of history the very first poll of a
	// stream takes. After it, the stream starts from the newest post: a new
	// install does not alert on last week's posts.
	BackfillPages int `yaml:"-"`
	// QueryMaxLen is the longest query X accepts on the operator's plan:
	// 512 characters for recent search on self-serve plans.
	QueryMaxLen int `yaml:"-"`
	// MaxBodyBytes bounds each response body.
	MaxBodyBytes int64 `yaml:"-"`
	// UserAgent is sent with every request.
	UserAgent string `yaml:"-"`
	// NoticeLang is the language of the budget notices' text, "fa" or
	// "en" (the bot titles notices in each manager's language).
	NoticeLang string `yaml:"-"`
}

// Budget is the daily (UTC) allowance of billed reads. The counts are
// kept in the store, so a restart does not reset them. At 80% and at 100%
// the managers get a notice; at 100% polling stops until 00:00 UTC.
// Replies and DMs are not held back by it.
type Budget struct {
	// RequestsPerDay caps the read requests (timeline pages and
	// credential checks) per UTC day.
	RequestsPerDay int `yaml:"requests_per_day"`
	// PostReadsPerDay caps the posts X returns per UTC day; X bills each.
	// The page that crosses it is kept, so it can be exceeded by at most
	// one page (max_results).
	PostReadsPerDay int `yaml:"post_reads_per_day"`
}

// Stream is the mentions stream: on or off, and how often it is polled.
type Stream struct {
	Enabled  bool          `yaml:"enabled"`
	Interval time.Duration `yaml:"interval"`
}

// Search is the recent-search stream.
type Search struct {
	Enabled  bool          `yaml:"enabled"`
	Interval time.Duration `yaml:"interval"`
	// Query replaces the query built from the brand's keywords, hashtags
	// and exclusions when set; it is sent verbatim.
	Query string `yaml:"query"`
	// Lang keeps only posts X tags with this language (X's lang:
	// operator); "" = all.
	Lang string `yaml:"lang"`
}

// OAuth1 holds OAuth 1.0a user-context credentials.
type OAuth1 struct {
	ConsumerKey       conf.Secret `yaml:"consumer_key"`
	ConsumerSecret    conf.Secret `yaml:"consumer_secret"`
	AccessToken       conf.Secret `yaml:"access_token"`
	AccessTokenSecret conf.Secret `yaml:"access_token_secret"`
}

// Complete reports whether all four credentials are set.
func (o OAuth1) Complete() bool {
	return !o.ConsumerKey.Empty() && !o.ConsumerSecret.Empty() &&
		!o.AccessToken.Empty() && !o.AccessTokenSecret.Empty()
}

// Any reports whether at least one credential is set.
func (o OAuth1) Any() bool {
	return !o.ConsumerKey.Empty() || !o.ConsumerSecret.Empty() ||
		!o.AccessToken.Empty() || !o.AccessTokenSecret.Empty()
}

// DefaultConfig is the section with every default filled in: disabled,
// mentions on, search off.
func DefaultConfig() Config {
	return Config{
		BaseURL:       DefaultBaseURL,
		Mentions:      Stream{Enabled: true, Interval: DefaultMentionsInterval},
		Search:        Search{Interval: DefaultSearchInterval},
		MaxResults:    DefaultMaxResults,
		MaxPages:      DefaultMaxPages,
		Budget:        Budget{RequestsPerDay: DefaultRequestsPerDay, PostReadsPerDay: DefaultPostReadsPerDay},
		Timeout:       DefaultTimeout,
		BackfillPages: DefaultBackfillPages,
		QueryMaxLen:   DefaultQueryMaxLen,
		MaxBodyBytes:  DefaultMaxBodyBytes,
	}
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
	if c.Budget.RequestsPerDay == 0 {
		c.Budget.RequestsPerDay = DefaultRequestsPerDay
	}
	if c.Budget.PostReadsPerDay == 0 {
		c.Budget.PostReadsPerDay = DefaultPostReadsPerDay
	}
	if c.NoticeLang == "" {
		c.NoticeLang = "fa"
	}
	if c.Mentions.Interval == 0 {
		c.Mentions.Interval = DefaultMentionsInterval
	}
	if c.Search.Interval == 0 {
		c.Search.Interval = DefaultSearchInterval
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

// RequestsPerDayBound is the most read requests the enabled streams can
// make in a day: polls a day × max_pages each, whatever the server says
// about further pages. Credential checks at start add one or two.
func (c Config) RequestsPerDayBound() int {
	n := 0
	for _, s := range []Stream{c.Mentions, {Enabled: c.Search.Enabled, Interval: c.Search.Interval}} {
		if s.Enabled && s.Interval > 0 {
			n += int((24*time.Hour + s.Interval - 1) / s.Interval)
		}
	}
	return n * max(c.MaxPages, 1)
}

// CanWrite reports whether user-context credentials are configured.
func (c Config) CanWrite() bool { return c.OAuth1.Complete() || !c.OAuth2UserToken.Empty() }

var (
	numericID = regexp.MustCompile(`^[0-9]{1,20}$`)
	handleRE  = regexp.MustCompile(`^[A-Za-z0-9_]{1,15}$`)
)

// Validate reports every problem at once (a *conf.Error), each naming its
// key under sources.x. The values are taken as written: New fills zero
// values with the defaults before it validates.
func (c Config) Validate() error { return c.Problems().Err() }

// Problems lists the section's problems and warnings, as Validate reports
// them.
func (c Config) Problems() conf.Problems {
	var ps conf.Problems
	ps.BaseURL("base_url", c.BaseURL, true)
	if c.BearerToken.Empty() {
		ps.Add("bearer_token", "required when x is enabled: the app's bearer token, e.g. ${X_BEARER_TOKEN}")
	}
	if c.UserID != "" && !numericID.MatchString(c.UserID) {
		ps.Add("user_id", "must be the account's numeric ID (digits only), not its @handle")
	}
	if c.Username != "" && !handleRE.MatchString(c.Username) {
		ps.Add("username", "%q is not an X handle (1–15 letters, digits or _)", c.Username)
	}
	if !c.Mentions.Enabled && !c.Search.Enabled {
		ps.Add("", "enabled, but mentions and search are both off")
	}
	stream := func(key string, iv time.Duration) {
		ps.MinDuration(key, iv, MinInterval)
		if iv >= MinInterval && iv < CostWarnInterval {
			polls := int(24 * time.Hour / iv)
			ps.Warn(key, "%s means %d polls a day, up to %d requests with max_pages %d; X bills per request",
				conf.FormatDuration(iv), polls, polls*max(c.MaxPages, 1), c.MaxPages)
		}
	}
	if c.Mentions.Enabled {
		if c.UserID == "" {
			ps.Add("user_id", "required for mentions: the brand account's numeric ID")
		}
		stream("mentions.interval", c.Mentions.Interval)
	}
	if c.Search.Enabled {
		if strings.TrimSpace(c.Search.Query) == "" && len(c.Keywords)+len(c.Hashtags)+len(c.Handles) == 0 {
			ps.Add("search.query", "empty, and brand.keywords and brand.hashtags are empty too: nothing to search for")
		} else if c.Search.Lang != "" && !langRE.MatchString(c.Search.Lang) {
			ps.Add("search.lang", "must be a language code such as fa or en, got %q", c.Search.Lang)
		} else if c.QueryMaxLen >= 1 && c.QueryMaxLen <= 4096 {
			if _, key, err := c.searchQuery(); err != nil {
				ps.Add(key, "%v", err)
			}
		}
		stream("search.interval", c.Search.Interval)
	}
	ps.IntRange("max_results", c.MaxResults, MinMaxResults, MaxMaxResults)
	ps.IntRange("max_pages", c.MaxPages, 1, MaxMaxPages)
	if c.Budget.RequestsPerDay < 1 {
		ps.Add("budget.requests_per_day", "%d: must be at least 1", c.Budget.RequestsPerDay)
	} else if worst := c.RequestsPerDayBound(); worst > c.Budget.RequestsPerDay {
		ps.Warn("budget.requests_per_day", "the streams may make up to %d requests a day (polls × max_pages); after %d polling pauses until 00:00 UTC",
			worst, c.Budget.RequestsPerDay)
	}
	if c.Budget.PostReadsPerDay < 1 {
		ps.Add("budget.post_reads_per_day", "%d: must be at least 1", c.Budget.PostReadsPerDay)
	}
	if c.BackfillPages < 0 {
		ps.Add("backfill_pages", "%d: must not be negative", c.BackfillPages)
	}
	if c.QueryMaxLen < 1 || c.QueryMaxLen > 4096 {
		ps.Add("search.query_max_len", "%d is outside 1–4096", c.QueryMaxLen)
	}
	if c.MaxBodyBytes < 1024 {
		ps.Add("max_body_bytes", "%d is below 1024", c.MaxBodyBytes)
	}
	o := c.OAuth1
	if o.Any() && !o.Complete() {
		for _, f := range []struct {
			key string
			s   conf.Secret
		}{
			{"consumer_key", o.ConsumerKey}, {"consumer_secret", o.ConsumerSecret},
			{"access_token", o.AccessToken}, {"access_token_secret", o.AccessTokenSecret},
		} {
			if f.s.Empty() {
				ps.Add("oauth1."+f.key, "required: OAuth 1.0a needs all four credentials")
			}
		}
	}
	switch {
	case o.Any() && !c.OAuth2UserToken.Empty():
		ps.Add("oauth2_user_token", "set either oauth1 or oauth2_user_token, not both")
	case !o.Any() && c.OAuth2UserToken.Empty():
		ps.Warn("", "no write credentials (oauth1 or oauth2_user_token): replies on X will be reported as unsupported")
	}
	ps.Timeout("timeout", c.Timeout, MaxTimeout)
	return ps
}

// searchQuery returns the query the search stream sends: the override, or
// the one built from keywords, hashtags, handles and exclusions; either way
// no longer than QueryMaxLen characters. On error, key is the key to fix.
func (c Config) searchQuery() (q, key string, err error) {
	q = strings.TrimSpace(c.Search.Query)
	key = "search.query"
	if q == "" {
		key = "search.keywords"
		q, err = BuildQuery(QueryParts{
			Keywords: c.Keywords, Hashtags: c.Hashtags, Handles: c.Handles,
			Exclusions: c.Exclusions, ExcludeFrom: c.Username, Lang: c.Search.Lang,
		})
		if err != nil {
			return "", key, err
		}
	}
	if n := utf8.RuneCountInString(q); n > c.QueryMaxLen {
		hint := "shorten brand.keywords, brand.hashtags and brand.exclusions, or write a shorter search.query by hand"
		if key == "search.query" {
			hint = "shorten it; X accepts at most search.query_max_len characters on this plan"
		}
		return "", key, fmt.Errorf("the query is %d characters, over query_max_len %d; %s", n, c.QueryMaxLen, hint)
	}
	return q, "", nil
}
