package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/shenava/shenava/core"
)

// Alert storms. An outage brings complaints by the dozen a minute; one
// alert each would flood the managers' chat and run into Telegram's limit
// of about 20 messages a minute into a group, queueing everything behind
// 429s. Above Config.AlertBurst alerts a minute, the cases are held (in
// the store, so a restart loses none) and announced together every
// summaryEvery in one message: how many, the top ones with buttons, the
// rest in /pending (each case's /case view has all its buttons). Every
// held case stays open and listed in /pending.

const (
	heldKey      = "alerts"
	summaryEvery = 30 * time.Second
	// summaryTop cases of a summary get their own line and buttons.
	summaryTop = 5
)

// heldRec is the list of cases waiting for a summary.
type heldRec struct {
	Cases []uint64 `json:"cases"`
}

// storm tracks the alert rate and whether cases are being held.
type storm struct {
	mu      sync.Mutex
	recent  []time.Time // alerts sent one by one within the last minute
	holding bool        // cases are held: later ones join them, in order
	// flushing is set while this process sends the summaries (Run). A
	// replica that only delivers alerts, while another runs the update
	// loop and the summaries, learns that the storm is over from the
	// held list in the store, which that one empties.
	flushing bool
}

// holdAlert decides whether case c is alerted on its own (false: the
// send is counted against the burst) or held for the next summary.
func (b *Bot) holdAlert(ctx context.Context, c core.Case) (bool, error) {
	if b.cfg.AlertBurst <= 0 {
		return false, nil
	}
	now := b.now()
	s := &b.storm
	s.mu.Lock()
	if s.holding && !s.flushing {
		s.mu.Unlock()
		empty, err := b.heldEmpty(ctx)
		if err != nil {
			return false, err
		}
		s.mu.Lock()
		if empty {
			s.holding = false
		}
	}
	for len(s.recent) > 0 && now.Sub(s.recent[0]) >= time.Minute {
		s.recent = s.recent[1:]
	}
	if !s.holding && len(s.recent) < b.cfg.AlertBurst {
		s.recent = append(s.recent, now)
		s.mu.Unlock()
		return false, nil
	}
	s.holding = true
	s.mu.Unlock()
	_, err := b.st.BotSwap(ctx, core.SpaceHeld, heldKey, now, func(old []byte) ([]byte, []core.Action, error) {
		var rec heldRec
		if len(old) > 0 {
			if err := json.Unmarshal(old, &rec); err != nil {
				return nil, nil, err
			}
		}
		if !slices.Contains(rec.Cases, c.ID) {
			rec.Cases = append(rec.Cases, c.ID)
		}
		v, err := json.Marshal(rec)
		return v, nil, err
	})
	if err != nil {
		return true, fmt.Errorf("bot: hold the alert of case %d: %w", c.ID, err)
	}
	b.logger.Info("alert storm: case held for the next summary", "case_id", c.ID)
	return true, nil
}

// summaries sends the held cases' summary every summaryEvery, and once at
// start for cases held before a restart.
func (b *Bot) summaries(ctx context.Context) {
	b.storm.mu.Lock()
	b.storm.flushing = true
	b.storm.mu.Unlock()
	defer func() {
		b.storm.mu.Lock()
		b.storm.flushing = false
		b.storm.mu.Unlock()
	}()
	t := time.NewTicker(summaryEvery)
	defer t.Stop()
	for {
		if err := b.flushHeld(ctx); err != nil && ctx.Err() == nil {
			b.logger.Warn("could not send the alert storm's summary; trying again", "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// heldEmpty reports whether no case waits for a summary.
func (b *Bot) heldEmpty(ctx context.Context) (bool, error) {
	raw, found, err := b.st.BotGet(ctx, core.SpaceHeld, heldKey)
	if err != nil {
		return false, fmt.Errorf("bot: read held alerts: %w", err)
	}
	if !found {
		return true, nil
	}
	var rec heldRec
	if err := json.Unmarshal(raw, &rec); err != nil {
		return false, fmt.Errorf("bot: read held alerts: %w", err)
	}
	return len(rec.Cases) == 0, nil
}

// flushHeld announces the held cases in one summary message to every
// recipient and takes them off the list. Cases closed meanwhile are left
// out; if nothing went out, the list stays for the next try.
func (b *Bot) flushHeld(ctx context.Context) error {
	raw, found, err := b.st.BotGet(ctx, core.SpaceHeld, heldKey)
	if err != nil {
		return fmt.Errorf("bot: read held alerts: %w", err)
	}
	var rec heldRec
	if found {
		if err := json.Unmarshal(raw, &rec); err != nil {
			return fmt.Errorf("bot: read held alerts: %w", err)
		}
	}
	if len(rec.Cases) == 0 {
		b.storm.mu.Lock()
		b.storm.holding = false
		b.storm.mu.Unlock()
		return nil
	}
	var items []summaryItem
	for _, id := range rec.Cases {
		c, m, err := b.cases.Load(ctx, id)
		if err != nil {
			b.logger.Warn("a held case could not be read; left out of the summary", "case_id", id, "error", err)
			continue
		}
		if !c.State.Open() {
			continue
		}
		tok, err := b.recs.caseToken(ctx, c.ID)
		if err != nil {
			return fmt.Errorf("bot: summary: %w", err)
		}
		items = append(items, summaryItem{c: c, m: m, tok: tok})
	}
	if len(items) > 0 {
		sortSummary(items)
		rs := b.recipients(ctx, false)
		sent, err := b.broadcast(ctx, rs, "cases", len(items), func(r recipient) (string, any) {
			return b.view.renderSummary(r.lang, items), b.view.summaryKeyboard(r.lang, items)
		}, nil)
		if err != nil {
			return fmt.Errorf("bot: summary of %d cases: %w", len(items), err)
		}
		b.logger.Info("alert storm: summary sent", "cases", len(items), "messages", len(sent))
	}
	done := rec.Cases
	left := 0
	_, err = b.st.BotSwap(ctx, core.SpaceHeld, heldKey, b.now(), func(old []byte) ([]byte, []core.Action, error) {
		var cur heldRec
		if len(old) > 0 {
			if err := json.Unmarshal(old, &cur); err != nil {
				return nil, nil, err
			}
		}
		var keep []uint64
		for _, id := range cur.Cases {
			if !slices.Contains(done, id) {
				keep = append(keep, id)
			}
		}
		left = len(keep)
		v, err := json.Marshal(heldRec{Cases: keep})
		return v, nil, err
	})
	if err != nil {
		return fmt.Errorf("bot: clear held alerts: %w", err)
	}
	if left == 0 {
		b.storm.mu.Lock()
		b.storm.holding = false
		b.storm.mu.Unlock()
	}
	return nil
}

type summaryItem struct {
	c   core.Case
	m   core.Mention
	tok string
}

// sortSummary puts first what most needs a manager: negative cases, then
// by the author's reach, then the oldest.
func sortSummary(items []summaryItem) {
	slices.SortStableFunc(items, func(a, b summaryItem) int {
		an, bn := a.c.Label == core.LabelNegative, b.c.Label == core.LabelNegative
		switch {
		case an != bn:
			if an {
				return -1
			}
			return 1
		case a.m.Author.Followers != b.m.Author.Followers:
			return b.m.Author.Followers - a.m.Author.Followers
		}
		return int(a.c.ID) - int(b.c.ID)
	})
}

// renderSummary is a storm's summary: how many, the top ones, the rest.
func (v *renderer) renderSummary(lang string, items []summaryItem) string {
	ls := []string{msg(lang, "summary.title", num(lang, len(items))), msg(lang, "summary.why"), ""}
	for i, it := range items[:min(len(items), summaryTop)] {
		text, _ := cut(it.m.Text, 120)
		ls = append(ls, msg(lang, "summary.item", digits(lang, strconv.Itoa(i+1)), labelEmoji(it.c.Label),
			id(lang, it.c.ID), esc(who(it.m)), platformName(lang, it.m.Platform), strconv.FormatUint(it.c.ID, 10)),
			userText("<blockquote>"+esc(text)+"</blockquote>"))
	}
	if rest := len(items) - summaryTop; rest > 0 {
		ls = append(ls, "", msg(lang, "summary.rest", num(lang, rest)))
	}
	return lines(lang, ls...)
}

// summaryKeyboard gives each top case of a summary its answer and claim
// buttons (the same tokens as its alert would have).
func (v *renderer) summaryKeyboard(lang string, items []summaryItem) *inlineKeyboard {
	var rows [][]button
	for _, it := range items[:min(len(items), summaryTop)] {
		n := id(lang, it.c.ID)
		var row []button
		if v.cases.CapabilitiesFor(it.m).Reply {
			row = append(row, button{Text: msg(lang, "btn.summary.reply", n), CallbackData: cb(verbReplyPublic, it.tok)})
		}
		row = append(row, button{Text: msg(lang, "btn.summary.claim", n), CallbackData: cb(verbClaim, it.tok)})
		rows = append(rows, row)
	}
	return &inlineKeyboard{InlineKeyboard: rows}
}
