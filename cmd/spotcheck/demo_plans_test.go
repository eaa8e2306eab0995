package main

import (
	"slices"
	"strings"
	"testing"

	"spotcheck"
	"spotcheck/demo"
	"spotcheck/store"
)

// TestDemoPlans: the demo has what issue 10 asks of it — the city's and
// 鼓楼区's published plans (the latter filed with the city), tasks in every
// state up to 检查中 and a cancelled one, joint visits merged from the fire
// brigade's joint task, the entity an ad-hoc draw left without a team
// given one by an approved assignment, and a district draft that fails the check with findings.
func TestDemoPlans(t *testing.T) {
	dbPath := demoDB(t)
	if code, out, errs := run(t, "plan", "check", "--dept", "FZWL", "--year", "2026", "--db", dbPath); code != 0 || out != "ok\n" {
		t.Errorf("the city's plan: exit %d, %q %s", code, out, errs)
	}
	code, out, _ := run(t, "plan", "check", "--dept", "GLWL", "--year", "2027", "--db", dbPath)
	if code != 1 || !strings.Contains(out, "risk-ratio\t2027-GLWL-ZH-001/D\t") || !strings.Contains(out, "rounds\tT16/350102\t") {
		t.Errorf("鼓楼区's draft: exit %d\n%s", code, out)
	}

	db, err := store.Open(sysCtx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	gl, err := db.Plans().FindPlanByKey(sysCtx, "GLWL-2026")
	if err != nil || gl.State != spotcheck.PlanPublished || gl.FiledWith != "FZWL" {
		t.Errorf("鼓楼区's plan: %+v %v", gl, err)
	}
	tasks, err := db.Tasks().FindTasks(sysCtx, spotcheck.TaskFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var states []string
	for _, tk := range tasks.Items {
		states = append(states, tk.State)
	}
	for _, s := range []string{spotcheck.TaskDraft, spotcheck.TaskPublished, spotcheck.TaskDrawn, spotcheck.TaskInspecting, spotcheck.TaskCancelled} {
		if !slices.Contains(states, s) {
			t.Errorf("no task is %s: %v", spotcheck.TaskStateNames[s], states)
		}
	}
	visits, err := db.Visits().FindVisits(sysCtx, spotcheck.VisitFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var accepted, proposed int
	for _, v := range visits {
		switch {
		case v.State == spotcheck.VisitAccepted && len(v.Parts) >= 2 && v.Notice != "":
			accepted++
		case v.State == spotcheck.VisitProposed:
			proposed++
		}
	}
	if accepted == 0 || proposed != 1 {
		t.Errorf("%d accepted visits and %d proposed, want some and one", accepted, proposed)
	}
	draws, err := db.Draws().FindDraws(sysCtx, spotcheck.DrawFilter{Task: "2026-GLWL-LS-001"})
	if err != nil || len(draws.Items) != 1 || draws.Items[0].Unassigned == 0 {
		t.Fatalf("鼓楼区's night check: %+v %v, want a draw that left an entity without a team", draws.Items, err)
	}
	changes, err := db.Draws().FindDrawChanges(sysCtx, draws.Items[0].ID)
	if err != nil || len(changes) != draws.Items[0].Unassigned {
		t.Fatalf("鼓楼区's night check: %d changes for %d unassigned entities, %v", len(changes), draws.Items[0].Unassigned, err)
	}
	for _, c := range changes {
		if c.Kind != spotcheck.ChangeAssign || c.State != spotcheck.ChangeApproved {
			t.Errorf("change %+v, want an approved assignment", c)
		}
	}

	// The demo's inspector is linked to a 鼓楼区 inspector on teams of
	// 鼓楼区's draw, and so has inspections to record (issue 11).
	u, err := db.Accounts().FindUserByUsername(sysCtx, "inspector")
	if err != nil || u.StaffID != demo.DemoInspector {
		t.Fatalf("the inspector account: %+v, %v", u, err)
	}
	depts, err := db.Departments().FindDepartments(sysCtx)
	if err != nil {
		t.Fatal(err)
	}
	as := spotcheck.NewContextWithPrincipal(sysCtx, spotcheck.NewPrincipal(*u, depts))
	mine, err := db.Inspections().FindInspections(as, spotcheck.InspectionFilter{Mine: true, Task: "2026-GLWL-SJ-001"})
	if err != nil || len(mine) == 0 {
		t.Fatalf("the inspector's inspections of 2026-GLWL-SJ-001: %d, %v", len(mine), err)
	}
	for _, in := range mine {
		if !slices.Contains(in.Team, demo.DemoInspector) {
			t.Errorf("inspection %d of another team: %v", in.ID, in.Team)
		}
	}
}
