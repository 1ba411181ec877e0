package pgstore

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/pgtest"
	"github.com/shenava/shenava/listen"
	"github.com/shenava/shenava/store"
)

// sink records what a replica's outbox delivered.
type sink struct {
	mu     sync.Mutex
	alerts map[string]int // mention key → alerts delivered
	sent   []string
	caps   core.Capabilities
}

func (s *sink) Alert(_ context.Context, c core.Case, m core.Mention) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.alerts[m.Key()]++
	return fmt.Sprint("chat:", c.ID), nil
}
func (s *sink) UpdateAlert(context.Context, core.Case, core.Mention) error { return nil }
func (s *sink) Notify(context.Context, core.Action, *core.Mention) (string, error) {
	return "chat:n", nil
}
func (s *sink) Reply(_ context.Context, m core.Mention, text string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sent = append(s.sent, m.Key())
	return "post:" + m.NativeID, nil
}
func (s *sink) DirectMessage(ctx context.Context, m core.Mention, text string) (string, error) {
	return s.Reply(ctx, m, text)
}
func (s *sink) Capabilities() core.Capabilities { return s.caps }

// Two replicas' outbox workers on one database, woken only by
// notifications (they never poll): every alert is delivered once by one
// of them, and the replies between them keep the platform's rate cap.
func TestOutboxWorkers_TwoReplicasShareTheWorkAndTheCaps(t *testing.T) {
	t.Parallel()
	dsn := pgtest.DSN(t)
	engine := openReplica(t, dsn, "engine", 0)
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() {
		cancel()
		wg.Wait()
	}()
	sinks := []*sink{}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg := listen.OutboxConfig{Workers: 2, Poll: time.Hour,
		RateCaps: map[core.Platform][]listen.RateCap{core.PlatformX: {{N: 3, Per: time.Hour}}}}
	for _, name := range []string{"a", "b"} {
		db := openReplica(t, dsn, name, 0)
		s := &sink{alerts: map[string]int{}, caps: core.Capabilities{Reply: true, DirectMessage: true}}
		sinks = append(sinks, s)
		o := listen.NewOutbox(db, s, map[core.Platform]listen.Replier{core.PlatformX: s}, cfg, logger)
		wg.Go(func() { db.Listen(ctx, o.Wake, nil) })
		wg.Go(func() {
			if err := o.Run(ctx); err != nil {
				t.Error(err)
			}
		})
	}
	time.Sleep(200 * time.Millisecond) // both listening, past their first look

	const n = 40
	now := time.Now().UTC()
	for batch := range 4 {
		var ds []core.Decision
		for i := range n / 4 {
			id := fmt.Sprint(batch*n/4 + i)
			m := core.Mention{Platform: core.PlatformX, NativeID: id, Source: "x/mentions", Author: core.Author{ID: "u" + id},
				Text: "bad " + id, CreatedAt: now, FetchedAt: now,
				Analysis: &core.Analysis{Lang: "en", Label: core.LabelNegative, Scores: core.Scores{Negative: 0.9}}}
			ds = append(ds, core.Decision{Mention: m, OpenCase: true, Actions: []core.Action{
				{Kind: core.ActionAlert, DedupKey: "alert:" + m.Key(), MentionKey: m.Key(), Actor: core.ActorSystem, CreatedAt: now},
				{Kind: core.ActionReplyPublic, DedupKey: "reply:" + m.Key(), MentionKey: m.Key(), Text: "sorry", Actor: "42", CreatedAt: now},
			}})
		}
		if _, err := engine.SaveBatch(ctx, "x/mentions", fmt.Sprint("c", batch), ds, now); err != nil {
			t.Fatal(err)
		}
	}

	deadline := time.Now().Add(30 * time.Second)
	for {
		done, err := engine.Actions(ctx, store.ActionFilter{State: core.ActionDone, Kind: core.ActionAlert})
		if err != nil {
			t.Fatal(err)
		}
		if len(done) == n {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d alerts delivered", len(done), n)
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	wg.Wait()
	alerts, replies := map[string]int{}, 0
	for i, s := range sinks {
		for k, c := range s.alerts {
			alerts[k] += c
		}
		replies += len(s.sent)
		t.Logf("replica %d delivered %d alerts and %d replies", i, len(s.alerts), len(s.sent))
	}
	for k, c := range alerts {
		if c != 1 {
			t.Errorf("alert of %s delivered %d times", k, c)
		}
	}
	if len(alerts) != n {
		t.Errorf("%d mentions alerted, want %d", len(alerts), n)
	}
	if replies != 3 {
		t.Errorf("%d replies sent by the two replicas within the hour, want the cap of 3", replies)
	}
	held, _ := engine.Actions(context.Background(), store.ActionFilter{State: core.ActionPending, Kind: core.ActionReplyPublic})
	if len(held) != n-3 {
		t.Errorf("%d replies held back, want %d", len(held), n-3)
	}
}
