package rss

import (
	"strings"
	"testing"
	"time"
)

func TestConfig_Validate(t *testing.T) {
	t.Parallel()
	ok := FeedConfig{Name: "news", URL: "https://news.example.com/feed"}
	with := func(f func(*Config)) Config {
		c := DefaultConfig()
		c.Feeds = []FeedConfig{ok}
		f(&c)
		return c
	}
	tests := []struct {
		name    string
		cfg     Config
		wantErr []string
	}{
		{"OK", with(func(*Config) {}), nil},
		{"OKAllSet", Config{Feeds: []FeedConfig{ok}, Interval: time.Hour, Timeout: time.Second, MaxBodyBytes: 1, MaxAge: time.Hour, MaxSeen: 10, UserAgent: "x"}, nil},
		{"NoFeeds", DefaultConfig(), []string{"feeds: rss is enabled but no feeds are listed"}},
		{"FeedProblems", with(func(c *Config) {
			c.Feeds = []FeedConfig{
				{Name: "", URL: "ftp://x"},
				{Name: "news", URL: "https://a.example"},
				{Name: "news", URL: "https://b.example", Interval: time.Second},
				{Name: " pad", URL: "notaurl"},
				{Name: "nohost", URL: "https:///feed"},
			}
		}), []string{
			"feeds[0].name: required", "feeds[0].url: must be an http:// or https:// URL with a host, got \"ftp://x\"",
			"feeds[2].name: \"news\" is already the name of feeds[1]", "feeds[2].interval: 1s is below the minimum 1m",
			"feeds[3].name: \" pad\" has leading", "feeds[3].url:", "feeds[4].url: must be an http:// or https:// URL with a host, got \"https:///feed\"",
		}},
		{"Negatives", Config{Feeds: []FeedConfig{ok}, Interval: time.Second, Timeout: -1, MaxBodyBytes: -1, MaxAge: -1, MaxSeen: -1, UserAgent: "a\nb"}, []string{
			"interval:", "timeout:", "max_body_bytes:", "max_age:", "max_seen:", "user_agent:",
		}},
		{"ZeroTimeout", with(func(c *Config) { c.Timeout = 0 }), []string{"timeout: must be a positive duration of at most 5m, got 0s"}},
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
				t.Fatalf("Validate()=nil, want errors %q", tt.wantErr)
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestNew_RejectsBadConfig(t *testing.T) {
	t.Parallel()
	if _, err := New(Config{}, nil, nil); err == nil {
		t.Fatal("New accepted a config without feeds")
	}
	c, err := New(Config{Feeds: []FeedConfig{{Name: "a", URL: "https://a.example/f"}}}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	f := c.Feeds()[0]
	if f.Name() != "a" || f.Interval() != DefaultInterval {
		t.Errorf("feed name=%q interval=%v, want a and the default", f.Name(), f.Interval())
	}
}
