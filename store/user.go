package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"golang.org/x/crypto/bcrypt"

	"spotcheck"
)

// bcryptCost is the work factor of stored password hashes (about 60 ms on
// the reference machine, go-stack.md §9).
const bcryptCost = 10

// CreateUser adds a staff account with a bcrypt-hashed password.
func (db *DB) CreateUser(ctx context.Context, u *spotcheck.User, password string) error {
	ps := u.Validate()
	if err := spotcheck.ValidatePassword(password); err != nil {
		ps.Add("password", "密码", "%s", spotcheck.ErrorMessage(err))
	}
	if err := ps.Err(); err != nil {
		return err
	}
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
		now := db.now()
		u.Active = true
		_, err := t.ExecContext(ctx, `INSERT INTO users (username, name, dept, roles, password_hash, active, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, 1, $6, $6)`, u.Username, u.Name, u.Dept, strings.Join(u.Roles, ","), string(hash), now)
		return err
	})
}

// Authenticate returns the active user with this name and password. Every
// failure gives the same message, so that it does not tell which part was wrong.
func (db *DB) Authenticate(ctx context.Context, username, password string) (*spotcheck.User, error) {
	var u spotcheck.User
	var roles, hash string
	err := db.read.QueryRowContext(ctx, `SELECT username, name, dept, roles, password_hash, active FROM users WHERE username = $1`,
		strings.ToLower(strings.TrimSpace(username))).Scan(&u.Username, &u.Name, &u.Dept, &roles, &hash, boolCol{&u.Active})
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	if err != nil || !u.Active || bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) != nil {
		return nil, spotcheck.Errorf(spotcheck.EUNAUTHORIZED, "用户名或密码错误")
	}
	u.Roles = strings.Split(roles, ",")
	return &u, nil
}
