package view

import "spotcheck"

// Services are the domain's services that the web layer uses, one per
// aggregate (spotcheck's doc.go); web.Config takes them as web.Services and
// each audience's handler keeps the ones it was given. A nil service is
// one the server was built without: a test of the portal, say.
type Services struct {
	Accounts         spotcheck.AccountService
	Entities         spotcheck.EntityService
	Inspectors       spotcheck.InspectorService
	Agencies         spotcheck.AgencyService
	Items            spotcheck.ItemService
	Responsibilities spotcheck.ResponsibilityService
	Departments      spotcheck.DepartmentService
	Conflicts        spotcheck.ConflictService
	RiskEvents       spotcheck.RiskEventService    // complaints and penalties, imported (web/staff/transfer.go)
	Risk             spotcheck.RiskService         // the risk model and its runs: an entity's class (web/staff/entity.go)
	RiskOverrides    spotcheck.RiskOverrideService // manual overrides of an entity's class (web/staff/risk_override.go)
	Reference        spotcheck.ReferenceService
	Changes          spotcheck.ChangeService
	Tasks            spotcheck.TaskService
	Draws            spotcheck.DrawService
	Calendar         spotcheck.CalendarService
	Visits           spotcheck.VisitService
	Caps             spotcheck.CapService
	Plans            spotcheck.PlanService
	Inspections      spotcheck.InspectionService
	Attachments      spotcheck.AttachmentService // evidence of inspections (web/staff/evidence.go)
	Notices          spotcheck.NoticeService
	Signatures       spotcheck.SignatureService // the records' signatures, the 联合总表 (web/staff/record.go)
	FollowUps        spotcheck.FollowUpService  // follow-ups of approved results (web/staff/followup.go)
	Recusals         spotcheck.RecusalService   // the enterprise's recusal requests (web/portal/recusal.go)
	Feedback         spotcheck.FeedbackService  // ratings, complaints and 双预约 (web/portal/feedback.go)
	Rules            spotcheck.RulesService     // the departments' 一细则 (web/portal/rules.go, web/staff/rules.go)

	// Publications: published results (web/portal/results.go, web/staff/publish.go).
	Publications spotcheck.PublicationService
	// The enterprise's page, objections and credit repairs (web/portal/enterprise.go, web/staff/appeals.go).
	AfterPublication spotcheck.AfterPublicationService
	Outbox           spotcheck.OutboxService // the credit push's outbox (web/staff/outbox.go)
	Jobs             spotcheck.JobService    // the scheduled jobs and their runs (web/staff/jobs.go)
	Stats            spotcheck.StatsService  // the statistics dashboard (web/staff/stats.go)
}

// Transfers returns the services that imports and exports go through
// (xlsx.Transfers).
func (s Services) Transfers() spotcheck.Transfers {
	return spotcheck.Transfers{Entities: s.Entities, Inspectors: s.Inspectors, Agencies: s.Agencies, Items: s.Items,
		Responsibilities: s.Responsibilities, Departments: s.Departments, Conflicts: s.Conflicts,
		RiskEvents: s.RiskEvents}
}

// Names returns where the pages' names come from (names.go).
func (s Services) Names() NameSource {
	return NameSource{Reference: s.Reference, Departments: s.Departments, Items: s.Items, Accounts: s.Accounts}
}
