package store_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"spotcheck"
	"spotcheck/store"
	"spotcheck/workday"
)

// TestCalendarOverrides: the system administrator adds and imports
// overrides, a later one supersedes an earlier one of the same day,
// nothing is deleted, every one is recorded, and the calendar built from
// them gives 2028 data and wins over lunar-go.
func TestCalendarOverrides(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		seedDepartments(t, db)
		admin := signedIn(t, db, "FZWL", spotcheck.RoleSystemAdmin)
		planner := signedIn(t, db, "FZWL", spotcheck.RolePlanner)
		cal := db.Calendar()

		before, err := workday.Load(planner, cal)
		if err != nil {
			t.Fatal(err)
		}
		if before.HasYear(2028) {
			t.Fatal("2028 has data before any override")
		}

		if err := cal.AddCalendarOverride(planner, &spotcheck.CalendarOverride{Date: "2026-10-10"}); spotcheck.ErrorCode(err) != spotcheck.EFORBIDDEN {
			t.Errorf("planner adds an override: %v, want forbidden", err)
		}
		if _, err := cal.ImportCalendar(planner, "x.csv", strings.NewReader("2028-01-01,休\n"), ""); spotcheck.ErrorCode(err) != spotcheck.EFORBIDDEN {
			t.Errorf("planner imports: %v, want forbidden", err)
		}
		wantErr(t, cal.AddCalendarOverride(admin, &spotcheck.CalendarOverride{Date: "2026-02-30"}), spotcheck.EINVALID)

		o := &spotcheck.CalendarOverride{Date: " 2026-10-10 ", Work: false, Note: "更正"}
		if err := cal.AddCalendarOverride(admin, o); err != nil {
			t.Fatalf("AddCalendarOverride: %v", err)
		}
		if o.ID == 0 || o.Date != "2026-10-10" || o.By != "u-fzwl" {
			t.Errorf("added %+v", o)
		}
		if err := cal.AddCalendarOverride(admin, &spotcheck.CalendarOverride{Date: "2026-10-10", Work: true, Note: "再更正"}); err != nil {
			t.Fatal(err)
		}

		// A bad row refuses the whole file.
		_, err = cal.ImportCalendar(admin, "2028.csv", strings.NewReader("日期,类型\n2028-01-01,休\n2028-01-32,休\n2028-02-05,上\n"), "")
		var ie *spotcheck.ImportError
		if !errors.As(err, &ie) || spotcheck.ErrorCode(err) != spotcheck.EINVALID {
			t.Fatalf("bad import: %v", err)
		}
		if got := ie.Error(); got != "第3行 日期：“2028-01-32”不是 YYYY-MM-DD 格式的日期\n第4行 类型：“上”应为“休”或“班”" {
			t.Errorf("row errors:\n%s", got)
		}
		n, err := cal.ImportCalendar(admin, "2028.csv", strings.NewReader("日期,类型\n2028-01-01,休\n2028-01-29,班\n"), "国办发明电")
		if err != nil || n != 2 {
			t.Fatalf("import: %d %v", n, err)
		}

		os, err := cal.FindCalendarOverrides(planner)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, o := range os {
			got = append(got, o.Date+o.Kind()+o.Note)
		}
		if s := strings.Join(got, " "); s != "2026-10-10休更正 2026-10-10班再更正 2028-01-01休国办发明电 2028-01-29班国办发明电" {
			t.Errorf("overrides: %s", s)
		}
		if !os[0].At.Equal(time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)) {
			t.Errorf("At %v", os[0].At)
		}

		c, err := workday.Load(planner, cal)
		if err != nil {
			t.Fatal(err)
		}
		for d, want := range map[string]bool{"2026-10-10": true, "2028-01-01": false, "2028-01-29": true, "2028-01-03": true} {
			day, _ := time.Parse(time.DateOnly, d)
			if w, err := c.IsWorkday(day); err != nil || w != want {
				t.Errorf("%s: %v %v, want %v", d, w, err, want)
			}
		}

		if got := changeVersions(t, db, "calendar", "2026-10-10"); len(got) != 2 {
			t.Errorf("changes of 2026-10-10: %v, want two", got)
		}
		if got := changeVersions(t, db, "calendar", "2028-01-29"); len(got) != 1 {
			t.Errorf("changes of 2028-01-29: %v, want one", got)
		}
	})
}
