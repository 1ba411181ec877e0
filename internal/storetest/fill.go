package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/shenava/shenava/core"
	"github.com/shenava/shenava/store"
)

// FillDay is the day (UTC) the records of Fill are written on.
var FillDay = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)

// Fill writes every kind of record a store keeps through the store
// contract, as the product writes them: mentions of two sources with
// their cursors, cases (one claimed, answered and resolved, with its
// audit trail; one corrected; one open), outbox actions in each state
// (done, failed, pending, in doubt), reward codes free, handed out and
// missed, authors and counters, the managers' bot's records and inbox,
// the update offset, the digest's day, usage, web sessions and a used
// sign-in link. Texts hold Persian, a NUL and odd characters, which
// every driver must keep as written.
func Fill(tb testing.TB, s store.Store) {
	tb.Helper()
	ctx := context.Background()
	t0 := FillDay
	must := func(err error) {
		tb.Helper()
		if err != nil {
			tb.Fatalf("storetest.Fill: %v", err)
		}
	}
	if _, err := s.AddCodes(ctx, []string{"A1", "A2"}); err != nil {
		must(err)
	}
	must(s.SetCodesLowWater(ctx, 1))
	mention := func(p core.Platform, id, author string, label core.Label, referral bool, at time.Time) core.Mention {
		scores := core.Scores{Negative: 0.1, Neutral: 0.8, Positive: 0.1}
		switch label {
		case core.LabelNegative:
			scores = core.Scores{Negative: 0.91, Neutral: 0.06, Positive: 0.03}
		case core.LabelPositive:
			scores = core.Scores{Negative: 0.02, Neutral: 0.08, Positive: 0.9}
		}
		return core.Mention{
			Platform: p, NativeID: id, Source: "src-" + string(p), URL: "https://example.com/" + id,
			Author: core.Author{ID: author, Handle: "h" + author, Name: "نام " + author, Followers: 120},
			Text:   "قهوه‌ی شنوا " + id + " \u0000 <b>&amp;</b> \u200c🙂", CreatedAt: at, FetchedAt: at.Add(time.Minute),
			ReplyToID: "r" + id, ConversationID: "c" + id, LangHint: "fa",
			Analysis: &core.Analysis{Lang: "fa", Label: label, Scores: scores, Referral: referral, ReferralScore: 0.7, Model: "test"},
		}
	}
	alert := func(m core.Mention) core.Action {
		return core.Action{Kind: core.ActionAlert, DedupKey: "alert:" + m.Key(), MentionKey: m.Key(), Actor: core.ActorSystem}
	}
	thanks := func(m core.Mention) []core.Action {
		return []core.Action{
			{Kind: core.ActionThankPublic, DedupKey: "thank:" + m.Key(), MentionKey: m.Key(), Text: "ممنون", Actor: core.ActorSystem},
			{Kind: core.ActionThankPrivate, DedupKey: "reward:" + m.Key(), MentionKey: m.Key(), Text: "کد شما {code}", Actor: core.ActorSystem},
		}
	}
	neg1 := mention(core.PlatformX, "1", "u1", core.LabelNegative, false, t0)
	neg2 := mention(core.PlatformX, "2", "u2", core.LabelNegative, false, t0.Add(time.Hour))
	neg3 := mention(core.PlatformMastodon, "3", "u3", core.LabelNegative, false, t0.Add(2*time.Hour))
	neu := mention(core.PlatformMastodon, "4", "u1", core.LabelNeutral, false, t0.Add(3*time.Hour))
	var refs []core.Mention
	for i, id := range []string{"5", "6", "7"} {
		refs = append(refs, mention(core.PlatformX, id, "u"+id, core.LabelPositive, true, t0.Add(time.Duration(4+i)*time.Hour)))
	}
	res, err := s.SaveBatch(ctx, "x-mentions", "cursor-x-1", []core.Decision{
		{Mention: neg1, OpenCase: true, Actions: []core.Action{alert(neg1)}},
		{Mention: neg2, OpenCase: true, Actions: []core.Action{alert(neg2)}},
		{Mention: refs[0], Actions: thanks(refs[0])},
		{Mention: refs[1], Actions: thanks(refs[1])},
		{Mention: refs[2], Actions: thanks(refs[2])}, // no code left: missed
	}, t0.Add(10*time.Minute))
	must(err)
	if len(res.Cases) != 2 || len(res.NoCode) != 1 {
		tb.Fatalf("storetest.Fill: first batch made %d cases and %d misses, want 2 and 1", len(res.Cases), len(res.NoCode))
	}
	res2, err := s.SaveBatch(ctx, "mastodon-notifications", "cursor-m-1\u200c", []core.Decision{
		{Mention: neg3, OpenCase: true, Actions: []core.Action{alert(neg3)}},
		{Mention: neu},
	}, t0.Add(3*time.Hour+time.Minute))
	must(err)
	if _, err := s.AddCodes(ctx, []string{"B1", "B2", "A1"}); err != nil {
		must(err)
	}

	// Case 1: alerted, claimed, answered, resolved. Case 2: corrected and
	// ignored. Case 3 stays open.
	c1, c2 := res.Cases[0], res.Cases[1]
	due, err := s.ClaimDue(ctx, t0.Add(time.Hour), 20)
	must(err)
	var outcomes []core.Outcome
	for _, a := range due {
		switch a.Kind {
		case core.ActionAlert:
			outcomes = append(outcomes, core.Outcome{ActionID: a.ID, State: core.ActionDone, Result: "-100:7", At: t0.Add(11 * time.Minute)})
		case core.ActionThankPublic:
			outcomes = append(outcomes, core.Outcome{ActionID: a.ID, State: core.ActionFailed, Error: "HTTP 403", At: t0.Add(12 * time.Minute)})
		case core.ActionThankPrivate:
			outcomes = append(outcomes, core.Outcome{ActionID: a.ID, State: core.ActionPending, Next: t0.Add(2 * time.Hour), Error: "HTTP 502"})
		default:
			outcomes = append(outcomes, core.Outcome{ActionID: a.ID, State: core.ActionDone, Result: "-100:8", At: t0.Add(11 * time.Minute)})
		}
	}
	must(s.Settle(ctx, outcomes...))
	_, _, err = s.UpdateCase(ctx, c1.ID, func(c *core.Case) ([]core.Action, error) {
		if err := c.Claim("1", t0.Add(20*time.Minute)); err != nil {
			return nil, err
		}
		if err := c.Responded("1", false, t0.Add(25*time.Minute)); err != nil {
			return nil, err
		}
		return []core.Action{{Kind: core.ActionReplyPublic, DedupKey: "reply:c1", MentionKey: c.MentionKey, CaseID: c.ID,
			Text: "پوزش می‌خواهیم", Actor: "1", CreatedAt: t0.Add(25 * time.Minute)}}, nil
	})
	must(err)
	reply, err := s.ClaimDue(ctx, t0.Add(26*time.Minute), 1)
	must(err)
	if len(reply) != 1 || reply[0].Kind != core.ActionReplyPublic {
		tb.Fatalf("storetest.Fill: claimed %+v, want the reply", reply)
	}
	// The reply is caught mid-send by a crash: in doubt.
	_, doubt, err := s.ResumeInFlight(ctx, t0.Add(30*time.Minute), func(core.Action) bool { return false },
		func(stuck []core.Action) []core.Action { return nil })
	must(err)
	if len(doubt) != 1 {
		tb.Fatalf("storetest.Fill: %d actions in doubt, want the reply", len(doubt))
	}
	_, _, err = s.UpdateCase(ctx, c1.ID, func(c *core.Case) ([]core.Action, error) {
		return nil, c.Resolve("1", t0.Add(40*time.Minute))
	})
	must(err)
	_, _, err = s.UpdateCase(ctx, c2.ID, func(c *core.Case) ([]core.Action, error) {
		if err := c.CorrectLabel("2", core.LabelNeutral, t0.Add(50*time.Minute)); err != nil {
			return nil, err
		}
		return nil, c.Ignore("2", t0.Add(51*time.Minute))
	})
	must(err)
	if len(res2.Cases) != 1 {
		tb.Fatalf("storetest.Fill: second batch made %d cases, want 1", len(res2.Cases))
	}
	_, err = s.Enqueue(ctx, core.Action{Kind: core.ActionNotify, Topic: core.TopicSpike, DedupKey: "spike:2026-11-20T10",
		Text: "spike", Actor: core.ActorSystem, CreatedAt: t0.Add(5 * time.Hour), NextAttemptAt: t0.Add(6 * time.Hour)})
	must(err)

	// The digest, the bot, budgets and the web inbox.
	must(s.SetDigestSent(ctx, "2026-11-19"))
	for i, space := range core.Spaces {
		must(s.BotPut(ctx, space, "key-"+string(space), []byte(`{"n":`+string(rune('0'+i))+`,"t":"متن\u0000"}`), t0.Add(time.Duration(i)*time.Minute)))
	}
	must(s.InboxAppend(ctx, 41, mention(core.PlatformTelegram, "g1", "t1", core.LabelNeutral, false, t0.Add(7*time.Hour))))
	must(s.InboxAppend(ctx, 42, mention(core.PlatformTelegram, "g2", "t2", core.LabelNegative, false, t0.Add(8*time.Hour)),
		mention(core.PlatformTelegram, "g3", "t3", core.LabelPositive, false, t0.Add(8*time.Hour))))
	if _, err := s.InboxTrim(ctx, 1); err != nil {
		must(err)
	}
	must(s.SetUpdateOffset(ctx, 57))
	if _, err := s.AddUsage(ctx, t0, map[string]int64{"x.reads": 120, "x.posts": 3}); err != nil {
		must(err)
	}
	if _, err := s.AddUsage(ctx, t0.Add(24*time.Hour), map[string]int64{"x.reads": 7}); err != nil {
		must(err)
	}
	must(s.PutWebSession(ctx, "sess-hash-1", []byte(`{"manager":1,"exp":"2026-12-20T00:00:00Z"}`)))
	must(s.PutWebSession(ctx, "sess-hash-2", []byte(`{"manager":2,"note":"\u0000 نشست"}`)))
	if _, err := s.UseWebLink(ctx, "nonce-1", t0.Add(365*24*time.Hour), t0); err != nil {
		must(err)
	}
}
