package webtest

import (
	"strings"
	"testing"

	"spotcheck"
	"spotcheck/demo"
)

// Inspection creates the inspections of the published draw of the test
// database (Draws.Published) as its planner and returns one whose team
// has two members, with the user names of accounts made for them.
//
// Each member gets an account linked to their inspector (User.StaffID),
// named after the staff id in lower case.
func (a *App) Inspection(t testing.TB) (in spotcheck.Inspection, members []string) {
	t.Helper()
	planner := a.As(t, "planner")
	d := a.Draws.Published
	if _, err := a.DB.Inspections().CreateInspections(planner, d.Task, d.ID); err != nil {
		t.Fatalf("CreateInspections: %v", err)
	}
	list, err := a.DB.Inspections().FindInspections(planner, spotcheck.InspectionFilter{Task: d.Task})
	if err != nil {
		t.Fatal(err)
	}
	for i := range list {
		if len(list[i].Team) == 2 {
			in = list[i]
			break
		}
	}
	if in.ID == 0 {
		t.Fatalf("no inspection of %s has a team of two (%d inspections)", d.Task, len(list))
	}
	for _, sid := range in.Team {
		who, err := a.DB.Inspectors().FindInspectorByID(System(), sid)
		if err != nil {
			t.Fatal(err)
		}
		u := &spotcheck.User{Username: strings.ToLower(sid), Name: who.Name, Dept: who.Dept,
			Roles: []string{spotcheck.RoleInspector}, StaffID: sid}
		if err := a.DB.Accounts().CreateUser(System(), u, demo.Password); err != nil {
			t.Fatalf("CreateUser %s: %v", u.Username, err)
		}
		members = append(members, u.Username)
	}
	return in, members
}

// Approve takes rec (an inspection's record) through the team to an
// approved result: members[0] saves it, every member confirms, members[0]
// submits, and the approver (approver, or the system when "") approves.
func (a *App) Approve(t testing.TB, rec *spotcheck.Inspection, members []string, approver string) {
	t.Helper()
	sv := a.DB.Inspections()
	if err := sv.SaveInspection(a.As(t, members[0]), rec); err != nil {
		t.Fatalf("SaveInspection %d: %v", rec.ID, err)
	}
	for _, m := range members {
		if err := sv.ConfirmInspection(a.As(t, m), rec.ID); err != nil {
			t.Fatalf("ConfirmInspection %d by %s: %v", rec.ID, m, err)
		}
	}
	if err := sv.SubmitInspection(a.As(t, members[0]), rec.ID); err != nil {
		t.Fatalf("SubmitInspection %d: %v", rec.ID, err)
	}
	by := System()
	if approver != "" {
		by = a.As(t, approver)
	}
	if err := sv.ApproveInspection(by, rec.ID, ""); err != nil {
		t.Fatalf("ApproveInspection %d: %v", rec.ID, err)
	}
}
