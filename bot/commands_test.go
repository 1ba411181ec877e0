package bot

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/telegramtest"
)

type fakeDigest struct{}

func (fakeDigest) Digest(_ context.Context, day time.Time) (string, []byte, error) {
	return "Digest for " + day.Format("2006-01-02") + ": 42 mentions, net +10%", []byte("\x89PNG fake"), nil
}

// seed fills the store with a week of mentions and cases.
func seed(t *testing.T, h *harness) {
	t.Helper()
	var ds []core.Decision
	platforms := []core.Platform{core.PlatformX, core.PlatformMastodon, core.PlatformTelegram}
	langs := []string{"fa", "en", "fi"}
	for i := range 30 {
		label := core.Labels[i%3]
		day := time.Duration(i%4) * 24 * time.Hour
		m := core.Mention{
			Platform: platforms[i%3], NativeID: fmt.Sprint(500 + i), Source: "seed",
			URL:       fmt.Sprintf("https://example.com/p/%d", 500+i),
			Author:    core.Author{ID: fmt.Sprint(i), Handle: fmt.Sprintf("user%d", i), Followers: 10 * i},
			Text:      fmt.Sprintf("متن نمونهٔ شمارهٔ %d دربارهٔ سفارش <%d> & ارسال", i, i),
			CreatedAt: t0.Add(-day - time.Duration(30-i)*time.Minute),
			Analysis: &core.Analysis{Lang: langs[i%3], Label: label, Referral: i%7 == 0,
				Scores: core.Scores{Negative: 0.8, Neutral: 0.1, Positive: 0.1}},
		}
		if label != core.LabelNegative {
			m.Analysis.Scores = core.Scores{Negative: 0.1, Neutral: 0.45, Positive: 0.45}
		}
		ds = append(ds, core.Decision{Mention: m, OpenCase: label == core.LabelNegative})
	}
	res, err := h.db.SaveBatch(ctx, "seed", "c", ds, t0.Add(-4*24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	// Some cases move on.
	for i, c := range res.Cases {
		var fn func(*core.Case) error
		switch i {
		case 0:
			fn = func(c *core.Case) error { return c.Claim("Ali", t0.Add(-time.Hour)) }
		case 1:
			fn = func(c *core.Case) error {
				at := c.CreatedAt.Add(12 * time.Minute)
				err := c.Responded("Sara", false, at)
				c.Delivered(core.Action{ID: 1, Kind: core.ActionReplyPublic, CaseID: c.ID, Actor: "Sara", CreatedAt: at}, "x:1", at.Add(15*time.Second))
				return err
			}
		case 2:
			fn = func(c *core.Case) error {
				at := c.CreatedAt.Add(95 * time.Minute)
				c.Responded("Ali", true, at)
				c.Delivered(core.Action{ID: 2, Kind: core.ActionReplyPrivate, CaseID: c.ID, Actor: "Ali", CreatedAt: at}, "x:2", at.Add(15*time.Second))
				return c.Resolve("Ali", t0)
			}
		case 3:
			fn = func(c *core.Case) error { return c.Ignore("Sara", t0) }
		default:
			continue
		}
		if _, _, err := h.db.UpdateCase(ctx, c.ID, func(c *core.Case) ([]core.Action, error) { return nil, fn(c) }); err != nil {
			t.Fatal(err)
		}
	}
}

func TestBot_Commands(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	seed(t, h)
	h.run()

	for _, tt := range []struct {
		who  telegramtest.User
		lang string
	}{{sara, LangPersian}, {ali, LangEnglish}} {
		t.Run(tt.lang, func(t *testing.T) {
			chat := telegramtest.PrivateChat(tt.who)
			var out strings.Builder
			say := func(text string) {
				t.Helper()
				before := len(h.tg.Requests())
				h.tg.SendText(tt.who, chat, text)
				h.settle()
				fmt.Fprintf(&out, "### %s\n", text)
				for _, r := range h.tg.Requests()[before:] {
					if r.Method == "getUpdates" {
						continue
					}
					if r.Method == "sendMessage" || r.Method == "sendPhoto" || r.Method == "editMessageText" {
						out.WriteString(describeCall(r))
					} else {
						fmt.Fprintf(&out, "%s\n", r.Method)
					}
				}
				out.WriteString("\n")
			}
			press := func(label string) {
				t.Helper()
				msgRef, _, _ := h.tg.LastSent(tt.who.ID)
				before := len(h.tg.Requests())
				h.tg.Press(tt.who, msgRef, h.buttonData(msgRef, label))
				h.settle()
				fmt.Fprintf(&out, "### [%s]\n", label)
				for _, r := range h.tg.Requests()[before:] {
					if r.Method == "editMessageText" {
						out.WriteString(describeCall(r))
					}
				}
				out.WriteString("\n")
			}

			h.bot.cmds.digest = nil // as without Deps.Digest
			for _, cmd := range []string{"/start", "/help", "/pending"} {
				say(cmd)
			}
			press(map[string]string{LangPersian: "قدیمی‌تر", LangEnglish: "Older"}[tt.lang])
			press(map[string]string{LangPersian: "جدیدتر", LangEnglish: "Newer"}[tt.lang])
			for _, cmd := range []string{"/pending 2", "/case_2", "/case ۳", "/case 999", "/case",
				"/stats", "/stats 7d", "/stats 30d", "/stats forever", "/digest", "/mute 1h", "/mute", "/mute off",
				"/mute forever", "/templates", "/lang", "/frobnicate"} {
				say(cmd)
			}
			h.bot.cmds.digest = fakeDigest{}
			say("/digest yesterday")
			say("/digest 2026-11-01")
			say("/digest someday")
			golden(t, "commands_"+tt.lang, out.String())
		})
	}
	t.Run("LangSwitch", func(t *testing.T) {
		chat := telegramtest.PrivateChat(ali)
		h.tg.SendText(ali, chat, "/lang fa")
		h.settle()
		h.tg.SendText(ali, chat, "/help")
		h.settle()
		sent := h.sentTo(ali.ID)
		if !strings.Contains(sent[len(sent)-1].String("text"), "شنوا") {
			t.Fatalf("after /lang fa, /help answered %q", sent[len(sent)-1].String("text"))
		}
		c := h.ingest(negativeMention("1001", "بد"))
		text, _ := h.message(h.alertIn(c, ali.ID))
		if !strings.Contains(text, "اشارهٔ منفی") {
			t.Fatalf("Ali's alerts did not follow his language: %q", text)
		}
	})
	t.Run("CaseViewReplyIsPublicReply", func(t *testing.T) {
		chat := telegramtest.PrivateChat(sara)
		h.tg.SendText(sara, chat, "/case 5")
		h.settle()
		view, _, _ := h.tg.LastSent(sara.ID)
		h.tg.ReplyText(sara, view, "پاسخ از نمای پرونده")
		h.settle()
		calls := h.x.Calls()
		if len(calls) == 0 || !strings.HasSuffix(calls[len(calls)-1], "پاسخ از نمای پرونده") {
			t.Fatalf("replier calls %q", calls)
		}
		// Buttons on the view act too, and redraw it.
		h.tg.Press(sara, view, h.buttonData(view, "حل شد"))
		h.settle()
		if text, _ := h.message(view); !strings.Contains(text, "Sara آن را حل‌شده بست") {
			t.Fatalf("case view not redrawn: %q", text)
		}
	})
}

// /mute pauses only a manager's private alerts. In the shared alert chat it
// says so and changes nothing, as it does for a manager with no private
// alerts; in a private chat it works.
func TestBot_MuteWhereItMeansSomething(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.Managers[1].Alerts = false })
	h.run()
	ctx := context.Background()
	lastText := func(chat int64) string {
		m, _, ok := h.tg.LastSent(chat)
		if !ok {
			t.Fatalf("nothing sent to %d", chat)
		}
		text, _ := h.message(m)
		return text
	}
	h.tg.SendText(sara, alertChat, "/mute 2h")
	h.settle()
	if got := lastText(alertChat.ID); !strings.Contains(got, "فقط هشدارهایی را که خصوصی") {
		t.Fatalf("/mute in the alert chat answered %q", got)
	}
	if h.bot.recs.muted(ctx, sara.ID) {
		t.Fatal("/mute in the alert chat muted Sara")
	}
	h.tg.SendText(ali, telegramtest.PrivateChat(ali), "/mute 2h")
	h.settle()
	if got := lastText(ali.ID); !strings.Contains(got, "You get no alerts privately") {
		t.Fatalf("/mute from a manager without private alerts answered %q", got)
	}
	h.tg.SendText(sara, telegramtest.PrivateChat(sara), "/mute 2h")
	h.settle()
	if got := lastText(sara.ID); !strings.Contains(got, "🔕") || !h.bot.recs.muted(ctx, sara.ID) {
		t.Fatalf("/mute in a private chat answered %q and muted=%v", got, h.bot.recs.muted(ctx, sara.ID))
	}
}

// /stats writes the slow end of first responses as an upper bound that
// reads right for small values too.
func TestWithin(t *testing.T) {
	for _, tt := range []struct {
		d        time.Duration
		en, fa   string
		sentence string
	}{
		{20 * time.Second, "a minute", "یک دقیقه", "First response: median under a minute · 90% within a minute"},
		{time.Minute, "a minute", "یک دقیقه", ""},
		{61 * time.Second, "2 min", "۲ دقیقه", ""},
		{95 * time.Minute, "1 h 35 min", "۱ ساعت و ۳۵ دقیقه", ""},
	} {
		if got := within(LangEnglish, tt.d); got != tt.en {
			t.Errorf("within(en, %s)=%q, want %q", tt.d, got, tt.en)
		}
		if got := within(LangPersian, tt.d); got != tt.fa {
			t.Errorf("within(fa, %s)=%q, want %q", tt.d, got, tt.fa)
		}
		if tt.sentence != "" {
			if got := msg(LangEnglish, "stats.frt", dur(LangEnglish, tt.d), within(LangEnglish, tt.d)); got != tt.sentence {
				t.Errorf("stats line %q, want %q", got, tt.sentence)
			}
		}
	}
}

// /stats counts complaints on the day they were written, as it counts
// mentions: a complaint written yesterday and read today is yesterday's.
func TestBot_StatsCountByDayWritten(t *testing.T) {
	h := newHarness(t)
	h.run()
	mk := func(id string, at time.Time) core.Decision {
		m := negativeMention(id, "Koala lost my order")
		m.CreatedAt = at
		return core.Decision{Mention: m, OpenCase: true}
	}
	ds := []core.Decision{mk("2001", t0.AddDate(0, 0, -1)), mk("2002", t0.Add(-time.Hour))}
	if _, err := h.db.SaveBatch(context.Background(), "seed", "c", ds, t0.Add(-time.Minute)); err != nil {
		t.Fatal(err)
	}
	h.tg.SendText(ali, telegramtest.PrivateChat(ali), "/stats")
	h.settle()
	m, _, _ := h.tg.LastSent(ali.ID)
	text, _ := h.message(m)
	if !strings.Contains(text, "Mentions: 1 · 🔴 1") || !strings.Contains(text, "Cases: 1 opened") {
		t.Fatalf("/stats today counts mentions and complaints on different days:\n%s", text)
	}
	if !strings.Contains(text, "Negative cases now: 2 waiting for an answer → /pending") {
		t.Fatalf("/stats open cases:\n%s", text)
	}
}

// /digest tells the manager what went wrong: the text goes out without
// a chart that could not be sent, and a digest that could not be sent at
// all is reported instead of vanishing.
func TestBot_DigestCommandReportsFailures(t *testing.T) {
	t.Run("ChartFails", func(t *testing.T) {
		h := newHarness(t)
		h.bot.cmds.digest = fakeDigest{}
		h.run()
		h.tg.FailNext("sendPhoto", 1, telegramtest.Fault{Status: 400, Description: "Bad Request: IMAGE_PROCESS_FAILED"})
		h.tg.SendText(ali, telegramtest.PrivateChat(ali), "/digest yesterday")
		h.tg.WaitCalls(t, "sendMessage", 2)
		sent := h.sentTo(ali.ID)
		if !strings.Contains(sent[0].String("text"), "Digest for 2026-11-21") {
			t.Fatalf("the digest text was lost with its chart: %q", sent[0].String("text"))
		}
		if !strings.Contains(sent[1].String("text"), "chart could not be sent") {
			t.Fatalf("the manager was not told about the chart: %q", sent[1].String("text"))
		}
	})
	t.Run("TextFails", func(t *testing.T) {
		h := newHarness(t)
		h.bot.cmds.digest = fakeDigest{}
		h.run()
		h.tg.FailNext("sendPhoto", 1, telegramtest.ServerError(500))
		h.tg.FailNext("sendMessage", 1, telegramtest.ServerError(502))
		h.tg.SendText(ali, telegramtest.PrivateChat(ali), "/digest yesterday")
		h.tg.WaitCalls(t, "sendMessage", 1)
		if last := h.sentTo(ali.ID)[0].String("text"); !strings.Contains(last, "could not be sent here") {
			t.Fatalf("the manager was not told the digest failed: %q", last)
		}
	})
}
