package e2e

import (
	"context"
	"fmt"
	"strings"

	"spotcheck"
	"spotcheck/demo"
)

// makeInspectionFixture makes the inspections of the draw fixture (the
// city bureau's drawn task) and returns one of them, in draft. No demo
// user is on its team, so the matrix's recording steps by the demo's
// inspector (of 鼓楼区) meet a record they may not see, and the
// approver's steps a record in the wrong state: nothing changes.
//
// It also makes an account for the first member of the team, whom the
// accessibility tour signs in as to check the recording form; it is
// linked to its inspector (User.StaffID) and named after the staff id.
func makeInspectionFixture(ctx context.Context, a *app, task string, drawID int64) (id int64, member string, err error) {
	planner, err := a.asUser(ctx, "planner")
	if err != nil {
		return 0, "", err
	}
	// A draw may already have made them (issue 11: draws create their
	// inspections); making them again creates none twice.
	if _, err := a.DB.Inspections().CreateInspections(planner, task, drawID); err != nil {
		return 0, "", fmt.Errorf("CreateInspections: %w", err)
	}
	list, err := a.DB.Inspections().FindInspections(planner, spotcheck.InspectionFilter{Task: task})
	if err != nil {
		return 0, "", err
	}
	if len(list) == 0 || len(list[0].Team) == 0 {
		return 0, "", fmt.Errorf("the draw of %s made no inspection with a team", task)
	}
	in := list[0]
	who, err := a.DB.Inspectors().FindInspectorByID(ctx, in.Team[0])
	if err != nil {
		return 0, "", err
	}
	u := spotcheck.User{Username: strings.ToLower(who.StaffID), Name: who.Name, Dept: who.Dept,
		Roles: []string{spotcheck.RoleInspector}, StaffID: who.StaffID}
	if err := a.DB.Accounts().CreateUser(ctx, &u, demo.Password); err != nil {
		return 0, "", fmt.Errorf("CreateUser %s: %w", u.Username, err)
	}
	return in.ID, u.Username, nil
}
