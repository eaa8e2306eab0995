package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"

	"spotcheck"
)

// Setting returns the value of an installation setting, "" when unset.
// It is the program's own (a system principal): users read and change the
// settings meant for them through their own methods (FindSecurityPolicy).
func (db *DB) Setting(ctx context.Context, key string) (string, error) {
	if err := spotcheck.AuthorizeSystem(ctx); err != nil {
		return "", err
	}
	return db.setting(ctx, key)
}

func (db *DB) setting(ctx context.Context, key string) (string, error) {
	var v string
	err := db.read.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = $1`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return v, err
}

// SetSetting stores an installation setting; the program's own, like
// Setting.
func (db *DB) SetSetting(ctx context.Context, key, value string) error {
	if err := spotcheck.AuthorizeSystem(ctx); err != nil {
		return err
	}
	_, err := db.write.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	return err
}

// settingSecurityPolicy is the settings key of the spotcheck.SecurityPolicy,
// stored as JSON; FindSession reads it in its own query.
const settingSecurityPolicy = "security_policy"

// parsePolicy reads a stored policy over the defaults, so that a field a
// stored policy lacks keeps its default. A value that does not parse or is
// out of bounds (only a hand-edited database has one) gives the defaults.
func parsePolicy(value string) spotcheck.SecurityPolicy {
	p := spotcheck.DefaultSecurityPolicy()
	if value == "" {
		return p
	}
	if json.Unmarshal([]byte(value), &p) != nil || p.Validate().Err() != nil {
		return spotcheck.DefaultSecurityPolicy()
	}
	return p
}

// FindSecurityPolicy returns the security policy in force. Everyone with a
// principal may read it: the password forms say what it asks for.
func (sv *AccountService) FindSecurityPolicy(ctx context.Context) (_ spotcheck.SecurityPolicy, err error) {
	db := sv.db
	defer wrap(&err, "find security policy")
	if _, err := spotcheck.ActingPrincipal(ctx); err != nil {
		return spotcheck.SecurityPolicy{}, err
	}
	v, err := db.setting(ctx, settingSecurityPolicy)
	return parsePolicy(v), err
}

// UpdateSecurityPolicy stores a new security policy. It needs
// PermManageUsers (the security admin) and is recorded as a change of kind
// "setting", key "security_policy", before and after. Sessions and
// passwords are checked against it from the next request on; passwords
// already set are not, until they are next changed.
func (sv *AccountService) UpdateSecurityPolicy(ctx context.Context, p *spotcheck.SecurityPolicy) (err error) {
	db := sv.db
	defer wrap(&err, "update security policy")
	if err := spotcheck.Authorize(ctx, spotcheck.PermManageUsers, ""); err != nil {
		return err
	}
	if err := p.Validate().Err(); err != nil {
		return err
	}
	value, err := json.Marshal(p)
	if err != nil {
		return err
	}
	return db.inTx(ctx, func(t *tx) error {
		var stored string
		err := t.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = $1`, settingSecurityPolicy).Scan(&stored)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		old := parsePolicy(stored)
		if old == *p {
			return nil // nothing to record
		}
		if _, err := t.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, settingSecurityPolicy, string(value)); err != nil {
			return err
		}
		return recordAccountChange(ctx, t, "setting", settingSecurityPolicy, actionUpdate, &old, p)
	})
}
