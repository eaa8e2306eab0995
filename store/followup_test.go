package store_test

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"spotcheck"
	"spotcheck/store"
)

// at sets the store's clock to noon in China on day.
func at(t *testing.T, db *store.DB, day string) {
	t.Helper()
	d, err := time.Parse(spotcheck.DateLayout, day)
	if err != nil {
		t.Fatal(err)
	}
	db.Now = func() time.Time { return d.Add(4 * time.Hour) }
}

// submitRecord saves rec as the first member of the team of in, has
// every member confirm it (accounts named in users, made as needed) and
// submits it.
func submitRecord(t *testing.T, db *store.DB, as func(string) context.Context, users map[string]string,
	in *spotcheck.Inspection, rec *spotcheck.Inspection) error {
	t.Helper()
	for _, s := range in.Team {
		if users[s] != "" {
			continue
		}
		users[s] = "fm" + strings.ToLower(strings.ReplaceAll(s, "-", ""))
		u := &spotcheck.User{Username: users[s], Name: "检查员" + s, Dept: in.Dept,
			Roles: []string{spotcheck.RoleInspector}, StaffID: s}
		if err := db.Accounts().CreateUser(ctx, u, pw); err != nil {
			t.Fatal(err)
		}
	}
	sv := db.Inspections()
	if err := sv.SaveInspection(as(users[in.Team[0]]), rec); err != nil {
		t.Fatalf("SaveInspection %d: %v", in.ID, err)
	}
	for _, s := range in.Team {
		if err := sv.ConfirmInspection(as(users[s]), in.ID); err != nil {
			t.Fatalf("ConfirmInspection %d by %s: %v", in.ID, s, err)
		}
	}
	return sv.SubmitInspection(as(users[in.Team[0]]), in.ID)
}

// clean is a record of in that found nothing.
func clean(in *spotcheck.Inspection) *spotcheck.Inspection {
	rec := recorded(in.ID, "2026-03-12")
	rec.Findings[0] = spotcheck.ItemFinding{Item: in.Items[0], Outcome: spotcheck.FindingNone}
	rec.Results, rec.SubCodes, rec.RectifyBy = []string{"R01"}, nil, ""
	return rec
}

func kindsAndDues(t *testing.T, fs []spotcheck.FollowUp, err error) string {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range fs {
		out = append(out, f.Kind+":"+f.Due)
	}
	return strings.Join(out, " ")
}

// TestFollowUpsMadeOnApproval: a result that orders a correction needs
// its 整改期限 on submission; approving starts, in its transaction, the
// rectification order and its re-inspection, the 经营异常名录 hand-off 10
// working days later across 国庆, and the R08 follow-up. Another district
// does not learn they exist; a supervisor sees and does not handle them;
// an approved correction of the record starts none twice.
func TestFollowUpsMadeOnApproval(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		as, in := inspectionWorld(t, db)
		sv, fu := db.Inspections(), db.FollowUps()
		users := map[string]string{in.Team[0]: "member1", in.Team[1]: "member2"}
		at(t, db, "2026-03-12")
		rec := recorded(in.ID, "2026-09-29")
		rec.Results = []string{"WL01", "R04", "WL03"}
		rec.SubCodes = map[string][]string{"WL01": {"LY"}, "WL03": {"QT"}}
		rec.RectifyBy = ""
		err := submitRecord(t, db, as, users, in, rec)
		wantCode(t, "submit a correction ordered without its 整改期限", err, spotcheck.EINVALID, "")
		if !strings.Contains(spotcheck.ErrorMessage(err), "整改期限") {
			t.Errorf("the refusal does not name the 整改期限: %v", err)
		}
		rec.RectifyBy = "2026-10-30"
		if err := submitRecord(t, db, as, users, in, rec); err != nil {
			t.Fatalf("SubmitInspection: %v", err)
		}
		if l, err := fu.FindFollowUps(ctx, spotcheck.FollowUpFilter{}); err != nil || len(l) != 0 {
			t.Fatalf("follow-ups before approval: %d, %v", len(l), err)
		}
		at(t, db, "2026-09-29")
		if err := sv.ApproveInspection(as("approver"), in.ID, ""); err != nil {
			t.Fatalf("ApproveInspection: %v", err)
		}
		list, err := fu.FindFollowUps(as("member1"), spotcheck.FollowUpFilter{Inspection: in.ID})
		const want = "abnormal:2026-10-19 rectify:2026-10-30 recheck:2026-10-30 pending:"
		if got := kindsAndDues(t, list, err); got != want {
			t.Fatalf("follow-ups %q, want %q", got, want)
		}
		for _, f := range list {
			if f.State != spotcheck.FollowUpOpen || f.Dept != "FZWL" || f.Seq != 1 || f.Revision != 1 || f.EntityName == "" {
				t.Errorf("a new follow-up: %+v", f)
			}
		}
		if r := list[3].Results; !reflect.DeepEqual(r, []string{"WL03"}) {
			t.Errorf("the R08 follow-up was started by %v, want WL03", r)
		}

		// Another district's staff: not found, listed nowhere, refused as missing.
		for _, u := range []string{"inspector", "glplanner"} {
			_, err := fu.FindFollowUpByID(as(u), list[0].ID)
			wantCode(t, u+" reads", err, spotcheck.ENOTFOUND, "")
			if l, err := fu.FindFollowUps(as(u), spotcheck.FollowUpFilter{}); err != nil || len(l) != 0 {
				t.Fatalf("%s lists %d: %v", u, len(l), err)
			}
			err = fu.RecordFollowUp(as(u), list[0].ID, spotcheck.FollowUpChange{Dept: "FZWL", Measures: []string{"order"}})
			wantCode(t, u+" records", err, spotcheck.ENOTFOUND, "")
		}
		if _, err := fu.FindFollowUpByID(as("supervisor"), list[0].ID); err != nil {
			t.Fatalf("the supervisor reads: %v", err)
		}
		err = fu.RecordFollowUp(as("supervisor"), list[0].ID, spotcheck.FollowUpChange{Dept: "FZWL", Measures: []string{"order"}})
		wantCode(t, "the supervisor records", err, spotcheck.EFORBIDDEN, "")
		_, err = fu.FindFollowUpByID(context.Background(), list[0].ID)
		wantCode(t, "nobody reads", err, spotcheck.EUNAUTHORIZED, "")

		// A correction approved again starts none twice.
		at(t, db, "2026-10-09")
		if err := sv.ReviseInspection(as("member1"), in.ID, "补充整改要求"); err != nil {
			t.Fatal(err)
		}
		at(t, db, "2026-03-12")
		if err := submitRecord(t, db, as, users, in, rec); err != nil {
			t.Fatalf("SubmitInspection of revision 2: %v", err)
		}
		at(t, db, "2026-10-09")
		if err := sv.ApproveInspection(as("approver"), in.ID, "同意更正"); err != nil {
			t.Fatalf("ApproveInspection of revision 2: %v", err)
		}
		again, err := fu.FindFollowUps(as("approver"), spotcheck.FollowUpFilter{Inspection: in.ID})
		if got := kindsAndDues(t, again, err); got != want {
			t.Fatalf("after the correction: %q, want %q", got, want)
		}
		for i := range again {
			if again[i].ID != list[i].ID || again[i].Revision != 1 {
				t.Errorf("follow-up %d made again: %+v", i, again[i])
			}
		}
	})
}

// TestFollowUpEventsAndTask: measures and the responsible department are
// recorded as new events, the earlier ones untouched (and the database
// refuses to touch them); the first change takes the publicized task to
// 后续处置, the last follow-up closed and every inspection decided take
// it to 办结. Completion rates count per responsible department.
func TestFollowUpEventsAndTask(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		as, in := inspectionWorld(t, db)
		sv, fu, tasks := db.Inspections(), db.FollowUps(), db.Tasks()
		users := map[string]string{in.Team[0]: "member1", in.Team[1]: "member2"}
		m1, ap, planner := as("member1"), as("approver"), as("planner")
		at(t, db, "2026-03-12")
		rec := recorded(in.ID, "2026-03-12")
		rec.Results, rec.SubCodes, rec.RectifyBy = []string{"R08"}, nil, ""
		if err := submitRecord(t, db, as, users, in, rec); err != nil {
			t.Fatal(err)
		}
		if err := sv.ApproveInspection(ap, in.ID, ""); err != nil {
			t.Fatal(err)
		}
		// The other inspections of the task: all but one decided.
		others, err := sv.FindInspections(ctx, spotcheck.InspectionFilter{Task: in.Task})
		if err != nil {
			t.Fatal(err)
		}
		var last *spotcheck.Inspection
		for i := range others {
			o := &others[i]
			if o.ID == in.ID || len(o.Team) == 0 {
				continue
			}
			if last == nil {
				last = o
				continue
			}
			if err := submitRecord(t, db, as, users, o, clean(o)); err != nil {
				t.Fatal(err)
			}
			if err := sv.ApproveInspection(ap, o.ID, ""); err != nil {
				t.Fatal(err)
			}
		}
		if last == nil {
			t.Fatal("the task has one inspection only")
		}
		for _, step := range []func(context.Context, string) error{tasks.StartTask, tasks.SubmitTask} {
			if err := step(planner, in.Task); err != nil {
				t.Fatal(err)
			}
		}
		if err := tasks.PublicizeTask(ap, in.Task); err != nil {
			t.Fatal(err)
		}
		taskState := func(want string) {
			t.Helper()
			tk, err := tasks.FindTaskByCode(planner, in.Task)
			if err != nil || tk.State != want {
				t.Fatalf("task %s: %v; want %s", tk.State, err, want)
			}
		}
		taskState(spotcheck.TaskPublicized)
		list, err := fu.FindFollowUps(m1, spotcheck.FollowUpFilter{Inspection: in.ID})
		if err != nil || len(list) != 1 || list[0].Kind != spotcheck.FollowPending {
			t.Fatalf("the R08 follow-up: %+v, %v", list, err)
		}
		id := list[0].ID
		read := func() *spotcheck.FollowUp {
			t.Helper()
			f, err := fu.FindFollowUpByID(m1, id)
			if err != nil {
				t.Fatal(err)
			}
			return f
		}
		refused := func(what string, err error, code string) {
			t.Helper()
			before := countChanges(t, db)
			wantCode(t, what, err, code, "")
			if after := countChanges(t, db); after != before {
				t.Fatalf("%s: refused, yet %d changes recorded", what, after-before)
			}
		}

		at(t, db, "2026-04-01")
		refused("close without a measure", fu.CloseFollowUp(m1, id, "2026-04-01", "已处理"), spotcheck.ECONFLICT)
		if err := fu.RecordFollowUp(m1, id, spotcheck.FollowUpChange{Dept: "FZWL",
			Measures: []string{"interview", "other"}, Other: "联合约谈负责人"}); err != nil {
			t.Fatalf("RecordFollowUp: %v", err)
		}
		taskState(spotcheck.TaskFollowUp)
		first := read()
		if len(first.Events) != 2 || first.Events[0].Action != spotcheck.FollowActCreate ||
			len(first.Events[0].Measures) != 0 || first.Events[1].Other != "联合约谈负责人" {
			t.Fatalf("events after one record: %+v", first.Events)
		}
		refused("a change that changes nothing", fu.RecordFollowUp(m1, id, spotcheck.FollowUpChange{Dept: "FZWL",
			Measures: []string{"interview", "other"}, Other: "联合约谈负责人"}), spotcheck.EINVALID)
		refused("a department that does not exist", fu.RecordFollowUp(m1, id, spotcheck.FollowUpChange{Dept: "NOPE",
			Measures: []string{"case"}}), spotcheck.EINVALID)
		// Handed to 鼓楼区, whose staff now see and handle it.
		if err := fu.RecordFollowUp(ap, id, spotcheck.FollowUpChange{Dept: "GLWL", Measures: []string{"interview", "case"}}); err != nil {
			t.Fatalf("RecordFollowUp to GLWL: %v", err)
		}
		second := read()
		if len(second.Events) != 3 || !reflect.DeepEqual(second.Events[:2], first.Events) || second.Dept != "GLWL" {
			t.Fatalf("the earlier events changed or the last is wrong:\n%+v\n%+v", first.Events, second.Events)
		}
		if _, err := fu.FindFollowUpByID(as("glplanner"), id); err != nil {
			t.Fatalf("the responsible district reads: %v", err)
		}
		for _, q := range []string{`UPDATE followup_events SET body = '{}' WHERE followup_id = $1`,
			`DELETE FROM followup_events WHERE followup_id = $1`} {
			if err := db.ExecForTest(ctx, q, id); err == nil {
				t.Errorf("the database let %q through", q)
			}
		}
		if got := read(); !reflect.DeepEqual(got.Events, second.Events) {
			t.Fatalf("the events changed: %+v", got.Events)
		}

		// Closing: between its start and today, with a note.
		refused("close in the future", fu.CloseFollowUp(m1, id, "2026-04-02", "已立案"), spotcheck.EINVALID)
		refused("close without a note", fu.CloseFollowUp(m1, id, "2026-04-01", " "), spotcheck.EINVALID)
		if err := fu.CloseFollowUp(m1, id, "2026-03-31", "已立案查处"); err != nil {
			t.Fatalf("CloseFollowUp: %v", err)
		}
		closed := read()
		if closed.State != spotcheck.FollowUpClosed || closed.Closed != "2026-03-31" || len(closed.Events) != 4 ||
			!reflect.DeepEqual(closed.Events[:3], second.Events) {
			t.Fatalf("closed: %+v", closed)
		}
		refused("record on a closed one", fu.RecordFollowUp(ap, id, spotcheck.FollowUpChange{Dept: "GLWL",
			Measures: []string{"case"}}), spotcheck.ECONFLICT)
		// One inspection is still in draft: the task waits for it.
		taskState(spotcheck.TaskFollowUp)
		if err := submitRecord(t, db, as, users, last, clean(last)); err != nil {
			t.Fatal(err)
		}
		if err := sv.ApproveInspection(ap, last.ID, ""); err != nil {
			t.Fatal(err)
		}
		taskState(spotcheck.TaskClosed)

		// The completion rate per responsible department.
		tally, err := fu.FollowUpCompletion(as("supervisor"))
		if err != nil || len(tally) != 1 || tally[0] != (spotcheck.FollowUpTally{Dept: "GLWL", Total: 1, Closed: 1}) ||
			tally[0].Rate() != "100.0%" {
			t.Fatalf("completion: %+v, %v", tally, err)
		}
		if tally, err := fu.FollowUpCompletion(as("inspector")); err != nil || len(tally) != 0 {
			t.Fatalf("another district's inspector counts %+v, %v", tally, err)
		}
	})
}

// TestFollowUpCompletionRates: open, closed and overdue follow-ups per
// responsible department.
func TestFollowUpCompletionRates(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		as, in := inspectionWorld(t, db)
		fu := db.FollowUps()
		users := map[string]string{in.Team[0]: "member1", in.Team[1]: "member2"}
		at(t, db, "2026-03-12")
		rec := recorded(in.ID, "2026-03-12")
		rec.Results = []string{"WL01", "R03", "R08"}
		rec.RectifyBy = "2026-03-20"
		if err := submitRecord(t, db, as, users, in, rec); err != nil {
			t.Fatal(err)
		}
		if err := db.Inspections().ApproveInspection(as("approver"), in.ID, ""); err != nil {
			t.Fatal(err)
		}
		list, err := fu.FindFollowUps(as("approver"), spotcheck.FollowUpFilter{Inspection: in.ID})
		// 10 working days after 03-12: 03-26.
		if got := kindsAndDues(t, list, err); got != "rectify:2026-03-20 recheck:2026-03-20 abnormal:2026-03-26 pending:" {
			t.Fatalf("follow-ups %q", got)
		}
		ap := as("approver")
		for i, f := range list[:2] {
			dept := []string{"FZWL", "GLWL"}[i]
			if err := fu.RecordFollowUp(ap, f.ID, spotcheck.FollowUpChange{Dept: dept, Measures: []string{"order"}}); err != nil {
				t.Fatal(err)
			}
		}
		if err := fu.CloseFollowUp(ap, list[0].ID, "2026-03-12", "已按期整改"); err != nil {
			t.Fatal(err)
		}
		at(t, db, "2026-03-27") // the rectification and the hand-off are late
		tally, err := fu.FollowUpCompletion(ap)
		want := []spotcheck.FollowUpTally{{Dept: "FZWL", Total: 3, Closed: 1, Overdue: 1}, {Dept: "GLWL", Total: 1, Overdue: 1}}
		if err != nil || !reflect.DeepEqual(tally, want) {
			t.Fatalf("completion %+v, %v; want %+v", tally, err, want)
		}
		if tally[0].Rate() != "33.3%" || tally[1].Rate() != "0.0%" {
			t.Errorf("rates %s, %s", tally[0].Rate(), tally[1].Rate())
		}
		// 鼓楼区 sees the one it is responsible for, nothing else.
		gl, err := fu.FollowUpCompletion(as("glplanner"))
		if err != nil || !reflect.DeepEqual(gl, want[1:]) {
			t.Fatalf("鼓楼区 counts %+v, %v", gl, err)
		}
	})
}
