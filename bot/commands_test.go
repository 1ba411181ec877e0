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
			fn = func(c *core.Case) error { return c.Responded("Sara", false, c.CreatedAt.Add(12*time.Minute)) }
		case 2:
			fn = func(c *core.Case) error {
				c.Responded("Ali", true, c.CreatedAt.Add(95*time.Minute))
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
