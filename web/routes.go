package web

import (
	"net/http"
	"slices"

	"spotcheck"
	"spotcheck/web/internal/view"
)

// Access says who may reach a route.
type Access int

const (
	// Public routes serve anyone; their handlers see the public principal.
	Public Access = iota
	// Staff routes need a signed-in session; others are sent to /login.
	Staff
	// API routes need a personal API token (Authorization: Bearer …).
	API
)

// route is one line of the route table.
type route struct {
	pattern string // method and path, as http.ServeMux takes them
	access  Access
	// perm is the permission the route needs: spotcheck.PermPublic for
	// anyone, spotcheck.PermAnySignedIn for any user the access admits;
	// "" is refused to everyone (and fails TestRoutesDeclarePermissions).
	perm   spotcheck.Permission
	handle http.HandlerFunc
	class  class // deadlines and body limit (web/transport.go)
}

// RouteInfo describes a route for tests that walk every route.
type RouteInfo struct {
	Pattern string
	Access  Access
	Perm    spotcheck.Permission
	// Download and Upload say the route's transport class: a file sent
	// for as long as the client reads it, or an import file taken; neither
	// is an ordinary page or API call.
	Download, Upload bool
	// MaxBody is how large the route's request body may be, in bytes.
	MaxBody int64
}

// Routes lists the route table.
func (s *Server) Routes() []RouteInfo {
	var out []RouteInfo
	for _, rt := range s.table {
		out = append(out, RouteInfo{rt.pattern, rt.access, rt.perm, rt.class == download, rt.class == upload,
			s.limits[rt.class].body})
	}
	return out
}

// Short names for the permissions in the route table.
const (
	public     = spotcheck.PermPublic
	signedIn   = spotcheck.PermAnySignedIn
	viewDir    = spotcheck.PermViewDirectory
	editDir    = spotcheck.PermEditDirectory
	viewLists  = spotcheck.PermViewLists
	editLists  = spotcheck.PermEditLists
	viewDepts  = spotcheck.PermViewDepartments
	mngDepts   = spotcheck.PermManageDepartments
	mngUsers   = spotcheck.PermManageUsers
	audit      = spotcheck.PermViewAudit
	viewDraws  = spotcheck.PermViewDraws
	mngDraws   = spotcheck.PermManageDraws
	witness    = spotcheck.PermWitnessDraws
	approve    = spotcheck.PermApproveDraws
	supervise  = spotcheck.PermSuperviseDraws
	recordInsp = spotcheck.PermRecordInspections
	approveRes = spotcheck.PermApproveResults
	mngOutbox  = spotcheck.PermManageOutbox
	mngJobs    = spotcheck.PermManageJobs
	mngRisk    = spotcheck.PermManageRisk
	viewStats  = spotcheck.PermViewStats
)

// routes is the route table of the application: every route with who may
// reach it, the permission it needs, its handler and its transport class.
// The handlers live with their audience: web/portal (the public portal
// and /log), web/staff (the staff workspace), web/api (/api/v1); the guard
// checks each route's access and permission before its handler runs, and
// the store checks the department of every record again.
func (s *Server) routes() []route {
	pt, st, ap := s.portal, s.staff, s.api
	return slices.Concat([]route{
		// The public portal (web/portal).
		{"GET /{$}", Public, public, pt.ShowPortal, interactive},
		{"GET /items", Public, public, pt.ShowPublicItems, interactive},
		{"GET /items/{code}", Public, public, pt.ShowPublicItem, interactive},
		{"GET /plans", Public, public, pt.ShowPublicPlans, interactive},
		{"GET /plans/{key}", Public, public, pt.ShowPublicPlan, interactive},
		{"GET /plans/{key}/plan.json", Public, public, pt.DownloadPlanJSON, download},
		{"GET /plans/{key}/tasks.xlsx", Public, public, pt.DownloadPlanTasks, download},
		// 抽查任务公告: the tasks from their publication on, no entity list.
		{"GET /tasks", Public, public, pt.ShowPublicTasks, interactive},
		{"GET /tasks/{code}", Public, public, pt.ShowPublicTask, interactive},
		// 一细则: the departments' rules and workflows, every version, with
		// the parameters the platform enforces (web/portal/rules.go).
		{"GET /rules", Public, public, pt.ShowPublicRules, interactive},
		{"GET /rules/{dept}", Public, public, pt.ShowPublicRulesDoc, interactive},
		{"GET /rules/{dept}/{version}", Public, public, pt.ShowPublicRulesDoc, interactive},
		// 抽查结果公告 (web/portal/results.go): the search is rate-limited.
		{"GET /results", Public, public, pt.ShowPublicResults, interactive},
		{"GET /results/{task}", Public, public, pt.ShowPublicTaskResults, interactive},
		{"GET /results/{task}/results.xlsx", Public, public, pt.DownloadTaskResults, download},
		// Every plan and its commitments at once, the result after the
		// embargo; the bundle as spec §9 lets the public see it (staff
		// download theirs from the staff route).
		{"GET /draws", Public, public, pt.ShowPublicDraws, interactive},
		{"GET /draws/{id}", Public, public, pt.ShowPublicDraw, interactive},
		{"GET /draws/{id}/bundle.zip", Public, public, pt.DownloadDrawBundle, download},
		// The enterprise's check of a visit, from the notice's QR code
		// (web/portal/visitcheck.go): the unguessable token is the key.
		{"GET /v/{token}", Public, public, pt.ShowVisitCheck, interactive},
		// The enterprise's forms there (web/portal/recusal.go, feedback.go):
		// rate-limited per address and token; cross-origin posts refused.
		{"POST /v/{token}/recusal", Public, public, pt.RequestRecusal, interactive},
		{"POST /v/{token}/appointment", Public, public, pt.ProposeAppointment, interactive},
		{"POST /v/{token}/rating", Public, public, pt.RateVisit, interactive},
		// After publication (web/portal/enterprise.go): the enterprise's
		// page by credit code; its objection and credit repair, with the
		// token, rate-limited like the forms above.
		{"GET /e/{code}", Public, public, pt.ShowEnterprise, interactive},
		{"POST /v/{token}/objection", Public, public, pt.FileObjection, interactive},
		{"POST /v/{token}/repair", Public, public, pt.ApplyRepair, interactive},
		// The inspection pages as an installable app that works offline
		// (web/staff/offline.go): the service worker at the root, so that
		// it may control /staff/, and the web app manifest.
		{"GET /sw.js", Public, public, st.ServeWorker, interactive},
		{"GET /manifest.webmanifest", Public, public, st.ServeManifest, interactive},
		// The log of spec §8.1 (web/portal/log.go).
		{"GET /log/key", Public, public, pt.ShowLogKey, interactive},
		{"GET /log/checkpoint", Public, public, pt.ShowLogCheckpoint, interactive},
		{"GET /log/entries", Public, public, pt.ShowLogEntries, interactive},
		{"GET /log/proof/inclusion", Public, public, pt.ShowInclusionProof, interactive},
		{"GET /log/proof/consistency", Public, public, pt.ShowConsistencyProof, interactive},
		{"GET /log/records/{sha256}", Public, public, pt.ShowLogRecord, interactive},

		// The server itself: health, signing in and out (web/auth.go).
		{"GET /healthz", Public, public, s.health, interactive},
		// For the load balancer and the monitoring (web/ready.go,
		// web/metrics.go): /metrics asks for its own bearer token.
		{"GET /readyz", Public, public, s.ready, interactive},
		{"GET /metrics", Public, public, s.serveMetrics, interactive},
		{"GET /login", Public, public, s.showLogin, interactive},
		{"POST /login", Public, public, s.login, interactive},
		{"POST /logout", Staff, signedIn, s.logout, interactive},
		{"POST /logout/all", Staff, signedIn, s.logoutEverywhere, interactive},
		{"GET /api/v1/openapi.json", Public, public, ap.OpenAPI, interactive},

		// The staff workspace (web/staff).
		{"GET /staff/{$}", Staff, signedIn, st.ShowHome, interactive},
		{"GET /staff/account", Staff, signedIn, st.ShowAccount, interactive},
		{"POST /staff/account/password", Staff, signedIn, st.ChangePassword, interactive},
		{"POST /staff/account/tokens", Staff, spotcheck.PermUseAPI, st.CreateToken, interactive},
		{"POST /staff/account/tokens/{id}/revoke", Staff, signedIn, st.RevokeToken, interactive},
		{"POST /staff/account/tokens/revoke", Staff, signedIn, st.RevokeAllTokens, interactive},

		{"GET /staff/entities", Staff, viewDir, st.ShowEntities, interactive},
		{"GET /staff/entities/new", Staff, editDir, st.ShowEntityForm, interactive},
		{"POST /staff/entities", Staff, editDir, st.SaveEntity, interactive},
		{"GET /staff/entities/{id}", Staff, viewDir, st.ShowEntity, interactive},
		{"GET /staff/entities/{id}/edit", Staff, editDir, st.ShowEntityForm, interactive},
		{"POST /staff/entities/{id}", Staff, editDir, st.SaveEntity, interactive},
		{"POST /staff/entities/{id}/active", Staff, editDir, st.SetEntityActive, interactive},

		// 执法检查人员 and 专家: one directory, two halves, the same handlers.
		{"GET /staff/inspectors", Staff, viewDir, st.ShowInspectors, interactive},
		{"GET /staff/inspectors/new", Staff, editDir, st.ShowInspectorForm, interactive},
		{"POST /staff/inspectors", Staff, editDir, st.SaveInspector, interactive},
		{"GET /staff/inspectors/{id}", Staff, viewDir, st.ShowInspector, interactive},
		{"GET /staff/inspectors/{id}/edit", Staff, editDir, st.ShowInspectorForm, interactive},
		{"POST /staff/inspectors/{id}", Staff, editDir, st.SaveInspector, interactive},
		{"POST /staff/inspectors/{id}/active", Staff, editDir, st.SetInspectorActive, interactive},
		{"GET /staff/experts", Staff, viewDir, st.ShowInspectors, interactive},
		{"GET /staff/experts/new", Staff, editDir, st.ShowInspectorForm, interactive},
		{"POST /staff/experts", Staff, editDir, st.SaveInspector, interactive},
		{"GET /staff/experts/{id}", Staff, viewDir, st.ShowInspector, interactive},
		{"GET /staff/experts/{id}/edit", Staff, editDir, st.ShowInspectorForm, interactive},
		{"POST /staff/experts/{id}", Staff, editDir, st.SaveInspector, interactive},
		{"POST /staff/experts/{id}/active", Staff, editDir, st.SetInspectorActive, interactive},

		{"GET /staff/agencies", Staff, viewDir, st.ShowAgencies, interactive},
		{"GET /staff/agencies/new", Staff, editDir, st.ShowAgencyForm, interactive},
		{"POST /staff/agencies", Staff, editDir, st.SaveAgency, interactive},
		{"GET /staff/agencies/{code}", Staff, viewDir, st.ShowAgency, interactive},
		{"GET /staff/agencies/{code}/edit", Staff, editDir, st.ShowAgencyForm, interactive},
		{"POST /staff/agencies/{code}", Staff, editDir, st.SaveAgency, interactive},
		{"POST /staff/agencies/{code}/active", Staff, editDir, st.SetAgencyActive, interactive},

		{"GET /staff/conflicts", Staff, viewDir, st.ShowConflicts, interactive},
		{"POST /staff/conflicts", Staff, editDir, st.AddConflict, interactive},
		{"POST /staff/conflicts/{staff}/{entity}/{kind}/review", Staff, editDir, st.ReviewConflict, interactive},
		{"POST /staff/conflicts/{staff}/{entity}/{kind}/active", Staff, editDir, st.SetConflictActive, interactive},

		{"GET /staff/items", Staff, viewLists, st.ShowItems, interactive},
		{"GET /staff/items/new", Staff, editLists, st.ShowItemForm, interactive},
		{"POST /staff/items", Staff, editLists, st.SaveItem, interactive},
		{"GET /staff/items/{code}", Staff, viewLists, st.ShowItem, interactive},
		{"GET /staff/items/{code}/edit", Staff, editLists, st.ShowItemForm, interactive},
		{"POST /staff/items/{code}", Staff, editLists, st.SaveItem, interactive},
		{"POST /staff/items/{code}/status", Staff, editLists, st.SetItemStatus, interactive},

		{"GET /staff/responsibilities", Staff, viewLists, st.ShowResponsibilities, interactive},
		{"POST /staff/responsibilities", Staff, editLists, st.AddResponsibility, interactive},
		{"POST /staff/responsibilities/{item}/{dept}/active", Staff, editLists, st.SetResponsibilityActive, interactive},
		// 一细则: the department admin publishes versions (web/staff/rules.go).
		{"GET /staff/rules", Staff, editLists, st.ShowRulesDocs, interactive},
		{"GET /staff/rules/{dept}", Staff, editLists, st.ShowRulesForm, interactive},
		{"POST /staff/rules/{dept}", Staff, editLists, st.PublishRulesDoc, interactive},

		{"GET /staff/departments", Staff, viewDepts, st.ShowDepartments, interactive},
		{"GET /staff/departments/new", Staff, mngDepts, st.ShowDepartmentForm, interactive},
		{"POST /staff/departments", Staff, mngDepts, st.SaveDepartment, interactive},
		{"GET /staff/departments/{code}", Staff, viewDepts, st.ShowDepartment, interactive},
		{"GET /staff/departments/{code}/edit", Staff, mngDepts, st.ShowDepartmentForm, interactive},
		{"POST /staff/departments/{code}", Staff, mngDepts, st.SaveDepartment, interactive},
		{"POST /staff/departments/{code}/active", Staff, mngDepts, st.SetDepartmentActive, interactive},

		{"GET /staff/users", Staff, mngUsers, st.ShowUsers, interactive},
		{"GET /staff/users/new", Staff, mngUsers, st.ShowUserForm, interactive},
		{"POST /staff/users", Staff, mngUsers, st.CreateUser, interactive},
		{"GET /staff/users/{username}", Staff, mngUsers, st.ShowUser, interactive},
		{"GET /staff/users/{username}/edit", Staff, mngUsers, st.ShowUserForm, interactive},
		{"POST /staff/users/{username}", Staff, mngUsers, st.UpdateUser, interactive},
		{"POST /staff/users/{username}/active", Staff, mngUsers, st.SetUserActive, interactive},
		{"POST /staff/users/{username}/password", Staff, mngUsers, st.ResetPassword, interactive},
		{"POST /staff/users/{username}/unlock", Staff, mngUsers, st.UnlockUser, interactive},
		{"GET /staff/security", Staff, mngUsers, st.ShowSecurity, interactive},
		{"POST /staff/security", Staff, mngUsers, st.SaveSecurity, interactive},

		// Inspections: the team's work and the approver's queue
		// (web/staff/inspection*.go). The pages admit the three roles that
		// reach inspections (team members, the department's viewers and
		// approvers), which no one permission covers: the handlers refuse
		// the others; the store decides the team and the department.
		{"GET /staff/inspections", Staff, signedIn, st.ShowInspections, interactive},
		{"GET /staff/inspections/{id}", Staff, signedIn, st.ShowInspection, interactive},
		{"POST /staff/inspections/{id}/save", Staff, recordInsp, st.SaveInspection, interactive},
		{"POST /staff/inspections/{id}/confirm", Staff, recordInsp, st.InspectionStep(spotcheck.InspActConfirm), interactive},
		{"POST /staff/inspections/{id}/submit", Staff, recordInsp, st.InspectionStep(spotcheck.InspActSubmit), interactive},
		{"POST /staff/inspections/{id}/approve", Staff, approveRes, st.InspectionStep(spotcheck.InspActApprove), interactive},
		{"POST /staff/inspections/{id}/return", Staff, approveRes, st.InspectionStep(spotcheck.InspActReturn), interactive},
		{"POST /staff/inspections/{id}/reject", Staff, approveRes, st.InspectionStep(spotcheck.InspActReject), interactive},
		{"POST /staff/inspections/{id}/revise", Staff, recordInsp, st.InspectionStep(spotcheck.InspActRevise), interactive},
		// Publication (web/staff/publish.go): an approved result, a
		// correction with its reason, a task's results at once; timeliness.
		{"POST /staff/inspections/{id}/publish", Staff, approveRes, st.PublishInspection, interactive},
		{"POST /staff/tasks/{code}/publish-results", Staff, approveRes, st.PublishTaskResults, interactive},
		{"GET /staff/publications", Staff, signedIn, st.ShowPublications, interactive},
		{"POST /staff/publications/mode", Staff, approveRes, st.SetPublicationMode, interactive},
		// Evidence (web/staff/evidence.go): the team uploads photos and
		// PDFs (the handler bounds the body by the attachment limits); an
		// attachment is served only through an inspection that cites it.
		{"POST /staff/inspections/{id}/evidence", Staff, recordInsp, st.UploadEvidence, upload},
		{"GET /staff/inspections/{id}/evidence/{sha}", Staff, signedIn, st.ShowEvidence, download},

		// Publication deadlines (web/staff/deadlines.go): the same readers
		// as the inspections; the store decides whose items each sees.
		{"GET /staff/deadlines", Staff, signedIn, st.ShowDeadlines, interactive},
		// Objections and credit repairs (web/staff/appeals.go): the store
		// shows approvers and supervisors theirs; approvers decide.
		{"GET /staff/appeals", Staff, signedIn, st.ShowAppeals, interactive},
		{"POST /staff/objections/{id}/decide", Staff, approveRes, st.DecideObjection, interactive},
		{"POST /staff/repairs/{id}/decide", Staff, approveRes, st.DecideRepair, interactive},

		// The 检查通知书 (web/staff/notice.go): those who see the inspection
		// open it (the handler refuses the others, as above); only a team
		// member records its delivery (the store decides).
		{"GET /staff/inspections/{id}/notice", Staff, signedIn, st.ShowNotice, interactive},
		{"POST /staff/inspections/{id}/notice/deliver", Staff, recordInsp, st.DeliverNotice, interactive},
		// The 现场检查笔录 (web/staff/record.go) for those who see the
		// inspection; the representative signs (or refuses) on a team
		// member's phone (web/staff/signature.go). The 联合总表 of a joint
		// visit is for its departments and its team: the store decides.
		{"GET /staff/inspections/{id}/record", Staff, signedIn, st.ShowRecord, interactive},
		{"POST /staff/inspections/{id}/signature", Staff, recordInsp, st.SignRecord, interactive},
		{"POST /staff/inspections/{id}/signature/refuse", Staff, recordInsp, st.RefuseSignature, interactive},
		{"GET /staff/visits/{id}/record", Staff, signedIn, st.ShowVisitRecord, interactive},
		{"GET /staff/visits/{id}/record/signatures/{sha}", Staff, signedIn, st.ShowVisitSignature, download},

		// Follow-ups of approved results (web/staff/followup.go): those who
		// reach inspections read them, the team, the task runners and the
		// approvers handle them — no one permission covers either, so the
		// handlers refuse the others; the store decides the department.
		{"GET /staff/followups", Staff, signedIn, st.ShowFollowUps, interactive},
		{"GET /staff/followups/{id}", Staff, signedIn, st.ShowFollowUp, interactive},
		{"POST /staff/followups/{id}/record", Staff, signedIn, st.RecordFollowUp, interactive},
		{"POST /staff/followups/{id}/close", Staff, signedIn, st.CloseFollowUp, interactive},

		// What the enterprise said (web/staff/recusal.go): department admins
		// review recusal requests; the team answers proposed visit times (the
		// store decides who is on it); supervisors read ratings and complaints.
		{"GET /staff/recusals", Staff, editDir, st.ShowRecusals, interactive},
		{"POST /staff/recusals/{id}/review", Staff, editDir, st.ReviewRecusal, interactive},
		{"POST /staff/appointments/{id}/answer", Staff, recordInsp, st.AnswerAppointment, interactive},
		{"GET /staff/feedback", Staff, supervise, st.ShowFeedback, interactive},

		// Joint visits, the annual cap and the repeat alerts (web/staff/visit.go, cap.go).
		{"GET /staff/visits", Staff, viewDraws, st.ShowVisits, interactive},
		{"POST /staff/visits/propose", Staff, mngDraws, st.ProposeVisits, interactive},
		{"GET /staff/visits/{id}", Staff, viewDraws, st.ShowVisit, interactive},
		{"POST /staff/visits/{id}/accept", Staff, mngDraws, st.AcceptVisit, interactive},
		{"POST /staff/visits/{id}/decline", Staff, mngDraws, st.DeclineVisit, interactive},
		{"GET /staff/caps", Staff, mngDepts, st.ShowCaps, interactive},
		{"POST /staff/caps", Staff, mngDepts, st.SaveCaps, interactive},
		{"GET /staff/alerts", Staff, supervise, st.ShowAlerts, interactive},
		// The statistics dashboard (web/staff/stats.go): its tables, charts
		// and each table as .xlsx; the store bounds the departments.
		{"GET /staff/stats", Staff, viewStats, st.ShowStats, interactive},
		{"GET /staff/stats/{file}", Staff, viewStats, st.DownloadStats, download},

		// The working-day calendar's overrides (web/staff/calendar.go).
		{"GET /staff/calendar", Staff, mngDepts, st.ShowCalendar, interactive},
		{"POST /staff/calendar", Staff, mngDepts, st.AddCalendarOverride, interactive},
		// A year is some forty lines: an ordinary form, not an upload.
		{"POST /staff/calendar/import", Staff, mngDepts, st.ImportCalendar, interactive},
		{"POST /staff/calendar/window", Staff, mngDepts, st.SetDrawWindow, interactive},

		// The credit push's outbox (web/staff/outbox.go): the system admin.
		{"GET /staff/outbox", Staff, mngOutbox, st.ShowOutbox, interactive},
		{"POST /staff/outbox/retry", Staff, mngOutbox, st.RetryOutbox, interactive},
		{"GET /staff/outbox/export/{file}", Staff, mngOutbox, st.ExportOutbox, download},
		// The risk model and its reclassification runs (web/staff/risk.go):
		// the department admins; the store checks the run's department
		// and, for loading a model, the city level. A model file is small
		// (riskfile.MaxFileSize): an ordinary form, not an upload.
		{"GET /staff/risk", Staff, mngRisk, st.ShowRisk, interactive},
		{"POST /staff/risk/models", Staff, mngRisk, st.LoadRiskModel, interactive},
		{"POST /staff/risk/runs", Staff, mngRisk, st.PreviewReclassification, interactive},
		{"GET /staff/risk/runs/{id}", Staff, mngRisk, st.ShowRiskRun, interactive},
		{"POST /staff/risk/runs/{id}/apply", Staff, mngRisk, st.ApplyReclassification, interactive},
		// Manual overrides of an entity's class (web/staff/risk_override.go).
		{"POST /staff/entities/{id}/risk-override", Staff, mngRisk, st.SaveRiskOverride, interactive},
		{"POST /staff/entities/{id}/risk-override/revoke", Staff, mngRisk, st.RevokeRiskOverride, interactive},
		// The scheduled jobs and their runs (web/staff/jobs.go): the system admin.
		{"GET /staff/jobs", Staff, mngJobs, st.ShowJobs, interactive},
		{"POST /staff/jobs/{name}/run", Staff, mngJobs, st.RunJobNow, interactive},

		{"GET /staff/audit", Staff, audit, st.ShowAudit, interactive},
		// Any signed-in user: the store admits the auditors and the
		// security admin (who handles lockouts) and refuses the others.
		{"GET /staff/audit/logins", Staff, signedIn, st.ShowLoginAttempts, interactive},

		// Any signed-in user: the handlers check the permissions of the
		// kind the path names (view to export, edit to import).
		{"GET /staff/transfer/{kind}", Staff, signedIn, st.ShowTransfer, interactive},
		{"POST /staff/transfer/{kind}", Staff, signedIn, st.ImportFile, upload},
		{"GET /staff/transfer/{kind}/template/{file}", Staff, signedIn, st.DownloadTemplate, download},
		{"GET /staff/transfer/{kind}/export/{file}", Staff, signedIn, st.ExportFile, download},

		// Tasks and draws (design §5, spec/draw-v1.md). Who does what
		// (design §1): planners (draws.manage) create tasks, plan and run
		// draws and request changes; supervisors (draws.witness) commit and
		// reveal as themselves, approve changes, see every draw and lift the
		// embargo (draws.supervise); approvers (draws.approve) decide
		// changes. The handlers refuse a draw page to staff outside its
		// departments.
		{"GET /staff/tasks", Staff, viewDraws, st.ShowTasks, interactive},
		{"GET /staff/tasks/new", Staff, mngDraws, st.ShowTaskForm, interactive},
		{"POST /staff/tasks", Staff, mngDraws, st.SaveTask, interactive},
		{"GET /staff/tasks/{code}", Staff, viewDraws, st.ShowTask, interactive},
		// The task's workflow (spotcheck.TaskMachine): a draft is edited in
		// place; each step is one POST, publicizing the approvers'.
		{"GET /staff/tasks/{code}/edit", Staff, mngDraws, st.ShowTaskEditForm, interactive},
		{"POST /staff/tasks/{code}", Staff, mngDraws, st.SaveTask, interactive},
		{"POST /staff/tasks/{code}/publish", Staff, mngDraws, st.TaskStep(spotcheck.TaskActPublish), interactive},
		{"POST /staff/tasks/{code}/cancel", Staff, mngDraws, st.TaskStep(spotcheck.TaskActCancel), interactive},
		{"POST /staff/tasks/{code}/start", Staff, mngDraws, st.TaskStep(spotcheck.TaskActStart), interactive},
		{"POST /staff/tasks/{code}/submit", Staff, mngDraws, st.TaskStep(spotcheck.TaskActSubmit), interactive},
		{"POST /staff/tasks/{code}/publicize", Staff, approve, st.TaskStep(spotcheck.TaskActPublicize), interactive},
		{"POST /staff/tasks/{code}/follow-up", Staff, mngDraws, st.TaskStep(spotcheck.TaskActFollowUp), interactive},
		{"POST /staff/tasks/{code}/close", Staff, mngDraws, st.TaskStep(spotcheck.TaskActClose), interactive},
		{"GET /staff/tasks/{code}/draws/new", Staff, mngDraws, st.ShowDrawForm, interactive},
		{"POST /staff/tasks/{code}/draws", Staff, mngDraws, st.PlanDraw, interactive},

		// Annual plans (web/staff/plan.go): planners draft, import tasks,
		// check, publish and revise; whoever views tasks reads the plans of
		// their departments and those filed with them.
		{"GET /staff/plans", Staff, viewDraws, st.ShowPlans, interactive},
		{"GET /staff/plans/new", Staff, mngDraws, st.ShowPlanForm, interactive},
		{"GET /staff/plans/template.xlsx", Staff, viewDraws, st.DownloadPlanTemplate, download},
		{"POST /staff/plans", Staff, mngDraws, st.SavePlan, interactive},
		{"GET /staff/plans/{key}", Staff, viewDraws, st.ShowPlan, interactive},
		{"GET /staff/plans/{key}/edit", Staff, mngDraws, st.ShowPlanForm, interactive},
		{"POST /staff/plans/{key}", Staff, mngDraws, st.SavePlan, interactive},
		{"POST /staff/plans/{key}/check", Staff, mngDraws, st.CheckPlanForm, interactive},
		{"POST /staff/plans/{key}/publish", Staff, mngDraws, st.PublishPlan, interactive},
		{"POST /staff/plans/{key}/revise", Staff, mngDraws, st.RevisePlan, interactive},
		// A plan's task sheet is a few hundred rows: an ordinary form.
		{"POST /staff/plans/{key}/tasks", Staff, mngDraws, st.ImportPlanTasks, interactive},
		{"GET /staff/plans/{key}/tasks/{file}", Staff, viewDraws, st.DownloadPlanTasks, download},

		{"GET /staff/draws", Staff, viewDraws, st.ShowDraws, interactive},
		{"GET /staff/draws/{id}", Staff, viewDraws, st.ShowDraw, interactive},
		{"GET /staff/draws/{id}/bundle.zip", Staff, viewDraws, st.DownloadDrawBundle, download},
		{"POST /staff/draws/{id}/commit", Staff, witness, st.CommitDraw, interactive},
		{"POST /staff/draws/{id}/reveal", Staff, witness, st.RevealDraw, interactive},
		{"POST /staff/draws/{id}/withhold", Staff, mngDraws, st.WithholdReveal, interactive},
		{"POST /staff/draws/{id}/run", Staff, mngDraws, st.RunDraw, interactive},
		{"POST /staff/draws/{id}/changes", Staff, mngDraws, st.RequestDrawChange, interactive},
		{"POST /staff/draws/{id}/changes/{change}/decide", Staff, approve, st.DecideDrawChange, interactive},
		{"POST /staff/draws/{id}/embargo", Staff, supervise, st.LiftEmbargo, interactive},
	}, apiRoutes([]route{
		// The JSON API (web/api), under the permissions of the pages; every
		// token needs api.use besides (the guard). The OpenAPI document
		// describes each route (web/api/docs.go).
		{"GET /api/v1/me", API, signedIn, ap.Me, interactive},

		{"GET /api/v1/entities", API, viewDir, ap.ListEntities, interactive},
		{"GET /api/v1/entities/{id}", API, viewDir, ap.GetEntity, interactive},
		{"POST /api/v1/entities", API, editDir, ap.CreateEntity, interactive},
		{"PUT /api/v1/entities/{id}", API, editDir, ap.UpdateEntity, interactive},

		{"GET /api/v1/inspectors", API, viewDir, ap.ListInspectors, interactive},
		{"GET /api/v1/inspectors/{staff_id}", API, viewDir, ap.GetInspector, interactive},
		{"POST /api/v1/inspectors", API, editDir, ap.CreateInspector, interactive},
		{"PUT /api/v1/inspectors/{staff_id}", API, editDir, ap.UpdateInspector, interactive},

		{"GET /api/v1/agencies", API, viewDir, ap.ListAgencies, interactive},
		{"GET /api/v1/agencies/{code}", API, viewDir, ap.GetAgency, interactive},
		{"POST /api/v1/agencies", API, editDir, ap.CreateAgency, interactive},
		{"PUT /api/v1/agencies/{code}", API, editDir, ap.UpdateAgency, interactive},

		{"GET /api/v1/conflicts", API, viewDir, ap.ListConflicts, interactive},
		{"GET /api/v1/conflicts/{staff_id}/{entity_id}/{kind}", API, viewDir, ap.GetConflict, interactive},
		{"POST /api/v1/conflicts", API, editDir, ap.CreateConflict, interactive},
		{"PUT /api/v1/conflicts/{staff_id}/{entity_id}/{kind}", API, editDir, ap.UpdateConflict, interactive},

		{"GET /api/v1/items", API, viewLists, ap.ListItems, interactive},
		{"GET /api/v1/items/{code}", API, viewLists, ap.GetItem, interactive},
		{"GET /api/v1/items/{code}/versions", API, viewLists, ap.ListItemVersions, interactive},
		{"POST /api/v1/items", API, editLists, ap.CreateItem, interactive},
		{"PUT /api/v1/items/{code}", API, editLists, ap.UpdateItem, interactive},

		{"GET /api/v1/responsibilities", API, viewLists, ap.ListResponsibilities, interactive},
		{"GET /api/v1/responsibilities/{item}/{dept}", API, viewLists, ap.GetResponsibility, interactive},
		{"POST /api/v1/responsibilities", API, editLists, ap.CreateResponsibility, interactive},
		{"PUT /api/v1/responsibilities/{item}/{dept}", API, editLists, ap.UpdateResponsibility, interactive},

		{"GET /api/v1/departments", API, viewDepts, ap.ListDepartments, interactive},
		{"GET /api/v1/departments/{code}", API, viewDepts, ap.GetDepartment, interactive},
		{"POST /api/v1/departments", API, mngDepts, ap.CreateDepartment, interactive},
		{"PUT /api/v1/departments/{code}", API, mngDepts, ap.UpdateDepartment, interactive},

		{"GET /api/v1/changes", API, audit, ap.ListChanges, interactive},

		{"GET /api/v1/plans", API, viewDraws, ap.ListPlans, interactive},
		{"GET /api/v1/plans/{key}", API, viewDraws, ap.GetPlan, interactive},
		{"GET /api/v1/plans/{key}/check", API, viewDraws, ap.CheckPlan, interactive},

		{"GET /api/v1/tasks", API, viewDraws, ap.ListTasks, interactive},
		{"GET /api/v1/tasks/{code}", API, viewDraws, ap.GetTask, interactive},
		{"POST /api/v1/tasks", API, mngDraws, ap.CreateTask, interactive},
		{"PUT /api/v1/tasks/{code}", API, mngDraws, ap.UpdateTask, interactive},
		{"POST /api/v1/tasks/{code}/publish", API, mngDraws, ap.TaskStep(spotcheck.TaskActPublish), interactive},
		{"POST /api/v1/tasks/{code}/cancel", API, mngDraws, ap.TaskStep(spotcheck.TaskActCancel), interactive},
		{"POST /api/v1/tasks/{code}/start", API, mngDraws, ap.TaskStep(spotcheck.TaskActStart), interactive},
		{"POST /api/v1/tasks/{code}/submit", API, mngDraws, ap.TaskStep(spotcheck.TaskActSubmit), interactive},
		{"POST /api/v1/tasks/{code}/publicize", API, approve, ap.TaskStep(spotcheck.TaskActPublicize), interactive},
		{"POST /api/v1/tasks/{code}/follow-up", API, mngDraws, ap.TaskStep(spotcheck.TaskActFollowUp), interactive},
		{"POST /api/v1/tasks/{code}/close", API, mngDraws, ap.TaskStep(spotcheck.TaskActClose), interactive},
		{"POST /api/v1/tasks/{task}/draws", API, mngDraws, ap.PlanDraw, interactive},

		{"GET /api/v1/visits", API, viewDraws, ap.ListVisits, interactive},
		{"GET /api/v1/visits/{id}", API, viewDraws, ap.GetVisit, interactive},
		{"POST /api/v1/visits/{id}/accept", API, mngDraws, ap.AcceptVisit, interactive},
		{"POST /api/v1/visits/{id}/decline", API, mngDraws, ap.DeclineVisit, interactive},
		{"GET /api/v1/draws", API, viewDraws, ap.ListDraws, interactive},
		{"GET /api/v1/draws/{id}", API, viewDraws, ap.GetDraw, interactive},
		{"GET /api/v1/draws/{id}/picks", API, viewDraws, ap.ListDrawPicks, interactive},
		{"GET /api/v1/draws/{id}/changes", API, viewDraws, ap.ListDrawChanges, interactive},
		{"POST /api/v1/draws/{id}/commit", API, witness, ap.CommitDraw, interactive},
		{"POST /api/v1/draws/{id}/reveal", API, witness, ap.RevealDraw, interactive},
		{"POST /api/v1/draws/{id}/withhold", API, mngDraws, ap.WithholdReveal, interactive},
		{"POST /api/v1/draws/{id}/run", API, mngDraws, ap.RunDraw, interactive},
		{"POST /api/v1/draws/{id}/changes", API, mngDraws, ap.RequestDrawChange, interactive},
		{"POST /api/v1/draws/{draw_id}/changes/{id}/decide", API, approve, ap.DecideDrawChange, interactive},
		{"POST /api/v1/draws/{id}/embargo", API, supervise, ap.LiftEmbargo, interactive},
	}, ap.Strict))
}

// apiRoutes wraps each API route's handler in strict, which refuses the
// query parameters the route does not take.
func apiRoutes(rts []route, strict func(pattern string, next http.HandlerFunc) http.HandlerFunc) []route {
	for i := range rts {
		rts[i].handle = strict(rts[i].pattern, rts[i].handle)
	}
	return rts
}

// notFoundAsPage serves the mux, but answers requests that match no route
// (404) or no method of a route (405) with the application's own page or
// JSON error instead of the mux's plain text.
func (s *Server) notFoundAsPage(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, pattern := mux.Handler(r); pattern != "" {
			mux.ServeHTTP(w, r)
			return
		}
		rec := &muxRecorder{header: http.Header{}}
		mux.ServeHTTP(rec, r)
		if allow := rec.header.Get("Allow"); allow != "" {
			w.Header().Set("Allow", allow)
		}
		var err error = spotcheck.Errorf(spotcheck.ENOTFOUND, "页面不存在")
		if rec.status == http.StatusMethodNotAllowed {
			err = &view.StatusError{Status: http.StatusMethodNotAllowed, Code: "method_not_allowed", Msg: "不支持该请求方法"}
		}
		s.views.Fail(w, r, err)
	})
}

// muxRecorder keeps the status and headers of the mux's own 404 and 405
// answers and drops their plain-text body.
type muxRecorder struct {
	header http.Header
	status int
}

func (m *muxRecorder) Header() http.Header         { return m.header }
func (m *muxRecorder) WriteHeader(code int)        { m.status = code }
func (m *muxRecorder) Write(b []byte) (int, error) { return len(b), nil }
