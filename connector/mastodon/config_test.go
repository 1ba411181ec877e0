package mastodon

import (
	"strings"
	"testing"
	"time"
)

func TestConfig_Validate(t *testing.T) {
	ok := Config{Server: "https://mastodon.example", AccessToken: "t", Mentions: true}
	with := func(f func(*Config)) Config { c := ok; f(&c); return c }
	tests := []struct {
		name    string
		cfg     Config
		wantErr []string
	}{
		{"OK", ok, nil},
		{"OKEverything", with(func(c *Config) {
			c.Name, c.Hashtags, c.Searches = "masto2", []string{"#novava", "نوآوا", "نو\u200cآوا"}, []string{"novava"}
			c.MentionsInterval, c.HashtagInterval, c.SearchInterval = time.Minute, time.Minute, time.Minute
			c.PageSize, c.MaxAge, c.ReplyVisibility, c.OwnAccounts = 80, time.Hour, "public", []string{"novava", "@help@other.example"}
			c.Timeout, c.MaxBodyBytes, c.UserAgent = time.Second, 1, "x"
		}), nil},
		{"Missing", Config{}, []string{"server: is required", "access_token: is required", "nothing to watch"}},
		{"BadServer", with(func(c *Config) { c.Server = "mastodon.example" }), []string{"server: \"mastodon.example\" is not an http(s) URL"}},
		{"ServerWithQuery", with(func(c *Config) { c.Server = "https://m.example/?x=1" }), []string{"server:"}},
		{"TokenWithSpace", with(func(c *Config) { c.AccessToken = "Bearer abc" }), []string{"access_token: contains white space"}},
		{"Hashtags", with(func(c *Config) { c.Hashtags = []string{"", "no spaces", "Novava", "#novava"} }), []string{
			"hashtags[0]: is empty", "hashtags[1]: \"no spaces\" is not a hashtag", "hashtags[3]: \"#novava\" repeats hashtags[2]"}},
		{"Searches", with(func(c *Config) { c.Searches = []string{" ", "a", "a"} }), []string{"searches[0]: is empty", "searches[2]: \"a\" repeats searches[1]"}},
		{"Numbers", with(func(c *Config) {
			c.MentionsInterval, c.HashtagInterval, c.SearchInterval = time.Second, time.Second, time.Second
			c.PageSize, c.MaxAge, c.Timeout, c.MaxBodyBytes = 81, -1, -1, -1
		}), []string{"mentions_interval:", "hashtag_interval:", "search_interval:", "page_size: 81", "max_age:", "timeout:", "max_body_bytes:"}},
		{"Visibility", with(func(c *Config) { c.ReplyVisibility = "direct" }), []string{"reply_visibility: \"direct\" must be public or unlisted"}},
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
			if strings.Contains(err.Error(), tt.cfg.AccessToken) && tt.cfg.AccessToken != "" && len(tt.cfg.AccessToken) > 3 {
				t.Errorf("error %q shows the token", err)
			}
		})
	}
}

func TestNew_Streams(t *testing.T) {
	c, err := New(Config{
		Server: "https://mastodon.example/", AccessToken: "t", Mentions: true,
		Hashtags: []string{"#novava", "نوآوا"}, Searches: []string{" novava "},
		HashtagInterval: 3 * time.Minute,
	}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range c.Streams() {
		got = append(got, s.Name()+" "+s.Interval().String())
	}
	want := []string{"mastodon/mentions 1m0s", "mastodon/tag/novava 3m0s", "mastodon/tag/نوآوا 3m0s", "mastodon/search/novava 5m0s"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("streams %q, want %q", got, want)
	}
	if _, err := New(Config{}, nil, nil); err == nil {
		t.Error("New accepted an empty config")
	}
}

func TestOwnAccountForms(t *testing.T) {
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
