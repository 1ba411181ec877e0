package rss

import (
	"net/url"
	"testing"
	"unicode/utf8"

	"github.com/shenava/shenava/core"
)

// FuzzFeedToMentions feeds arbitrary documents through the parser and the
// entry conversion: no panic, and every mention produced is valid. The seed
// corpus in testdata/fuzz/FuzzFeedToMentions holds the fixtures.
func FuzzFeedToMentions(f *testing.F) {
	f.Add([]byte(`<rss version="2.0"><channel><item><title>x</title></item></channel></rss>`), "")
	f.Add([]byte(`<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>1</id><title type="html">&lt;b&gt;a</title></entry></feed>`), "application/atom+xml")
	base, _ := url.Parse("https://feeds.example.com/f")
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		parsed, err := parseDocument(body, contentType)
		if err != nil {
			return
		}
		for _, it := range parsed.Items {
			if it == nil {
				continue
			}
			key := entryKey(it)
			if key == "" {
				t.Fatalf("empty key for %+v", it)
			}
			m, ok := toMention("fuzz", base, parsed, it, testNow)
			if !ok {
				continue
			}
			if err := m.Validate(); err != nil {
				t.Fatalf("invalid mention %+v: %v", m, err)
			}
			if m.Platform != core.PlatformRSS || !utf8.ValidString(m.URL) || !utf8.ValidString(m.Author.Name) {
				t.Fatalf("bad mention %+v", m)
			}
			if len(m.Text) > core.MaxTextBytes+len("…") {
				t.Fatalf("text of %d bytes, want at most %d", len(m.Text), core.MaxTextBytes)
			}
		}
	})
}
