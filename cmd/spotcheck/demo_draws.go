package main

import (
	"context"
	"fmt"
	"time"

	"spotcheck"
	"spotcheck/draw"
	"spotcheck/store"
)

// demoDraws runs two complete draws on the demo data through the same
// workflow staff use, so that the draw pages, `draw export --all` and
// `log verify` have something real to show: a city-bureau draw of travel
// agencies and scenic spots with a substitution, published; and a joint
// task with the fire brigade (联合抽查), still under embargo. Each step is
// taken by the demo user whose job it is, as that user (a principal of
// their account and department), so that the draw's rules apply to the
// demo as they do to staff; ctx is the demo loader's system principal,
// which reads the accounts.
func (m *Main) demoDraws(ctx context.Context, db *store.DB, today time.Time) error {
	depts, err := db.Departments().FindDepartments(ctx)
	if err != nil {
		return err
	}
	staff := map[string]context.Context{}
	for _, name := range []string{"planner", "supervisor", "approver"} {
		u, err := db.Accounts().FindUserByUsername(ctx, name)
		if err != nil {
			return err
		}
		staff[name] = spotcheck.NewContextWithPrincipal(ctx, spotcheck.NewPrincipal(*u, depts))
	}
	as := func(user string) context.Context { return staff[user] }
	start := today.Format(spotcheck.DateLayout)
	end := today.AddDate(0, 0, 30)
	if end.Year() != today.Year() {
		end = time.Date(today.Year(), 12, 31, 0, 0, 0, 0, time.UTC)
	}
	credit := []spotcheck.StratumRule{{ID: "A", Rate: "3/100", Min: 1, Reserve: 2}, {ID: "B", Rate: "5/100", Min: 1, Reserve: 2},
		{ID: "C", Rate: "10/100", Min: 1, Reserve: 2}, {ID: "D", Rate: "30/100", Min: 1, Reserve: 1}}
	tasks := []struct {
		task    spotcheck.Task
		req     spotcheck.DrawRequest
		run     spotcheck.DrawRun
		secret  string
		publish bool
	}{{
		task: spotcheck.Task{Code: fmt.Sprintf("%d-FZWL-SJ-001", today.Year()), Name: "旅行社及A级旅游景区“双随机”抽查（第一批）",
			Authority: "FZWL", Items: []string{"WL-LXS-001", "WL-LXS-002", "WL-JQ-001"},
			Scope: spotcheck.TaskScope{Types: []string{"T01", "T03"}}, StrataBy: spotcheck.StrataByCredit, Strata: credit,
			Team: []spotcheck.TeamSlot{{Unit: "FZWL", Size: 2}}, Start: start, End: end.Format(spotcheck.DateLayout)},
		req:     spotcheck.DrawRequest{Officials: []string{"supervisor"}},
		secret:  "纪检监察室见证-旅行社景区第一批-" + start,
		publish: true,
	}, {
		task: spotcheck.Task{Code: fmt.Sprintf("%d-LH-001", today.Year()), Name: "娱乐场所消防安全部门联合抽查",
			Authority: "FZWL", Partners: []string{"FZXF"}, Items: []string{"WL-YL-002", "WL-YL-001"},
			Scope: spotcheck.TaskScope{Types: []string{"T07", "T08"}}, StrataBy: spotcheck.StrataByKey,
			Strata: []spotcheck.StratumRule{{ID: "general", Rate: "5/100", Min: 2, Reserve: 2}, {ID: "key", Rate: "20/100", Min: 1, Reserve: 1}},
			Team:   []spotcheck.TeamSlot{{Unit: "FZWL", Size: 2}, {Unit: "FZXF", Size: 1}}, Start: start, End: end.Format(spotcheck.DateLayout)},
		req:    spotcheck.DrawRequest{Officials: []string{"supervisor"}, Dice: true},
		run:    spotcheck.DrawRun{Dice: "31415926535897932384626433832795"},
		secret: "纪检监察室见证-娱乐场所联合抽查-" + start,
	}}
	for _, x := range tasks {
		if err := db.Tasks().CreateTask(as("planner"), &x.task); err != nil {
			return fmt.Errorf("演示任务 %s：%w", x.task.Code, err)
		}
		if err := db.Tasks().PublishTask(as("planner"), x.task.Code); err != nil {
			return fmt.Errorf("演示任务 %s：%w", x.task.Code, err)
		}
		d, err := db.Draws().PlanDraw(as("planner"), x.task.Code, x.req)
		if err != nil {
			return fmt.Errorf("演示抽取 %s：%w", x.task.Code, err)
		}
		if err := db.Draws().CommitDraw(as("supervisor"), d.ID, "supervisor", draw.Commitment(d.PlanHash, "supervisor", x.secret)); err != nil {
			return err
		}
		if err := db.Draws().RevealDraw(as("supervisor"), d.ID, "supervisor", x.secret); err != nil {
			return err
		}
		if err := db.Draws().RunDraw(as("planner"), d.ID, x.run); err != nil {
			return err
		}
		if !x.publish {
			continue
		}
		if err := demoSubstitution(as, db, d.ID); err != nil {
			return err
		}
		if err := db.Draws().LiftEmbargo(as("supervisor"), d.ID, "演示：检查结果已公示"); err != nil {
			return err
		}
	}
	return nil
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
