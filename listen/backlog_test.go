package listen

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/shenava/shenava/core"
)

// endlessSource always says there is more, like a server whose every page
// carries a next token. After stopAfter calls it cancels the engine.
type endlessSource struct {
	calls     atomic.Int64
	stopAfter int64
	cancel    context.CancelFunc
}

func (s *endlessSource) Fetch(_ context.Context, cursor string) (core.Batch, error) {
	n := s.calls.Add(1)
	if n == s.stopAfter {
		s.cancel()
	}
	return core.Batch{Cursor: fmt.Sprint(n), More: true}, nil
}

// freeEndless is an endless source whose backlog costs nothing to read.
type freeEndless struct{ endlessSource }

func (s *freeEndless) CheapBacklog() bool { return true }

func TestEngine_CappedPollWaitsTheInterval(t *testing.T) {
	ctx, cancel := context.WithCancel(bg)
	defer cancel()
	rec := &recordingSleep{n: 3, cancel: cancel}
	// Without the wait, the source stops the engine after 10 polls.
	src := &endlessSource{stopAfter: 10, cancel: cancel}
	spec := SourceSpec{Name: "s", Source: src, Interval: time.Hour}
	e, err := New(mustStore(t), ruleAnalyzer{}, keywordMatcher{}, allCanReply, []SourceSpec{spec}, Config{}, discard())
	if err != nil {
		t.Fatal(err)
	}
	e.cfg.Jitter = 0
	e.sleep = rec.sleep
	if err := e.Run(ctx); err != nil {
		t.Fatal(err)
	}
	want := []time.Duration{time.Hour, time.Hour, time.Hour}
	if fmt.Sprint(rec.waits) != fmt.Sprint(want) || src.calls.Load() != 3 {
		t.Fatalf("waits=%v after %d polls, want %v after 3: a capped poll waits its interval", rec.waits, src.calls.Load(), want)
	}
}

func TestEngine_CheapBacklogIsReadAtOnce(t *testing.T) {
	ctx, cancel := context.WithCancel(bg)
	defer cancel()
	src := &freeEndless{endlessSource{stopAfter: 20, cancel: cancel}}
	rec := &recordingSleep{n: 1000, cancel: cancel}
	spec := SourceSpec{Name: "s", Source: src, Interval: time.Hour}
	e, err := New(mustStore(t), ruleAnalyzer{}, keywordMatcher{}, allCanReply, []SourceSpec{spec}, Config{}, discard())
	if err != nil {
		t.Fatal(err)
	}
	e.sleep = rec.sleep
	if err := e.Run(ctx); err != nil {
		t.Fatal(err)
	}
	if len(rec.waits) != 0 || src.calls.Load() != 20 {
		t.Fatalf("waits=%v in %d polls, want 20 polls and no wait: a free backlog is read on at once", rec.waits, src.calls.Load())
	}
}
