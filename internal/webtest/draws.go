package webtest

import (
	"context"
	"encoding/json"
	"fmt"

	"spotcheck"
	"spotcheck/demo"
	"spotcheck/draw"
	"spotcheck/store"
)

// Draw is a draw of the test database.
type Draw struct {
	ID       int64
	Task     string // its task's code
	PlanHash string
}

// Draws are the draws of the test database: three tasks of the city
// bureau (FZWL) with an item of the demo list, stratified by credit class,
// each with one draw that the planner planned with the supervisor as the
// one official, taken through the workflow as staff take them.
type Draws struct {
	Item       string // the item of the tasks
	Committing Draw   // waits for the supervisor's commitment
	Drawn      Draw   // drawn and sealed
	Published  Draw   // drawn and published (embargo lifted by the supervisor)
	// Change is a substitution in Drawn that chief requested, pending.
	Change int64
}

// Secret is the supervisor's commit–reveal secret in the draws.
const Secret = "纪检监察室见证-网页测试-2026-11-26"

// makeDraws plans and runs the draws, each step as the user who takes it.
func makeDraws(ctx context.Context, db *store.DB, data *demo.Data) (Draws, error) {
	var out Draws
	for _, it := range data.Items {
		if it.Parent == "" && it.Status == spotcheck.ItemActive {
			out.Item = it.Code
			break
		}
	}
	as := func(user string) (context.Context, error) { return principal(ctx, db, user) }
	planner, err := as("planner")
	if err != nil {
		return out, err
	}
	supervisor, err := as("supervisor")
	if err != nil {
		return out, err
	}
	chief, err := as("chief")
	if err != nil {
		return out, err
	}
	credit := []spotcheck.StratumRule{{ID: "A", Rate: "3/100", Min: 1, Reserve: 2}, {ID: "B", Rate: "5/100", Min: 1, Reserve: 2},
		{ID: "C", Rate: "10/100", Min: 1, Reserve: 2}, {ID: "D", Rate: "30/100", Min: 1, Reserve: 2}}
	plan := func(code, name string) (Draw, error) {
		tk := spotcheck.Task{Code: code, Name: name, Authority: "FZWL", Items: []string{out.Item},
			StrataBy: spotcheck.StrataByCredit, Strata: credit, Team: []spotcheck.TeamSlot{{Unit: "FZWL", Size: 2}},
			Start: Today, End: "2026-12-26"}
		if err := db.Tasks().CreateTask(planner, &tk); err != nil {
			return Draw{}, fmt.Errorf("CreateTask %s: %w", code, err)
		}
		if err := db.Tasks().PublishTask(planner, code); err != nil {
			return Draw{}, fmt.Errorf("PublishTask %s: %w", code, err)
		}
		d, err := db.Draws().PlanDraw(planner, code, spotcheck.DrawRequest{Officials: []string{"supervisor"}})
		if err != nil {
			return Draw{}, fmt.Errorf("PlanDraw %s: %w", code, err)
		}
		return Draw{d.ID, code, d.PlanHash}, nil
	}
	run := func(d Draw) error {
		if err := db.Draws().CommitDraw(supervisor, d.ID, "supervisor", draw.Commitment(d.PlanHash, "supervisor", Secret)); err != nil {
			return fmt.Errorf("CommitDraw %d: %w", d.ID, err)
		}
		if err := db.Draws().RevealDraw(supervisor, d.ID, "supervisor", Secret); err != nil {
			return fmt.Errorf("RevealDraw %d: %w", d.ID, err)
		}
		if err := db.Draws().RunDraw(planner, d.ID, spotcheck.DrawRun{}); err != nil {
			return fmt.Errorf("RunDraw %d: %w", d.ID, err)
		}
		return nil
	}
	if out.Committing, err = plan("2026-FZ-001", "旅行社抽查（承诺中）"); err != nil {
		return out, err
	}
	if out.Drawn, err = plan("2026-FZ-002", "旅行社抽查（保密中）"); err != nil {
		return out, err
	}
	if err := run(out.Drawn); err != nil {
		return out, err
	}
	if out.Change, err = requestSubstitution(planner, chief, db, out.Drawn.ID); err != nil {
		return out, err
	}
	if out.Published, err = plan("2026-FZ-003", "旅行社抽查（已公开）"); err != nil {
		return out, err
	}
	if err := run(out.Published); err != nil {
		return out, err
	}
	if err := db.Draws().LiftEmbargo(supervisor, out.Published.ID, "检查结果已公示"); err != nil {
		return out, fmt.Errorf("LiftEmbargo: %w", err)
	}
	return out, nil
}

// requestSubstitution has chief request the substitution of a selected
// entity of a stratum with reserves.
func requestSubstitution(planner, chief context.Context, db *store.DB, id int64) (int64, error) {
	picks, err := db.Draws().FindDrawPicks(planner, id)
	if err != nil {
		return 0, err
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
			Note: "已停业"}
		if err := db.Draws().RequestDrawChange(chief, c); err != nil {
			return 0, fmt.Errorf("RequestDrawChange: %w", err)
		}
		return c.ID, nil
	}
	return 0, fmt.Errorf("draw %d selected no entity of a stratum with reserves", id)
}

// principal returns a context in which username acts as the web's guard
// makes them act.
func principal(ctx context.Context, db *store.DB, username string) (context.Context, error) {
	token, err := db.Accounts().CreateSession(ctx, username)
	if err != nil {
		return nil, err
	}
	_, u, err := db.Accounts().FindSession(ctx, token)
	if err != nil {
		return nil, err
	}
	if err := db.Accounts().DeleteSession(ctx, token); err != nil {
		return nil, err
	}
	depts, err := db.Departments().FindDepartments(ctx)
	if err != nil {
		return nil, err
	}
	return spotcheck.NewContextWithPrincipal(context.Background(), spotcheck.NewPrincipal(*u, depts)), nil
}

// jsonObject decodes a JSON object.
func jsonObject(b []byte, m *map[string]any) error { return json.Unmarshal(b, m) }
