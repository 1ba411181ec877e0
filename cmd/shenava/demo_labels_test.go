package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/store"
)

// demoGold is one row of demo/labels.tsv: the gold label and referral of a
// demo post, by its id.
type demoGold struct {
	label    core.Label
	referral bool
	note     string
}

func readDemoGold(t *testing.T) map[string]demoGold {
	t.Helper()
	f, err := os.Open(filepath.Join("demo", "labels.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gold := map[string]demoGold{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		if n == 1 {
			continue
		}
		c := strings.Split(sc.Text(), "\t")
		if len(c) != 4 {
			t.Fatalf("demo/labels.tsv:%d: %d columns, want id, label, referral, note", n, len(c))
		}
		l, err := core.ParseLabel(c[1])
		if err != nil || (c[2] != "yes" && c[2] != "no") {
			t.Fatalf("demo/labels.tsv:%d: label %q referral %q", n, c[1], c[2])
		}
		gold[c[0]] = demoGold{label: l, referral: c[2] == "yes", note: c[3]}
	}
	return gold
}

// TestDemo_Decisions runs the demo pipeline and checks its two decisions
// against the gold labels carried with the demo file: every complaint the
// engine sees raises an alert, and nobody is thanked who did not refer. A
// row whose note starts with "ambiguous" (a mixed post a reader could take
// either way) is reported, not required.
func TestDemo_Decisions(t *testing.T) {
	gold := readDemoGold(t)
	// Every post of the demo file has a gold row, and every gold row a post.
	type post struct {
		ID       string `json:"id"`
		Platform string `json:"platform"`
		Text     string `json:"text"`
		Author   struct {
			Bot    bool   `json:"bot"`
			Handle string `json:"handle"`
		} `json:"author"`
	}
	b, err := os.ReadFile(filepath.Join("demo", "mentions.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	posts := map[string]post{}
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var p post
		if err := json.Unmarshal([]byte(l), &p); err != nil {
			t.Fatal(err)
		}
		if _, ok := gold[p.ID]; !ok {
			t.Errorf("demo post %s has no row in demo/labels.tsv", p.ID)
		}
		posts[p.ID] = p
	}
	for id := range gold {
		if _, ok := posts[id]; !ok {
			t.Errorf("demo/labels.tsv row %s names no demo post", id)
		}
	}

	dir := t.TempDir()
	cfg, err := demoConfig(dir, "en")
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	if err := runDemo(context.Background(), io.Discard, cfg, logger); err != nil {
		t.Fatalf("demo: %v", err)
	}
	db, err := store.Open(cfg.Storage.Path, store.Options{Location: cfg.Digest.TimeZone.Location(), NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	from, to := time.Time{}, demoNow.AddDate(1, 0, 0)
	alerted := map[string]bool{}
	if err := db.ForEachCase(ctx, from, to, func(c core.Case) error {
		alerted[c.MentionKey] = true
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	thanked := map[string]bool{}
	if err := db.ForEachAction(ctx, from, to, func(a core.Action) error {
		if a.Kind == core.ActionThankPublic || a.Kind == core.ActionThankPrivate || a.Kind == core.ActionApproval {
			thanked[a.MentionKey] = true
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	complaints, referrals, thanks := 0, 0, 0
	for id, p := range posts {
		key := core.MentionKey(core.Platform(p.Platform), id)
		m, err := db.Mention(ctx, key)
		if err != nil {
			// Not stored: the brand filter dropped it (its own post, or
			// not about the brand). Nothing may have been decided.
			if alerted[key] || thanked[key] {
				t.Errorf("%s was not stored but alerted=%v thanked=%v", id, alerted[key], thanked[key])
			}
			continue
		}
		g := gold[id]
		if m.Author.Bot {
			continue
		}
		if g.label == core.LabelNegative {
			complaints++
			if !alerted[key] && strings.HasPrefix(g.note, "ambiguous") {
				t.Logf("no alert on %s (%s): %q, analysis %+v", id, g.note, p.Text, m.Analysis)
			} else if !alerted[key] {
				t.Errorf("complaint %s (%s) raised no alert: %q, analysis %+v", id, g.note, p.Text, m.Analysis)
			}
		} else if alerted[key] {
			t.Logf("extra alert on %s (%s, %s): %q", id, g.label, g.note, p.Text)
		}
		if g.referral {
			referrals++
		}
		if thanked[key] {
			thanks++
			if !g.referral {
				t.Errorf("%s (%s) was thanked for recommending, but it is no referral: %q, analysis %+v", id, g.note, p.Text, m.Analysis)
			}
		}
	}
	t.Logf("demo: %d complaints, %d alerts; %d referrals, %d thanked", complaints, len(alerted), referrals, thanks)
	if complaints == 0 || referrals == 0 {
		t.Fatalf("demo has %d complaints and %d referrals, want some of each", complaints, referrals)
	}
}
