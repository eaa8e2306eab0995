package spotcheck

import "context"

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
	// UserNames returns every account's display name by user name, for
	// the pages that say who did what (the approver of a result, who
	// decided a request): people see names, not log-ins. Any signed-in
	// staff member may read them; the public may not (EFORBIDDEN).
	UserNames(ctx context.Context) (map[string]string, error)
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
