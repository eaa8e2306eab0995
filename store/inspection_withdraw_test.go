package store_test

import (
	"testing"
	"time"

	"spotcheck"
	"spotcheck/store"
)

// TestInspectionsWithdrawn: an approved substitution withdraws the record
// of the entity it takes out, which leaves the lists but for a filter on
// its state, while the reserve gets its own; a re-draw withdraws the
// records of the draw it supersedes that were not submitted, and a
// submitted one stays as it was. Withdrawn is the end of the record.
func TestInspectionsWithdrawn(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		as, in := inspectionWorld(t, db)
		sv := db.Inspections()
		db.Now = func() time.Time { return time.Date(2026, 3, 12, 4, 0, 0, 0, time.UTC) }
		rec := recorded(in.ID, "2026-03-12")
		rec.RectifyBy = "2026-03-31"
		if err := sv.SaveInspection(as("member1"), rec); err != nil {
			t.Fatal(err)
		}
		for _, m := range []string{"member1", "member2"} {
			if err := sv.ConfirmInspection(as(m), in.ID); err != nil {
				t.Fatal(err)
			}
		}
		if err := sv.SubmitInspection(as("member1"), in.ID); err != nil {
			t.Fatal(err)
		}
		planner := as("planner")
		all, err := sv.FindInspections(planner, spotcheck.InspectionFilter{Task: in.Task})
		if err != nil {
			t.Fatal(err)
		}
		// The substitution of another selected entity of a stratum with a reserve.
		picks, err := db.Draws().FindDrawPicks(planner, in.Draw)
		if err != nil {
			t.Fatal(err)
		}
		reserves := map[string]bool{}
		for _, p := range picks {
			if p.Reserve {
				reserves[p.Stratum] = true
			}
		}
		var out string
		for _, p := range picks {
			if !p.Reserve && reserves[p.Stratum] && p.Entity != in.Entity {
				out = p.Entity
				break
			}
		}
		if out == "" {
			t.Fatal("no selected entity with a reserve in its stratum")
		}
		c := &spotcheck.DrawChange{DrawID: in.Draw, Kind: spotcheck.ChangeSubstitute, Entity: out, Reason: "closed", Note: "已停业"}
		if err := db.Draws().RequestDrawChange(planner, c); err != nil {
			t.Fatal(err)
		}
		if err := db.Draws().DecideDrawChange(as("approver"), c.ID, true, "同意"); err != nil {
			t.Fatal(err)
		}
		gone, err := sv.FindInspections(planner, spotcheck.InspectionFilter{Task: in.Task, Entity: out})
		if err != nil || len(gone) != 0 {
			t.Fatalf("the substituted entity in the task's list: %+v, %v", gone, err)
		}
		gone, err = sv.FindInspections(planner, spotcheck.InspectionFilter{Task: in.Task, Entity: out, State: spotcheck.InspectionWithdrawn})
		if err != nil || len(gone) != 1 {
			t.Fatalf("the substituted entity's withdrawn record: %+v, %v", gone, err)
		}
		if err := sv.SaveInspection(as("member1"), &spotcheck.Inspection{ID: gone[0].ID}); err == nil {
			t.Error("a withdrawn record was saved")
		}
		now, err := sv.FindInspections(planner, spotcheck.InspectionFilter{Task: in.Task})
		if err != nil || len(now) != len(all) { // one out, its reserve in
			t.Fatalf("after the substitution %d records in the list, before %d: %v", len(now), len(all), err)
		}

		// A re-draw: the unsubmitted records of the old draw are withdrawn,
		// the submitted one stays.
		if _, err := db.Draws().PlanDraw(planner, in.Task, spotcheck.DrawRequest{Officials: []string{"supervisor"},
			Supersedes: in.Draw, Reason: "抽取范围有误，经批准重新抽取"}); err != nil {
			t.Fatal(err)
		}
		left, err := sv.FindInspections(planner, spotcheck.InspectionFilter{Task: in.Task})
		if err != nil || len(left) != 1 || left[0].ID != in.ID || left[0].State != spotcheck.InspectionSubmitted {
			t.Fatalf("after the re-draw: %+v, %v; want only the submitted record", left, err)
		}
		withdrawn, err := sv.FindInspections(planner, spotcheck.InspectionFilter{Task: in.Task, State: spotcheck.InspectionWithdrawn})
		if err != nil || len(withdrawn) != len(now) {
			t.Fatalf("%d withdrawn, want %d: %v", len(withdrawn), len(now), err)
		}
	})
}
