package e2e

import (
	"context"
	"fmt"

	"spotcheck"
	"spotcheck/draw"
)

// visitPartner is the district of the visit fixture's second task.
const visitPartner = "TJWL"

// makeVisitFixture draws two tasks of different departments, the city
// bureau's and 台江区's, that select every travel agency of 台江区 in the
// same window, so that the second draw proposes joint visits; it returns
// one of them (led by the city bureau, which drew first). 台江区 has no
// demo user, so the matrix's one department per record holds: 鼓楼区's
// users may not see the visit. (A partner's planner sees a visit but may
// not decide it: store and API tests.)
func makeVisitFixture(ctx context.Context, a *app) (int64, error) {
	staff := map[string]context.Context{}
	for _, user := range []string{"planner", "supervisor"} {
		c, err := a.asUser(ctx, user)
		if err != nil {
			return 0, err
		}
		staff[user] = c
	}
	all := []spotcheck.StratumRule{{ID: "A", Rate: "100/100"}, {ID: "B", Rate: "100/100"},
		{ID: "C", Rate: "100/100"}, {ID: "D", Rate: "100/100"}}
	var division string
	for _, d := range a.Data.Departments {
		if d.Code == visitPartner {
			division = d.Division
		}
	}
	for i, dept := range []string{cityBureau, visitPartner} {
		tk := spotcheck.Task{Code: "2026-E2E-VISIT-" + dept, Name: "权限矩阵联合检查任务（" + dept + "）", Authority: dept,
			Items: []string{[]string{"WL-LXS-001", "WL-LXS-003"}[i]}, Scope: spotcheck.TaskScope{Types: []string{"T01"}, Divisions: []string{division}},
			StrataBy: spotcheck.StrataByCredit, Strata: all, Team: []spotcheck.TeamSlot{{Unit: dept, Size: 2}},
			Start: demoToday, End: "2026-12-26"}
		if err := a.DB.Tasks().CreateTask(staff["planner"], &tk); err != nil {
			return 0, fmt.Errorf("CreateTask %s: %w", tk.Code, err)
		}
		if err := a.DB.Tasks().PublishTask(staff["planner"], tk.Code); err != nil {
			return 0, fmt.Errorf("PublishTask %s: %w", tk.Code, err)
		}
		d, err := a.DB.Draws().PlanDraw(staff["planner"], tk.Code, spotcheck.DrawRequest{Officials: []string{"supervisor"}})
		if err != nil {
			return 0, fmt.Errorf("PlanDraw: %w", err)
		}
		const secret = "纪检监察室见证-联合检查-2026-11-26"
		if err := a.DB.Draws().CommitDraw(staff["supervisor"], d.ID, "supervisor", draw.Commitment(d.PlanHash, "supervisor", secret)); err != nil {
			return 0, fmt.Errorf("CommitDraw: %w", err)
		}
		if err := a.DB.Draws().RevealDraw(staff["supervisor"], d.ID, "supervisor", secret); err != nil {
			return 0, fmt.Errorf("RevealDraw: %w", err)
		}
		if err := a.DB.Draws().RunDraw(staff["planner"], d.ID, spotcheck.DrawRun{}); err != nil {
			return 0, fmt.Errorf("RunDraw: %w", err)
		}
	}
	vs, err := a.DB.Visits().FindVisits(staff["planner"], spotcheck.VisitFilter{State: spotcheck.VisitProposed})
	if err != nil {
		return 0, err
	}
	for _, v := range vs {
		if v.Lead == cityBureau {
			return v.ID, nil
		}
	}
	return 0, fmt.Errorf("the two draws proposed no visit led by %s (%d proposals)", cityBureau, len(vs))
}
