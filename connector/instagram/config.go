package instagram

import (
	"regexp"
	"strings"
	"time"

	"github.com/shenava/shenava/internal/conf"
	"github.com/shenava/shenava/internal/httpx"
)

// The two ways an app reaches an Instagram professional account.
const (
	// LoginInstagram is the Instagram API with Instagram Login, served by
	// graph.instagram.com; no Facebook Page is needed.
	LoginInstagram = "instagram"
	// LoginFacebook is the Instagram API with Facebook Login, served by
	// graph.facebook.com for an account linked to a Facebook Page.
	LoginFacebook = "facebook"
)

// Defaults and limits for Config.
const (
	DefaultLogin        = LoginInstagram
	InstagramAPIURL     = "https://graph.instagram.com"
	FacebookAPIURL      = "https://graph.facebook.com"
	DefaultAPIVersion   = "v23.0"
	DefaultPollInterval = 15 * time.Minute
	DefaultMaxPages     = 10
	DefaultMediaWindow  = 25
	DefaultBackfill     = 24 * time.Hour
	DefaultTimeout      = 20 * time.Second
	DefaultTokenWarn    = 7 * 24 * time.Hour
	DefaultUserAgent    = httpx.DefaultUserAgent
	// DefaultMaxBodyBytes bounds one API response; a page of 50 comments
	// is well under 100 KB.
	DefaultMaxBodyBytes = 2 << 20
	// DefaultMaxWebhookBytes bounds one webhook delivery. Meta batches up
	// to 1000 changes in one POST; each is a few hundred bytes.
	DefaultMaxWebhookBytes = 1 << 20

	MinPollInterval = time.Minute
	MaxMaxPages     = 100
	MaxMediaWindow  = 100
	MaxTimeout      = 5 * time.Minute

	// PrivateReplyWindow is how long after a comment Instagram accepts a
	// private reply to its author (the Private Replies API).
	PrivateReplyWindow = 7 * 24 * time.Hour
)

// Config is the sources.instagram section of config.yaml. Fields without
// a YAML key are set by the program.
type Config struct {
	Enabled bool `yaml:"enabled"`
	// Login is how the app was set up: "instagram" (Instagram Login,
	// graph.instagram.com) or "facebook" (Facebook Login with a linked
	// Page, graph.facebook.com).
	Login string `yaml:"login"`
	// APIURL is the Graph API host; "" takes the one of Login.
	APIURL string `yaml:"api_url"`
	// APIVersion is the Graph API version in every path ("v23.0").
	APIVersion string `yaml:"api_version"`
	// UserID is the brand's Instagram professional account ID (the IG
	// user ID, not the @username).
	UserID string `yaml:"user_id"`
	// PageID is the Facebook Page linked to the account; with Facebook
	// Login private replies are sent as the Page.
	PageID string `yaml:"page_id"`
	// AccessToken is the long-lived token (a user token with Instagram
	// Login, a Page token with Facebook Login).
	AccessToken conf.Secret `yaml:"access_token"`
	// AppSecret signs webhook deliveries (X-Hub-Signature-256) and, with
	// Facebook Login, every call (appsecret_proof).
	AppSecret conf.Secret `yaml:"app_secret"`
	// VerifyToken is the string typed into the app dashboard when the
	// webhook is registered; the GET handshake must echo it.
	VerifyToken conf.Secret `yaml:"verify_token"`
	// Webhook turns the real-time path on: deliveries to
	// /webhooks/instagram on webhooks.listen.
	Webhook bool `yaml:"webhook"`
	// PollInterval is how often recent media are read for new comments;
	// 0 turns polling off (webhook only).
	PollInterval time.Duration `yaml:"poll_interval"`
	// MediaWindow is how many of the newest media each poll reads
	// comments of.
	MediaWindow int `yaml:"media_window"`
	// MaxPages caps the API requests of one poll; the rest of the walk
	// follows on the next call from the saved position.
	MaxPages int `yaml:"max_pages"`
	// Backfill is how far back the very first poll reads comments.
	Backfill time.Duration `yaml:"backfill"`
	// TokenWarn is how long before the token expires check and the
	// daemon start warning (and, with Instagram Login, refreshing it).
	TokenWarn time.Duration `yaml:"token_warn"`
	// TokenFile, when set, keeps the token an Instagram Login refresh
	// returned (mode 0600), read again at start in place of access_token.
	TokenFile string `yaml:"token_file"`
	// Timeout bounds each HTTP request.
	Timeout time.Duration `yaml:"timeout"`

	// MaxBodyBytes bounds each response; MaxWebhookBytes each delivery.
	MaxBodyBytes    int64 `yaml:"-"`
	MaxWebhookBytes int64 `yaml:"-"`
	// UserAgent is sent with every request.
	UserAgent string `yaml:"-"`
}

// DefaultConfig is the section with every default filled in: disabled.
func DefaultConfig() Config {
	return Config{
		Login:           DefaultLogin,
		APIVersion:      DefaultAPIVersion,
		PollInterval:    DefaultPollInterval,
		MediaWindow:     DefaultMediaWindow,
		MaxPages:        DefaultMaxPages,
		Backfill:        DefaultBackfill,
		TokenWarn:       DefaultTokenWarn,
		Timeout:         DefaultTimeout,
		MaxBodyBytes:    DefaultMaxBodyBytes,
		MaxWebhookBytes: DefaultMaxWebhookBytes,
	}
}

func (c Config) withDefaults() Config {
	d := DefaultConfig()
	conf.Or(&c.Login, d.Login)
	c.APIURL = strings.TrimRight(strings.TrimSpace(c.APIURL), "/")
	if c.APIURL == "" {
		c.APIURL = InstagramAPIURL
		if c.Login == LoginFacebook {
			c.APIURL = FacebookAPIURL
		}
	}
	conf.Or(&c.APIVersion, d.APIVersion)
	c.UserID = strings.TrimSpace(c.UserID)
	c.PageID = strings.TrimSpace(c.PageID)
	conf.Or(&c.MediaWindow, d.MediaWindow)
	conf.Or(&c.MaxPages, d.MaxPages)
	conf.Or(&c.Backfill, d.Backfill)
	conf.Or(&c.TokenWarn, d.TokenWarn)
	conf.Or(&c.Timeout, d.Timeout)
	conf.Or(&c.MaxBodyBytes, d.MaxBodyBytes)
	conf.Or(&c.MaxWebhookBytes, d.MaxWebhookBytes)
	conf.Or(&c.UserAgent, DefaultUserAgent)
	return c
}

var (
	numericID  = regexp.MustCompile(`^[0-9]{1,25}$`)
	apiVersion = regexp.MustCompile(`^v[0-9]{1,3}\.[0-9]{1,2}$`)
)

// Validate reports every problem at once (a *conf.Error), each naming its
// key under sources.instagram.
func (c Config) Validate() error { return c.Problems().Err() }

// Problems lists the section's problems and warnings.
func (c Config) Problems() conf.Problems {
	var ps conf.Problems
	ps.OneOf("login", c.Login, LoginInstagram, LoginFacebook)
	if c.APIURL != "" {
		ps.BaseURL("api_url", c.APIURL, true)
	}
	if !apiVersion.MatchString(c.APIVersion) {
		ps.Add("api_version", "must look like v23.0, got %q", c.APIVersion)
	}
	switch {
	case c.UserID == "":
		ps.Add("user_id", "required: the Instagram professional account's numeric ID")
	case !numericID.MatchString(c.UserID):
		ps.Add("user_id", "must be the account's numeric ID (digits only), not its @username")
	}
	if c.PageID != "" && !numericID.MatchString(c.PageID) {
		ps.Add("page_id", "must be the Facebook Page's numeric ID")
	}
	if c.AccessToken.Empty() {
		ps.Add("access_token", "required: the account's long-lived access token, e.g. ${INSTAGRAM_ACCESS_TOKEN}")
	}
	if c.Webhook {
		if c.AppSecret.Empty() {
			ps.Add("app_secret", "required for the webhook: deliveries are verified with it")
		}
		if c.VerifyToken.Empty() {
			ps.Add("verify_token", "required for the webhook: the token typed into the app dashboard")
		}
	}
	if !c.Webhook && c.PollInterval == 0 {
		ps.Add("poll_interval", "0 turns polling off, and the webhook is off too: nothing would be heard")
	}
	if c.PollInterval != 0 {
		ps.MinDuration("poll_interval", c.PollInterval, MinPollInterval)
	}
	ps.IntRange("media_window", c.MediaWindow, 1, MaxMediaWindow)
	ps.IntRange("max_pages", c.MaxPages, 1, MaxMaxPages)
	ps.PositiveDuration("backfill", c.Backfill)
	ps.PositiveDuration("token_warn", c.TokenWarn)
	ps.Timeout("timeout", c.Timeout, MaxTimeout)
	return ps
}
