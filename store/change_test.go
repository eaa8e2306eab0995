package store_test

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"spotcheck"
	"spotcheck/draw"
	"spotcheck/store"
)

// changeVersions returns the versions of the recorded changes of a record,
// oldest first.
func changeVersions(t *testing.T, db *store.DB, kind, key string) []int {
	t.Helper()
	l, err := db.Changes().FindChanges(ctx, spotcheck.ChangeFilter{Kind: kind, Key: key, Limit: spotcheck.MaxPageSize})
	if err != nil {
		t.Fatal(err)
	}
	var out []int
	for _, c := range l.Items {
		out = append(out, c.Version)
	}
	slices.Reverse(out) // FindChanges is newest first
	return out
}

// A change's version is the record's version after the change: the
// record's Version for a directory record, the change's number among the
// record's changes for a draw, a task or an account (service.go, Change).
func TestChangeVersion(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		as := drawWorld(t, db)
		dep := &spotcheck.Department{Code: "VERS", Name: "版本测试科", Division: "350100", Kind: spotcheck.DeptOffice,
			Parent: "FZWL", Active: true}
		for _, name := range []string{"", "版本测试二科"} {
			if name != "" {
				dep.Name = name
			}
			if err := db.Departments().SaveDepartment(ctx, dep); err != nil {
				t.Fatalf("SaveDepartment: %v", err)
			}
		}
		if got := changeVersions(t, db, "department", "VERS"); !slices.Equal(got, []int{1, 2}) || dep.Version != 2 {
			t.Errorf("department: change versions %v, record version %d; want [1 2] and 2", got, dep.Version)
		}

		if err := db.Tasks().CreateTask(as("planner"), drawTask("2026-FZWL-SJ-009", "WL-LXS-001")); err != nil {
			t.Fatalf("CreateTask: %v", err)
		}
		if got := changeVersions(t, db, "task", "2026-FZWL-SJ-009"); !slices.Equal(got, []int{1}) {
			t.Errorf("task: change versions %v, want [1]", got)
		}
		publishTask(t, db, as, "2026-FZWL-SJ-009")
		d, err := db.Draws().PlanDraw(as("planner"), "2026-FZWL-SJ-009", spotcheck.DrawRequest{Officials: []string{"supervisor"}})
		if err != nil {
			t.Fatalf("PlanDraw: %v", err)
		}
		if err := db.Draws().CommitDraw(as("supervisor"), d.ID, "supervisor",
			draw.Commitment(d.PlanHash, "supervisor", supervisorSecret)); err != nil {
			t.Fatalf("CommitDraw: %v", err)
		}
		if err := db.Draws().RevealDraw(as("supervisor"), d.ID, "supervisor", supervisorSecret); err != nil {
			t.Fatalf("RevealDraw: %v", err)
		}
		key := strconv.FormatInt(d.ID, 10)
		if got := changeVersions(t, db, "draw", key); !slices.Equal(got, []int{1, 2, 3}) {
			t.Errorf("draw: change versions %v, want [1 2 3] (plan, commit, reveal)", got)
		}

		u := &spotcheck.User{Username: "versioned", Name: "版本测试", Dept: "FZWL", Roles: []string{spotcheck.RoleInspector},
			Active: true}
		if err := db.Accounts().CreateUser(ctx, u, "Qz-7rTk!2026-mp"); err != nil {
			t.Fatalf("CreateUser: %v", err)
		}
		u.Name = "版本测试二"
		if err := db.Accounts().UpdateUser(ctx, u); err != nil {
			t.Fatalf("UpdateUser: %v", err)
		}
		if got := changeVersions(t, db, "user", "versioned"); !slices.Equal(got, []int{1, 2}) {
			t.Errorf("user: change versions %v, want [1 2]", got)
		}
	})
}

// The change history has one writer (writeChange in change.go), so that a
// change's version has one meaning.
func TestOneChangeWriter(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var writers []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for range strings.Count(string(b), "INSERT INTO changes") {
			writers = append(writers, f)
		}
	}
	if !slices.Equal(writers, []string{"change.go"}) {
		t.Errorf("INSERT INTO changes in %v, want only in change.go's writeChange", writers)
	}
}
