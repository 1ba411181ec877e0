package x

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/conf"
)

func TestConfig_Validate(t *testing.T) {
	t.Parallel()
	valid := baseConfig("https://api.x.com").withDefaults()
	tests := []struct {
		name string
		edit func(*Config)
		want []string // YAML keys the error must name
	}{
		{name: "OK", edit: func(*Config) {}},
		{name: "OKOverrideQuery", edit: func(c *Config) {
			c.Keywords, c.Hashtags, c.Handles = nil, nil, nil
			c.Search.Query = `"shenava" lang:fa`
		}},
		{name: "ErrBaseURL", edit: func(c *Config) { c.BaseURL = "ftp://x" }, want: []string{"base_url: must be an http:// or https:// URL"}},
		{name: "ErrNoReadCredentials", edit: func(c *Config) { c.BearerToken = conf.Secret{} }, want: []string{"bearer_token: required"}},
		{name: "ErrUserID", edit: func(c *Config) { c.UserID = "@shenava" }, want: []string{"user_id: must be the account's numeric ID"}},
		{name: "ErrMentionsNeedUserID", edit: func(c *Config) { c.UserID = "" }, want: []string{"user_id: required for mentions"}},
		{name: "ErrUsername", edit: func(c *Config) { c.Username = "not a handle" }, want: []string{"username:"}},
		{name: "ErrHalfOAuth1", edit: func(c *Config) { c.OAuth1.ConsumerKey = conf.NewSecret("k") }, want: []string{"oauth1.consumer_secret: required", "oauth1.access_token_secret: required"}},
		{name: "ErrMaxResultsForSearch", edit: func(c *Config) { c.MaxResults = 7 }, want: []string{"max_results", "between 10 and 100"}},
		{name: "ErrMaxResultsForMentions", edit: func(c *Config) { c.Search.Enabled = false; c.MaxResults = 101 }, want: []string{"max_results", "between 10 and 100"}},
		{name: "ErrNoStream", edit: func(c *Config) { c.Search.Enabled, c.Mentions.Enabled = false, false }, want: []string{"mentions and search are both off"}},
		{name: "ErrIntervals", edit: func(c *Config) { c.Mentions.Interval, c.Search.Interval = time.Second, 30*time.Second },
			want: []string{"mentions.interval: 1s is below the minimum 1m", "search.interval: 30s is below"}},
		{name: "ErrNoSearchTerms", edit: func(c *Config) { c.Keywords, c.Hashtags, c.Handles = nil, nil, nil }, want: []string{"search.query: empty", "nothing to search for"}},
		{name: "ErrBadTerm", edit: func(c *Config) { c.Keywords = []string{`say "hi"`} }, want: []string{"search.keywords:", "double quote"}},
		{name: "ErrQueryTooLong", edit: func(c *Config) {
			c.Keywords = []string{strings.Repeat("a", 100), strings.Repeat("b", 100), strings.Repeat("c", 100), strings.Repeat("d", 100), strings.Repeat("e", 100)}
		},
			want: []string{"search.keywords: the query is", "query_max_len 512"}},
		{name: "ErrOverrideTooLong", edit: func(c *Config) { c.Search.Query = strings.Repeat("شنوا ", 103) }, want: []string{"search.query: the query is 514 characters"}},
		{name: "OKLongerLimit", edit: func(c *Config) { c.Search.Query = strings.Repeat("شنوا ", 103); c.QueryMaxLen = 1024 }},
		{name: "ErrLimits", edit: func(c *Config) { c.MaxPages, c.BackfillPages, c.QueryMaxLen, c.MaxBodyBytes = -1, -1, 5000, 10 },
			want: []string{"max_pages:", "backfill_pages:", "search.query_max_len:", "max_body_bytes:"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := valid
			tt.edit(&cfg)
			err := cfg.Validate()
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("Validate()=%v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate()=nil, want an error naming %v", tt.want)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Validate()=%q, want it to name %q", err, w)
				}
			}
		})
	}
}

func TestNew_invalidConfig(t *testing.T) {
	t.Parallel()
	_, err := New(Config{Mentions: Stream{Enabled: true}, BearerToken: conf.NewSecret("t")}, nil, nil)
	if !errors.Is(err, core.ErrInvalid) || !strings.Contains(err.Error(), "user_id: required") {
		t.Fatalf("New()=%v, want ErrInvalid naming user_id", err)
	}
}

func TestBuildQuery(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		parts   QueryParts
		want    string
		wantErr string
	}{
		{name: "Brand", parts: QueryParts{Keywords: []string{"shenava", "شنوا"}, Hashtags: []string{"#shenava"}, Handles: []string{"@shenava"}, Exclusions: []string{"hearing aid"}, ExcludeFrom: "shenava"},
			want: `("shenava" OR "شنوا" OR #shenava OR @shenava) -"hearing aid" -from:shenava -is:retweet`},
		{name: "PersianSpellings", parts: QueryParts{Keywords: []string{"کیک‌پز"}},
			want: `("کیک‌پز" OR "کیکپز" OR "کیک پز" OR "كيك‌پز" OR "كيكپز" OR "كيك پز") -is:retweet`},
		{name: "ArabicLettersTyped", parts: QueryParts{Hashtags: []string{"شنواي"}},
			want: `(#شنواي OR #شنوای) -is:retweet`},
		{name: "Deduplicated", parts: QueryParts{Keywords: []string{"a", " a "}, Exclusions: []string{"b", "b"}},
			want: `("a") -"b" -is:retweet`},
		{name: "Lang", parts: QueryParts{Keywords: []string{"a"}, Lang: "fa"}, want: `("a") -is:retweet lang:fa`},
		{name: "ErrLang", parts: QueryParts{Keywords: []string{"a"}, Lang: "farsi!"}, wantErr: "language code"},
		{name: "ErrNothing", parts: QueryParts{Exclusions: []string{"x"}}, wantErr: "no keyword"},
		{name: "ErrQuote", parts: QueryParts{Keywords: []string{`a"b`}}, wantErr: "double quote"},
		{name: "ErrParen", parts: QueryParts{Exclusions: []string{"a)"}}, wantErr: "parenthesis"},
		{name: "ErrTagWithSpace", parts: QueryParts{Hashtags: []string{"two words"}}, wantErr: "single hashtag"},
		{name: "ErrHandle", parts: QueryParts{Handles: []string{"way_too_long_for_x_handles"}}, wantErr: "not an X handle"},
		{name: "ErrEmpty", parts: QueryParts{Keywords: []string{" "}}, wantErr: "empty"},
		{name: "ErrControl", parts: QueryParts{Keywords: []string{"a\nb"}}, wantErr: "control"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := BuildQuery(tt.parts)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("BuildQuery()=%q, %v; want error %q", got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("BuildQuery()=%q, %v\nwant %q", got, err, tt.want)
			}
		})
	}
}
