package e2e

import (
	"net/url"
	"testing"

	"spotcheck"
	"spotcheck/demo"
)

// accountRows are the scenarios of 三员分立 (issue 8): the security admin
// keeps the working accounts but can neither widen their own roles nor
// make, change, disable or take over another administrator, which is done
// on the command line; the audit admin reads every such attempt.
func accountRows(t *testing.T, a *app) []scenario {
	const refusedByCLI = "只能在服务器上用命令行"
	self := form("name", "安全管理员（示例）", "dept", cityBureau, "active", "1",
		"roles", spotcheck.RoleSecurityAdmin, "roles", spotcheck.RoleDeptAdmin, "roles", spotcheck.RoleSupervisor)
	target := a.spareUser(t, "keep", spotcheck.RoleInspector)
	return []scenario{
		// The repro of the issue.
		{name: "三员分立/secadmin cannot give itself more roles", user: "secadmin", method: "POST", path: "/staff/users/secadmin",
			body: self, status: 403, want: []string{"不能修改自己的角色"}},
		{name: "三员分立/secadmin still cannot read the audit trail", user: "secadmin", method: "GET", path: "/staff/audit",
			status: 403},
		{name: "三员分立/secadmin's roles are unchanged", user: "secadmin", method: "GET", path: "/staff/users/secadmin",
			status: 200, want: []string{`<span class="tag">安全管理员</span>`},
			wantNot: []string{`<span class="tag">部门管理员</span>`, `<span class="tag">监督员</span>`}},
		{name: "三员分立/own edit form offers no roles", user: "secadmin", method: "GET", path: "/staff/users/secadmin/edit",
			status: 200, want: []string{"不能修改自己的角色"}, wantNot: []string{`type="checkbox" name="roles"`}},
		{name: "三员分立/the audit admin's roles", user: "secadmin", method: "POST", path: "/staff/users/auditor",
			body:   form("name", "审计管理员（示例）", "dept", cityBureau, "active", "1", "roles", spotcheck.RoleInspector),
			status: 403, want: []string{refusedByCLI}},
		{name: "三员分立/disabling the audit admin", user: "secadmin", method: "POST", path: "/staff/users/auditor/active",
			body: form("active", "0"), status: 403, want: []string{refusedByCLI}},
		{name: "三员分立/resetting the audit admin's password", user: "secadmin", method: "POST",
			path: "/staff/users/auditor/password", body: form("password", "Taken-over-2026", "password2", "Taken-over-2026"),
			status: 403, want: []string{"spotcheck user passwd"}},
		{name: "三员分立/creating an administrator", user: "secadmin", method: "POST", path: "/staff/users",
			body: form("username", "e2e.shadow", "name", "影子", "dept", cityBureau, "roles", spotcheck.RoleAuditAdmin,
				"password", demo.Password, "password2", demo.Password), status: 403, want: []string{refusedByCLI}},
		{name: "三员分立/an administrator's page offers no changes", user: "secadmin", method: "GET", path: "/staff/users/auditor",
			status: 200, want: []string{"spotcheck user"},
			wantNot: []string{"/staff/users/auditor/edit", "/staff/users/auditor/active", "/staff/users/auditor/password"}},
		{name: "三员分立/no edit form for an administrator", user: "secadmin", method: "GET", path: "/staff/users/auditor/edit",
			status: 403, want: []string{refusedByCLI}},
		{name: "三员分立/the new-user form offers no administrator role", user: "secadmin", method: "GET", path: "/staff/users/new",
			status: 200, want: []string{`value="` + spotcheck.RolePlanner + `"`},
			wantNot: []string{`value="` + spotcheck.RoleAuditAdmin + `"`, `value="` + spotcheck.RoleSecurityAdmin + `"`}},
		{name: "三员分立/a working account stays the security admin's", user: "secadmin", method: "POST",
			path: "/staff/users/" + target, body: form("name", "测试账号", "dept", cityBureau, "active", "1",
				"roles", spotcheck.RoleInspector, "roles", spotcheck.RoleApprover), status: 303},
		{name: "三员分立/the audit admin reads the refusals", user: "auditor", method: "GET",
			path: "/staff/audit?" + url.Values{"kind": {"user"}, "actor": {"secadmin"}}.Encode(), status: 200,
			want: []string{"已拒绝", "不能修改自己的角色", refusedByCLI}},
		{name: "security policy/the security admin's form", user: "secadmin", method: "GET", path: "/staff/security",
			status: 200, want: []string{"密码最小长度", `name="idle_minutes" value="30"`}},
		{name: "security policy/out of bounds", user: "secadmin", method: "POST", path: "/staff/security",
			body:   form("password_min_length", "4", "password_classes", "3", "password_history", "5", "idle_minutes", "30"),
			status: 400, want: []string{"应为8–64之间的整数"}},
		{name: "security policy/the account page says the rules", user: "planner", method: "GET", path: "/staff/account",
			status: 200, want: []string{"至少10个字符", "有效期至", `name="days"`}},
	}
}
