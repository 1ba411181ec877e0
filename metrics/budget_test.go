package metrics

import (
	"fmt"
	"slices"
	"testing"
)

func TestXBudget(t *testing.T) {
	m := New(nil)
	m.XBudget("x.requests", 400, 500)
	m.XBudget("x.requests", 401, 500)
	m.XBudget("x.post_reads", 3, 5000)
	fams, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range fams {
		if f.GetName() != "shenava_api_budget_used" && f.GetName() != "shenava_api_budget_limit" {
			continue
		}
		for _, s := range f.GetMetric() {
			got = append(got, fmt.Sprintf("%s{%s} %g", f.GetName(), s.GetLabel()[0].GetValue(), s.GetGauge().GetValue()))
		}
	}
	slices.Sort(got)
	want := []string{
		"shenava_api_budget_limit{x.post_reads} 5000", "shenava_api_budget_limit{x.requests} 500",
		"shenava_api_budget_used{x.post_reads} 3", "shenava_api_budget_used{x.requests} 401",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("gauges %q, want %q", got, want)
	}
}
