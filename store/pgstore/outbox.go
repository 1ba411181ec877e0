package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/store"
)

// putAction queues a in tx, unless an action with its dedup key exists
// (ever): it reports whether it queued it, and sets its ID and state. A
// private thank-you asking for {code} takes the oldest free reward code;
// with none left the miss is recorded and the managers told instead.
func putAction(ctx context.Context, tx pgx.Tx, a *core.Action) (bool, error) {
	if err := a.Validate(); err != nil {
		return false, err
	}
	var exists bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM outbox WHERE dedup_key = $1)`, clean(a.DedupKey)).Scan(&exists); err != nil {
		return false, err
	}
	if exists {
		return false, nil
	}
	if a.Kind == core.ActionThankPrivate && a.Code == "" && strings.Contains(a.Text, "{code}") {
		code, ok, err := takeCode(ctx, tx, a.MentionKey, a.CreatedAt)
		if err != nil {
			return false, err
		}
		if !ok {
			return false, missCode(ctx, tx, a.MentionKey, a.CreatedAt)
		}
		a.Code = code
	}
	a.State = core.ActionPending
	if a.NextAttemptAt.IsZero() {
		a.NextAttemptAt = a.CreatedAt
	}
	// The ID is the row's; the doc is written once it is known.
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO outbox (dedup_key, kind, state, mention_key, case_id, created_ns, next_attempt_ns, doc)
		VALUES ($1, $2, $3, $4, $5, $6, $7, '{}') ON CONFLICT (dedup_key) DO NOTHING RETURNING id`,
		clean(a.DedupKey), string(a.Kind), string(a.State), clean(a.MentionKey), int64(a.CaseID),
		unixNano(a.CreatedAt), unixNano(a.NextAttemptAt)).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		// Another transaction queued the same key first.
		return false, nil
	}
	if err != nil {
		return false, err
	}
	a.ID = uint64(id)
	return true, updateAction(ctx, tx, *a)
}

// updateAction writes a's state, times and document.
func updateAction(ctx context.Context, tx pgx.Tx, a core.Action) error {
	doc, err := json.Marshal(a)
	if err != nil {
		return err
	}
	tag, err := tx.Exec(ctx, `UPDATE outbox SET state = $2, next_attempt_ns = $3, case_id = $4, doc = $5 WHERE id = $1`,
		int64(a.ID), string(a.State), unixNano(a.NextAttemptAt), int64(a.CaseID), doc)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("action %d: %w", a.ID, core.ErrNotFound)
	}
	return nil
}

// getAction reads action id, locking its row for the rest of tx when lock.
func getAction(ctx context.Context, tx pgx.Tx, id uint64, lock bool) (core.Action, error) {
	doc, err := docByID(ctx, tx, "outbox", "action", id, lock)
	if err != nil {
		return core.Action{}, err
	}
	a, err := decodeAction(doc)
	if err != nil {
		return a, fmt.Errorf("action %d: %w", id, err)
	}
	return a, nil
}

// decodeAction reads an action's document, with its times in UTC as the
// bbolt store gives them.
func decodeAction(doc []byte) (core.Action, error) {
	var a core.Action
	if err := json.Unmarshal(doc, &a); err != nil {
		return a, err
	}
	a.CreatedAt, a.NextAttemptAt, a.DoneAt = utc(a.CreatedAt), utc(a.NextAttemptAt), utc(a.DoneAt)
	return a, nil
}

// utc is t in UTC, the zero time as it is.
func utc(t time.Time) time.Time { return fromNano(unixNano(t)) }

// Enqueue queues actions decided outside a batch save (a digest, a spike
// alert, an SLA re-ping). Actions whose dedup key exists are skipped; the
// queued ones are returned.
func (s *DB) Enqueue(ctx context.Context, actions ...core.Action) ([]core.Action, error) {
	var queued []core.Action
	err := s.update(ctx, func(tx pgx.Tx) error {
		var err error
		queued, err = store.Queue(actions, nil, func(a *core.Action) (bool, error) { return putAction(ctx, tx, a) })
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: enqueue: %w", err)
	}
	return queued, nil
}

// unixNano is t in Unix nanoseconds, 0 for the zero time.
func unixNano(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

// fromNano is the UTC time of Unix nanoseconds n, the zero time for 0.
func fromNano(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

// boundNano is t in Unix nanoseconds for a range bound: the zero time
// and times before 1678 are below every stored time, times after 2262
// above every one.
func boundNano(t time.Time) int64 {
	switch {
	case t.IsZero() || t.Before(time.Unix(0, math.MinInt64)):
		return math.MinInt64
	case t.After(time.Unix(0, math.MaxInt64)):
		return math.MaxInt64
	}
	return t.UnixNano()
}

// clean makes s storable in a text column, which cannot hold U+0000: it
// becomes U+FFFD there (keys and indexed copies only; the JSON document,
// which escapes it, keeps the text as it was).
func clean(s string) string {
	if strings.IndexByte(s, 0) < 0 {
		return s
	}
	return strings.ReplaceAll(s, "\x00", "\uFFFD")
}

// ClaimDue moves up to limit pending actions whose time has come to the
// sending state, counting an attempt, and returns them oldest first. A
// crash after this leaves them in sending: see ResumeInFlight.
//
// Replicas claim with SELECT … FOR UPDATE SKIP LOCKED: each passes over
// the rows another is claiming at the same moment, so they share the due
// work and every action is claimed by one of them. The claim records the
// claiming replica (Options.Replica), its life and the time. A handle
// whose lease has lapsed (its own connection lost and not yet back, or its
// renewals failing) claims nothing until it has it again: the others may
// already count it as gone (see ResumeInFlight).
func (s *DB) ClaimDue(ctx context.Context, now time.Time, limit int) ([]core.Action, error) {
	var out []core.Action
	err := s.update(ctx, func(tx pgx.Tx) error {
		var err error
		out, err = s.claimDue(ctx, tx, now, limit)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: claim due actions: %w", err)
	}
	return out, nil
}

// claimerAlive is the claim's condition that the claiming life ($3) is
// alive.
var claimerAlive = alive("$3")

func (s *DB) claimDue(ctx context.Context, tx pgx.Tx, now time.Time, limit int) ([]core.Action, error) {
	replica, life := s.claimer()
	out, err := queryActions(ctx, tx, `SELECT doc FROM outbox WHERE state = 'pending' AND next_attempt_ns <= $1 AND `+claimerAlive+`
		ORDER BY id LIMIT NULLIF($2, 0) FOR UPDATE SKIP LOCKED`, unixNano(now), max(limit, 0), life)
	if err != nil {
		return nil, fmt.Errorf("claim: %w", err)
	}
	if len(out) == 0 {
		return nil, nil
	}
	ids := make([]int64, len(out))
	docs := make([]string, len(out))
	for i := range out {
		out[i].State = core.ActionSending
		out[i].Attempts++
		doc, err := json.Marshal(out[i])
		if err != nil {
			return nil, err
		}
		ids[i], docs[i] = int64(out[i].ID), string(doc)
	}
	_, err = tx.Exec(ctx, `UPDATE outbox SET state = 'sending', claimed_by = $1, claim_life = $2, claimed_ns = shenava_now_ns(), doc = d.doc::json
		FROM unnest($3::bigint[], $4::text[]) AS d(id, doc) WHERE outbox.id = d.id`, replica, life, ids, docs)
	if err != nil {
		return nil, err
	}
	return out, nil
}

// SettleAndClaim settles outcomes (see Settle) and claims the next due
// actions (see ClaimDue) in one transaction: one commit a round while the
// outbox has work.
func (s *DB) SettleAndClaim(ctx context.Context, outcomes []core.Outcome, now time.Time, limit int) ([]core.Action, error) {
	var out []core.Action
	err := s.update(ctx, func(tx pgx.Tx) error {
		out = nil
		if err := settleAll(ctx, tx, outcomes); err != nil {
			return err
		}
		var err error
		out, err = s.claimDue(ctx, tx, now, limit)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: settle and claim actions: %w", err)
	}
	return out, nil
}

// SettleAndClaimNext is SettleAndClaim at the time now gives when it
// runs, claiming at most limit actions. The bbolt store lets it join the
// engine's next batch save (group commit within wait); PostgreSQL commits
// concurrent transactions on its own, so here it is always a transaction
// of its own, begun at once: joined is false and joinedLimit and wait are
// not used.
func (s *DB) SettleAndClaimNext(ctx context.Context, outcomes []core.Outcome, now func() time.Time, limit, joinedLimit int,
	wait time.Duration) (next []core.Action, joined bool, err error) {
	err = s.update(ctx, func(tx pgx.Tx) error {
		next = nil
		if err := settleAll(ctx, tx, outcomes); err != nil {
			return err
		}
		var err error
		next, err = s.claimDue(ctx, tx, now(), limit)
		return err
	})
	if err != nil {
		return nil, false, fmt.Errorf("store: settle and claim actions: %w", err)
	}
	return next, false, nil
}

// Settle records, in one transaction, the outcomes of a round of
// executions: done actions (with the delivery applied to their case: a
// delivered alert marks the case alerted), actions to try again, and
// actions given up on with the notice reporting them. Each action's row,
// and the row of a case a delivery changes, is locked for the rest of the
// transaction, so that replicas settling actions of one case apply their
// deliveries one after the other.
func (s *DB) Settle(ctx context.Context, outcomes ...core.Outcome) error {
	err := s.update(ctx, func(tx pgx.Tx) error { return settleAll(ctx, tx, outcomes) })
	if err != nil {
		return fmt.Errorf("store: settle actions: %w", err)
	}
	return nil
}

func settleAll(ctx context.Context, tx pgx.Tx, outcomes []core.Outcome) error {
	for _, o := range outcomes {
		if err := settle(ctx, tx, o); err != nil {
			return fmt.Errorf("action %d: %w", o.ActionID, err)
		}
	}
	return nil
}

func settle(ctx context.Context, tx pgx.Tx, o core.Outcome) error {
	a, err := getAction(ctx, tx, o.ActionID, true)
	if err != nil {
		return err
	}
	if changed, err := a.Settle(o); err != nil || !changed {
		return err
	}
	for _, r := range o.Records {
		if err := putBotRec(ctx, tx, r.Space, r.Key, r.Value, r.At, r.IfAbsent); err != nil {
			return err
		}
	}
	if err := updateAction(ctx, tx, a); err != nil {
		return err
	}
	return store.Settled(a, o, func(id uint64, fn func(*core.Case) error) error { return modifyCase(ctx, tx, id, fn) },
		func(a *core.Action) (bool, error) { return putAction(ctx, tx, a) })
}

// Resend queues a failed or in-doubt action again, at a manager's request.
func (s *DB) Resend(ctx context.Context, id uint64, at time.Time) error {
	err := s.update(ctx, func(tx pgx.Tx) error {
		a, err := getAction(ctx, tx, id, true)
		if err != nil {
			return err
		}
		a.Resend(at)
		return updateAction(ctx, tx, a)
	})
	if err != nil {
		return fmt.Errorf("store: resend action %d: %w", id, err)
	}
	return nil
}

// RecoverInFlight runs at start-up: actions left in sending by a crash may
// or may not have reached the platform, so they become in_doubt and are
// never executed again automatically. It returns them. report, when not
// nil, is given them and the actions it returns (the notice telling the
// managers) are queued in the same transaction: a crash can never leave an
// action in doubt that nobody was told about. Which actions count as left
// by a crash is ResumeInFlight's rule.
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
//
// With several replicas, an action in sending may be on its way out from
// a replica that is alive: it is left to it. A handle recovers only the
// actions whose claimer (the handle that claimed them, one life of a
// replica) is gone: its process ended, which PostgreSQL sees at once when
// its connection closes (a crash, a kill, a restart: the claimer's session
// held an advisory lock, now free), or it has not renewed its lease for
// Options.ReplicaLease by the database's clock (a machine lost with its
// connection, a hung process). A handle closed cleanly ends its lease at
// once. The rows are taken FOR UPDATE SKIP LOCKED, so two replicas
// recovering together recover each action once. This handle's own
// claims are recovered too, as the bbolt store does (at start-up it has
// none); for one process alone this is the bbolt store's rule: every
// action its earlier runs left in sending is recovered. A running replica
// uses ResumeAbandoned instead.
func (s *DB) ResumeInFlight(ctx context.Context, now time.Time, resume func(core.Action) bool,
	report func(stuck []core.Action) []core.Action) (resumed, doubt []core.Action, err error) {
	return s.resumeInFlight(ctx, now, resume, report, true)
}

// ResumeAbandoned is ResumeInFlight for a replica that is running: it
// leaves this handle's own sends under way alone and recovers only those
// whose claimer is gone. The outbox runs it every so often
// (listen.AbandonedResumer), so that the sends of a replica that died,
// and is not started again, are recovered by the others. When there are
// none it commits nothing.
func (s *DB) ResumeAbandoned(ctx context.Context, now time.Time, resume func(core.Action) bool,
	report func(stuck []core.Action) []core.Action) (resumed, doubt []core.Action, err error) {
	// Mostly there are none: finding out writes nothing.
	found := false
	err = s.view(ctx, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM outbox o WHERE state = 'sending' AND o.claim_life <> $1 AND NOT `+
			liveClaimer+`)`, s.lease.life).Scan(&found)
	})
	if err != nil {
		return nil, nil, fmt.Errorf("store: recover in-flight actions: %w", err)
	}
	if !found {
		return nil, nil, nil
	}
	return s.resumeInFlight(ctx, now, resume, report, false)
}

func (s *DB) resumeInFlight(ctx context.Context, now time.Time, resume func(core.Action) bool,
	report func(stuck []core.Action) []core.Action, own bool) (resumed, doubt []core.Action, err error) {
	err = s.update(ctx, func(tx pgx.Tx) error {
		resumed, doubt = nil, nil
		stuck, err := s.abandoned(ctx, tx, own)
		if err != nil {
			return err
		}
		resumed, doubt, err = store.RecoverInterrupted(stuck, now, resume, report,
			func(a core.Action) error { return updateAction(ctx, tx, a) },
			func(a *core.Action) (bool, error) { return putAction(ctx, tx, a) })
		return err
	})
	if err != nil {
		return nil, nil, fmt.Errorf("store: recover in-flight actions: %w", err)
	}
	return resumed, doubt, nil
}

// abandoned locks and returns, oldest first, the actions in sending whose
// claimer is gone, and with own this handle's (see ResumeInFlight).
func (s *DB) abandoned(ctx context.Context, tx pgx.Tx, own bool) ([]core.Action, error) {
	q := `SELECT doc FROM outbox o WHERE state = 'sending' AND o.claim_life <> $1 AND NOT ` + liveClaimer
	if own {
		q = `SELECT doc FROM outbox o WHERE state = 'sending' AND (o.claim_life = $1 OR NOT ` + liveClaimer + `)`
	}
	return queryActions(ctx, tx, q+` ORDER BY id FOR UPDATE SKIP LOCKED`, s.lease.life)
}

// Action returns one action.
func (s *DB) Action(ctx context.Context, id uint64) (core.Action, error) {
	var a core.Action
	err := s.view(ctx, func(tx pgx.Tx) error {
		var err error
		a, err = getAction(ctx, tx, id, false)
		return err
	})
	if err != nil {
		return a, fmt.Errorf("store: %w", err)
	}
	return a, nil
}

// Actions returns the matching actions, oldest first.
func (s *DB) Actions(ctx context.Context, f store.ActionFilter) ([]core.Action, error) {
	// Only the filters given, so that each can use its index.
	q, args := `SELECT doc FROM outbox WHERE true`, []any{}
	add := func(col string, v any) {
		args = append(args, v)
		q += fmt.Sprintf(" AND %s = $%d", col, len(args))
	}
	if f.State != "" {
		add("state", string(f.State))
	}
	if f.Kind != "" {
		add("kind", string(f.Kind))
	}
	if f.CaseID != 0 {
		add("case_id", int64(min(f.CaseID, math.MaxInt64)))
	}
	q += ` ORDER BY id DESC`
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	var out []core.Action
	err := s.view(ctx, func(tx pgx.Tx) error {
		var err error
		out, err = queryActions(ctx, tx, q, args...)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: actions: %w", err)
	}
	slices.Reverse(out)
	return out, nil
}

func queryActions(ctx context.Context, tx pgx.Tx, q string, args ...any) ([]core.Action, error) {
	rows, err := tx.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []core.Action
	for rows.Next() {
		var doc []byte
		if err := rows.Scan(&doc); err != nil {
			return nil, err
		}
		a, err := decodeAction(doc)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// Outbox reports the outbox's depth and age. It reads the indexes of
// pending and sending actions only (one query each, so that each is
// used), however many done ones the outbox keeps.
func (s *DB) Outbox(ctx context.Context) (store.OutboxStats, error) {
	var st store.OutboxStats
	err := s.view(ctx, func(tx pgx.Tx) error {
		var oldest, next *int64
		err := tx.QueryRow(ctx, `SELECT count(*), min(created_ns) FILTER (WHERE created_ns <> 0),
			min(next_attempt_ns) FILTER (WHERE state = 'pending' AND next_attempt_ns <> 0)
			FROM (SELECT state, created_ns, next_attempt_ns FROM outbox WHERE state = 'pending'
				UNION ALL SELECT state, created_ns, next_attempt_ns FROM outbox WHERE state = 'sending') p`).Scan(&st.Pending, &oldest, &next)
		if oldest != nil {
			st.OldestPending = fromNano(*oldest)
		}
		if next != nil {
			st.NextDue = fromNano(*next)
		}
		return err
	})
	if err != nil {
		return st, fmt.Errorf("store: outbox stats: %w", err)
	}
	return st, nil
}

// Due reports whether a pending action may be tried at now. It reads
// the index of pending actions and stops at the first such action, so
// asking costs little however long the outbox is.
func (s *DB) Due(ctx context.Context, now time.Time) (bool, error) {
	due := false
	err := s.view(ctx, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM outbox WHERE state = 'pending' AND next_attempt_ns <= $1)`,
			unixNano(now)).Scan(&due)
	})
	if err != nil {
		return false, fmt.Errorf("store: due actions: %w", err)
	}
	return due, nil
}

// WithdrawReply cancels a manager's reply that has not been sent yet and
// records the withdrawal on its case, in one transaction. An action already
// being sent or sent gives core.ErrInvalidTransition: it is too late. The
// action's row is locked first, so a replica claiming it at the same
// moment either claims it before (too late) or finds it cancelled.
func (s *DB) WithdrawReply(ctx context.Context, id uint64, actor string, at time.Time) (core.Case, error) {
	var c core.Case
	err := s.update(ctx, func(tx pgx.Tx) error {
		c = core.Case{}
		a, err := getAction(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if err := a.Withdraw(actor, at); err != nil {
			return err
		}
		if err := updateAction(ctx, tx, a); err != nil {
			return err
		}
		if a.CaseID == 0 {
			return nil
		}
		return modifyCase(ctx, tx, a.CaseID, func(cs *core.Case) error {
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

// ForEachAction calls fn for every outbox action created in [from, to),
// oldest (lowest ID) first; actions without a creation time belong to no window and
// are passed over. fn runs after the read transaction, so it may call
// other DB methods.
func (s *DB) ForEachAction(ctx context.Context, from, to time.Time, fn func(core.Action) error) error {
	var batch []core.Action
	err := s.view(ctx, func(tx pgx.Tx) error {
		var err error
		batch, err = queryActions(ctx, tx, `SELECT doc FROM outbox WHERE created_ns <> 0 AND created_ns >= $1 AND created_ns < $2
			ORDER BY id`, boundNano(from), boundNano(to))
		return err
	})
	if err != nil {
		return fmt.Errorf("store: actions: %w", err)
	}
	for _, a := range batch {
		if err := fn(a); err != nil {
			return err
		}
	}
	return nil
}

// KnownActions reports which of the dedup keys already have an action in
// the outbox, in any state. A watcher uses it to tell whether a condition
// spanning several keys (one spike over several hours) was already
// announced under one of them.
func (s *DB) KnownActions(ctx context.Context, dedupKeys []string) (map[string]bool, error) {
	known := make(map[string]bool)
	if len(dedupKeys) == 0 {
		return known, nil
	}
	byClean := make(map[string][]string, len(dedupKeys))
	cleaned := make([]string, 0, len(dedupKeys))
	for _, k := range dedupKeys {
		c := clean(k)
		if _, ok := byClean[c]; !ok {
			cleaned = append(cleaned, c)
		}
		byClean[c] = append(byClean[c], k)
	}
	err := s.view(ctx, func(tx pgx.Tx) error {
		clear(known)
		rows, err := tx.Query(ctx, `SELECT dedup_key FROM outbox WHERE dedup_key = ANY($1)`, cleaned)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var k string
			if err := rows.Scan(&k); err != nil {
				return err
			}
			for _, orig := range byClean[k] {
				known[orig] = true
			}
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("store: known actions: %w", err)
	}
	return known, nil
}

// answerKinds are the kinds of action that reach an author: the ones
// whose doubt the web inbox's In doubt tab shows.
var answerKinds = func() []string {
	var ks []string
	for _, k := range []core.ActionKind{core.ActionAlert, core.ActionCaseUpdate, core.ActionReplyPublic, core.ActionReplyPrivate,
		core.ActionThankPublic, core.ActionThankPrivate, core.ActionNotify, core.ActionApproval, core.ActionHide} {
		if k.Public() || k.Private() {
			ks = append(ks, string(k))
		}
	}
	return ks
}()

// DoubtCases returns the cases with a reply or thank-you in doubt, newest
// first. It reads only the index of actions in doubt.
func (s *DB) DoubtCases(ctx context.Context) ([]uint64, error) {
	var ids []uint64
	err := s.view(ctx, func(tx pgx.Tx) error {
		ids = nil
		rows, err := tx.Query(ctx, `SELECT DISTINCT case_id FROM outbox WHERE state = 'in_doubt' AND case_id <> 0 AND kind = ANY($1)
			ORDER BY case_id DESC`, answerKinds)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return err
			}
			ids = append(ids, uint64(id))
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("store: cases in doubt: %w", err)
	}
	return ids, nil
}
