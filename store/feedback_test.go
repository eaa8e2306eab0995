package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"spotcheck"
	"spotcheck/store"
)

// TestRateVisitAndComplaint: a visit is rated once, after it; a bad
// rating or an anonymous complaint with a contact is refused with nothing
// stored; only supervisors read feedback, with the contact.
func TestRateVisitAndComplaint(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		as, in := inspectionWorld(t, db)
		n, err := db.Notices().Notice(as("member1"), in.ID)
		if err != nil {
			t.Fatal(err)
		}
		public := spotcheck.NewContextWithPrincipal(context.Background(), spotcheck.Public())
		sv := db.Feedback()
		good := func() *spotcheck.Feedback {
			return &spotcheck.Feedback{Rating: 2, Complaint: "检查人员态度生硬", Contact: "13800000000"}
		}
		wantCode(t, "rating before the visit", sv.RateVisit(public, n.Token, good()), spotcheck.ECONFLICT, "检查尚未进行，检查结束后才能评价")
		submit(t, db, as, in.ID)
		for _, bad := range []*spotcheck.Feedback{
			{Rating: 0},
			{Rating: 6},
			{Rating: 1, Complaint: "态度差", Anonymous: true, Contact: "13800000000"},
		} {
			if err := sv.RateVisit(public, n.Token, bad); spotcheck.ErrorCode(err) != spotcheck.EINVALID {
				t.Fatalf("RateVisit(%+v): %v, want EINVALID", bad, err)
			}
		}
		if countRows(t, db, "visit_feedback") != 0 {
			t.Fatal("refused ratings were stored")
		}
		f := good()
		if err := sv.RateVisit(public, n.Token, f); err != nil {
			t.Fatalf("RateVisit: %v", err)
		}
		wantCode(t, "a second rating", sv.RateVisit(public, n.Token, good()), spotcheck.ECONFLICT, "本次检查已经评价过，每次检查只能评价一次")

		for _, u := range []string{"approver", "member1", "cityadmin"} {
			if _, err := sv.FindFeedback(as(u), in.ID); spotcheck.ErrorCode(err) != spotcheck.EFORBIDDEN {
				t.Fatalf("FindFeedback by %s: %v, want EFORBIDDEN", u, err)
			}
		}
		l, err := sv.FindFeedback(as("supervisor"), 0)
		if err != nil || len(l) != 1 || l[0].Contact != "13800000000" || l[0].Complaint != f.Complaint || l[0].Inspection != in.ID ||
			len(l[0].Team) != 2 || l[0].Task == "" {
			t.Fatalf("FindFeedback by the supervisor: %+v, %v", l, err)
		}
	})
}

// appointmentWorld is inspectionWorld for a task that allows 双预约.
// It returns the inspection of the first task too, which does not, and
// a context of a team member of the one that does.
func appointmentWorld(t *testing.T, db *store.DB) (func(string) context.Context, *spotcheck.Inspection, *spotcheck.Inspection, context.Context, string) {
	t.Helper()
	as, first := inspectionWorld(t, db)
	var in *spotcheck.Inspection
	tk := drawTask("2026-FZWL-SJ-042", "WL-LXS-001")
	tk.Appointments = true
	if err := db.Tasks().CreateTask(as("planner"), tk); err != nil {
		t.Fatal(err)
	}
	publishTask(t, db, as, tk.Code)
	completeDraw(t, db, as, tk.Code, 0)
	list, err := db.Inspections().FindInspections(as("planner"), spotcheck.InspectionFilter{Task: tk.Code})
	if err != nil || len(list) == 0 {
		t.Fatalf("FindInspections: %v", err)
	}
	for i := range list {
		if len(list[i].Team) == 2 {
			in = &list[i]
			break
		}
	}
	n, err := db.Notices().Notice(as("planner"), in.ID)
	if err != nil {
		t.Fatal(err)
	}
	// A member of its team: member1 or member2 when the same person, or
	// a new account linked to them.
	for i, s := range first.Team {
		if s == in.Team[0] {
			return as, first, in, as(fmt.Sprintf("member%d", i+1)), n.Token
		}
	}
	u := &spotcheck.User{Username: "member3", Name: "检查员" + in.Team[0], Dept: "FZWL",
		Roles: []string{spotcheck.RoleInspector}, StaffID: in.Team[0]}
	if err := db.Accounts().CreateUser(ctx, u, pw); err != nil {
		t.Fatal(err)
	}
	return as, first, in, as("member3"), n.Token
}

// TestAppointments: a time is proposed only where the task allows it,
// within its window and office hours, not in the past, one pending at a
// time; a team member answers it, once; nobody else may.
func TestAppointments(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		as, first, _, member, token := appointmentWorld(t, db)
		db.Now = func() time.Time { return time.Date(2026, 3, 11, 2, 0, 0, 0, time.UTC) }
		public := spotcheck.NewContextWithPrincipal(context.Background(), spotcheck.Public())
		sv := db.Feedback()

		// The first task does not allow it.
		n, err := db.Notices().Notice(as("planner"), first.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct{ token, at, says string }{
			{n.Token, "2026-03-20 09:30", "本任务不接受预约检查时间"},
			{token, "2026-05-20 09:30", "不在检查期间（2026-03-10 至 2026-04-30）内"},
			{token, "2026-03-10 09:30", "已经过去"},
			{token, "2026-03-20 21:00", "请选择工作时间"},
			{token, "下周一上午", "不是有效的时间"},
		} {
			err := sv.ProposeAppointment(public, c.token, &spotcheck.Appointment{At: c.at})
			if spotcheck.ErrorCode(err) != spotcheck.EINVALID || !strings.Contains(fmt.Sprint(err), c.says) {
				t.Fatalf("ProposeAppointment(%s): %v, want EINVALID saying %q", c.at, err, c.says)
			}
		}
		if countRows(t, db, "appointments") != 0 {
			t.Fatal("refused proposals were stored")
		}
		a := &spotcheck.Appointment{At: "2026-03-20T09:30", Note: "法定代表人当天在岗"}
		if err := sv.ProposeAppointment(public, token, a); err != nil {
			t.Fatalf("ProposeAppointment: %v", err)
		}
		if a.At != "2026-03-20 09:30" {
			t.Fatalf("stored time %q", a.At)
		}
		wantCode(t, "a second pending proposal", sv.ProposeAppointment(public, token, &spotcheck.Appointment{At: "2026-03-21 10:00"}),
			spotcheck.ECONFLICT, "已有一个预约时间等待检查组答复，请等待答复后再提出")
		wantCode(t, "answered by the approver", sv.AnswerAppointment(as("approver"), a.ID, true, ""), spotcheck.EFORBIDDEN, "")
		if err := sv.AnswerAppointment(member, a.ID, true, "按约定时间到达"); err != nil {
			t.Fatalf("AnswerAppointment: %v", err)
		}
		wantCode(t, "answered twice", sv.AnswerAppointment(member, a.ID, false, ""), spotcheck.ECONFLICT, "该预约已答复（已接受）")
		l, err := sv.FindAppointments(public, 0, token)
		if err != nil || len(l) != 1 || l[0].State != spotcheck.AppointmentAccepted || l[0].Reply != "按约定时间到达" {
			t.Fatalf("FindAppointments: %+v, %v", l, err)
		}
	})
}

// TestAppointmentAnsweredTwiceAtOnce: two answers to one proposed time
// at the same moment (a double click): one decides it, the other is
// refused, and one answer is recorded, on both databases.
func TestAppointmentAnsweredTwiceAtOnce(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		_, _, _, member, token := appointmentWorld(t, db)
		db.Now = func() time.Time { return time.Date(2026, 3, 11, 2, 0, 0, 0, time.UTC) }
		public := spotcheck.NewContextWithPrincipal(context.Background(), spotcheck.Public())
		sv := db.Feedback()
		a := &spotcheck.Appointment{At: "2026-03-20T09:30"}
		if err := sv.ProposeAppointment(public, token, a); err != nil {
			t.Fatal(err)
		}
		events := countRows(t, db, "changes")
		{
			start := make(chan struct{})
			errs := make(chan error, 2)
			for _, accept := range []bool{true, false} {
				go func() {
					<-start
					errs <- sv.AnswerAppointment(member, a.ID, accept, "")
				}()
			}
			close(start)
			var ok, conflict int
			for range 2 {
				switch err := <-errs; spotcheck.ErrorCode(err) {
				case "":
					ok++
				case spotcheck.ECONFLICT:
					conflict++
				default:
					t.Errorf("AnswerAppointment: %v", err)
				}
			}
			if ok != 1 || conflict != 1 {
				t.Fatalf("%d answers went through and %d were refused; want 1 and 1", ok, conflict)
			}
		}
		if n := countRows(t, db, "changes") - events; n != 1 {
			t.Fatalf("%d answers recorded, want 1", n)
		}
	})
}
