package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"golang.org/x/crypto/bcrypt"

	"spotcheck"
)

// The messages of failed sign-ins. One message covers an unknown user, a
// wrong password and a disabled account, so that the form does not tell
// which user names exist; a refusal by the limits says how long to wait
// (spotcheck.LoginRefusedMessage).
const (
	msgLoginFailed  = "用户名或密码错误"
	msgSessionEnded = "登录已过期，请重新登录"
)

// dummyHash is a bcrypt hash (cost 10, like bcryptCost) of a random
// password nobody knows. Authenticate compares against it when the user
// does not exist, so that an unknown name costs the same ~60 ms as a wrong
// password and response times do not reveal which names exist.
const dummyHash = "$2a$10$egV58ZYkpadMJjRP8ymUBOpx/EDb0uyMQAiGISDX4ZK5iXOW5Ia5a"

// touchInterval is how stale last_seen (sessions) and last_used (tokens)
// may get: they are written at most once per interval, not on every request.
const touchInterval = time.Minute

// stamp formats t as the timestamps are stored: RFC 3339 UTC, whole
// seconds. Stored timestamps compare as strings in time order.
func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// Authenticate checks a user's password and records the attempt in
// login_attempts. It refuses without checking the password while the
// user name is in its back-off (spotcheck.LoginDelay after its last
// counted failure) or the address has had spotcheck.MaxAddressFailures
// failures within spotcheck.LoginWindow. A refused attempt is recorded as
// such and not counted, so that trying again during a back-off neither
// extends it nor keeps the account locked.
//
// Unlike other store methods this takes two short transactions: the first
// checks the limits and records the attempt as failed, the bcrypt
// comparison (~60 ms) runs outside any transaction, and the second marks
// the attempt as successful. One transaction around bcrypt would hold
// SQLite's single writer for every sign-in; checking the limits in a
// read-only first step would let parallel guesses all pass before any of
// them was recorded.
//
// It needs no principal in ctx: the password is the proof (see FindSession).
func (sv *AccountService) Authenticate(ctx context.Context, username, password, ip string) (_ *spotcheck.User, err error) {
	db := sv.db
	defer wrap(&err, "authenticate", username)
	username, ip = normUsername(username), truncate(ip, 64)
	now := db.Now().UTC()
	var (
		u       *spotcheck.User
		hash    string
		attempt int64
		wait    time.Duration
	)
	err = db.inTx(ctx, func(t *tx) error {
		var err error
		if wait, err = loginWait(ctx, t, username, ip, now); err != nil {
			return err
		}
		if wait == 0 {
			var user spotcheck.User
			err = scanUser(rowFunc(func(dest ...any) error {
				return t.QueryRowContext(ctx, "SELECT "+userCols+", password_hash FROM users WHERE username = $1",
					username).Scan(append(dest, &hash)...)
			}), &user)
			switch {
			case err == nil:
				u = &user
			case !errors.Is(err, sql.ErrNoRows):
				return err
			}
		}
		refused := 0
		if wait > 0 {
			refused = 1
		}
		return t.QueryRowContext(ctx, `INSERT INTO login_attempts (username, ip, at, ok, refused) VALUES ($1, $2, $3, 0, $4)
			RETURNING id`, username, ip, stamp(now), refused).Scan(&attempt)
	})
	if err != nil {
		return nil, err
	}
	if wait > 0 {
		return nil, spotcheck.Errorf(spotcheck.EUNAUTHORIZED, "%s", spotcheck.LoginRefusedMessage(wait))
	}
	if u == nil {
		hash = dummyHash
	}
	match := bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) == nil
	if !match || u == nil || !u.Active {
		return nil, spotcheck.Errorf(spotcheck.EUNAUTHORIZED, msgLoginFailed)
	}
	if _, err := db.write.ExecContext(ctx, `UPDATE login_attempts SET ok = 1 WHERE id = $1`, attempt); err != nil {
		return nil, err
	}
	return u, nil
}

// loginWait returns how long an attempt at now must wait, 0 when it may
// proceed. It locks the name's and the address's rows of login_locks
// first (see the migration), so that the counts it reads cannot change
// until the attempt is recorded. An empty address (unknown) is not
// limited as such.
func loginWait(ctx context.Context, t *tx, username, ip string, now time.Time) (time.Duration, error) {
	// Take the name's lock before the address's, always in this order, so
	// that two attempts never wait for each other's lock (no deadlock).
	var resetID int64
	if err := t.QueryRowContext(ctx, `INSERT INTO login_locks (key, at) VALUES ($1, $2)
		ON CONFLICT (key) DO UPDATE SET at = excluded.at RETURNING reset_id`, "user:"+username, stamp(now)).Scan(&resetID); err != nil {
		return 0, err
	}
	if ip != "" {
		if _, err := t.ExecContext(ctx, `INSERT INTO login_locks (key, at) VALUES ($1, $2)
			ON CONFLICT (key) DO UPDATE SET at = excluded.at`, "ip:"+ip, stamp(now)); err != nil {
			return 0, err
		}
	}
	l, err := loginLimit(ctx, t, username, resetID, now)
	if err != nil || now.Before(l.Until) {
		return l.Until.Sub(now), err
	}
	if ip == "" {
		return 0, nil
	}
	// The MaxAddressFailures-th latest counted failure of the address
	// within the window: the address may try again when it leaves the
	// window.
	var at string
	err = t.QueryRowContext(ctx, fmt.Sprintf(`SELECT at FROM login_attempts
		WHERE ip = $1 AND ok = 0 AND refused = 0 AND at > $2 ORDER BY at DESC, id DESC LIMIT 1 OFFSET %d`,
		spotcheck.MaxAddressFailures-1), ip, stamp(now.Add(-spotcheck.LoginWindow))).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	oldest, err := time.Parse(time.RFC3339, at)
	if err != nil {
		return 0, err
	}
	return max(oldest.Add(spotcheck.LoginWindow).Sub(now), 0), nil
}

// loginLimit computes the back-off of a user name at now: the failures
// not refused by the limits, after its last success and after resetID
// (the security admin's unlock), within spotcheck.LoginFailureMemory; the
// wait runs from the latest of them.
func loginLimit(ctx context.Context, q querier, username string, resetID int64, now time.Time) (spotcheck.LoginLimit, error) {
	l := spotcheck.LoginLimit{Username: username}
	since := stamp(now.Add(-spotcheck.LoginFailureMemory))
	var last string
	err := q.QueryRowContext(ctx, `SELECT count(*), COALESCE(max(at), '') FROM login_attempts
		WHERE username = $1 AND ok = 0 AND refused = 0 AND at > $2 AND id > $3
			AND id > (SELECT COALESCE(max(id), 0) FROM login_attempts WHERE username = $1 AND ok = 1 AND at > $2)`,
		username, since, resetID).Scan(&l.Failures, &last)
	if err != nil || l.Failures < spotcheck.MaxLoginFailures {
		return l, err
	}
	lastAt, err := time.Parse(time.RFC3339, last)
	if err != nil {
		return l, err
	}
	if until := lastAt.Add(spotcheck.LoginDelay(l.Failures)); now.Before(until) {
		l.Until = until
	}
	return l, nil
}

// FindLoginLimit returns the sign-in back-off of a user name, for the
// security admin's page of the account (PermManageUsers) and the
// auditors (PermViewAudit).
func (sv *AccountService) FindLoginLimit(ctx context.Context, username string) (_ *spotcheck.LoginLimit, err error) {
	db := sv.db
	defer wrap(&err, "find login limit", username)
	username = normUsername(username)
	if err := spotcheck.Authorize(ctx, spotcheck.PermManageUsers, ""); err != nil {
		if spotcheck.Authorize(ctx, spotcheck.PermViewAudit, "") != nil {
			return nil, err
		}
	}
	var resetID int64
	err = db.read.QueryRowContext(ctx, `SELECT reset_id FROM login_locks WHERE key = $1`, "user:"+username).Scan(&resetID)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	l, err := loginLimit(ctx, db.read, username, resetID, db.Now().UTC())
	return &l, err
}

// UnlockLogin lifts the back-off of an existing user: the failures so far
// no longer count (the address limit stays). It needs
// spotcheck.CanUnlockLogin and is recorded as a change of the user with
// action "unlock", the limit before and after.
func (sv *AccountService) UnlockLogin(ctx context.Context, username string) (err error) {
	db := sv.db
	defer wrap(&err, "unlock login", username)
	username = normUsername(username)
	if err := spotcheck.Authorize(ctx, spotcheck.PermManageUsers, ""); err != nil {
		return err
	}
	now := db.Now().UTC()
	return db.inTx(ctx, func(t *tx) error {
		u, err := findUser(ctx, t, username)
		if err != nil {
			return err
		}
		if err := spotcheck.CanUnlockLogin(spotcheck.PrincipalFromContext(ctx), u); err != nil {
			return err
		}
		var resetID int64
		if err := t.QueryRowContext(ctx, `INSERT INTO login_locks (key, at) VALUES ($1, $2)
			ON CONFLICT (key) DO UPDATE SET at = excluded.at RETURNING reset_id`, "user:"+username, stamp(now)).Scan(&resetID); err != nil {
			return err
		}
		before, err := loginLimit(ctx, t, username, resetID, now)
		if err != nil {
			return err
		}
		if _, err := t.ExecContext(ctx, `UPDATE login_locks SET reset_id = (SELECT COALESCE(max(id), 0) FROM login_attempts)
			WHERE key = $1`, "user:"+username); err != nil {
			return err
		}
		return recordAccountChange(ctx, t, "user", username, actionUnlock, &before, &spotcheck.LoginLimit{Username: username})
	})
}

// newSecret returns n random bytes from crypto/rand, base64url-encoded
// without padding.
func newSecret(n int) string {
	b := make([]byte, n)
	rand.Read(b) // never fails (crypto/rand docs, Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b)
}

// hashSecret is the stored form of a session token or API token secret:
// SHA-256, hex. The secrets are 256-bit random, so a fast unsalted hash is
// enough; it only keeps a database dump from being a set of live logins.
func hashSecret(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// CreateSession starts a browser session for an active user and returns
// its token (32 random bytes, base64url), which only the cookie keeps. The
// session ends spotcheck.SessionLifetime after it starts, however active.
// The user's expired sessions are removed on the way. The caller has
// authenticated the user (Authenticate) and carries a principal, the
// public's on the sign-in page.
func (sv *AccountService) CreateSession(ctx context.Context, username string) (_ string, err error) {
	db := sv.db
	defer wrap(&err, "create session", username)
	if _, err := spotcheck.ActingPrincipal(ctx); err != nil {
		return "", err
	}
	username = normUsername(username)
	token := newSecret(32)
	now := db.Now().UTC()
	err = db.inTx(ctx, func(t *tx) error {
		u, err := findUser(ctx, t, username)
		if err != nil {
			return err
		}
		if !u.Active {
			return spotcheck.Errorf(spotcheck.EUNAUTHORIZED, "用户“%s”已停用", username)
		}
		if _, err := t.ExecContext(ctx, `DELETE FROM sessions WHERE username = $1 AND expires_at <= $2`,
			username, stamp(now)); err != nil {
			return err
		}
		_, err = t.ExecContext(ctx, `INSERT INTO sessions (token_hash, username, created_at, expires_at, last_seen)
			VALUES ($1, $2, $3, $4, $3)`, hashSecret(token), username, stamp(now), stamp(now.Add(spotcheck.SessionLifetime)))
		return err
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// FindSession returns the session of a token and its user, who must be
// active. A session ends spotcheck.SessionLifetime after it starts, and
// earlier when unused for the idle timeout of the SecurityPolicy, read in
// the same query. It runs on every request, so it only reads, except that
// last_seen is written when it is touchInterval or more old; the idle
// time is counted from last_seen, so that a session never outlives the
// timeout but may end up to touchInterval (a minute) sooner. Like
// Authenticate and AuthenticateToken it needs no principal in ctx: the
// token is the proof, and this is how a principal is made.
func (sv *AccountService) FindSession(ctx context.Context, token string) (_ *spotcheck.Session, _ *spotcheck.User, err error) {
	db := sv.db
	defer wrap(&err, "find session")
	ended := spotcheck.Errorf(spotcheck.EUNAUTHORIZED, msgSessionEnded)
	if token == "" {
		return nil, nil, ended
	}
	hash := hashSecret(token)
	now := db.Now().UTC()
	var s spotcheck.Session
	var u spotcheck.User
	var lastSeen time.Time
	var policy string
	err = scanUser(rowFunc(func(dest ...any) error {
		return db.read.QueryRowContext(ctx, `SELECT u.username, u.name, u.dept, u.roles, u.active, u.created_at, u.updated_at, u.staff_id, u.must_change_password,
				s.created_at, s.expires_at, s.last_seen,
				COALESCE((SELECT value FROM settings WHERE key = $2), '')
			FROM sessions s JOIN users u ON u.username = s.username
			WHERE s.token_hash = $1`, hash, settingSecurityPolicy).Scan(append(dest, timeCol{&s.CreatedAt}, timeCol{&s.ExpiresAt},
			timeCol{&lastSeen}, &policy)...)
	}), &u)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, ended
	}
	if err != nil {
		return nil, nil, err
	}
	if !now.Before(s.ExpiresAt) || !u.Active || now.Sub(lastSeen) >= parsePolicy(policy).IdleTimeout() {
		return nil, nil, ended
	}
	s.Username = u.Username
	if now.Sub(lastSeen) >= touchInterval {
		// The guard on last_seen keeps concurrent requests from writing twice.
		if _, err := db.write.ExecContext(ctx, `UPDATE sessions SET last_seen = $1 WHERE token_hash = $2 AND last_seen <= $3`,
			stamp(now), hash, stamp(now.Add(-touchInterval))); err != nil {
			return nil, nil, err
		}
	}
	return &s, &u, nil
}

// rowFunc adapts a Scan function to the row interface of scanUser, so that
// a query may scan more columns after the user's.
type rowFunc func(dest ...any) error

func (f rowFunc) Scan(dest ...any) error { return f(dest...) }

// DeleteSession ends the session of a token (signing out). Holding the
// token is the authority, besides a principal; an unknown token is not an
// error.
func (sv *AccountService) DeleteSession(ctx context.Context, token string) (err error) {
	db := sv.db
	defer wrap(&err, "delete session")
	if _, err := spotcheck.ActingPrincipal(ctx); err != nil {
		return err
	}
	return db.inTx(ctx, func(t *tx) error {
		_, err := t.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = $1`, hashSecret(token))
		return err
	})
}

// DeleteUserSessions ends every session of a user (“sign out everywhere”)
// and revokes the user's API tokens, so that whoever took one of them is
// shut out too; the revocations are recorded. Users may do so for
// themselves; others need spotcheck.CanResetCredentials.
func (sv *AccountService) DeleteUserSessions(ctx context.Context, username string) (err error) {
	db := sv.db
	defer wrap(&err, "delete sessions of", username)
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
		return db.recordRefusal(ctx, username, actionSignOut, target, nil, err)
	}
	return db.inTx(ctx, func(t *tx) error {
		u, err := findUser(ctx, t, username)
		if err != nil {
			return err
		}
		if err := spotcheck.CanResetCredentials(p, u); err != nil {
			return err
		}
		if _, err := t.ExecContext(ctx, `DELETE FROM sessions WHERE username = $1`, username); err != nil {
			return err
		}
		_, err = revokeTokens(ctx, t, username)
		return err
	})
}

// FindLoginAttempts returns one page of sign-in attempts, newest first, for
// the security and audit admins. The total stops counting at
// spotcheck.MaxCount.
func (sv *AccountService) FindLoginAttempts(ctx context.Context, offset, limit int) (_ spotcheck.List[spotcheck.LoginAttempt], err error) {
	db := sv.db
	defer wrap(&err, "find login attempts")
	var out spotcheck.List[spotcheck.LoginAttempt]
	p, err := spotcheck.ActingPrincipal(ctx)
	if err != nil {
		return out, err
	}
	if !p.Has(spotcheck.PermManageUsers) {
		if err := p.Authorize(spotcheck.PermViewAudit, ""); err != nil {
			return out, err
		}
	}
	out.Offset, out.Limit = max(offset, 0), limit
	if out.Limit <= 0 || out.Limit > 1000 {
		out.Limit = 20
	}
	err = db.read.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM login_attempts LIMIT $1) c`,
		spotcheck.MaxCount+1).Scan(&out.Total)
	if err != nil {
		return out, err
	}
	if out.Total > spotcheck.MaxCount {
		out.Total, out.More = spotcheck.MaxCount, true
	}
	rows, err := db.read.QueryContext(ctx, fmt.Sprintf(`SELECT username, ip, at, ok, refused FROM login_attempts
		ORDER BY id DESC LIMIT %d OFFSET %d`, out.Limit, out.Offset))
	if err != nil {
		return out, err
	}
	defer rows.Close()
	for rows.Next() {
		var a spotcheck.LoginAttempt
		if err := rows.Scan(&a.Username, &a.IP, timeCol{&a.At}, boolCol{&a.OK}, boolCol{&a.Refused}); err != nil {
			return out, err
		}
		out.Items = append(out.Items, a)
	}
	return out, rows.Err()
}
