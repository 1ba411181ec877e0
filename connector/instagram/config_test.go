package instagram

import (
	"strings"
	"testing"
	"time"
)

func TestConfig_Problems(t *testing.T) {
	ok := func() Config {
		c := DefaultConfig()
		c.Enabled, c.UserID, c.AccessToken = true, testUser, secret(testToken)
		return c
	}
	if err := ok().Validate(); err != nil {
		t.Fatalf("valid config: %v", err)
	}
	for _, tc := range []struct {
		name string
		edit func(*Config)
		want string
	}{
		{"NoUser", func(c *Config) { c.UserID = "" }, "user_id: required"},
		{"Handle", func(c *Config) { c.UserID = "@shenava" }, "user_id: must be the account's numeric ID"},
		{"NoToken", func(c *Config) { c.AccessToken = secret("") }, "access_token: required"},
		{"Login", func(c *Config) { c.Login = "twitter" }, "login: must be one of instagram, facebook"},
		{"Version", func(c *Config) { c.APIVersion = "23" }, "api_version: must look like v23.0"},
		{"WebhookNoSecret", func(c *Config) { c.Webhook = true; c.VerifyToken = secret("v") }, "app_secret: required for the webhook"},
		{"WebhookNoVerify", func(c *Config) { c.Webhook = true; c.AppSecret = secret("s") }, "verify_token: required for the webhook"},
		{"NothingHeard", func(c *Config) { c.PollInterval = 0 }, "poll_interval: 0 turns polling off"},
		{"FastPoll", func(c *Config) { c.PollInterval = time.Second }, "poll_interval: 1s is below the minimum 1m"},
		{"Pages", func(c *Config) { c.MaxPages = 101 }, "max_pages: must be between 1 and 100"},
		{"Window", func(c *Config) { c.MediaWindow = 0 }, "media_window: must be between 1 and 100"},
		{"NotURL", func(c *Config) { c.APIURL = "graph.example.com" }, "api_url: must be an http:// or https:// URL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := ok()
			tc.edit(&c)
			err := c.Validate()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Validate() = %v, want %q", err, tc.want)
			}
		})
	}
	plain := ok()
	plain.APIURL = "http://graph.example.com"
	if ws := plain.Problems().Warnings(); len(ws) != 1 || ws[0].Key != "api_url" {
		t.Errorf("plain http: warnings %v, want one on api_url", ws)
	}
	// The webhook alone is enough to listen.
	c := ok()
	c.PollInterval, c.Webhook, c.AppSecret, c.VerifyToken = 0, true, secret("s"), secret("v")
	if err := c.Validate(); err != nil {
		t.Errorf("webhook only: %v", err)
	}
	if got := (Config{Login: LoginFacebook}).withDefaults().APIURL; got != FacebookAPIURL {
		t.Errorf("facebook login API URL %q", got)
	}
	if got := (Config{}).withDefaults().APIURL; got != InstagramAPIURL {
		t.Errorf("default API URL %q", got)
	}
}
