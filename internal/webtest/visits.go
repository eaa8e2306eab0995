package webtest

import (
	"testing"

	"spotcheck"
	"spotcheck/draw"
)

// DrawEvery creates a task of dept over every travel agency of 鼓楼区 (rate
// 100 %) on item and runs its draw, as the demo's planner and supervisor.
func (a *App) DrawEvery(t testing.TB, code, dept, item string) {
	t.Helper()
	a.DrawEveryIn(t, code, dept, item, "350102")
}

// DrawEveryIn is DrawEvery over the travel agencies of division.
func (a *App) DrawEveryIn(t testing.TB, code, dept, item, division string) {
	t.Helper()
	all := []spotcheck.StratumRule{{ID: "A", Rate: "100/100"}, {ID: "B", Rate: "100/100"}, {ID: "C", Rate: "100/100"}, {ID: "D", Rate: "100/100"}}
	tk := spotcheck.Task{Code: code, Name: "联合检查测试任务 " + code, Authority: dept, Items: []string{item},
		Scope: spotcheck.TaskScope{Types: []string{"T01"}, Divisions: []string{division}}, StrataBy: spotcheck.StrataByCredit,
		Strata: all, Team: []spotcheck.TeamSlot{{Unit: dept, Size: 2}}, Start: Today, End: "2026-12-26"}
	planner, sup := a.As(t, "planner"), a.As(t, "supervisor")
	if err := a.DB.Tasks().CreateTask(planner, &tk); err != nil {
		t.Fatalf("CreateTask: %v", err)
	}
	if err := a.DB.Tasks().PublishTask(planner, code); err != nil {
		t.Fatalf("PublishTask: %v", err)
	}
	d, err := a.DB.Draws().PlanDraw(planner, code, spotcheck.DrawRequest{Officials: []string{"supervisor"}})
	if err != nil {
		t.Fatalf("PlanDraw: %v", err)
	}
	const secret = "纪检监察室见证-联合检查页面测试-2026-11-26"
	if err := a.DB.Draws().CommitDraw(sup, d.ID, "supervisor", draw.Commitment(d.PlanHash, "supervisor", secret)); err != nil {
		t.Fatal(err)
	}
	if err := a.DB.Draws().RevealDraw(sup, d.ID, "supervisor", secret); err != nil {
		t.Fatal(err)
	}
	if err := a.DB.Draws().RunDraw(planner, d.ID, spotcheck.DrawRun{}); err != nil {
		t.Fatal(err)
	}
}
