package staff

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"spotcheck"
	"spotcheck/web/internal/view"
)

// Staff accounts, kept by the security admin (PermManageUsers) through the
// AccountService. The rules — 三员分立 (spotcheck.CanChangeAccount and
// CanResetCredentials: nobody changes their own roles or disables
// themselves, administrator accounts are kept on the command line), the
// password policy — are the domain's and the store's; these pages ask the
// same functions which buttons and roles to offer and show the store's
// messages beside the fields. Account changes, and acts refused by the
// rules, are recorded as changes of kind "user".

// userListParams are the filters of the user list, applied here because
// the accounts of one installation are few and FindUsers returns them all.
type userListParams struct {
	Query, Dept, Role string
	Active            *bool
}

func (f userListParams) match(u spotcheck.User) bool {
	q := strings.ToLower(f.Query)
	return (q == "" || strings.Contains(u.Username, q) || strings.Contains(u.Name, f.Query)) &&
		(f.Dept == "" || u.Dept == f.Dept) && (f.Role == "" || slices.Contains(u.Roles, f.Role)) &&
		(f.Active == nil || u.Active == *f.Active)
}

func (s *Handler) ShowUsers(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := userListParams{Query: strings.TrimSpace(q.Get("q")), Dept: q.Get("dept"), Role: q.Get("role"),
		Active: view.BoolParam(q.Get("active"))}
	all, err := s.svc.Accounts.FindUsers(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var matched []spotcheck.User
	for _, u := range all {
		if f.match(u) {
			matched = append(matched, u)
		}
	}
	offset, limit := view.PageParams(q)
	page := matched[min(offset, len(matched)):min(offset+limit, len(matched))]
	depts, err := s.svc.Departments.FindDepartments(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderTitled(w, r, http.StatusOK, "users", "用户管理", map[string]any{
		"Users": page, "F": f, "Q": q, "Roles": view.RoleOrder, "Depts": deptTree(depts),
		"Pager": view.NewPager(r, len(matched), offset, limit, len(page), false),
	})
}

func (s *Handler) ShowUser(w http.ResponseWriter, r *http.Request) {
	s.renderUser(w, r, http.StatusOK, "")
}

// renderUser shows an account with its history, its sign-in back-off and
// the password reset form; pwErr is the reset's problem, if any. The
// buttons are those the rules allow the signed-in user.
func (s *Handler) renderUser(w http.ResponseWriter, r *http.Request, status int, pwErr string) {
	u, err := s.svc.Accounts.FindUserByUsername(r.Context(), r.PathValue("username"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	history, err := s.history(r.Context(), "user", u.Username)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	limit, err := s.svc.Accounts.FindLoginLimit(r.Context(), u.Username)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	policy, err := s.svc.Accounts.FindSecurityPolicy(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	me := view.StaffUser(r)
	toggled := *u
	toggled.Active = !u.Active
	s.renderTitled(w, r, status, "user", u.Name, map[string]any{"U": u,
		"Self": u.Username == me.Username, "PasswordError": pwErr, "History": history, "Limit": limit,
		"Policy": policy, "Now": s.now(),
		"CanEdit":   spotcheck.CanChangeAccount(me, u, u) == nil,
		"CanToggle": spotcheck.CanChangeAccount(me, u, &toggled) == nil,
		"CanReset":  spotcheck.CanResetCredentials(me, u) == nil,
		"CanUnlock": spotcheck.CanUnlockLogin(me, u) == nil && limit.Failures > 0,
		"ByCLI":     u.IsAdmin() && u.Username != me.Username,
	})
}

// ShowUserForm shows the create form, or the edit form of {username}.
func (s *Handler) ShowUserForm(w http.ResponseWriter, r *http.Request) {
	u := &spotcheck.User{Active: true}
	if name := r.PathValue("username"); name != "" {
		var err error
		if u, err = s.svc.Accounts.FindUserByUsername(r.Context(), name); err != nil {
			s.fail(w, r, err)
			return
		}
		// An account the user may not change at all (another
		// administrator's) has no edit form.
		if err := spotcheck.CanChangeAccount(view.StaffUser(r), u, u); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.renderUserForm(w, r, http.StatusOK, u, nil, "")
}

func (s *Handler) renderUserForm(w http.ResponseWriter, r *http.Request, status int, u *spotcheck.User,
	problems spotcheck.Problems, msg string) {
	depts, err := s.svc.Departments.FindDepartments(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	editing := r.PathValue("username") != ""
	title := "新增用户"
	if editing {
		title = "编辑用户：" + u.Username
	}
	roles := map[string]bool{}
	for _, ro := range u.Roles {
		roles[ro] = true
	}
	// The roles offered are those the rules let this user give: the
	// administrator roles never (the command line's), and one's own roles
	// not at all, which are then sent unchanged.
	me := view.StaffUser(r)
	self := editing && strings.EqualFold(r.PathValue("username"), me.Username)
	var before *spotcheck.User // nil: a new account
	if editing {
		before = u
	}
	var offered []string
	for _, ro := range view.RoleOrder {
		after := *u
		after.Roles = []string{ro}
		if !self && spotcheck.CanChangeAccount(me, before, &after) == nil {
			offered = append(offered, ro)
		}
	}
	policy, err := s.svc.Accounts.FindSecurityPolicy(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderTitled(w, r, status, "user_form", title, map[string]any{"U": u, "Editing": editing, "Depts": deptTree(depts),
		"Roles": offered, "RoleSet": roles, "Self": self, "Errors": view.FieldErrors(problems), "Problems": problems,
		"Message": msg, "Policy": policy})
}

// CreateUser adds an account with its initial password (POST /staff/users).
func (s *Handler) CreateUser(w http.ResponseWriter, r *http.Request) {
	var f view.UserForm
	s.decode(r, &f) // text and choices only: nothing to misparse
	u := f.User()
	if f.Mismatch() {
		s.renderUserForm(w, r, http.StatusBadRequest, u,
			spotcheck.Problems{{Field: "password2", Label: "确认密码", Message: "两次输入的密码不一致"}}, "")
		return
	}
	if err := s.svc.Accounts.CreateUser(r.Context(), u, f.Password); err != nil {
		s.userFormFailed(w, r, u, err)
		return
	}
	view.Redirect(w, r, "/staff/users/"+url.PathEscape(u.Username)+"?ok=created")
}

// UpdateUser changes name, department, roles and the active flag of
// {username} (POST /staff/users/{username}).
func (s *Handler) UpdateUser(w http.ResponseWriter, r *http.Request) {
	var f view.UserForm
	s.decode(r, &f) // text and choices only: nothing to misparse
	u := f.User()
	u.Username, u.Active = r.PathValue("username"), f.Active
	if err := s.svc.Accounts.UpdateUser(r.Context(), u); err != nil {
		s.userFormFailed(w, r, u, err)
		return
	}
	view.Redirect(w, r, "/staff/users/"+url.PathEscape(u.Username)+"?ok=saved")
}

// userFormFailed shows the user form again after a refused save. A taken
// user name (ECONFLICT) is a problem of the user name field.
func (s *Handler) userFormFailed(w http.ResponseWriter, r *http.Request, u *spotcheck.User, err error) {
	problems, msg, ok := view.FormProblems(err)
	if !ok {
		s.fail(w, r, err)
		return
	}
	if spotcheck.ErrorCode(err) == spotcheck.ECONFLICT && r.PathValue("username") == "" {
		problems, msg = spotcheck.Problems{{Field: "username", Label: "用户名", Message: msg}}, ""
	}
	s.renderUserForm(w, r, http.StatusBadRequest, u, problems, msg)
}

// SetUserActive disables (active=0) or enables (active=1) an account;
// disabling ends its sessions at once (store).
func (s *Handler) SetUserActive(w http.ResponseWriter, r *http.Request) {
	u, err := s.svc.Accounts.FindUserByUsername(r.Context(), r.PathValue("username"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var f view.StateForm
	if ps := s.decode(r, &f); ps != nil {
		s.fail(w, r, ps.Err())
		return
	}
	u.Active = f.Active
	if err := s.svc.Accounts.UpdateUser(r.Context(), u); err != nil {
		s.fail(w, r, err)
		return
	}
	view.Redirect(w, r, "/staff/users/"+url.PathEscape(u.Username)+"?ok="+view.ActiveFlash(u.Active))
}

// ResetPassword sets a new password for {username}, which signs the user
// out everywhere. Resetting one's own password here would sign oneself out
// too, so the admin gets a new session, as on the account page.
func (s *Handler) ResetPassword(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("username")
	var f view.PasswordForm
	s.decode(r, &f) // text fields only: nothing to misparse
	if f.Mismatch() {
		s.renderUser(w, r, http.StatusBadRequest, "两次输入的密码不一致")
		return
	}
	if err := s.svc.Accounts.SetPassword(r.Context(), name, f.Password); err != nil {
		if spotcheck.ErrorCode(err) == spotcheck.EINVALID {
			s.renderUser(w, r, http.StatusBadRequest, spotcheck.ErrorMessage(err))
			return
		}
		s.fail(w, r, err)
		return
	}
	if me := view.StaffUser(r); strings.EqualFold(strings.TrimSpace(name), me.Username) {
		token, err := s.svc.Accounts.CreateSession(r.Context(), me.Username)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		s.session(w, token)
	}
	view.Redirect(w, r, "/staff/users/"+url.PathEscape(name)+"?ok=saved")
}

// UnlockUser lifts the sign-in back-off of {username} (the security
// admin's unlock, recorded by the store).
func (s *Handler) UnlockUser(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("username")
	if err := s.svc.Accounts.UnlockLogin(r.Context(), name); err != nil {
		s.fail(w, r, err)
		return
	}
	view.Redirect(w, r, "/staff/users/"+url.PathEscape(name)+"?ok=unlocked")
}
