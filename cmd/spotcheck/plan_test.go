package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"spotcheck"
	"spotcheck/demo"
	"spotcheck/internal/pgtest"
	"spotcheck/store"
)

// TestPlanCheckCommand runs `plan check` as spec/cli.md fixes it, on both
// databases: exit 2 for an unknown department or a year without a plan,
// one line per finding and exit 1, `ok` and exit 0 once the plan complies.
func TestPlanCheckCommand(t *testing.T) {
	for name, dsn := range map[string]func() string{
		"sqlite":   func() string { return filepath.Join(t.TempDir(), "p.db") },
		"postgres": func() string { return pgtest.URL(t) },
	} {
		t.Run(name, func(t *testing.T) {
			dsn := dsn()
			ctx := spotcheck.NewContextWithPrincipal(context.Background(), spotcheck.System("test"))
			db, err := store.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if err := demo.Load(ctx, db.Transfers(), db.Accounts(), demo.Generate(7, 300, "2026-03-01"), nil); err != nil {
				t.Fatal(err)
			}
			if err := db.Plans().CreatePlan(ctx, &spotcheck.Plan{Dept: "GLWL", Year: 2026, Name: "鼓楼区2026年度计划", Office: "文化市场管理科"}); err != nil {
				t.Fatal(err)
			}
			task := func(code string, round int) spotcheck.Task {
				return spotcheck.Task{Code: code, Name: "年度抽查", Round: round, Items: []string{"WL-LXS-001"},
					Strata: []spotcheck.StratumRule{{ID: "A", Rate: "20/100"}, {ID: "B", Rate: "20/100"},
						{ID: "C", Rate: "30/100"}, {ID: "D", Rate: "50/100"}},
					Team: []spotcheck.TeamSlot{{Unit: "GLWL", Size: 2}}, CapSlack: 100, Start: "2026-04-01", End: "2026-06-30"}
			}
			if err := db.Plans().CreatePlanTasks(ctx, "GLWL-2026", spotcheck.SliceSource("tasks", []spotcheck.Task{task("2026-GLWL-JH-001", 1)})); err != nil {
				t.Fatal(err)
			}
			check := func(args ...string) (int, string, string) {
				return run(t, append(append([]string{"plan", "check"}, args...), "--db", dsn)...)
			}
			if code, _, errs := check("--dept", "NOPE", "--year", "2026"); code != 2 || !strings.Contains(errs, "没有部门“NOPE”") {
				t.Errorf("unknown department: exit %d, %q", code, errs)
			}
			if code, _, errs := check("--dept", "GLWL", "--year", "2027"); code != 2 || !strings.Contains(errs, "GLWL 2027 年度没有抽查计划") {
				t.Errorf("year without a plan: exit %d, %q", code, errs)
			}
			code, out, _ := check("--dept", "glwl", "--year", "2026")
			lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
			if code != 1 || len(lines) == 0 {
				t.Fatalf("one round: exit %d, %q", code, out)
			}
			for _, l := range lines {
				f := strings.Split(l, "\t")
				if len(f) != 3 || f[0] != spotcheck.RuleRounds || !strings.HasSuffix(f[1], "/350102") || !strings.Contains(f[2], "少于每年 2 轮") {
					t.Errorf("finding line %q", l)
				}
			}
			if err := db.Plans().CreatePlanTasks(ctx, "GLWL-2026", spotcheck.SliceSource("tasks", []spotcheck.Task{task("2026-GLWL-JH-002", 2)})); err != nil {
				t.Fatal(err)
			}
			if code, out, errs := check("--dept", "GLWL", "--year", "2026"); code != 0 || out != "ok\n" {
				t.Errorf("compliant plan: exit %d, %q, %q", code, out, errs)
			}
		})
	}
}
