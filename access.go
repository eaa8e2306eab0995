package spotcheck

import (
	"context"
	"slices"
	"sort"
)

// Permission is one thing a role allows. Every check of the web pages and
// the JSON API goes through Principal.Authorize (or the filters that
// Principal.Scope builds), so that the two can never disagree.
type Permission string

// The permissions. "View" permissions are further bounded by the
// department scope; PermViewAudit is not (auditors see everyone).
const (
	PermViewDirectory     Permission = "directory.view" // entities, inspectors, experts, agencies, conflicts
	PermEditDirectory     Permission = "directory.edit"
	PermViewLists         Permission = "lists.view" // items and responsibilities
	PermEditLists         Permission = "lists.edit"
	PermViewDepartments   Permission = "departments.view"
	PermManageDepartments Permission = "departments.manage"
	PermManageUsers       Permission = "users.manage"
	PermViewAudit         Permission = "audit.view"
	PermUseAPI            Permission = "api.use"
	PermViewDraws         Permission = "draws.view"    // tasks and draws of the user's departments
	PermManageDraws       Permission = "draws.manage"  // tasks, plans, running draws, requesting changes
	PermWitnessDraws      Permission = "draws.witness" // commit and reveal as a declared official
	PermApproveDraws      Permission = "draws.approve" // decide substitutions and replacements
	PermSuperviseDraws    Permission = "draws.supervise"
)

// The permissions of routes that need none of the above, stated as values
// of their own so that every route of the web's route table says what it
// needs and a route that says nothing ("") is refused to everyone.
// Principal.Has grants neither: the web's guard admits PermPublic to
// anyone and PermAnySignedIn to whoever it has authenticated.
const (
	PermPublic      Permission = "public"    // anyone, signed in or not: the portal, the log, signing in
	PermAnySignedIn Permission = "signed-in" // any signed-in user; the store decides the rest
)

// rolePermissions is the one table of what each role may do (design §1).
// The three administrators are kept apart (三员分立): the system admin runs
// the installation but neither manages accounts nor reads the audit trail,
// the security admin manages accounts only, the audit admin only reads.
var rolePermissions = map[string][]Permission{
	// The system admin may keep the department tree through the API too
	// (a nightly sync from the organisation's own directory); without
	// PermUseAPI the department routes of /api/v1 would serve nobody, now
	// that no administrator holds a second role.
	RoleSystemAdmin:   {PermViewDepartments, PermManageDepartments, PermUseAPI},
	RoleSecurityAdmin: {PermViewDepartments, PermManageUsers},
	RoleAuditAdmin:    {PermViewDepartments, PermViewAudit},
	RoleDeptAdmin: {PermViewDirectory, PermEditDirectory, PermViewLists, PermEditLists, PermViewDepartments,
		PermUseAPI},
	RolePlanner: {PermViewDirectory, PermViewLists, PermViewDepartments, PermUseAPI,
		PermViewDraws, PermManageDraws},
	RoleSupervisor: {PermViewDirectory, PermViewLists, PermViewDepartments, PermViewAudit,
		PermViewDraws, PermWitnessDraws, PermApproveDraws, PermSuperviseDraws, PermUseAPI},
	RoleInspector: {PermViewDirectory, PermViewLists, PermViewDepartments},
	RoleApprover: {PermViewDirectory, PermViewLists, PermViewDepartments, PermViewDraws, PermApproveDraws,
		PermUseAPI},
	RoleAgency: {PermViewLists, PermViewDepartments},
	rolePublic: {PermViewLists, PermViewDepartments},
}

// rolePublic is the pseudo-role of the public portal's visitors. It cannot
// be given to a user (it is not in RoleNames).
const rolePublic = "public"

// Public returns the principal of a visitor of the public portal: no
// department, and only what is published.
func Public() *Principal {
	return &Principal{User: User{Username: "public", Name: "公众", Roles: []string{rolePublic}}, scope: map[string]bool{}}
}

// Principal is an authenticated user together with the departments whose
// data the user's department gives access to: its own department and the
// subtree below it (design §4). A partner department's subtree is itself;
// what its joint tasks touch is added by the tasks.
type Principal struct {
	User
	scope map[string]bool
	// city is set when the user's department is the city bureau: a root
	// of the tree that is a 文旅部门. It keeps the CityWide records.
	city bool
}

// NewPrincipal resolves u's department scope in the department tree. A
// user without a department has an empty scope. An account that holds an
// administrator role acts with its administrator roles only (三员分立):
// User.Validate refuses any other role beside one, but an account stored
// before that rule existed may still hold both, and must not keep the
// union of their permissions.
func NewPrincipal(u User, depts []Department) *Principal {
	if u.IsAdmin() {
		u.Roles = slices.DeleteFunc(slices.Clone(u.Roles), func(r string) bool { return !IsAdminRole(r) })
	}
	p := &Principal{User: u, scope: map[string]bool{}}
	if u.Dept == "" {
		return p
	}
	for _, c := range Subtree(depts, u.Dept) {
		p.scope[c] = true
	}
	for _, d := range depts {
		if d.Code == u.Dept {
			p.city = d.Parent == "" && d.Kind == DeptBureau
		}
	}
	return p
}

// Has reports whether one of the user's roles grants perm.
func (p *Principal) Has(perm Permission) bool {
	for _, r := range p.Roles {
		if slices.Contains(rolePermissions[r], perm) {
			return true
		}
	}
	return false
}

// InScope reports whether records of department dept are within the user's
// department scope.
func (p *Principal) InScope(dept string) bool { return p.scope[dept] }

// Scope returns the department codes of the user's scope, sorted; list
// queries filter by it.
func (p *Principal) Scope() []string {
	out := make([]string, 0, len(p.scope))
	for c := range p.scope {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

// Authorize returns nil when the user may use perm on a record of
// department dept ("" for records that belong to no department), else an
// EFORBIDDEN error that says what is missing.
func (p *Principal) Authorize(perm Permission, dept string) error {
	if !p.Has(perm) {
		return Errorf(EFORBIDDEN, "没有权限：%s", permissionNames[perm])
	}
	if dept != "" && !unscoped[perm] && !p.InScope(dept) {
		return Errorf(EFORBIDDEN, "没有权限：该记录属于其他部门（%s）", dept)
	}
	return nil
}

// unscoped permissions reach every department: auditors and supervisors
// (纪检、法制) watch everyone, including bodies outside their own tree.
var unscoped = map[Permission]bool{PermViewAudit: true, PermWitnessDraws: true, PermSuperviseDraws: true}

var permissionNames = map[Permission]string{
	PermViewDirectory: "查看名录库", PermEditDirectory: "维护名录库", PermViewLists: "查看事项清单",
	PermEditLists: "维护事项清单", PermViewDepartments: "查看部门", PermManageDepartments: "管理部门",
	PermManageUsers: "管理用户", PermViewAudit: "查看操作记录", PermUseAPI: "使用接口令牌",
	PermViewDraws: "查看抽查任务和抽取", PermManageDraws: "管理抽查任务和抽取", PermWitnessDraws: "参与抽取承诺",
	PermApproveDraws: "审批替补和更换", PermSuperviseDraws: "监督全部抽取",
}

// AuthorizeDraw returns nil when the user may use perm on a task or draw
// of these departments (the authority first, then the partners): a
// supervisor sees and acts on every draw; others need one of the departments in scope,
// so that a partner department sees the joint tasks it takes part in.
func (p *Principal) AuthorizeDraw(perm Permission, depts []string) error {
	if perm == PermViewDraws && p.Has(PermSuperviseDraws) {
		return nil
	}
	if !p.Has(perm) {
		return p.Authorize(perm, "")
	}
	if unscoped[perm] || p.Has(PermSuperviseDraws) || slices.ContainsFunc(depts, p.InScope) {
		return nil
	}
	return Errorf(EFORBIDDEN, "没有权限：该任务不属于您的部门")
}

// AuthorizeDrawCtx applies AuthorizeDraw to the user in ctx; the command
// line may do everything.
func AuthorizeDrawCtx(ctx context.Context, perm Permission, depts []string) error {
	if p := PrincipalFromContext(ctx); p != nil {
		return p.AuthorizeDraw(perm, depts)
	}
	return nil
}

type principalKey struct{}

// NewContextWithPrincipal returns a context carrying the authenticated user;
// it also becomes the actor of recorded changes.
func NewContextWithPrincipal(ctx context.Context, p *Principal) context.Context {
	ctx = NewContextWithActor(ctx, Actor{ID: p.Username, Name: p.Name})
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFromContext returns the authenticated user, or nil for the
// command line, whose operator holds the database itself.
func PrincipalFromContext(ctx context.Context) *Principal {
	p, _ := ctx.Value(principalKey{}).(*Principal)
	return p
}

// Authorize applies Principal.Authorize to the user in ctx; without one
// (the command line) everything is allowed.
func Authorize(ctx context.Context, perm Permission, dept string) error {
	if p := PrincipalFromContext(ctx); p != nil {
		return p.Authorize(perm, dept)
	}
	return nil
}

type unscopedKey struct{}

// WithoutScope returns a context whose list queries are not limited to the
// user's departments. The store uses it where it has established that the
// scope holds every department the records can belong to, so that the
// condition would filter nothing; permissions still apply.
func WithoutScope(ctx context.Context) context.Context {
	return context.WithValue(ctx, unscopedKey{}, true)
}

// ScopeFilter returns the department codes a list query must be limited
// to, or nil for no limit (the command line).
func ScopeFilter(ctx context.Context) []string {
	if ctx.Value(unscopedKey{}) != nil {
		return nil
	}
	if p := PrincipalFromContext(ctx); p != nil {
		return p.Scope()
	}
	return nil
}

// ItemKeeper returns the department that keeps an item of the
// 抽查事项清单 for p: of the departments that initiate it (发起, from the
// responsibility list), one in p's scope when there is one, else the first;
// "" when nobody initiates it. p may be nil (the command line).
func ItemKeeper(p *Principal, initiators []string) string {
	if len(initiators) == 0 {
		return ""
	}
	if p != nil {
		for _, d := range initiators {
			if p.InScope(d) {
				return d
			}
		}
	}
	return initiators[0]
}

// AuthorizeItem applies perm to an item with these initiators: the user
// must keep the item's keeper (ItemKeeper); an item nobody initiates is
// CityWide.
func (p *Principal) AuthorizeItem(perm Permission, initiators []string) error {
	k := ItemKeeper(p, initiators)
	return p.AuthorizeChange(perm, k, k)
}

// Who may change a record, and to whom it may pass, is decided here for
// every kind: the store asks AuthorizeChange inside the transaction that
// writes, with the keeper of the record as stored in it, and asks
// AuthorizeView first, so that a user who may not see a record learns
// nothing of it from a refusal.

// CityWide is the keeper of the records that belong to no department: the
// 专业机构 directory, and an item of the 抽查事项清单 that no department
// initiates (发起). Only the city bureau keeps them: a district bureau that
// changed one would change it for every district, and the portal
// publishes them as the city's.
const CityWide = ""

// reachAll are the permissions with which the city bureau keeps the
// records of every department, the partner departments (roots of their
// own) included: the accounts of the platform are the city security
// administrator's.
var reachAll = map[Permission]bool{PermManageUsers: true}

// Keeps reports whether records kept by dept are p's to change under
// perm: those of a department of p's scope, and the CityWide ones only
// for a user of the city bureau (see also reachAll). It does not check
// that p holds perm; AuthorizeChange does.
func (p *Principal) Keeps(perm Permission, dept string) bool {
	switch {
	case p.city && reachAll[perm]:
		return true
	case dept == CityWide:
		return p.city
	}
	return p.InScope(dept)
}

// AuthorizeChange returns nil when p may use perm to change a record kept
// by from — its keeper as stored, read in the transaction that writes —
// so that afterwards it is kept by to; for a new record from is to. Both
// must be p's to keep (Keeps): no user takes over a record of another
// department, hands one of theirs to a department outside their scope, or
// changes a city-wide record unless they are of the city bureau. The
// refusal names the new keeper, which the user asked for, but not the old
// one.
func (p *Principal) AuthorizeChange(perm Permission, from, to string) error {
	if !p.Has(perm) {
		return p.Authorize(perm, "")
	}
	switch {
	case !p.Keeps(perm, from) && from == CityWide || !p.Keeps(perm, to) && to == CityWide:
		return Errorf(EFORBIDDEN, "没有权限：该记录由市局统一维护")
	case !p.Keeps(perm, from) && from != to:
		return Errorf(EFORBIDDEN, "没有权限：该记录由其他部门维护")
	case !p.Keeps(perm, to):
		return Errorf(EFORBIDDEN, "没有权限：“%s”不在您的管辖范围", to)
	}
	return nil
}

// AuthorizeChangeCtx applies AuthorizeChange to the user in ctx; the
// command line may do everything.
func AuthorizeChangeCtx(ctx context.Context, perm Permission, from, to string) error {
	if p := PrincipalFromContext(ctx); p != nil {
		return p.AuthorizeChange(perm, from, to)
	}
	return nil
}

// AuthorizeView returns nil when p may see, with perm, a record of
// department dept (CityWide: of none). A user who holds perm but may not
// see this record, because it lies outside their scope, gets missing: the
// error the caller gives for a record that does not exist, so that the
// answer tells neither that the record exists nor where it belongs. A user
// without perm gets EFORBIDDEN, which says nothing about the record.
func (p *Principal) AuthorizeView(perm Permission, dept string, missing error) error {
	if err := p.Authorize(perm, ""); err != nil {
		return err
	}
	if err := p.Authorize(perm, dept); err != nil {
		return orMissing(err, missing)
	}
	return nil
}

// orMissing returns missing, or err when the caller gave none.
func orMissing(err, missing error) error {
	if missing != nil {
		return missing
	}
	return err
}

// AuthorizeViewCtx applies AuthorizeView to the user in ctx; the command
// line sees everything.
func AuthorizeViewCtx(ctx context.Context, perm Permission, dept string, missing error) error {
	if p := PrincipalFromContext(ctx); p != nil {
		return p.AuthorizeView(perm, dept, missing)
	}
	return nil
}

// AuthorizeTask returns nil when p may use perm on a task, or a draw of
// it, whose departments are depts (the authority first, then the
// partners): viewing and approving need one of them in scope, managing
// the authority, and witnessing and supervising reach every task (see
// AuthorizeDraw). A user who may not even view the task gets missing, as
// from AuthorizeView; one who may view it but not act, EFORBIDDEN.
func (p *Principal) AuthorizeTask(perm Permission, depts []string, missing error) error {
	if !p.Has(perm) {
		return p.Authorize(perm, "")
	}
	if !unscoped[perm] {
		if err := p.AuthorizeDraw(PermViewDraws, depts); err != nil {
			return orMissing(err, missing)
		}
	}
	if perm == PermManageDraws && len(depts) > 1 {
		depts = depts[:1]
	}
	return p.AuthorizeDraw(perm, depts)
}

// AuthorizeTaskCtx applies AuthorizeTask to the user in ctx; the command
// line may do everything.
func AuthorizeTaskCtx(ctx context.Context, perm Permission, depts []string, missing error) error {
	if p := PrincipalFromContext(ctx); p != nil {
		return p.AuthorizeTask(perm, depts, missing)
	}
	return nil
}
