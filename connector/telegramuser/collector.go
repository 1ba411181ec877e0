// Package telegramuser reads public Telegram channels and groups, and
// searches Telegram for the brand, through a user account over MTProto
// (github.com/gotd/td): a bot can read only the chats it was added to.
// The account is a read-only collector: it never writes anything. See
// README.md for the risks of automating a user account.
package telegramuser

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/gotd/td/session"
	"github.com/gotd/td/telegram"
	"github.com/gotd/td/tg"
	"github.com/gotd/td/tgerr"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/internal/backoff"
)

// ErrNotSignedIn: the session file holds no signed-in account.
var ErrNotSignedIn = errors.New("telegram collector: not signed in; run `shenava telegram login`")

// Options are what tests and the login command change.
type Options struct {
	// MTProto is the base of the client's options: tests set the DC list,
	// resolver and public keys of an in-process server.
	MTProto telegram.Options
	// Storage keeps the session; nil is the session file.
	Storage session.Storage
}

// Collector is one signed-in collector account. Its methods are safe for
// concurrent use; requests of all its sources share one pace.
type Collector struct {
	cfg    Config
	opts   Options
	logger *slog.Logger
	now    func() time.Time
	sleep  func(ctx context.Context, d time.Duration) error

	ready     chan struct{} // closed once the first connection settled
	readyOnce sync.Once

	mu    sync.Mutex
	api   *tg.Client // while connected and signed in
	state error      // why there is no api (not signed in, not connected)
	next  time.Time  // no request before this (pace, FLOOD_WAIT)
	peers map[string]*tg.InputPeerChannel
	self  int64 // the collector account's user ID

	// inflight counts requests using api; the connection is closed only
	// once they have returned (gotd's connection must not close under a
	// request it is still sending).
	inflight sync.WaitGroup
}

// New builds the collector; cfg's zero values take the defaults.
func New(cfg Config, logger *slog.Logger, opts Options) (*Collector, error) {
	cfg = cfg.withDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if opts.Storage == nil {
		opts.Storage = &session.FileStorage{Path: cfg.SessionFile}
	}
	return &Collector{
		cfg: cfg, opts: opts, logger: logger.With("component", "telegram-collector"),
		now: time.Now, sleep: backoff.Sleep, ready: make(chan struct{}),
		state: errors.New("telegram collector: not connected yet"), peers: map[string]*tg.InputPeerChannel{},
	}, nil
}

// SetClock replaces the wall clock (tests).
func (c *Collector) SetClock(now func() time.Time) { c.now = now }

func (c *Collector) newClient() *telegram.Client {
	o := c.opts.MTProto
	o.SessionStorage = c.opts.Storage
	o.NoUpdates = true
	o.UpdateHandler = nil
	// gotd's own logs stay off: they would show phone numbers and session
	// details.
	return telegram.NewClient(c.cfg.APIID, c.cfg.APIHash.Reveal(), o)
}

// session runs f on a connected client whose account is signed in.
func (c *Collector) session(ctx context.Context, f func(ctx context.Context, client *telegram.Client, self *tg.User) error) error {
	client := c.newClient()
	return client.Run(ctx, func(ctx context.Context) error {
		st, err := client.Auth().Status(ctx)
		if err != nil {
			return fmt.Errorf("telegram collector: session status: %w", c.wrap(err))
		}
		if !st.Authorized || st.User == nil {
			return ErrNotSignedIn
		}
		return f(ctx, client, st.User)
	})
}

// Run keeps the collector connected until ctx ends, then returns nil.
// Without a signed-in session it reports so to every source and waits for
// a restart.
func (c *Collector) Run(ctx context.Context) error {
	failures := 0
	for ctx.Err() == nil {
		// The client's context outlives ctx while connected: at shutdown
		// the requests under way return first (their own contexts end
		// with ctx), then the client closes its connection. gotd must
		// not close a connection under a request it is still sending.
		cctx, cancelClient := context.WithCancel(context.WithoutCancel(ctx))
		connected := make(chan struct{})
		stop := context.AfterFunc(ctx, func() {
			select {
			case <-connected: // the session below closes the client
			default:
				cancelClient()
			}
		})
		err := c.session(cctx, func(sctx context.Context, client *telegram.Client, self *tg.User) error {
			close(connected)
			c.mu.Lock()
			c.api, c.state, c.self = client.API(), nil, self.ID
			c.mu.Unlock()
			c.settled()
			failures = 0
			c.logger.Info("collector account connected", "channels", len(c.cfg.Channels), "search_terms", len(c.cfg.Search))
			select {
			case <-ctx.Done():
			case <-sctx.Done(): // the connection ended
			}
			// No request starts from here on.
			why := context.Cause(ctx)
			if why == nil {
				why = errors.New("telegram collector: connection lost; reconnecting")
			}
			c.mu.Lock()
			c.api, c.state = nil, why
			c.mu.Unlock()
			c.inflight.Wait()
			return nil
		})
		stop()
		cancelClient()
		c.mu.Lock()
		c.api = nil
		if err != nil {
			c.state = err
		}
		c.mu.Unlock()
		c.settled()
		if ctx.Err() != nil {
			return nil
		}
		if errors.Is(err, ErrNotSignedIn) || errors.Is(err, core.ErrUnauthorized) {
			c.logger.Error("the collector account cannot read Telegram", "error", err)
			<-ctx.Done()
			return nil
		}
		failures++
		wait := backoff.Exp(5*time.Second, 5*time.Minute, failures)
		c.logger.Warn("collector connection lost; reconnecting", "wait", wait, "error", err)
		if c.sleep(ctx, wait) != nil {
			return nil
		}
	}
	return nil
}

func (c *Collector) settled() { c.readyOnce.Do(func() { close(c.ready) }) }

// Check verifies the session and that every channel resolves, naming the
// first one that does not.
func (c *Collector) Check(ctx context.Context) error {
	return c.session(ctx, func(ctx context.Context, client *telegram.Client, self *tg.User) error {
		api := client.API()
		for _, ch := range c.cfg.Channels {
			if _, err := c.resolveWith(ctx, api, ch); err != nil {
				return c.wrap(err)
			}
		}
		c.logger.Info("collector account signed in", "user_id", self.ID)
		return nil
	})
}

// call runs one request at the collector's pace, mapping Telegram's
// errors: FLOOD_WAIT_n is a rate-limit wait for every source, a revoked
// session is ErrUnauthorized.
func (c *Collector) call(ctx context.Context, f func(ctx context.Context, api *tg.Client) error) error {
	select {
	case <-c.ready:
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(c.cfg.Timeout):
	}
	c.mu.Lock()
	api, state := c.api, c.state
	now := c.now()
	wait := c.next.Sub(now)
	if api != nil {
		c.next = maxTime(c.next, now).Add(c.cfg.RequestInterval)
		c.inflight.Add(1)
	}
	c.mu.Unlock()
	if api == nil {
		return state
	}
	defer c.inflight.Done()
	if wait > 0 {
		if err := c.sleep(ctx, wait); err != nil {
			return err
		}
	}
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	return c.wrap(f(ctx, api))
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func (c *Collector) wrap(err error) error {
	var rl *core.RateLimitError
	if err == nil || errors.Is(err, core.ErrPermanent) || errors.As(err, &rl) || errors.Is(err, ErrNotSignedIn) {
		return err
	}
	if d, ok := tgerr.AsFloodWait(err); ok {
		c.mu.Lock()
		c.next = maxTime(c.next, c.now().Add(d))
		c.mu.Unlock()
		return &core.RateLimitError{Platform: core.PlatformTelegram, RetryAfter: d, Err: fmt.Errorf("telegram collector: %w", err)}
	}
	if tgerr.Is(err, "AUTH_KEY_UNREGISTERED", "SESSION_REVOKED", "USER_DEACTIVATED", "USER_DEACTIVATED_BAN", "AUTH_KEY_INVALID") {
		return fmt.Errorf("telegram collector: %w: %w", core.ErrUnauthorized, err)
	}
	return fmt.Errorf("telegram collector: %w", err)
}

// resolve returns the channel of a public @username, from the cache or
// contacts.resolveUsername.
func (c *Collector) resolve(ctx context.Context, username string) (*tg.InputPeerChannel, error) {
	c.mu.Lock()
	p, ok := c.peers[username]
	c.mu.Unlock()
	if ok {
		return p, nil
	}
	err := c.call(ctx, func(ctx context.Context, api *tg.Client) error {
		var err error
		p, err = c.resolveWith(ctx, api, username)
		return err
	})
	return p, err
}

func (c *Collector) resolveWith(ctx context.Context, api *tg.Client, username string) (*tg.InputPeerChannel, error) {
	res, err := api.ContactsResolveUsername(ctx, username)
	if tgerr.Is(err, "USERNAME_NOT_OCCUPIED", "USERNAME_INVALID") {
		return nil, core.Permanent(fmt.Errorf("telegram collector: @%s: no such public channel or group", username))
	}
	if err != nil {
		return nil, err
	}
	peer, ok := res.Peer.(*tg.PeerChannel)
	if !ok {
		return nil, core.Permanent(fmt.Errorf("telegram collector: @%s is a user, not a channel or group", username))
	}
	for _, ch := range res.Chats {
		if x, ok := ch.(*tg.Channel); ok && x.ID == peer.ChannelID {
			p := &tg.InputPeerChannel{ChannelID: x.ID, AccessHash: x.AccessHash}
			c.mu.Lock()
			c.peers[username] = p
			c.mu.Unlock()
			return p, nil
		}
	}
	return nil, fmt.Errorf("telegram collector: @%s: the answer lacks the channel: %w", username, core.ErrInvalid)
}
