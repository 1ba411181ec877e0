package pgstore

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/shenava/shenava/internal/backoff"
)

// Notification channels. Every transaction that queues or re-schedules
// outbox actions notifies ChannelOutbox (a trigger on the outbox table),
// and every one that writes cases, or puts an answer of a case into doubt
// or out of it, ChannelCases; PostgreSQL delivers a
// notification at commit, once per transaction and channel, to every
// replica listening.
const (
	ChannelOutbox = "shenava_outbox"
	ChannelCases  = "shenava_cases"
)

// Backoff between attempts to reconnect the listening connection.
const (
	listenBackoffMin = 100 * time.Millisecond
	listenBackoffMax = 10 * time.Second
)

// Listen wakes this replica when another (or this one) changes what it
// waits for: onOutbox when actions were queued or re-scheduled, onCases
// when cases changed. It holds one connection of its own, outside the
// pool (application_name shenava-listen), and LISTENs on both channels
// until ctx ends, then returns nil. A
// lost connection is opened again with backoff; after each reconnection
// both callbacks are called once, since a notification may have been
// missed meanwhile. The callbacks run on Listen's goroutine and should
// return quickly (signal a worker, never block on it).
func (s *DB) Listen(ctx context.Context, onOutbox, onCases func()) error {
	call := func(f func()) {
		if f != nil {
			f()
		}
	}
	for attempt, connected := 0, false; ; {
		err := s.listenOnce(ctx, func() {
			if connected {
				call(onOutbox)
				call(onCases)
			}
			connected, attempt = true, 0
		}, func(channel string) {
			switch channel {
			case ChannelOutbox:
				call(onOutbox)
			case ChannelCases:
				call(onCases)
			}
		})
		if ctx.Err() != nil {
			return nil
		}
		_ = err // a lost connection: opened again below
		attempt++
		if backoff.Sleep(ctx, backoff.Jitter(backoff.Exp(listenBackoffMin, listenBackoffMax, attempt), 0.2)) != nil {
			return nil
		}
	}
}

// listenOnce connects, listens, calls ready, then passes each notification
// to got until the connection fails or ctx ends.
func (s *DB) listenOnce(ctx context.Context, ready func(), got func(channel string)) error {
	cfg := s.pool.Config().ConnConfig.Copy()
	cfg.RuntimeParams["application_name"] = "shenava-listen"
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return err
	}
	defer func() {
		cctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		conn.Close(cctx)
	}()
	for _, ch := range []string{ChannelOutbox, ChannelCases} {
		if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{ch}.Sanitize()); err != nil {
			return err
		}
	}
	ready()
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		got(n.Channel)
	}
}
