package bot

import (
	"strings"
	"testing"
	"time"

	"github.com/shenava/shenava/core"
)

// collectedPost is a public channel's post as the read-only collector
// account reads it.
func collectedPost() core.Mention {
	m := negativeMention("-1001234567890:412", "Koala's support has not answered me for a week")
	m.Platform, m.Source = core.PlatformTelegram, "telegram-channel-koala_news"
	m.ConversationID, m.URL = "-1001234567890", "https://t.me/koala_news/412"
	m.Author = core.Author{ID: "-1001234567890", Handle: "koala_news", Name: "Koala News"}
	m.Analysis.Lang = "en"
	return m
}

// A post the collector read offers no answer, says why on the alert, and
// links the post in Telegram instead, even though the bot can answer in
// the groups it belongs to.
func TestBot_CollectedPostAlert(t *testing.T) {
	h := newHarness(t)
	h.run()
	m := collectedPost()
	c := h.ingest(m)
	text, kb := h.message(h.alertIn(c, alertChat.ID))
	if !strings.Contains(text, "حساب فقط‌خواندنی گردآورِ تلگرام") || strings.Contains(text, "هیچ حساب") {
		t.Fatalf("the alert does not say the collector read it:\n%s", text)
	}
	var open string
	for _, row := range kb {
		for _, b := range row {
			if b.URL != "" {
				open = b.URL
			}
			if strings.HasPrefix(b.CallbackData, string(verbReplyPublic)+":") || strings.HasPrefix(b.CallbackData, string(verbReplyPrivate)+":") ||
				strings.HasPrefix(b.CallbackData, string(verbTemplates)+":") {
				t.Errorf("a collected post offers %q", b.Text)
			}
		}
	}
	if open != m.URL {
		t.Errorf("open-in-Telegram button %q, want %q", open, m.URL)
	}
	if got := h.bot.view.cannotAnswerNote(LangEnglish, m, false); !strings.Contains(got, "read-only Telegram collector account") {
		t.Errorf("refusal %q", got)
	}
}

// Past Instagram's private-reply window the alert says so, its private
// button says so, and a press answers with the window, not a generic no.
func TestBot_PrivateWindowPassed(t *testing.T) {
	h := newHarness(t)
	h.run()
	m := instagramComment("17894227972186121", "هنوز پولم را پس نداده‌اید")
	m.CreatedAt = t0.Add(-8 * 24 * time.Hour)
	c := h.ingest(m)
	alert := h.alertIn(c, alertChat.ID)
	text, _ := h.message(alert)
	if !strings.Contains(text, "مهلت پاسخ خصوصی اینستاگرام (۷ روز پس از کامنت) گذشته است") {
		t.Fatalf("the alert does not say the window has passed:\n%s", text)
	}
	data := h.buttonData(alert, "⏳ مهلت پاسخ خصوصی گذشته")
	if !strings.HasPrefix(data, string(verbNoPrivate)+":") {
		t.Fatalf("private button data %q", data)
	}
	h.tg.Press(sara, alert, data)
	h.settle()
	answers := h.tg.Calls("answerCallbackQuery")
	if got := answers[len(answers)-1].String("text"); !strings.Contains(got, "مهلت پاسخ خصوصی که اینستاگرام می‌دهد (۷ روز پس از کامنت) گذشته است") {
		t.Fatalf("toast %q", got)
	}
	if len(h.ig.Calls()) != 0 {
		t.Errorf("the platform was called: %q", h.ig.Calls())
	}
}
