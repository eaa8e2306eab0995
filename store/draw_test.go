package store_test

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"

	"spotcheck"
	"spotcheck/demo"
	"spotcheck/draw"
	"spotcheck/ledger"
	"spotcheck/store"
)

// drawWorld loads the demo directories (departments, entities,
// inspectors, items, conflicts, users) and a log key, and returns a
// function giving the context of a demo user.
func drawWorld(t *testing.T, db *store.DB) func(user string) context.Context {
	t.Helper()
	if err := demo.Load(ctx, db.Transfers(), db.Accounts(), demo.Generate(7, 600, "2026-03-01"), nil); err != nil {
		t.Fatalf("demo.Load: %v", err)
	}
	signer, vkey, err := ledger.NewKey("spotcheck.test/log")
	if err != nil {
		t.Fatal(err)
	}
	db.UseLogKey(signer, vkey)
	db.Rand = bytes.NewReader(bytes.Repeat([]byte{7}, 1<<16))
	depts, err := db.Departments().FindDepartments(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return func(user string) context.Context {
		u, err := db.Accounts().FindUserByUsername(ctx, user)
		if err != nil {
			t.Fatal(err)
		}
		return spotcheck.NewContextWithPrincipal(ctx, spotcheck.NewPrincipal(*u, depts))
	}
}

func drawTask(code string, items ...string) *spotcheck.Task {
	return &spotcheck.Task{Code: code, Name: "旅行社抽查", Authority: "FZWL", Items: items,
		Scope: spotcheck.TaskScope{Types: []string{"T01"}}, StrataBy: spotcheck.StrataByCredit,
		Strata: []spotcheck.StratumRule{{ID: "A", Rate: "10/100", Min: 1, Reserve: 1}, {ID: "B", Rate: "10/100", Min: 1, Reserve: 2},
			{ID: "C", Rate: "20/100", Min: 1, Reserve: 1}, {ID: "D", Rate: "50/100", Min: 1, Reserve: 1}},
		Start: "2026-03-10", End: "2026-04-30"}
}

// publishTask publishes a task as its planner, so that it may be drawn.
func publishTask(t *testing.T, db *store.DB, as func(string) context.Context, code string) {
	t.Helper()
	if err := db.Tasks().PublishTask(as("planner"), code); err != nil {
		t.Fatalf("PublishTask %s: %v", code, err)
	}
}

const supervisorSecret = "纪检监察室-见证人-2026年第一批抽查"

// completeDraw plans, commits, reveals and runs a draw of a task.
func completeDraw(t *testing.T, db *store.DB, as func(string) context.Context, task string, supersedes int64) *spotcheck.Draw {
	t.Helper()
	req := spotcheck.DrawRequest{Officials: []string{"supervisor"}, Supersedes: supersedes}
	if supersedes != 0 {
		req.Reason = "原抽取监督人员未揭示"
	}
	d, err := db.Draws().PlanDraw(as("planner"), task, req)
	if err != nil {
		t.Fatalf("PlanDraw: %v", err)
	}
	if err := db.Draws().CommitDraw(as("supervisor"), d.ID, "supervisor", draw.Commitment(d.PlanHash, "supervisor", supervisorSecret)); err != nil {
		t.Fatalf("CommitDraw: %v", err)
	}
	if err := db.Draws().RevealDraw(as("supervisor"), d.ID, "supervisor", supervisorSecret); err != nil {
		t.Fatalf("RevealDraw: %v", err)
	}
	if err := db.Draws().RunDraw(as("planner"), d.ID, spotcheck.DrawRun{}); err != nil {
		t.Fatalf("RunDraw: %v", err)
	}
	d, err = db.Draws().FindDrawByID(as("planner"), d.ID)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestDrawWorkflow(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		as := drawWorld(t, db)
		if err := db.Tasks().CreateTask(as("planner"), drawTask("2026-FZWL-SJ-001", "WL-LXS-001")); err != nil {
			t.Fatalf("CreateTask: %v", err)
		}
		publishTask(t, db, as, "2026-FZWL-SJ-001")
		d, err := db.Draws().PlanDraw(as("planner"), "2026-FZWL-SJ-001", spotcheck.DrawRequest{Officials: []string{"supervisor"}})
		if err != nil {
			t.Fatalf("PlanDraw: %v", err)
		}
		if d.State != spotcheck.DrawCommitting || len(d.Commits) != 2 || d.Commits[1].Commitment == "" || d.Commits[0].Commitment != "" {
			t.Fatalf("after the plan: %+v", d)
		}
		// The participants as the public draw page names them: the roles
		// and the department of their accounts, read as the public.
		seen, err := db.Draws().FindDrawByID(spotcheck.NewContextWithPrincipal(ctx, spotcheck.Public()), d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if c := seen.Commits[0]; c.Participant != "supervisor" || !slices.Equal(c.Roles, []string{spotcheck.RoleSupervisor}) ||
			c.Unit != "福州市文化和旅游局" || seen.Commits[1].Unit != "" || seen.Commits[1].Roles != nil {
			t.Errorf("participants as the public sees them: %+v", seen.Commits)
		}
		commitment := draw.Commitment(d.PlanHash, "supervisor", supervisorSecret)
		wantErr(t, db.Draws().RevealDraw(as("supervisor"), d.ID, "supervisor", supervisorSecret), spotcheck.ECONFLICT)
		wantErr(t, db.Draws().CommitDraw(as("planner"), d.ID, "supervisor", commitment), spotcheck.EFORBIDDEN)
		wantErr(t, db.Draws().RunDraw(as("planner"), d.ID, spotcheck.DrawRun{}), spotcheck.ECONFLICT)
		if err := db.Draws().CommitDraw(as("supervisor"), d.ID, "supervisor", commitment); err != nil {
			t.Fatalf("CommitDraw: %v", err)
		}
		wantErr(t, db.Draws().CommitDraw(as("supervisor"), d.ID, "supervisor", commitment), spotcheck.ECONFLICT)
		wantErr(t, db.Draws().RevealDraw(as("supervisor"), d.ID, "supervisor", supervisorSecret+"。"), spotcheck.EINVALID)
		wantErr(t, db.Draws().RunDraw(as("planner"), d.ID, spotcheck.DrawRun{}), spotcheck.ECONFLICT) // not revealed yet
		if err := db.Draws().RevealDraw(as("supervisor"), d.ID, "supervisor", supervisorSecret); err != nil {
			t.Fatalf("RevealDraw: %v", err)
		}
		wantErr(t, db.Draws().RunDraw(as("supervisor"), d.ID, spotcheck.DrawRun{}), spotcheck.EFORBIDDEN)
		if err := db.Draws().RunDraw(as("planner"), d.ID, spotcheck.DrawRun{}); err != nil {
			t.Fatalf("RunDraw: %v", err)
		}

		// The bundle verifies and replays to the same bytes.
		f, err := db.Draws().FindDrawFiles(as("planner"), d.ID)
		if err != nil {
			t.Fatal(err)
		}
		b := &draw.Bundle{Plan: f.Plan, Randomness: f.Randomness, Result: f.Result, Selected: f.Selected, Assignment: f.Assignment,
			Inputs: draw.Inputs{Frame: f.Frame, Exclusions: f.Exclusions, Roster: f.Roster, Conflicts: f.Conflicts}}
		sum, err := draw.Verify(b)
		if err != nil {
			t.Fatalf("Verify: %v", err)
		}
		if sum.Task != "2026-FZWL-SJ-001" || sum.Selected == 0 || len(f.LogIndexes) != 5 {
			t.Fatalf("summary %+v, log indexes %v", sum, f.LogIndexes)
		}
		if !strings.Contains(string(f.Randomness), supervisorSecret) {
			t.Fatal("the reveal is not in randomness.json")
		}

		// Embargo: the public sees the plan but neither seed nor picks.
		pub := spotcheck.NewContextWithPrincipal(ctx, spotcheck.Public())
		pd, err := db.Draws().FindDrawByID(pub, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if pd.Seed != "" || pd.Strata[0].Cutoff != "" || pd.PlanHash != d.PlanHash {
			t.Fatalf("public view under embargo: %+v", pd)
		}
		_, err = db.Draws().FindDrawPicks(pub, d.ID)
		wantErr(t, err, spotcheck.EFORBIDDEN)
		pf, err := db.Draws().FindDrawFiles(pub, d.ID)
		if err != nil || pf.Randomness != nil || pf.Frame != nil || len(pf.LogIndexes) != 3 {
			t.Fatalf("public bundle under embargo: %+v, %v", pf, err)
		}
		gl := as("gladmin") // another department without draw rights
		_, err = db.Draws().FindDrawPicks(gl, d.ID)
		wantErr(t, err, spotcheck.EFORBIDDEN)

		// One live draw per task.
		_, err = db.Draws().PlanDraw(as("planner"), "2026-FZWL-SJ-001", spotcheck.DrawRequest{Officials: []string{"supervisor"}})
		wantErr(t, err, spotcheck.ECONFLICT)

		// Substitution by the next reserve, approved by a second official.
		picks, err := db.Draws().FindDrawPicks(as("planner"), d.ID)
		if err != nil {
			t.Fatal(err)
		}
		var first, reserve spotcheck.DrawPick
		for _, p := range picks {
			if p.Stratum == "B" && !p.Reserve && first.Entity == "" {
				first = p
			}
			if p.Stratum == "B" && p.Reserve && reserve.Entity == "" {
				reserve = p
			}
		}
		c := &spotcheck.DrawChange{DrawID: d.ID, Kind: spotcheck.ChangeSubstitute, Entity: first.Entity, Reason: "closed", Note: "已停业"}
		if err := db.Draws().RequestDrawChange(as("planner"), c); err != nil {
			t.Fatalf("RequestDrawChange: %v", err)
		}
		wantErr(t, db.Draws().DecideDrawChange(as("planner"), c.ID, true, ""), spotcheck.EFORBIDDEN)
		if err := db.Draws().DecideDrawChange(as("approver"), c.ID, true, "同意"); err != nil {
			t.Fatalf("DecideDrawChange: %v", err)
		}
		wantErr(t, db.Draws().DecideDrawChange(as("supervisor"), c.ID, true, ""), spotcheck.ECONFLICT)

		// Lifting the embargo publishes the selection without strata
		// (spec §8, amendment 1).
		wantErr(t, db.Draws().LiftEmbargo(as("planner"), d.ID, "公示"), spotcheck.EFORBIDDEN)
		if err := db.Draws().LiftEmbargo(as("supervisor"), d.ID, "检查结果已公示"); err != nil {
			t.Fatalf("LiftEmbargo: %v", err)
		}
		public, err := db.Draws().FindDrawPicks(pub, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, p := range public {
			if p.Stratum != "" || p.Inspectors != nil {
				t.Fatalf("public pick shows stratum or team: %+v", p)
			}
			ids = append(ids, p.Entity)
		}
		if !slices.IsSortedFunc(public, func(a, b spotcheck.DrawPick) int { return strings.Compare(a.Ticket, b.Ticket) }) {
			t.Fatal("the public list is not in ticket order (stratum order would show the strata)")
		}
		// The list is published.tsv: the draw's selection as drawn (the
		// substitution is an event of its own), reserves excluded.
		if !slices.Contains(ids, first.Entity) || slices.Contains(ids, reserve.Entity) {
			t.Fatalf("public list %v: selected %s must be in, reserve %s out", ids, first.Entity, reserve.Entity)
		}
		if pd, _ := db.Draws().FindDrawByID(pub, d.ID); pd.Seed != sum.Seed {
			t.Fatalf("published seed %q, want %q", pd.Seed, sum.Seed)
		}

		// A later task with the same item excludes what was drawn, and
		// rotates the teams.
		if err := db.Tasks().CreateTask(as("planner"), drawTask("2026-FZWL-SJ-002", "WL-LXS-001")); err != nil {
			t.Fatal(err)
		}
		publishTask(t, db, as, "2026-FZWL-SJ-002")
		d2 := completeDraw(t, db, as, "2026-FZWL-SJ-002", 0)
		f2, err := db.Draws().FindDrawFiles(as("planner"), d2.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(f2.Exclusions), reserve.Entity+"\tinspected-this-year\n") ||
			strings.Contains(string(f2.Exclusions), first.Entity+"\tinspected-this-year") {
			t.Fatalf("exclusions of the second draw:\n%s", f2.Exclusions)
		}
		if !strings.Contains(string(f2.Conflicts), "\trotation\n") {
			t.Fatalf("no rotation pairs in the second draw:\n%s", f2.Conflicts)
		}
		if _, err := ledger.VerifyLog(ctx, db, db.LogKey()); err != nil {
			t.Fatalf("VerifyLog: %v", err)
		}
	})
}

func TestDrawWithheldRevealAndRedraw(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		as := drawWorld(t, db)
		if err := db.Tasks().CreateTask(as("planner"), drawTask("2026-FZWL-SJ-009", "WL-LXS-002")); err != nil {
			t.Fatal(err)
		}
		publishTask(t, db, as, "2026-FZWL-SJ-009")
		d, err := db.Draws().PlanDraw(as("planner"), "2026-FZWL-SJ-009", spotcheck.DrawRequest{Officials: []string{"supervisor"}})
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Draws().CommitDraw(as("supervisor"), d.ID, "supervisor", draw.Commitment(d.PlanHash, "supervisor", supervisorSecret)); err != nil {
			t.Fatal(err)
		}
		wantErr(t, db.Draws().WithholdReveal(as("planner"), d.ID, "system", ""), spotcheck.ECONFLICT)
		if err := db.Draws().WithholdReveal(as("planner"), d.ID, "supervisor", "未到场"); err != nil {
			t.Fatalf("WithholdReveal: %v", err)
		}
		wantErr(t, db.Draws().RevealDraw(as("supervisor"), d.ID, "supervisor", supervisorSecret), spotcheck.ECONFLICT)
		_, err = db.Draws().PlanDraw(as("planner"), "2026-FZWL-SJ-009", spotcheck.DrawRequest{Officials: []string{"supervisor"}})
		wantErr(t, err, spotcheck.ECONFLICT)
		_, err = db.Draws().PlanDraw(as("planner"), "2026-FZWL-SJ-009", spotcheck.DrawRequest{Officials: []string{"supervisor"}, Supersedes: d.ID})
		wantErr(t, err, spotcheck.EINVALID) // no reason given
		d2 := completeDraw(t, db, as, "2026-FZWL-SJ-009", d.ID)
		old, err := db.Draws().FindDrawByID(as("supervisor"), d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if old.State != spotcheck.DrawSuperseded || old.SupersededBy != d2.ID || d2.Supersedes != d.PlanHash {
			t.Fatalf("re-draw not linked: old %+v new %+v", old, d2)
		}
		plan, err := draw.ParsePlan(mustFiles(t, db, as("planner"), d2.ID).Plan)
		if err != nil || plan.Supersedes != d.PlanHash {
			t.Fatalf("plan.json does not name the superseded plan: %+v %v", plan, err)
		}
	})
}

func mustFiles(t *testing.T, db *store.DB, ctx context.Context, id int64) *spotcheck.DrawFiles {
	t.Helper()
	f, err := db.Draws().FindDrawFiles(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestCreateTaskChecks(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		as := drawWorld(t, db)
		tk := drawTask("2026-FZWL-SJ-003", "NO-SUCH-ITEM")
		tk.Partners = []string{"NOPE"}
		err := db.Tasks().CreateTask(as("planner"), tk)
		wantErr(t, err, spotcheck.EINVALID)
		for _, want := range []string{"NO-SUCH-ITEM", "NOPE"} {
			if !strings.Contains(spotcheck.ErrorMessage(err), want) {
				t.Errorf("error %q does not name %s", spotcheck.ErrorMessage(err), want)
			}
		}
		wantErr(t, db.Tasks().CreateTask(as("gladmin"), drawTask("2026-FZWL-SJ-004", "WL-LXS-001")), spotcheck.EFORBIDDEN)
		if err := db.Tasks().CreateTask(as("planner"), drawTask("2026-FZWL-SJ-005", "WL-LXS-001")); err != nil {
			t.Fatal(err)
		}
		publishTask(t, db, as, "2026-FZWL-SJ-005")
		wantErr(t, db.Tasks().CreateTask(as("planner"), drawTask("2026-FZWL-SJ-005", "WL-LXS-001")), spotcheck.EINVALID)
		if _, err := db.Draws().PlanDraw(as("planner"), "2026-FZWL-SJ-005", spotcheck.DrawRequest{Officials: []string{"planner"}}); spotcheck.ErrorCode(err) != spotcheck.EINVALID {
			t.Fatalf("a planner accepted as official: %v", err)
		}
	})
}

// TestDrawWaitsForEveryCommitment: with two officials, the draw collects
// commitments until both are in (spotcheck.Draw.Next), each official
// commits once and as themself, and not even the system principal commits
// for one.
func TestDrawWaitsForEveryCommitment(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		as := drawWorld(t, db)
		second := &spotcheck.User{Username: "supervisor2", Name: "法制科监督员", Dept: "FZWL",
			Roles: []string{spotcheck.RoleSupervisor}}
		if err := db.Accounts().CreateUser(ctx, second, "Supervisor-2026"); err != nil {
			t.Fatal(err)
		}
		if err := db.Tasks().CreateTask(as("planner"), drawTask("2026-FZWL-SJ-041", "WL-LXS-001")); err != nil {
			t.Fatal(err)
		}
		publishTask(t, db, as, "2026-FZWL-SJ-041")
		d, err := db.Draws().PlanDraw(as("planner"), "2026-FZWL-SJ-041",
			spotcheck.DrawRequest{Officials: []string{"supervisor", "supervisor2"}})
		if err != nil {
			t.Fatal(err)
		}
		commitment := func(who string) string { return draw.Commitment(d.PlanHash, who, supervisorSecret+who) }
		wantErr(t, db.Draws().CommitDraw(ctx, d.ID, "supervisor", commitment("supervisor")), spotcheck.EFORBIDDEN)
		wantErr(t, db.Draws().CommitDraw(as("supervisor"), d.ID, "supervisor2", commitment("supervisor2")), spotcheck.EFORBIDDEN)
		if err := db.Draws().CommitDraw(as("supervisor"), d.ID, "supervisor", commitment("supervisor")); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.Draws().FindDrawByID(ctx, d.ID); got.State != spotcheck.DrawCommitting {
			t.Fatalf("after one of two commitments: %s", got.State)
		}
		wantErr(t, db.Draws().CommitDraw(as("supervisor"), d.ID, "supervisor", commitment("supervisor")), spotcheck.ECONFLICT)
		wantErr(t, db.Draws().RevealDraw(as("supervisor"), d.ID, "supervisor", supervisorSecret+"supervisor"), spotcheck.ECONFLICT)
		if err := db.Draws().CommitDraw(as("supervisor2"), d.ID, "supervisor2", commitment("supervisor2")); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.Draws().FindDrawByID(ctx, d.ID); got.State != spotcheck.DrawRevealing {
			t.Fatalf("after both commitments: %s", got.State)
		}
	})
}
