package spotcheck

import (
	"testing"
)

// accessTree is a city bureau with two district bureaus and its brigade,
// and a partner department that is a root of its own (as in the demo).
var accessTree = []Department{
	{Code: "FZWL", Division: "350100", Kind: DeptBureau, Active: true},
	{Code: "GLWL", Parent: "FZWL", Division: "350102", Kind: DeptBureau, Active: true},
	{Code: "TJWL", Parent: "FZWL", Division: "350103", Kind: DeptBureau, Active: true},
	{Code: "FZZD", Parent: "FZWL", Division: "350100", Kind: DeptOffice, Active: true},
	{Code: "FZXF", Division: "350100", Kind: DeptPartner, Active: true},
}

func principal(dept string, roles ...string) *Principal {
	return NewPrincipal(User{Username: "u-" + dept, Dept: dept, Roles: roles}, accessTree)
}

// code is the error code of err, "ok" for nil.
func code(err error) string {
	if err == nil {
		return "ok"
	}
	return ErrorCode(err)
}

func TestAuthorizeChange(t *testing.T) {
	city := principal("FZWL", RoleDeptAdmin)
	district := principal("GLWL", RoleDeptAdmin)
	brigade := principal("FZZD", RoleDeptAdmin)
	partner := principal("FZXF", RoleDeptAdmin)
	citySec := principal("FZWL", RoleSecurityAdmin)
	districtSec := principal("GLWL", RoleSecurityAdmin)
	planner := principal("FZWL", RolePlanner)
	tests := []struct {
		name     string
		p        *Principal
		perm     Permission
		from, to string
		want     string
	}{
		{"a district keeps its own records", district, PermEditDirectory, "GLWL", "GLWL", "ok"},
		{"the city keeps a district's records", city, PermEditDirectory, "GLWL", "GLWL", "ok"},
		{"the city moves a record between districts", city, PermEditDirectory, "GLWL", "TJWL", "ok"},
		{"a district may not take a record of another district", district, PermEditDirectory, "TJWL", "GLWL", EFORBIDDEN},
		{"a district may not hand a record to another district", district, PermEditDirectory, "GLWL", "TJWL", EFORBIDDEN},
		{"a district may not hand a record up to the city", district, PermEditDirectory, "GLWL", "FZWL", EFORBIDDEN},
		{"a district may not change a city-wide record", district, PermEditDirectory, CityWide, CityWide, EFORBIDDEN},
		{"a district may not make its record city-wide", district, PermEditLists, "GLWL", CityWide, EFORBIDDEN},
		{"a district may not take a city-wide record", district, PermEditLists, CityWide, "GLWL", EFORBIDDEN},
		{"the city bureau keeps city-wide records", city, PermEditDirectory, CityWide, CityWide, "ok"},
		{"the city gives a city-wide record to a district", city, PermEditLists, CityWide, "GLWL", "ok"},
		{"an office under the city is no city bureau", brigade, PermEditDirectory, CityWide, CityWide, EFORBIDDEN},
		{"a partner root is no city bureau", partner, PermEditDirectory, CityWide, CityWide, EFORBIDDEN},
		{"the city does not keep a partner's directory", city, PermEditDirectory, "FZXF", "FZXF", EFORBIDDEN},
		{"a partner keeps its own directory", partner, PermEditDirectory, "FZXF", "FZXF", "ok"},
		{"the permission comes first", planner, PermEditDirectory, "FZWL", "FZWL", EFORBIDDEN},
		{"the city's security admin keeps every account", citySec, PermManageUsers, "FZXF", "GLWL", "ok"},
		{"a district's security admin keeps its own accounts", districtSec, PermManageUsers, "GLWL", "GLWL", "ok"},
		{"a district's security admin may not move an account to the city", districtSec, PermManageUsers,
			"GLWL", "FZWL", EFORBIDDEN},
		{"a district's security admin may not take a city account", districtSec, PermManageUsers, "FZWL", "GLWL", EFORBIDDEN},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := code(tt.p.AuthorizeChange(tt.perm, tt.from, tt.to)); got != tt.want {
				t.Errorf("AuthorizeChange(%s, %q, %q) as %s = %s, want %s", tt.perm, tt.from, tt.to, tt.p.Dept, got, tt.want)
			}
		})
	}
}

func TestAuthorizeChangeMessages(t *testing.T) {
	district := principal("GLWL", RoleDeptAdmin)
	for _, tt := range []struct{ from, to, want string }{
		{"TJWL", "GLWL", "没有权限：该记录由其他部门维护"}, // never where the record is
		{"GLWL", "TJWL", "没有权限：“TJWL”不在您的管辖范围"},
		{CityWide, CityWide, "没有权限：该记录由市局统一维护"},
		{"GLWL", CityWide, "没有权限：该记录由市局统一维护"},
	} {
		if got := ErrorMessage(district.AuthorizeChange(PermEditDirectory, tt.from, tt.to)); got != tt.want {
			t.Errorf("%q → %q: %q, want %q", tt.from, tt.to, got, tt.want)
		}
	}
}

func TestAuthorizeItem(t *testing.T) {
	city := principal("FZWL", RoleDeptAdmin)
	district := principal("GLWL", RoleDeptAdmin)
	tests := []struct {
		name       string
		p          *Principal
		initiators []string
		want       string
	}{
		{"a district may not edit the city's item", district, []string{"FZWL"}, EFORBIDDEN},
		{"a district edits an item it initiates with the city", district, []string{"FZWL", "GLWL"}, "ok"},
		{"an item nobody initiates is the city's", district, nil, EFORBIDDEN},
		{"the city edits an item nobody initiates", city, nil, "ok"},
		{"the city edits a district's item", city, []string{"GLWL"}, "ok"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := code(tt.p.AuthorizeItem(PermEditLists, tt.initiators)); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestAuthorizeView(t *testing.T) {
	missing := Errorf(ENOTFOUND, "检查对象“X”不存在")
	tests := []struct {
		name string
		p    *Principal
		dept string
		want string
	}{
		{"own district", principal("GLWL", RoleDeptAdmin), "GLWL", "ok"},
		{"another district is as if missing", principal("GLWL", RoleDeptAdmin), "TJWL", ENOTFOUND},
		{"the city sees the districts", principal("FZWL", RoleInspector), "TJWL", "ok"},
		{"a partner does not see the city's", principal("FZXF", RolePlanner), "FZWL", ENOTFOUND},
		{"without the permission: forbidden", principal("FZWL", RoleAgency), "FZWL", EFORBIDDEN},
		{"a record of no department", principal("GLWL", RoleDeptAdmin), CityWide, "ok"},
		{"a user without a department sees none", NewPrincipal(User{Roles: []string{RoleDeptAdmin}}, accessTree),
			"FZWL", ENOTFOUND},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.p.AuthorizeView(PermViewDirectory, tt.dept, missing)
			if got := code(err); got != tt.want {
				t.Errorf("got %s (%v), want %s", got, err, tt.want)
			}
			if tt.want == ENOTFOUND && err != missing {
				t.Errorf("got %v, want the caller's not-found error", err)
			}
		})
	}
	if got := code(principal("GLWL", RoleDeptAdmin).AuthorizeView(PermViewDirectory, "TJWL", nil)); got != EFORBIDDEN {
		t.Errorf("without a not-found error: %s, want forbidden", got)
	}
}

func TestAuthorizeTask(t *testing.T) {
	missing := Errorf(ENOTFOUND, "没有编号为“T”的抽查任务")
	cityTask, joint := []string{"FZWL"}, []string{"FZWL", "FZXF"}
	tests := []struct {
		name  string
		p     *Principal
		perm  Permission
		depts []string
		want  string
	}{
		{"the authority's planner manages", principal("FZWL", RolePlanner), PermManageDraws, joint, "ok"},
		{"a partner sees its joint task", principal("FZXF", RolePlanner), PermViewDraws, joint, "ok"},
		{"a partner may not manage it", principal("FZXF", RolePlanner), PermManageDraws, joint, EFORBIDDEN},
		{"a partner does not know the city's own task", principal("FZXF", RolePlanner), PermViewDraws, cityTask, ENOTFOUND},
		{"nor may it manage it", principal("FZXF", RolePlanner), PermManageDraws, cityTask, ENOTFOUND},
		{"a district approver does not know the city's task", principal("GLWL", RoleApprover), PermApproveDraws,
			cityTask, ENOTFOUND},
		{"a supervisor sees every task", principal("FZXF", RoleSupervisor), PermViewDraws, cityTask, "ok"},
		{"and witnesses every draw", principal("FZXF", RoleSupervisor), PermWitnessDraws, cityTask, "ok"},
		{"without the permission: forbidden", principal("FZWL", RoleInspector), PermViewDraws, cityTask, EFORBIDDEN},
		{"the city's planner sees a district's task", principal("FZWL", RolePlanner), PermViewDraws,
			[]string{"GLWL"}, "ok"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.p.AuthorizeTask(tt.perm, tt.depts, missing)
			if got := code(err); got != tt.want {
				t.Errorf("got %s (%v), want %s", got, err, tt.want)
			}
		})
	}
}

// TestAdministratorActsAsAdministratorOnly: an account stored before the
// rule of User.Validate with an administrator role beside others gets the
// administrator's permissions only, never their union (三员分立).
func TestAdministratorActsAsAdministratorOnly(t *testing.T) {
	p := principal("FZWL", RoleSecurityAdmin, RoleDeptAdmin, RoleSupervisor)
	for _, perm := range []Permission{PermEditDirectory, PermViewAudit, PermSuperviseDraws, PermUseAPI} {
		if p.Has(perm) {
			t.Errorf("security admin with stale extra roles has %s", perm)
		}
	}
	if !p.Has(PermManageUsers) {
		t.Errorf("security admin lost %s", PermManageUsers)
	}
	if q := principal("FZWL", RoleDeptAdmin, RoleSupervisor); !q.Has(PermEditDirectory) || !q.Has(PermViewAudit) {
		t.Errorf("ordinary roles no longer combine: %v", q.Roles)
	}
}
