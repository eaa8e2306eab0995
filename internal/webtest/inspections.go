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
