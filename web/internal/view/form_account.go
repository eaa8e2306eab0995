package view

import (
	"slices"

	"spotcheck"
)

// The forms of accounts: signing in, one's own password and tokens, the
// security admin's user and policy forms.

// LoginForm signs in; Next is where to go after (SafeNext keeps it on this
// site).
type LoginForm struct {
	Username string `form:"username"`
	Password string `form:"password"`
	Next     string `form:"next"`
}

// PasswordForm sets a password, typed twice; Old is the current one when a
// user changes their own.
type PasswordForm struct {
	Old       string `form:"old"`
	Password  string `form:"password"`
	Password2 string `form:"password2"`
}

// Mismatch reports whether the two new passwords differ.
func (f *PasswordForm) Mismatch() bool { return f.Password != f.Password2 }

// TokenForm makes a personal API token.
type TokenForm struct {
	Name string `form:"name"`
	Days string `form:"days,trim"`
}

// DaysOrInvalid is the lifetime chosen, 0 for the default; a value that is
// not a number is -1, which the service refuses naming the choices.
func (f *TokenForm) DaysOrInvalid() int {
	if f.Days == "" {
		return 0
	}
	n, ok := parseInteger(f.Days)
	if !ok || n < 0 || int64(int(n)) != n {
		return -1
	}
	return int(n)
}

// RoleOrder is the order in which roles are offered and stored: the three
// administrators first, then the working roles of design §1.
var RoleOrder = []string{
	spotcheck.RoleSystemAdmin, spotcheck.RoleSecurityAdmin, spotcheck.RoleAuditAdmin,
	spotcheck.RoleDeptAdmin, spotcheck.RolePlanner, spotcheck.RoleSupervisor,
	spotcheck.RoleInspector, spotcheck.RoleApprover, spotcheck.RoleAgency,
}

// UserForm is the create and edit form of an account.
type UserForm struct {
	Username string   `form:"username"`
	Name     string   `form:"name"`
	Dept     string   `form:"dept"`
	Roles    []string `form:"roles"`
	Active   bool     `form:"active"`
	StaffID  string   `form:"staff_id"` // the inspector's 执法人员工号 (User.StaffID)
	PasswordForm
}

// User is the account of the form. Its roles are in RoleOrder, whatever
// order the browser sent them in; unknown roles follow, for validation to
// name them.
func (f *UserForm) User() *spotcheck.User {
	u := &spotcheck.User{Username: f.Username, Name: f.Name, Dept: f.Dept, Active: true, StaffID: f.StaffID}
	for _, ro := range RoleOrder {
		if slices.Contains(f.Roles, ro) {
			u.Roles = append(u.Roles, ro)
		}
	}
	for _, ro := range f.Roles {
		if !slices.Contains(RoleOrder, ro) {
			u.Roles = append(u.Roles, ro)
		}
	}
	return u
}

// SecurityForm is the security policy's form.
type SecurityForm struct {
	PasswordMinLength int  `form:"password_min_length" label:"密码最小长度"`
	PasswordClasses   int  `form:"password_classes" label:"字符类别数"`
	PasswordHistory   int  `form:"password_history" label:"不得重复的历史密码数"`
	IdleMinutes       int  `form:"idle_minutes" label:"空闲超时（分钟）"`
	KeepInitial       bool `form:"keep_initial_passwords"`
}

// Policy is the policy of the form.
func (f *SecurityForm) Policy() *spotcheck.SecurityPolicy {
	return &spotcheck.SecurityPolicy{PasswordMinLength: f.PasswordMinLength, PasswordClasses: f.PasswordClasses,
		PasswordHistory: f.PasswordHistory, IdleMinutes: f.IdleMinutes, KeepInitialPasswords: f.KeepInitial}
}
