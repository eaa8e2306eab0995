package main

import (
	"regexp"
	"strconv"
	"testing"
)

// TestBenchReclassify: the reclassification benchmark makes its world —
// entities with three years of results, follow-ups, complaints and
// penalties — and its preview and apply do real work: entities move and
// the facts of each source are found.
func TestBenchReclassify(t *testing.T) {
	code, out, errs := run(t, "bench", "reclassify", "--entities", "3000", "--inspections-per-year", "300")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !regexp.MustCompile(`history: \d+ inspections over 3 years`).MatchString(out) {
		t.Errorf("output:\n%s", out)
	}
	m := regexp.MustCompile(`apply sqlite: (\d+) moves`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("output:\n%s", out)
	}
	if n, _ := strconv.Atoi(m[1]); n == 0 {
		t.Errorf("nothing moved:\n%s", out)
	}
	f := regexp.MustCompile(`facts: (\d+) entities with adverse results, (\d+) with open follow-ups, (\d+) on the abnormal list, (\d+) with complaints, (\d+) with penalties; (\d+) inspected`).FindStringSubmatch(out)
	if f == nil {
		t.Fatalf("output:\n%s", out)
	}
	for i, what := range []string{"adverse results", "open follow-ups", "abnormal list", "complaints", "penalties", "inspected"} {
		if n, _ := strconv.Atoi(f[i+1]); n == 0 {
			t.Errorf("no entity with %s:\n%s", what, out)
		}
	}
}
