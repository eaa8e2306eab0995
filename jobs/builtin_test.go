package jobs_test

import (
	"testing"
	"time"

	"spotcheck"
	"spotcheck/jobs"
	"spotcheck/store"
)

// TestPlatformJobs: the platform's jobs run, asked for by the
// administrator, on both databases (the reclassification, with no model
// loaded, does nothing); on PostgreSQL the search rebuild
// finds the entities imported since the last build, rebuilds the index
// and leaves none stale, and finds nothing to do the next time.
func TestPlatformJobs(t *testing.T) {
	forEachDSN(t, func(t *testing.T, open func() *store.DB) {
		db := open()
		c := &clock{t: start}
		db.Now = c.Now
		if _, err := db.Departments().ImportDepartments(sys, spotcheck.SliceSource("depts", []spotcheck.Department{
			{Code: "FZWL", Name: "福州市文化和旅游局", Division: "350100", Kind: spotcheck.DeptBureau, Active: true},
		})); err != nil {
			t.Fatal(err)
		}
		var es []spotcheck.Entity
		for i, org := range []string{"MA0000010", "MA0000029", "MA000003X"} {
			first17 := "91350102" + org
			cc, err := spotcheck.USCCCheckChar(first17)
			if err != nil {
				t.Fatal(err)
			}
			es = append(es, spotcheck.Entity{ID: first17 + string(cc), Name: []string{"福州甲旅行社", "福州乙网吧", "福州丙剧场"}[i],
				Type: "T01", Division: "350102", Address: "福州市五四路1号", Status: "在营", CreditClass: "B", Active: true})
		}
		if _, err := db.Entities().ImportEntities(sys, spotcheck.SliceSource("e.csv", es)); err != nil {
			t.Fatal(err)
		}
		s := jobs.New(db, "one", quiet, jobs.Platform(db, quiet)...)
		if err := s.Register(sys); err != nil {
			t.Fatal(err)
		}
		want := 3
		if db.Dialect() == "postgres" {
			want = 4
		}
		if len(s.Jobs()) != want {
			t.Fatalf("%d jobs", len(s.Jobs()))
		}
		for round := range 2 {
			// One at a time, the search rebuild first: the statistics'
			// refresh rebuilds the index too on PostgreSQL.
			for _, name := range []string{"search-rebuild", "refresh-stats", "deadline-alerts", "reclassify"} {
				err := db.Jobs().RequestJobRun(admin("sysadmin"), name)
				if spotcheck.ErrorCode(err) == spotcheck.ENOTFOUND && db.Dialect() == "sqlite" && name == "search-rebuild" {
					continue
				}
				if err != nil {
					t.Fatal(err)
				}
				if ran, err := s.RunDue(sys); ran != 1 || err != nil {
					t.Fatalf("%s: ran %d, %v", name, ran, err)
				}
			}
			runs, err := db.Jobs().FindJobRuns(admin("sysadmin"), "", want)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range runs {
				if r.Outcome != spotcheck.JobOK {
					t.Errorf("round %d: %+v", round, r)
				}
				switch r.Job {
				case "deadline-alerts":
					if _, ok := r.Counts["overdue"]; !ok || r.Counts["due_soon"] != 0 {
						t.Errorf("deadline alerts counted %v", r.Counts)
					}
				case "reclassify":
					// No model is loaded: nothing to do, and no failure.
					if r.Counts["runs"] != 0 {
						t.Errorf("reclassify counted %v", r.Counts)
					}
				case "search-rebuild":
					stale := map[int]int64{0: 3, 1: 0}[round]
					if r.Counts["stale"] != stale || r.Counts["rebuilt"] != min(stale, 1) {
						t.Errorf("round %d: the search rebuild counted %v", round, r.Counts)
					}
				}
			}
			if n, err := db.SearchStale(sys); n != 0 || err != nil {
				t.Errorf("stale after the jobs: %d, %v", n, err)
			}
			c.Add(time.Minute)
		}
	})
}
