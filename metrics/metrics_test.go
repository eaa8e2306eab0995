package metrics

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// scrape returns the text format of m's registry.
func scrape(t *testing.T, m *Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != 200 {
		t.Fatalf("scrape: %d", rec.Code)
	}
	return rec.Body.String()
}

// wantLines fails unless every line is in the scrape.
func wantLines(t *testing.T, body string, lines ...string) {
	t.Helper()
	for _, l := range lines {
		if !strings.Contains(body, "\n"+l+"\n") {
			t.Errorf("missing %q in\n%s", l, body)
		}
	}
}

// TestCounters: requests count by route and status with a latency
// histogram by route, job runs by job and outcome; a nil *Metrics takes
// every call and counts nothing, so callers need no test double.
func TestCounters(t *testing.T) {
	var none *Metrics
	none.ObserveRequest("GET /x", 200, time.Millisecond)
	none.JobRun("stats", JobOK, time.Second)
	rec := httptest.NewRecorder()
	none.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != 404 {
		t.Errorf("nil metrics served %d", rec.Code)
	}

	m := New(nil, time.Second, quiet)
	m.ObserveRequest("GET /items", 200, 30*time.Millisecond)
	m.ObserveRequest("GET /items", 200, 3*time.Second)
	m.ObserveRequest("GET /items", 500, time.Millisecond)
	m.JobRun("refresh-stats", JobOK, 2*time.Second)
	m.JobRun("refresh-stats", JobFailed, time.Second)
	m.JobRun("refresh-stats", JobOK, time.Second)
	body := scrape(t, m)
	wantLines(t, body,
		`spotcheck_http_requests_total{route="GET /items",status="200"} 2`,
		`spotcheck_http_requests_total{route="GET /items",status="500"} 1`,
		`spotcheck_http_request_duration_seconds_count{route="GET /items"} 3`,
		`spotcheck_http_request_duration_seconds_bucket{route="GET /items",le="0.05"} 2`,
		`spotcheck_job_runs_total{job="refresh-stats",outcome="ok"} 2`,
		`spotcheck_job_runs_total{job="refresh-stats",outcome="failed"} 1`,
		`spotcheck_job_duration_seconds_sum{job="refresh-stats"} 4`)
	if strings.Contains(body, "spotcheck_scrape_ok") {
		t.Error("database figures without a source")
	}
	// Two processes' metrics never share a counter (no global registry).
	if other := scrape(t, New(nil, time.Second, quiet)); strings.Contains(other, "spotcheck_http_requests_total{") {
		t.Errorf("a new registry has counts:\n%s", other)
	}
}

// TestDatabaseFigures: the source is read at every scrape; its figures
// become gauges (the outbox's three states always present); a source that
// fails or does not answer within the timeout makes spotcheck_scrape_ok 0
// and the scrape still answers.
func TestDatabaseFigures(t *testing.T) {
	snap := Snapshot{LogEntries: 42, Draws: map[string]int64{"drawn": 3, "failed": 1}, Outbox: map[string]int64{"dead": 2},
		OutboxFailures: 28, OutboxOldest: 90 * time.Second, PublicationsOverdue: 5}
	var err error
	hang := false
	m := New(func(ctx context.Context) (Snapshot, error) {
		if hang {
			<-ctx.Done()
			return Snapshot{}, ctx.Err()
		}
		return snap, err
	}, 50*time.Millisecond, quiet)
	wantLines(t, scrape(t, m),
		"spotcheck_scrape_ok 1",
		"spotcheck_log_entries 42",
		`spotcheck_draws{state="drawn"} 3`,
		`spotcheck_draws{state="failed"} 1`,
		`spotcheck_outbox_records{state="dead"} 2`,
		`spotcheck_outbox_records{state="pending"} 0`,
		`spotcheck_outbox_records{state="retrying"} 0`,
		"spotcheck_outbox_failed_attempts 28",
		"spotcheck_outbox_oldest_pending_seconds 90",
		"spotcheck_publications_overdue 5")
	snap.LogEntries = 43
	wantLines(t, scrape(t, m), "spotcheck_log_entries 43")

	err = errors.New("database is closed")
	body := scrape(t, m)
	wantLines(t, body, "spotcheck_scrape_ok 0")
	if strings.Contains(body, "spotcheck_log_entries") {
		t.Error("figures from a failed read")
	}
	err, hang = nil, true
	wantLines(t, scrape(t, m), "spotcheck_scrape_ok 0")
}
