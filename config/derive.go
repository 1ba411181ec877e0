package config

import (
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/shenava/shenava/bot"
	"github.com/shenava/shenava/digest"
	"github.com/shenava/shenava/listen"
	"github.com/shenava/shenava/watch"
)

// derive fills values that default to another key and normalises lists,
// after the file was decoded onto the defaults. dir is the directory that
// relative paths resolve against ("" = the working directory). It returns
// the keys that inherited their value, mapped to the key they took it from,
// so that messages can say where a value came from.
func (c *Config) derive(dir string) map[string]string {
	inherited := map[string]string{}
	b := &c.Brand
	b.Name = strings.TrimSpace(b.Name)
	b.Keywords = trimAll(b.Keywords, "")
	b.Exclusions = trimAll(b.Exclusions, "")
	b.Hashtags = trimAll(b.Hashtags, "#")
	b.Handles.X = lowerAll(trimAll(b.Handles.X, "@"))
	b.Handles.Mastodon = lowerAll(trimAll(b.Handles.Mastodon, "@"))
	b.Handles.Telegram = lowerAll(trimAll(b.Handles.Telegram, "@"))

	poll := c.Listen.PollInterval
	for i := range c.Sources.File {
		f := &c.Sources.File[i]
		if f.Interval == 0 {
			f.Interval = poll
			inherited[keyPath{"sources", "file", i, "interval"}.String()] = "listen.poll_interval"
		}
		f.Path = resolvePath(dir, f.Path)
		f.BatchSize = c.Listen.BatchSize
	}
	for i := range c.Sources.RSS.Feeds {
		f := &c.Sources.RSS.Feeds[i]
		f.URL = strings.TrimSpace(f.URL)
		if f.Interval == 0 {
			f.Interval = poll
			inherited[keyPath{"sources", "rss", "feeds", i, "interval"}.String()] = "listen.poll_interval"
		}
	}
	x := &c.Sources.X
	x.BaseURL = strings.TrimRight(strings.TrimSpace(x.BaseURL), "/")
	x.UserID = strings.TrimSpace(x.UserID)
	// Search looks for the brand; without the mentions stream it also
	// looks for @brand.
	x.Keywords, x.Hashtags, x.Exclusions = b.Keywords, b.Hashtags, b.Exclusions
	x.Handles = nil
	if !x.Mentions.Enabled {
		x.Handles = b.Handles.X
	}
	x.Username = ""
	if len(b.Handles.X) > 0 {
		x.Username = b.Handles.X[0]
		inherited["sources.x.username"] = "brand.handles.x[0]"
	}
	inherited["sources.x.search.keywords"] = "brand.keywords, brand.hashtags, brand.handles.x and brand.exclusions"
	m := &c.Sources.Mastodon
	m.Server = strings.TrimRight(strings.TrimSpace(m.Server), "/")
	m.Hashtags.List = trimAll(m.Hashtags.List, "#")
	if len(m.Hashtags.List) == 0 && len(b.Hashtags) > 0 {
		m.Hashtags.List = slices.Clone(b.Hashtags)
		inherited["sources.mastodon.hashtags.list"] = "brand.hashtags"
	}
	m.Search.Terms = b.Keywords
	inherited["sources.mastodon.search.terms"] = "brand.keywords"
	m.OwnAccounts = b.Handles.Mastodon
	inherited["sources.mastodon.own_accounts"] = "brand.handles.mastodon"

	tc := &c.Sources.TelegramChannels
	if len(tc.Search) == 0 {
		tc.Search = slices.Clone(b.Keywords)
		for _, h := range b.Hashtags {
			tc.Search = append(tc.Search, "#"+h)
		}
		inherited["sources.telegram_channels.search"] = "brand.keywords and brand.hashtags"
	}
	tc.SessionFile = resolvePath(dir, tc.SessionFile)

	t := &c.Telegram
	t.APIURL = strings.TrimRight(strings.TrimSpace(t.APIURL), "/")
	t.SourceName = SourceTelegramGroups
	t.Brand = b.Name
	t.ThankApproval = c.Routing.ThankYou.Mode == ThankYouApprove
	t.Location = c.Digest.TimeZone.Location()
	t.Templates = nil
	for _, tpl := range c.Routing.Templates {
		t.Templates = append(t.Templates, bot.Template{Name: tpl.Name, FA: tpl.FA, EN: tpl.EN, FI: tpl.FI})
	}
	inherited["telegram.templates"] = "routing.templates"
	for i := range t.Managers {
		if t.Managers[i].Lang == "" {
			t.Managers[i].Lang = t.DefaultLang
			inherited[keyPath{"telegram", "managers", i, "lang"}.String()] = "telegram.default_lang"
		}
	}
	if c.Digest.ChatID == 0 {
		c.Digest.ChatID = t.AlertChatID
	}
	t.DigestChatID = c.Digest.ChatID
	if c.Listen.AnalysisWorkers == 0 {
		c.Listen.AnalysisWorkers = runtime.GOMAXPROCS(0)
	}
	c.Storage.Path = resolvePath(dir, c.Storage.Path)
	c.Routing.Model = resolvePath(dir, c.Routing.Model)
	return inherited
}

// resolvePath joins a relative path to dir; absolute and empty paths stay.
func resolvePath(dir, p string) string {
	if p == "" || dir == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(dir, p)
}

// trimAll trims spaces and one leading prefix from every entry, keeping
// empty entries (validation names them).
func trimAll(list []string, prefix string) []string {
	for i, s := range list {
		s = strings.TrimSpace(s)
		if prefix != "" {
			s = strings.TrimPrefix(s, prefix)
		}
		list[i] = s
	}
	return list
}

func lowerAll(list []string) []string {
	for i, s := range list {
		list[i] = strings.ToLower(s)
	}
	return list
}

// enabledAt reports whether the value at path p sits in enabled sections:
// every struct on the way that has an "enabled" key must have it true. An
// "enabled" key itself always counts as enabled.
func (c *Config) enabledAt(p keyPath) bool {
	if len(p) > 0 && p[len(p)-1] == "enabled" {
		return true
	}
	v := reflect.ValueOf(c).Elem()
	for _, seg := range p {
		if v.Kind() == reflect.Struct {
			if f, ok := fieldsOf(v.Type()).byName["enabled"]; ok && !v.FieldByIndex(f).Bool() {
				return false
			}
		}
		switch seg := seg.(type) {
		case string:
			if v.Kind() != reflect.Struct {
				return true
			}
			f, ok := fieldsOf(v.Type()).byName[seg]
			if !ok {
				return true
			}
			v = v.FieldByIndex(f)
		case int:
			if v.Kind() != reflect.Slice || seg >= v.Len() {
				return true
			}
			v = v.Index(seg)
		}
	}
	return true
}

// Policy is what the engine decides by, made of the routing section, the
// brand's name and languages, and the SLA's recovery window. It is built
// on each call, so changes to those sections after Load count.
func (c *Config) Policy() listen.Policy {
	r := c.Routing
	return listen.Policy{
		Brand:                 c.Brand.Name,
		AlertThreshold:        r.Alert.Threshold,
		AlertMinFollowers:     r.Alert.MinFollowers,
		AlertPlatforms:        r.Alert.Platforms,
		Languages:             c.Brand.Languages,
		ReferralThreshold:     r.ReferralThreshold,
		ThankMode:             listen.ThankMode(r.ThankYou.Mode),
		ThankWindow:           r.ThankYou.Window.D(),
		ReplyWindow:           r.ReplyWindow.D(),
		ThankTemplates:        r.ThankYou.Public.ByLang(),
		ThankPrivate:          r.ThankYou.RewardCode,
		ThankPrivateTemplates: r.ThankYou.Private.ByLang(),
		RecoveryWindow:        c.SLA.RecoveryWindow.D(),
	}
}

// DigestConfig is what the digest runs by: the digest section with the
// SLA's first-response target and recovery window.
func (c *Config) DigestConfig() digest.Config {
	return c.Digest.Config(c.SLA.FirstResponse.D(), c.SLA.RecoveryWindow.D())
}

// WatchConfig is what the watcher runs by: the spike and sla sections, in
// the digest's zone and language, ignoring the brand's own terms as spike
// terms. ok is false when neither spike alerts nor reminders are on.
func (c *Config) WatchConfig() (_ watch.Config, ok bool) {
	if !c.Spike.Enabled && len(c.SLA.RemindAfter) == 0 {
		return watch.Config{}, false
	}
	steps := make([]time.Duration, len(c.SLA.RemindAfter))
	for i, d := range c.SLA.RemindAfter {
		steps[i] = d.D()
	}
	// A disabled spike section is not checked, so none of its values are
	// passed on.
	var spike watch.SpikeConfig
	if c.Spike.Enabled {
		spike = c.Spike
		spike.IgnoreTerms = slices.Concat(c.Brand.Keywords, c.Brand.Hashtags)
	}
	return watch.Config{
		Timezone: c.Digest.TimeZone.String(),
		Lang:     c.Digest.Lang,
		Spike:    spike,
		SLA:      watch.SLAConfig{Disabled: len(steps) == 0, RemindAfter: steps},
	}, true
}
