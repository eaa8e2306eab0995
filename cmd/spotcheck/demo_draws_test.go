package main

import (
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The demo's draws are real: they export as bundles that verify with their
// log proofs, the log verifies, and an entry edited in the database file
// is caught (issue 4, "done when").
func TestDemoDrawsExportAndVerify(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "demo.db")
	if code, _, errs := run(t, "demo", "--no-serve", "--db", dbPath); code != 0 {
		t.Fatalf("demo: exit %d: %s", code, errs)
	}
	code, out, errs := run(t, "draw", "export", "--all", "--db", dbPath, "--out", filepath.Join(dir, "out"))
	if code != 0 {
		t.Fatalf("draw export: exit %d: %s", code, errs)
	}
	bundles := strings.Fields(out)
	if len(bundles) != 5 {
		t.Fatalf("want the five draws' bundles, got %q", out)
	}
	for _, b := range bundles {
		if _, err := os.Stat(filepath.Join(b, "log", "checkpoint")); err != nil {
			t.Fatalf("bundle %s has no log: %v", b, err)
		}
		code, out, errs := run(t, "draw", "verify", b)
		if code != 0 || !strings.HasPrefix(out, "ok 2026-") {
			t.Fatalf("draw verify %s: exit %d, stdout %q, stderr %s", b, code, out, errs)
		}
	}
	if !strings.Contains(bundles[1], "2026-LH-001-") {
		t.Fatalf("the joint task's bundle is missing: %v", bundles)
	}

	// 仓山区's task has a control sample: its bundle holds it, verify
	// recomputed it above, and a changed line is caught.
	control := filepath.Join(bundles[4], "control.tsv")
	sample, err := os.ReadFile(control)
	n := strings.Count(string(sample), "\n")
	if err != nil || !strings.Contains(bundles[4], "-CSWL-SJ-001-") || n < 2 || n > 20 {
		t.Fatalf("the control sample of %s: %d lines, %v", bundles[4], n, err)
	}
	lines := strings.SplitAfter(string(sample), "\n")
	if err := os.WriteFile(control, []byte(strings.Join(append(lines[1:n], lines[0]), "")), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := run(t, "draw", "verify", bundles[4]); code != 1 || !strings.Contains(errs, "control.tsv") {
		t.Fatalf("a reordered control sample: exit %d, stderr %q", code, errs)
	}

	// A changed byte in an exported result is caught.
	res := filepath.Join(bundles[0], "selected.tsv")
	data, err := os.ReadFile(res)
	if err != nil {
		t.Fatal(err)
	}
	data[len(data)-2] ^= 1
	if err := os.WriteFile(res, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := run(t, "draw", "verify", bundles[0]); code != 1 || !strings.Contains(errs, "selected.tsv") {
		t.Fatalf("tampered bundle: exit %d, stderr %q", code, errs)
	}

	code, out, errs = run(t, "log", "verify", "--db", dbPath)
	if code != 0 || !strings.HasPrefix(out, "ok ") {
		t.Fatalf("log verify: exit %d, stdout %q, stderr %s", code, out, errs)
	}
	raw, err := sql.Open("sqlite", "file:"+dbPath+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`UPDATE log_entries SET entry = replace(entry, '"type":"', '"type":"x') WHERE idx = 0`); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := run(t, "log", "verify", "--db", dbPath); code != 1 || !strings.HasPrefix(errs, "第 0 条记录") {
		t.Fatalf("edited entry: exit %d, stderr %q", code, errs)
	}
}
