package store

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/shenava/shenava/core"
)

// The rules of the web inbox's pages, the same whatever walks the records
// (a driver walks its own index and hands each record to these).

// PageDefaults is q with DefaultPageLimit and DefaultPageBudget where it
// sets no limit or budget.
func PageDefaults(q core.PageQuery) core.PageQuery {
	if q.Limit <= 0 {
		q.Limit = DefaultPageLimit
	}
	if q.Budget <= 0 {
		q.Budget = DefaultPageBudget
	}
	return q
}

// pastDeadline reports, every 32 records, whether q.Until has passed.
func pastDeadline(q core.PageQuery, looked int) bool {
	return !q.Until.IsZero() && looked > 0 && looked%32 == 0 && time.Now().After(q.Until)
}

// PageEnds reports whether a page holding n matches, after looking at
// looked records, ends before the next record: it is full (q.Limit), or,
// partial, it has looked at q.Budget records or q.Until has passed.
func PageEnds(q core.PageQuery, n, looked int) (end, partial bool) {
	if n >= q.Limit {
		return true, false
	}
	if looked >= q.Budget || pastDeadline(q, looked) {
		return true, true
	}
	return false, false
}

// CasePageAfter is the case ID a case page's cursor (q.After) starts
// below: every ID when q has none; a cursor no page gave is ErrInvalid.
func CasePageAfter(q core.PageQuery) (uint64, error) {
	if q.After == "" {
		return math.MaxUint64, nil
	}
	n, err := strconv.ParseUint(q.After, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("store: case page: cursor %q: %w", q.After, core.ErrInvalid)
	}
	return n, nil
}

// PageCase takes the next case of a case page, newest first, case id of
// the driver's index: the page reaches it and its cursor points past it. It reports false when the
// case is older than q.From, which ends the page (case IDs grow with
// creation time: everything further down is older still). A case newer
// than q.To, or that q.Match rejects, is passed over; mention reads the
// case's mention when the case is in the window.
func PageCase(q core.PageQuery, page *core.CasePage, id uint64, c core.Case, mention func() (core.Mention, error)) (bool, error) {
	page.Reached = c.CreatedAt
	page.Next = strconv.FormatUint(id, 10)
	if !q.From.IsZero() && c.CreatedAt.Before(q.From) {
		page.Next = ""
		return false, nil
	}
	if !q.To.IsZero() && !c.CreatedAt.Before(q.To) {
		return true, nil
	}
	m, err := mention()
	if err != nil {
		return false, fmt.Errorf("case %d: mention %s: %w", c.ID, c.MentionKey, err)
	}
	if q.Match != nil && !q.Match(&c, &m) {
		return true, nil
	}
	page.Cases = append(page.Cases, c)
	page.Mentions = append(page.Mentions, m)
	return true, nil
}

// PageMention takes the next mention of a mention page, which the page
// reaches; it keeps it unless q.Match rejects it.
func PageMention(q core.PageQuery, page *core.MentionPage, m core.Mention) {
	page.Reached = m.CreatedAt
	if q.Match != nil && !q.Match(nil, &m) {
		return
	}
	page.Mentions = append(page.Mentions, m)
}
