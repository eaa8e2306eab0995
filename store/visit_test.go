package store_test

import (
	"slices"
	"strings"
	"testing"

	"spotcheck"
	"spotcheck/store"
)

// fullTask is a task of authority over the travel agencies (T01) that
// selects every eligible entity (rate 100/100), so that two such tasks
// surely select the same entities.
func fullTask(code, authority, item, start, end string) *spotcheck.Task {
	tk := drawTask(code, item)
	tk.Authority = authority
	tk.Start, tk.End = start, end
	for i := range tk.Strata {
		tk.Strata[i].Rate, tk.Strata[i].Reserve = "100/100", 0
	}
	tk.Team = []spotcheck.TeamSlot{{Unit: authority, Size: 2}}
	return tk
}

// TestJointVisits: a city task and a district task select the same
// travel agencies in overlapping windows; the second draw proposes one
// visit per shared entity by itself, led by the department that drew
// first; its planner accepts one (one date within the overlap, one notice,
// the combined checklist and team) and declines another, each recorded;
// each department sees the visits of its tasks only.
func TestJointVisits(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		as := drawWorld(t, db)
		city := fullTask("2026-FZWL-LH-001", "FZWL", "WL-LXS-001", "2026-03-10", "2026-04-30")
		city.Scope.Divisions = []string{"350102"} // 鼓楼区 only, to keep the test small
		district := fullTask("2026-GLWL-LH-001", "GLWL", "WL-LXS-003", "2026-04-01", "2026-05-31")
		for _, tk := range []*spotcheck.Task{city, district} {
			if err := db.Tasks().CreateTask(as("planner"), tk); err != nil {
				t.Fatalf("CreateTask %s: %v", tk.Code, err)
			}
			if err := db.Tasks().PublishTask(as("planner"), tk.Code); err != nil {
				t.Fatalf("PublishTask %s: %v", tk.Code, err)
			}
		}
		d1 := completeDraw(t, db, as, city.Code, 0)
		d2 := completeDraw(t, db, as, district.Code, 0)
		picks := func(id int64) map[string]bool {
			ps, err := db.Draws().FindDrawPicks(as("planner"), id)
			if err != nil {
				t.Fatal(err)
			}
			out := map[string]bool{}
			for _, p := range ps {
				if !p.Reserve {
					out[p.Entity] = true
				}
			}
			return out
		}
		p1, p2 := picks(d1.ID), picks(d2.ID)
		var shared []string
		for e := range p1 {
			if p2[e] {
				shared = append(shared, e)
			}
		}
		if len(shared) < 3 {
			t.Fatalf("the draws share %d entities; the test needs three", len(shared))
		}
		vs, err := db.Visits().FindVisits(as("planner"), spotcheck.VisitFilter{Year: "2026"})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, v := range vs {
			got = append(got, v.Entity)
			if v.Lead != "FZWL" || v.State != spotcheck.VisitProposed || v.Start != "2026-04-01" || v.End != "2026-04-30" ||
				len(v.Parts) != 2 || v.Parts[0].Task != city.Code || v.Parts[1].Task != district.Code ||
				v.Parts[1].Items[0] != "WL-LXS-003" {
				t.Fatalf("proposal %+v", v)
			}
		}
		slices.Sort(got)
		slices.Sort(shared)
		if !slices.Equal(got, shared) {
			t.Fatalf("proposed %v, want the shared selections %v", got, shared)
		}
		// Detection again proposes nothing new.
		if n, err := db.Visits().ProposeVisits(as("planner"), "2026"); err != nil || n != 0 {
			t.Fatalf("ProposeVisits again: %d, %v", n, err)
		}

		// Who sees them: a district planner (a partner of the visit), not
		// the fire brigade's, not a department admin.
		gl := as("glplanner")
		if seen, err := db.Visits().FindVisits(gl, spotcheck.VisitFilter{}); err != nil || len(seen) != len(vs) {
			t.Fatalf("the district planner sees %d visits (%v), want %d", len(seen), err, len(vs))
		}
		if seen, err := db.Visits().FindVisits(as("firedept"), spotcheck.VisitFilter{}); err != nil || len(seen) != 0 {
			t.Fatalf("the fire brigade sees %d visits (%v)", len(seen), err)
		}
		_, err = db.Visits().FindVisitByID(as("firedept"), vs[0].ID)
		wantErr(t, err, spotcheck.ENOTFOUND)
		_, err = db.Visits().FindVisits(as("gladmin"), spotcheck.VisitFilter{})
		wantErr(t, err, spotcheck.EFORBIDDEN)

		// The lead decides: the partner may not; a date outside the overlap
		// is refused; then one visit is made and another declined.
		a, b := vs[0], vs[1]
		wantErr(t, db.Visits().AcceptVisit(gl, a.ID, spotcheck.VisitDecision{Date: "2026-04-15"}), spotcheck.EFORBIDDEN)
		wantErr(t, db.Visits().AcceptVisit(as("planner"), a.ID, spotcheck.VisitDecision{Date: "2026-03-20"}), spotcheck.EINVALID)
		if err := db.Visits().AcceptVisit(as("planner"), a.ID, spotcheck.VisitDecision{Date: "2026-04-15", Note: "一次进门"}); err != nil {
			t.Fatalf("AcceptVisit: %v", err)
		}
		wantErr(t, db.Visits().AcceptVisit(as("planner"), a.ID, spotcheck.VisitDecision{Date: "2026-04-16"}), spotcheck.ECONFLICT)
		wantErr(t, db.Visits().DeclineVisit(as("planner"), b.ID, spotcheck.VisitDecision{}), spotcheck.EINVALID)
		if err := db.Visits().DeclineVisit(as("planner"), b.ID, spotcheck.VisitDecision{Note: "检查时间无法协调"}); err != nil {
			t.Fatalf("DeclineVisit: %v", err)
		}
		v, err := db.Visits().FindVisitByID(gl, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if v.State != spotcheck.VisitAccepted || v.Date != "2026-04-15" || v.Notice != spotcheck.VisitNotice("2026", a.ID) ||
			v.DecidedBy != "planner" || len(v.Checklist()) != 2 || len(v.ItemsOf("GLWL")) != 1 {
			t.Fatalf("accepted visit %+v", v)
		}
		if team := v.Team(); len(team) == 0 || team[0].Dept != "FZWL" {
			t.Errorf("team %+v", team)
		}
		// The inspections the draws made are now part of the visit; those
		// of the declined one are not.
		for _, w := range []struct {
			entity string
			id     int64
		}{{a.Entity, a.ID}, {b.Entity, 0}} {
			ins, err := db.Inspections().FindInspections(ctx, spotcheck.InspectionFilter{Entity: w.entity})
			if err != nil || len(ins) != 2 || ins[0].Visit != w.id || ins[1].Visit != w.id {
				t.Errorf("inspections of %s: %+v, %v; want two of visit %d", w.entity, ins, err, w.id)
			}
		}
		if w, _ := db.Visits().FindVisitByID(gl, b.ID); w.State != spotcheck.VisitDeclined || w.Note != "检查时间无法协调" {
			t.Errorf("declined visit %+v", w)
		}
		// Recorded: the proposal and both decisions.
		ch, err := db.Changes().FindChanges(as("auditor"), spotcheck.ChangeFilter{Kind: "visit"})
		if err != nil {
			t.Fatal(err)
		}
		var acts []string
		for _, c := range ch.Items {
			acts = append(acts, c.Action)
		}
		slices.Sort(acts)
		if !slices.Equal(acts, []string{"accept", "decline", "propose"}) {
			t.Errorf("recorded %v", acts)
		}
		if accepted, _ := db.Visits().FindVisits(as("planner"), spotcheck.VisitFilter{State: spotcheck.VisitAccepted}); len(accepted) != 1 {
			t.Errorf("%d accepted visits", len(accepted))
		}

		// A re-draw of the district task supersedes its draw: a proposal
		// that names it can no longer be made into a visit.
		if _, err := db.Draws().PlanDraw(as("planner"), district.Code, spotcheck.DrawRequest{Officials: []string{"supervisor"},
			Supersedes: d2.ID, Reason: "原抽取监督人员未揭示"}); err != nil {
			t.Fatalf("re-draw: %v", err)
		}
		err = db.Visits().AcceptVisit(as("planner"), vs[2].ID, spotcheck.VisitDecision{Date: "2026-04-15"})
		wantErr(t, err, spotcheck.ECONFLICT)
		if !strings.Contains(spotcheck.ErrorMessage(err), "已不再抽中该对象") {
			t.Errorf("refusal %v", err)
		}
	})
}

// TestSkipInspectedByOthers: a task that skips entities inspected by other
// departments in its window excludes the city's selections with the
// reason inspected-by-other; the same task without the flag does not.
func TestSkipInspectedByOthers(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		as := drawWorld(t, db)
		city := fullTask("2026-FZWL-LH-002", "FZWL", "WL-LXS-001", "2026-03-10", "2026-04-30")
		city.Scope.Divisions = []string{"350102"}
		skip := fullTask("2026-GLWL-LH-002", "GLWL", "WL-LXS-004", "2026-04-20", "2026-06-30")
		skip.SkipInspectedByOthers = true
		later := fullTask("2026-GLWL-LH-003", "GLWL", "WL-LXS-005", "2026-05-01", "2026-06-30") // after the city's window
		later.SkipInspectedByOthers = true
		for _, tk := range []*spotcheck.Task{city, skip, later} {
			if err := db.Tasks().CreateTask(as("planner"), tk); err != nil {
				t.Fatalf("CreateTask %s: %v", tk.Code, err)
			}
			if err := db.Tasks().PublishTask(as("planner"), tk.Code); err != nil {
				t.Fatalf("PublishTask %s: %v", tk.Code, err)
			}
		}
		d1 := completeDraw(t, db, as, city.Code, 0)
		ps, err := db.Draws().FindDrawPicks(as("planner"), d1.ID)
		if err != nil {
			t.Fatal(err)
		}
		excluded := func(task string) []string {
			d := completeDraw(t, db, as, task, 0) // the files are shown once drawn
			f, err := db.Draws().FindDrawFiles(as("planner"), d.ID)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, line := range strings.Split(strings.TrimSuffix(string(f.Exclusions), "\n"), "\n") {
				if e, r, _ := strings.Cut(line, "\t"); r == spotcheck.ExcludeByOthers {
					out = append(out, e)
				}
			}
			return out
		}
		var want []string
		for _, p := range ps {
			if !p.Reserve {
				want = append(want, p.Entity)
			}
		}
		slices.Sort(want)
		if got := excluded(skip.Code); len(want) == 0 || !slices.Equal(got, want) {
			t.Errorf("excluded %v, want the city's selection %v", got, want)
		}
		if got := excluded(later.Code); len(got) != 0 {
			t.Errorf("a task after the city's window excludes %v", got)
		}
	})
}
