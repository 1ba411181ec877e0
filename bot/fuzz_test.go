package bot

import (
	"strings"
	"testing"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/telegramtest"
)

// FuzzUpdates sends arbitrary button data and message text through the
// real update loop against the fake Bot API: from a stranger they change
// nothing, from a manager button data that names no issued token changes
// nothing, and nothing panics or stalls the loop (every update is
// confirmed). CI runs the seeds; longer runs:
//
//	go test ./bot -run '^$' -fuzz FuzzUpdates -fuzztime 5m
func FuzzUpdates(f *testing.F) {
	for _, s := range []struct{ data, text string }{
		{"rs:tok1", "/pending"},
		{"cl:tok2", "/case 1"},
		{"pg:-5", "/digest yesterday"},
		{"pg:99999999999999999999", "/stats 7d"},
		{"lb:q:tok1", "/ignore 999999999999999999999"},
		{"tu:99:tok1", "/resolve abc"},
		{":::", "/"},
		{"", ""},
		{"rs:tok1x", "سلام، /pending"},
		{"\x00\xff:tok1", "\u202e/case 1"},
		{strings.Repeat("ی", 32), strings.Repeat("x", 5000)},
		{"un:tok1", "/stats -1h"},
	} {
		f.Add(s.data, s.text)
	}
	f.Fuzz(func(t *testing.T, data, text string) {
		h := newHarness(t)
		h.run()
		c := h.ingest(negativeMention("1001", "بد بود"))
		alert := h.alertIn(c, sara.ID)
		before := len(h.actions())

		// A stranger: refused, nothing changes.
		private := telegramtest.PrivateChat(stranger)
		h.tg.SendText(stranger, private, text)
		h.tg.Press(stranger, alert, data)
		h.settle()
		if got := h.caseNow(c.ID); got.State != core.CaseAlerted {
			t.Fatalf("a stranger's input %q / %q moved the case to %s", data, text, got.State)
		}
		if n := len(h.actions()) - before; n != 0 {
			t.Fatalf("a stranger's input %q / %q queued %d actions", data, text, n)
		}

		// A manager's button press that names no token the bot issued.
		if !strings.Contains(data, "tok") {
			h.tg.Press(sara, alert, data)
			h.settle()
			if got := h.caseNow(c.ID); got.State != core.CaseAlerted {
				t.Fatalf("button data %q moved the case to %s", data, got.State)
			}
			if n := len(h.actions()) - before; n != 0 {
				t.Fatalf("button data %q queued %d actions", data, n)
			}
		}

		// A manager's message, in private and as a reply to the alert:
		// whatever it does, the loop handles it and goes on.
		h.tg.SendText(sara, telegramtest.PrivateChat(sara), text)
		h.tg.ReplyText(sara, alert, text)
		h.settle()
		if v := h.tg.Violations(); len(v) != 0 {
			t.Fatalf("requests outside the Bot API: %v", v)
		}
	})
}
