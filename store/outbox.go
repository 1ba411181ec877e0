package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/shenava/shenava/core"
)

// putAction queues a new action unless one with its dedup key exists. It
// fills ID, State and NextAttemptAt, and hands a private thank-you whose
// text asks for a {code} a reward code from the pool; with the pool empty
// that action is not queued. It reports whether the action was queued.
func putAction(tx *bolt.Tx, a *core.Action) (bool, error) {
	if err := a.Validate(); err != nil {
		return false, err
	}
	dedup := tx.Bucket(bktOutboxDedup)
	if dedup.Get([]byte(a.DedupKey)) != nil {
		return false, nil
	}
	if a.Kind == core.ActionThankPrivate && a.Code == "" && strings.Contains(a.Text, "{code}") {
		code, ok, err := takeCode(tx, a.MentionKey, a.CreatedAt)
		if err != nil {
			return false, err
		}
		if !ok {
			// No codes left: the public thank-you still goes; the miss is
			// recorded and the managers are told (missCode).
			return false, missCode(tx, a.MentionKey, a.CreatedAt)
		}
		a.Code = code
	}
	b := appending(tx.Bucket(bktOutbox))
	id, err := b.NextSequence()
	if err != nil {
		return false, err
	}
	a.ID = id
	a.State = core.ActionPending
	if a.NextAttemptAt.IsZero() {
		a.NextAttemptAt = a.CreatedAt
	}
	if err := b.Put(itob(id), encodeAction(*a)); err != nil {
		return false, err
	}
	if err := dedup.Put([]byte(a.DedupKey), itob(id)); err != nil {
		return false, err
	}
	return true, appending(tx.Bucket(bktOutboxPending)).Put(itob(id), pendingVal(*a))
}

// The pending index holds, for each pending or sending action, what the
// worker, /metrics and /healthz ask of it, so that they read no action
// record: its state (1 byte: 's' sending, else pending), when it may be
// tried (8, BE nanos) and when it was created (8, BE nanos). A file written
// before it has nil values there; those actions are read whole.
const pendingValLen = 17

func pendingVal(a core.Action) []byte {
	v := make([]byte, pendingValLen)
	v[0] = 'p'
	if a.State == core.ActionSending {
		v[0] = 's'
	}
	copy(v[1:], itob(uint64(unixNano(a.NextAttemptAt))))
	copy(v[9:], itob(uint64(unixNano(a.CreatedAt))))
	return v
}

// pendingEntry is a pending index entry, read from its value or, for an
// entry written without one, from the action.
type pendingEntry struct {
	sending         bool
	next, createdAt time.Time
}

func readPending(tx *bolt.Tx, k, v []byte) (pendingEntry, error) {
	if len(v) == pendingValLen {
		return pendingEntry{sending: v[0] == 's', next: fromNano(int64(btoi(v[1:9]))), createdAt: fromNano(int64(btoi(v[9:])))}, nil
	}
	a, err := getAction(tx, btoi(k))
	if err != nil {
		return pendingEntry{}, err
	}
	return pendingEntry{sending: a.State == core.ActionSending, next: a.NextAttemptAt, createdAt: a.CreatedAt}, nil
}

func getAction(tx *bolt.Tx, id uint64) (core.Action, error) {
	var a core.Action
	raw := tx.Bucket(bktOutbox).Get(itob(id))
	if raw == nil {
		return a, fmt.Errorf("action %d: %w", id, core.ErrNotFound)
	}
	if err := decodeAction(raw, &a); err != nil {
		return a, fmt.Errorf("action %d: %w", id, err)
	}
	return a, nil
}

// putActionState saves a and keeps the pending and in-doubt indexes in
// step with it.
func putActionState(tx *bolt.Tx, a core.Action) error {
	if err := appending(tx.Bucket(bktOutbox)).Put(itob(a.ID), encodeAction(a)); err != nil {
		return err
	}
	if err := indexDoubt(tx, a); err != nil {
		return err
	}
	pending := tx.Bucket(bktOutboxPending)
	if a.State == core.ActionPending || a.State == core.ActionSending {
		return pending.Put(itob(a.ID), pendingVal(a))
	}
	return pending.Delete(itob(a.ID))
}

// Enqueue queues actions decided outside a batch save (a digest, a spike
// alert, an SLA re-ping). Actions whose dedup key exists are skipped; the
// queued ones are returned.
func (s *DB) Enqueue(ctx context.Context, actions ...core.Action) ([]core.Action, error) {
	var queued []core.Action
	err := s.update(ctx, func(tx *bolt.Tx) error {
		var err error
		queued, err = Queue(actions, nil, func(a *core.Action) (bool, error) { return putAction(tx, a) })
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: enqueue: %w", err)
	}
	return queued, nil
}

// ClaimDue moves up to limit pending actions whose time has come to the
// sending state, counting an attempt, and returns them oldest first. A
// crash after this leaves them in sending: see ResumeInFlight.
func (s *DB) ClaimDue(ctx context.Context, now time.Time, limit int) ([]core.Action, error) {
	var out []core.Action
	err := s.update(ctx, func(tx *bolt.Tx) error {
		var err error
		out, err = claimDue(tx, now, limit)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: claim due actions: %w", err)
	}
	return out, nil
}

func claimDue(tx *bolt.Tx, now time.Time, limit int) ([]core.Action, error) {
	c := tx.Bucket(bktOutboxPending).Cursor()
	var due []core.Action
	for k, v := c.First(); k != nil && (limit <= 0 || len(due) < limit); k, v = c.Next() {
		e, err := readPending(tx, k, v)
		if err != nil {
			return nil, err
		}
		if e.sending || e.next.After(now) {
			continue
		}
		a, err := getAction(tx, btoi(k))
		if err != nil {
			return nil, err
		}
		if a.State != core.ActionPending || a.NextAttemptAt.After(now) {
			continue
		}
		due = append(due, a)
	}
	out := make([]core.Action, 0, len(due))
	for _, a := range due {
		a.State = core.ActionSending
		a.Attempts++
		if err := putActionState(tx, a); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// SettleAndClaim settles outcomes (see Settle) and claims the next due
// actions (see ClaimDue) in one transaction: one commit a round while the
// outbox has work.
func (s *DB) SettleAndClaim(ctx context.Context, outcomes []core.Outcome, now time.Time, limit int) ([]core.Action, error) {
	var out []core.Action
	err := s.update(ctx, func(tx *bolt.Tx) error {
		for _, o := range outcomes {
			if err := settle(tx, o); err != nil {
				return fmt.Errorf("action %d: %w", o.ActionID, err)
			}
		}
		var err error
		out, err = claimDue(tx, now, limit)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: settle and claim actions: %w", err)
	}
	return out, nil
}

// SettleAndClaimNext is SettleAndClaim in the next batch save (SaveBatch)
// that begins within wait, or else in a transaction of its own: a round's
// outcomes wait at most wait to be recorded, and while mentions keep
// coming the outbox adds no commit of its own, claiming each batch's
// actions in the transaction that queues them. now gives the claim's time
// when it runs; it claims at most limit actions, or joinedLimit when it
// joined a batch save (which may have queued more than one round's worth).
// joined reports whether a batch save took it.
func (s *DB) SettleAndClaimNext(ctx context.Context, outcomes []core.Outcome, now func() time.Time, limit, joinedLimit int,
	wait time.Duration) (next []core.Action, joined bool, err error) {
	var out []core.Action
	joined, err = s.joinNext(ctx, wait, func(tx *bolt.Tx, hosted bool) error {
		out = nil
		for _, o := range outcomes {
			if err := settle(tx, o); err != nil {
				return fmt.Errorf("action %d: %w", o.ActionID, err)
			}
		}
		n := limit
		if hosted {
			n = joinedLimit
		}
		var err error
		out, err = claimDue(tx, now(), n)
		return err
	})
	if err != nil {
		return nil, joined, fmt.Errorf("store: settle and claim actions: %w", err)
	}
	return out, joined, nil
}

// Settle records, in one transaction, the outcomes of a round of
// executions: done actions (with the delivery applied to their case: a
// delivered alert marks the case alerted), actions to try again, and
// actions given up on with the notice reporting them.
func (s *DB) Settle(ctx context.Context, outcomes ...core.Outcome) error {
	err := s.update(ctx, func(tx *bolt.Tx) error {
		for _, o := range outcomes {
			if err := settle(tx, o); err != nil {
				return fmt.Errorf("action %d: %w", o.ActionID, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: settle actions: %w", err)
	}
	return nil
}

func settle(tx *bolt.Tx, o core.Outcome) error {
	a, err := getAction(tx, o.ActionID)
	if err != nil {
		return err
	}
	if changed, err := a.Settle(o); err != nil || !changed {
		return err
	}
	for _, r := range o.Records {
		b, err := botBucket(tx, r.Space)
		if err != nil {
			return err
		}
		if r.IfAbsent && b.Get([]byte(r.Key)) != nil {
			continue
		}
		if err := putBotRec(b, r.Key, r.Value, r.At); err != nil {
			return err
		}
	}
	if err := putActionState(tx, a); err != nil {
		return err
	}
	return Settled(a, o, func(id uint64, fn func(*core.Case) error) error { return modifyCase(tx, id, fn) },
		func(a *core.Action) (bool, error) { return putAction(tx, a) })
}

// Resend queues a failed or in-doubt action again, at a manager's request.
func (s *DB) Resend(ctx context.Context, id uint64, at time.Time) error {
	return s.setState(ctx, id, "resend", func(a *core.Action) { a.Resend(at) })
}

func (s *DB) setState(ctx context.Context, id uint64, op string, fn func(*core.Action)) error {
	err := s.update(ctx, func(tx *bolt.Tx) error {
		a, err := getAction(tx, id)
		if err != nil {
			return err
		}
		fn(&a)
		return putActionState(tx, a)
	})
	if err != nil {
		return fmt.Errorf("store: %s action %d: %w", op, id, err)
	}
	return nil
}

// RecoverInFlight runs at start-up: actions left in sending by a crash may
// or may not have reached the platform, so they become in_doubt and are
// never executed again automatically. It returns them. report, when not
// nil, is given them and the actions it returns (the notice telling the
// managers) are queued in the same transaction: a crash can never leave an
// action in doubt that nobody was told about.
func (s *DB) RecoverInFlight(ctx context.Context, report func(stuck []core.Action) []core.Action) ([]core.Action, error) {
	_, doubt, err := s.ResumeInFlight(ctx, time.Time{}, nil, report)
	return doubt, err
}

// ResumeInFlight runs at start-up, on the actions a crash left in sending,
// which may or may not have reached the platform. Those resume accepts go
// back to pending, due at now and marked unsure (core.Action.Unsure), so
// they are looked up on the platform, or repeated, before anything else;
// the others become in_doubt and are never executed again automatically.
// report, when not nil, is given the in-doubt ones and the actions it
// returns (the notice telling the managers) are queued in the same
// transaction: a crash can never leave an action in doubt that nobody was
// told about. It returns the resumed and the in-doubt actions.
func (s *DB) ResumeInFlight(ctx context.Context, now time.Time, resume func(core.Action) bool,
	report func(stuck []core.Action) []core.Action) (resumed, doubt []core.Action, err error) {
	err = s.update(ctx, func(tx *bolt.Tx) error {
		resumed, doubt = nil, nil
		c := tx.Bucket(bktOutboxPending).Cursor()
		var stuck []core.Action
		for k, v := c.First(); k != nil; k, v = c.Next() {
			if e, err := readPending(tx, k, v); err != nil {
				return err
			} else if !e.sending {
				continue
			}
			a, err := getAction(tx, btoi(k))
			if err != nil {
				return err
			}
			if a.State == core.ActionSending {
				stuck = append(stuck, a)
			}
		}
		var err error
		resumed, doubt, err = RecoverInterrupted(stuck, now, resume, report,
			func(a core.Action) error { return putActionState(tx, a) },
			func(a *core.Action) (bool, error) { return putAction(tx, a) })
		return err
	})
	if err != nil {
		return nil, nil, fmt.Errorf("store: recover in-flight actions: %w", err)
	}
	return resumed, doubt, nil
}

// Action returns one action.
func (s *DB) Action(ctx context.Context, id uint64) (core.Action, error) {
	var a core.Action
	err := s.view(ctx, func(tx *bolt.Tx) error {
		var err error
		a, err = getAction(tx, id)
		return err
	})
	if err != nil {
		return a, fmt.Errorf("store: %w", err)
	}
	return a, nil
}

// ActionFilter selects actions. Zero fields match everything.
type ActionFilter struct {
	State  core.ActionState
	Kind   core.ActionKind
	CaseID uint64
	// Limit keeps the newest Limit matches (0 = all).
	Limit int
}

// Actions returns the matching actions, oldest first.
func (s *DB) Actions(ctx context.Context, f ActionFilter) ([]core.Action, error) {
	var out []core.Action
	err := s.view(ctx, func(tx *bolt.Tx) error {
		c := tx.Bucket(bktOutbox).Cursor()
		for k, v := c.Last(); k != nil; k, v = c.Prev() {
			var a core.Action
			if err := decodeAction(v, &a); err != nil {
				return fmt.Errorf("action %d: %w", btoi(k), err)
			}
			if (f.State != "" && a.State != f.State) || (f.Kind != "" && a.Kind != f.Kind) ||
				(f.CaseID != 0 && a.CaseID != f.CaseID) {
				continue
			}
			out = append(out, a)
			if f.Limit > 0 && len(out) >= f.Limit {
				break
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: actions: %w", err)
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, nil
}

// OutboxStats describes the work waiting in the outbox.
type OutboxStats struct {
	// Pending counts actions waiting or being sent.
	Pending int
	// OldestPending is the creation time of the oldest of them.
	OldestPending time.Time
	// NextDue is the earliest time one of them may be tried.
	NextDue time.Time
}

// Outbox reports the outbox's depth and age.
func (s *DB) Outbox(ctx context.Context) (OutboxStats, error) {
	var st OutboxStats
	err := s.view(ctx, func(tx *bolt.Tx) error {
		return tx.Bucket(bktOutboxPending).ForEach(func(k, v []byte) error {
			e, err := readPending(tx, k, v)
			if err != nil {
				return err
			}
			st.Pending++
			if st.OldestPending.IsZero() || e.createdAt.Before(st.OldestPending) {
				st.OldestPending = e.createdAt
			}
			if !e.sending && (st.NextDue.IsZero() || e.next.Before(st.NextDue)) {
				st.NextDue = e.next
			}
			return nil
		})
	})
	if err != nil {
		return st, fmt.Errorf("store: outbox stats: %w", err)
	}
	return st, nil
}

// Due reports whether a pending action may be tried at now. It only
// reads the pending index, and stops at the first such action, so asking
// costs little however long the outbox is.
func (s *DB) Due(ctx context.Context, now time.Time) (bool, error) {
	due := false
	err := s.view(ctx, func(tx *bolt.Tx) error {
		c := tx.Bucket(bktOutboxPending).Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			e, err := readPending(tx, k, v)
			if err != nil {
				return err
			}
			if !e.sending && !e.next.After(now) {
				due = true
				return nil
			}
		}
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("store: due actions: %w", err)
	}
	return due, nil
}

// WithdrawReply cancels a manager's reply that has not been sent yet and
// records the withdrawal on its case, in one transaction. An action already
// being sent or sent gives core.ErrInvalidTransition: it is too late.
func (s *DB) WithdrawReply(ctx context.Context, id uint64, actor string, at time.Time) (core.Case, error) {
	var c core.Case
	err := s.update(ctx, func(tx *bolt.Tx) error {
		a, err := getAction(tx, id)
		if err != nil {
			return err
		}
		if err := a.Withdraw(actor, at); err != nil {
			return err
		}
		if err := putActionState(tx, a); err != nil {
			return err
		}
		if a.CaseID == 0 {
			return nil
		}
		return modifyCase(tx, a.CaseID, func(cs *core.Case) error {
			cs.WithdrawReply(actor, a.CreatedAt, at)
			c = *cs
			return nil
		})
	})
	if err != nil {
		if errors.Is(err, core.ErrInvalidTransition) || errors.Is(err, core.ErrNotFound) || errors.Is(err, core.ErrInvalid) {
			return c, err
		}
		return c, fmt.Errorf("store: withdraw reply %d: %w", id, err)
	}
	return c, nil
}
