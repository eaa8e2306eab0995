package main

import (
	"os"
	"strings"
	"testing"
)

// bench merge runs end to end on small draws, on SQLite and, when the
// test PostgreSQL is there, on a temporary database of it.
func TestBenchMergeSmall(t *testing.T) {
	args := []string{"bench", "merge", "--entities", "300", "--population", "700", "--runs", "2"}
	pg := os.Getenv("SPOTCHECK_TEST_POSTGRES")
	if pg != "" {
		args = append(args, "--pg", pg)
	}
	code, out, errs := run(t, args...)
	if code != 0 {
		t.Fatalf("exit %d, %s", code, errs)
	}
	wants := []string{"generate: 5 departments × 300 selections", "merge SQLite: ", "2 runs: median"}
	if pg != "" {
		wants = append(wants, "merge PostgreSQL: ")
	}
	for _, w := range wants {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
	if code, _, _ := run(t, "bench", "merge", "--depts", "1"); code != 2 {
		t.Errorf("one department: exit %d, want 2", code)
	}
}
