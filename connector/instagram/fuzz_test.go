package instagram

import (
	"os"
	"path/filepath"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzParseDelivery: no payload makes the parser panic, and every event
// it accepts becomes a mention that is valid or dropped, never malformed.
func FuzzParseDelivery(f *testing.F) {
	for _, name := range []string{"webhook_comments.json", "webhook_mentions.json", "webhook_messages.json"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"object":"instagram","entry":[{"id":"1","time":99999999999999,"changes":[{"field":"comments","value":{"id":"x","text":"\xff"}}]}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		events, err := parseDelivery(body)
		if err != nil {
			return
		}
		for _, ev := range events {
			if ev.comment == nil && ev.mention == nil {
				t.Fatalf("empty event from %q", body)
			}
			if ev.comment != nil {
				if ev.comment.ID == "" {
					t.Fatalf("comment without id accepted from %q", body)
				}
				m := toMention(comment{ID: ev.comment.ID, Text: ev.comment.Text, From: ev.comment.From}, "m", "", false, ev.at, time.Now())
				m.Normalize()
				if m.Key() != "instagram:"+ev.comment.ID || !utf8.ValidString(m.Text) {
					t.Fatalf("bad mention %+v", m)
				}
			}
		}
	})
}
