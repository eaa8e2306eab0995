package spotcheck

import (
	"context"
	"slices"
	"strings"
	"testing"
)

// TestRolePermissions writes out what each role may do (design §1), so
// that a change of the table is a change of this test too.
func TestRolePermissions(t *testing.T) {
	want := map[string]string{
		RoleSystemAdmin:   "departments.view departments.manage api.use outbox.manage jobs.manage",
		RoleSecurityAdmin: "departments.view users.manage",
		RoleAuditAdmin:    "departments.view audit.view",
		RoleDeptAdmin:     "directory.view directory.edit lists.view lists.edit departments.view api.use risk.manage stats.view",
		RolePlanner:       "directory.view lists.view departments.view api.use draws.view draws.manage stats.view",
		RoleSupervisor: "directory.view lists.view departments.view audit.view draws.view draws.witness " +
			"draws.approve draws.supervise api.use stats.view",
		RoleInspector: "directory.view lists.view departments.view inspections.record",
		RoleApprover:  "directory.view lists.view departments.view draws.view draws.approve api.use inspections.approve",
		RoleAgency:    "lists.view departments.view",
	}
	for role := range RoleNames {
		p := NewPrincipal(User{Username: "u", Roles: []string{role}}, nil)
		for _, perm := range allPermissions {
			if got, exp := p.Has(perm), slices.Contains(strings.Fields(want[role]), string(perm)); got != exp {
				t.Errorf("%s has %s: %v, want %v", role, perm, got, exp)
			}
		}
	}
	pub, sys := Public(), System("demo")
	for _, perm := range allPermissions {
		if got := pub.Has(perm); got != (perm == PermViewLists || perm == PermViewDepartments) {
			t.Errorf("the public has %s: %v", perm, got)
		}
		if !sys.Has(perm) {
			t.Errorf("the system lacks %s", perm)
		}
		if permissionNames[perm] == "" {
			t.Errorf("%s has no name for refusals", perm)
		}
	}
}

func TestSystemPrincipal(t *testing.T) {
	tests := []struct{ name, id, display string }{
		{"cli:root", "cli:root", "系统（命令行，root）"},
		{"cli:", "cli:", "系统（命令行）"},
		{"demo", "system:demo", "系统（演示数据）"},
		{"job:search-rebuild", "job:search-rebuild", "系统（后台任务 search-rebuild）"},
		{"migrate", "system:migrate", "系统（migrate）"},
		{"test:store", "test:store", "系统（test:store）"},
	}
	for _, tt := range tests {
		p := System(tt.name)
		if p.Username != tt.id || p.Name != tt.display || !p.IsSystem() {
			t.Errorf("System(%q) = %q %q system=%v, want %q %q", tt.name, p.Username, p.Name, p.IsSystem(), tt.id, tt.display)
		}
		if p.Scope() != nil || !p.InScope("ANY") || !p.Keeps(PermEditLists, CityWide) || !p.Keeps(PermEditDirectory, "FZXF") {
			t.Errorf("System(%q) does not reach every department", tt.name)
		}
		if !strings.Contains(p.Username, ":") {
			t.Errorf("System(%q) could be taken for a user: %q", tt.name, p.Username)
		}
	}
	// No account becomes a system principal or the public, whatever its
	// stored roles say.
	for _, role := range []string{roleSystem, rolePublic} {
		p := NewPrincipal(User{Username: "mallory", Dept: "FZWL", Roles: []string{role, RoleInspector}}, accessTree)
		if p.IsSystem() || p.Has(PermManageUsers) || slices.Contains(p.Roles, role) {
			t.Errorf("an account with role %q: system %v, roles %v", role, p.IsSystem(), p.Roles)
		}
		u := User{Username: "mallory", Name: "M", Dept: "FZWL", Roles: []string{role}}
		if ps := u.Validate(); ps.Err() == nil {
			t.Errorf("User.Validate accepts role %q", role)
		}
	}
	if Public().IsSystem() || principal("FZWL", RoleSupervisor).IsSystem() {
		t.Error("a user or the public is a system principal")
	}
}

func TestScope(t *testing.T) {
	tests := []struct {
		name string
		p    *Principal
		want []string // nil: every department
	}{
		{"the city's subtree", principal("FZWL", RoleInspector), []string{"FZWL", "FZZD", "GLWL", "TJWL"}},
		{"a district's own", principal("GLWL", RoleInspector), []string{"GLWL"}},
		{"a partner root's own", principal("FZXF", RolePlanner), []string{"FZXF"}},
		{"a user without a department", NewPrincipal(User{Roles: []string{RoleInspector}}, accessTree), []string{}},
		{"the public", Public(), []string{}},
		{"the system", System("cli:root"), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.p.Scope()
			if (got == nil) != (tt.want == nil) || !slices.Equal(got, tt.want) {
				t.Fatalf("Scope = %#v, want %#v", got, tt.want)
			}
			for _, d := range []string{"FZWL", "GLWL", "FZXF", "FZZD"} {
				if in := tt.p.InScope(d); in != (tt.want == nil || slices.Contains(tt.want, d)) {
					t.Errorf("InScope(%s) = %v", d, in)
				}
			}
		})
	}
}

func TestAuthorize(t *testing.T) {
	tests := []struct {
		name string
		p    *Principal
		perm Permission
		dept string
		want string
	}{
		{"a permission of no department", principal("GLWL", RoleDeptAdmin), PermEditDirectory, "", "ok"},
		{"within the scope", principal("GLWL", RoleDeptAdmin), PermEditDirectory, "GLWL", "ok"},
		{"outside the scope", principal("GLWL", RoleDeptAdmin), PermEditDirectory, "TJWL", EFORBIDDEN},
		{"without the permission", principal("GLWL", RoleInspector), PermEditDirectory, "GLWL", EFORBIDDEN},
		{"auditors read everyone's", principal("GLWL", RoleAuditAdmin), PermViewAudit, "FZXF", "ok"},
		{"supervisors watch every draw", principal("FZXF", RoleSupervisor), PermSuperviseDraws, "FZWL", "ok"},
		{"the public reads the lists", Public(), PermViewLists, "", "ok"},
		{"the public edits nothing", Public(), PermEditLists, "", EFORBIDDEN},
		{"the system does everything", System("cli:root"), PermManageUsers, "FZXF", "ok"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := code(tt.p.Authorize(tt.perm, tt.dept)); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
	msg := ErrorMessage(principal("GLWL", RoleInspector).Authorize(PermEditDirectory, ""))
	if msg != "没有权限：维护名录库" {
		t.Errorf("refusal %q does not name the permission", msg)
	}
	if msg := ErrorMessage(principal("GLWL", RoleDeptAdmin).Authorize(PermEditDirectory, "TJWL")); !strings.Contains(msg, "TJWL") {
		t.Errorf("refusal %q does not name the department", msg)
	}
}

func TestAuthorizeDraw(t *testing.T) {
	joint := []string{"FZWL", "FZXF"}
	tests := []struct {
		name  string
		p     *Principal
		perm  Permission
		depts []string
		want  string
	}{
		{"the authority's planner", principal("FZWL", RolePlanner), PermManageDraws, joint, "ok"},
		{"a partner's planner of a joint task", principal("FZXF", RolePlanner), PermViewDraws, joint, "ok"},
		{"a district's planner", principal("GLWL", RolePlanner), PermViewDraws, joint, EFORBIDDEN},
		{"a supervisor sees every draw", principal("GLWL", RoleSupervisor), PermViewDraws, joint, "ok"},
		{"and approves in every draw", principal("GLWL", RoleSupervisor), PermApproveDraws, joint, "ok"},
		{"witnessing reaches every draw", principal("GLWL", RoleSupervisor), PermWitnessDraws, joint, "ok"},
		{"without the permission", principal("FZWL", RoleInspector), PermViewDraws, joint, EFORBIDDEN},
		{"the system", System("cli:root"), PermManageDraws, joint, "ok"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := code(tt.p.AuthorizeDraw(tt.perm, tt.depts)); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

// TestContextHelpers: every helper that reads the principal from a
// context refuses a context without one (deny by default), and applies the
// principal's method otherwise.
func TestContextHelpers(t *testing.T) {
	missing := Errorf(ENOTFOUND, "没有")
	helpers := map[string]func(context.Context) error{
		"Authorize":          func(ctx context.Context) error { return Authorize(ctx, PermViewLists, "") },
		"AuthorizeDrawCtx":   func(ctx context.Context) error { return AuthorizeDrawCtx(ctx, PermViewDraws, []string{"FZWL"}) },
		"AuthorizeChangeCtx": func(ctx context.Context) error { return AuthorizeChangeCtx(ctx, PermEditDirectory, "GLWL", "GLWL") },
		"AuthorizeViewCtx": func(ctx context.Context) error {
			return AuthorizeViewCtx(ctx, PermViewDirectory, "GLWL", missing)
		},
		"AuthorizeTaskCtx": func(ctx context.Context) error {
			return AuthorizeTaskCtx(ctx, PermViewDraws, []string{"FZWL"}, missing)
		},
		"AuthorizeSystem": AuthorizeSystem,
		"ActingPrincipal": func(ctx context.Context) error { _, err := ActingPrincipal(ctx); return err },
	}
	// want: the answer with no principal, a district admin, a city planner,
	// the system.
	want := map[string][4]string{
		"Authorize":          {EUNAUTHORIZED, "ok", "ok", "ok"},
		"AuthorizeDrawCtx":   {EUNAUTHORIZED, EFORBIDDEN, "ok", "ok"},
		"AuthorizeChangeCtx": {EUNAUTHORIZED, "ok", EFORBIDDEN, "ok"},
		"AuthorizeViewCtx":   {EUNAUTHORIZED, "ok", "ok", "ok"},
		"AuthorizeTaskCtx":   {EUNAUTHORIZED, EFORBIDDEN, "ok", "ok"},
		"AuthorizeSystem":    {EUNAUTHORIZED, EFORBIDDEN, EFORBIDDEN, "ok"},
		"ActingPrincipal":    {EUNAUTHORIZED, "ok", "ok", "ok"},
	}
	ctxs := []context.Context{
		context.Background(),
		NewContextWithPrincipal(context.Background(), principal("GLWL", RoleDeptAdmin)),
		NewContextWithPrincipal(context.Background(), principal("FZWL", RolePlanner)),
		NewContextWithPrincipal(context.Background(), System("cli:root")),
	}
	for name, fn := range helpers {
		for i, ctx := range ctxs {
			if got := code(fn(ctx)); got != want[name][i] {
				t.Errorf("%s, context %d: %s, want %s", name, i, got, want[name][i])
			}
		}
	}
	// Only a real principal counts: an actor alone is nobody.
	actorOnly := NewContextWithActor(context.Background(), Actor{ID: "cli:root", Name: "x"})
	if got := code(Authorize(actorOnly, PermViewLists, "")); got != EUNAUTHORIZED {
		t.Errorf("an actor without a principal: %s", got)
	}
}

func TestContextCarriesPrincipalAndActor(t *testing.T) {
	if p := PrincipalFromContext(context.Background()); p != nil {
		t.Fatalf("a bare context carries %v", p)
	}
	p := System("cli:root")
	ctx := NewContextWithPrincipal(context.Background(), p)
	if got := PrincipalFromContext(ctx); got != p {
		t.Fatalf("PrincipalFromContext = %v", got)
	}
	if a := ActorFromContext(ctx); a.ID != "cli:root" || a.Name != "系统（命令行，root）" {
		t.Fatalf("the actor recorded is %+v", a)
	}
	if a := ActorFromContext(context.Background()); a != (Actor{}) {
		t.Fatalf("a bare context has actor %+v", a)
	}
}

func TestScopeFilter(t *testing.T) {
	district := NewContextWithPrincipal(context.Background(), principal("GLWL", RoleInspector))
	tests := []struct {
		name string
		ctx  context.Context
		want []string // nil: no limit
	}{
		{"nobody: nothing", context.Background(), []string{}},
		{"nobody, even without scope", WithoutScope(context.Background()), []string{}},
		{"a district: its own", district, []string{"GLWL"}},
		{"a district without scope: no limit", WithoutScope(district), nil},
		{"the public: nothing of a department", NewContextWithPrincipal(context.Background(), Public()), []string{}},
		{"the system: no limit", NewContextWithPrincipal(context.Background(), System("demo")), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ScopeFilter(tt.ctx)
			if (got == nil) != (tt.want == nil) || !slices.Equal(got, tt.want) {
				t.Errorf("ScopeFilter = %#v, want %#v", got, tt.want)
			}
		})
	}
}

func TestItemKeeperAndKeeps(t *testing.T) {
	district := principal("GLWL", RoleDeptAdmin)
	tests := []struct {
		name       string
		p          *Principal
		initiators []string
		want       string
	}{
		{"nobody initiates: city-wide", district, nil, CityWide},
		{"the one in the user's scope", district, []string{"FZWL", "GLWL"}, "GLWL"},
		{"else the first", district, []string{"FZWL", "TJWL"}, "FZWL"},
		{"without a principal, the first", nil, []string{"TJWL", "GLWL"}, "TJWL"},
		{"the system keeps the first", System("cli:root"), []string{"TJWL", "GLWL"}, "TJWL"},
	}
	for _, tt := range tests {
		if got := ItemKeeper(tt.p, tt.initiators); got != tt.want {
			t.Errorf("%s: ItemKeeper = %q, want %q", tt.name, got, tt.want)
		}
	}
	city := principal("FZWL", RoleDeptAdmin)
	keeps := []struct {
		name string
		p    *Principal
		perm Permission
		dept string
		want bool
	}{
		{"a district keeps its own", district, PermEditDirectory, "GLWL", true},
		{"not the city-wide records", district, PermEditDirectory, CityWide, false},
		{"the city keeps the city-wide ones", city, PermEditLists, CityWide, true},
		{"not a partner root's", city, PermEditDirectory, "FZXF", false},
		{"but its accounts", principal("FZWL", RoleSecurityAdmin), PermManageUsers, "FZXF", true},
		{"a district's security admin only its own", principal("GLWL", RoleSecurityAdmin), PermManageUsers, "FZXF", false},
	}
	for _, tt := range keeps {
		if got := tt.p.Keeps(tt.perm, tt.dept); got != tt.want {
			t.Errorf("%s: Keeps = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestPublicPrincipal(t *testing.T) {
	p := Public()
	if p.Username != "public" || p.Name != "公众" || len(p.Scope()) != 0 || p.Scope() == nil {
		t.Fatalf("Public() = %+v, scope %#v", p.User, p.Scope())
	}
	if got := code(p.AuthorizeView(PermViewLists, CityWide, nil)); got != "ok" {
		t.Errorf("the public sees the city-wide lists: %s", got)
	}
	if got := code(p.AuthorizeView(PermViewLists, "FZWL", nil)); got != EFORBIDDEN {
		t.Errorf("the public sees a department's record as staff do: %s", got)
	}
	if got := code(p.AuthorizeTask(PermViewDraws, []string{"FZWL"}, NoTask("T"))); got != EFORBIDDEN {
		t.Errorf("the public's staff view of a task: %s", got)
	}
}
