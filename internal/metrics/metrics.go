// Package metrics exposes Sieve's operational metrics in the Prometheus
// text format (GET /metrics): requests by route and status, events by
// endpoint and outcome, batch and commit latency, guard actions by class,
// detector and action, and gauges that other packages register as
// functions (queue depth, disk free, audit write failures, purge jobs).
//
// A label is always a route pattern, an endpoint, a status, an outcome or
// a guard class/detector/action name: never a value from a request, so a
// metric can hold no sensitive value and its cardinality stays bounded.
//
// metrics imports only the standard library and the Prometheus client; any
// package may import it.
package metrics

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics holds the collectors of one server. The zero value is not
// usable; a nil *Metrics is (every method does nothing).
type Metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	events   *prometheus.CounterVec
	batch    *prometheus.HistogramVec
	commit   *prometheus.HistogramVec
	guard    *prometheus.CounterVec
}

// New returns the metrics of a server, with the Go runtime and process
// collectors.
func New() *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "sieve_http_requests_total",
		Help: "HTTP requests by route pattern and status code."}, []string{"route", "code"})
	m.events = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "sieve_ingest_events_total",
		Help: "Ingested objects by endpoint and outcome: stored, duplicate, rejected (record error), dropped (by the guard), failed (not stored: the store was unavailable)."},
		[]string{"endpoint", "outcome"})
	m.batch = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "sieve_ingest_batch_seconds",
		Help: "Time to handle one ingestion request (decode, guard, durable commit).", Buckets: prometheus.ExponentialBuckets(0.0005, 2, 16)},
		[]string{"endpoint"})
	m.commit = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "sieve_store_commit_seconds",
		Help: "Time until a durable store write returned, by what was written: events, findings, profiles.", Buckets: prometheus.ExponentialBuckets(0.0005, 2, 16)},
		[]string{"kind"})
	m.guard = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "sieve_guard_actions_total",
		Help: "Guard findings by class, detector and action."}, []string{"class", "detector", "action"})
	m.reg.MustRegister(m.requests, m.events, m.batch, m.commit, m.guard,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
}

// Gauge registers a gauge whose value fn returns at each scrape. fn must be
// cheap and safe for concurrent use.
func (m *Metrics) Gauge(name, help string, fn func() float64) {
	if m != nil {
		m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, fn))
	}
}

// GaugeVec registers a gauge with one label whose values fn returns (label
// value -> value) at each scrape.
func (m *Metrics) GaugeVec(name, help, label string, fn func() map[string]float64) {
	if m != nil {
		m.reg.MustRegister(&funcVec{desc: prometheus.NewDesc(name, help, []string{label}, nil), fn: fn})
	}
}

// Counter registers a counter whose value fn returns at each scrape.
func (m *Metrics) Counter(name, help string, fn func() float64) {
	if m != nil {
		m.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help}, fn))
	}
}

type funcVec struct {
	desc *prometheus.Desc
	fn   func() map[string]float64
}

func (f *funcVec) Describe(ch chan<- *prometheus.Desc) { ch <- f.desc }

func (f *funcVec) Collect(ch chan<- prometheus.Metric) {
	for k, v := range f.fn() {
		ch <- prometheus.MustNewConstMetric(f.desc, prometheus.GaugeValue, v, k)
	}
}

// Events counts n ingested objects of an endpoint with an outcome.
func (m *Metrics) Events(endpoint, outcome string, n int) {
	if m != nil && n > 0 {
		m.events.WithLabelValues(endpoint, outcome).Add(float64(n))
	}
}

// Batch records the time one ingestion request took.
func (m *Metrics) Batch(endpoint string, d time.Duration) {
	if m != nil {
		m.batch.WithLabelValues(endpoint).Observe(d.Seconds())
	}
}

// Commit records the time a durable store write of kind took.
func (m *Metrics) Commit(kind string, d time.Duration) {
	if m != nil {
		m.commit.WithLabelValues(kind).Observe(d.Seconds())
	}
}

// GuardAction counts one guard finding.
func (m *Metrics) GuardAction(class, detector, action string) {
	if m != nil {
		m.guard.WithLabelValues(class, detector, action).Inc()
	}
}

// Middleware counts requests by route pattern (as the mux matched it;
// "unmatched" otherwise) and status code.
func (m *Metrics) Middleware(next http.Handler) http.Handler {
	if m == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w, code: http.StatusOK}
		next.ServeHTTP(sw, r)
		route := r.Pattern
		if route == "" {
			route = "unmatched"
		}
		m.requests.WithLabelValues(route, strconv.Itoa(sw.code)).Inc()
	})
}

type statusWriter struct {
	http.ResponseWriter
	code  int
	wrote bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.code, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer (Flush,
// deadlines).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
