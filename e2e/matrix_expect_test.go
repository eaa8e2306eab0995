package e2e

import (
	"slices"
	"strings"

	"spotcheck"
)

// This file is the expected half of the permission matrix: which roles may
// reach which pages, written from design §1 (who does what) and §4 (a
// bureau sees its subtree), not from the route table's Perm column or from
// access.go, so that a wrong permission in either is caught.

// group is a set of roles that may reach a group of pages.
type group []string

func roles(rs ...string) group { return rs }

// has reports whether one of rs is in g.
func (g group) has(rs []string) bool {
	for _, r := range rs {
		if slices.Contains(g, r) {
			return true
		}
	}
	return false
}

var allRoles = roles(spotcheck.RoleSystemAdmin, spotcheck.RoleSecurityAdmin, spotcheck.RoleAuditAdmin,
	spotcheck.RoleDeptAdmin, spotcheck.RolePlanner, spotcheck.RoleSupervisor, spotcheck.RoleInspector,
	spotcheck.RoleApprover, spotcheck.RoleAgency)

// The groups of pages and who may use them (design §1).
var (
	// Any signed-in user: the home page, the own account, signing out.
	signedIn = allRoles
	// The 两库 (entities, inspectors, experts, agencies, conflicts): read by
	// those who plan, draw, inspect, approve and supervise; kept by the
	// department admins only.
	dirView = roles(spotcheck.RoleDeptAdmin, spotcheck.RolePlanner, spotcheck.RoleSupervisor,
		spotcheck.RoleInspector, spotcheck.RoleApprover)
	dirEdit = roles(spotcheck.RoleDeptAdmin)
	// The 两单 (items, responsibilities): the directory readers and the
	// agencies, who assist tasks on these items; kept by department admins.
	listView = roles(spotcheck.RoleDeptAdmin, spotcheck.RolePlanner, spotcheck.RoleSupervisor,
		spotcheck.RoleInspector, spotcheck.RoleApprover, spotcheck.RoleAgency)
	listEdit = roles(spotcheck.RoleDeptAdmin)
	// The department tree is public (the portal names the departments
	// behind each item), so every signed-in user may read it; only the
	// system admin manages it.
	deptView   = allRoles
	deptManage = roles(spotcheck.RoleSystemAdmin)
	// Accounts: the security admin only (三员分立).
	userManage = roles(spotcheck.RoleSecurityAdmin)
	// The audit trail: the audit admin and the supervisors, never the
	// system or security admins, whose own acts are in it.
	auditView = roles(spotcheck.RoleAuditAdmin, spotcheck.RoleSupervisor)
	// Sign-in attempts: the security admin (lockouts) and the auditors.
	loginView = roles(spotcheck.RoleSecurityAdmin, spotcheck.RoleAuditAdmin, spotcheck.RoleSupervisor)
	// Personal API tokens: the roles that run scripts against the
	// directories and the draws — department admins and planners, and the
	// officials who commit, reveal, approve and audit from their own
	// tools (supervisors, approvers).
	apiUse = roles(spotcheck.RoleSystemAdmin, spotcheck.RoleDeptAdmin, spotcheck.RolePlanner, spotcheck.RoleSupervisor, spotcheck.RoleApprover)
	// Tasks and draws (design §1, §5): the planner keeps the tasks and
	// plans, runs and asks to change draws; the supervisor takes part in
	// the commit–reveal, sees every draw and lifts the embargo; the
	// approver decides substitutions, as the supervisor, who reviews
	// overrides, may. All three read the tasks and draws of their
	// departments; the public reads the portal's draw pages.
	drawView    = roles(spotcheck.RolePlanner, spotcheck.RoleSupervisor, spotcheck.RoleApprover)
	drawPlan    = roles(spotcheck.RolePlanner)
	drawWitness = roles(spotcheck.RoleSupervisor)
	drawDecide  = roles(spotcheck.RoleApprover, spotcheck.RoleSupervisor)
	drawLift    = roles(spotcheck.RoleSupervisor)
	// Inspections (issue 11): the inspectors record those of their teams;
	// the department's viewers of tasks read them; the approvers review
	// them (never their own team's: store tests).
	inspView    = roles(spotcheck.RoleInspector, spotcheck.RolePlanner, spotcheck.RoleSupervisor, spotcheck.RoleApprover)
	inspRecord  = roles(spotcheck.RoleInspector)
	inspApprove = roles(spotcheck.RoleApprover)
	// Follow-ups of approved results: read as inspections are; handled by
	// the team, the task runners (who move the task to 后续处置 and 办结)
	// and the approvers — not by the supervisors, who watch.
	followHandle = roles(spotcheck.RoleInspector, spotcheck.RolePlanner, spotcheck.RoleApprover)
)

// drawSteps are the steps of a draw (the last segment of a POST below
// draws/{id}) that others than the planner take; the other steps
// (withhold, run, changes) are the planner's, the draws' edit group.
var drawSteps = map[string]group{"commit": drawWitness, "reveal": drawWitness, "decide": drawDecide,
	"embargo": drawLift}

// taskSteps are the steps of a task (POST below tasks/{code}) that others
// than the planner take: the approvers publicize the reviewed results.
var taskSteps = map[string]group{"publicize": drawDecide}

// inspectionSteps are the approver's steps of an inspection; the others
// (save, confirm, submit, and uploading evidence) are the team's, the
// inspections' edit group. Reading an inspection's evidence is its view
// group's, within the department's scope.
var inspectionSteps = map[string]group{"approve": inspApprove, "return": inspApprove, "reject": inspApprove}

// drawStep returns who takes a draw's or a task's step, when the route is
// one of drawSteps or taskSteps.
func drawStep(r resource, method, tail string) (group, bool) {
	steps := map[string]map[string]group{"draws": drawSteps, "tasks": taskSteps, "inspections": inspectionSteps}[r.name]
	if steps == nil || method != "POST" {
		return nil, false
	}
	g, ok := steps[tail[strings.LastIndexByte(tail, '/')+1:]]
	return g, ok
}

// resource is a kind of record with its pages under /staff/<name> and its
// API under /api/v1/<name>.
type resource struct {
	name       string
	view, edit group
	// scoped: the records belong to a department, so a record's own pages
	// are only for users whose department's subtree holds it (design §4).
	scoped bool
	// editScoped: only changing a record is bounded by the scope; reading
	// it is not (the 两单 are published, but a department admin keeps only
	// the responsibilities of its own subtree and the items its subtree
	// initiates, design §1).
	editScoped bool
	// keptBy: the records belong to no department and only the users of
	// this one change them (the 专业机构, kept city-wide by the city bureau).
	keptBy string
	// createdBy: only the users of this department create records (an
	// item is the city bureau's until a department initiates it).
	createdBy string
}

// resources are the kinds of records. The import kinds double as the
// {kind} of /staff/transfer/{kind}.
var resources = []resource{
	{spotcheck.KindEntities, dirView, dirEdit, true, true, "", ""},
	{spotcheck.KindInspectors, dirView, dirEdit, true, true, "", ""},
	{spotcheck.KindExperts, dirView, dirEdit, true, true, "", ""},
	{spotcheck.KindAgencies, dirView, dirEdit, false, false, cityBureau, ""},
	{spotcheck.KindConflicts, dirView, dirEdit, true, true, "", ""},
	// Complaints and penalties (inputs of the risk model): only imported
	// and exported, kept with the entity they concern.
	{spotcheck.KindComplaints, dirView, dirEdit, true, true, "", ""},
	{spotcheck.KindPenalties, dirView, dirEdit, true, true, "", ""},
	// Kept by the department that initiates (发起) it.
	{spotcheck.KindItems, listView, listEdit, false, true, "", cityBureau},
	{spotcheck.KindResponsibilities, listView, listEdit, false, true, "", ""},
	{spotcheck.KindDepartments, deptView, deptManage, false, false, "", ""},
	{"users", userManage, userManage, false, false, "", ""},
	// The security policy (password rules, idle timeout): the security
	// admin's, like the accounts.
	{"security", userManage, userManage, false, false, "", ""},
	// The working-day calendar's overrides: the system admin's, who keeps
	// the installation's reference data (design §7).
	{"calendar", deptManage, deptManage, false, false, "", ""},
	{"audit", auditView, auditView, false, false, "", ""},
	{"changes", auditView, auditView, false, false, "", ""},
	{"audit/logins", loginView, loginView, false, false, "", ""},
	{"logins", loginView, loginView, false, false, "", ""},
	// A task and its draws belong to the task's departments.
	// An annual plan belongs to its department; a draft is seen within
	// the department's scope only (the portal shows published ones).
	{"plans", drawView, drawPlan, true, true, "", ""},
	{"tasks", drawView, drawPlan, true, true, "", ""},
	{"draws", drawView, drawPlan, true, true, "", ""},
	// A joint visit belongs to its tasks' departments; the lead's planner
	// decides it (the store refuses a partner's planner).
	{"visits", drawView, drawPlan, true, true, "", ""},
	// An inspection belongs to its task's department: its team records
	// it, the department's staff read it and its approvers decide it.
	{"inspections", inspView, inspRecord, true, true, "", ""},
	// A follow-up belongs to its inspection's department (and to the one
	// made responsible for it).
	{"followups", inspView, followHandle, true, true, "", ""},
	// The annual cap is the system admin's setting, like the calendar; the
	// repeated-inspection alerts are for the supervisors.
	{"caps", deptManage, deptManage, false, false, "", ""},
	{"alerts", drawLift, drawLift, false, false, "", ""},
	// What the enterprise says from its notice's page (issue 11, item 6):
	// its recusal requests are reviewed by the department admins who keep
	// the entity's conflicts; a proposed visit time is answered by the
	// team (the store decides who is on it, as for the inspection); the
	// ratings and complaints are the supervisors'.
	{"recusals", dirEdit, dirEdit, true, true, "", ""},
	{"appointments", inspRecord, inspRecord, true, true, "", ""},
	{"feedback", drawLift, drawLift, false, false, "", ""},
}

// findResource returns the resource of a path below /staff/ or /api/v1/
// ("entities/{id}/edit"): the longest resource name that is a prefix of
// whole segments, and what follows it.
func findResource(rest string) (r resource, tail string, ok bool) {
	for _, c := range resources {
		if t, found := strings.CutPrefix(rest, c.name); found && (t == "" || t[0] == '/') && len(c.name) > len(r.name) {
			r, tail, ok = c, t, true
		}
	}
	return r, tail, ok
}

// publicPaths are the portal and the pages everyone needs (signing in,
// health, the API description); a path matches one of them or a path
// below it.
var publicPaths = []string{"/", "/items", "/plans", "/tasks", "/results", "/verify", "/draws", "/checkpoint",
	"/proofs", "/healthz", "/readyz", "/login", "/api/v1/openapi.json", "/assets",
	// The log of spec §8.1: anyone may check it.
	"/log",
	// The enterprise's check of a visit, by the notice's token (issue 11).
	"/v",
	// The offline app's service worker and manifest (issue 11, item 7).
	"/sw.js", "/manifest.webmanifest"}

// sessionEnding are routes that end the session they are sent with (or
// all of the user's sessions); the matrix sends them last, each with a
// session of its own.
var sessionEnding = []string{"/logout", "/logout/all"}

// tokenRevoking are routes that revoke all of the user's API tokens; the
// matrix sends them last too, since its API requests use those tokens.
// (Signing out everywhere revokes them as well.)
var tokenRevoking = []string{"/staff/account/tokens/revoke"}

// access is what the matrix expects of one route.
type access struct {
	public bool  // anyone, visitors included
	api    bool  // /api/v1: a token, of a user in apiUse
	roles  group // the roles that may use it (besides public)
	scoped bool  // the route names a record of a department
	// hidden: the route names a record that users outside its
	// department's scope may not even see; they are answered as if it
	// did not exist (404), not refused (403).
	hidden bool
	keeper string // only users of this department may use the route (resource.keptBy, createdBy)
	// absent: the route has its own bearer token, outside sessions and
	// roles (/metrics, issue 13); without one configured it answers 404
	// to everyone.
	absent bool
	reason string // why, for messages
}

// expect says who may use the route with method and path pattern (as in
// the route table, path parameters unfilled), and for a {kind} route of
// which kind. ok is false when the route belongs to no known group.
func expect(method, path, kind string) (access, bool) {
	edit := method != "GET" && method != "HEAD" || strings.HasSuffix(path, "/new") || strings.HasSuffix(path, "/edit")
	pick := func(r resource, rec bool) access {
		a := access{roles: r.view, scoped: r.scoped && rec, hidden: r.scoped && rec, reason: r.name + " view"}
		if edit {
			a.roles, a.scoped, a.reason = r.edit, r.editScoped && rec, r.name+" edit"
			if a.keeper = r.keptBy; !rec && r.createdBy != "" {
				a.keeper = r.createdBy
			}
		}
		return a
	}
	under := func(p, prefix string) (rest string, ok bool) {
		if p == prefix {
			return "", true
		}
		rest, ok = strings.CutPrefix(p, prefix+"/")
		return rest, ok
	}
	if path == "/metrics" {
		return access{absent: true, reason: "its own token"}, true
	}
	for _, p := range publicPaths {
		if path == p || path == p+"{$}" || p != "/" && strings.HasPrefix(path, p+"/") {
			return access{public: true, reason: "public"}, true
		}
	}
	if path == "/{$}" {
		return access{public: true, reason: "public"}, true
	}
	for _, p := range sessionEnding {
		if path == p {
			return access{roles: signedIn, reason: "signed in"}, true
		}
	}
	if rest, ok := under(path, "/staff/transfer"); ok {
		// {kind}: export and templates are for the kind's readers, import
		// for its keepers.
		r, tail, ok := findResource(kind)
		if !strings.HasPrefix(rest, "{kind}") || !ok || tail != "" {
			return access{}, false
		}
		// An import is refused row by row (the store's keeper check), which
		// the matrix's empty form does not reach.
		a := pick(r, false)
		a.keeper = ""
		a.reason = "transfer of " + kind + ": " + a.reason
		return a, true
	}
	if method == "POST" && path == "/staff/account/tokens" {
		return access{roles: apiUse, reason: "API tokens"}, true
	}
	if path == "/staff/{$}" || path == "/staff/" {
		return access{roles: signedIn, reason: "signed in"}, true
	}
	if _, ok := under(path, "/staff/account"); ok {
		return access{roles: signedIn, reason: "own account"}, true
	}
	if rest, ok := under(path, "/api/v1"); ok {
		if rest == "me" {
			return access{api: true, roles: apiUse, reason: "API"}, true
		}
		r, tail, ok := findResource(rest)
		if !ok {
			return access{}, false
		}
		a := pick(r, strings.Contains(tail, "{"))
		if g, ok := drawStep(r, method, tail); ok {
			a.roles, a.reason = g, "draw step "+tail
		}
		a.api, a.reason = true, "API "+a.reason
		return a, true
	}
	if rest, ok := under(path, "/staff"); ok {
		r, tail, ok := findResource(rest)
		if !ok {
			return access{}, false
		}
		a := pick(r, strings.Contains(tail, "{"))
		if g, ok := drawStep(r, method, tail); ok {
			a.roles, a.reason = g, "draw step "+tail
		}
		if g, ok := recordReaders[method+" "+path]; ok {
			a.roles, a.reason = g, "record readers"
		}
		return a, true
	}
	return access{}, false
}

// partners are the partner departments of the demo: roots of their own,
// outside the culture & tourism tree.
var partners = []string{"FZXF", "FZGA", "FZSJ"}

// covers reports whether a user of department userDept may see records of
// recDept: its own department, and for the city bureau every department
// of its tree (design §4), which holds all but the partners.
func covers(userDept, recDept string) bool {
	return recDept == "" || userDept == recDept || userDept == cityBureau && !slices.Contains(partners, recDept)
}
