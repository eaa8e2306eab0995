package e2e

import (
	"context"
	"fmt"
	"strings"

	"spotcheck"
	"spotcheck/demo"
	"spotcheck/internal/webtest"
)

// makeFollowUpFixture records, submits and approves another inspection
// of the draw fixture (the city bureau's task) with a problem to follow
// up (R08), which makes its follow-up, and returns the follow-up's id for
// the matrix's /staff/followups/{id}. The members of its team get
// accounts named after their staff ids (as makeInspectionFixture's), to
// confirm the record; the approval is the system's.
func makeFollowUpFixture(ctx context.Context, a *app, task string, skip int64) (int64, error) {
	list, err := a.DB.Inspections().FindInspections(ctx, spotcheck.InspectionFilter{Task: task})
	if err != nil {
		return 0, err
	}
	var in *spotcheck.Inspection
	for i := range list {
		// An enterprise's, with a credit code: its publication is the
		// matrix's /e/{code} (makeEnterpriseFixture), which a natural
		// person (a 导游, drawn now and then) has none of.
		if _, err := spotcheck.CheckCreditCode(list[i].Entity); err != nil {
			continue
		}
		if list[i].ID != skip && len(list[i].Team) > 0 {
			in = &list[i]
			break
		}
	}
	if in == nil {
		return 0, fmt.Errorf("the draw of %s made no second inspection with a team", task)
	}
	var members []context.Context
	for _, sid := range in.Team {
		name := strings.ToLower(sid)
		if _, err := a.DB.Accounts().FindUserByUsername(ctx, name); err != nil {
			who, err := a.DB.Inspectors().FindInspectorByID(ctx, sid)
			if err != nil {
				return 0, err
			}
			u := spotcheck.User{Username: name, Name: who.Name, Dept: who.Dept, Roles: []string{spotcheck.RoleInspector}, StaffID: sid}
			if err := a.DB.Accounts().CreateUser(ctx, &u, demo.Password); err != nil {
				return 0, fmt.Errorf("CreateUser %s: %w", name, err)
			}
		}
		c, err := a.asUser(ctx, name)
		if err != nil {
			return 0, err
		}
		members = append(members, c)
	}
	rec := &spotcheck.Inspection{ID: in.ID, Methods: []string{spotcheck.MethodWritten},
		Completed: webtest.Now().In(spotcheck.ChinaTime).Format(spotcheck.DateLayout), Results: []string{"R08"}}
	for _, it := range in.Items {
		rec.Findings = append(rec.Findings, spotcheck.ItemFinding{Item: it, Outcome: spotcheck.FindingProblem,
			Basis: "《旅行社条例》第二十九条", Description: "未与游客签订书面合同"})
	}
	sv := a.DB.Inspections()
	if err := sv.SaveInspection(members[0], rec); err != nil {
		return 0, fmt.Errorf("SaveInspection: %w", err)
	}
	for _, c := range members {
		if err := sv.ConfirmInspection(c, in.ID); err != nil {
			return 0, fmt.Errorf("ConfirmInspection: %w", err)
		}
	}
	if err := sv.SubmitInspection(members[0], in.ID); err != nil {
		return 0, fmt.Errorf("SubmitInspection: %w", err)
	}
	if err := sv.ApproveInspection(ctx, in.ID, ""); err != nil {
		return 0, fmt.Errorf("ApproveInspection: %w", err)
	}
	fs, err := a.DB.FollowUps().FindFollowUps(ctx, spotcheck.FollowUpFilter{Inspection: in.ID})
	if err != nil || len(fs) == 0 {
		return 0, fmt.Errorf("the approval made no follow-up: %d, %v", len(fs), err)
	}
	return fs[0].ID, nil
}
