package bot

import (
	"strings"
	"testing"
	"time"

	"github.com/shenava/shenava/internal/conf"
)

func validConfig() Config {
	return Config{
		Token:       conf.NewSecret("123456:ABCdefGHIjklMNOpqrSTUvwxYZ"),
		AlertChatID: -1001,
		Managers:    []Manager{{ID: 1, Name: "Sara", Lang: "fa"}, {ID: 2, Name: "Ali"}},
		Groups:      []Group{{ChatID: -1002, Name: "fans"}},
		Brand:       "Koala",
		Templates:   []Template{{Name: "Sorry", EN: "Sorry {author}, {brand} here"}},
	}
}

func TestConfig_Validate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		edit func(*Config)
		want []string // substrings of the error; none means valid
	}{
		{name: "OK", edit: func(*Config) {}},
		{name: "OKBale", edit: func(c *Config) { c.APIURL = BaleAPIURL }},
		{name: "OKLoopback", edit: func(c *Config) { c.APIURL = "http://127.0.0.1:8081/" }},
		{name: "OKNoAlertChat", edit: func(c *Config) { c.AlertChatID, c.Managers[1].Alerts = 0, true }},
		{name: "ErrAlertsReachNoOne", edit: func(c *Config) { c.AlertChatID = 0 }, want: []string{"alert_chat_id: no one would get alerts"}},
		{name: "ErrMute", edit: func(c *Config) { c.MuteDefault, c.MuteMax = 2*time.Hour, time.Hour }, want: []string{"mute.default: 2h is above mute.max (1h)"}},
		{name: "ErrTokenMissing", edit: func(c *Config) { c.Token = conf.Secret{} }, want: []string{"token: required"}},
		{name: "ErrTokenShape", edit: func(c *Config) { c.Token = conf.NewSecret("nota-token") }, want: []string{"token: does not look like a bot token"}},
		{name: "ErrAPIURL", edit: func(c *Config) { c.APIURL = "ftp://x" }, want: []string{"api_url: must be an http:// or https:// URL"}},
		{name: "ErrAPIURLWithBotPath", edit: func(c *Config) { c.APIURL = "https://api.telegram.org/bot123:abc" },
			want: []string{"api_url: give the server only; /bot<token>/<method> is added"}},
		{name: "ErrNoManagers", edit: func(c *Config) { c.Managers = nil }, want: []string{"managers: required when telegram is enabled: at least one manager"}},
		{name: "ErrManagerFields", edit: func(c *Config) {
			c.Managers = []Manager{{ID: 0, Name: ""}, {ID: 2, Name: "ali", Lang: "de"}, {ID: 2, Name: "Ali"}}
		}, want: []string{"managers[0].id: must be a positive Telegram user ID, got 0", "managers[0].name: required",
			"managers[1].lang: must be one of fa, en, got \"de\"", "managers[2].id: 2 is already telegram.managers[1]",
			"managers[2].name: \"Ali\" is already telegram.managers[1] (names are compared ignoring case)"}},
		{name: "ErrGroups", edit: func(c *Config) {
			c.Groups = []Group{{ChatID: 5}, {ChatID: -1001}, {ChatID: -1002}, {ChatID: -1002}}
		}, want: []string{"groups[0].chat_id: 5: group chat IDs are negative", "groups[1].chat_id: is telegram.alert_chat_id",
			"groups[3].chat_id: -1002 is already telegram.groups[2]"}},
		{name: "ErrDefaultLang", edit: func(c *Config) { c.DefaultLang = "ar" }, want: []string{"default_lang: must be one of fa, en"}},
		{name: "ErrTemplates", edit: func(c *Config) {
			c.Brand = ""
			c.Templates = []Template{{}, {Name: "x", FA: "{brand}"}, {Name: "X", EN: "y"}}
		}, want: []string{"templates[0].name: required", "templates[0]: needs a text",
			"templates[1].fa: uses {brand} but brand.name is empty", "templates[2].name: \"X\" is already routing.templates[1]"}},
		{name: "ErrPrivateAlertChat", edit: func(c *Config) { c.AlertChatID = 999 }, want: []string{"alert_chat_id: 999 is a private chat"}},
		{name: "ErrPollTimeout", edit: func(c *Config) { c.PollTimeout = 1500 * time.Millisecond }, want: []string{"poll_timeout: must be whole seconds"}},
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
	t.Parallel()
	c := validConfig().withDefaults()
	if c.APIURL != DefaultAPIURL || c.PollTimeout != DefaultPollTimeout || c.DefaultLang != LangPersian ||
		c.Managers[1].Lang != LangPersian || c.SourceName != "telegram" || c.Location == nil {
		t.Fatalf("defaults not applied: %+v", c)
	}
	if got := (Config{APIURL: "http://127.0.0.1:8081/"}).withDefaults().APIURL; got != "http://127.0.0.1:8081" {
		t.Fatalf("trailing slash kept: %q", got)
	}
}
