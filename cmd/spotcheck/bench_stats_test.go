package main

import (
	"regexp"
	"strconv"
	"testing"
)

// TestBenchStats: the dashboard's benchmark makes its world and times
// each section of the dashboard.
func TestBenchStats(t *testing.T) {
	code, out, errs := run(t, "bench", "stats", "--entities", "3000", "--inspections", "500", "--runs", "1")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	m := regexp.MustCompile(`world: 3000 entities, (\d+) inspections`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("output:\n%s", out)
	}
	if n, _ := strconv.Atoi(m[1]); n < 400 {
		t.Errorf("%d inspections:\n%s", n, out)
	}
	for _, s := range []string{"coverage", "results", "strata", "items", "models", "timeliness", "workload", "repeats", "multi", "joint"} {
		if !regexp.MustCompile(`stats sqlite ` + s + ` +median +[\d.]+ ms of 1 runs`).MatchString(out) {
			t.Errorf("no %s:\n%s", s, out)
		}
	}
	if !regexp.MustCompile(`slowest section [\d.]+ ms`).MatchString(out) {
		t.Errorf("output:\n%s", out)
	}
}
