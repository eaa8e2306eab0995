package store_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"spotcheck"
	"spotcheck/internal/statscount"
	"spotcheck/store"
)

// statsWorld is the inspection world (two rounds of one task type, the
// first round's results approved, one with 未发现问题 and the others with
// a problem, two of them published, one late), and a cap lowered to one
// inspection a year after both rounds, so that their repeats are alerts.
func statsWorld(t *testing.T, db *store.DB) func(string) context.Context {
	t.Helper()
	as, in := inspectionWorld(t, db)
	sv := db.Inspections()
	m1, m2 := as("member1"), as("member2")
	now := db.Now
	db.Now = func() time.Time { return time.Date(2026, 3, 12, 4, 0, 0, 0, time.UTC) }
	clean := recorded(in.ID, "2026-09-29")
	clean.Findings[0] = spotcheck.ItemFinding{Item: "WL-LXS-001", Outcome: spotcheck.FindingNone}
	clean.Results, clean.SubCodes, clean.RectifyBy = []string{"R01"}, nil, ""
	if err := sv.SaveInspection(m1, clean); err != nil {
		t.Fatal(err)
	}
	if err := sv.ConfirmInspection(m1, in.ID); err != nil {
		t.Fatal(err)
	}
	if err := sv.ConfirmInspection(m2, in.ID); err != nil {
		t.Fatal(err)
	}
	if err := sv.SubmitInspection(m1, in.ID); err != nil {
		t.Fatal(err)
	}
	db.Now = now
	if err := sv.ApproveInspection(as("approver"), in.ID, ""); err != nil {
		t.Fatal(err)
	}
	db.Now = func() time.Time { return time.Date(2026, 10, 12, 4, 0, 0, 0, time.UTC) }
	list := approveAll(t, db, as, in, "2026-09-29")
	ps := db.Publications()
	if _, err := ps.PublishInspection(as("approver"), list[1].ID, ""); err != nil {
		t.Fatal(err)
	}
	db.Now = func() time.Time { return time.Date(2026, 11, 5, 4, 0, 0, 0, time.UTC) }
	if _, err := ps.PublishInspection(as("approver"), list[2].ID, ""); err != nil {
		t.Fatal(err)
	}
	second := drawTask("2026-FZWL-SJ-042", "WL-LXS-002")
	second.Start, second.End = "2026-11-10", "2026-12-20"
	if err := db.Tasks().CreateTask(as("planner"), second); err != nil {
		t.Fatal(err)
	}
	publishTask(t, db, as, second.Code)
	completeDraw(t, db, as, second.Code, 0)
	// A cap lowered after the draws: their repeats are over it.
	if err := db.Caps().UpdateCapPolicy(ctx, &spotcheck.CapPolicy{Limit: 1, ExemptHighRisk: true, Source: "测试"}); err != nil {
		t.Fatal(err)
	}
	return as
}

// TestStatsAgreeWithRawRows compares every figure of the dashboard, for
// the city, a district and a department narrowed to, with a count made
// here from the raw rows and the domain's rules.
func TestStatsAgreeWithRawRows(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		as := statsWorld(t, db)
		depts, err := db.Departments().FindDepartments(ctx)
		if err != nil {
			t.Fatal(err)
		}
		city, gl := spotcheck.Subtree(depts, "FZWL"), spotcheck.Subtree(depts, "GLWL")
		for _, c := range []struct {
			user, dept string
			scope      []string
		}{
			{"supervisor", "", nil},
			{"cityadmin", "", city},
			{"gladmin", "", gl},
			{"supervisor", "GLWL", gl},
			{"planner", "FZWL", city},
			{"cityadmin", "GLWL", gl},
		} {
			t.Run(c.user+"/"+c.dept, func(t *testing.T) {
				got, err := db.Stats().FindStats(as(c.user), spotcheck.StatsFilter{Year: 2026, Dept: c.dept})
				if err != nil {
					t.Fatal(err)
				}
				want := statscount.Count(ctx, t, db, func(q string) (*sql.Rows, error) { return db.QueryForTest(ctx, q) }, c.scope, 2026)
				statscount.Compare(t, got, want)
			})
		}
		s, err := db.Stats().FindStats(as("supervisor"), spotcheck.StatsFilter{Year: 2026})
		if err != nil {
			t.Fatal(err)
		}
		for what, n := range map[string]int{"completed": s.Completed, "results": len(s.Results) - 1,
			"strata": len(s.HitByStratum), "items": len(s.HitByItem), "timeliness": len(s.Timeliness),
			"workload": len(s.Workload), "repeats": len(s.Repeats), "inspections": s.Joint.All, "divisions": len(s.ByDiv) - 1,
			"models": len(s.ByModel)} {
			if n <= 0 {
				t.Errorf("the world leaves %s empty", what)
			}
		}
		if m := s.ByModel[0]; m.Control.Inspections == 0 || m.Chosen.Inspections == 0 {
			t.Errorf("the world's control sample was not inspected: %+v", s.ByModel)
		}
		for _, r := range s.ByDiv {
			if r.Division == "350102" && r.DivisionName != "鼓楼区" {
				t.Errorf("division named %q", r.DivisionName)
			}
		}
		// A district sees its own subtree, never another's; a year out
		// of range and a missing department are refused.
		_, err = db.Stats().FindStats(as("gladmin"), spotcheck.StatsFilter{Year: 2026, Dept: "FZWL"})
		wantCode(t, "a district asking for the city", err, spotcheck.EFORBIDDEN, "")
		_, err = db.Stats().FindStats(as("supervisor"), spotcheck.StatsFilter{Year: 1999})
		wantCode(t, "year 1999", err, spotcheck.EINVALID, "")
		_, err = db.Stats().FindStats(as("supervisor"), spotcheck.StatsFilter{Year: 2026, Dept: "NONE"})
		wantCode(t, "no such department", err, spotcheck.ENOTFOUND, "")
		_, err = db.Stats().FindStats(as("member1"), spotcheck.StatsFilter{Year: 2026})
		wantCode(t, "an inspector", err, spotcheck.EFORBIDDEN, "")
		_, err = db.Stats().FindStats(as("approver"), spotcheck.StatsFilter{Year: 2026})
		wantCode(t, "an approver", err, spotcheck.EFORBIDDEN, "")
	})
}
