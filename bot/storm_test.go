package bot

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/telegramtest"
)

// stormHarness alerts only the managers' group.
func stormHarness(t *testing.T, edit func(*Config)) *harness {
	return newHarness(t, func(c *Config) {
		c.Managers[0].Alerts, c.Managers[1].Alerts = false, false
		edit(c)
	})
}

func alertsIn(h *harness, chat int64) (alerts, summaries []telegramtest.Request) {
	for _, r := range h.sentTo(chat) {
		switch text := r.String("text"); {
		case strings.Contains(text, "new complaints"), strings.Contains(text, "شکایت تازه"):
			summaries = append(summaries, r)
		case strings.Contains(text, "case #"), strings.Contains(text, "پروندهٔ #"):
			alerts = append(alerts, r)
		}
	}
	return alerts, summaries
}

// Twelve complaints in a minute with a burst of three: three alerts, then
// one summary of the other nine, the top five with buttons; none is
// dropped (each stays open, in /pending), and the held list survives a
// restart. Once the storm is over, alerts go out one by one again.
func TestBot_AlertStormSummary(t *testing.T) {
	h := stormHarness(t, func(c *Config) { c.AlertBurst = 3; c.DefaultLang = LangEnglish })
	h.run()
	var cases []core.Case
	for i := range 12 {
		m := negativeMention(fmt.Sprint(2000+i), fmt.Sprintf("The app is down again (%d)", i))
		m.Author.Followers = 100 * i
		cases = append(cases, h.ingest(m))
	}
	alerts, summaries := alertsIn(h, alertChat.ID)
	if len(alerts) != 3 || len(summaries) != 0 {
		t.Fatalf("%d alerts and %d summaries before the summary is due, want 3 and 0", len(alerts), len(summaries))
	}
	for _, a := range h.actions() {
		if a.State != core.ActionDone {
			t.Fatalf("action %d (%s) is %s: a held alert must not be retried", a.ID, a.Kind, a.State)
		}
	}
	h.bot.storm = storm{} // a restart: what is held is in the store
	if err := h.bot.flushHeld(ctx); err != nil {
		t.Fatal(err)
	}
	alerts, summaries = alertsIn(h, alertChat.ID)
	if len(alerts) != 3 || len(summaries) != 1 {
		t.Fatalf("%d alerts and %d summaries, want 3 and 1", len(alerts), len(summaries))
	}
	s := summaries[0]
	golden(t, "storm_summary_en", describeCall(s))
	var kb struct {
		InlineKeyboard [][]button `json:"inline_keyboard"`
	}
	if err := s.Decode("reply_markup", &kb); err != nil || len(kb.InlineKeyboard) != summaryTop {
		t.Fatalf("summary buttons %+v (%v), want a row for each of the top %d", kb, err, summaryTop)
	}
	// The top case's buttons act on it.
	sum, _, _ := h.tg.LastSent(alertChat.ID)
	h.tg.Press(ali, sum, kb.InlineKeyboard[0][1].CallbackData)
	h.settle()
	if top, _ := h.db.Case(ctx, cases[11].ID); top.ClaimedBy != "Ali" {
		t.Fatalf("the top case (widest reach) is %s by %q after Claim on the summary", top.State, top.ClaimedBy)
	}
	if err := h.bot.flushHeld(ctx); err != nil { // nothing more held: no second summary
		t.Fatal(err)
	}
	if _, summaries = alertsIn(h, alertChat.ID); len(summaries) != 1 {
		t.Fatalf("%d summaries after the list was sent, want 1", len(summaries))
	}
	open, n, err := h.db.OpenCases(ctx, core.CaseFilter{})
	if err != nil || n != 12 || len(open) != 12 {
		t.Fatalf("%d open cases (%v), want all 12 still open", n, err)
	}
	h.clock.Advance(2 * time.Minute)
	h.ingest(negativeMention("3000", "Still down"))
	if alerts, _ = alertsIn(h, alertChat.ID); len(alerts) != 4 {
		t.Fatalf("%d alerts after the storm, want the new case alerted on its own", len(alerts))
	}
}

// A replica that delivers alerts while another runs the update loop and
// the summaries holds cases in a storm like any, and alerts one by one
// again once the other has sent the summary (the held list is empty) and
// the burst has passed.
func TestBot_AlertStormOnReplicaWithoutSummaries(t *testing.T) {
	h := stormHarness(t, func(c *Config) { c.AlertBurst = 2; c.DefaultLang = LangEnglish })
	// No h.run(): this replica does not hold the update loop.
	for i := range 4 {
		h.ingest(negativeMention(fmt.Sprint(4000+i), fmt.Sprintf("Down again (%d)", i)))
	}
	if alerts, _ := alertsIn(h, alertChat.ID); len(alerts) != 2 {
		t.Fatalf("%d alerts in the storm, want 2 (the burst)", len(alerts))
	}
	if empty, err := h.bot.heldEmpty(ctx); err != nil || empty {
		t.Fatalf("held list empty = %v (%v), want the two over the burst held", empty, err)
	}
	h.clock.Advance(2 * time.Minute)
	h.ingest(negativeMention("4100", "Still down, summary not sent yet"))
	if alerts, _ := alertsIn(h, alertChat.ID); len(alerts) != 2 {
		t.Fatalf("%d alerts while cases wait for a summary, want 2: later cases join them", len(alerts))
	}
	// The replica running the summaries sends them and empties the list
	// in the store (as flushHeld writes it).
	if err := h.db.BotPut(ctx, core.SpaceHeld, heldKey, []byte(`{"cases":null}`), h.clock.Now()); err != nil {
		t.Fatal(err)
	}
	h.ingest(negativeMention("4101", "Down once more"))
	if alerts, _ := alertsIn(h, alertChat.ID); len(alerts) != 3 {
		t.Fatalf("%d alerts after the other replica sent the summary, want 3: the storm is over", len(alerts))
	}
}

func TestBot_RenderStormSummary(t *testing.T) {
	h := newHarness(t)
	var items []summaryItem
	for i := range 7 {
		m := negativeMention(fmt.Sprint(2000+i), fmt.Sprintf("سرویس از صبح قطع است <%d>", i))
		m.Author.Followers = 10 * i
		c := caseAt(t, m)
		c.ID = uint64(20 + i)
		items = append(items, summaryItem{c: c, m: m, tok: "TOK"})
	}
	sortSummary(items)
	if items[0].c.ID != 26 {
		t.Fatalf("first in the summary: case %d, want 26 (the widest reach)", items[0].c.ID)
	}
	for _, lang := range []string{LangPersian, LangEnglish} {
		text := h.bot.view.renderSummary(lang, items)
		checkHTML(t, text)
		golden(t, "storm_summary_render_"+lang, text+"\n"+renderKeyboard(h.bot.view.summaryKeyboard(lang, items)))
	}
}

// Sends into one group stay under its per-minute pace: the one over it
// is held back as a rate limit without reaching the server, and goes once
// the minute has passed.
func TestBot_PacesSendsPerChat(t *testing.T) {
	h := stormHarness(t, func(c *Config) { c.Pace = Pace{GroupPerMinute: 4} })
	m := negativeMention("1", "Koala is down")
	c := core.NewCase(m, t0)
	for i := range 4 {
		c.ID = uint64(i + 1)
		if _, err := h.bot.Alert(ctx, c, m); err != nil {
			t.Fatalf("alert %d: %v", i+1, err)
		}
	}
	c.ID = 5
	_, err := h.bot.Alert(ctx, c, m)
	wait, limited := core.RetryAfter(err)
	if !limited || wait <= 0 || wait > time.Minute {
		t.Fatalf("fifth alert in a minute: %v, want a rate limit of at most a minute", err)
	}
	if n := len(h.tg.Attempts("sendMessage")); n != 4 {
		t.Fatalf("%d sendMessage requests, want 4: the fifth must not reach the server", n)
	}
	h.clock.Advance(time.Minute)
	if _, err := h.bot.Alert(ctx, c, m); err != nil {
		t.Fatalf("after the minute: %v", err)
	}
}

// A 429 holds the chat back for its retry_after: nothing is sent into it
// until then, then sends resume.
func TestBot_HonoursRetryAfter(t *testing.T) {
	h := stormHarness(t, func(c *Config) {})
	m := negativeMention("1", "Koala is down")
	c := core.NewCase(m, t0)
	c.ID = 1
	h.tg.FailNext("sendMessage", 1, telegramtest.TooManyRequests(30))
	if _, ok := core.RetryAfter(func() error { _, err := h.bot.Alert(ctx, c, m); return err }()); !ok {
		t.Fatal("want the 429 back")
	}
	h.clock.Advance(10 * time.Second)
	_, err := h.bot.Alert(ctx, c, m)
	if wait, ok := core.RetryAfter(err); !ok || wait != 20*time.Second {
		t.Fatalf("inside retry_after: %v, want a rate limit of the 20s left", err)
	}
	if n := len(h.tg.Attempts("sendMessage")); n != 1 {
		t.Fatalf("%d sendMessage requests, want 1: nothing may be sent inside retry_after", n)
	}
	h.clock.Advance(20 * time.Second)
	if _, err := h.bot.Alert(ctx, c, m); err != nil {
		t.Fatalf("after retry_after: %v", err)
	}
}
