package main

import (
	"context"
	"fmt"

	"spotcheck"
	"spotcheck/draw"
	"spotcheck/store"
)

// demoStaff gives each demo user's context: a principal of their account
// and department, so that the rules apply to the demo's steps as they do
// to staff. ctx is the demo loader's system principal, which reads the
// accounts.
func demoStaff(ctx context.Context, db *store.DB, users ...string) (func(user string) context.Context, error) {
	depts, err := db.Departments().FindDepartments(ctx)
	if err != nil {
		return nil, err
	}
	staff := map[string]context.Context{}
	for _, name := range users {
		u, err := db.Accounts().FindUserByUsername(ctx, name)
		if err != nil {
			return nil, err
		}
		staff[name] = spotcheck.NewContextWithPrincipal(ctx, spotcheck.NewPrincipal(*u, depts))
	}
	return func(user string) context.Context { return staff[user] }, nil
}

// demoDraw is one draw of the demo: the supervisor's secret, the dice
// when the plan asks for them.
type demoDraw struct {
	planner string // who plans and runs it
	req     spotcheck.DrawRequest
	run     spotcheck.DrawRun
	secret  string
}

// runDemoDraw takes a published task's draw through the workflow staff
// use: the plan, the supervisor's commitment and reveal, the run.
func runDemoDraw(as func(string) context.Context, db *store.DB, task string, x demoDraw) (*spotcheck.Draw, error) {
	d, err := db.Draws().PlanDraw(as(x.planner), task, x.req)
	if err != nil {
		return nil, fmt.Errorf("演示抽取 %s：%w", task, err)
	}
	if err := db.Draws().CommitDraw(as("supervisor"), d.ID, "supervisor", draw.Commitment(d.PlanHash, "supervisor", x.secret)); err != nil {
		return nil, err
	}
	if err := db.Draws().RevealDraw(as("supervisor"), d.ID, "supervisor", x.secret); err != nil {
		return nil, err
	}
	if err := db.Draws().RunDraw(as(x.planner), d.ID, x.run); err != nil {
		return nil, err
	}
	return d, nil
}

// demoSubstitution replaces the first selected entity that has a reserve
// in its stratum, approved by a second official.
func demoSubstitution(as func(string) context.Context, db *store.DB, id int64) error {
	picks, err := db.Draws().FindDrawPicks(as("planner"), id)
	if err != nil {
		return err
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
		c := &spotcheck.DrawChange{DrawID: id, Kind: spotcheck.ChangeSubstitute, Entity: p.Entity, Reason: "closed",
			Note: "演示：现场核实已停业"}
		if err := db.Draws().RequestDrawChange(as("planner"), c); err != nil {
			return err
		}
		return db.Draws().DecideDrawChange(as("approver"), c.ID, true, "演示：同意替补")
	}
	return nil
}
