package config

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/shenava/shenava/bot"
	"github.com/shenava/shenava/connector/instagram"
	"github.com/shenava/shenava/connector/mastodon"
	"github.com/shenava/shenava/connector/rss"
	"github.com/shenava/shenava/connector/telegramuser"
	"github.com/shenava/shenava/connector/x"
	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/conf"
	"github.com/shenava/shenava/metrics"
	"github.com/shenava/shenava/watch"
)

// Validate checks a Config that was built in code (Default plus changes).
// Load and Parse already validate what they return; they also fill derived
// values, which Validate does not.
func (c *Config) Validate() error {
	ch := newChecker(c.file, c.lines, nil, nil)
	ch.config(c)
	ch.finish()
	return ch.err()
}

// checker collects problems and warnings, each naming its key and, when
// the key or one of its parents is in the file, its line.
type checker struct {
	file  string
	lines map[string]int
	// bad holds keys that failed to decode; their children are not
	// checked again. done holds keys this checker reported.
	bad       map[string]bool
	done      map[string]bool
	inherited map[string]string
	problems  []*FieldError
	warnings  []string
}

func newChecker(file string, lines map[string]int, bad map[string]bool, inherited map[string]string) *checker {
	if bad == nil {
		bad = map[string]bool{}
	}
	return &checker{file: file, lines: lines, bad: bad, done: map[string]bool{}, inherited: inherited}
}

func (c *checker) line(key string) int {
	for k := key; k != ""; k = parentKey(k) {
		if l, ok := c.lines[k]; ok {
			return l
		}
	}
	return 0
}

// reported is true when the key already has a problem, or a parent failed
// to decode, so a follow-on message would only repeat it.
func (c *checker) reported(key string) bool {
	if c.done[key] {
		return true
	}
	for k := key; k != ""; k = parentKey(k) {
		if c.bad[k] {
			return true
		}
	}
	return false
}

func (c *checker) errorf(key, format string, args ...any) {
	if c.reported(key) {
		return
	}
	msg := fmt.Sprintf(format, args...)
	if from, ok := c.inherited[key]; ok {
		msg += " (taken from " + from + ")"
	}
	c.done[key] = true
	c.problems = append(c.problems, &FieldError{File: c.file, Line: c.line(key), Key: key, Msg: msg})
}

// section reports the problems a section's owner found, under the
// section's key.
func (c *checker) section(prefix string, ps conf.Problems) {
	for _, p := range ps.All() {
		key := conf.Join(prefix, p.Key)
		if p.Warning {
			c.warnf(key, "%s", p.Msg)
		} else {
			c.errorf(key, "%s", p.Msg)
		}
	}
}

func (c *checker) warnf(key, format string, args ...any) {
	fe := FieldError{File: c.file, Line: c.line(key), Key: key, Msg: fmt.Sprintf(format, args...)}
	c.warnings = append(c.warnings, fe.Error())
}

// finish drops problems of keys that inherited their value from a key that
// has a problem itself (sources.mastodon.hashtags.list[0] when
// brand.hashtags[0] is wrong): fixing that key fixes both.
func (c *checker) finish() {
	kept := c.problems[:0]
	for _, p := range c.problems {
		if !c.inheritsProblem(p.Key) {
			kept = append(kept, p)
		}
	}
	c.problems = kept
}

func (c *checker) inheritsProblem(key string) bool {
	for k := key; k != ""; k = parentKey(k) {
		froms, ok := c.inherited[k]
		if !ok {
			continue
		}
		// A value may be built from several keys: "a, b and c".
		for _, from := range strings.FieldsFunc(froms, func(r rune) bool { return r == ',' || r == ' ' }) {
			if from == "and" {
				continue
			}
			if c.reported(from) {
				return true
			}
			under := func(k string) bool { return strings.HasPrefix(k, from+".") || strings.HasPrefix(k, from+"[") }
			for _, p := range c.problems {
				if under(p.Key) {
					return true
				}
			}
			for b := range c.bad {
				if under(b) {
					return true
				}
			}
		}
	}
	return false
}

func (c *checker) err() error {
	if len(c.problems) == 0 {
		return nil
	}
	errs := make([]error, len(c.problems))
	for i, p := range c.problems {
		errs[i] = p
	}
	return errors.Join(errs...)
}

// ---- small checks ----------------------------------------------------------

// check runs shared checks (internal/conf) on full keys.
func (c *checker) check(f func(ps *conf.Problems)) {
	var ps conf.Problems
	f(&ps)
	c.section("", ps)
}

func (c *checker) durRange(key string, d Duration, lo, hi time.Duration) {
	c.check(func(ps *conf.Problems) { ps.DurationRange(key, d.D(), lo, hi) })
}

func (c *checker) positiveDur(key string, d Duration) {
	c.check(func(ps *conf.Problems) { ps.PositiveDuration(key, d.D()) })
}

func (c *checker) nonNegDur(key string, d Duration) {
	c.check(func(ps *conf.Problems) { ps.NonNegativeDuration(key, d.D()) })
}

func (c *checker) intRange(key string, v, lo, hi int) {
	c.check(func(ps *conf.Problems) { ps.IntRange(key, v, lo, hi) })
}

func (c *checker) oneOf(key, v string, allowed ...string) {
	c.check(func(ps *conf.Problems) { ps.OneOf(key, v, allowed...) })
}

// template checks a reply template's variables.
func (c *checker) template(key, text string, allowed ...string) {
	for _, v := range templateVars(text) {
		if slices.Contains(allowed, v) {
			continue
		}
		if v == varCode {
			c.errorf(key, "{code} is only allowed in private messages; a public reply would publish the reward code")
			return
		}
		names := make([]string, len(allowed))
		for i, a := range allowed {
			names[i] = "{" + a + "}"
		}
		c.errorf(key, "unknown variable {%s}; use %s", v, strings.Join(names, ", "))
		return
	}
}

// ---- the whole config ------------------------------------------------------

func (c *checker) config(cfg *Config) {
	c.timeouts(cfg)
	c.brand(cfg)
	c.sources(cfg)
	c.telegram(cfg)
	c.routing(cfg)
	c.digest(cfg)
	c.spike(cfg.Spike)
	c.sla(cfg.SLA)
	c.section("listen", cfg.Listen.Problems())
	c.section("outbox", cfg.Outbox.Problems())
	c.section("storage", cfg.Storage.Problems())
	c.section("log", cfg.Log.Problems())
	c.section("metrics", cfg.Metrics.Problems())
	c.section("web", cfg.Web.Problems())
	if cfg.Webhooks.Listen != "" {
		// The same host:port rules; any host, since a reverse proxy on
		// another machine may forward to it.
		c.section("webhooks", metrics.Config{Listen: cfg.Webhooks.Listen, AllowRemote: true}.Problems())
	}
}

func (c *checker) brand(cfg *Config) {
	if cfg.Brand.Name == "" {
		c.errorf("brand.name", "required: the brand's name as replies write it ({brand})")
	}
	c.section("brand", cfg.Brand.Problems())
}

var sourceName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

var builtinSources = []string{
	SourceXMentions, SourceXSearch, SourceMastodonNotifications,
	SourceMastodonHashtags, SourceMastodonSearch, SourceTelegramGroups,
	SourceInstagram, SourceInstagramWebhook, SourceTelegramSearch,
}

func (c *checker) sources(cfg *Config) {
	s := cfg.Sources
	if len(s.File) == 0 && !s.X.Enabled && !s.Mastodon.Enabled && !(s.RSS.Enabled && len(s.RSS.Feeds) > 0) &&
		!(cfg.Telegram.Enabled && len(cfg.Telegram.Groups) > 0) && !s.Instagram.Enabled && !s.TelegramChannels.Enabled {
		c.errorf("sources", "no source is enabled: add a file source, or enable x, mastodon, rss, instagram, telegram_channels or telegram.groups")
	}
	names := map[string]string{} // source name → key of its first use
	name := func(key, n string) {
		switch {
		case n == "":
			c.errorf(key, "required: a short name for the source (letters, digits, . _ -)")
		case !sourceName.MatchString(n):
			c.errorf(key, "must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit, got %q", n)
		case slices.Contains(builtinSources, n):
			c.errorf(key, "%q is the name of a built-in source; choose another", n)
		case names[n] != "":
			c.errorf(key, "%q is already the name of %s; source names must be unique", n, parentKey(names[n]))
		default:
			names[n] = key
		}
	}
	for i, f := range s.File {
		k := fmt.Sprintf("sources.file[%d]", i)
		name(k+".name", f.Name)
		c.section(k, f.Problems())
	}
	if s.X.Enabled {
		c.section("sources.x", s.X.Problems())
	}
	if s.Mastodon.Enabled {
		c.section("sources.mastodon", s.Mastodon.Problems())
	}
	if s.Instagram.Enabled {
		c.section("sources.instagram", s.Instagram.Problems())
		if s.Instagram.Webhook && cfg.Webhooks.Listen == "" {
			c.errorf("webhooks.listen", "required: sources.instagram.webhook is on, and Meta delivers to this address")
		}
	}
	if s.TelegramChannels.Enabled {
		c.section("sources.telegram_channels", s.TelegramChannels.Problems())
	}
	if s.RSS.Enabled {
		for i, f := range s.RSS.Feeds {
			name(fmt.Sprintf("sources.rss.feeds[%d].name", i), f.Name)
		}
		c.section("sources.rss", s.RSS.Problems())
	}
}

func (c *checker) telegram(cfg *Config) {
	if !cfg.Telegram.Enabled {
		return
	}
	c.section("telegram", cfg.Telegram.Problems())
}

// MinFileTimeout is the shortest request timeout the file may set: below
// it a typo ("20ms") would fail every request. Each section bounds its
// timeout from above.
const MinFileTimeout = time.Second

// timeouts holds every enabled section's request timeout to MinFileTimeout.
// It runs before the sections' own checks, so its message wins for a key
// both would report.
func (c *checker) timeouts(cfg *Config) {
	s := cfg.Sources
	for _, t := range []struct {
		on  bool
		key string
		d   time.Duration
		max time.Duration
	}{
		{s.X.Enabled, "sources.x.timeout", s.X.Timeout, x.MaxTimeout},
		{s.Mastodon.Enabled, "sources.mastodon.timeout", s.Mastodon.Timeout, mastodon.MaxTimeout},
		{s.RSS.Enabled, "sources.rss.timeout", s.RSS.Timeout, rss.MaxTimeout},
		{cfg.Telegram.Enabled, "telegram.timeout", cfg.Telegram.RequestTimeout, bot.MaxRequestTimeout},
		{s.Instagram.Enabled, "sources.instagram.timeout", s.Instagram.Timeout, instagram.MaxTimeout},
		{s.TelegramChannels.Enabled, "sources.telegram_channels.timeout", s.TelegramChannels.Timeout, telegramuser.MaxTimeout},
	} {
		if t.on {
			c.durRange(t.key, Duration(t.d), MinFileTimeout, t.max)
		}
	}
}

func (c *checker) routing(cfg *Config) {
	r := cfg.Routing
	if r.Alert.Threshold <= 0 || r.Alert.Threshold > 1 {
		c.errorf("routing.alert.threshold", "must be a probability above 0 and at most 1, got %g", r.Alert.Threshold)
	}
	if r.Alert.MinFollowers < 0 {
		c.errorf("routing.alert.min_followers", "must not be negative, got %d", r.Alert.MinFollowers)
	}
	seen := map[core.Platform]bool{}
	for i, p := range r.Alert.Platforms {
		k := fmt.Sprintf("routing.alert.platforms[%d]", i)
		switch {
		case !p.Valid():
			names := make([]string, len(core.Platforms))
			for j, q := range core.Platforms {
				names[j] = string(q)
			}
			c.errorf(k, "must be one of %s, got %q", strings.Join(names, ", "), p)
		case seen[p]:
			c.errorf(k, "%s is listed twice", p)
		}
		seen[p] = true
	}
	if len(r.Alert.Platforms) == 0 {
		c.warnf("routing.alert.platforms", "empty: no mention will ever alert the managers")
	}
	if r.ReferralThreshold <= 0 || r.ReferralThreshold > 1 {
		c.errorf("routing.referral_threshold", "must be a probability above 0 and at most 1, got %g", r.ReferralThreshold)
	}
	c.nonNegDur("routing.reply_window", r.ReplyWindow)

	ty := r.ThankYou
	c.oneOf("routing.thank_you.mode", string(ty.Mode), string(ThankYouAuto), string(ThankYouApprove), string(ThankYouOff))
	c.nonNegDur("routing.thank_you.window", ty.Window)
	if ty.CodesLowWater < 0 {
		c.errorf("routing.thank_you.codes_low_water", "must be 0 or more, got %d", ty.CodesLowWater)
	}
	variants := func(key string, v Variants, vars ...string) {
		for _, l := range []struct {
			lang string
			list TextList
		}{{"fa", v.FA}, {"en", v.EN}, {"fi", v.FI}} {
			for i, text := range l.list {
				k := fmt.Sprintf("%s.%s[%d]", key, l.lang, i)
				if strings.TrimSpace(text) == "" {
					c.errorf(k, "empty text")
				}
				c.template(k, text, vars...)
			}
		}
	}
	variants("routing.thank_you.public", ty.Public, varAuthor, varBrand)
	variants("routing.thank_you.private", ty.Private, varAuthor, varBrand, varCode)
	if ty.Mode != ThankYouOff {
		if len(ty.Public.FA) == 0 {
			c.errorf("routing.thank_you.public.fa", "required unless mode is off")
		}
		if len(ty.Public.EN) == 0 {
			c.errorf("routing.thank_you.public.en", "required unless mode is off")
		}
		if ty.RewardCode {
			for _, l := range []struct {
				lang string
				list TextList
			}{{"fa", ty.Private.FA}, {"en", ty.Private.EN}} {
				if len(l.list) == 0 {
					c.errorf("routing.thank_you.private."+l.lang, "required when reward_code is on")
				}
				for i, text := range l.list {
					if !slices.Contains(templateVars(text), varCode) {
						c.errorf(fmt.Sprintf("routing.thank_you.private.%s[%d]", l.lang, i),
							"must contain {code} when reward_code is on")
					}
				}
			}
		}
	}
	names := map[string]int{}
	for i, t := range r.Templates {
		k := fmt.Sprintf("routing.templates[%d]", i)
		folded := strings.ToLower(strings.TrimSpace(t.Name))
		switch j, dup := names[folded]; {
		case strings.TrimSpace(t.Name) == "":
			c.errorf(k+".name", "required: the name shown on the Templates button")
		case len(t.Name) > 64:
			c.errorf(k+".name", "longer than 64 bytes")
		case dup:
			c.errorf(k+".name", "%q is already routing.templates[%d] (names are compared ignoring case)", t.Name, j)
		default:
			names[folded] = i
		}
		if t.FA == "" && t.EN == "" {
			c.errorf(k, "needs a text: fa, en or both")
		}
		c.template(k+".fa", t.FA, varAuthor, varBrand)
		c.template(k+".en", t.EN, varAuthor, varBrand)
		c.template(k+".fi", t.FI, varAuthor, varBrand)
	}
}

func (c *checker) digest(cfg *Config) {
	// Spike alerts and SLA reminders are written in digest.lang too.
	if cfg.Digest.Enabled || cfg.Spike.Enabled || len(cfg.SLA.RemindAfter) > 0 {
		c.section("digest", cfg.Digest.Problems())
	}
}

func (c *checker) spike(s Spike) {
	if s.Enabled {
		c.section("spike", s.Problems())
	}
}

func (c *checker) sla(s SLA) {
	c.positiveDur("sla.first_response", s.FirstResponse)
	if len(s.RemindAfter) > watch.MaxRemindSteps {
		c.errorf("sla.remind_after", "at most %d steps, got %d", watch.MaxRemindSteps, len(s.RemindAfter))
	}
	for i, d := range s.RemindAfter {
		k := fmt.Sprintf("sla.remind_after[%d]", i)
		switch {
		case d <= 0:
			c.errorf(k, "must be a positive duration, got %s", d)
		case i > 0 && d <= s.RemindAfter[i-1]:
			c.errorf(k, "%s must come after the previous step (%s)", d, s.RemindAfter[i-1])
		}
	}
	c.nonNegDur("sla.recovery_window", s.RecoveryWindow)
}
