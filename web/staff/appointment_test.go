package staff_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"spotcheck"
	"spotcheck/demo"
	"spotcheck/draw"
	"spotcheck/internal/webtest"
)

// appointmentVisit draws a task of the city bureau that allows 双预约 and
// returns an inspection with a team of two, the account of its first
// member and its notice token.
func appointmentVisit(t *testing.T, a *webtest.App) (*spotcheck.Inspection, string, string) {
	t.Helper()
	planner, sup := a.As(t, "planner"), a.As(t, "supervisor")
	tk := spotcheck.Task{Code: "2026-FZ-APPT", Name: "双预约测试任务", Authority: "FZWL", Items: []string{a.Draws.Item},
		StrataBy: spotcheck.StrataByCredit, Strata: []spotcheck.StratumRule{{ID: "A", Rate: "5/100", Min: 1},
			{ID: "B", Rate: "5/100", Min: 1}, {ID: "C", Rate: "5/100", Min: 1}, {ID: "D", Rate: "5/100", Min: 1}},
		Team: []spotcheck.TeamSlot{{Unit: "FZWL", Size: 2}}, Start: webtest.Today, End: "2026-12-26", Appointments: true}
	if err := a.DB.Tasks().CreateTask(planner, &tk); err != nil {
		t.Fatalf("CreateTask: %v", err)
	}
	if err := a.DB.Tasks().PublishTask(planner, tk.Code); err != nil {
		t.Fatalf("PublishTask: %v", err)
	}
	d, err := a.DB.Draws().PlanDraw(planner, tk.Code, spotcheck.DrawRequest{Officials: []string{"supervisor"}})
	if err != nil {
		t.Fatalf("PlanDraw: %v", err)
	}
	const secret = "纪检监察室见证-双预约页面测试-2026-11-26"
	if err := a.DB.Draws().CommitDraw(sup, d.ID, "supervisor", draw.Commitment(d.PlanHash, "supervisor", secret)); err != nil {
		t.Fatal(err)
	}
	if err := a.DB.Draws().RevealDraw(sup, d.ID, "supervisor", secret); err != nil {
		t.Fatal(err)
	}
	if err := a.DB.Draws().RunDraw(planner, d.ID, spotcheck.DrawRun{}); err != nil {
		t.Fatal(err)
	}
	list, err := a.DB.Inspections().FindInspections(planner, spotcheck.InspectionFilter{Task: tk.Code})
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(list, func(in spotcheck.Inspection) bool { return len(in.Team) == 2 })
	if i < 0 {
		t.Fatalf("no inspection of %s with a team of two", tk.Code)
	}
	in := &list[i]
	who, err := a.DB.Inspectors().FindInspectorByID(webtest.System(), in.Team[0])
	if err != nil {
		t.Fatal(err)
	}
	u := &spotcheck.User{Username: strings.ToLower(who.StaffID), Name: who.Name, Dept: who.Dept,
		Roles: []string{spotcheck.RoleInspector}, StaffID: who.StaffID}
	if err := a.DB.Accounts().CreateUser(webtest.System(), u, demo.Password); err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	n, err := a.DB.Notices().Notice(webtest.System(), in.ID)
	if err != nil {
		t.Fatal(err)
	}
	return in, u.Username, n.Token
}

// TestAppointmentPages: where the task allows it, the enterprise's page
// offers 双预约; a time outside the window is refused with the window
// named and the time kept; a good one shows on the inspection page, where
// a team member accepts it (the approver sees it without the buttons and
// cannot answer it), and the enterprise's page shows the answer. A task
// without 双预约 offers no such form.
func TestAppointmentPages(t *testing.T) {
	a := webtest.New(t)
	in, member, token := appointmentVisit(t, a)
	page := "/v/" + token
	if _, body := a.Page(t, "", "GET", page, nil); !strings.Contains(body, `id="appointment-form"`) {
		t.Fatalf("no 双预约 form where the task allows it:\n%s", body)
	}
	other, _ := a.Inspection(t) // of a task without 双预约
	n, err := a.DB.Notices().Notice(webtest.System(), other.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, body := a.Page(t, "", "GET", "/v/"+n.Token, nil); strings.Contains(body, `id="appointment-form"`) {
		t.Errorf("a 双预约 form where the task does not allow it")
	}

	rec, body := a.Page(t, "", "POST", page+"/appointment", url.Values{"at": {"2027-01-05T10:00"}})
	if rec.Code != http.StatusBadRequest || !strings.Contains(body, "不在检查期间（"+webtest.Today+" 至 2026-12-26）内") ||
		!strings.Contains(body, `value="2027-01-05T10:00"`) {
		t.Fatalf("a time outside the window: %d\n%s", rec.Code, body)
	}
	at := webtest.Now().In(spotcheck.ChinaTime).AddDate(0, 0, 1).Format("2006-01-02") + "T10:00"
	if rec, body := a.Page(t, "", "POST", page+"/appointment", url.Values{"at": {at}, "note": {"负责人上午在岗"}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("a good proposal: %d\n%s", rec.Code, body)
	}

	inspection := fmt.Sprintf("/staff/inspections/%d", in.ID)
	_, body = a.Page(t, "approver", "GET", inspection, nil)
	if !strings.Contains(body, `id="inspection-appointments"`) || strings.Contains(body, "appointment-accept") {
		t.Fatalf("the approver's view of the proposal:\n%s", body)
	}
	l, err := a.DB.Feedback().FindAppointments(webtest.System(), in.ID, "")
	if err != nil || len(l) != 1 {
		t.Fatalf("FindAppointments: %+v, %v", l, err)
	}
	answer := fmt.Sprintf("/staff/appointments/%d/answer", l[0].ID)
	if rec, _ := a.Page(t, "approver", "POST", answer, url.Values{"decision": {"accept"}}); rec.Code != http.StatusForbidden {
		t.Errorf("the approver answers: %d", rec.Code)
	}
	_, body = a.Page(t, member, "GET", inspection, nil)
	if !strings.Contains(body, "负责人上午在岗") || !strings.Contains(body, "appointment-accept") {
		t.Fatalf("the team member's view of the proposal:\n%s", body)
	}
	rec, _ = a.Page(t, member, "POST", answer, url.Values{"decision": {"accept"}, "reply": {"届时到达"}, "next": {inspection}})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != inspection+"?ok=appointment-accepted" {
		t.Fatalf("accepting: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	if rec, _ := a.Page(t, member, "POST", answer, url.Values{"decision": {"decline"}}); rec.Code != http.StatusConflict {
		t.Errorf("answering twice: %d", rec.Code)
	}
	if _, body := a.Page(t, "", "GET", page, nil); !strings.Contains(body, "已接受：届时到达") {
		t.Errorf("the enterprise does not see the answer:\n%s", body)
	}
}
