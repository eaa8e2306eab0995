package main

import (
	"database/sql"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"spotcheck"
	"spotcheck/internal/pgtest"
	"spotcheck/internal/statscount"
	"spotcheck/store"
)

// demoClock is the run's clock (run in main_test.go): the day the demo is
// made, and the "today" of publication timeliness.
var demoClock = time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)

// TestDemoStats: the dashboard's figures are true for the demo's data
// (issue 14, item 5): for the demo's year, for the whole city (the
// supervisor, who sees every department; the city administrator, who
// sees the city bureau's subtree) and for 鼓楼区 (its planner, and the
// supervisor narrowing to it), every figure of every section that
// FindStats returns equals the one counted afresh from the raw tables
// (internal/statscount), on SQLite and, when the test PostgreSQL is there, on
// a demo made on PostgreSQL. The demo's figures are not trivial: results
// were completed, problems found, inspections made jointly.
func TestDemoStats(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		path := demoDB(t)
		db, err := store.Open(sysCtx, path)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
		if err != nil {
			t.Fatal(err)
		}
		defer raw.Close()
		checkDemoStats(t, db, raw)
	})
	t.Run("postgres", func(t *testing.T) {
		url := pgtest.URL(t)
		if code, _, errs := run(t, "demo", "--no-serve", "--db", url, "--log-key", filepath.Join(t.TempDir(), "pg.logkey")); code != 0 {
			t.Fatalf("demo on PostgreSQL: exit %d: %s", code, errs)
		}
		db, err := store.Open(sysCtx, url)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		raw, err := sql.Open("pgx", url)
		if err != nil {
			t.Fatal(err)
		}
		defer raw.Close()
		checkDemoStats(t, db, raw)
	})
}

// checkDemoStats compares FindStats with the independent count for the
// principals and departments of TestDemoStats.
func checkDemoStats(t *testing.T, db *store.DB, raw *sql.DB) {
	db.Now = func() time.Time { return demoClock }
	year := demoClock.Year()
	depts, err := db.Departments().FindDepartments(sysCtx)
	if err != nil {
		t.Fatal(err)
	}
	as := func(username string) *spotcheck.Principal {
		u, err := db.Accounts().FindUserByUsername(sysCtx, username)
		if err != nil {
			t.Fatal(err)
		}
		return spotcheck.NewPrincipal(*u, depts)
	}
	for _, c := range []struct {
		name, user, dept string
		scope            func(p *spotcheck.Principal) []string // nil: every department
	}{
		{"city/supervisor", "supervisor", "", func(*spotcheck.Principal) []string { return nil }},
		{"city/cityadmin", "cityadmin", "", func(p *spotcheck.Principal) []string { return p.Scope() }},
		{"district/glplanner", "glplanner", "", func(p *spotcheck.Principal) []string { return p.Scope() }},
		{"district/supervisor", "supervisor", "GLWL", func(*spotcheck.Principal) []string { return spotcheck.Subtree(depts, "GLWL") }},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := as(c.user)
			got, err := db.Stats().FindStats(spotcheck.NewContextWithPrincipal(sysCtx, p), spotcheck.StatsFilter{Year: year, Dept: c.dept})
			if err != nil {
				t.Fatal(err)
			}
			scope := c.scope(p)
			if !slices.Equal(got.Scope, scope) && !(got.Scope == nil && scope == nil) {
				t.Errorf("scope %v, want %v", got.Scope, scope)
			}
			want := statscount.Count(sysCtx, t, db, func(q string) (*sql.Rows, error) { return raw.QueryContext(sysCtx, q) }, scope, year)
			if c.dept == "" && scope == nil { // the city: 仓山区's control task (demo_control.go) was inspected
				if !slices.ContainsFunc(want.ByModel, func(m spotcheck.ModelHitRate) bool {
					_, _, _, ok := m.Difference()
					return m.Model == "2026.1" && ok
				}) {
					t.Errorf("no comparison of model 2026.1 with its control sample: %+v", want.ByModel)
				}
			}
			statscount.Compare(t, got, want)
			nonTrivial(t, want)
		})
	}
}

// nonTrivial fails when a section the demo is meant to fill is empty, and
// logs the sections that are empty on the demo.
func nonTrivial(t *testing.T, s *spotcheck.Stats) {
	t.Helper()
	inspected, problems, late := 0, 0, 0
	for _, r := range s.Coverage {
		inspected += r.Inspected
	}
	for _, h := range s.HitByStratum {
		problems += h.Problems
	}
	for _, x := range s.Timeliness {
		late += x.Late + x.PendingOverdue
	}
	for name, n := range map[string]int{"entities inspected": inspected, "completed inspections": s.Completed,
		"result categories": len(s.Results), "problems found": problems, "items looked at": len(s.HitByItem),
		"inspectors with work": len(s.Workload), "joint inspections": s.Joint.Joint, "publication timeliness rows": len(s.Timeliness)} {
		if n == 0 {
			t.Errorf("the demo has no %s", name)
		}
	}
	t.Logf("coverage cells %d, inspected %d; completed %d, categories %d, strata %v (problems %d), items %d; "+
		"timeliness %d depts (late or overdue %d); workload %d; repeats %d; multi-authority %d; joint %d/%d",
		len(s.Coverage), inspected, s.Completed, len(s.Results), s.HitByStratum, problems, len(s.HitByItem),
		len(s.Timeliness), late, len(s.Workload), len(s.Repeats), len(s.Multi), s.Joint.Joint, s.Joint.All)
}
