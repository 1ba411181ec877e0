package store

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/shenava/shenava/core"
)

func TestCountsOf(t *testing.T) {
	loc := time.FixedZone("east", 3*3600)
	at := time.Date(2026, 3, 1, 22, 30, 0, 0, time.UTC) // 2 March in loc
	m := core.Mention{Platform: "x", NativeID: "1", CreatedAt: at}
	if got, want := CountsOf(m, loc), (MentionCounts{Day: "2026-03-02",
		Daily: []DayCounter{{core.DimTotal, ""}, {core.DimPlatform, "x"}}}); !reflect.DeepEqual(got, want) {
		t.Errorf("unanalysed: %+v, want %+v", got, want)
	}
	m.Analysis = &core.Analysis{Lang: "fa", Label: core.LabelNegative, Referral: true}
	want := MentionCounts{Day: "2026-03-02", Daily: []DayCounter{{core.DimTotal, ""}, {core.DimPlatform, "x"},
		{core.DimLang, "fa"}, {core.DimLabel, "negative"}, {core.DimReferral, "yes"}},
		Hourly: true, Hour: at.Unix() / 3600, Label: core.LabelNegative}
	if got := CountsOf(m, loc); !reflect.DeepEqual(got, want) {
		t.Errorf("analysed: %+v, want %+v", got, want)
	}
	m.CreatedAt = time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC)
	if got := CountsOf(m, loc); got.Hour != 0 {
		t.Errorf("hour before 1970: %d, want 0", got.Hour)
	}
	if err := CheckDay("day counts", "2026-3-1"); !errors.Is(err, core.ErrInvalid) {
		t.Errorf("CheckDay(2026-3-1)=%v", err)
	}
	if err := CheckDay("day counts", "2026-03-01"); err != nil {
		t.Errorf("CheckDay(2026-03-01)=%v", err)
	}
}

func TestPageRules(t *testing.T) {
	q := PageDefaults(core.PageQuery{})
	if q.Limit != DefaultPageLimit || q.Budget != DefaultPageBudget {
		t.Fatalf("PageDefaults=%+v", q)
	}
	q = core.PageQuery{Limit: 2, Budget: 5}
	for _, tt := range []struct {
		n, looked    int
		end, partial bool
	}{{0, 0, false, false}, {1, 4, false, false}, {2, 5, true, false}, {1, 5, true, true}} {
		if end, partial := PageEnds(q, tt.n, tt.looked); end != tt.end || partial != tt.partial {
			t.Errorf("PageEnds(%d, %d)=%v,%v; want %v,%v", tt.n, tt.looked, end, partial, tt.end, tt.partial)
		}
	}
	if _, err := CasePageAfter(core.PageQuery{After: "x"}); !errors.Is(err, core.ErrInvalid) {
		t.Errorf("CasePageAfter(x)=%v", err)
	}

	from := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	q = core.PageQuery{From: from, To: from.Add(48 * time.Hour), Match: func(c *core.Case, m *core.Mention) bool { return c.ID != 5 }}
	var page core.CasePage
	mention := func() (core.Mention, error) { return core.Mention{NativeID: "m"}, nil }
	for _, c := range []core.Case{
		{ID: 7, CreatedAt: from.Add(72 * time.Hour)}, // after To: passed over
		{ID: 6, CreatedAt: from.Add(time.Hour)},
		{ID: 5, CreatedAt: from.Add(time.Hour)}, // Match rejects it
	} {
		if more, err := PageCase(q, &page, c.ID, c, mention); !more || err != nil {
			t.Fatalf("PageCase(%d)=%v,%v", c.ID, more, err)
		}
	}
	if len(page.Cases) != 1 || page.Cases[0].ID != 6 || len(page.Mentions) != 1 || page.Next != "5" {
		t.Errorf("page %+v", page)
	}
	if more, err := PageCase(q, &page, 4, core.Case{ID: 4, CreatedAt: from.Add(-time.Hour)}, mention); more || err != nil || page.Next != "" {
		t.Errorf("a case before From: %v,%v next %q", more, err, page.Next)
	}
	lost := func() (core.Mention, error) { return core.Mention{}, core.ErrNotFound }
	if _, err := PageCase(q, &page, 3, core.Case{ID: 3, CreatedAt: from.Add(time.Hour)}, lost); !errors.Is(err, core.ErrNotFound) {
		t.Errorf("a case without its mention: %v", err)
	}
}

func TestCodeAndUsageRules(t *testing.T) {
	for code, want := range map[string]bool{"ABC-1": true, "": false, "A B": false, "A\tB": false, "A\nB": false, "A\x00B": true} {
		if got := ValidCode(code); got != want {
			t.Errorf("ValidCode(%q)=%v", code, got)
		}
	}
	if names, err := UsageMeters(map[string]int64{"x.requests": 2, "a.calls": 0}); err != nil || !reflect.DeepEqual(names, []string{"a.calls", "x.requests"}) {
		t.Errorf("UsageMeters=%v,%v", names, err)
	}
	for _, add := range []map[string]int64{{"": 1}, {"x": -1}} {
		if _, err := UsageMeters(add); err == nil {
			t.Errorf("UsageMeters(%v) passed", add)
		}
	}
	if got := UsageDay(time.Date(2026, 3, 2, 1, 0, 0, 0, time.FixedZone("east", 3*3600))); got != "2026-03-01" {
		t.Errorf("UsageDay=%s", got)
	}
}
