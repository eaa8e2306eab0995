package spotcheck

import (
	"context"
	"slices"
	"sort"
	"strings"
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
	PermRecordInspections Permission = "inspections.record"  // record and confirm the inspections of one's teams
	PermApproveResults    Permission = "inspections.approve" // approve, return or reject a department's results
	PermManageOutbox      Permission = "outbox.manage"       // the credit push's outbox: inspect, retry, export (system admin)
	PermManageJobs        Permission = "jobs.manage"         // the scheduled jobs: their runs, "run now" (system admin)
	PermManageRisk        Permission = "risk.manage"         // load risk models, preview and apply reclassifications (department admin)
	PermViewStats         Permission = "stats.view"          // the statistics dashboard of one's departments (all for supervisors)
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
	RoleSystemAdmin:   {PermViewDepartments, PermManageDepartments, PermUseAPI, PermManageOutbox, PermManageJobs},
	RoleSecurityAdmin: {PermViewDepartments, PermManageUsers},
	RoleAuditAdmin:    {PermViewDepartments, PermViewAudit},
	RoleDeptAdmin: {PermViewDirectory, PermEditDirectory, PermViewLists, PermEditLists, PermViewDepartments,
		PermUseAPI, PermManageRisk, PermViewStats},
	RolePlanner: {PermViewDirectory, PermViewLists, PermViewDepartments, PermUseAPI,
		PermViewDraws, PermManageDraws, PermViewStats},
	RoleSupervisor: {PermViewDirectory, PermViewLists, PermViewDepartments, PermViewAudit,
		PermViewDraws, PermWitnessDraws, PermApproveDraws, PermSuperviseDraws, PermUseAPI, PermViewStats},
	RoleInspector: {PermViewDirectory, PermViewLists, PermViewDepartments, PermRecordInspections},
	RoleApprover: {PermViewDirectory, PermViewLists, PermViewDepartments, PermViewDraws, PermApproveDraws,
		PermUseAPI, PermApproveResults},
	RoleAgency: {PermViewLists, PermViewDepartments},
	rolePublic: {PermViewLists, PermViewDepartments},
	roleSystem: allPermissions,
}

// allPermissions lists every permission: what the system principal holds.
var allPermissions = []Permission{PermViewDirectory, PermEditDirectory, PermViewLists, PermEditLists,
	PermViewDepartments, PermManageDepartments, PermManageUsers, PermViewAudit, PermUseAPI, PermViewDraws,
	PermManageDraws, PermWitnessDraws, PermApproveDraws, PermSuperviseDraws, PermRecordInspections,
	PermApproveResults, PermManageOutbox, PermManageJobs, PermManageRisk, PermViewStats}

// rolePublic is the pseudo-role of the public portal's visitors. It cannot
// be given to a user (it is not in RoleNames).
const rolePublic = "public"

// Public returns the principal of a visitor of the public portal: no
// department, and only what is published.
func Public() *Principal {
	return &Principal{User: User{Username: "public", Name: "公众", Roles: []string{rolePublic}}, scope: map[string]bool{}}
}

// roleSystem is the pseudo-role of the system principals (System). Like
// rolePublic it cannot be given to a user: User.Validate refuses a role
// that is not in RoleNames.
const roleSystem = "system"

// System returns the principal of a part of the program that acts on its
// own rather than for a signed-in user: the command line run by the
// operator on the server (“cli:<login>”), the demo loader (“demo”), a
// background job (“job:search-rebuild”). It holds every permission over
// every department, as the operator who holds the database does, and is
// recorded under its own name in the change history and the log: the
// store refuses a call that carries no principal at all (deny by
// default), so that nothing is ever done by “nobody”.
//
// The name becomes the principal's Username and so the actor of recorded
// changes. A name without a colon is prefixed with "system:", so that a
// system actor is never mistaken for a user: a user name has no colon.
func System(name string) *Principal {
	if !strings.Contains(name, ":") {
		name = "system:" + name
	}
	return &Principal{User: User{Username: name, Name: systemName(name), Roles: []string{roleSystem}, Active: true},
		scope: map[string]bool{}, all: true, city: true}
}

// ActorName names the actor of a recorded step for pages: a system
// principal by what it is (系统（演示数据）), "" for a user, whom the
// accounts name (AccountService.UserNames).
func ActorName(username string) string {
	if !strings.Contains(username, ":") {
		return ""
	}
	return systemName(username)
}

// systemName is how the change history names a system principal:
// 系统（命令行，root）, 系统（演示数据）, 系统（后台任务 search-rebuild）.
func systemName(name string) string {
	kind, detail, _ := strings.Cut(name, ":")
	switch kind {
	case "cli":
		if detail == "" {
			return "系统（命令行）"
		}
		return "系统（命令行，" + detail + "）"
	case "job":
		return "系统（后台任务 " + detail + "）"
	case "system":
		if detail == "demo" {
			return "系统（演示数据）"
		}
		return "系统（" + detail + "）"
	}
	return "系统（" + name + "）"
}

// IsSystem reports whether p is a system principal (System), the only
// principal the rules that keep administrator accounts to the command
// line let through. Nobody (nil) is not.
func (p *Principal) IsSystem() bool { return p != nil && p.all && slices.Contains(p.Roles, roleSystem) }

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
	// all is set for a system principal, whose scope is every department.
	all bool
}

// NewPrincipal resolves u's department scope in the department tree. A
// user without a department has an empty scope. An account that holds an
// administrator role acts with its administrator roles only (三员分立):
// User.Validate refuses any other role beside one, but an account stored
// before that rule existed may still hold both, and must not keep the
// union of their permissions.
//
// The pseudo-roles of the public and of the system principals are dropped:
// they are never a stored account's (User.Validate refuses them), and an
// account row that held one anyway must not become a system principal.
func NewPrincipal(u User, depts []Department) *Principal {
	u.Roles = slices.DeleteFunc(slices.Clone(u.Roles), func(r string) bool { return r == roleSystem || r == rolePublic })
	if u.IsAdmin() {
		u.Roles = slices.DeleteFunc(u.Roles, func(r string) bool { return !IsAdminRole(r) })
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
func (p *Principal) InScope(dept string) bool { return p.all || p.scope[dept] }

// Scope returns the department codes of the user's scope, sorted; list
// queries filter by it. It is nil for a system principal, whose scope is
// every department, and empty (not nil) for a user without one.
func (p *Principal) Scope() []string {
	if p.all {
		return nil
	}
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
	PermRecordInspections: "录入检查结果", PermApproveResults: "审核检查结果",
	PermManageOutbox: "管理信用平台推送", PermManageJobs: "管理定时任务", PermManageRisk: "管理信用风险分类",
	PermViewStats: "查看统计分析",
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

// AuthorizeDrawCtx applies AuthorizeDraw to the principal in ctx; without
// one it returns EUNAUTHORIZED (ActingPrincipal).
func AuthorizeDrawCtx(ctx context.Context, perm Permission, depts []string) error {
	p, err := ActingPrincipal(ctx)
	if err != nil {
		return err
	}
	return p.AuthorizeDraw(perm, depts)
}

type principalKey struct{}

// NewContextWithPrincipal returns a context carrying the authenticated user;
// it also becomes the actor of recorded changes.
func NewContextWithPrincipal(ctx context.Context, p *Principal) context.Context {
	ctx = NewContextWithActor(ctx, Actor{ID: p.Username, Name: p.Name})
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFromContext returns the principal in ctx, or nil when there is
// none. A nil principal is nobody and may do nothing: the rules refuse it
// (ActingPrincipal); the command line, the demo and the background jobs
// carry a System principal.
func PrincipalFromContext(ctx context.Context) *Principal {
	p, _ := ctx.Value(principalKey{}).(*Principal)
	return p
}

// msgNoPrincipal is the refusal of a call that names nobody.
const msgNoPrincipal = "请先登录：该操作未指明操作者，已拒绝"

// ActingPrincipal returns the principal in ctx, or an EUNAUTHORIZED error
// when there is none (deny by default): every entry point of the services
// either asks it, directly or through Authorize and the other *Ctx
// helpers, or establishes a principal itself from a password, a session
// or a token.
func ActingPrincipal(ctx context.Context) (*Principal, error) {
	if p := PrincipalFromContext(ctx); p != nil {
		return p, nil
	}
	return nil, Errorf(EUNAUTHORIZED, msgNoPrincipal)
}

// Authorize applies Principal.Authorize to the principal in ctx; without
// one it returns EUNAUTHORIZED.
func Authorize(ctx context.Context, perm Permission, dept string) error {
	p, err := ActingPrincipal(ctx)
	if err != nil {
		return err
	}
	return p.Authorize(perm, dept)
}

// AuthorizeSystem returns nil when the principal in ctx is a system
// principal: maintenance that no user starts (bringing old draws into a
// new form, rebuilding an index) is the program's own. A user gets
// EFORBIDDEN, a call without a principal EUNAUTHORIZED.
func AuthorizeSystem(ctx context.Context) error {
	p, err := ActingPrincipal(ctx)
	if err != nil {
		return err
	}
	if !p.IsSystem() {
		return Errorf(EFORBIDDEN, "没有权限：仅限系统维护任务")
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
// to, or nil for no limit (a system principal, or WithoutScope). Without a
// principal it returns an empty list, which matches nothing: the list
// methods refuse such a call first (Authorize), and would show nothing if
// they did not.
func ScopeFilter(ctx context.Context) []string {
	p := PrincipalFromContext(ctx)
	switch {
	case p == nil:
		return []string{}
	case ctx.Value(unscopedKey{}) != nil:
		return nil
	}
	return p.Scope()
}

// ItemKeeper returns the department that keeps an item of the
// 抽查事项清单 for p: of the departments that initiate it (发起, from the
// responsibility list), one in p's scope when there is one, else the first;
// "" when nobody initiates it. p may be nil: then the first.
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

// AuthorizeChangeCtx applies AuthorizeChange to the principal in ctx;
// without one it returns EUNAUTHORIZED.
func AuthorizeChangeCtx(ctx context.Context, perm Permission, from, to string) error {
	p, err := ActingPrincipal(ctx)
	if err != nil {
		return err
	}
	return p.AuthorizeChange(perm, from, to)
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

// AuthorizeViewCtx applies AuthorizeView to the principal in ctx; without
// one it returns EUNAUTHORIZED.
func AuthorizeViewCtx(ctx context.Context, perm Permission, dept string, missing error) error {
	p, err := ActingPrincipal(ctx)
	if err != nil {
		return err
	}
	return p.AuthorizeView(perm, dept, missing)
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

// AuthorizeTaskCtx applies AuthorizeTask to the principal in ctx; without
// one it returns EUNAUTHORIZED.
func AuthorizeTaskCtx(ctx context.Context, perm Permission, depts []string, missing error) error {
	p, err := ActingPrincipal(ctx)
	if err != nil {
		return err
	}
	return p.AuthorizeTask(perm, depts, missing)
}
