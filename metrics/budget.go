package metrics

import "github.com/prometheus/client_golang/prometheus"

// budgetGauges show a paid API's usage of the UTC day against its daily
// budget, by meter ("x.requests", "x.post_reads").
type budgetGauges struct {
	used, limit *prometheus.GaugeVec
}

func newBudgetGauges(reg *prometheus.Registry) *budgetGauges {
	g := &budgetGauges{
		used: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "shenava_api_budget_used",
			Help: "Billed API usage of the current UTC day, by meter; it falls to 0 at 00:00 UTC."}, []string{"meter"}),
		limit: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "shenava_api_budget_limit",
			Help: "The daily budget of each meter; polling pauses when used reaches it."}, []string{"meter"}),
	}
	reg.MustRegister(g.used, g.limit)
	return g
}

// XBudget implements x.BudgetGauge.
func (m *Metrics) XBudget(meter string, used, limit int64) {
	m.budget.used.WithLabelValues(meter).Set(float64(used))
	m.budget.limit.WithLabelValues(meter).Set(float64(limit))
}
