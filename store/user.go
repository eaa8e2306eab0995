package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"spotcheck"
)

// DB keeps the staff accounts, their sessions and API tokens (this file,
// session.go and token.go).

// bcryptCost is the work factor of stored password hashes (about 60 ms on
// the reference machine, go-stack.md §9).
const bcryptCost = 10

// Actions of the account changes recorded in the changes table (kind "user").
const (
	actionCreate   = "create"
	actionUpdate   = "update"
	actionDisable  = "disable"
	actionEnable   = "enable"
	actionPassword = "password"
	actionRevoke   = "revoke"
	actionUnlock   = "unlock"  // the sign-in back-off lifted
	actionSignOut  = "signout" // every session ended (tried only: not recorded when done)
	actionRefused  = "refused" // an act the rules refused, with what was tried
)

// userCols are the columns of a spotcheck.User, in scanUser order. The
// password hash is deliberately not among them: only Authenticate and
// SetPassword touch it.
const userCols = "username, name, dept, roles, active, created_at, updated_at, staff_id, must_change_password"

// scanUser reads one userCols row. Roles are stored joined by commas.
func scanUser(row interface{ Scan(...any) error }, u *spotcheck.User) error {
	var roles string
	if err := row.Scan(&u.Username, &u.Name, &u.Dept, &roles, boolCol{&u.Active},
		timeCol{&u.CreatedAt}, timeCol{&u.UpdatedAt}, &u.StaffID, boolCol{&u.ChangeAtSignIn}); err != nil {
		return err
	}
	u.Roles = nil
	if roles != "" {
		u.Roles = strings.Split(roles, ",")
	}
	return nil
}

// normUsername is how user names are compared: trimmed and lower-case, as
// User.Validate stores them. It is cut at 64 bytes so that a hostile form
// cannot fill the login log with megabytes.
func normUsername(s string) string {
	return truncate(strings.ToLower(strings.TrimSpace(s)), 64)
}

// truncate cuts s to at most n bytes without splitting a character.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// authorizeSelf lets a user act on their own account; any other account
// needs PermManageUsers, which the system principal of the command line
// holds. Without a principal it is EUNAUTHORIZED.
func authorizeSelf(ctx context.Context, username string) error {
	if p := spotcheck.PrincipalFromContext(ctx); p != nil && p.Username == username {
		return nil
	}
	return spotcheck.Authorize(ctx, spotcheck.PermManageUsers, "")
}

// FindUsers returns every account, ordered by user name.
func (sv *AccountService) FindUsers(ctx context.Context) (_ []spotcheck.User, err error) {
	db := sv.db
	defer wrap(&err, "find users")
	if err := spotcheck.Authorize(ctx, spotcheck.PermManageUsers, ""); err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, "SELECT "+userCols+" FROM users ORDER BY username")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []spotcheck.User
	for rows.Next() {
		var u spotcheck.User
		if err := scanUser(rows, &u); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// UserNames returns the display name of every account to staff.
func (sv *AccountService) UserNames(ctx context.Context) (_ map[string]string, err error) {
	defer wrap(&err, "user names")
	p, err := spotcheck.ActingPrincipal(ctx)
	if err != nil {
		return nil, err
	}
	if !p.IsSystem() && p.Dept == "" {
		return nil, spotcheck.Errorf(spotcheck.EFORBIDDEN, "没有权限查看人员姓名")
	}
	rows, err := sv.db.read.QueryContext(ctx, "SELECT username, name FROM users")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var u, n string
		if err := rows.Scan(&u, &n); err != nil {
			return nil, err
		}
		out[u] = n
	}
	return out, rows.Err()
}

// FindUserByUsername returns one account. Users may read their own; the
// security admin (PermManageUsers) and the auditors (PermViewAudit, who
// need to know who an actor is) may read any.
func (sv *AccountService) FindUserByUsername(ctx context.Context, username string) (_ *spotcheck.User, err error) {
	db := sv.db
	defer wrap(&err, "find user", username)
	username = normUsername(username)
	if err := authorizeSelf(ctx, username); err != nil {
		if spotcheck.Authorize(ctx, spotcheck.PermViewAudit, "") != nil {
			return nil, err
		}
	}
	return findUser(ctx, db.read, username)
}

// findUser loads one account or returns ENOTFOUND.
func findUser(ctx context.Context, q querier, username string) (*spotcheck.User, error) {
	var u spotcheck.User
	err := scanUser(q.QueryRowContext(ctx, "SELECT "+userCols+" FROM users WHERE username = $1", username), &u)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("用户", username)
	}
	if err != nil {
		return nil, err
	}
	return &u, nil
}

// CreateUser adds an active staff account with a bcrypt-hashed password
// that satisfies the security policy. The account must be one that
// spotcheck.CanChangeAccount lets the user in ctx create: administrator
// accounts are made on the command line only.
func (sv *AccountService) CreateUser(ctx context.Context, u *spotcheck.User, password string) (err error) {
	db := sv.db
	defer wrap(&err, "create user", u.Username)
	if err := spotcheck.Authorize(ctx, spotcheck.PermManageUsers, ""); err != nil {
		return err
	}
	u.Normalize()
	ps := u.Validate()
	if err := spotcheck.CanChangeAccount(spotcheck.PrincipalFromContext(ctx), nil, u); err != nil {
		return db.recordRefusal(ctx, u.Username, actionCreate, nil, u, err)
	}
	policy, err := db.Accounts().FindSecurityPolicy(ctx)
	if err != nil {
		return err
	}
	if err := policy.CheckPassword(u.Username, password); err != nil {
		ps.Add("password", "密码", "%s", spotcheck.ErrorMessage(err))
	}
	if err := ps.Err(); err != nil {
		return err
	}
	// Hashing takes ~60 ms: done before the transaction, so that it never
	// holds SQLite's single writer.
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcryptCost)
	if err != nil {
		return err
	}
	return db.inTx(ctx, func(t *tx) error {
		var ps spotcheck.Problems
		if !exists(ctx, t, "departments", "code", u.Dept, &ps) {
			return spotcheck.Errorf(spotcheck.EINVALID, "部门代码“%s”不存在", u.Dept)
		}
		if exists(ctx, t, "users", "username", u.Username, &ps) {
			return spotcheck.Errorf(spotcheck.ECONFLICT, "用户名“%s”已存在", u.Username)
		}
		if err := ps.Err(); err != nil {
			return err
		}
		if err := checkStaffLink(ctx, t, u); err != nil {
			return err
		}
		now := db.Now().UTC().Truncate(time.Second)
		u.Active, u.CreatedAt, u.UpdatedAt = true, now, now
		u.ChangeAtSignIn = spotcheck.InitialPassword(spotcheck.PrincipalFromContext(ctx), u.Username, policy)
		if _, err := t.ExecContext(ctx, `INSERT INTO users (username, name, dept, roles, password_hash, active, created_at, updated_at,
			staff_id, must_change_password) VALUES ($1, $2, $3, $4, $5, 1, $6, $6, $7, $8)`, u.Username, u.Name, u.Dept,
			strings.Join(u.Roles, ","), string(hash), timeCol{&now}, u.StaffID, boolCol{&u.ChangeAtSignIn}); err != nil {
			return err
		}
		if err := addPasswordHistory(ctx, t, u.Username, string(hash), now); err != nil {
			return err
		}
		return recordAccountChange(ctx, t, "user", u.Username, actionCreate, nil, u)
	})
}

// UpdateUser changes an account's name, department, roles and active flag,
// as spotcheck.CanChangeAccount allows the user in ctx: nobody changes
// their own roles or disables themselves, and administrator accounts are
// changed on the command line only. Disabling ends the user's sessions at
// once; its API tokens are kept (an enabled user gets them back) but stop
// working, because AuthenticateToken accepts active users only.
func (sv *AccountService) UpdateUser(ctx context.Context, u *spotcheck.User) (err error) {
	db := sv.db
	defer wrap(&err, "update user", u.Username)
	if err := spotcheck.Authorize(ctx, spotcheck.PermManageUsers, ""); err != nil {
		return err
	}
	u.Normalize()
	ps := u.Validate()
	p := spotcheck.PrincipalFromContext(ctx)
	// The rule is checked before the transaction too, so that a refusal
	// can be recorded (the transaction's writes would be rolled back).
	old, err := findUser(ctx, db.read, u.Username)
	if err != nil {
		return err
	}
	if err := spotcheck.CanChangeAccount(p, old, u); err != nil {
		return db.recordRefusal(ctx, u.Username, updateAction(old, u), old, u, err)
	}
	if err := ps.Err(); err != nil {
		return err
	}
	return db.inTx(ctx, func(t *tx) error {
		old, err := findUser(ctx, t, u.Username)
		if err != nil {
			return err
		}
		if err := spotcheck.CanChangeAccount(p, old, u); err != nil {
			return err
		}
		var ps spotcheck.Problems
		if !exists(ctx, t, "departments", "code", u.Dept, &ps) {
			return spotcheck.Errorf(spotcheck.EINVALID, "部门代码“%s”不存在", u.Dept)
		}
		if err := ps.Err(); err != nil {
			return err
		}
		if u.StaffID != old.StaffID {
			if err := checkStaffLink(ctx, t, u); err != nil {
				return err
			}
		}
		u.CreatedAt = old.CreatedAt
		if u.Name == old.Name && u.Dept == old.Dept && u.Active == old.Active && slices.Equal(u.Roles, old.Roles) &&
			u.StaffID == old.StaffID {
			u.UpdatedAt = old.UpdatedAt
			return nil // nothing to record
		}
		u.UpdatedAt = db.Now().UTC().Truncate(time.Second)
		if _, err := t.ExecContext(ctx, `UPDATE users SET name = $1, dept = $2, roles = $3, active = $4, updated_at = $5,
			staff_id = $7 WHERE username = $6`, u.Name, u.Dept, strings.Join(u.Roles, ","), boolCol{&u.Active},
			timeCol{&u.UpdatedAt}, u.Username, u.StaffID); err != nil {
			return err
		}
		action := updateAction(old, u)
		if action == actionDisable {
			if _, err := t.ExecContext(ctx, `DELETE FROM sessions WHERE username = $1`, u.Username); err != nil {
				return err
			}
		}
		return recordAccountChange(ctx, t, "user", u.Username, action, old, u)
	})
}

// checkStaffLink applies spotcheck.CheckStaffLink to the account u as the
// transaction finds the directory: the person with u.StaffID and the
// account that already claims it. The unique index users_staff_id backs
// the second half against a concurrent save.
func checkStaffLink(ctx context.Context, t *tx, u *spotcheck.User) error {
	if u.StaffID == "" {
		return nil
	}
	var in *spotcheck.Inspector
	var found spotcheck.Inspector
	err := t.QueryRowContext(ctx, `SELECT staff_id, name, expert, active FROM inspectors WHERE staff_id = $1`, u.StaffID).
		Scan(&found.StaffID, &found.Name, boolCol{&found.Expert}, boolCol{&found.Active})
	switch {
	case err == nil:
		in = &found
	case !errors.Is(err, sql.ErrNoRows):
		return err
	}
	var holder string
	err = t.QueryRowContext(ctx, `SELECT username FROM users WHERE staff_id = $1 AND username <> $2`, u.StaffID, u.Username).
		Scan(&holder)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	return spotcheck.CheckStaffLink(u, in, holder).Err()
}

// updateAction names the change from old to u as the history records it.
func updateAction(old, u *spotcheck.User) string {
	switch {
	case old.Active && !u.Active:
		return actionDisable
	case !old.Active && u.Active:
		return actionEnable
	}
	return actionUpdate
}

// SetPassword replaces a user's password, ends all of the user's sessions
// and revokes the user's API tokens, so that whoever knew the old password
// or took a token is shut out; the web layer signs the user in again
// afterwards. The password must satisfy the security policy and be none of
// the user's last PasswordHistory passwords. Users may change their own
// password (the web layer asks for the current one first); others' need
// spotcheck.CanResetCredentials, which keeps administrators' passwords to
// the command line.
func (sv *AccountService) SetPassword(ctx context.Context, username, password string) (err error) {
	db := sv.db
	defer wrap(&err, "set password", username)
	username = normUsername(username)
	if err := authorizeSelf(ctx, username); err != nil {
		return err
	}
	p := spotcheck.PrincipalFromContext(ctx)
	target, err := findUser(ctx, db.read, username)
	if err != nil {
		return err
	}
	if err := spotcheck.CanResetCredentials(p, target); err != nil {
		return db.recordRefusal(ctx, username, actionPassword, target, nil, err)
	}
	policy, err := db.Accounts().FindSecurityPolicy(ctx)
	if err != nil {
		return err
	}
	if err := policy.CheckPassword(username, password); err != nil {
		return err
	}
	if err := db.checkPasswordHistory(ctx, username, password, policy.PasswordHistory); err != nil {
		return err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcryptCost)
	if err != nil {
		return err
	}
	return db.inTx(ctx, func(t *tx) error {
		old, err := findUser(ctx, t, username)
		if err != nil {
			return err
		}
		if err := spotcheck.CanResetCredentials(p, old); err != nil {
			return err
		}
		u := *old
		u.UpdatedAt = db.Now().UTC().Truncate(time.Second)
		u.ChangeAtSignIn = spotcheck.InitialPassword(p, username, policy)
		if _, err := t.ExecContext(ctx, `UPDATE users SET password_hash = $1, updated_at = $2, must_change_password = $3
			WHERE username = $4`, string(hash), timeCol{&u.UpdatedAt}, boolCol{&u.ChangeAtSignIn}, username); err != nil {
			return err
		}
		if err := addPasswordHistory(ctx, t, username, string(hash), u.UpdatedAt); err != nil {
			return err
		}
		if _, err := t.ExecContext(ctx, `DELETE FROM sessions WHERE username = $1`, username); err != nil {
			return err
		}
		if _, err := revokeTokens(ctx, t, username); err != nil {
			return err
		}
		return recordAccountChange(ctx, t, "user", username, actionPassword, old, &u)
	})
}

// addPasswordHistory keeps the hash of a user's new password.
func addPasswordHistory(ctx context.Context, t *tx, username, hash string, at time.Time) error {
	_, err := t.ExecContext(ctx, `INSERT INTO password_history (username, password_hash, created_at) VALUES ($1, $2, $3)`,
		username, hash, timeCol{&at})
	return err
}

// checkPasswordHistory refuses a password that is one of the last n of
// username (the current one included). Each comparison is a bcrypt run
// (~60 ms), outside any transaction.
func (db *DB) checkPasswordHistory(ctx context.Context, username, password string, n int) error {
	if n <= 0 {
		return nil
	}
	rows, err := db.read.QueryContext(ctx, fmt.Sprintf(`SELECT password_hash FROM password_history WHERE username = $1
		ORDER BY id DESC LIMIT %d`, n), username)
	if err != nil {
		return err
	}
	var hashes []string
	for rows.Next() {
		var h string
		if err := rows.Scan(&h); err != nil {
			rows.Close()
			return err
		}
		hashes = append(hashes, h)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, h := range hashes {
		if bcrypt.CompareHashAndPassword([]byte(h), []byte(password)) == nil {
			return spotcheck.Errorf(spotcheck.EINVALID, "新密码不能与最近%d次使用过的密码相同", n)
		}
	}
	return nil
}

// refusedAct is what the change history keeps of an act on an account
// that the rules refused: what was tried, why it was refused, and the
// account as it would have been (nil when the act changes no field).
type refusedAct struct {
	Action  string
	Reason  string
	Attempt any `json:",omitempty"`
}

// recordRefusal records, in a transaction of its own, that the rules
// refused the user in ctx an act on account key, and returns cause: the
// audit admin sees what the security admin tried, not only what they did.
// Its callers have checked that ctx carries a principal (authorizeSelf,
// spotcheck.Authorize), who is named as the actor.
func (db *DB) recordRefusal(ctx context.Context, key, action string, before, attempt any, cause error) error {
	err := db.inTx(ctx, func(t *tx) error {
		return recordAccountChange(ctx, t, "user", truncate(key, 64), actionRefused, before,
			refusedAct{Action: action, Reason: spotcheck.ErrorMessage(cause), Attempt: attempt})
	})
	if err != nil {
		return err
	}
	return cause
}

// recordAccountChange appends an account change to the change history.
// before and after are domain values (spotcheck.User, spotcheck.APIToken),
// which carry no password hash or token secret; nil means absent. Accounts
// have no version column, so writeChange numbers the change.
func recordAccountChange(ctx context.Context, t *tx, kind, key, action string, before, after any) error {
	enc := func(v any) (string, error) {
		if v == nil {
			return "", nil
		}
		b, err := json.Marshal(v)
		return string(b), err
	}
	b, err := enc(before)
	if err != nil {
		return err
	}
	a, err := enc(after)
	if err != nil {
		return err
	}
	return writeChange(ctx, t, change{kind: kind, key: key, action: action, before: b, after: a})
}
