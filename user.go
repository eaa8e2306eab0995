package spotcheck

import (
	"regexp"
	"slices"
	"strings"
	"time"
)

// Roles of design §1. The three administrators are kept apart (三员分立 of
// 等保 2.0): an account holding one of them holds no other role (see
// User.Validate and CanChangeAccount).
const (
	RoleSystemAdmin   = "sysadmin"
	RoleSecurityAdmin = "secadmin"
	RoleAuditAdmin    = "auditadmin"
	RoleDeptAdmin     = "deptadmin"
	RolePlanner       = "planner"
	RoleSupervisor    = "supervisor"
	RoleInspector     = "inspector"
	RoleApprover      = "approver"
	RoleAgency        = "agency"
)

// RoleNames gives each role's Chinese name.
var RoleNames = map[string]string{
	RoleSystemAdmin: "系统管理员", RoleSecurityAdmin: "安全管理员", RoleAuditAdmin: "审计管理员",
	RoleDeptAdmin: "部门管理员", RolePlanner: "计划员", RoleSupervisor: "监督员",
	RoleInspector: "执法检查人员", RoleApprover: "审核员", RoleAgency: "专业机构人员",
}

// User is a staff account. Its department bounds what it sees and edits:
// its own department and the subtree below it.
type User struct {
	Username string
	Name     string
	Dept     string
	Roles    []string
	Active   bool
	// StaffID links the account to the person of the 执法检查人员名录库
	// it belongs to (Inspector.StaffID), "" for an account that is not an
	// inspector's: it is how the platform knows that the signed-in user
	// is a member of a team a draw assigned (Inspection.Member). Only an
	// inspector's account has one (Validate), and the store keeps it
	// pointing at an active inspector no other account claims
	// (CheckStaffLink).
	StaffID string
	// ChangeAtSignIn is set while the account's password is an
	// initial one (InitialPassword): the owner may do nothing but change
	// it.
	ChangeAtSignIn bool

	CreatedAt time.Time
	UpdatedAt time.Time
}

var username = regexp.MustCompile(`^[a-z][a-z0-9._-]{1,31}$`)

// Normalize trims the user name and name and folds the user name to lower
// case, as people sign in with it.
func (u *User) Normalize() {
	u.Username = strings.ToLower(strings.TrimSpace(u.Username))
	u.Name = strings.TrimSpace(u.Name)
	u.StaffID = strings.TrimSpace(u.StaffID)
}

// Validate checks a normalized user's fields and the separation of the
// three administrator roles (三员分立): an account that holds 系统管理员,
// 安全管理员 or 审计管理员 holds no other role, so that no administrator can
// also edit the directories or read the audit trail under another hat. It
// changes nothing.
func (u *User) Validate() Problems {
	var p Problems
	if p.checkRequired("username", "用户名", u.Username) && !username.MatchString(u.Username) {
		p.Add("username", "用户名", "应为2–32位小写字母、数字、点、下划线或连字符，以字母开头")
	}
	p.checkRequired("name", "姓名", u.Name)
	p.checkRequired("dept", "所属部门", u.Dept)
	if len(u.Roles) == 0 {
		p.Add("roles", "角色", "至少选择一个角色")
	}
	for _, r := range u.Roles {
		if _, ok := RoleNames[r]; !ok {
			p.Add("roles", "角色", "“%s”不是有效角色", r)
		}
	}
	if u.IsAdmin() && len(u.Roles) > 1 {
		p.Add("roles", "角色", "%s", msgAdminAlone)
	}
	if u.StaffID != "" {
		if !asciiID.MatchString(u.StaffID) {
			p.Add("staff_id", "执法人员工号", "“%s”无效，应为1–32位字母、数字、点、下划线或连字符", u.StaffID)
		} else if !slices.Contains(u.Roles, RoleInspector) {
			p.Add("staff_id", "执法人员工号", "只有持有“执法检查人员”角色的账号才能关联执法人员工号")
		}
	}
	return p
}

// msgAdminAlone is the problem of an administrator role combined with
// another role.
const msgAdminAlone = "系统管理员、安全管理员、审计管理员须专人专岗：持有其中一个角色的账号不能再有其他角色（三员分立）"

// IsAdminRole reports whether r is one of the three administrator roles
// of 三员分立.
func IsAdminRole(r string) bool {
	return r == RoleSystemAdmin || r == RoleSecurityAdmin || r == RoleAuditAdmin
}

// IsAdmin reports whether u holds one of the three administrator roles.
func (u *User) IsAdmin() bool { return slices.ContainsFunc(u.Roles, IsAdminRole) }
