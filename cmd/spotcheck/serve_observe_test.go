package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a stderr the test reads while the server writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// fetch GETs url with an optional bearer token.
func fetch(t *testing.T, url, token string) (int, string, http.Header) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

// TestServeObservability: serve --log-format json with the metrics token
// in the environment logs JSON lines naming each request's id, is ready,
// serves the database's figures at /metrics to the token's holder only
// and never logs the token; asked to stop, it answers /readyz with 503
// for --drain-wait before it closes.
func TestServeObservability(t *testing.T) {
	const token = "metrics-token-for-the-test-0042"
	t.Setenv(MetricsTokenEnv, token)
	var stderr syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ready := make(chan string, 1)
	m := &Main{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: &stderr, Now: time.Now,
		Ready: func(addr string) { ready <- addr }}
	done := make(chan int, 1)
	go func() {
		done <- m.Run(ctx, []string{"serve", "--db", filepath.Join(t.TempDir(), "s.db"), "--addr", "127.0.0.1:0",
			"--log-format", "json", "--drain-wait", "5s"})
	}()
	var url string
	select {
	case addr := <-ready:
		url = "http://" + addr
	case code := <-done:
		t.Fatalf("exit %d before serving: %s", code, stderr.String())
	}

	if code, body, _ := fetch(t, url+"/readyz", ""); code != http.StatusOK {
		t.Errorf("/readyz: %d %q", code, body)
	}
	if code, _, _ := fetch(t, url+"/metrics", ""); code != http.StatusUnauthorized {
		t.Errorf("/metrics without the token: %d", code)
	}
	code, body, hdr := fetch(t, url+"/metrics", token)
	if code != http.StatusOK {
		t.Fatalf("/metrics: %d", code)
	}
	for _, l := range []string{"spotcheck_scrape_ok 1", "spotcheck_publications_overdue 0", `spotcheck_outbox_records{state="dead"} 0`,
		`spotcheck_http_requests_total{route="GET /readyz",status="200"} 1`} {
		if !strings.Contains(body, "\n"+l+"\n") {
			t.Errorf("/metrics lacks %q", l)
		}
	}
	id := hdr.Get("X-Request-Id")
	found := false
	for _, line := range strings.Split(strings.TrimSpace(stderr.String()), "\n") {
		var rec map[string]any
		if !strings.HasPrefix(line, "{") {
			continue // the log key's notice
		}
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("not a JSON log line: %q", line)
		}
		if rec["msg"] == "request" && rec["path"] == "/metrics" && rec["request_id"] == id && rec["status"] == float64(200) {
			found = true
		}
	}
	if !found {
		t.Errorf("no JSON request line with id %q:\n%s", id, stderr.String())
	}

	cancel()
	for {
		resp, err := http.Get(url + "/readyz")
		if err != nil {
			t.Fatalf("the listener closed before /readyz said 503 (%v)", err)
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusServiceUnavailable {
			break
		}
	}
	if code := <-done; code != 0 {
		t.Errorf("exit %d after shutdown", code)
	}
	if strings.Contains(stderr.String(), token) {
		t.Error("the token is in the log")
	}
}

// TestServeObserveFlags: a bad --log-format, a missing, empty or short
// token is refused at start, naming the flag and never the token.
func TestServeObserveFlags(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "x.db")
	empty, short := filepath.Join(dir, "empty"), filepath.Join(dir, "short")
	os.WriteFile(empty, []byte("\n"), 0o600)
	os.WriteFile(short, []byte("tiny-secret\n"), 0o600)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--log-format", "xml"}, "--log-format"},
		{[]string{"--metrics-token-file", filepath.Join(dir, "missing")}, "不存在"},
		{[]string{"--metrics-token-file", empty}, "是空的"},
		{[]string{"--metrics-token-file", short}, "监控令牌太短"},
		{[]string{"--drain-wait", "-1s"}, "--drain-wait"},
	} {
		code, _, errs := run(t, append([]string{"serve", "--db", db}, c.args...)...)
		if code != exitUsage || !strings.Contains(errs, c.want) || strings.Contains(errs, "tiny-secret") {
			t.Errorf("%v: exit %d, %s", c.args, code, errs)
		}
	}
}
