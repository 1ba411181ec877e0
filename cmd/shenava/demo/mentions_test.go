package demo

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

// mention is one line of mentions.jsonl in the file connector's schema.
type mention struct {
	ID        string  `json:"id"`
	Platform  string  `json:"platform"`
	URL       string  `json:"url"`
	Author    *author `json:"author"`
	Text      string  `json:"text"`
	CreatedAt string  `json:"created_at"`
	ReplyToID string  `json:"reply_to_id"`
	LangHint  string  `json:"lang_hint"`
}

type author struct {
	ID        string `json:"id"`
	Handle    string `json:"handle"`
	Name      string `json:"name"`
	Followers *int   `json:"followers"`
	Bot       bool   `json:"bot"`
}

// The demo brand, as the demo configuration describes it.
var (
	brandTerms = []string{"shenava", "شنوا", "shenava coffee", "کافه شنوا", "shenavacoffee", "shenava@mastodon.social"}
	ownHandles = map[string]string{"x": "shenavacoffee", "mastodon": "shenava@mastodon.social", "telegram": "shenavacoffee"}
)

// fold is enough of the brand matcher's folding for this file: lower case,
// no ZWNJ.
func fold(s string) string {
	return strings.ToLower(strings.ReplaceAll(s, "\u200c", ""))
}

func readMentions(t *testing.T) []mention {
	t.Helper()
	b, err := os.ReadFile("mentions.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	var ms []mention
	sc := bufio.NewScanner(bytes.NewReader(b))
	for n := 1; sc.Scan(); n++ {
		dec := json.NewDecoder(strings.NewReader(sc.Text()))
		dec.DisallowUnknownFields()
		var m mention
		if err := dec.Decode(&m); err != nil {
			t.Fatalf("mentions.jsonl:%d: %v", n, err)
		}
		ms = append(ms, m)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return ms
}

func TestMentions(t *testing.T) {
	t.Parallel()
	ms := readMentions(t)
	if len(ms) < 48 {
		t.Fatalf("%d mentions, want at least 48", len(ms))
	}
	tehran := time.FixedZone("Asia/Tehran", 3*3600+1800)
	dayStart := time.Date(2026, 11, 22, 0, 0, 0, 0, tehran)
	dayEnd := dayStart.AddDate(0, 0, 1)

	seen := map[string]mention{}
	platforms := map[string]int{}
	langs := map[string]int{}
	dups, own, replies := 0, 0, 0
	for i, m := range ms {
		where := "mentions.jsonl:" + m.ID
		if m.ID == "" || m.Text == "" || m.CreatedAt == "" || m.Author == nil || m.Author.ID == "" || m.Author.Handle == "" {
			t.Errorf("%d: missing id, text, created_at or author id/handle: %+v", i+1, m)
			continue
		}
		if !slices.Contains([]string{"x", "mastodon", "telegram", "rss", "file"}, m.Platform) {
			t.Errorf("%s: platform %q", where, m.Platform)
		}
		platforms[m.Platform]++
		langs[m.LangHint]++
		at, err := time.Parse(time.RFC3339, m.CreatedAt)
		switch {
		case err != nil:
			t.Errorf("%s: created_at: %v", where, err)
		case !strings.HasSuffix(m.CreatedAt, "Z"):
			t.Errorf("%s: created_at %s is not UTC", where, m.CreatedAt)
		case at.Before(dayStart) || !at.Before(dayEnd):
			t.Errorf("%s: created_at %s is not on 2026-11-22 in Tehran", where, m.CreatedAt)
		}
		if m.Author.Followers != nil && *m.Author.Followers < 0 {
			t.Errorf("%s: negative followers", where)
		}
		key := m.Platform + ":" + m.ID
		if prev, ok := seen[key]; ok {
			dups++
			a, _ := json.Marshal(prev)
			b, _ := json.Marshal(m)
			if !bytes.Equal(a, b) {
				t.Errorf("%s: duplicate id with different content", where)
			}
		}
		seen[key] = m
		if ownHandles[m.Platform] == m.Author.Handle {
			own++
		}
		if m.ReplyToID != "" {
			replies++
			if _, ok := seen[m.Platform+":"+m.ReplyToID]; !ok {
				t.Errorf("%s: replies to %s, which is not an earlier mention on %s", where, m.ReplyToID, m.Platform)
			}
		}
		mentionsBrand := false
		for _, k := range brandTerms {
			if strings.Contains(fold(m.Text), fold(k)) {
				mentionsBrand = true
			}
		}
		last2 := i >= len(ms)-2
		if mentionsBrand == last2 {
			t.Errorf("%s: mentions the brand = %v; want every mention but the last two to name it", where, mentionsBrand)
		}
	}
	if dups != 1 {
		t.Errorf("%d duplicated ids, want exactly 1", dups)
	}
	if own != 1 {
		t.Errorf("%d posts by the brand's own accounts, want exactly 1", own)
	}
	if replies < 2 {
		t.Errorf("%d replies, want a thread of at least 2", replies)
	}
	for _, p := range []string{"x", "mastodon", "telegram", "rss"} {
		if platforms[p] == 0 {
			t.Errorf("no mention from %s", p)
		}
	}
	for _, l := range []string{"fa", "en", "fi"} {
		if langs[l] < 8 {
			t.Errorf("%d mentions with lang_hint %s, want at least 8", langs[l], l)
		}
	}
}
