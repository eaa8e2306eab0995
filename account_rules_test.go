package spotcheck

import (
	"strings"
	"testing"
	"time"
)

func acct(name string, active bool, roles ...string) *User {
	return &User{Username: name, Name: name, Dept: "FZWL", Roles: roles, Active: active}
}

func TestCanChangeAccount(t *testing.T) {
	cli := System("cli:root")
	sec := NewPrincipal(*acct("sec", true, RoleSecurityAdmin), nil)
	planner := NewPrincipal(*acct("pl", true, RolePlanner), nil)
	self := acct("sec", true, RoleSecurityAdmin)
	insp := acct("insp", true, RoleInspector)
	audit := acct("aud", true, RoleAuditAdmin)
	with := func(u *User, f func(*User)) *User { c := *u; f(&c); return &c }
	tests := []struct {
		name          string
		actor         *Principal
		before, after *User
		want          string // "" allowed, else a part of the EFORBIDDEN message
	}{
		{"command line creates an admin", cli, nil, acct("x", true, RoleAuditAdmin), ""},
		{"command line changes an admin's roles", cli, audit, with(audit, func(u *User) { u.Roles = []string{RoleSystemAdmin} }), ""},
		{"command line disables an admin", cli, audit, with(audit, func(u *User) { u.Active = false }), ""},
		{"nobody creates an admin", nil, nil, acct("x", true, RoleAuditAdmin), "请先登录"},
		{"nobody renames a working account", nil, insp, with(insp, func(u *User) { u.Name = "x" }), "请先登录"},
		{"without PermManageUsers", planner, insp, with(insp, func(u *User) { u.Name = "x" }), "没有权限"},
		{"creates a working account", sec, nil, acct("new", true, RolePlanner, RoleSupervisor), ""},
		{"changes a working account's roles", sec, insp, with(insp, func(u *User) { u.Roles = []string{RoleDeptAdmin} }), ""},
		{"disables a working account", sec, insp, with(insp, func(u *User) { u.Active = false }), ""},
		{"repro: gives itself deptadmin and supervisor", sec, self,
			with(self, func(u *User) { u.Roles = []string{RoleSecurityAdmin, RoleDeptAdmin, RoleSupervisor} }), "不能修改自己的角色"},
		{"gives up its own role", sec, self, with(self, func(u *User) { u.Roles = []string{RolePlanner} }), "不能修改自己的角色"},
		{"disables itself", sec, self, with(self, func(u *User) { u.Active = false }), "不能停用自己的账号"},
		{"renames itself", sec, self, with(self, func(u *User) { u.Name = "新名" }), ""},
		{"same roles in another order is no change", NewPrincipal(*acct("sec", true, RoleSecurityAdmin, RolePlanner), nil),
			acct("sec", true, RoleSecurityAdmin, RolePlanner), acct("sec", true, RolePlanner, RoleSecurityAdmin), ""},
		{"creates an administrator", sec, nil, acct("sec2", true, RoleSecurityAdmin), "命令行"},
		{"makes a working account an administrator", sec, insp, with(insp, func(u *User) { u.Roles = []string{RoleAuditAdmin} }), "命令行"},
		{"takes the audit admin's role away", sec, audit, with(audit, func(u *User) { u.Roles = []string{RoleInspector} }), "命令行"},
		{"disables the audit admin", sec, audit, with(audit, func(u *User) { u.Active = false }), "命令行"},
		{"renames the audit admin", sec, audit, with(audit, func(u *User) { u.Name = "x" }), "命令行"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CanChangeAccount(tt.actor, tt.before, tt.after)
			checkRefusal(t, err, tt.actor, tt.want)
		})
	}
}

// checkRefusal checks err against want: "" for allowed, else a part of
// the message of an EFORBIDDEN error, or of EUNAUTHORIZED for nobody.
func checkRefusal(t *testing.T, err error, actor *Principal, want string) {
	t.Helper()
	wantCode := EFORBIDDEN
	if actor == nil {
		wantCode = EUNAUTHORIZED
	}
	switch {
	case want == "" && err != nil:
		t.Fatalf("refused: %v", err)
	case want != "" && (ErrorCode(err) != wantCode || !strings.Contains(ErrorMessage(err), want)):
		t.Fatalf("got %v, want %s with %q", err, wantCode, want)
	}
}

func TestCanResetCredentials(t *testing.T) {
	cli := System("cli:root")
	sec := NewPrincipal(*acct("sec", true, RoleSecurityAdmin), nil)
	planner := NewPrincipal(*acct("pl", true, RolePlanner), nil)
	tests := []struct {
		name   string
		actor  *Principal
		target *User
		want   string
	}{
		{"command line, an admin", cli, acct("aud", true, RoleAuditAdmin), ""},
		{"nobody, a working account", nil, acct("insp", true, RoleInspector), "请先登录"},
		{"nobody, an account named like nobody", nil, acct("", true, RoleInspector), "请先登录"},
		{"oneself", planner, acct("pl", true, RolePlanner), ""},
		{"security admin, a working account", sec, acct("insp", true, RoleInspector), ""},
		{"security admin, itself", sec, acct("sec", true, RoleSecurityAdmin), ""},
		{"security admin, the audit admin", sec, acct("aud", true, RoleAuditAdmin), "命令行"},
		{"security admin, the system admin", sec, acct("sys", true, RoleSystemAdmin), "命令行"},
		{"planner, another", planner, acct("insp", true, RoleInspector), "没有权限"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CanResetCredentials(tt.actor, tt.target)
			checkRefusal(t, err, tt.actor, tt.want)
		})
	}
}

func TestCanUnlockLogin(t *testing.T) {
	sec := NewPrincipal(*acct("sec", true, RoleSecurityAdmin), nil)
	planner := NewPrincipal(*acct("pl", true, RolePlanner), nil)
	tests := []struct {
		name   string
		actor  *Principal
		target *User
		want   string
	}{
		{"security admin, the audit admin", sec, acct("aud", true, RoleAuditAdmin), ""},
		{"security admin, a working account", sec, acct("insp", true, RoleInspector), ""},
		{"command line", System("cli:root"), acct("sec", true, RoleSecurityAdmin), ""},
		{"planner, another", planner, acct("insp", true, RoleInspector), "没有权限"},
		{"planner, themself", planner, acct("pl", true, RolePlanner), "没有权限"},
		{"nobody", nil, acct("insp", true, RoleInspector), "请先登录"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkRefusal(t, CanUnlockLogin(tt.actor, tt.target), tt.actor, tt.want)
		})
	}
}

// TestCheckStaffLink: an account is linked to an active inspector of the
// directory whom no other account claims; not to an expert, a disabled or
// an unknown person.
func TestCheckStaffLink(t *testing.T) {
	insp := &Inspector{StaffID: "GL0001", Name: "林检查", Active: true}
	expert := &Inspector{StaffID: "EX0001", Name: "王专家", Expert: true, Active: true}
	gone := &Inspector{StaffID: "GL0009", Name: "陈离职"}
	u := func(staff string) *User {
		return &User{Username: "lin", Name: "林检查", Dept: "GLWL", Roles: []string{RoleInspector}, StaffID: staff}
	}
	tests := []struct {
		name   string
		u      *User
		in     *Inspector
		holder string
		ok     bool
	}{
		{"no staff id", u(""), nil, "", true},
		{"an active inspector", u("GL0001"), insp, "", true},
		{"the account's own link, kept", u("GL0001"), insp, "lin", true},
		{"an unknown staff id", u("GL0404"), nil, "", false},
		{"an expert", u("EX0001"), expert, "", false},
		{"a disabled inspector", u("GL0009"), gone, "", false},
		{"claimed by another account", u("GL0001"), insp, "gl0001", false},
	}
	for _, tt := range tests {
		ps := CheckStaffLink(tt.u, tt.in, tt.holder)
		if ok := ps.Err() == nil; ok != tt.ok {
			t.Errorf("%s: valid %v, want %v (%v)", tt.name, ok, tt.ok, ps)
		}
		for _, p := range ps {
			if p.Field != "staff_id" || !strings.Contains(p.Message, tt.u.StaffID) {
				t.Errorf("%s: %+v does not name the field and the staff id", tt.name, p)
			}
		}
	}
}

func TestUserValidateAdminAlone(t *testing.T) {
	tests := []struct {
		roles []string
		ok    bool
	}{
		{[]string{RoleSecurityAdmin}, true},
		{[]string{RoleDeptAdmin, RoleSupervisor}, true},
		{[]string{RoleSecurityAdmin, RoleDeptAdmin, RoleSupervisor}, false},
		{[]string{RoleSystemAdmin, RoleAuditAdmin}, false},
		{[]string{RoleAuditAdmin, RolePlanner}, false},
		{[]string{RoleSecurityAdmin, RoleSecurityAdmin}, false},
	}
	for _, tt := range tests {
		u := acct("zhang", true, tt.roles...)
		ps := u.Validate()
		if ok := ps.Err() == nil; ok != tt.ok {
			t.Errorf("roles %v: valid %v, want %v (%v)", tt.roles, ok, tt.ok, ps)
		}
		if !tt.ok && !strings.Contains(ps.Err().Error()+ErrorMessage(ps.Err()), "三员分立") {
			t.Errorf("roles %v: %v does not name 三员分立", tt.roles, ps)
		}
	}
}

func TestCheckPassword(t *testing.T) {
	p := DefaultSecurityPolicy()
	tests := []struct {
		user, pw, want string
	}{
		{"zhangsan", "Spotcheck2026", ""},
		{"zhangsan", "demo-password-1", ""},
		{"zhangsan", "Short1!", "至少10个字符"},
		{"zhangsan", "alllowercase", "至少3类（当前1类）"},
		{"zhangsan", "lowercase2026", "至少3类（当前2类）"},
		{"zhangsan", "密码很长很长的中文口令1a", ""},
		{"zhangsan", "Zhangsan-2026", "不能包含用户名"},
		{"zhangsan", strings.Repeat("Aa1", 25), "72字节"},
	}
	for _, tt := range tests {
		err := p.CheckPassword(tt.user, tt.pw)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%q refused: %v", tt.pw, err)
		case tt.want != "" && (ErrorCode(err) != EINVALID || !strings.Contains(ErrorMessage(err), tt.want)):
			t.Errorf("%q: got %v, want %q", tt.pw, err, tt.want)
		}
	}
	loose := SecurityPolicy{PasswordMinLength: 8, PasswordClasses: 1, IdleMinutes: 30}
	if err := loose.CheckPassword("li", "abcdefgh"); err != nil {
		t.Errorf("a looser policy: %v", err)
	}
	bad := SecurityPolicy{PasswordMinLength: 6, PasswordClasses: 5, PasswordHistory: 30, IdleMinutes: 1000}
	if ps := bad.Validate(); len(ps) != 4 {
		t.Errorf("out-of-bounds policy: %v", ps)
	}
	def := DefaultSecurityPolicy()
	if ps := def.Validate(); ps.Err() != nil {
		t.Errorf("default policy invalid: %v", ps)
	}
}

func TestLoginDelay(t *testing.T) {
	want := map[int]time.Duration{0: 0, 4: 0, 5: time.Minute, 6: 2 * time.Minute, 7: 4 * time.Minute, 8: 8 * time.Minute,
		9: 15 * time.Minute, 40: 15 * time.Minute}
	for n, d := range want {
		if got := LoginDelay(n); got != d {
			t.Errorf("LoginDelay(%d) = %v, want %v", n, got, d)
		}
	}
	for d, msg := range map[time.Duration]string{
		59 * time.Second:       "请59秒后再试",
		61 * time.Second:       "请2分钟后再试",
		15 * time.Minute:       "请15分钟后再试",
		300 * time.Millisecond: "请1秒后再试",
	} {
		if got := LoginRefusedMessage(d); !strings.HasSuffix(got, msg) || !strings.HasPrefix(got, "登录失败次数过多") {
			t.Errorf("LoginRefusedMessage(%v) = %q, want …%s", d, got, msg)
		}
	}
}
