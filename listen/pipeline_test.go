package listen

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shenava/shenava/connector/file"
	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/sentiment"
	"github.com/shenava/shenava/store"
)

// countingSink records every alert and answer the outbox executes, keyed
// by what it was for.
type countingSink struct {
	mu    sync.Mutex
	calls map[string]int
	total int
}

func (s *countingSink) add(key string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.calls == nil {
		s.calls = map[string]int{}
	}
	s.calls[key]++
	s.total++
	return fmt.Sprint("ref-", s.total), nil
}

func (s *countingSink) Total() int { s.mu.Lock(); defer s.mu.Unlock(); return s.total }

func (s *countingSink) Alert(_ context.Context, c core.Case, m core.Mention) (string, error) {
	return s.add("alert " + m.Key())
}
func (s *countingSink) UpdateAlert(context.Context, core.Case, core.Mention) error { return nil }
func (s *countingSink) Notify(_ context.Context, a core.Action, _ *core.Mention) (string, error) {
	return s.add("notify " + a.DedupKey)
}
func (s *countingSink) Reply(_ context.Context, m core.Mention, _ string) (string, error) {
	return s.add("reply " + m.Key())
}
func (s *countingSink) DirectMessage(_ context.Context, m core.Mention, _ string) (string, error) {
	return s.add("dm " + m.Key())
}
func (s *countingSink) Capabilities() core.Capabilities {
	return core.Capabilities{Reply: true, DirectMessage: true}
}

// writeJSONL writes n mentions: complaints, referrals and neutral posts in
// Persian, English and Finglish, each from its own author.
func writeJSONL(t *testing.T, path string, n int) {
	t.Helper()
	texts := []string{
		"brand سفارشم دو ساعته نرسیده و کسی هم جواب نمیده، واقعا افتضاحه",
		"brand my order is two hours late and support never answers. terrible service",
		"brand kheili bad bood, sefaresh ro eshtebah ferestadin va pool ham pas nemidin",
		"brand رو به همه دوستام معرفی کردم، با کد دعوت من ثبت‌نام کنید: ALI-123",
		"everyone should try brand, I invited my whole team with my referral link",
		"brand saat chand baz mikone?",
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	enc := json.NewEncoder(f)
	at := time.Date(2026, 11, 22, 6, 0, 0, 0, time.UTC)
	for i := range n {
		enc.Encode(map[string]any{
			"id": fmt.Sprint(i), "platform": "x", "text": texts[i%len(texts)],
			"author":     map[string]any{"id": fmt.Sprint("a", i), "handle": fmt.Sprint("user", i)},
			"created_at": at.Add(time.Duration(i) * time.Minute),
		})
	}
}

// TestPipeline_StopAndRestart runs the engine and the outbox on a JSONL
// file, stops them halfway (cancel, as SIGTERM does), restarts them on the
// same database, and checks that every mention was stored once and each
// alert and thank-you was executed exactly once.
func TestPipeline_StopAndRestart(t *testing.T) {
	t.Parallel()
	model, err := sentiment.Load()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "mentions.jsonl")
	const n = 300
	writeJSONL(t, src, n)
	dbPath := filepath.Join(dir, "shenava.db")
	sink := &countingSink{}

	runOnce := func(ctx context.Context, stopAfter int) {
		t.Helper()
		db, err := store.Open(dbPath, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		fs, err := file.New(file.Config{Name: "replay", Path: src, BatchSize: 20}, discard())
		if err != nil {
			t.Fatal(err)
		}
		repliers := map[core.Platform]Replier{core.PlatformX: sink}
		ob := NewOutbox(db, sink, repliers, OutboxConfig{Poll: 5 * time.Millisecond}, discard())
		spec := SourceSpec{Name: "replay", Source: fs, Interval: 5 * time.Millisecond}
		e, err := New(db, model, keywordMatcher{}, ob.Capabilities, []SourceSpec{spec}, Config{Policy: thankPolicy, OnSaved: ob.Wake}, discard())
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		var wg sync.WaitGroup
		wg.Go(func() { e.Run(ctx) })
		wg.Go(func() { ob.Run(ctx) })
		deadline := time.Now().Add(60 * time.Second)
		for {
			count, _ := db.MentionCount(context.Background())
			st, _ := db.Outbox(context.Background())
			if (stopAfter > 0 && sink.Total() >= stopAfter) || (count == n && st.Pending == 0) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("pipeline stuck: %d of %d mentions stored, %d actions pending", count, n, st.Pending)
			}
			time.Sleep(5 * time.Millisecond)
		}
		cancel()
		wg.Wait()
	}

	runOnce(context.Background(), 40) // stopped halfway through delivery
	firstRun := sink.Total()
	runOnce(context.Background(), 0) // restarted: runs to the end

	db, err := store.Open(dbPath, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if count, _ := db.MentionCount(context.Background()); count != n {
		t.Fatalf("%d mentions stored, want each of the %d once", count, n)
	}
	actions, err := db.Actions(context.Background(), store.ActionFilter{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{}
	var alerts, thanks int
	for _, a := range actions {
		if a.State != core.ActionDone {
			t.Errorf("action %d %s is %s, want done: a graceful stop leaves nothing half-sent", a.ID, a.Kind, a.State)
		}
		switch a.Kind {
		case core.ActionAlert:
			want["alert "+a.MentionKey] = true
			alerts++
		case core.ActionThankPublic:
			want["reply "+a.MentionKey] = true
			thanks++
		case core.ActionThankPrivate:
			want["dm "+a.MentionKey] = true
		}
	}
	if alerts < n/3 || thanks < n/6 {
		t.Fatalf("the model decided %d alerts and %d thank-yous for %d posts that are half complaints, a third referrals", alerts, thanks, n)
	}
	sink.mu.Lock()
	defer sink.mu.Unlock()
	for key := range want {
		if got := sink.calls[key]; got != 1 {
			t.Errorf("%s executed %d times, want exactly once", key, got)
		}
	}
	for key, got := range sink.calls {
		if !want[key] && !strings.HasPrefix(key, "notify ") {
			t.Errorf("%s executed %d times without an action", key, got)
		}
	}
	t.Logf("first run executed %d actions before the stop; %d alerts and %d thank-yous in all, each once", firstRun, alerts, thanks)
}
