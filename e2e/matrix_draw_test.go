package e2e

import (
	"context"
	"fmt"

	"spotcheck"
	"spotcheck/draw"
)

// makeDrawFixture creates, through the store and as the demo users would,
// a task of the city bureau on item, plans its draw with the supervisor as
// the official, commits, reveals and runs it, and requests the
// substitution of a selected entity, left pending: the records the draw
// routes of the permission matrix name. The draw stays sealed, so that the
// matrix's requests cannot change it (every step but the pending decision
// is done, and the decision needs a field the matrix does not send).
func makeDrawFixture(ctx context.Context, a *app, item string) (task string, drawID, changeID int64, err error) {
	staff := map[string]context.Context{}
	for _, user := range []string{"planner", "supervisor"} {
		if staff[user], err = a.asUser(ctx, user); err != nil {
			return "", 0, 0, err
		}
	}
	as := func(user string) context.Context { return staff[user] }
	credit := []spotcheck.StratumRule{{ID: "A", Rate: "3/100", Min: 1, Reserve: 2}, {ID: "B", Rate: "5/100", Min: 1, Reserve: 2},
		{ID: "C", Rate: "10/100", Min: 1, Reserve: 2}, {ID: "D", Rate: "30/100", Min: 1, Reserve: 2}}
	tk := spotcheck.Task{Code: "2026-E2E-MATRIX", Name: "权限矩阵抽查任务", Authority: cityBureau, Items: []string{item},
		StrataBy: spotcheck.StrataByCredit, Strata: credit, Team: []spotcheck.TeamSlot{{Unit: cityBureau, Size: 2}},
		Start: demoToday, End: "2026-12-26", Appointments: true} // 双预约: makePublicFixture
	if err := a.DB.Tasks().CreateTask(as("planner"), &tk); err != nil {
		return "", 0, 0, fmt.Errorf("CreateTask: %w", err)
	}
	if err := a.DB.Tasks().PublishTask(as("planner"), tk.Code); err != nil {
		return "", 0, 0, fmt.Errorf("PublishTask: %w", err)
	}
	d, err := a.DB.Draws().PlanDraw(as("planner"), tk.Code, spotcheck.DrawRequest{Officials: []string{"supervisor"}})
	if err != nil {
		return "", 0, 0, fmt.Errorf("PlanDraw: %w", err)
	}
	const secret = "纪检监察室见证-权限矩阵-2026-11-26"
	if err := a.DB.Draws().CommitDraw(as("supervisor"), d.ID, "supervisor", draw.Commitment(d.PlanHash, "supervisor", secret)); err != nil {
		return "", 0, 0, fmt.Errorf("CommitDraw: %w", err)
	}
	if err := a.DB.Draws().RevealDraw(as("supervisor"), d.ID, "supervisor", secret); err != nil {
		return "", 0, 0, fmt.Errorf("RevealDraw: %w", err)
	}
	if err := a.DB.Draws().RunDraw(as("planner"), d.ID, spotcheck.DrawRun{}); err != nil {
		return "", 0, 0, fmt.Errorf("RunDraw: %w", err)
	}
	picks, err := a.DB.Draws().FindDrawPicks(ctx, d.ID)
	if err != nil {
		return "", 0, 0, err
	}
	reserves := map[string]bool{}
	for _, p := range picks {
		if p.Reserve {
			reserves[p.Stratum] = true
		}
	}
	for _, p := range picks {
		if p.Reserve || !reserves[p.Stratum] {
			continue
		}
		c := &spotcheck.DrawChange{DrawID: d.ID, Kind: spotcheck.ChangeSubstitute, Entity: p.Entity, Reason: "closed",
			Note: "权限矩阵：待审批"}
		if err := a.DB.Draws().RequestDrawChange(as("planner"), c); err != nil {
			return "", 0, 0, fmt.Errorf("RequestDrawChange: %w", err)
		}
		return tk.Code, d.ID, c.ID, nil
	}
	return "", 0, 0, fmt.Errorf("the draw selected no entity of a stratum with reserves")
}
