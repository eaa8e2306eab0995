// Package metrics is what spotcheck reports about itself in the Prometheus
// text format at /metrics (issue 13, item 6; docs/operations.md
// "Observability"). One Metrics per process holds its own registry — no
// global state, so that tests and several servers in one process never
// share counters.
//
// Two kinds of figures: counters the process increments as things happen
// (requests by route and status, their latencies, job runs), and figures
// of the whole system read from the database when Prometheus scrapes
// (draws, the log's size, the outbox backlog, overdue publications), so
// that every instance on one PostgreSQL reports the same system and a
// restart loses nothing. The scrape reads them with a timeout; a database
// that does not answer in time makes spotcheck_scrape_ok 0 rather than a
// hung scrape.
//
// Every method works on a nil *Metrics and then does nothing, so that code
// that counts (the scheduler's jobs, the web server) needs no test double.
package metrics

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Snapshot is the state of the system that the database knows, read at
// scrape time (store.(*DB).Observe).
type Snapshot struct {
	LogEntries int64            // entries of the log (log_head.size)
	Draws      map[string]int64 // draws by state
	// Outbox records by state: pending (never tried), retrying (pending
	// after a failed attempt), dead (given up); delivered ones are not
	// counted, they only grow.
	Outbox map[string]int64
	// OutboxFailures is the number of failed delivery attempts of the
	// records not delivered yet.
	OutboxFailures int64
	// OutboxOldest is the age of the oldest record not delivered yet
	// (pending or retrying); 0 when none waits.
	OutboxOldest time.Duration
	// PublicationsOverdue counts approved results not public past their
	// due date (spotcheck.PublicationOverdue).
	PublicationsOverdue int64
}

// Source reads a Snapshot; ctx carries the scrape's timeout.
type Source func(ctx context.Context) (Snapshot, error)

// Metrics holds the process's registry and its counters. Create it with
// New.
type Metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	jobRuns  *prometheus.CounterVec
	jobTime  *prometheus.HistogramVec
	handler  http.Handler
}

// Job outcomes for JobRun.
const (
	JobOK     = "ok"
	JobFailed = "failed"
)

// New returns the metrics of one process. src, when not nil, is read at
// every scrape with timeout; log hears its errors.
func New(src Source, timeout time.Duration, log *slog.Logger) *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "spotcheck_http_requests_total",
		Help: "HTTP requests answered, by route pattern of the route table (\"unmatched\" for none) and status.",
	}, []string{"route", "status"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "spotcheck_http_request_duration_seconds",
		Help:    "Time to answer an HTTP request, by route pattern.",
		Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
	}, []string{"route"})
	m.jobRuns = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "spotcheck_job_runs_total",
		Help: "Runs of scheduled jobs by this instance, by job and outcome (ok, failed).",
	}, []string{"job", "outcome"})
	m.jobTime = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "spotcheck_job_duration_seconds",
		Help:    "How long runs of scheduled jobs took, by job.",
		Buckets: []float64{.01, .1, 1, 10, 60, 300, 1800},
	}, []string{"job"})
	m.reg.MustRegister(m.requests, m.latency, m.jobRuns, m.jobTime,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if src != nil {
		if log == nil {
			log = slog.Default()
		}
		m.reg.MustRegister(&dbCollector{src: src, timeout: timeout, log: log})
	}
	m.handler = promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
	return m
}

// ObserveRequest counts one answered request: route is the route table's
// pattern (never the path, whose values would make a series per record).
func (m *Metrics) ObserveRequest(route string, status int, took time.Duration) {
	if m == nil {
		return
	}
	m.requests.WithLabelValues(route, strconv.Itoa(status)).Inc()
	m.latency.WithLabelValues(route).Observe(took.Seconds())
}

// JobRun counts one run of a scheduled job by this instance: job is the
// job's name, outcome JobOK or JobFailed, took how long it ran. The
// scheduler calls it after recording the run in the database.
func (m *Metrics) JobRun(job, outcome string, took time.Duration) {
	if m == nil {
		return
	}
	m.jobRuns.WithLabelValues(job, outcome).Inc()
	m.jobTime.WithLabelValues(job).Observe(took.Seconds())
}

// Handler serves the registry in the Prometheus text format. It does not
// check who asks: web's /metrics does (a bearer token).
func (m *Metrics) Handler() http.Handler {
	if m == nil {
		return http.NotFoundHandler()
	}
	return m.handler
}

// Gatherer is the registry, for tests that read the figures.
func (m *Metrics) Gatherer() prometheus.Gatherer { return m.reg }
