package bot

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/shenava/shenava/casework"
	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/telegramtest"
)

// renderKeyboard writes buttons for golden files.
func renderKeyboard(kb *inlineKeyboard) string {
	if kb == nil {
		return ""
	}
	var b strings.Builder
	for _, row := range kb.InlineKeyboard {
		var cells []string
		for _, btn := range row {
			if btn.URL != "" {
				cells = append(cells, "["+btn.Text+" → "+btn.URL+"]")
				continue
			}
			cells = append(cells, "["+btn.Text+" → "+btn.CallbackData+"]")
		}
		b.WriteString(strings.Join(cells, " ") + "\n")
	}
	return b.String()
}

// caseAt builds a case through core's own transitions.
func caseAt(t *testing.T, m core.Mention, steps ...func(*core.Case) error) core.Case {
	t.Helper()
	c := core.NewCase(m, t0.Add(-4*time.Minute))
	c.ID = 12
	c.Delivered(core.Action{Kind: core.ActionAlert}, "-1:1", t0.Add(-4*time.Minute))
	for _, s := range steps {
		if err := s(&c); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

func TestBot_RenderAlert(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	m := negativeMention("1001", "سفارشم <b>دو هفته</b> است نرسیده & پشتیبانی جواب نمی‌دهد 😡")
	at := t0
	// sent delivers the reply queued at queued, as the outbox does.
	sent := func(kind core.ActionKind, queued time.Time) func(*core.Case) error {
		return func(c *core.Case) error {
			c.Delivered(core.Action{ID: 90, Kind: kind, CaseID: c.ID, CreatedAt: queued}, "x:1", queued.Add(15*time.Second))
			return nil
		}
	}
	spam := instagramComment("17865799348089039", "فالوور ارزان فقط با پیام به ما")
	hide := func(c *core.Case) error {
		if !c.Hide("Sara", at) {
			return errors.New("not hidden")
		}
		return nil
	}
	tests := []struct {
		name  string
		m     core.Mention
		steps []func(*core.Case) error
	}{
		{name: "new", m: m},
		{name: "claimed", m: m, steps: []func(*core.Case) error{func(c *core.Case) error { return c.Claim("Sara", at) }}},
		{name: "reply_queued", m: m, steps: []func(*core.Case) error{func(c *core.Case) error { return c.Responded("Sara", false, at) }}},
		{name: "replied", m: m, steps: []func(*core.Case) error{func(c *core.Case) error { return c.Responded("Sara", false, at) }, sent(core.ActionReplyPublic, at)}},
		{name: "replied_private_resolved", m: m, steps: []func(*core.Case) error{
			func(c *core.Case) error { return c.Claim("Ali", at) },
			func(c *core.Case) error { return c.Responded("Sara", true, at.Add(2*time.Hour)) },
			sent(core.ActionReplyPrivate, at.Add(2*time.Hour)),
			func(c *core.Case) error { return c.Resolve("Ali", at.Add(3*time.Hour)) },
		}},
		{name: "ignored_relabelled", m: m, steps: []func(*core.Case) error{
			func(c *core.Case) error { return c.Ignore("Ali", at) },
			func(c *core.Case) error { return c.CorrectLabel("Sara", core.LabelNeutral, at) },
		}},
		{name: "recovered", m: m, steps: []func(*core.Case) error{
			func(c *core.Case) error { return c.Responded("Ali", false, at) },
			sent(core.ActionReplyPublic, at),
			func(c *core.Case) error { c.Recover("x:2000", at.Add(time.Hour)); return nil },
		}},
		{name: "rss", m: func() core.Mention {
			r := negativeMention("feed-1", "This blog post says Koala lost my data.")
			r.Platform, r.Author, r.Analysis.Lang = core.PlatformRSS, core.Author{ID: "blog.example", Name: "Some blog"}, "en"
			return r
		}()},
		{name: "no_connector", m: func() core.Mention {
			r := negativeMention("109", "Koala lost my order and nobody answers")
			r.Platform, r.URL, r.Analysis.Lang = core.PlatformMastodon, "https://mastodon.example/@mina_r/109", "en"
			return r
		}()},
		{name: "instagram", m: spam},
		{name: "instagram_hiding", m: spam, steps: []func(*core.Case) error{hide}},
		{name: "instagram_ignored", m: spam, steps: []func(*core.Case) error{
			func(c *core.Case) error { return c.Ignore("Ali", at) },
		}},
		{name: "instagram_hidden_ignored", m: spam, steps: []func(*core.Case) error{
			hide,
			func(c *core.Case) error {
				c.Delivered(core.Action{ID: 91, Kind: core.ActionHide, CaseID: c.ID}, "", at.Add(10*time.Second))
				return nil
			},
			func(c *core.Case) error { return c.Ignore("Ali", at.Add(time.Minute)) },
		}},
		{name: "instagram_other_post", m: func() core.Mention {
			o := instagramComment("17894227972186120", "@koala پاسخگو نیست")
			o.ConversationID = "mentioned:17918195224117851"
			return o
		}()},
		{name: "telegram", m: func() core.Mention {
			g := negativeMention("-1001000000002:77", "Koala app crashed again")
			g.Platform, g.Author, g.URL, g.Analysis.Lang = core.PlatformTelegram, core.Author{ID: "555", Handle: "reza_k", Name: "Reza K"}, "https://t.me/koala_fans/77", "en"
			return g
		}()},
		{name: "telegram_channel", m: collectedPost()},
		{name: "instagram_window_passed", m: func() core.Mention {
			o := instagramComment("17894227972186121", "هنوز پولم را پس نداده‌اید")
			o.CreatedAt = t0.Add(-8 * 24 * time.Hour)
			return o
		}()},
	}
	for _, tt := range tests {
		for _, lang := range []string{LangPersian, LangEnglish} {
			t.Run(tt.name+"_"+lang, func(t *testing.T) {
				c := caseAt(t, tt.m, tt.steps...)
				text := h.bot.view.renderAlert(lang, c, tt.m)
				checkHTML(t, text)
				golden(t, "alert_"+tt.name+"_"+lang, text+"\n"+renderKeyboard(h.bot.view.caseKeyboard(lang, c, tt.m, "TOK")))
			})
		}
	}
}

func TestBot_RenderAlert_Long(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	tests := []struct{ name, text string }{
		{"Persian", strings.Repeat("سفارشم نرسیده و هیچ‌کس جواب نمی‌دهد. ", 400)},
		{"Emoji", strings.Repeat("😡🔥 ", 3000)},
		{"Markup", strings.Repeat("<b>&amp;</b> ", 2000)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := negativeMention("9", tt.text)
			text := h.bot.view.renderAlert(LangPersian, caseAt(t, m), m)
			checkHTML(t, text)
			if !strings.Contains(text, "کوتاه شد") {
				t.Fatal("a cut post does not say it was cut")
			}
			if !strings.Contains(text, m.URL) {
				t.Fatal("a cut post lost its link")
			}
		})
	}
}

func TestBot_RenderApproval(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	m := core.Mention{Platform: core.PlatformX, NativeID: "3003", URL: "https://x.com/nika/status/3003",
		Author: core.Author{ID: "7", Handle: "nika"}, Text: "Koala's referral code KOALA-NIKA got my sister 20% off, try it!"}
	recs := map[string]casework.Approval{
		"pending": {Mention: m.Key(), Text: "Thank you @nika for recommending Koala!", State: casework.ApprovalPending},
		"sent":    {Mention: m.Key(), Text: "Thank you @nika for recommending Koala!", State: casework.ApprovalSent, By: "Ali"},
		"edited":  {Mention: m.Key(), Text: "Merci @nika ❤️", State: casework.ApprovalSent, By: "Sara", Edited: true},
		"skipped": {Mention: m.Key(), Text: "Thank you @nika for recommending Koala!", State: casework.ApprovalSkipped, By: "Sara"},
	}
	for name, rec := range recs {
		for _, lang := range []string{LangPersian, LangEnglish} {
			t.Run(name+"_"+lang, func(t *testing.T) {
				text := h.bot.view.renderApproval(lang, rec, &m)
				checkHTML(t, text)
				kb := ""
				if rec.State == casework.ApprovalPending {
					kb = renderKeyboard(approvalKeyboard(lang, "TOK"))
				}
				golden(t, "approval_"+name+"_"+lang, text+"\n"+kb)
			})
		}
	}
}

func TestBot_RenderNotice(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	m := negativeMention("1001", "سفارشم نرسیده")
	tests := []core.Action{
		{ID: 40, Kind: core.ActionNotify, Topic: core.TopicDeliveryFailed, DedupKey: "failed:31", CaseID: 12,
			Text: "#31 reply_public (case 12): x: post reply: 403 You are not allowed to reply to this post"},
		{ID: 41, Kind: core.ActionNotify, Topic: core.TopicInDoubt, DedupKey: "in_doubt:5,6",
			Text: "#5 reply_public (case 3)\n#6 thank_public (x:99)"},
		{ID: 42, Kind: core.ActionNotify, Topic: core.TopicSLA, CaseID: 12, MentionKey: m.Key(), DedupKey: "sla:12:1",
			Text: "Unclaimed for 30 min."},
		{ID: 43, Kind: core.ActionNotify, Topic: core.TopicSpike, DedupKey: "spike:1",
			Text: "38 negative mentions this hour (usual 6 ± 2). Top terms: delivery, refund. <script>"},
		{ID: 44, Kind: core.ActionNotify, Topic: core.TopicDigest, DedupKey: "digest:2026-11-21", Text: "Yesterday: 120 mentions, net +12%."},
		{ID: 46, Kind: core.ActionNotify, Topic: core.TopicBudget, DedupKey: "budget:x:2026-11-21:x.requests:80",
			Text: "80% of today's X budget is used: 400 of 500 read requests (UTC day).\nAt 100% reading from X pauses until 00:00 UTC."},
		{ID: 45, Kind: core.ActionNotify, Topic: "something_new", DedupKey: "x:1", Text: "Plain fallback text & more"},
		{ID: 46, Kind: core.ActionNotify, Topic: core.TopicCodesLow, DedupKey: "codes_low:5", Text: "3"},
		{ID: 47, Kind: core.ActionNotify, Topic: core.TopicCodesEmpty, DedupKey: "codes_empty:5", Text: "0"},
	}
	for _, a := range tests {
		for _, lang := range []string{LangPersian, LangEnglish} {
			t.Run(a.Topic+"_"+lang, func(t *testing.T) {
				var mp *core.Mention
				if a.MentionKey != "" {
					mp = &m
				}
				parts := h.bot.view.renderNotice(lang, a, mp)
				for _, p := range parts {
					checkHTML(t, p)
				}
				golden(t, "notice_"+a.Topic+"_"+lang, strings.Join(parts, "\n---\n")+"\n")
			})
		}
	}
	t.Run("LongTextSplits", func(t *testing.T) {
		a := core.Action{Kind: core.ActionNotify, Topic: core.TopicDigest, Text: strings.Repeat("یک خط بلند از گزارش روزانه\n", 600)}
		parts := h.bot.view.renderNotice(LangPersian, a, nil)
		if len(parts) < 2 {
			t.Fatalf("got %d parts, want the text split", len(parts))
		}
		total := 0
		for _, p := range parts {
			checkHTML(t, p)
			plainText, _ := telegramtest.ParseHTML(p)
			total += strings.Count(plainText, "یک خط بلند")
		}
		if total != 600 {
			t.Fatalf("split lost lines: %d of 600", total)
		}
	})
}

func TestText_Helpers(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, got, want string }{
		{"numEn", num(LangEnglish, 1234567), "1,234,567"},
		{"numFa", num(LangPersian, 1234), "۱٬۲۳۴"},
		{"pctFa", pct(LangPersian, 0.874), "۸۷٪"},
		{"durFa", dur(LangPersian, 4*time.Minute+20*time.Second), "۴ دقیقه"},
		{"durEnHours", dur(LangEnglish, 2*time.Hour+5*time.Minute), "2 h 5 min"},
		{"durEnDays", dur(LangEnglish, 72*time.Hour), "3 days"},
		{"esc", esc(`<a href="x">&</a>`), `&lt;a href="x"&gt;&amp;&lt;/a&gt;`},
		{"visible", visible("<b>a&amp;b</b> &lt;c&gt;"), "a&b <c>"},
		{"normDigits", normDigits("۱۲٣"), "123"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Fatalf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
	t.Run("CutCountsUTF16", func(t *testing.T) {
		s, cutIt := cut(strings.Repeat("😀", 10), 7)
		if !cutIt || units(s) > 7 || !strings.HasSuffix(s, "…") {
			t.Fatalf("cut = %q (%d units)", s, units(s))
		}
	})
	t.Run("SplitKeepsEverything", func(t *testing.T) {
		in := strings.Repeat("word ", 3000)
		parts := split(in, 4096)
		if len(parts) < 2 {
			t.Fatalf("%d parts", len(parts))
		}
		for _, p := range parts {
			if units(p) > 4096 {
				t.Fatalf("part of %d units", units(p))
			}
		}
		if strings.Count(strings.Join(parts, " "), "word") != 3000 {
			t.Fatal("split lost words")
		}
	})
}
