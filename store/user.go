package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"spotcheck"
)

// DB keeps the staff accounts, their sessions and API tokens (this file,
// session.go and token.go).
var _ spotcheck.AccountService = (*DB)(nil)

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
)

// userCols are the columns of a spotcheck.User, in scanUser order. The
// password hash is deliberately not among them: only Authenticate and
// SetPassword touch it.
const userCols = "username, name, dept, roles, active, created_at, updated_at"

// scanUser reads one userCols row. Roles are stored joined by commas.
func scanUser(row interface{ Scan(...any) error }, u *spotcheck.User) error {
	var roles string
	if err := row.Scan(&u.Username, &u.Name, &u.Dept, &roles, boolCol{&u.Active},
		timeCol{&u.CreatedAt}, timeCol{&u.UpdatedAt}); err != nil {
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
// needs PermManageUsers (the command line may do everything).
func authorizeSelf(ctx context.Context, username string) error {
	if p := spotcheck.PrincipalFromContext(ctx); p != nil && p.Username == username {
		return nil
	}
	return spotcheck.Authorize(ctx, spotcheck.PermManageUsers, "")
}

// FindUsers returns every account, ordered by user name.
func (db *DB) FindUsers(ctx context.Context) ([]spotcheck.User, error) {
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

// FindUserByUsername returns one account. Users may read their own; the
// security admin (PermManageUsers) and the auditors (PermViewAudit, who
// need to know who an actor is) may read any.
func (db *DB) FindUserByUsername(ctx context.Context, username string) (*spotcheck.User, error) {
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

// CreateUser adds an active staff account with a bcrypt-hashed password.
func (db *DB) CreateUser(ctx context.Context, u *spotcheck.User, password string) error {
	if err := spotcheck.Authorize(ctx, spotcheck.PermManageUsers, ""); err != nil {
		return err
	}
	ps := u.Validate()
	if err := spotcheck.ValidatePassword(password); err != nil {
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
		// An account belongs to its department (spotcheck.AuthorizeChange).
		if err := spotcheck.AuthorizeChangeCtx(ctx, spotcheck.PermManageUsers, u.Dept, u.Dept); err != nil {
			return err
		}
		if exists(ctx, t, "users", "username", u.Username, &ps) {
			return spotcheck.Errorf(spotcheck.ECONFLICT, "用户名“%s”已存在", u.Username)
		}
		if err := ps.Err(); err != nil {
			return err
		}
		now := db.Now().UTC().Truncate(time.Second)
		u.Active, u.CreatedAt, u.UpdatedAt = true, now, now
		if _, err := t.ExecContext(ctx, `INSERT INTO users (username, name, dept, roles, password_hash, active, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, 1, $6, $6)`, u.Username, u.Name, u.Dept, strings.Join(u.Roles, ","), string(hash),
			timeCol{&now}); err != nil {
			return err
		}
		return recordAccountChange(ctx, t, "user", u.Username, actionCreate, nil, u)
	})
}

// UpdateUser changes an account's name, department, roles and active flag.
// Disabling ends the user's sessions at once; its API tokens are kept (an
// enabled user gets them back) but stop working, because AuthenticateToken
// accepts active users only. A user may neither disable themselves nor
// give up their own PermManageUsers, so that the last security admin
// cannot lock everyone out of account management by mistake.
func (db *DB) UpdateUser(ctx context.Context, u *spotcheck.User) error {
	if err := spotcheck.Authorize(ctx, spotcheck.PermManageUsers, ""); err != nil {
		return err
	}
	if err := u.Validate().Err(); err != nil {
		return err
	}
	if p := spotcheck.PrincipalFromContext(ctx); p != nil && p.Username == u.Username {
		self := spotcheck.NewPrincipal(*u, nil)
		if !u.Active || !self.Has(spotcheck.PermManageUsers) {
			return spotcheck.Errorf(spotcheck.EINVALID, "不能停用自己的账号或取消自己的用户管理权限")
		}
	}
	return db.inTx(ctx, func(t *tx) error {
		old, err := findUser(ctx, t, u.Username)
		if err != nil {
			return err
		}
		var ps spotcheck.Problems
		if !exists(ctx, t, "departments", "code", u.Dept, &ps) {
			return spotcheck.Errorf(spotcheck.EINVALID, "部门代码“%s”不存在", u.Dept)
		}
		if err := ps.Err(); err != nil {
			return err
		}
		// Neither a user of another department nor one moved there.
		if err := spotcheck.AuthorizeChangeCtx(ctx, spotcheck.PermManageUsers, old.Dept, u.Dept); err != nil {
			return err
		}
		u.CreatedAt = old.CreatedAt
		if u.Name == old.Name && u.Dept == old.Dept && u.Active == old.Active && slices.Equal(u.Roles, old.Roles) {
			u.UpdatedAt = old.UpdatedAt
			return nil // nothing to record
		}
		u.UpdatedAt = db.Now().UTC().Truncate(time.Second)
		if _, err := t.ExecContext(ctx, `UPDATE users SET name = $1, dept = $2, roles = $3, active = $4, updated_at = $5
			WHERE username = $6`, u.Name, u.Dept, strings.Join(u.Roles, ","), boolCol{&u.Active}, timeCol{&u.UpdatedAt},
			u.Username); err != nil {
			return err
		}
		action := actionUpdate
		switch {
		case old.Active && !u.Active:
			action = actionDisable
			if _, err := t.ExecContext(ctx, `DELETE FROM sessions WHERE username = $1`, u.Username); err != nil {
				return err
			}
		case !old.Active && u.Active:
			action = actionEnable
		}
		return recordAccountChange(ctx, t, "user", u.Username, action, old, u)
	})
}

// SetPassword replaces a user's password and ends all of the user's
// sessions, so that whoever knew the old password is signed out; the web
// layer signs the user in again afterwards. Users may change their own
// password (the web layer asks for the current one first); others' need
// PermManageUsers.
func (db *DB) SetPassword(ctx context.Context, username, password string) error {
	username = normUsername(username)
	if err := authorizeSelf(ctx, username); err != nil {
		return err
	}
	if err := spotcheck.ValidatePassword(password); err != nil {
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
		if p := spotcheck.PrincipalFromContext(ctx); p != nil && p.Username != username {
			if err := p.AuthorizeChange(spotcheck.PermManageUsers, old.Dept, old.Dept); err != nil {
				return err
			}
		}
		u := *old
		u.UpdatedAt = db.Now().UTC().Truncate(time.Second)
		if _, err := t.ExecContext(ctx, `UPDATE users SET password_hash = $1, updated_at = $2 WHERE username = $3`,
			string(hash), timeCol{&u.UpdatedAt}, username); err != nil {
			return err
		}
		if _, err := t.ExecContext(ctx, `DELETE FROM sessions WHERE username = $1`, username); err != nil {
			return err
		}
		return recordAccountChange(ctx, t, "user", username, actionPassword, old, &u)
	})
}

// recordAccountChange appends an account change to the change history.
// before and after are domain values (spotcheck.User, spotcheck.APIToken),
// which carry no password hash or token secret; nil means absent. Accounts
// have no version column, so a change's version is its number among the
// record's changes.
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
	_, err = t.ExecContext(ctx, `INSERT INTO changes (kind, record_key, version, action, actor, at, before_json, after_json)
		VALUES ($1, $2, (SELECT count(*) + 1 FROM changes WHERE kind = $1 AND record_key = $2), $3, $4, $5, $6, $7)`,
		kind, key, action, actorID(ctx), t.db.now(), b, a)
	return err
}
