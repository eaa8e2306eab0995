package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"spotcheck/metrics"
)

// logBuffer collects a JSON log, one record a line.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// records returns the records logged so far.
func (l *logBuffer) records(t *testing.T) []map[string]any {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(l.b.String()), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		out = append(out, m)
	}
	return out
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// get sends a GET to s (from 192.0.2.1, httptest's peer) with the headers
// given as name, value pairs.
func get(s http.Handler, path string, header ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest("GET", path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, r)
	return rec
}

// TestRequestIDs: every answer carries an id, a new one per request; the
// request log, the panic and the internal error it became all name it; a
// client's own X-Request-Id is replaced, a trusted proxy's kept when sane.
// The internal error's page shows the id, for the user to quote.
// The bare server has no services, so the portal's item list panics on
// its first call of one — the panic every handler's bug would be.
func TestRequestIDs(t *testing.T) {
	var logs logBuffer
	s, err := New(Config{Log: slog.New(slog.NewJSONHandler(&logs, nil)),
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}})
	if err != nil {
		t.Fatal(err)
	}
	rec := get(s, "/items", RequestIDHeader, "chosen-by-client")
	id := rec.Header().Get(RequestIDHeader)
	if rec.Code != http.StatusInternalServerError || !saneRequestID(id) || id == "chosen-by-client" {
		t.Fatalf("panicking route: %d, id %q", rec.Code, id)
	}
	if !strings.Contains(rec.Body.String(), "请求编号：<code>"+id+"</code>") {
		t.Errorf("the error page does not show the id %s", id)
	}
	named := map[string]bool{}
	for _, r := range logs.records(t) {
		if r["request_id"] != id {
			t.Errorf("log line without the request's id %s: %v", id, r)
		}
		named[r["msg"].(string)] = true
		if r["msg"] == "request" && r["status"] != float64(500) {
			t.Errorf("request logged with status %v, want 500", r["status"])
		}
	}
	for _, msg := range []string{"panic", "internal error", "request"} {
		if !named[msg] {
			t.Errorf("no %q line in the log:\n%s", msg, logs.String())
		}
	}
	if again := get(s, "/healthz").Header().Get(RequestIDHeader); again == id || !saneRequestID(again) {
		t.Errorf("second request's id %q (first %q)", again, id)
	}

	// Through a trusted proxy (10.0.0.0/8): its sane id is kept.
	proxied := func(hdr string) string {
		r := httptest.NewRequest("GET", "/healthz", nil)
		r.RemoteAddr = "10.1.2.3:5555"
		r.Header.Set(RequestIDHeader, hdr)
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, r)
		return rec.Header().Get(RequestIDHeader)
	}
	for _, ok := range []string{"f2a1c7e0-9b1d-4c55-8e0a-3f6b2d9c1e77", "a1b2c3d4e5f60718", "lb-01:7f3a.12_x"} {
		if got := proxied(ok); got != ok {
			t.Errorf("proxy's id %q became %q", ok, got)
		}
	}
	for _, bad := range []string{"a b", "x\"y", strings.Repeat("a", 65), "中文"} {
		if got := proxied(bad); got == bad || !saneRequestID(got) {
			t.Errorf("proxy's id %q kept as %q", bad, got)
		}
	}
}

// metricsServer is a bare server with metrics and, unless token is "",
// the token /metrics asks for.
func metricsServer(t *testing.T, token string, logs io.Writer) *Server {
	t.Helper()
	s, err := New(Config{Log: slog.New(slog.NewTextHandler(logs, nil)),
		Metrics: metrics.New(nil, time.Second, nil), MetricsToken: token})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestMetricsNeedsToken: /metrics does not exist without a token
// configured (nor without metrics); with one, it answers 401 to a missing
// or wrong token and the figures to the right one, counting requests by
// route pattern (one series for every path no route has) and status. The
// token appears in no log line.
func TestMetricsNeedsToken(t *testing.T) {
	const token = "s3cret-metrics-token-0123456789"
	if code := get(newBare(t), "/metrics", "Authorization", "Bearer "+token).Code; code != http.StatusNotFound {
		t.Errorf("no metrics: %d, want 404", code)
	}
	if code := get(metricsServer(t, "", io.Discard), "/metrics").Code; code != http.StatusNotFound {
		t.Errorf("no token configured: %d, want 404", code)
	}
	var logs logBuffer
	s := metricsServer(t, token, &logs)
	for _, auth := range []string{"", "Bearer", "Bearer " + token[:len(token)-1], "Basic " + token, "bearer " + token, "Bearer " + token + "x"} {
		rec := get(s, "/metrics", "Authorization", auth)
		if rec.Code != http.StatusUnauthorized || strings.Contains(rec.Body.String(), "spotcheck_") {
			t.Errorf("Authorization %q: %d", auth, rec.Code)
		}
	}
	get(s, "/healthz")
	get(s, "/healthz")
	get(s, "/no/such/page/123")
	get(s, "/no/such/page/456")
	get(s, "/log/records/abc")
	rec := get(s, "/metrics", "Authorization", "Bearer "+token)
	body := rec.Body.String()
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/plain") {
		t.Fatalf("with the token: %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	for _, l := range []string{
		`spotcheck_http_requests_total{route="GET /healthz",status="200"} 2`,
		`spotcheck_http_requests_total{route="unmatched",status="404"} 2`,
		`spotcheck_http_requests_total{route="GET /metrics",status="401"} 6`,
		`spotcheck_http_request_duration_seconds_count{route="GET /healthz"} 2`,
	} {
		if !strings.Contains(body, "\n"+l+"\n") {
			t.Errorf("missing %q", l)
		}
	}
	if strings.Contains(body, "/no/such") || !strings.Contains(body, `route="GET /log/records/{sha256}"`) {
		t.Error("a path, not its route's pattern, labels a series")
	}
	if strings.Contains(logs.String(), token[:8]) {
		t.Errorf("the token is in the log:\n%s", logs.String())
	}
}

// TestReadyz: /readyz is 503 while the server starts, 200 once ready and
// while the database answers, 503 when it fails or does not answer in
// time, and 503 for good once the server drains before shutting down —
// while /healthz still says the process is alive.
func TestReadyz(t *testing.T) {
	var dbErr error
	hang := false
	s, err := New(Config{Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Health: func(ctx context.Context) error {
			if hang {
				<-ctx.Done()
				return ctx.Err()
			}
			return dbErr
		}})
	if err != nil {
		t.Fatal(err)
	}
	want := func(when string, code int, body string) {
		t.Helper()
		rec := get(s, "/readyz")
		if rec.Code != code || !strings.Contains(rec.Body.String(), body) || rec.Header().Get("Cache-Control") != "no-store" {
			t.Errorf("%s: %d %q, want %d %q", when, rec.Code, rec.Body.String(), code, body)
		}
	}
	want("starting", http.StatusServiceUnavailable, "正在启动")
	s.MarkReady()
	want("ready", http.StatusOK, "ok")
	dbErr = errors.New("connection refused")
	want("database down", http.StatusServiceUnavailable, "数据库无响应")
	dbErr, hang = nil, true
	want("database hanging", http.StatusServiceUnavailable, "数据库无响应")
	hang = false
	want("database back", http.StatusOK, "ok")
	s.Drain()
	want("draining", http.StatusServiceUnavailable, "正在停止")
	s.MarkReady()
	want("ready again after draining", http.StatusServiceUnavailable, "正在停止")
	if code := get(s, "/healthz").Code; code != http.StatusOK {
		t.Errorf("/healthz while draining: %d", code)
	}
}
