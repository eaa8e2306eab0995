package spotcheck

import "slices"

// The rules of who may change which account (三员分立 of 等保 2.0). The store
// applies them inside its transactions; the pages ask them which buttons
// and fields to show.
//
// The security administrator keeps the accounts, so without these rules
// they could give themselves 部门管理员 or 监督员 (and then edit the
// directories or read the audit trail), make a second security
// administrator of their own, or take the audit administrator's role away,
// disable them or reset their password — and so silence the one person who
// reads their acts. The decision is to refuse all of that in the web
// application and the API outright, rather than to ask a second
// administrator's approval: administrator accounts are created and changed
// only on the server, with `spotcheck user …`, whose operator holds the
// database itself and acts as the system principal System("cli:<login>"),
// recorded as the actor "cli:<login>" (系统（命令行，login）). The rules below
// let the system principal through (Principal.IsSystem), bound by
// User.Validate only; a call without any principal (actor nil) is refused
// with EUNAUTHORIZED, never taken for the command line.
//
// Every account change, and every act these rules refuse to a signed-in
// user, is recorded in the change history that the audit administrator
// reads.

const (
	msgOwnRoles    = "不能修改自己的角色（三员分立）：管理员账号的角色只能在服务器上用命令行 spotcheck user edit 修改"
	msgOwnDisable  = "不能停用自己的账号"
	msgAdminByCLI  = "系统管理员、安全管理员、审计管理员的账号只能在服务器上用命令行（spotcheck user …）创建、修改或停用（三员分立）"
	msgAdminSecret = "不能在网页上重置管理员账号的密码、登录或接口令牌（三员分立）：请在服务器上用命令行 spotcheck user passwd"
)

// CanChangeAccount decides whether actor may create the account after
// (before nil) or change the account before into after: name, department,
// roles, active flag. It returns nil or an EFORBIDDEN error that says why.
//
//   - actor nil is nobody: EUNAUTHORIZED.
//   - A system principal (the command line) may do everything
//     (User.Validate still applies).
//   - Otherwise actor needs PermManageUsers over the account's department,
//     before and after (AuthorizeChange).
//   - Nobody changes their own roles or disables themselves, so that no
//     administrator grants themselves more and the last security
//     administrator cannot lock everyone out by mistake.
//   - An account that holds, or would hold, an administrator role (系统管理员,
//     安全管理员, 审计管理员) is not created or changed by another user: that
//     is done on the server with `spotcheck user` (see above). Users may
//     still correct their own name and department.
func CanChangeAccount(actor *Principal, before, after *User) error {
	if actor == nil {
		return Errorf(EUNAUTHORIZED, msgNoPrincipal)
	}
	if actor.IsSystem() {
		return nil
	}
	from := after.Dept
	if before != nil {
		from = before.Dept
	}
	// An account belongs to its department: neither one of another
	// department nor one moved there (AuthorizeChange).
	if err := actor.AuthorizeChange(PermManageUsers, from, after.Dept); err != nil {
		return err
	}
	if before != nil && before.Username == actor.Username {
		if !sameRoles(before.Roles, after.Roles) {
			return Errorf(EFORBIDDEN, msgOwnRoles)
		}
		if before.Active && !after.Active {
			return Errorf(EFORBIDDEN, msgOwnDisable)
		}
		return nil
	}
	if after.IsAdmin() || before != nil && before.IsAdmin() {
		return Errorf(EFORBIDDEN, msgAdminByCLI)
	}
	return nil
}

// CanResetCredentials decides whether actor may set the password of
// target, end all of target's sessions or revoke all of target's API
// tokens. Users may do so for themselves; for others it needs
// PermManageUsers, and never for an administrator account (the security
// administrator would otherwise take over or shut out the other two). A
// system principal (the command line) may do everything; nobody (actor
// nil) nothing.
func CanResetCredentials(actor *Principal, target *User) error {
	if actor == nil {
		return Errorf(EUNAUTHORIZED, msgNoPrincipal)
	}
	if actor.IsSystem() || actor.Username == target.Username {
		return nil
	}
	if err := actor.AuthorizeChange(PermManageUsers, target.Dept, target.Dept); err != nil {
		return err
	}
	if target.IsAdmin() {
		return Errorf(EFORBIDDEN, msgAdminSecret)
	}
	return nil
}

// CanUnlockLogin decides whether actor may lift the sign-in back-off of
// target (LoginDelay): the security administrator (PermManageUsers) may,
// for any account, administrators included, since unlocking grants nothing
// but a fresh count of attempts and is otherwise the only remedy for an
// account kept out by someone guessing its password. A system principal
// (the command line) holds that permission too; nobody (actor nil) does
// not.
func CanUnlockLogin(actor *Principal, target *User) error {
	if actor == nil {
		return Errorf(EUNAUTHORIZED, msgNoPrincipal)
	}
	return actor.Authorize(PermManageUsers, "")
}

// CheckStaffLink checks the link of account u to the inspector with
// u.StaffID, as the store finds them inside its transaction: in is that
// person of the directory (nil when there is none) and holder the user
// name of the account that already claims the staff id ("" for none). The
// person must be an active inspector — not an expert, who holds no 执法证
// and is never a team member who records — and one person has one account,
// so that a confirmation or a submission names one human. An account
// without a StaffID needs nothing (nil).
func CheckStaffLink(u *User, in *Inspector, holder string) Problems {
	var p Problems
	if u.StaffID == "" {
		return nil
	}
	switch {
	case in == nil:
		p.Add("staff_id", "执法人员工号", "执法检查人员名录中没有工号为“%s”的人员", u.StaffID)
	case in.Expert:
		p.Add("staff_id", "执法人员工号", "“%s”（%s）是专家名录中的专家，不是执法检查人员", u.StaffID, in.Name)
	case !in.Active:
		p.Add("staff_id", "执法人员工号", "执法检查人员“%s”（%s）已停用", u.StaffID, in.Name)
	}
	if holder != "" && holder != u.Username {
		p.Add("staff_id", "执法人员工号", "执法人员工号“%s”已关联账号“%s”：一名人员只能有一个账号", u.StaffID, holder)
	}
	return p
}

// sameRoles reports whether a and b hold the same roles, in any order.
func sameRoles(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(slices.Compact(a), slices.Compact(b))
}
