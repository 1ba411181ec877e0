package listen

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/shenava/shenava/core"
)

// gateLeases grants and revokes leases by hand.
type gateLeases struct {
	mu      sync.Mutex
	granted map[string]chan struct{} // closed while granted
	holders map[string][]context.CancelFunc
	asked   map[string]int
}

func newGate() *gateLeases {
	return &gateLeases{granted: map[string]chan struct{}{}, holders: map[string][]context.CancelFunc{}, asked: map[string]int{}}
}

func (g *gateLeases) ch(name string) chan struct{} {
	if g.granted[name] == nil {
		g.granted[name] = make(chan struct{})
	}
	return g.granted[name]
}

func (g *gateLeases) Hold(ctx context.Context, name string) (context.Context, func(), error) {
	g.mu.Lock()
	g.asked[name]++
	ch := g.ch(name)
	g.mu.Unlock()
	select {
	case <-ctx.Done():
		return nil, nil, ctx.Err()
	case <-ch:
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	hctx, cancel := context.WithCancel(ctx)
	g.holders[name] = append(g.holders[name], cancel)
	return hctx, cancel, nil
}

func (g *gateLeases) grant(name string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	close(g.ch(name))
}

func (g *gateLeases) revoke(name string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.granted[name] = make(chan struct{})
	for _, c := range g.holders[name] {
		c()
	}
	g.holders[name] = nil
}

func (s *sliceSource) callCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls
}

// A source is polled only while its lease is held; when it is lost the
// polling stops, and when it is held again the polling goes on from the
// saved cursor.
func TestEngine_PollsOnlyUnderLease(t *testing.T) {
	t.Parallel()
	db := mustStore(t)
	a := &sliceSource{batches: [][]core.Mention{{post("1", "sara", "brand ok")}, {post("2", "omid", "brand fine")}}}
	b := &sliceSource{batches: [][]core.Mention{{post("3", "reza", "brand good")}}}
	g := newGate()
	specs := []SourceSpec{{Name: "a", Source: a, Interval: 5 * time.Millisecond},
		{Name: "b", Source: b, Interval: 5 * time.Millisecond, Lease: "shared-connection"}}
	e, err := New(db, ruleAnalyzer{}, keywordMatcher{}, allCanReply, specs, Config{Policy: thankPolicy, Leases: g}, discard())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(bg)
	done := make(chan error, 1)
	go func() { done <- e.Run(ctx) }()
	wait := func(what string, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for !cond() {
			if time.Now().After(deadline) {
				t.Fatalf("not within 5s: %s", what)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	stored := func(key string) bool { _, err := db.Mention(bg, key); return err == nil }

	wait("both sources to ask for their leases", func() bool {
		g.mu.Lock()
		defer g.mu.Unlock()
		return g.asked["source:a"] == 1 && g.asked["shared-connection"] == 1
	})
	if a.callCount()+b.callCount() != 0 {
		t.Fatal("a source was polled without its lease")
	}
	// Only the first batch: the cursor moves on to the second at the next
	// poll, which must not come once the lease is lost.
	a.mu.Lock()
	second := a.batches[1]
	a.batches = a.batches[:1]
	a.mu.Unlock()
	g.grant("source:a")
	wait("a's first batch", func() bool { return stored(core.MentionKey(core.PlatformX, "1")) })
	g.revoke("source:a")
	wait("a to ask for its lease again", func() bool {
		g.mu.Lock()
		defer g.mu.Unlock()
		return g.asked["source:a"] == 2
	})
	calls := a.callCount()
	a.mu.Lock()
	a.batches = append(a.batches, second)
	a.mu.Unlock()
	time.Sleep(50 * time.Millisecond)
	if a.callCount() != calls || stored(core.MentionKey(core.PlatformX, "2")) {
		t.Fatal("a was polled after its lease was lost")
	}
	if b.callCount() != 0 {
		t.Fatal("b was polled without its lease")
	}
	g.grant("shared-connection")
	wait("b's batch", func() bool { return stored(core.MentionKey(core.PlatformX, "3")) })
	g.grant("source:a")
	wait("a's second batch, from the saved cursor", func() bool { return stored(core.MentionKey(core.PlatformX, "2")) })
	if cur, _ := db.Cursor(bg, "a"); cur != "2" {
		t.Errorf("a's cursor = %q, want 2", cur)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if n, _ := db.MentionCount(bg); n != 3 {
		t.Errorf("%d mentions stored, want 3", n)
	}
}
