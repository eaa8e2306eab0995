package store_test

import (
	"testing"

	"spotcheck"
	"spotcheck/store"
)

// TestFindRiskRuns: the runs are listed newest first, capped at the
// limit, and only those of departments in the user's scope: a district
// sees its own runs and not the city's, the city sees both; a user who
// may not read the directory is refused.
func TestFindRiskRuns(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		riskWorld(t, db)
		sv := db.Risk()
		district, err := sv.PreviewReclassification(ctx, "GLWL")
		if err != nil {
			t.Fatal(err)
		}
		city, err := sv.PreviewReclassification(ctx, "FZWL")
		if err != nil {
			t.Fatal(err)
		}
		ids := func(rs []*spotcheck.RiskRun) []int64 {
			out := []int64{}
			for _, r := range rs {
				out = append(out, r.ID)
			}
			return out
		}
		same := func(a, b []int64) bool {
			if len(a) != len(b) {
				return false
			}
			for i := range a {
				if a[i] != b[i] {
					return false
				}
			}
			return true
		}
		all, err := sv.FindRiskRuns(signedIn(t, db, "FZWL", spotcheck.RoleDeptAdmin), 10)
		if err != nil || !same(ids(all), []int64{city.ID, district.ID}) {
			t.Fatalf("the city's list: %v, %v", ids(all), err)
		}
		if r := all[0]; r.Dept != "FZWL" || r.State != spotcheck.RiskRunPreviewed || r.Model != "2026.1" ||
			r.Entities != city.Entities || r.Moves != city.Moves || r.CreatedBy != "system:tester" {
			t.Fatalf("a listed run: %+v", r)
		}
		if one, err := sv.FindRiskRuns(ctx, 1); err != nil || !same(ids(one), []int64{city.ID}) {
			t.Fatalf("limit 1: %v, %v", ids(one), err)
		}
		own, err := sv.FindRiskRuns(signedIn(t, db, "GLWL", spotcheck.RoleDeptAdmin), 10)
		if err != nil || !same(ids(own), []int64{district.ID}) {
			t.Fatalf("the district's list: %v, %v", ids(own), err)
		}
		if _, err := sv.FindRiskRuns(signedIn(t, db, "FZWL", spotcheck.RoleAgency), 10); spotcheck.ErrorCode(err) != spotcheck.EFORBIDDEN {
			t.Fatalf("an agency lists runs: %v", err)
		}
	})
}
