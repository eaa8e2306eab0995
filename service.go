package spotcheck

import (
	"context"
	"time"
)

// MaxCount is where list totals stop counting: beyond it a list says
// "10000+" instead of an exact number, which would cost a full scan.
const MaxCount = 10000

// MaxPageSize is the most records one page of a list holds (the limit of
// a Find method's filter, the API's limit parameter).
const MaxPageSize = 200

// List is one page of records and the size of the whole list. When More
// is set, Total is MaxCount and the true total is larger.
type List[T any] struct {
	Items  []T
	Total  int
	More   bool
	Offset int
	Limit  int
}

// Change is one recorded change of a record (a directory or list record,
// an account, a token, a setting, a task or a draw): who, when, what, and
// the record before and after as JSON.
//
// Version is the version of the record after the change: for a directory
// or list record, its Version as saved (a row created by an import has
// version 1 and no change of its own; the import batch records it); for a
// record without a version (accounts, tokens, settings, tasks, draws), the
// number of the change among the record's changes, from 1.
type Change struct {
	ID      int64
	Kind    string // entity, inspector, agency, item, responsibility, conflict, department, user
	Key     string
	Version int    // the record's version after the change; see below
	Action  string // create, update, deactivate, reactivate, import, password, …
	Actor   string
	At      time.Time
	Before  string
	After   string
}

// ChangeFilter selects changes for the audit trail.
type ChangeFilter struct {
	Kind   string
	Key    string
	Actor  string
	Offset int
	Limit  int
}

// Session is a signed-in browser. Only a hash of its token is stored.
type Session struct {
	Username  string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// APIToken is a personal token for /api/v1. Only a hash of the secret is
// stored; the secret is shown once, when the token is made.
type APIToken struct {
	ID        int64
	Username  string
	Name      string
	CreatedAt time.Time
	LastUsed  time.Time // zero when never used
	ExpiresAt time.Time
	Revoked   bool
}

// Valid reports whether the token is usable at now: neither revoked nor
// expired.
func (k APIToken) Valid(now time.Time) bool { return !k.Revoked && now.Before(k.ExpiresAt) }

// LoginAttempt is one try to sign in, kept for rate limiting and audit.
type LoginAttempt struct {
	Username string
	IP       string
	At       time.Time
	OK       bool
	Refused  bool // refused by the login limits, the password unchecked
}

// SessionLifetime is how long a session lasts however busy; it also ends
// after SecurityPolicy.IdleMinutes unused. The login limits are in
// security.go.
const SessionLifetime = 12 * time.Hour

// ChangeService reads the change history: every create, update,
// deactivation, import and account change, recorded by the store in the
// transaction that made it (store/change.go). The common contract of every
// service is in doc.go.
type ChangeService interface {
	// FindChanges returns one page of the changes that match f, newest
	// first. The whole trail needs PermViewAudit; the history of one
	// record (f.Kind and f.Key set) is open to whoever may view the
	// record. EFORBIDDEN, ENOTFOUND (the record, outside the user's
	// scope), EUNAUTHORIZED.
	FindChanges(ctx context.Context, f ChangeFilter) (List[Change], error)
}

// Transfers names the services whose all-or-nothing imports and
// streaming exports of every import kind (spec/cli.md) the file formats
// run (xlsx.Transfers) and the demo loader fills. Imports authorise every
// row against the user in ctx; exports are limited to the user's scope
// like the lists.
type Transfers struct {
	Entities         EntityService
	Inspectors       InspectorService
	Agencies         AgencyService
	Items            ItemService
	Responsibilities ResponsibilityService
	Departments      DepartmentService
	Conflicts        ConflictService
	RiskEvents       RiskEventService // complaints and penalties
}

// AgencyFilter selects agencies.
type AgencyFilter struct {
	Query  string
	Active *bool
	Offset int
	Limit  int
}

// ItemFilter selects the current versions of items.
type ItemFilter struct {
	Query      string // code prefix or name substring
	TargetType string
	Status     string
	Class      string
	Dept       string // items for which this department has a responsibility
	Offset     int
	Limit      int
}

// ResponsibilityFilter selects responsibilities.
type ResponsibilityFilter struct {
	Item   string
	Dept   string
	Offset int
	Limit  int
}

// ConflictFilter selects conflicts.
type ConflictFilter struct {
	StaffID  string
	EntityID string
	Review   string
	Offset   int
	Limit    int
}
