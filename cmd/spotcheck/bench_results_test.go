package main

import (
	"regexp"
	"strconv"
	"testing"
)

// TestBenchResults: the search benchmark makes its world — one result
// published through the services, cloned for each imported entity — and
// its searches through the portal answer with results and no error.
func TestBenchResults(t *testing.T) {
	code, out, errs := run(t, "bench", "results", "--results", "300", "--clients", "2", "--duration", "1s")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !regexp.MustCompile(`world: 300 publications cloned`).MatchString(out) {
		t.Errorf("output:\n%s", out)
	}
	m := regexp.MustCompile(`(\d+) requests \(\d+/s\), 0 errors;.*; (\d+) of them found results`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("output:\n%s", out)
	}
	if n, _ := strconv.Atoi(m[2]); n == 0 {
		t.Errorf("no search found a result:\n%s", out)
	}
}
