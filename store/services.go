package store

import "spotcheck"

// One type per service of the domain (store/doc.go maps them to files),
// each over the shared *DB: its pools, dialect, log and background work.
// They hold nothing else, so making one is free; cmd/spotcheck wires them
// into the web layer and the file formats.

// EntityService implements spotcheck.EntityService.
type EntityService struct{ db *DB }

// InspectorService implements spotcheck.InspectorService.
type InspectorService struct{ db *DB }

// AgencyService implements spotcheck.AgencyService.
type AgencyService struct{ db *DB }

// ItemService implements spotcheck.ItemService.
type ItemService struct{ db *DB }

// ResponsibilityService implements spotcheck.ResponsibilityService.
type ResponsibilityService struct{ db *DB }

// DepartmentService implements spotcheck.DepartmentService.
type DepartmentService struct{ db *DB }

// ConflictService implements spotcheck.ConflictService.
type ConflictService struct{ db *DB }

// RiskEventService implements spotcheck.RiskEventService: complaints and
// penalties (complaint.go, penalty.go, riskevent.go).
type RiskEventService struct{ db *DB }

// ReferenceService implements spotcheck.ReferenceService.
type ReferenceService struct{ db *DB }

// ChangeService implements spotcheck.ChangeService.
type ChangeService struct{ db *DB }

// AccountService implements spotcheck.AccountService.
type AccountService struct{ db *DB }

// TaskService implements spotcheck.TaskService.
type TaskService struct{ db *DB }

// DrawService implements spotcheck.DrawService.
type DrawService struct{ db *DB }

// CalendarService implements spotcheck.CalendarService.
type CalendarService struct{ db *DB }

// PlanService implements spotcheck.PlanService.
type PlanService struct{ db *DB }

// AttachmentService implements spotcheck.AttachmentService, checking
// uploads against limits (zero: the defaults; see WithLimits).
type AttachmentService struct {
	db     *DB
	limits spotcheck.AttachmentLimits
}

var (
	_ spotcheck.EntityService         = (*EntityService)(nil)
	_ spotcheck.InspectorService      = (*InspectorService)(nil)
	_ spotcheck.AgencyService         = (*AgencyService)(nil)
	_ spotcheck.ItemService           = (*ItemService)(nil)
	_ spotcheck.ResponsibilityService = (*ResponsibilityService)(nil)
	_ spotcheck.DepartmentService     = (*DepartmentService)(nil)
	_ spotcheck.ConflictService       = (*ConflictService)(nil)
	_ spotcheck.RiskEventService      = (*RiskEventService)(nil)
	_ spotcheck.ReferenceService      = (*ReferenceService)(nil)
	_ spotcheck.ChangeService         = (*ChangeService)(nil)
	_ spotcheck.AccountService        = (*AccountService)(nil)
	_ spotcheck.TaskService           = (*TaskService)(nil)
	_ spotcheck.DrawService           = (*DrawService)(nil)
	_ spotcheck.CalendarService       = (*CalendarService)(nil)
	_ spotcheck.PlanService           = (*PlanService)(nil)
	_ spotcheck.AttachmentService     = (*AttachmentService)(nil)
)

// Entities returns the entity service.
func (db *DB) Entities() *EntityService { return &EntityService{db} }

// Inspectors returns the inspector and expert service.
func (db *DB) Inspectors() *InspectorService { return &InspectorService{db} }

// Agencies returns the agency service.
func (db *DB) Agencies() *AgencyService { return &AgencyService{db} }

// Items returns the item service.
func (db *DB) Items() *ItemService { return &ItemService{db} }

// Responsibilities returns the responsibility service.
func (db *DB) Responsibilities() *ResponsibilityService { return &ResponsibilityService{db} }

// Departments returns the department service.
func (db *DB) Departments() *DepartmentService { return &DepartmentService{db} }

// Conflicts returns the conflict service.
func (db *DB) Conflicts() *ConflictService { return &ConflictService{db} }

// RiskEvents returns the service of complaints and penalties.
func (db *DB) RiskEvents() *RiskEventService { return &RiskEventService{db} }

// Calendar returns the service of the working-day calendar's overrides.
func (db *DB) Calendar() *CalendarService { return &CalendarService{db} }

// Plans returns the annual plan service.
func (db *DB) Plans() *PlanService { return &PlanService{db} }

// Attachments returns the attachment service, with the default limits.
func (db *DB) Attachments() *AttachmentService { return &AttachmentService{db: db} }

// ReferenceData returns the reference data service.
func (db *DB) ReferenceData() *ReferenceService { return &ReferenceService{db} }

// Changes returns the change history service.
func (db *DB) Changes() *ChangeService { return &ChangeService{db} }

// Accounts returns the account, session and token service.
func (db *DB) Accounts() *AccountService { return &AccountService{db} }

// Tasks returns the task service.
func (db *DB) Tasks() *TaskService { return &TaskService{db} }

// Draws returns the draw service.
func (db *DB) Draws() *DrawService { return &DrawService{db} }

// Transfers returns the services whose imports and exports the file
// formats run (xlsx.Transfers, the demo loader).
func (db *DB) Transfers() spotcheck.Transfers {
	return spotcheck.Transfers{Entities: db.Entities(), Inspectors: db.Inspectors(), Agencies: db.Agencies(),
		Items: db.Items(), Responsibilities: db.Responsibilities(), Departments: db.Departments(),
		Conflicts: db.Conflicts(), RiskEvents: db.RiskEvents()}
}
