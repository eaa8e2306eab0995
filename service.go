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

// Change is one recorded change of a directory or list record or of an
// account: who, when, what, and the record before and after as JSON.
type Change struct {
	ID      int64
	Kind    string // entity, inspector, agency, item, responsibility, conflict, department, user
	Key     string
	Version int
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

// AccountService keeps staff accounts, sessions and API tokens. Who may
// change which account is decided by CanChangeAccount,
// CanResetCredentials and CanUnlockLogin; acts they refuse to a signed-in
// user are recorded as changes with action "refused".
type AccountService interface {
	// Authenticate checks a password, records the attempt and enforces the
	// login limits (LoginDelay, MaxAddressFailures); every failure gives the
	// same EUNAUTHORIZED message, a refusal by the limits says how long to
	// wait (LoginRefusedMessage).
	Authenticate(ctx context.Context, username, password, ip string) (*User, error)
	CreateSession(ctx context.Context, username string) (token string, err error)
	// FindSession returns the session of a token and its active user;
	// expired or idle sessions and disabled users give EUNAUTHORIZED.
	FindSession(ctx context.Context, token string) (*Session, *User, error)
	DeleteSession(ctx context.Context, token string) error
	// DeleteUserSessions ends every session of a user and revokes the
	// user's API tokens ("sign out everywhere").
	DeleteUserSessions(ctx context.Context, username string) error

	FindUsers(ctx context.Context) ([]User, error)
	FindUserByUsername(ctx context.Context, username string) (*User, error)
	// CreateUser adds an account; the password must satisfy the
	// SecurityPolicy.
	CreateUser(ctx context.Context, u *User, password string) error
	// UpdateUser changes name, department, roles and the active flag;
	// disabling a user ends its sessions and stops its tokens.
	UpdateUser(ctx context.Context, u *User) error
	// SetPassword sets a password that satisfies the SecurityPolicy (and
	// is none of the last PasswordHistory), ends the user's sessions and
	// revokes the user's API tokens.
	SetPassword(ctx context.Context, username, password string) error

	// CreateAPIToken makes a token valid for days (one of
	// TokenLifetimeDays; 0 for DefaultTokenDays).
	CreateAPIToken(ctx context.Context, username, name string, days int) (secret string, err error)
	FindAPITokens(ctx context.Context, username string) ([]APIToken, error)
	RevokeAPIToken(ctx context.Context, username string, id int64) error
	// RevokeAPITokens revokes every valid token of a user and returns how
	// many it revoked.
	RevokeAPITokens(ctx context.Context, username string) (int, error)
	// AuthenticateToken returns the active user of an unrevoked, unexpired
	// token.
	AuthenticateToken(ctx context.Context, secret string) (*User, error)

	FindLoginAttempts(ctx context.Context, offset, limit int) (List[LoginAttempt], error)
	// FindLoginLimit returns the sign-in back-off of a user name.
	FindLoginLimit(ctx context.Context, username string) (*LoginLimit, error)
	// UnlockLogin lifts the back-off of a user, recorded.
	UnlockLogin(ctx context.Context, username string) error

	// FindSecurityPolicy returns the policy in force; any signed-in user
	// may read it (the password forms show it).
	FindSecurityPolicy(ctx context.Context) (SecurityPolicy, error)
	// UpdateSecurityPolicy stores a new policy (PermManageUsers), recorded
	// as a change of kind "setting".
	UpdateSecurityPolicy(ctx context.Context, p *SecurityPolicy) error
}

// DirectoryService keeps the directories and lists. List methods limit
// their results to the department scope of the user in ctx; Save methods
// authorise against it (see Authorize). A Save with Version 0 creates the
// record; otherwise Version must be the stored one (optimistic locking),
// and the change is recorded with both states. Records are never deleted:
// saving Active = false deactivates.
type DirectoryService interface {
	Reference(ctx context.Context) (*Reference, error)

	FindDepartments(ctx context.Context) ([]Department, error)
	FindDepartmentByCode(ctx context.Context, code string) (*Department, error)
	SaveDepartment(ctx context.Context, d *Department) error

	FindEntities(ctx context.Context, f EntityFilter) (List[*Entity], error)
	FindEntityByID(ctx context.Context, id string) (*Entity, error)
	SaveEntity(ctx context.Context, e *Entity) error
	// RecodeEntity corrects the credit code of entity oldID (a typing
	// error at registration): e, with its new ID and Version equal to the
	// stored version of oldID, becomes a new record; the old one is
	// deactivated, never deleted, and its conflicts move to the new code;
	// both changes are recorded. One transaction.
	RecodeEntity(ctx context.Context, oldID string, e *Entity) error

	FindInspectors(ctx context.Context, f InspectorFilter) (List[*Inspector], error)
	FindInspectorByID(ctx context.Context, staffID string) (*Inspector, error)
	SaveInspector(ctx context.Context, in *Inspector) error

	FindAgencies(ctx context.Context, f AgencyFilter) (List[*Agency], error)
	FindAgencyByCode(ctx context.Context, code string) (*Agency, error)
	SaveAgency(ctx context.Context, a *Agency) error

	FindItems(ctx context.Context, f ItemFilter) (List[*Item], error)
	FindItemByCode(ctx context.Context, code string) (*Item, error)
	FindItemVersions(ctx context.Context, code string) ([]*Item, error)
	SaveItem(ctx context.Context, it *Item) error

	FindResponsibilities(ctx context.Context, f ResponsibilityFilter) (List[*Responsibility], error)
	FindResponsibility(ctx context.Context, item, dept string) (*Responsibility, error)
	SaveResponsibility(ctx context.Context, r *Responsibility) error

	FindConflicts(ctx context.Context, f ConflictFilter) (List[*Conflict], error)
	FindConflict(ctx context.Context, staffID, entityID, kind string) (*Conflict, error)
	SaveConflict(ctx context.Context, c *Conflict) error

	FindChanges(ctx context.Context, f ChangeFilter) (List[Change], error)

	Transfers
}

// Transfers are the all-or-nothing imports and the streaming exports of
// every import kind (spec/cli.md). Imports authorise every row against the
// user in ctx; exports are limited to the user's scope like the lists.
type Transfers interface {
	ImportEntities(ctx context.Context, src ImportSource[Entity]) (ImportSummary, error)
	ExportEntities(ctx context.Context, fn func(*Entity) error) error
	ImportInspectors(ctx context.Context, expert bool, src ImportSource[Inspector]) (ImportSummary, error)
	ExportInspectors(ctx context.Context, expert bool, fn func(*Inspector) error) error
	ImportAgencies(ctx context.Context, src ImportSource[Agency]) (ImportSummary, error)
	ExportAgencies(ctx context.Context, fn func(*Agency) error) error
	ImportItems(ctx context.Context, src ImportSource[Item]) (ImportSummary, error)
	ExportItems(ctx context.Context, fn func(*Item) error) error
	ImportResponsibilities(ctx context.Context, src ImportSource[Responsibility]) (ImportSummary, error)
	ExportResponsibilities(ctx context.Context, fn func(*Responsibility) error) error
	ImportDepartments(ctx context.Context, src ImportSource[Department]) (ImportSummary, error)
	ExportDepartments(ctx context.Context, fn func(*Department) error) error
	ImportConflicts(ctx context.Context, src ImportSource[Conflict]) (ImportSummary, error)
	ExportConflicts(ctx context.Context, fn func(*Conflict) error) error
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
