// Package metrics exposes Shenava's Prometheus metrics and its health check
// on one small HTTP server, meant for a loopback address.
package metrics

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/shenava/shenava/core"
)

// OutboxStats is what the outbox gauges read at scrape time, and the
// "outbox" object of /healthz.
type OutboxStats struct {
	Pending       int       `json:"pending"`
	OldestPending time.Time `json:"oldest_pending,omitzero"`
}

// OutboxReader reads the outbox's depth and age.
type OutboxReader interface {
	OutboxDepth(ctx context.Context) (OutboxStats, error)
}

// Metrics holds every Shenava metric. It implements listen.Metrics.
type Metrics struct {
	reg *prometheus.Registry
	now func() time.Time

	polls       *prometheus.CounterVec
	pollErrors  *prometheus.CounterVec
	ingested    *prometheus.CounterVec
	dropped     *prometheus.CounterVec
	analyze     prometheus.Histogram
	rateWaits   *prometheus.CounterVec
	rateSeconds *prometheus.CounterVec
	actions     *prometheus.CounterVec
	actionDur   *prometheus.HistogramVec
	tgErrors    *prometheus.CounterVec
	budget      *budgetGauges

	mu      sync.Mutex
	sources map[string]*sourceHealth
	replica string          // set by SetReplica
	leases  func() []string // the leases held, set by SetReplica
}

type sourceHealth struct {
	LastPoll    time.Time `json:"last_poll,omitzero"`
	LastSuccess time.Time `json:"last_success,omitzero"`
	LastError   string    `json:"last_error,omitempty"`
	Failures    int       `json:"consecutive_failures"`
}

// New registers every metric in a fresh registry. outbox may be nil.
func New(outbox OutboxReader) *Metrics {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m := &Metrics{reg: reg, now: time.Now, sources: map[string]*sourceHealth{}}
	f := func(c prometheus.Collector) { reg.MustRegister(c) }
	m.polls = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "shenava_source_polls_total",
		Help: "Polls of each source."}, []string{"source"})
	m.pollErrors = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "shenava_source_errors_total",
		Help: "Failed polls of each source, by kind of failure."}, []string{"source", "kind"})
	m.ingested = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "shenava_mentions_ingested_total",
		Help: "Mentions stored, by source and sentiment label."}, []string{"source", "label"})
	m.dropped = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "shenava_mentions_dropped_total",
		Help: "Posts not stored, by source and reason."}, []string{"source", "reason"})
	m.analyze = prometheus.NewHistogram(prometheus.HistogramOpts{Name: "shenava_classification_seconds",
		Help:    "Time to analyse one mention (language, sentiment, referral).",
		Buckets: []float64{5e-6, 1e-5, 2.5e-5, 5e-5, 1e-4, 2.5e-4, 1e-3, 1e-2}})
	m.rateWaits = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "shenava_rate_limit_waits_total",
		Help: "Times a platform's rate limit made Shenava wait."}, []string{"source"})
	m.rateSeconds = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "shenava_rate_limit_wait_seconds_total",
		Help: "Seconds spent waiting for platforms' rate limits."}, []string{"source"})
	m.actions = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "shenava_outbox_executions_total",
		Help: "Outbox executions (alerts, replies, thank-yous, notices) by kind and result."}, []string{"kind", "result"})
	m.actionDur = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "shenava_outbox_execution_seconds",
		Help: "Time one outbox execution took.", Buckets: prometheus.DefBuckets}, []string{"kind"})
	m.tgErrors = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "shenava_telegram_errors_total",
		Help: "Failed Bot API calls by method and kind of failure."}, []string{"method", "kind"})
	for _, c := range []prometheus.Collector{m.polls, m.pollErrors, m.ingested, m.dropped, m.analyze,
		m.rateWaits, m.rateSeconds, m.actions, m.actionDur, m.tgErrors} {
		f(c)
	}
	m.budget = newBudgetGauges(reg)
	if outbox != nil {
		f(&outboxCollector{r: outbox, now: func() time.Time { return m.now() }})
	}
	return m
}

// Registry returns the registry, for tests and extra collectors.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Expect lists sources in /healthz before their first poll or delivery, so
// a configured source that never ran (a webhook nothing delivered to yet)
// shows, with no last_poll, rather than being missing.
func (m *Metrics) Expect(sources ...string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, s := range sources {
		if m.sources[s] == nil {
			m.sources[s] = &sourceHealth{}
		}
	}
}

// Polled implements listen.Metrics.
func (m *Metrics) Polled(source string, err error) {
	m.polls.WithLabelValues(source).Inc()
	now := m.now()
	m.mu.Lock()
	defer m.mu.Unlock()
	h := m.sources[source]
	if h == nil {
		h = &sourceHealth{}
		m.sources[source] = h
	}
	h.LastPoll = now
	if err == nil {
		h.LastSuccess, h.LastError, h.Failures = now, "", 0
		return
	}
	h.LastError = err.Error()
	h.Failures++
	m.pollErrors.WithLabelValues(source, errorKind(err)).Inc()
}

func errorKind(err error) string {
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	case errors.Is(err, core.ErrUnauthorized):
		return "unauthorized"
	case errors.Is(err, core.ErrPermanent):
		return "permanent"
	}
	if _, ok := core.RetryAfter(err); ok {
		return "rate_limited"
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return "network"
	}
	return "other"
}

// Ingested implements listen.Metrics.
func (m *Metrics) Ingested(source string, label core.Label) {
	m.ingested.WithLabelValues(source, string(label)).Inc()
}

// Dropped implements listen.Metrics.
func (m *Metrics) Dropped(source, reason string) { m.dropped.WithLabelValues(source, reason).Inc() }

// Analyzed implements listen.Metrics.
func (m *Metrics) Analyzed(d time.Duration) { m.analyze.Observe(d.Seconds()) }

// RateLimited implements listen.Metrics.
func (m *Metrics) RateLimited(source string, wait time.Duration) {
	m.rateWaits.WithLabelValues(source).Inc()
	m.rateSeconds.WithLabelValues(source).Add(wait.Seconds())
}

// ActionDone implements listen.Metrics.
func (m *Metrics) ActionDone(kind core.ActionKind, err error, d time.Duration) {
	result := "ok"
	if err != nil {
		result = "error"
		if _, ok := core.RetryAfter(err); ok {
			result = "rate_limited"
		}
	}
	m.actions.WithLabelValues(string(kind), result).Inc()
	m.actionDur.WithLabelValues(string(kind)).Observe(d.Seconds())
}

// TelegramError implements bot.Metrics.
func (m *Metrics) TelegramError(method, kind string) { m.tgErrors.WithLabelValues(method, kind).Inc() }

// outboxCollector reads the outbox at scrape time.
type outboxCollector struct {
	r   OutboxReader
	now func() time.Time
}

var (
	descDepth = prometheus.NewDesc("shenava_outbox_pending", "Actions waiting in the outbox.", nil, nil)
	descAge   = prometheus.NewDesc("shenava_outbox_oldest_pending_seconds", "Age of the oldest action waiting in the outbox (0 when empty).", nil, nil)
)

func (c *outboxCollector) Describe(ch chan<- *prometheus.Desc) { ch <- descDepth; ch <- descAge }

func (c *outboxCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	st, err := c.r.OutboxDepth(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(descDepth, err)
		return
	}
	age := 0.0
	if !st.OldestPending.IsZero() {
		age = c.now().Sub(st.OldestPending).Seconds()
	}
	ch <- prometheus.MustNewConstMetric(descDepth, prometheus.GaugeValue, float64(st.Pending))
	ch <- prometheus.MustNewConstMetric(descAge, prometheus.GaugeValue, age)
}

// Health is the /healthz answer, documented in README ("Metrics and
// health"):
//
//	{"status": "ok",
//	 "sources": {"x/mentions": {"last_poll": "…", "last_success": "…",
//	             "last_error": "…", "consecutive_failures": 0}},
//	 "outbox": {"pending": 3, "oldest_pending": "…"},
//	 "error": "…"}
//
// Times are RFC 3339 and left out while unset; last_error and error are left
// out when empty, outbox when it could not be read.
type Health struct {
	Status string `json:"status"` // "ok" or "degraded"
	// Replica and Leases name this replica and the leases it holds, when
	// several replicas share a database (left out otherwise).
	Replica string                  `json:"replica,omitempty"`
	Leases  []string                `json:"leases,omitzero"`
	Sources map[string]sourceHealth `json:"sources"`
	Outbox  *OutboxStats            `json:"outbox,omitempty"`
	Error   string                  `json:"error,omitempty"`
}

// unhealthyAfter: a source failing this many polls in a row degrades health.
const unhealthyAfter = 5

// Health reports the state of every source and the outbox. The status is
// degraded when the outbox cannot be read or a source failed its last
// unhealthyAfter polls.
func (m *Metrics) Health(ctx context.Context, outbox OutboxReader) Health {
	h := Health{Status: "ok", Sources: map[string]sourceHealth{}}
	m.mu.Lock()
	if m.leases != nil {
		h.Replica, h.Leases = m.replica, append([]string{}, m.leases()...)
	}
	for name, s := range m.sources {
		h.Sources[name] = *s
		if s.Failures >= unhealthyAfter {
			h.Status = "degraded"
		}
	}
	m.mu.Unlock()
	if outbox != nil {
		st, err := outbox.OutboxDepth(ctx)
		if err != nil {
			h.Status, h.Error = "degraded", err.Error()
		} else {
			h.Outbox = &st
		}
	}
	return h
}

// SetReplica names this replica in /healthz ("replica", and "leases": the
// leases it holds, read from leases at each request) and exports
// shenava_replica_info{replica} and shenava_lease_held{replica,lease}, for
// a daemon that is one of several replicas on one database.
func (m *Metrics) SetReplica(name string, leases func() []string) {
	m.mu.Lock()
	m.replica, m.leases = name, leases
	m.mu.Unlock()
	m.reg.MustRegister(&replicaCollector{name: name, leases: leases})
}

var (
	descReplica = prometheus.NewDesc("shenava_replica_info", "This replica, by name (always 1).", []string{"replica"}, nil)
	descLease   = prometheus.NewDesc("shenava_lease_held", "Leases this replica holds (1 each): a source it polls, a singleton job it runs.",
		[]string{"replica", "lease"}, nil)
)

type replicaCollector struct {
	name   string
	leases func() []string
}

func (c *replicaCollector) Describe(ch chan<- *prometheus.Desc) { ch <- descReplica; ch <- descLease }

func (c *replicaCollector) Collect(ch chan<- prometheus.Metric) {
	ch <- prometheus.MustNewConstMetric(descReplica, prometheus.GaugeValue, 1, c.name)
	for _, l := range c.leases() {
		ch <- prometheus.MustNewConstMetric(descLease, prometheus.GaugeValue, 1, c.name, l)
	}
}

// Handler serves /metrics and /healthz.
func (m *Metrics) Handler(outbox OutboxReader) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		h := m.Health(r.Context(), outbox)
		w.Header().Set("Content-Type", "application/json")
		if h.Status != "ok" {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		json.NewEncoder(w).Encode(h)
	})
	return mux
}

// Server serves the handler on addr until its context ends.
type Server struct {
	addr    string
	handler http.Handler
	logger  *slog.Logger
	ln      net.Listener
}

// Listen binds addr now, so a port in use is reported at start-up.
func Listen(addr string, h http.Handler, logger *slog.Logger) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("metrics: listen on %s: %w", addr, err)
	}
	return &Server{addr: addr, handler: h, logger: logger.With("component", "metrics"), ln: ln}, nil
}

// Addr is the bound address (useful with port 0).
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Run serves until ctx ends, then shuts down gracefully.
func (s *Server) Run(ctx context.Context) error {
	srv := &http.Server{Handler: s.handler, ReadHeaderTimeout: 5 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(s.ln) }()
	s.logger.Info("serving metrics and health", "addr", s.Addr())
	select {
	case err := <-errc:
		return fmt.Errorf("metrics: %w", err)
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shut); err != nil {
		return fmt.Errorf("metrics: shutdown: %w", err)
	}
	return nil
}

// OutboxFunc adapts a function to OutboxReader.
type OutboxFunc func(ctx context.Context) (OutboxStats, error)

// OutboxDepth calls f.
func (f OutboxFunc) OutboxDepth(ctx context.Context) (OutboxStats, error) { return f(ctx) }

// CodesFunc counts the reward codes not yet handed out.
type CodesFunc func(ctx context.Context) (int, error)

var descCodesLeft = prometheus.NewDesc("shenava_codes_left", "Reward codes in the pool not yet handed out.", nil, nil)

// WatchCodes exports shenava_codes_left, read from f at scrape time (codes
// are loaded by another process, `shenava codes add`).
func (m *Metrics) WatchCodes(f CodesFunc) { m.reg.MustRegister(codesCollector(f)) }

type codesCollector CodesFunc

func (c codesCollector) Describe(ch chan<- *prometheus.Desc) { ch <- descCodesLeft }

func (c codesCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	n, err := c(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(descCodesLeft, err)
		return
	}
	ch <- prometheus.MustNewConstMetric(descCodesLeft, prometheus.GaugeValue, float64(n))
}
