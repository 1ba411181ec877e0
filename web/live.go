package web

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"time"
)

// Changes tells the inbox's open count streams that cases changed: the
// daemon calls Notify after every case write it makes (on bbolt) or hears
// of (PostgreSQL's shenava_cases notification, from any replica). Notify
// never blocks and starts no goroutine: each stream has a one-slot
// mailbox, so a burst leaves a single wake-up pending. The zero value is
// ready to use; a nil *Changes ignores Notify.
type Changes struct {
	mu   sync.Mutex
	subs map[chan struct{}]struct{}
}

// NewChanges returns a broadcaster with no subscribers.
func NewChanges() *Changes { return &Changes{} }

// Notify wakes every subscriber.
func (c *Changes) Notify() {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for ch := range c.subs {
		select {
		case ch <- struct{}{}:
		default: // a wake-up is already pending
		}
	}
}

// Subscribe returns a channel that receives after Notify (one value for
// any number of calls since it was last read) and the func that ends the
// subscription.
func (c *Changes) Subscribe() (<-chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	c.mu.Lock()
	if c.subs == nil {
		c.subs = map[chan struct{}]struct{}{}
	}
	c.subs[ch] = struct{}{}
	c.mu.Unlock()
	return ch, func() {
		c.mu.Lock()
		delete(c.subs, ch)
		c.mu.Unlock()
	}
}

// subscribers is how many subscriptions are open.
func (c *Changes) subscribers() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.subs)
}

// The counts stream's pace: at most one event per streamQuiet, however
// many changes, and a comment every streamKeepAlive so that proxies and
// browsers keep an idle stream open.
const (
	streamQuiet     = time.Second
	streamKeepAlive = 25 * time.Second
	// streamWrite bounds each write, so that a client that stopped
	// reading cannot hold its stream (or the shutdown) forever.
	streamWrite = 10 * time.Second
)

// countsStream sends the inbox tabs' counts (the body of /counts) as
// server-sent events: at once, then whenever cases change. It ends when
// the client goes, the server shuts down (stop), or the session is no
// longer live; the browser's EventSource then reconnects and is refused
// like /counts.
func (s *Server) countsStream(stop <-chan struct{}) func(q *req) {
	return func(q *req) {
		rc := http.NewResponseController(q.w)
		wake, unsubscribe := s.changes.Subscribe() // before the first count: no change is missed
		defer unsubscribe()
		h := q.w.Header()
		h.Set("Content-Type", "text/event-stream; charset=utf-8")
		h.Set("Cache-Control", "no-store, no-cache")
		h.Set("X-Accel-Buffering", "no") // nginx: pass each event on at once
		send := func(b []byte) bool {
			_ = rc.SetWriteDeadline(time.Now().Add(streamWrite))
			if _, err := q.w.Write(b); err != nil {
				return false
			}
			return rc.Flush() == nil
		}
		event := func() bool {
			body, err := s.countsBody(q.ctx, q.sess.Lang)
			if err != nil {
				s.logger.Error("could not count the cases", "error", err)
				return false
			}
			return send(append(append([]byte("event: counts\ndata: "), body...), "\n\n"...))
		}
		if !event() {
			return
		}
		keep := time.NewTicker(s.keepAlive)
		defer keep.Stop()
		quiet := time.NewTimer(0)
		quiet.Stop()
		defer quiet.Stop()
		pending := wake // nil while quiet after an event
		for {
			select {
			case <-q.ctx.Done():
				return
			case <-stop:
				return
			case <-pending:
				if !s.stillLive(q.ctx, q.key) || !event() {
					return
				}
				pending = nil
				quiet.Reset(s.quiet)
			case <-quiet.C:
				pending = wake
			case <-keep.C:
				if !s.stillLive(q.ctx, q.key) || !send([]byte(": keep-alive\n\n")) {
					return
				}
			}
		}
	}
}

// stillLive says whether the session under key is still live, for a
// stream that outlasts the request that was authorised.
func (s *Server) stillLive(ctx context.Context, key string) bool {
	raw, ok, err := s.st.WebSession(ctx, key)
	if err != nil || !ok {
		return false
	}
	var ss session
	return json.Unmarshal(raw, &ss) == nil && s.live(ss, s.now())
}
