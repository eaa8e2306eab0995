package store_test

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"spotcheck"
	"spotcheck/store"
)

// inspectionWorld draws a task of the city bureau, which makes its
// inspections, and gives the first inspection with a team of two, with accounts
// "member1" and "member2" linked to its members (User.StaffID).
func inspectionWorld(t *testing.T, db *store.DB) (func(string) context.Context, *spotcheck.Inspection) {
	t.Helper()
	as := drawWorld(t, db)
	tk := drawTask("2026-FZWL-SJ-041", "WL-LXS-001")
	tk.Control = 3 // a control sample, which the dashboard's test needs inspected
	if err := db.Tasks().CreateTask(as("planner"), tk); err != nil {
		t.Fatal(err)
	}
	publishTask(t, db, as, "2026-FZWL-SJ-041")
	d := completeDraw(t, db, as, "2026-FZWL-SJ-041", 0)
	// Running the draw made them (TestRunDrawCreatesInspections): asking
	// again creates none twice.
	if again, err := db.Inspections().CreateInspections(as("planner"), "2026-FZWL-SJ-041", d.ID); err != nil || again != 0 {
		t.Fatalf("CreateInspections again: %d, %v", again, err)
	}
	list, err := db.Inspections().FindInspections(as("planner"), spotcheck.InspectionFilter{Task: "2026-FZWL-SJ-041"})
	if err != nil || len(list) == 0 {
		t.Fatalf("FindInspections: %d, %v", len(list), err)
	}
	var in *spotcheck.Inspection
	for i := range list {
		if len(list[i].Team) == 2 {
			in = &list[i]
			break
		}
	}
	if in == nil {
		t.Fatalf("no inspection with a team of two: %+v", list[0])
	}
	if in.State != spotcheck.InspectionDraft || in.Revision != 1 || in.Dept != "FZWL" || len(in.Items) != 1 {
		t.Fatalf("a new inspection: %+v", in)
	}
	for i, s := range in.Team {
		u := &spotcheck.User{Username: "member" + strconv.Itoa(i+1), Name: "检查员" + s, Dept: "FZWL",
			Roles: []string{spotcheck.RoleInspector}, StaffID: s}
		if err := db.Accounts().CreateUser(ctx, u, pw); err != nil {
			t.Fatal(err)
		}
	}
	return as, in
}

// recorded is a record the team may submit once both have confirmed: a
// correction ordered (R05), due the day it was completed.
func recorded(id int64, completed string) *spotcheck.Inspection {
	return &spotcheck.Inspection{ID: id, Methods: []string{spotcheck.MethodSite},
		CheckIn: time.Date(2026, 3, 12, 1, 30, 0, 0, time.UTC), Location: "26.08,119.30", Completed: completed,
		Findings: []spotcheck.ItemFinding{{Item: "WL-LXS-001", Outcome: spotcheck.FindingProblem,
			Basis: "《旅行社条例》第二十九条", Description: "未与游客签订书面合同"}},
		Results: []string{"WL01", "R05"}, SubCodes: map[string][]string{"WL01": {"LY"}}, RectifyBy: completed}
}

// TestInspectionWorkflow: draft → submitted → returned → submitted →
// approved with its due date on the working-day calendar (国庆 2026 and
// its make-up Saturday), then a revision approved again across 春节; each
// refused step changes nothing, and an approved revision is never saved.
func TestInspectionWorkflow(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		as, in := inspectionWorld(t, db)
		sv := db.Inspections()
		m1, m2 := as("member1"), as("member2")
		ap := as("approver")
		today := time.Date(2026, 3, 12, 4, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return today }
		refused := func(what string, err error, code string) {
			t.Helper()
			before := countChanges(t, db)
			wantCode(t, what, err, code, "")
			if after := countChanges(t, db); after != before {
				t.Fatalf("%s: refused, yet %d changes recorded", what, after-before)
			}
		}
		state := func(want string, rev int) *spotcheck.Inspection {
			t.Helper()
			got, err := sv.FindInspectionByID(m1, in.ID)
			if err != nil || got.State != want || got.Revision != rev {
				t.Fatalf("state: %+v, %v; want %s revision %d", got, err, want, rev)
			}
			return got
		}
		confirm := func() {
			t.Helper()
			for _, c := range []context.Context{m1, m2} {
				if err := sv.ConfirmInspection(c, in.ID); err != nil {
					t.Fatalf("ConfirmInspection: %v", err)
				}
			}
		}

		// Others see nothing; the team and the department do.
		for _, u := range []string{"inspector", "glplanner", "gladmin"} {
			_, err := sv.FindInspectionByID(as(u), in.ID)
			wantCode(t, u+" reads", err, spotcheck.ENOTFOUND, "")
			if l, err := sv.FindInspections(as(u), spotcheck.InspectionFilter{}); err != nil || len(l) != 0 {
				t.Fatalf("%s lists %d: %v", u, len(l), err)
			}
		}
		if l, err := sv.FindInspections(m1, spotcheck.InspectionFilter{Mine: true}); err != nil || len(l) == 0 {
			t.Fatalf("the member's own: %d, %v", len(l), err)
		}
		_, err := sv.FindInspectionByID(context.Background(), in.ID)
		wantCode(t, "nobody reads", err, spotcheck.EUNAUTHORIZED, "")

		// Draft: only the team records; a problem needs its legal basis.
		refused("the approver saves", sv.SaveInspection(ap, recorded(in.ID, "2026-09-29")), spotcheck.EFORBIDDEN)
		refused("another district saves", sv.SaveInspection(as("inspector"), recorded(in.ID, "2026-09-29")), spotcheck.ENOTFOUND)
		bad := recorded(in.ID, "2026-09-29")
		bad.Findings[0].Basis = ""
		refused("a problem without its basis", sv.SaveInspection(m1, bad), spotcheck.EINVALID)
		if err := sv.SaveInspection(m1, recorded(in.ID, "2026-09-29")); err != nil {
			t.Fatalf("SaveInspection: %v", err)
		}
		refused("submit unconfirmed", sv.SubmitInspection(m1, in.ID), spotcheck.ECONFLICT)
		db.Now = func() time.Time { return time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC) }
		refused("confirm with an expired 执法证", sv.ConfirmInspection(m1, in.ID), spotcheck.EFORBIDDEN)
		db.Now = func() time.Time { return today }
		confirm()
		refused("confirm twice", sv.ConfirmInspection(m1, in.ID), spotcheck.ECONFLICT)
		refused("the approver submits", sv.SubmitInspection(ap, in.ID), spotcheck.EFORBIDDEN)
		if err := sv.SubmitInspection(m1, in.ID); err != nil {
			t.Fatalf("SubmitInspection: %v", err)
		}
		state(spotcheck.InspectionSubmitted, 1)
		refused("save a submitted record", sv.SaveInspection(m1, recorded(in.ID, "2026-09-29")), spotcheck.ECONFLICT)
		refused("a member approves", sv.ApproveInspection(m2, in.ID, ""), spotcheck.EFORBIDDEN)

		// Returned with a comment, fixed, confirmed again, resubmitted.
		refused("return without a comment", sv.ReturnInspection(ap, in.ID, " "), spotcheck.EINVALID)
		if err := sv.ReturnInspection(ap, in.ID, "请补充签到位置说明"); err != nil {
			t.Fatalf("ReturnInspection: %v", err)
		}
		if got := state(spotcheck.InspectionReturned, 1); got.Comment != "请补充签到位置说明" || len(got.Confirmations) != 2 {
			t.Fatalf("returned: %+v", got)
		}
		fixed := recorded(in.ID, "2026-09-29")
		fixed.Location = "福州市鼓楼区五四路 26.08,119.30"
		if err := sv.SaveInspection(m2, fixed); err != nil {
			t.Fatalf("SaveInspection after return: %v", err)
		}
		if got := state(spotcheck.InspectionReturned, 1); len(got.Confirmations) != 0 {
			t.Fatalf("the edit kept the confirmations: %+v", got.Confirmations)
		}
		refused("resubmit unconfirmed", sv.SubmitInspection(m1, in.ID), spotcheck.ECONFLICT)
		confirm()
		if err := sv.SubmitInspection(m2, in.ID); err != nil {
			t.Fatalf("SubmitInspection again: %v", err)
		}

		// Approved: due 20 working days after 2026-09-29, past 国庆
		// (10-01…10-07 off) and counting the make-up Saturday 10-10.
		if err := sv.ApproveInspection(ap, in.ID, ""); err != nil {
			t.Fatalf("ApproveInspection: %v", err)
		}
		if got := state(spotcheck.InspectionApproved, 1); got.PublicationDue != "2026-11-02" || got.Approver != "approver" {
			t.Fatalf("approved: due %s by %s, want 2026-11-02", got.PublicationDue, got.Approver)
		}
		refused("save an approved record", sv.SaveInspection(m1, recorded(in.ID, "2026-09-30")), spotcheck.ECONFLICT)
		refused("approve twice", sv.ApproveInspection(ap, in.ID, ""), spotcheck.ECONFLICT)

		// A correction is revision 2, with a reason; revision 1 stays.
		refused("revise without a reason", sv.ReviseInspection(m1, in.ID, ""), spotcheck.EINVALID)
		refused("the approver revises", sv.ReviseInspection(ap, in.ID, "笔误"), spotcheck.EFORBIDDEN)
		if err := sv.ReviseInspection(m1, in.ID, "完成日期填写错误"); err != nil {
			t.Fatalf("ReviseInspection: %v", err)
		}
		if got := state(spotcheck.InspectionDraft, 2); got.Reason != "完成日期填写错误" || got.PublicationDue != "" ||
			len(got.Confirmations) != 0 || len(got.Findings) != 1 {
			t.Fatalf("revision 2: %+v", got)
		}
		if err := sv.SaveInspection(m1, recorded(in.ID, "2026-02-10")); err != nil {
			t.Fatalf("SaveInspection of revision 2: %v", err)
		}
		confirm()
		if err := sv.SubmitInspection(m1, in.ID); err != nil {
			t.Fatalf("SubmitInspection of revision 2: %v", err)
		}
		if err := sv.ApproveInspection(ap, in.ID, "同意更正"); err != nil {
			t.Fatalf("ApproveInspection of revision 2: %v", err)
		}
		// 春节 2026: 02-15…02-23 off, the Saturdays 02-14 and 02-28 worked.
		if got := state(spotcheck.InspectionApproved, 2); got.PublicationDue != "2026-03-16" {
			t.Fatalf("revision 2 due %s, want 2026-03-16", got.PublicationDue)
		}
		revs, err := sv.FindInspectionRevisions(m1, in.ID)
		if err != nil || len(revs) != 2 {
			t.Fatalf("FindInspectionRevisions: %d, %v", len(revs), err)
		}
		if r := revs[0]; r.State != spotcheck.InspectionApproved || r.Completed != "2026-09-29" ||
			r.PublicationDue != "2026-11-02" || r.Reason != "" {
			t.Fatalf("revision 1 changed: %+v", r)
		}
		hist, err := db.Changes().FindChanges(ctx, spotcheck.ChangeFilter{Kind: "inspection",
			Key: strconv.FormatInt(in.ID, 10), Limit: 100})
		if err != nil || hist.Total != 16 {
			t.Fatalf("the change history holds %d steps, want 16: %v", hist.Total, err)
		}
	})
}

// TestInspectionRejectAndFourEyes: a member who is also an approver may
// not approve their own team's record; a rejected record is not edited,
// only revised.
func TestInspectionRejectAndFourEyes(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		as, in := inspectionWorld(t, db)
		sv := db.Inspections()
		db.Now = func() time.Time { return time.Date(2026, 3, 12, 4, 0, 0, 0, time.UTC) }
		name1, name2 := "member1", "member2"
		if err := db.Accounts().UpdateUser(ctx, &spotcheck.User{Username: name2, Name: "检查员兼审核员", Dept: "FZWL",
			Roles: []string{spotcheck.RoleInspector, spotcheck.RoleApprover}, Active: true, StaffID: in.Team[1]}); err != nil {
			t.Fatal(err)
		}
		m1, m2 := as(name1), as(name2)
		if err := sv.SaveInspection(m1, recorded(in.ID, "2026-03-12")); err != nil {
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
		before := countChanges(t, db)
		wantCode(t, "a member approves their own team's record", sv.ApproveInspection(m2, in.ID, ""), spotcheck.EFORBIDDEN, "")
		wantCode(t, "reject without a comment", sv.RejectInspection(as("approver"), in.ID, ""), spotcheck.EINVALID, "")
		if n := countChanges(t, db); n != before {
			t.Fatalf("refused steps recorded %d changes", n-before)
		}
		if err := sv.RejectInspection(as("approver"), in.ID, "检查情况与现场照片不符"); err != nil {
			t.Fatalf("RejectInspection: %v", err)
		}
		wantCode(t, "save a rejected record", sv.SaveInspection(m1, recorded(in.ID, "2026-03-12")), spotcheck.ECONFLICT, "")
		if err := sv.ReviseInspection(m1, in.ID, "按审核意见重新检查"); err != nil {
			t.Fatalf("ReviseInspection: %v", err)
		}
		got, err := sv.FindInspectionByID(as("approver"), in.ID)
		if err != nil || got.State != spotcheck.InspectionDraft || got.Revision != 2 {
			t.Fatalf("after the revision: %+v, %v", got, err)
		}
		revs, err := sv.FindInspectionRevisions(as("approver"), in.ID)
		if err != nil || len(revs) != 2 || revs[0].State != spotcheck.InspectionRejected || revs[0].Comment != "检查情况与现场照片不符" {
			t.Fatalf("revisions: %+v, %v", revs, err)
		}
	})
}

// TestPublicationsDue: an approved inspection completed on 2026-09-29 is
// due for publication on 2026-11-02 (TestInspectionWorkflow). Five working
// days before, it is due soon, for its department, its team and each
// member; on its day still due soon; the day after, overdue, which the
// supervisor sees too. Users outside see nothing; a published or
// unapproved record is never listed.
func TestPublicationsDue(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		as, in := inspectionWorld(t, db)
		sv := db.Inspections()
		m1, m2, ap := as("member1"), as("member2"), as("approver")
		at := func(day string) {
			d, err := time.Parse("2006-01-02", day)
			if err != nil {
				t.Fatal(err)
			}
			db.Now = func() time.Time { return d.Add(4 * time.Hour) } // noon in China
		}
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
		id := strconv.FormatInt(in.ID, 10)
		all := []struct {
			who string
			c   context.Context
			f   spotcheck.InspectionFilter
		}{
			{"the department", ap, spotcheck.InspectionFilter{Dept: "FZWL"}},
			{"the approver, for the person", ap, spotcheck.InspectionFilter{Staff: in.Team[1]}},
			{"member 1, their own", m1, spotcheck.InspectionFilter{Mine: true}},
			{"member 2, their own", m2, spotcheck.InspectionFilter{Mine: true}},
			{"the supervisor", as("supervisor"), spotcheck.InspectionFilter{}},
		}
		check := func(day, soon, late string) {
			t.Helper()
			at(day)
			for _, w := range all {
				if got := ids(sv.FindPublicationsDueSoon(w.c, w.f, 0)); got != soon {
					t.Errorf("%s, %s: due soon %q, want %q", day, w.who, got, soon)
				}
				if got := ids(sv.FindPublicationsOverdue(w.c, w.f)); got != late {
					t.Errorf("%s, %s: overdue %q, want %q", day, w.who, got, late)
				}
			}
			for _, u := range []string{"inspector", "gladmin", "glplanner"} {
				if got := ids(sv.FindPublicationsDueSoon(as(u), spotcheck.InspectionFilter{}, 30)) +
					ids(sv.FindPublicationsOverdue(as(u), spotcheck.InspectionFilter{})); got != "" {
					t.Errorf("%s, %s sees %q", day, u, got)
				}
			}
			if got := ids(sv.FindPublicationsOverdue(ap, spotcheck.InspectionFilter{Dept: "GLWL"})); got != "" {
				t.Errorf("%s: another department's list holds %q", day, got)
			}
		}

		// Not approved yet: never listed, whatever the day.
		check("2026-11-03", "", "")
		at("2026-03-12")
		if err := sv.SaveInspection(m1, recorded(in.ID, "2026-09-29")); err != nil {
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
		check("2026-10-23", "", "") // Friday: five working days on is 10-30
		check("2026-10-26", id, "") // Monday: the fifth working day is 11-02
		check("2026-11-02", id, "") // due today
		check("2026-11-03", "", id) // a day late
		if got := ids(sv.FindPublicationsDueSoon(ap, spotcheck.InspectionFilter{}, 1)); got != "" {
			t.Errorf("due within one working day of 11-03: %q", got)
		}
		at("2026-10-22")
		if got := ids(sv.FindPublicationsDueSoon(ap, spotcheck.InspectionFilter{}, 7)); got != id {
			t.Errorf("due within seven working days of 10-22: %q", got)
		}
		if _, err := sv.FindPublicationsOverdue(context.Background(), spotcheck.InspectionFilter{}); spotcheck.ErrorCode(err) != spotcheck.EUNAUTHORIZED {
			t.Errorf("nobody: %v", err)
		}
	})
}

// TestRunDrawCreatesInspections: running a draw makes, in its own
// transaction, one inspection per selected entity (not the reserves), in
// 未录入, with the team the draw assigned and the task's items.
func TestRunDrawCreatesInspections(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		as := drawWorld(t, db)
		if err := db.Tasks().CreateTask(as("planner"), drawTask("2026-FZWL-SJ-042", "WL-LXS-001")); err != nil {
			t.Fatal(err)
		}
		publishTask(t, db, as, "2026-FZWL-SJ-042")
		d := completeDraw(t, db, as, "2026-FZWL-SJ-042", 0)
		picks, err := db.Draws().FindDrawPicks(as("planner"), d.ID)
		if err != nil {
			t.Fatal(err)
		}
		teams := map[string][]string{}
		for _, p := range picks {
			if !p.Reserve {
				teams[p.Entity] = p.Inspectors
			}
		}
		list, err := db.Inspections().FindInspections(as("planner"), spotcheck.InspectionFilter{Task: "2026-FZWL-SJ-042"})
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != len(teams) || len(teams) == 0 {
			t.Fatalf("%d inspections for %d selected entities", len(list), len(teams))
		}
		seen := map[string]bool{}
		for _, in := range list {
			team, selected := teams[in.Entity]
			if !selected || seen[in.Entity] || in.Draw != d.ID || in.State != spotcheck.InspectionDraft ||
				in.Revision != 1 || in.Dept != "FZWL" || !reflect.DeepEqual(in.Items, []string{"WL-LXS-001"}) ||
				strings.Join(in.Team, ",") != strings.Join(team, ",") {
				t.Errorf("inspection of %s: %+v (selected %v, team %v)", in.Entity, in, selected, team)
			}
			seen[in.Entity] = true
		}

		// Approved changes follow: a promoted reserve gets its
		// inspection, a replaced inspector leaves the team of a record
		// not yet submitted.
		var first, reserve spotcheck.DrawPick
		for _, p := range picks {
			if p.Stratum == "B" && !p.Reserve && first.Entity == "" {
				first = p
			}
			if p.Stratum == "B" && p.Reserve && reserve.Entity == "" {
				reserve = p
			}
		}
		decide := func(c *spotcheck.DrawChange) error {
			if err := db.Draws().RequestDrawChange(as("planner"), c); err != nil {
				return err
			}
			return db.Draws().DecideDrawChange(as("approver"), c.ID, true, "同意")
		}
		if err := decide(&spotcheck.DrawChange{DrawID: d.ID, Kind: spotcheck.ChangeSubstitute, Entity: first.Entity,
			Reason: "closed", Note: "已停业"}); err != nil {
			t.Fatalf("substitution: %v", err)
		}
		got, err := db.Inspections().FindInspections(as("planner"), spotcheck.InspectionFilter{Task: "2026-FZWL-SJ-042",
			Entity: reserve.Entity})
		if err != nil || len(got) != 1 || got[0].State != spotcheck.InspectionDraft || len(got[0].Team) == 0 {
			t.Fatalf("the promoted reserve's inspection: %+v, %v", got, err)
		}
		var two *spotcheck.Inspection
		for i := range list {
			if len(list[i].Team) == 2 && list[i].Entity != first.Entity {
				two = &list[i]
				break
			}
		}
		if two == nil {
			t.Fatal("no inspection with a team of two")
		}
		replaced := false
		for k := 1; k <= 12 && !replaced; k++ {
			staff := fmt.Sprintf("FZ%04d", k)
			if slices.Contains(two.Team, staff) {
				continue
			}
			replaced = decide(&spotcheck.DrawChange{DrawID: d.ID, Kind: spotcheck.ChangeReplace, Entity: two.Entity,
				Inspector: two.Team[1], NewInspector: staff, Reason: "illness"}) == nil
			if replaced {
				after, err := db.Inspections().FindInspectionByID(as("planner"), two.ID)
				if err != nil || !reflect.DeepEqual(after.Team, []string{two.Team[0], staff}) {
					t.Fatalf("after replacing %s by %s: %+v, %v", two.Team[1], staff, after, err)
				}
			}
		}
		if !replaced {
			t.Fatal("no inspector of the roster could replace one")
		}
	})
}

// TestInspectionResultCatalogueSeed: the catalogue migration 0014 seeds
// is spotcheck.DefaultResultCatalogue, on both databases.
func TestInspectionResultCatalogueSeed(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		if _, err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		got, err := db.Inspections().ResultCatalogue(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if want := spotcheck.DefaultResultCatalogue(); !reflect.DeepEqual(got, want) {
			t.Errorf("the seeded catalogue differs:\n got %+v\nwant %+v", got, want)
		}
	})
}

// TestConcurrentConfirmationsKept: both members confirm the same record
// at the same moment, again and again; both confirmations are kept every
// time and the record can be submitted. On PostgreSQL, whose writers run
// side by side, the later write dropped the earlier confirmation until
// the step locked the inspection's row (lockInspection).
func TestConcurrentConfirmationsKept(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		as, in := inspectionWorld(t, db)
		sv := db.Inspections()
		m1, m2 := as("member1"), as("member2")
		db.Now = func() time.Time { return time.Date(2026, 3, 12, 4, 0, 0, 0, time.UTC) }
		for round := range 20 {
			rec := recorded(in.ID, "2026-03-12")
			rec.RectifyBy = "2026-03-31"
			rec.Remark = fmt.Sprintf("第%d次保存", round+1) // each save clears the confirmations
			if err := sv.SaveInspection(m1, rec); err != nil {
				t.Fatalf("round %d: SaveInspection: %v", round, err)
			}
			start := make(chan struct{})
			errs := make(chan error, 2)
			for _, m := range []context.Context{m1, m2} {
				go func() {
					<-start
					errs <- sv.ConfirmInspection(m, in.ID)
				}()
			}
			close(start)
			for range 2 {
				if err := <-errs; err != nil {
					t.Fatalf("round %d: ConfirmInspection: %v", round, err)
				}
			}
			got, err := sv.FindInspectionByID(m1, in.ID)
			if err != nil {
				t.Fatal(err)
			}
			if miss := got.Unconfirmed(); len(miss) > 0 {
				t.Fatalf("round %d: confirmations %+v, %v not kept", round, got.Confirmations, miss)
			}
		}
		if err := sv.SubmitInspection(m1, in.ID); err != nil {
			t.Fatalf("SubmitInspection: %v", err)
		}
	})
}
