package mastodon

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/shenava/shenava/core"
)

// TestPlainText holds Mastodon's own markup; how HTML in general becomes
// text is tested in internal/htmltext.
func TestPlainText(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, in, want string }{
		{"Mention", `<p><span class="h-card" translate="no"><a href="https://m.example/@novava" class="u-url mention">@<span>novava</span></a></span> hi</p>`, "@novava hi"},
		{"Hashtag", `<p><a href="https://m.example/tags/novava" class="mention hashtag" rel="tag">#<span>novava</span></a></p>`, "#novava"},
		{"PersianHashtag", `<p>سلام <a href="https://m.example/tags/x" class="mention hashtag" rel="tag">#<span>نوآوا</span></a></p>`, "سلام #نوآوا"},
		{"LinkShownWhole", `<a href="https://ex.com/a/very/long/path"><span class="invisible">https://</span><span class="ellipsis">ex.com/a/very/lo</span><span class="invisible">ng/path</span></a>`, "https://ex.com/a/very/long/path"},
		{"Paragraphs", "<p>one</p><p>two<br>three</p>", "one\n\ntwo\nthree"},
		{"QuoteInlineDropped", `<p class="quote-inline">RE: <a href="https://x.example/1">x.example/1</a></p><p>agreed</p>`, "agreed"},
		{"NestedHiddenSpan", `<span class="quote-inline">RE: <span>x</span> y</span>shown`, "shown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := plainText(tt.in); got != tt.want {
				t.Errorf("plainText(%q)=%q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// FuzzStatusToMention decodes arbitrary JSON as a status, the way a page of
// a stream is decoded, and converts it: no panic, and whatever comes out is
// a valid mention. Seeds in testdata/fuzz/FuzzStatusToMention are the
// fixtures' statuses.
func FuzzStatusToMention(f *testing.F) {
	f.Add([]byte(`{"id":"1","created_at":"2025-03-10T08:00:00Z","content":"<p>hi</p>","account":{"id":"2","acct":"a"}}`))
	c := &Client{cfg: Config{MaxAge: DefaultMaxAge}, ownAccts: map[string]bool{"novava": true}}
	f.Fuzz(func(t *testing.T, raw []byte) {
		var s status
		if json.Unmarshal(raw, &s) != nil {
			return
		}
		if c.skipReason(&s, testNow) != "" {
			return
		}
		m, ok := toMention("mastodon/fuzz", &s, testNow)
		if !ok {
			return
		}
		if err := m.Validate(); err != nil {
			t.Fatalf("invalid mention from %q: %v", raw, err)
		}
		if m.Platform != core.PlatformMastodon || m.NativeID != s.ID || m.Author.Handle != strings.TrimPrefix(s.Account.Acct, "@") {
			t.Fatalf("mention %+v does not describe status %+v", m, s)
		}
	})
}
