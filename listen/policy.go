package listen

import (
	"fmt"
	"hash/fnv"
	"time"

	"github.com/shenava/shenava/core"
)

// ThankMode says what happens when someone recommends the brand.
type ThankMode string

// Thank-you modes.
const (
	ThankOff     ThankMode = "off"     // nothing is sent
	ThankAuto    ThankMode = "auto"    // the thank-you is sent at once
	ThankApprove ThankMode = "approve" // managers get the draft with Send/Edit/Skip
)

// Policy defaults; a zero field of a Policy takes the first three. The
// others are the routing section's defaults in config.yaml: a Policy's zero
// ThankMode is off and its zero ReplyWindow no loop guard, so that a
// program building one opts in.
const (
	DefaultThankWindow = 30 * 24 * time.Hour
	DefaultThankMode   = ThankApprove
	DefaultReplyWindow = 24 * time.Hour

	DefaultThankYouFA = "{author} عزیز، ممنون که {brand} را به دیگران معرفی کردید! 🌱"
	DefaultThankYouEN = "Thank you for recommending {brand}, {author}! 🌱"
	DefaultThankYouFI = "{author} aziz, merci ke {brand} ro be baghie moarefi kardi! 🌱"
	DefaultRewardFA   = "سلام {author}، به پاس معرفی {brand} این کد هدیه برای شماست: {code}"
	DefaultRewardEN   = "Hi {author}, as a thank-you for recommending {brand}, here is a gift code: {code}"
	DefaultRewardFI   = "Salam {author}, be pase moarefie {brand} in code hedie male shomast: {code}"
)

// Policy decides what happens to each new mention.
type Policy struct {
	// Brand fills {brand} in templates.
	Brand string
	// AlertThreshold: a mention whose P(negative) reaches it plus
	// AlertNeutralWeight·P(neutral) opens a case and alerts the managers
	// (see Alerts).
	AlertThreshold float64
	// AlertMinFollowers skips alerts for authors with fewer followers
	// (0 = alert for everyone).
	AlertMinFollowers int
	// AlertPlatforms limits alerts to these platforms (empty = all).
	AlertPlatforms []core.Platform
	// Languages limits alerts and thank-yous to mentions in these
	// languages (empty = all); the others are still stored and counted.
	Languages []string
	// ReferralThreshold: a mention the model marks as a referral with at
	// least this score is thanked.
	ReferralThreshold float64
	ThankMode         ThankMode
	// ThankWindow: at most one thank-you per author per window.
	ThankWindow time.Duration
	// ReplyWindow is the loop guard: no automatic reply reaches an author
	// who got one within it. Managers' own replies are not limited.
	ReplyWindow time.Duration
	// ThankTemplates are public thank-you templates per language ("fa",
	// "en", "fi"); "en" is the fallback. Several per language are rotated.
	ThankTemplates map[string][]string
	// ThankPrivate also sends a private thank-you carrying a reward code.
	ThankPrivate          bool
	ThankPrivateTemplates map[string][]string
	// RecoveryWindow: a positive mention by an author within this time of
	// our reply to their complaint counts as a recovery.
	RecoveryWindow time.Duration
}

func (p Policy) withDefaults() Policy {
	if p.AlertThreshold <= 0 {
		p.AlertThreshold = DefaultAlertThreshold
	}
	if p.ReferralThreshold <= 0 {
		p.ReferralThreshold = DefaultReferralThreshold
	}
	if p.ThankMode == "" {
		p.ThankMode = ThankOff
	}
	if p.ThankWindow <= 0 {
		p.ThankWindow = DefaultThankWindow
	}
	if p.RecoveryWindow <= 0 {
		p.RecoveryWindow = core.DefaultRecoveryWindow
	}
	return p
}

// Validate names the first impossible setting.
func (p Policy) Validate() error {
	switch p.ThankMode {
	case "", ThankOff, ThankAuto, ThankApprove:
	default:
		return fmt.Errorf("thank_you.mode %q: want off, auto or approve", p.ThankMode)
	}
	if p.AlertThreshold < 0 || p.AlertThreshold > 1 {
		return fmt.Errorf("alert_threshold %v: want a probability between 0 and 1", p.AlertThreshold)
	}
	if p.ReferralThreshold < 0 || p.ReferralThreshold > 1 {
		return fmt.Errorf("referral_threshold %v: want a probability between 0 and 1", p.ReferralThreshold)
	}
	if p.ThankMode != ThankOff && p.ThankMode != "" && len(p.ThankTemplates["en"]) == 0 {
		return fmt.Errorf("thank_you.templates.en: needed as the fallback when thank-yous are on")
	}
	return nil
}

// decider applies the policy to one batch. It remembers what it decided for
// authors earlier in the batch, so two referrals by one author in one poll
// are thanked once.
type decider struct {
	p       Policy
	caps    func(core.Platform) core.Capabilities
	authors map[string]core.AuthorHistory
	cases   func(id uint64) (core.Case, bool)
	now     time.Time
}

func (d *decider) decide(m core.Mention) core.Decision {
	dec := core.Decision{Mention: m}
	a := m.Analysis
	if a == nil || m.Author.Bot {
		return dec
	}
	h := d.authors[m.AuthorKey()]
	if !d.languageWanted(a.Lang) {
		return dec
	}
	if d.shouldAlert(m) {
		dec.OpenCase = true
		dec.Actions = append(dec.Actions, core.Action{
			Kind: core.ActionAlert, DedupKey: "alert:" + m.Key(), MentionKey: m.Key(),
			Actor: core.ActorSystem, CreatedAt: d.now,
		})
	}
	if d.shouldThank(m, h) {
		dec.Actions = append(dec.Actions, d.thanks(m)...)
		h.LastThankedAt = d.now
	}
	if a.Label == core.LabelPositive {
		for _, id := range h.Cases {
			c, ok := d.cases(id)
			if !ok || c.FirstResponseAt.IsZero() || !c.RecoveredAt.IsZero() {
				continue
			}
			if m.CreatedAt.After(c.FirstResponseAt) && m.CreatedAt.Sub(c.FirstResponseAt) <= d.p.RecoveryWindow {
				dec.Recovers = append(dec.Recovers, id)
				dec.Actions = append(dec.Actions, core.Action{
					Kind: core.ActionCaseUpdate, DedupKey: fmt.Sprintf("recovered:%d", id), CaseID: id,
					MentionKey: c.MentionKey, Actor: core.ActorSystem, CreatedAt: d.now,
				})
			}
		}
	}
	h.Key = m.AuthorKey()
	d.authors[h.Key] = h
	return dec
}

func (d *decider) shouldAlert(m core.Mention) bool {
	a := m.Analysis
	if !Alerts(*a, d.p.AlertThreshold) {
		return false
	}
	if d.p.AlertMinFollowers > 0 && m.Author.Followers < d.p.AlertMinFollowers {
		return false
	}
	if len(d.p.AlertPlatforms) == 0 {
		return true
	}
	for _, p := range d.p.AlertPlatforms {
		if p == m.Platform {
			return true
		}
	}
	return false
}

func (d *decider) languageWanted(lang string) bool {
	if len(d.p.Languages) == 0 {
		return true
	}
	for _, l := range d.p.Languages {
		if l == lang {
			return true
		}
	}
	return false
}

func (d *decider) shouldThank(m core.Mention, h core.AuthorHistory) bool {
	a := m.Analysis
	if d.p.ThankMode == ThankOff || d.p.ThankMode == "" || !Thanks(*a, d.p.ReferralThreshold) {
		return false
	}
	if !h.LastThankedAt.IsZero() && d.now.Sub(h.LastThankedAt) < max(d.p.ThankWindow, d.p.ReplyWindow) {
		return false
	}
	return d.caps(m.Platform).Reply
}

func (d *decider) thanks(m core.Mention) []core.Action {
	lang := m.Analysis.Lang
	public := pick(d.p.ThankTemplates, lang, m.Key())
	vars := core.TemplateVars{Author: handleOf(m), Brand: d.p.Brand, Code: "{code}"}
	if d.p.ThankMode == ThankApprove {
		return []core.Action{{
			Kind: core.ActionApproval, DedupKey: "approve:" + m.Key(), MentionKey: m.Key(),
			Text: core.Expand(public, vars), Actor: core.ActorSystem, CreatedAt: d.now,
		}}
	}
	out := []core.Action{{
		Kind: core.ActionThankPublic, DedupKey: "thank:" + m.Key(), MentionKey: m.Key(),
		Text: core.Expand(public, vars), Actor: core.ActorSystem, CreatedAt: d.now,
	}}
	if d.p.ThankPrivate && d.caps(m.Platform).DirectMessage {
		if private := pick(d.p.ThankPrivateTemplates, lang, m.Key()); private != "" {
			out = append(out, core.Action{
				Kind: core.ActionThankPrivate, DedupKey: "thankdm:" + m.Key(), MentionKey: m.Key(),
				Text: core.Expand(private, vars), Actor: core.ActorSystem, CreatedAt: d.now,
			})
		}
	}
	return out
}

// pick chooses a template for lang (falling back to English), the same one
// every time for the same mention so a replay decides identically.
func pick(templates map[string][]string, lang, key string) string {
	list := templates[lang]
	if len(list) == 0 && lang == core.LangFinglish {
		list = templates[core.LangPersian]
	}
	if len(list) == 0 {
		list = templates[core.LangEnglish]
	}
	if len(list) == 0 {
		return ""
	}
	h := fnv.New32a()
	h.Write([]byte(key))
	return list[int(h.Sum32()%uint32(len(list)))]
}
