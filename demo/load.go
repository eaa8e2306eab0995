package demo

import (
	"context"
	"errors"
	"fmt"

	"spotcheck"
)

// Password is the password of every demo user; the demo prints it.
const Password = "Spotcheck2026"

// Users are one login per role (design §1); the three administrators are
// different people (三员分立).
var Users = []spotcheck.User{
	{Username: "sysadmin", Name: "系统管理员（示例）", Dept: deptBureau, Roles: []string{spotcheck.RoleSystemAdmin}},
	{Username: "secadmin", Name: "安全管理员（示例）", Dept: deptBureau, Roles: []string{spotcheck.RoleSecurityAdmin}},
	{Username: "auditor", Name: "审计管理员（示例）", Dept: deptBureau, Roles: []string{spotcheck.RoleAuditAdmin}},
	{Username: "cityadmin", Name: "市局部门管理员（示例）", Dept: deptBureau, Roles: []string{spotcheck.RoleDeptAdmin}},
	{Username: "gladmin", Name: "鼓楼区部门管理员（示例）", Dept: "GLWL", Roles: []string{spotcheck.RoleDeptAdmin}},
	{Username: "planner", Name: "市局计划员（示例）", Dept: deptBureau, Roles: []string{spotcheck.RolePlanner}},
	{Username: "glplanner", Name: "鼓楼区计划员（示例）", Dept: "GLWL", Roles: []string{spotcheck.RolePlanner}},
	{Username: "supervisor", Name: "纪检监督员（示例）", Dept: deptBureau, Roles: []string{spotcheck.RoleSupervisor}},
	// The inspector is GL0001 of the 执法检查人员名录 (User.StaffID): the first
	// of 鼓楼区, who may always lead, and so is on a team of the demo's
	// 鼓楼区 draws (cmd/spotcheck/demo_plans.go) and has visits to record.
	{Username: "inspector", Name: "鼓楼区执法检查人员（示例）", Dept: "GLWL", Roles: []string{spotcheck.RoleInspector},
		StaffID: DemoInspector},
	{Username: "approver", Name: "法制科审核员（示例）", Dept: deptBureau, Roles: []string{spotcheck.RoleApprover}},
	{Username: "agency", Name: "专业机构人员（示例）", Dept: deptBureau, Roles: []string{spotcheck.RoleAgency}},
	{Username: "firedept", Name: "消防救援支队联络员（示例）", Dept: deptFire, Roles: []string{spotcheck.RolePlanner}},
}

// DemoInspector is the staff id the demo's inspector account is linked to.
const DemoInspector = "GL0001"

// Load writes d through the same imports a user runs, so that it passes
// every check a file would, then creates the demo users. report, when not
// nil, hears how many records of each kind were added. A failure means the
// generator and the rules disagree: a bug, reported whole. ctx names who
// loads, as for every service call: the demo command passes the system
// principal "demo" (spotcheck.System).
func Load(ctx context.Context, t spotcheck.Transfers, acc spotcheck.AccountService, d *Data, report func(kind string, n int)) error {
	inspectors := func(expert bool) []spotcheck.Inspector {
		var out []spotcheck.Inspector
		for _, in := range d.Inspectors {
			if in.Expert == expert {
				out = append(out, in)
			}
		}
		return out
	}
	steps := []struct {
		kind string
		run  func() (spotcheck.ImportSummary, error)
	}{
		{spotcheck.KindDepartments, func() (spotcheck.ImportSummary, error) {
			return t.Departments.ImportDepartments(ctx, spotcheck.SliceSource("demo", d.Departments))
		}},
		{spotcheck.KindEntities, func() (spotcheck.ImportSummary, error) {
			return t.Entities.ImportEntities(ctx, spotcheck.SliceSource("demo", d.Entities))
		}},
		{spotcheck.KindInspectors, func() (spotcheck.ImportSummary, error) {
			return t.Inspectors.ImportInspectors(ctx, false, spotcheck.SliceSource("demo", inspectors(false)))
		}},
		{spotcheck.KindExperts, func() (spotcheck.ImportSummary, error) {
			return t.Inspectors.ImportInspectors(ctx, true, spotcheck.SliceSource("demo", inspectors(true)))
		}},
		{spotcheck.KindAgencies, func() (spotcheck.ImportSummary, error) {
			return t.Agencies.ImportAgencies(ctx, spotcheck.SliceSource("demo", d.Agencies))
		}},
		{spotcheck.KindItems, func() (spotcheck.ImportSummary, error) {
			return t.Items.ImportItems(ctx, spotcheck.SliceSource("demo", d.Items))
		}},
		{spotcheck.KindResponsibilities, func() (spotcheck.ImportSummary, error) {
			return t.Responsibilities.ImportResponsibilities(ctx, spotcheck.SliceSource("demo", d.Responsibilities))
		}},
		{spotcheck.KindConflicts, func() (spotcheck.ImportSummary, error) {
			return t.Conflicts.ImportConflicts(ctx, spotcheck.SliceSource("demo", d.Conflicts))
		}},
		{spotcheck.KindComplaints, func() (spotcheck.ImportSummary, error) {
			return t.RiskEvents.ImportComplaints(ctx, spotcheck.SliceSource("demo", d.Complaints))
		}},
		{spotcheck.KindPenalties, func() (spotcheck.ImportSummary, error) {
			return t.RiskEvents.ImportPenalties(ctx, spotcheck.SliceSource("demo", d.Penalties))
		}},
	}
	for _, s := range steps {
		sum, err := s.run()
		if err != nil {
			if ie, ok := errors.AsType[*spotcheck.ImportError](err); ok {
				return fmt.Errorf("演示数据（%s）未通过校验：%s", s.kind, ie.Error())
			}
			return err
		}
		if report != nil {
			report(s.kind, sum.Added)
		}
	}
	if err := KeepInitialPasswords(ctx, acc); err != nil {
		return err
	}
	for _, u := range Users {
		if err := acc.CreateUser(ctx, &u, Password); err != nil {
			return fmt.Errorf("演示用户 %s：%w", u.Username, err)
		}
	}
	return nil
}

// KeepInitialPasswords lets the accounts a demonstration or benchmark
// creates sign in with the password it sets and prints, without the
// change a production installation forces at the first sign-in
// (spotcheck.SecurityPolicy.KeepInitialPasswords); ctx must be allowed
// to manage users.
func KeepInitialPasswords(ctx context.Context, acc spotcheck.AccountService) error {
	p, err := acc.FindSecurityPolicy(ctx)
	if err != nil {
		return err
	}
	p.KeepInitialPasswords = true
	return acc.UpdateSecurityPolicy(ctx, &p)
}
