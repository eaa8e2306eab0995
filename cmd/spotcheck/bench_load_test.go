package main

import (
	"regexp"
	"strings"
	"testing"
)

// TestBenchLoad is the one-minute version of the load test that CI runs
// (issue 13, item 8; the ten-minute run on a million entities is in
// docs/performance.md): 200 staff at their roles' daily pages and 500
// public readers, one request a second each, against a world of 20,000
// entities, with no failed request and a heap that does not keep growing
// (the command fails otherwise), and every page measured.
func TestBenchLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("a minute of load")
	}
	code, out, errs := run(t, "bench", "load", "--entities", "20000", "--staff", "200", "--public", "500",
		"--think", "1s", "--duration", "1m")
	if code != 0 {
		t.Fatalf("exit %d: %s\n%s", code, errs, out)
	}
	for _, page := range []string{"staff home", "staff entity search", "staff inspections", "staff inspection",
		"staff deadlines", "public home", "public results search", "public task"} {
		if !regexp.MustCompile(`(?m)^` + page + ` +[1-9]\d* requests \(\d+/s\), 0 errors`).MatchString(out) {
			t.Errorf("%s: not measured without errors:\n%s", page, out)
		}
	}
	if !strings.Contains(out, "errors: 0 []") {
		t.Errorf("output:\n%s", out)
	}
}
