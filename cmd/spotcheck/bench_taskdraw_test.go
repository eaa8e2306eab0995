package main

import (
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
)

// TestBenchTaskDraw: after bench import, the task-draw benchmark gives
// the database its staff, draws a task over the imported entities of the
// chosen types through the store and verifies the log, which the log
// command then verifies too.
func TestBenchTaskDraw(t *testing.T) {
	db := filepath.Join(t.TempDir(), "scale.db")
	if code, _, errs := run(t, "bench", "import", "--entities", "3000", "--db", db); code != 0 {
		t.Fatalf("import: exit %d: %s", code, errs)
	}
	code, out, errs := run(t, "bench", "taskdraw", "--db", db, "--types", "T06", "--rate", "10/100", "--inspectors", "50")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	m := regexp.MustCompile(`frame of (\d+) entities .*, (\d+) inspectors`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("output:\n%s", out)
	}
	// T06 is about a fifth of the synthetic directory; the roster is the
	// demo's inspectors and the 50 added.
	if n, _ := strconv.Atoi(m[1]); n < 300 || n > 900 {
		t.Errorf("frame of %d entities, want about 600:\n%s", n, out)
	}
	if n, _ := strconv.Atoi(m[2]); n < 50 {
		t.Errorf("roster of %d inspectors, want the 50 added and more:\n%s", n, out)
	}
	if !regexp.MustCompile(`run: [1-9]\d* selected, 0 unassigned`).MatchString(out) ||
		!regexp.MustCompile(`log verify: ok \d+ entries`).MatchString(out) {
		t.Errorf("output:\n%s", out)
	}
	if code, out, errs := run(t, "log", "verify", "--db", db); code != 0 || !regexp.MustCompile(`^ok \d+ entries`).MatchString(out) {
		t.Errorf("log verify: exit %d: %s%s", code, out, errs)
	}
}
