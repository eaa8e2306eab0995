package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"spotcheck"
)

// tokenPrefix starts every API token secret, so that a leaked one is easy
// to recognise (and to search for in code and logs): "sct_" followed by 32
// random bytes in base64url without padding (43 characters).
const tokenPrefix = "sct_"

const (
	msgTokenInvalid = "接口令牌无效或已撤销"
	msgTokenExpired = "接口令牌已过期，请在“我的账号”中创建新令牌"
)

// tokenCols are the columns of a spotcheck.APIToken, in scanToken order;
// the secret's hash is not among them.
const tokenCols = "id, username, name, created_at, last_used, expires_at, revoked"

// scanToken reads one tokenCols row; last_used is ” until first use.
func scanToken(row interface{ Scan(...any) error }, k *spotcheck.APIToken) error {
	var lastUsed string
	if err := row.Scan(&k.ID, &k.Username, &k.Name, timeCol{&k.CreatedAt}, &lastUsed, timeCol{&k.ExpiresAt},
		boolCol{&k.Revoked}); err != nil {
		return err
	}
	k.LastUsed = time.Time{}
	if lastUsed != "" {
		t, err := time.Parse(time.RFC3339, lastUsed)
		if err != nil {
			return err
		}
		k.LastUsed = t
	}
	return nil
}

// CreateAPIToken makes a personal API token named name for a user, valid
// for days (one of spotcheck.TokenLifetimeDays, 0 for the default), and
// returns its secret, which is shown once and stored only as a hash. Users
// make tokens for themselves only, and only when one of their roles grants
// PermUseAPI; a system principal (the command line) may make one for any
// active user.
func (sv *AccountService) CreateAPIToken(ctx context.Context, username, name string, days int) (_ string, err error) {
	db := sv.db
	defer wrap(&err, "create API token", username, name)
	username, name = normUsername(username), strings.TrimSpace(name)
	p, err := spotcheck.ActingPrincipal(ctx)
	if err != nil {
		return "", err
	}
	if !p.IsSystem() {
		if err := p.Authorize(spotcheck.PermUseAPI, ""); err != nil {
			return "", err
		}
		if p.Username != username {
			return "", spotcheck.Errorf(spotcheck.EFORBIDDEN, "只能为自己创建接口令牌")
		}
	}
	var ps spotcheck.Problems
	switch n := utf8.RuneCountInString(name); {
	case n == 0:
		ps.Add("name", "令牌名称", "不能为空")
	case n > 50:
		ps.Add("name", "令牌名称", "不能超过50个字符（实际%d个）", n)
	}
	if days == 0 {
		days = spotcheck.DefaultTokenDays
	}
	if !slices.Contains(spotcheck.TokenLifetimeDays, days) {
		ps.Add("days", "有效期", "应为%s天之一", joinInts(spotcheck.TokenLifetimeDays, "、"))
	}
	if err := ps.Err(); err != nil {
		return "", err
	}
	secret := tokenPrefix + newSecret(32)
	err = db.inTx(ctx, func(t *tx) error {
		u, err := findUser(ctx, t, username)
		if err != nil {
			return err
		}
		if !u.Active {
			return spotcheck.Errorf(spotcheck.EINVALID, "用户“%s”已停用，不能创建接口令牌", username)
		}
		now := db.Now().UTC().Truncate(time.Second)
		k := spotcheck.APIToken{Username: username, Name: name, CreatedAt: now, ExpiresAt: now.AddDate(0, 0, days)}
		if err := t.QueryRowContext(ctx, `INSERT INTO api_tokens (username, name, secret_hash, created_at, expires_at)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, username, name, hashSecret(secret), timeCol{&k.CreatedAt},
			timeCol{&k.ExpiresAt}).Scan(&k.ID); err != nil {
			return err
		}
		return recordAccountChange(ctx, t, "api_token", strconv.FormatInt(k.ID, 10), actionCreate, nil, &k)
	})
	if err != nil {
		return "", err
	}
	return secret, nil
}

// joinInts joins numbers with sep, for messages.
func joinInts(ns []int, sep string) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, sep)
}

// FindAPITokens returns a user's tokens, revoked ones included, newest
// first. Users may list their own; others' need PermManageUsers.
func (sv *AccountService) FindAPITokens(ctx context.Context, username string) (_ []spotcheck.APIToken, err error) {
	db := sv.db
	defer wrap(&err, "find API tokens", username)
	username = normUsername(username)
	if err := authorizeSelf(ctx, username); err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, "SELECT "+tokenCols+" FROM api_tokens WHERE username = $1 ORDER BY id DESC", username)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []spotcheck.APIToken
	for rows.Next() {
		var k spotcheck.APIToken
		if err := scanToken(rows, &k); err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// RevokeAPIToken revokes token id of a user for good. Users may revoke
// their own tokens; others' need PermManageUsers. Revoking a revoked token
// changes nothing.
func (sv *AccountService) RevokeAPIToken(ctx context.Context, username string, id int64) (err error) {
	db := sv.db
	defer wrap(&err, "revoke API token", username, id)
	username = normUsername(username)
	if err := authorizeSelf(ctx, username); err != nil {
		return err
	}
	return db.inTx(ctx, func(t *tx) error {
		var old spotcheck.APIToken
		err := scanToken(t.QueryRowContext(ctx, "SELECT "+tokenCols+" FROM api_tokens WHERE id = $1 AND username = $2",
			id, username), &old)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("接口令牌", strconv.FormatInt(id, 10))
		}
		if err != nil || old.Revoked {
			return err
		}
		if _, err := t.ExecContext(ctx, `UPDATE api_tokens SET revoked = 1 WHERE id = $1`, id); err != nil {
			return err
		}
		k := old
		k.Revoked = true
		return recordAccountChange(ctx, t, "api_token", strconv.FormatInt(id, 10), actionRevoke, &old, &k)
	})
}

// RevokeAPITokens revokes every token of a user that is still valid
// (unrevoked and unexpired), each recorded, and returns how many. Users
// may do so for themselves; others need spotcheck.CanResetCredentials.
func (sv *AccountService) RevokeAPITokens(ctx context.Context, username string) (_ int, err error) {
	db := sv.db
	defer wrap(&err, "revoke API tokens", username)
	username = normUsername(username)
	if err := authorizeSelf(ctx, username); err != nil {
		return 0, err
	}
	p := spotcheck.PrincipalFromContext(ctx)
	var n int
	err = db.inTx(ctx, func(t *tx) error {
		u, err := findUser(ctx, t, username)
		if err != nil {
			return err
		}
		if err := spotcheck.CanResetCredentials(p, u); err != nil {
			return err
		}
		n, err = revokeTokens(ctx, t, username)
		return err
	})
	return n, err
}

// revokeTokens revokes, within t, the valid tokens of a user, each
// recorded as a change of kind "api_token", and returns how many. Expired
// tokens are left as they are: they no longer work anyway.
func revokeTokens(ctx context.Context, t *tx, username string) (int, error) {
	rows, err := t.QueryContext(ctx, "SELECT "+tokenCols+` FROM api_tokens
		WHERE username = $1 AND revoked = 0 AND expires_at > $2 ORDER BY id`, username, t.db.now())
	if err != nil {
		return 0, err
	}
	var tokens []spotcheck.APIToken
	for rows.Next() {
		var k spotcheck.APIToken
		if err := scanToken(rows, &k); err != nil {
			rows.Close()
			return 0, err
		}
		tokens = append(tokens, k)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	for _, old := range tokens {
		if _, err := t.ExecContext(ctx, `UPDATE api_tokens SET revoked = 1 WHERE id = $1`, old.ID); err != nil {
			return 0, err
		}
		k := old
		k.Revoked = true
		if err := recordAccountChange(ctx, t, "api_token", strconv.FormatInt(k.ID, 10), actionRevoke, &old, &k); err != nil {
			return 0, err
		}
	}
	return len(tokens), nil
}

// AuthenticateToken returns the user of an unrevoked, unexpired token, who
// must be active: disabling a user stops its tokens without revoking them.
// Like FindSession it runs on every request, so last_used is written at
// most once a minute. It needs no principal in ctx (see FindSession).
func (sv *AccountService) AuthenticateToken(ctx context.Context, secret string) (_ *spotcheck.User, err error) {
	db := sv.db
	defer wrap(&err, "authenticate token")
	invalid := spotcheck.Errorf(spotcheck.EUNAUTHORIZED, msgTokenInvalid)
	if !strings.HasPrefix(secret, tokenPrefix) {
		return nil, invalid
	}
	hash := hashSecret(secret)
	now := db.Now().UTC()
	var u spotcheck.User
	var id int64
	var lastUsed, expiresAt string
	var revoked bool
	err = scanUser(rowFunc(func(dest ...any) error {
		return db.read.QueryRowContext(ctx, `SELECT u.username, u.name, u.dept, u.roles, u.active, u.created_at, u.updated_at, u.staff_id, u.must_change_password,
				k.id, k.last_used, k.expires_at, k.revoked
			FROM api_tokens k JOIN users u ON u.username = k.username
			WHERE k.secret_hash = $1`, hash).Scan(append(dest, &id, &lastUsed, &expiresAt, boolCol{&revoked})...)
	}), &u)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, invalid
	}
	if err != nil {
		return nil, err
	}
	if revoked || !u.Active {
		return nil, invalid
	}
	// Stored timestamps compare as strings; '' (no expiry, which the
	// migration leaves to no token) counts as expired.
	if expiresAt <= stamp(now) {
		return nil, spotcheck.Errorf(spotcheck.EUNAUTHORIZED, msgTokenExpired)
	}
	// '' (never used) is before all.
	if stale := stamp(now.Add(-touchInterval)); lastUsed <= stale {
		// The guard repeats the test, so that concurrent requests write once.
		if _, err := db.write.ExecContext(ctx, `UPDATE api_tokens SET last_used = $1 WHERE id = $2 AND last_used <= $3`,
			stamp(now), id, stale); err != nil {
			return nil, err
		}
	}
	return &u, nil
}
