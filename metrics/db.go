package metrics

import (
	"context"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// dbCollector reads the system's state from the database at each scrape.
// An unchecked collector would need no descriptions, but listing them
// lets the registry refuse a clash of names at start.
type dbCollector struct {
	src     Source
	timeout time.Duration
	log     *slog.Logger
}

var (
	descScrapeOK = prometheus.NewDesc("spotcheck_scrape_ok",
		"1 when the database answered the scrape's queries in time, 0 when not (the figures below are then missing).", nil, nil)
	descLog = prometheus.NewDesc("spotcheck_log_entries",
		"Entries of the tamper-evident log.", nil, nil)
	descDraws = prometheus.NewDesc("spotcheck_draws",
		"Draws by state: committing, revealing, drawn (run, embargoed), published (run and public), failed, superseded.", []string{"state"}, nil)
	descOutbox = prometheus.NewDesc("spotcheck_outbox_records",
		"Credit-platform outbox records not delivered, by state: pending (not tried yet), retrying (a try failed), dead (given up).",
		[]string{"state"}, nil)
	descOutboxFail = prometheus.NewDesc("spotcheck_outbox_failed_attempts",
		"Failed delivery attempts of the outbox records not delivered yet.", nil, nil)
	descOutboxOldest = prometheus.NewDesc("spotcheck_outbox_oldest_pending_seconds",
		"Age of the oldest outbox record waiting for delivery (pending or retrying); 0 when none waits.", nil, nil)
	descOverdue = prometheus.NewDesc("spotcheck_publications_overdue",
		"Approved inspection results not public past their publication due date.", nil, nil)
)

// outboxStates are always reported, 0 when empty, so that an alert on
// dead > 0 has a series to look at.
var outboxStates = []string{"pending", "retrying", "dead"}

func (c *dbCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descScrapeOK, descLog, descDraws, descOutbox, descOutboxFail, descOutboxOldest, descOverdue} {
		ch <- d
	}
}

func (c *dbCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	s, err := c.src(ctx)
	if err != nil {
		c.log.Warn("metrics: database figures", "err", err)
		ch <- prometheus.MustNewConstMetric(descScrapeOK, prometheus.GaugeValue, 0)
		return
	}
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	gauge(descScrapeOK, 1)
	gauge(descLog, float64(s.LogEntries))
	for state, n := range s.Draws {
		gauge(descDraws, float64(n), state)
	}
	for _, state := range outboxStates {
		gauge(descOutbox, float64(s.Outbox[state]), state)
	}
	gauge(descOutboxFail, float64(s.OutboxFailures))
	gauge(descOutboxOldest, s.OutboxOldest.Seconds())
	gauge(descOverdue, float64(s.PublicationsOverdue))
}
