package store

import (
	"context"
	"time"

	"github.com/shenava/shenava/core"
)

// Store is the contract every storage driver keeps: the bbolt file (DB)
// and PostgreSQL (package store/pgstore). The store contract suite
// (store/storetest) runs the same tests against each. Every method is one
// transaction; SaveBatch keeps a batch, its cursor and everything decided
// for it together, so a crash keeps all of it or none.
type Store interface {
	// Mentions and sources.
	Known(ctx context.Context, keys []string) (map[string]bool, error)
	Cursor(ctx context.Context, source string) (string, error)
	SaveBatch(ctx context.Context, source, cursor string, ds []core.Decision, now time.Time) (core.SaveResult, error)
	Mention(ctx context.Context, key string) (core.Mention, error)
	ForEachMention(ctx context.Context, from, to time.Time, fn func(core.Mention) error) error
	MentionCount(ctx context.Context) (int, error)

	// Authors and counters.
	Author(ctx context.Context, key string) (core.AuthorHistory, error)
	Authors(ctx context.Context, keys []string) (map[string]core.AuthorHistory, error)
	DayCounts(ctx context.Context, day string) (core.Counts, error)
	HourlyCounts(ctx context.Context, label core.Label, from, to time.Time) ([]int, error)
	DayAuthors(ctx context.Context, day string) ([]core.AuthorTally, error)
	Location() *time.Location

	// Cases.
	Case(ctx context.Context, id uint64) (core.Case, error)
	CaseByMention(ctx context.Context, mentionKey string) (core.Case, error)
	UpdateCase(ctx context.Context, id uint64, fn func(c *core.Case) ([]core.Action, error)) (core.Case, []core.Action, error)
	OpenCases(ctx context.Context, f core.CaseFilter) ([]core.Case, int, error)
	ForEachCase(ctx context.Context, from, to time.Time, fn func(core.Case) error) error
	Corrections(ctx context.Context) ([]Correction, error)
	IndexCases(ctx context.Context) error
	CaseCounts(ctx context.Context) (map[core.CaseState]int, error)
	CasePage(ctx context.Context, q core.PageQuery) (core.CasePage, error)
	MentionPage(ctx context.Context, q core.PageQuery) (core.MentionPage, error)
	DoubtCases(ctx context.Context) ([]uint64, error)

	// Reward codes.
	AddCodes(ctx context.Context, codes []string) (core.CodeLoad, error)
	CodesLeft(ctx context.Context) (int, error)
	SetCodesLowWater(ctx context.Context, n int) error
	CodesMissed(ctx context.Context, mentionKeys []string) (map[string]bool, error)

	// The outbox.
	Enqueue(ctx context.Context, actions ...core.Action) ([]core.Action, error)
	ClaimDue(ctx context.Context, now time.Time, limit int) ([]core.Action, error)
	SettleAndClaim(ctx context.Context, outcomes []core.Outcome, now time.Time, limit int) ([]core.Action, error)
	SettleAndClaimNext(ctx context.Context, outcomes []core.Outcome, now func() time.Time, limit, joinedLimit int,
		wait time.Duration) (next []core.Action, joined bool, err error)
	Settle(ctx context.Context, outcomes ...core.Outcome) error
	Resend(ctx context.Context, id uint64, at time.Time) error
	RecoverInFlight(ctx context.Context, report func(stuck []core.Action) []core.Action) ([]core.Action, error)
	ResumeInFlight(ctx context.Context, now time.Time, resume func(core.Action) bool,
		report func(stuck []core.Action) []core.Action) (resumed, doubt []core.Action, err error)
	Action(ctx context.Context, id uint64) (core.Action, error)
	Actions(ctx context.Context, f ActionFilter) ([]core.Action, error)
	Outbox(ctx context.Context) (OutboxStats, error)
	Due(ctx context.Context, now time.Time) (bool, error)
	WithdrawReply(ctx context.Context, id uint64, actor string, at time.Time) (core.Case, error)
	ForEachAction(ctx context.Context, from, to time.Time, fn func(core.Action) error) error
	KnownActions(ctx context.Context, dedupKeys []string) (map[string]bool, error)

	// The digest and platform budgets.
	LastDigestDay(ctx context.Context) (string, error)
	SetDigestSent(ctx context.Context, day string) error
	AddUsage(ctx context.Context, at time.Time, add map[string]int64) (map[string]int64, error)
	Usage(ctx context.Context, at time.Time) (map[string]int64, error)

	// The managers' bot.
	BotGet(ctx context.Context, space core.Space, key string) ([]byte, bool, error)
	BotPut(ctx context.Context, space core.Space, key string, value []byte, at time.Time) error
	BotDelete(ctx context.Context, space core.Space, key string) error
	BotSwap(ctx context.Context, space core.Space, key string, at time.Time,
		fn func(old []byte) ([]byte, []core.Action, error)) ([]core.Action, error)
	BotPrune(ctx context.Context, space core.Space, before time.Time) (int, error)
	UpdateOffset(ctx context.Context) (int64, error)
	SetUpdateOffset(ctx context.Context, id int64) error
	InboxAppend(ctx context.Context, updateID int64, ms ...core.Mention) error
	InboxAfter(ctx context.Context, after uint64, limit int) ([]core.Mention, uint64, error)
	InboxTrim(ctx context.Context, upTo uint64) (int, error)

	// The web inbox's sessions and sign-in links.
	WebSession(ctx context.Context, id string) ([]byte, bool, error)
	PutWebSession(ctx context.Context, id string, rec []byte) error
	PruneWebSessions(ctx context.Context, keep func(rec []byte) bool) (int, error)
	UseWebLink(ctx context.Context, nonce string, expires, now time.Time) (bool, error)

	// Commits counts the write transactions this handle committed.
	Commits() uint64
	Close() error
}

var _ Store = (*DB)(nil)
