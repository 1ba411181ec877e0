package bot

import (
	"strings"
	"testing"
	"time"
)

func validConfig() Config {
	return Config{
		Token:       "123456:ABCdefGHIjklMNOpqrSTUvwxYZ",
		AlertChatID: -1001,
		Managers:    []Manager{{ID: 1, Name: "Sara", Lang: "fa"}, {ID: 2, Name: "Ali"}},
		Groups:      []Group{{ChatID: -1002, Name: "fans"}},
		Brand:       "Koala",
		Templates:   []Template{{Name: "Sorry", EN: "Sorry {author}, {brand} here"}},
	}
}

func TestConfig_Validate(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Config)
		want []string // substrings of the error; none means valid
	}{
		{name: "OK", edit: func(*Config) {}},
		{name: "OKBale", edit: func(c *Config) { c.APIURL = BaleAPIURL }},
		{name: "OKLoopback", edit: func(c *Config) { c.APIURL = "http://127.0.0.1:8081/" }},
		{name: "OKNoAlertChat", edit: func(c *Config) { c.AlertChatID, c.Managers[1].Alerts = 0, true }},
		{name: "ErrAlertsReachNoOne", edit: func(c *Config) { c.AlertChatID = 0 }, want: []string{"alerts would reach no one"}},
		{name: "ErrMute", edit: func(c *Config) { c.MuteDefault, c.MuteMax = 2*time.Hour, time.Hour }, want: []string{"telegram.mute"}},
		{name: "ErrTokenMissing", edit: func(c *Config) { c.Token = "" }, want: []string{"telegram.token: must be set"}},
		{name: "ErrTokenShape", edit: func(c *Config) { c.Token = "not a token" }, want: []string{"telegram.token: does not look like a bot token"}},
		{name: "ErrAPIURL", edit: func(c *Config) { c.APIURL = "ftp://x" }, want: []string{"telegram.api_url"}},
		{name: "ErrAPIURLWithBotPath", edit: func(c *Config) { c.APIURL = "https://api.telegram.org/bot123:abc" },
			want: []string{"telegram.api_url", "/bot<token>/<method> is added"}},
		{name: "ErrNoManagers", edit: func(c *Config) { c.Managers = nil }, want: []string{"telegram.managers: list at least one"}},
		{name: "ErrManagerFields", edit: func(c *Config) {
			c.Managers = []Manager{{ID: 0, Name: ""}, {ID: 2, Name: "ali", Lang: "de"}, {ID: 2, Name: "Ali"}}
		}, want: []string{"telegram.managers[0].id 0", "telegram.managers[0].name", "telegram.managers[1].lang \"de\"",
			"telegram.managers[2].id 2: listed twice", "telegram.managers[2].name \"Ali\": two managers share it"}},
		{name: "ErrGroups", edit: func(c *Config) {
			c.Groups = []Group{{ChatID: 5}, {ChatID: -1001}, {ChatID: -1002}, {ChatID: -1002}}
		}, want: []string{"telegram.groups[0].chat_id 5", "telegram.groups[1].chat_id -1001: is also telegram.alert_chat_id",
			"telegram.groups[3].chat_id -1002: listed twice"}},
		{name: "ErrDefaultLang", edit: func(c *Config) { c.DefaultLang = "ar" }, want: []string{"telegram.default_lang"}},
		{name: "ErrTemplates", edit: func(c *Config) {
			c.Brand = ""
			c.Templates = []Template{{}, {Name: "x", FA: "{brand}"}, {Name: "X", EN: "y"}}
		}, want: []string{"telegram.templates[0].name", "telegram.templates[0]: give a text",
			"telegram.templates[1].fa uses {brand}", "telegram.templates[2].name \"X\": another template"}},
		{name: "ErrPrivateAlertChat", edit: func(c *Config) { c.AlertChatID = 999 }, want: []string{"telegram.alert_chat_id 999"}},
		{name: "ErrPollTimeout", edit: func(c *Config) { c.PollTimeout = -1 }, want: []string{"telegram.poll_timeout"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := validConfig()
			tt.edit(&c)
			err := c.Validate()
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate() = nil, want errors %q", tt.want)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "ABCdefGHI") {
				t.Fatalf("the token is in the error: %v", err)
			}
		})
	}
}

func TestConfig_Defaults(t *testing.T) {
	c := validConfig().withDefaults()
	if c.APIURL != DefaultAPIURL || c.PollTimeout != DefaultPollTimeout || c.DefaultLang != LangEnglish ||
		c.Managers[1].Lang != LangEnglish || c.SourceName != "telegram" || c.Location == nil {
		t.Fatalf("defaults not applied: %+v", c)
	}
	if got := (Config{APIURL: "http://127.0.0.1:8081/"}).withDefaults().APIURL; got != "http://127.0.0.1:8081" {
		t.Fatalf("trailing slash kept: %q", got)
	}
}
