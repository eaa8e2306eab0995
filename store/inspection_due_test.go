package store_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"spotcheck"
	"spotcheck/store"
)

// TestPublicationDueBoundaries: the lists of due-soon and overdue
// publications on the days around their boundaries, with a fixed clock,
// across 春节 and 国庆 2026 on the built-in calendar. The due dates and the
// first day of each due-soon window are counted by hand from the State
// Council's notice (the tables of deadline_test.go in package spotcheck):
//
//   - completed 01-22, due 02-26: the window reaches it from 02-12 (five
//     working days on: 02-13, the make-up Saturday 02-14, 02-24…02-26),
//     not on 02-11; still due soon in the holiday; overdue from midnight
//     in China (16:00 UTC) at the end of 02-26;
//   - completed 09-07, due on the make-up Saturday 10-10: not on 09-27
//     (中秋), due soon from 09-28, overdue on Sunday 10-11;
//   - completed 09-10, due 10-14: not on 09-30 nor through 国庆, due soon
//     from 10-08, overdue on 10-15.
//
// Each is a revision of the same inspection, approved again: only the
// current revision counts.
func TestPublicationDueBoundaries(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		as, in := inspectionWorld(t, db)
		sv := db.Inspections()
		m1, m2, ap := as("member1"), as("member2"), as("approver")
		id := strconv.FormatInt(in.ID, 10)
		ids := func(l []spotcheck.Inspection, err error) string {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, x := range l {
				out = append(out, strconv.FormatInt(x.ID, 10))
			}
			return strings.Join(out, ",")
		}
		// at sets the clock to an instant; day to noon of a day in China.
		at := func(ts time.Time) { db.Now = func() time.Time { return ts } }
		day := func(s string) time.Time {
			d, err := time.Parse(spotcheck.DateLayout, s)
			if err != nil {
				t.Fatal(err)
			}
			return d.Add(4 * time.Hour)
		}
		viewers := []struct {
			who string
			c   context.Context
			f   spotcheck.InspectionFilter
		}{
			{"the department", ap, spotcheck.InspectionFilter{Dept: "FZWL"}},
			{"the person", ap, spotcheck.InspectionFilter{Staff: in.Team[0]}},
			{"a member, their own", m1, spotcheck.InspectionFilter{Mine: true}},
			{"the supervisor", as("supervisor"), spotcheck.InspectionFilter{}},
		}
		check := func(when time.Time, soon, late string) {
			t.Helper()
			at(when)
			for _, v := range viewers {
				if got := ids(sv.FindPublicationsDueSoon(v.c, v.f, 0)); got != soon {
					t.Errorf("%s, %s: due soon %q, want %q", when.In(spotcheck.ChinaTime), v.who, got, soon)
				}
				if got := ids(sv.FindPublicationsOverdue(v.c, v.f)); got != late {
					t.Errorf("%s, %s: overdue %q, want %q", when.In(spotcheck.ChinaTime), v.who, got, late)
				}
			}
			if got := ids(sv.FindPublicationsOverdue(as("inspector"), spotcheck.InspectionFilter{})) +
				ids(sv.FindPublicationsDueSoon(as("inspector"), spotcheck.InspectionFilter{}, 30)); got != "" {
				t.Errorf("%s: an inspector of another department sees %q", when, got)
			}
		}
		// approve records the inspection completed on completed (a new
		// revision after the first) and wants its due date.
		approve := func(completed, due string) {
			t.Helper()
			at(day("2026-03-12"))
			if cur, err := sv.FindInspectionByID(m1, in.ID); err != nil {
				t.Fatal(err)
			} else if cur.State == spotcheck.InspectionApproved {
				if err := sv.ReviseInspection(m1, in.ID, "更正完成日期"); err != nil {
					t.Fatal(err)
				}
			}
			if err := sv.SaveInspection(m1, recorded(in.ID, completed)); err != nil {
				t.Fatal(err)
			}
			for _, c := range []context.Context{m1, m2} {
				if err := sv.ConfirmInspection(c, in.ID); err != nil {
					t.Fatal(err)
				}
			}
			if err := sv.SubmitInspection(m1, in.ID); err != nil {
				t.Fatal(err)
			}
			if err := sv.ApproveInspection(ap, in.ID, ""); err != nil {
				t.Fatal(err)
			}
			got, err := sv.FindInspectionByID(ap, in.ID)
			if err != nil || got.PublicationDue != due {
				t.Fatalf("completed %s: due %+v, %v; want %s", completed, got.PublicationDue, err, due)
			}
		}

		approve("2026-01-22", "2026-02-26")
		check(day("2026-02-11"), "", "")
		check(day("2026-02-12"), id, "")
		check(day("2026-02-15"), id, "") // in the holiday
		check(day("2026-02-26"), id, "")
		check(time.Date(2026, 2, 26, 15, 59, 59, 0, time.UTC), id, "") // 23:59:59 in China
		check(time.Date(2026, 2, 26, 16, 0, 0, 0, time.UTC), "", id)   // midnight in China
		check(day("2026-02-27"), "", id)

		approve("2026-09-07", "2026-10-10")
		check(day("2026-09-27"), "", "")
		check(day("2026-09-28"), id, "")
		check(day("2026-10-10"), id, "")
		check(day("2026-10-11"), "", id)

		approve("2026-09-10", "2026-10-14")
		check(day("2026-09-30"), "", "")
		check(day("2026-10-07"), "", "")
		check(day("2026-10-08"), id, "")
		check(day("2026-10-14"), id, "")
		check(day("2026-10-15"), "", id)

		// A revision in draft is not approved: nothing to publish.
		at(day("2026-03-12"))
		if err := sv.ReviseInspection(m1, in.ID, "补充检查情况"); err != nil {
			t.Fatal(err)
		}
		check(day("2026-10-15"), "", "")
	})
}
