package mastodon

import (
	"strings"
	"testing"
	"time"

	"github.com/shenava/shenava/internal/conf"
)

func TestConfig_Validate(t *testing.T) {
	t.Parallel()
	ok := DefaultConfig()
	ok.Server, ok.AccessToken = "https://mastodon.example", conf.NewSecret("t")
	with := func(f func(*Config)) Config { c := ok; f(&c); return c }
	tests := []struct {
		name    string
		cfg     Config
		wantErr []string
	}{
		{"OK", ok, nil},
		{"OKEverything", with(func(c *Config) {
			c.Name = "masto2"
			c.Hashtags = Hashtags{Enabled: true, List: []string{"#novava", "نوآوا"}, Interval: time.Minute}
			c.Search = Search{Enabled: true, Terms: []string{"novava"}, Interval: time.Minute}
			c.Notifications.Interval = time.Minute
			c.PageSize, c.MaxAge, c.ReplyVisibility, c.OwnAccounts = 80, time.Hour, "public", []string{"novava", "@help@other.example"}
			c.Timeout, c.MaxBodyBytes, c.UserAgent = time.Second, 1, "x"
		}), nil},
		{"Missing", Config{}, []string{"server: required", "access_token: required", "notifications, hashtags and search are all off"}},
		{"BadServer", with(func(c *Config) { c.Server = "mastodon.example" }), []string{"server: must be an http:// or https:// URL with a host, got \"mastodon.example\""}},
		{"ServerWithQuery", with(func(c *Config) { c.Server = "https://m.example/?x=1" }), []string{"server: must be a base URL without ?query"}},
		{"TokenWithSpace", with(func(c *Config) { c.AccessToken = conf.NewSecret("Bearer abc") }), []string{"access_token: contains white space"}},
		{"Hashtags", with(func(c *Config) {
			c.Hashtags = Hashtags{Enabled: true, Interval: time.Minute, List: []string{"", "no spaces", "Novava", "#novava", "a!"}}
		}), []string{
			"hashtags.list[0]: empty entry", "hashtags.list[1]: must be one word", "hashtags.list[3]: \"#novava\" repeats hashtags.list[2]",
			"hashtags.list[4]: \"a!\" is not a hashtag"}},
		{"HashtagsEmpty", with(func(c *Config) { c.Hashtags.Enabled = true }), []string{"hashtags.list: empty"}},
		{"Searches", with(func(c *Config) {
			c.Search = Search{Enabled: true, Interval: time.Minute, Terms: []string{" ", "a", "a"}}
		}),
			[]string{"search.terms[0]: empty entry", "search.terms[2]: \"a\" repeats search.terms[1]"}},
		{"SearchNoTerms", with(func(c *Config) { c.Search.Enabled = true }), []string{"search.enabled: search looks for brand.keywords"}},
		{"Numbers", with(func(c *Config) {
			c.Hashtags = Hashtags{Enabled: true, List: []string{"a"}, Interval: time.Second}
			c.Search = Search{Enabled: true, Terms: []string{"a"}, Interval: time.Second}
			c.Notifications.Interval = time.Second
			c.PageSize, c.MaxAge, c.Timeout, c.MaxBodyBytes = 81, -1, -1, -1
		}), []string{"notifications.interval: 1s is below the minimum 30s", "hashtags.interval:", "search.interval:", "page_size: 81", "max_age:", "timeout:", "max_body_bytes:"}},
		{"Visibility", with(func(c *Config) { c.ReplyVisibility = "direct" }), []string{"reply_visibility: must be one of public, unlisted, got \"direct\""}},
		{"OwnAccounts", with(func(c *Config) { c.OwnAccounts = []string{"", "a@b@c", "a b"} }), []string{"own_accounts[0]", "own_accounts[1]", "own_accounts[2]"}},
		{"Name", with(func(c *Config) { c.Name = "a/b" }), []string{"name: \"a/b\""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			if len(tt.wantErr) == 0 {
				if err != nil {
					t.Fatalf("Validate()=%v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate()=nil, want %q", tt.wantErr)
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
			if tok := tt.cfg.AccessToken.Reveal(); len(tok) > 3 && strings.Contains(err.Error(), tok) {
				t.Errorf("error %q shows the token", err)
			}
		})
	}
}

func TestNew_Streams(t *testing.T) {
	t.Parallel()
	c, err := New(Config{
		Server: "https://mastodon.example/", AccessToken: conf.NewSecret("t"), Notifications: StreamConfig{Enabled: true},
		Hashtags: Hashtags{Enabled: true, List: []string{"#novava", "نوآوا"}, Interval: 3 * time.Minute},
		Search:   Search{Enabled: true, Terms: []string{" novava "}},
	}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range c.Streams() {
		got = append(got, s.Name()+" "+s.Interval().String())
	}
	want := []string{"mastodon/mentions 2m0s", "mastodon/tag/novava 3m0s", "mastodon/tag/نوآوا 3m0s", "mastodon/search/novava 10m0s"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("streams %q, want %q", got, want)
	}
	if _, err := New(Config{}, nil, nil); err == nil {
		t.Error("New accepted an empty config")
	}
}

func TestOwnAccountForms(t *testing.T) {
	t.Parallel()
	got := ownAccountForms([]string{"Novava", "@help@mastodon.example", "press@other.example"}, "mastodon.example")
	for _, acct := range []string{"novava", "novava@mastodon.example", "help", "help@mastodon.example", "press@other.example"} {
		if !got[acct] {
			t.Errorf("%q is not recognised as own", acct)
		}
	}
	if got["press"] {
		t.Error(`"press" on our server is someone else`)
	}
}
