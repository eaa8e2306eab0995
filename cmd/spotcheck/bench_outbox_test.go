package main

import (
	"regexp"
	"testing"
)

// TestBenchOutbox: the benchmark runs on a small scale and reports every
// record delivered, each key applied once, none dead.
func TestBenchOutbox(t *testing.T) {
	code, out, errs := run(t, "bench", "outbox", "--records", "60", "--outage", "1m", "--rate", "2")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !regexp.MustCompile(`60 requests, 60 distinct keys`).MatchString(out) ||
		!regexp.MustCompile(`backlog 120 records`).MatchString(out) {
		t.Errorf("output:\n%s", out)
	}
	m := regexp.MustCompile(`(\d+) delivered, 0 dead; receiver: (\d+) distinct keys of (\d+) records`).FindStringSubmatch(out)
	if m == nil || m[1] != m[2] || m[2] != m[3] {
		t.Errorf("output:\n%s", out)
	}
}
