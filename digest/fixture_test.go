package digest

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/storetest"
	"github.com/shenava/shenava/store"
)

var (
	ctx    = context.Background()
	tehran = mustLoad("Asia/Tehran")
	// theDay is the fixture's digest day; asOf when it is read, the next
	// morning at the digest's time.
	theDay = time.Date(2026, 11, 22, 0, 0, 0, 0, tehran)
	asOf   = time.Date(2026, 11, 23, 9, 0, 0, 0, tehran)
)

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

func discard() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// The bbolt store is what runs behind the interface.
var _ Store = (*store.DB)(nil)

// MustOpenStore opens an empty store keeping its counters in Tehran's days.
func MustOpenStore(tb testing.TB) *store.DB {
	tb.Helper()
	return storetest.MustOpen(tb, store.Options{Location: tehran})
}

// MustNew builds a Digester on db whose clock stands still at now.
func MustNew(tb testing.TB, db Store, cfg Config, sender Sender, now time.Time) *Digester {
	tb.Helper()
	cfg.Timezone = "Asia/Tehran"
	d, err := New(cfg, db, sender, discard())
	if err != nil {
		tb.Fatalf("New: %v", err)
	}
	d.SetClock(func() time.Time { return now }, time.After)
	return d
}

// fixture builds the store the golden digests are read from: a fortnight
// of background mentions, a week of answered cases, and a busy 22 November
// 2026 in Tehran with complaints answered fast, late and not at all, a
// recovery, two thank-yous, and mentions one minute either side of the
// day's edges.
type fixture struct {
	tb testing.TB
	db *store.DB
	n  int
}

func at(dayOffset, hour, minute int) time.Time {
	return time.Date(2026, 11, 22+dayOffset, hour, minute, 0, 0, tehran)
}

type m struct {
	at       time.Time
	platform core.Platform
	handle   string
	lang     string
	label    core.Label
	score    float64
	referral bool
	text     string
}

func (f *fixture) mention(x m) core.Mention {
	f.n++
	if x.score == 0 {
		x.score = 0.8
	}
	rest := (1 - x.score) / 2
	sc := core.Scores{Negative: rest, Neutral: rest, Positive: rest}
	switch x.label {
	case core.LabelNegative:
		sc.Negative = x.score
	case core.LabelNeutral:
		sc.Neutral = x.score
	case core.LabelPositive:
		sc.Positive = x.score
	}
	if x.platform == "" {
		x.platform = core.PlatformX
	}
	if x.text == "" {
		x.text = fmt.Sprintf("mention %d", f.n)
	}
	id := fmt.Sprintf("%d", 1000+f.n)
	mm := core.Mention{
		Platform: x.platform, NativeID: id, Source: string(x.platform) + "/brand",
		URL:    fmt.Sprintf("https://%s.example/%s/%s", x.platform, x.handle, id),
		Author: core.Author{ID: "id-" + x.handle, Handle: x.handle},
		Text:   x.text, CreatedAt: x.at.UTC(), FetchedAt: x.at.UTC(),
		Analysis: &core.Analysis{Lang: x.lang, Label: x.label, Scores: sc, Referral: x.referral,
			ReferralScore: map[bool]float64{true: 0.9, false: 0.1}[x.referral]},
	}
	if x.platform == core.PlatformRSS {
		mm.Author = core.Author{ID: "feed-" + x.handle, Name: x.handle}
	}
	return mm
}

// save stores one mention as the engine would at its creation time,
// opening a case when asked and thanking referrals; the outbox then
// delivers what was queued on the spot.
func (f *fixture) save(x m, openCase bool, recovers ...uint64) (core.Mention, uint64) {
	f.tb.Helper()
	mm := f.mention(x)
	d := core.Decision{Mention: mm, OpenCase: openCase, Recovers: recovers}
	if openCase {
		d.Actions = append(d.Actions, core.Action{Kind: core.ActionAlert, DedupKey: "alert:" + mm.Key(),
			MentionKey: mm.Key(), Actor: core.ActorSystem})
	}
	if x.referral {
		d.Actions = append(d.Actions, core.Action{Kind: core.ActionThankPublic, DedupKey: "thank:" + mm.Key(),
			MentionKey: mm.Key(), Text: "thanks!", Actor: core.ActorSystem})
	}
	res, err := f.db.SaveBatch(ctx, mm.Source, "", []core.Decision{d}, x.at)
	if err != nil {
		f.tb.Fatalf("SaveBatch: %v", err)
	}
	f.deliver(x.at.Add(30 * time.Second))
	if openCase {
		return mm, res.Cases[0].ID
	}
	return mm, 0
}

func (f *fixture) deliver(now time.Time) {
	f.tb.Helper()
	due, err := f.db.ClaimDue(ctx, now, 0)
	if err != nil {
		f.tb.Fatal(err)
	}
	for _, a := range due {
		if err := f.db.Settle(ctx, core.Outcome{ActionID: a.ID, State: core.ActionDone, Result: "ok", At: now}); err != nil {
			f.tb.Fatal(err)
		}
	}
}

func (f *fixture) update(id uint64, fn func(c *core.Case) error) {
	f.tb.Helper()
	_, _, err := f.db.UpdateCase(ctx, id, func(c *core.Case) ([]core.Action, error) { return nil, fn(c) })
	if err != nil {
		f.tb.Fatalf("UpdateCase(%d): %v", id, err)
	}
}

func (f *fixture) reply(id uint64, when time.Time) {
	f.update(id, func(c *core.Case) error { return c.Responded("manager-1", false, when) })
}

// MustFixture builds the fixture store.
func MustFixture(tb testing.TB) *store.DB {
	tb.Helper()
	f := &fixture{tb: tb, db: MustOpenStore(tb)}
	platforms := []core.Platform{core.PlatformX, core.PlatformMastodon, core.PlatformRSS}
	langs := []string{core.LangPersian, core.LangEnglish, core.LangPersian, core.LangFinglish}
	// Background: 13 days before the day, 5 to 8 mentions each.
	for off := -13; off <= -1; off++ {
		i := off + 13
		var labels []core.Label
		for range 1 + i%3 {
			labels = append(labels, core.LabelNegative)
		}
		labels = append(labels, core.LabelNeutral, core.LabelNeutral)
		for range 2 + i%2 {
			labels = append(labels, core.LabelPositive)
		}
		for j, l := range labels {
			f.save(m{at: at(off, 8+j, 15), platform: platforms[(i+j)%3], handle: fmt.Sprintf("bg%d", (i+j)%9),
				lang: langs[(i+j)%4], label: l}, false)
		}
	}
	// A week of complaints, each answered the same day, 10 to 40 minutes
	// on and one after two hours, then resolved.
	var rezaCase uint64
	for off := -7; off <= -1; off++ {
		handle := fmt.Sprintf("weekly%d", -off)
		if off == -4 {
			handle = "reza"
		}
		_, id := f.save(m{at: at(off, 12, 0), handle: handle, lang: core.LangPersian,
			label: core.LabelNegative, score: 0.85, text: "complaint"}, true)
		wait := time.Duration(10+5*(off+7)) * time.Minute
		if off == -3 {
			wait = 2 * time.Hour
		}
		f.reply(id, at(off, 12, 0).Add(wait))
		if off == -4 {
			rezaCase = id
			continue // reza's stays open until he is happy again
		}
		f.update(id, func(c *core.Case) error { return c.Resolve("manager-1", at(off, 18, 0)) })
	}
	f.save(m{at: at(-2, 17, 0), platform: core.PlatformX, handle: "reza", lang: core.LangPersian,
		label: core.LabelPositive, score: 0.9, text: "درست شد، ممنون"}, false, rezaCase)
	f.update(rezaCase, func(c *core.Case) error { return c.Resolve("manager-2", at(-2, 18, 0)) })
	// Thank-yous in the week before.
	f.save(m{at: at(-5, 10, 0), handle: "friend1", lang: core.LangPersian, label: core.LabelPositive, referral: true}, false)
	f.save(m{at: at(-2, 10, 0), handle: "friend2", lang: core.LangEnglish, label: core.LabelPositive, referral: true}, false)

	// The day before's last minute: counted for 21 November; its case is
	// still open and unanswered.
	f.save(m{at: at(-1, 23, 59), handle: "early", lang: core.LangEnglish, label: core.LabelNegative,
		score: 0.7, text: "Checkout page has been down all evening"}, true)

	// The day.
	f.save(m{at: at(0, 0, 0), handle: "mina", lang: core.LangPersian, label: core.LabelPositive, score: 0.92,
		referral: true, text: "به همه دوستام معرفیش کردم، عالیه"}, false)
	_, sara1 := f.save(m{at: at(0, 8, 10), handle: "sara", lang: core.LangPersian, label: core.LabelNegative,
		score: 0.94, text: "اپلیکیشن دوباره موقع ورود کرش کرد، خیلی بده"}, true)
	f.reply(sara1, at(0, 8, 15))
	_, reza := f.save(m{at: at(0, 9, 30), platform: core.PlatformMastodon, handle: "reza", lang: core.LangEnglish,
		label: core.LabelNegative, score: 0.81, text: "Refund still not processed after two weeks.   Terrible support."}, true)
	f.update(reza, func(c *core.Case) error { return c.Claim("manager-2", at(0, 9, 40)) })
	f.reply(reza, at(0, 9, 44))
	f.update(reza, func(c *core.Case) error { return c.Resolve("manager-2", at(0, 10, 0)) })
	_, ali := f.save(m{at: at(0, 11, 0), handle: "ali", lang: core.LangFinglish, label: core.LabelNegative,
		score: 0.77, text: "appeton kharabe, pool ham bargasht nadadin"}, true)
	f.reply(ali, at(0, 13, 0))
	f.save(m{at: at(0, 15, 20), handle: "sara", lang: core.LangPersian, label: core.LabelNegative,
		score: 0.9, text: "هنوز هم نمی‌توانم وارد حسابم شوم. این همه پیام دادم و کسی جواب نمی‌دهد؛ واقعاً از این وضعیت خسته شده‌ام و دیگر حوصله ندارم"}, true)
	_, spam := f.save(m{at: at(0, 16, 0), platform: core.PlatformMastodon, handle: "promo", lang: core.LangEnglish,
		label: core.LabelNegative, score: 0.65, text: "buy followers cheap"}, true)
	f.update(spam, func(c *core.Case) error { return c.Ignore("manager-1", at(0, 16, 5)) })
	f.save(m{at: at(0, 18, 0), platform: core.PlatformRSS, handle: "Tech News Daily", lang: core.LangEnglish,
		label: core.LabelNeutral, text: "Brand launches a new family plan"}, false)
	f.save(m{at: at(0, 19, 0), platform: core.PlatformMastodon, handle: "omid", lang: core.LangEnglish,
		label: core.LabelPositive, referral: true, text: "Told my whole team to switch, best support ever"}, false)
	f.save(m{at: at(0, 21, 0), handle: "sara", lang: core.LangPersian, label: core.LabelPositive, score: 0.88,
		text: "ممنون، مشکل ورود حل شد"}, false, sara1)
	f.save(m{at: at(0, 23, 59), platform: core.PlatformTelegram, handle: "mina", lang: core.LangPersian,
		label: core.LabelNeutral, text: "کسی می‌دونه ساعت کاری پشتیبانی چنده؟"}, false)
	// The next day's first minute: not part of the day.
	f.save(m{at: at(1, 0, 1), handle: "late", lang: core.LangEnglish, label: core.LabelNegative,
		score: 0.99, text: "still broken"}, true)
	return f.db
}
