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
// which user names exist.
const (
	msgLoginFailed  = "用户名或密码错误"
	msgLoginLocked  = "登录失败次数过多，请15分钟后再试"
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
// login_attempts. It refuses without checking the password when, within
// spotcheck.LoginWindow, the user name has had MaxLoginFailures failures
// since its last success, or the address 4×MaxLoginFailures failures (the
// second limit stops one address from trying many names). Refused attempts
// count as failures too, so that a client who keeps trying stays locked
// out.
//
// Unlike other store methods this takes two short transactions: the first
// checks the limits and records the attempt as failed, the bcrypt
// comparison (~60 ms) runs outside any transaction, and the second marks
// the attempt as successful. One transaction around bcrypt would hold
// SQLite's single writer for every sign-in; checking the limits in a
// read-only first step would let parallel guesses all pass before any of
// them was recorded.
func (db *DB) Authenticate(ctx context.Context, username, password, ip string) (*spotcheck.User, error) {
	username, ip = normUsername(username), truncate(ip, 64)
	now := db.Now().UTC()
	var (
		u       *spotcheck.User
		hash    string
		attempt int64
		locked  bool
	)
	err := db.inTx(ctx, func(t *tx) error {
		var err error
		if locked, err = loginLocked(ctx, t, username, ip, now); err != nil {
			return err
		}
		if !locked {
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
		return t.QueryRowContext(ctx, `INSERT INTO login_attempts (username, ip, at, ok) VALUES ($1, $2, $3, 0) RETURNING id`,
			username, ip, stamp(now)).Scan(&attempt)
	})
	if err != nil {
		return nil, err
	}
	if locked {
		return nil, spotcheck.Errorf(spotcheck.EUNAUTHORIZED, msgLoginLocked)
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

// loginLocked reports whether the login limits refuse an attempt at now.
// Failures of a user name count from its last success within the window;
// failures from an address count whatever succeeded in between, since
// one good account must not reset the count of a guessing address. An
// empty address (unknown) is not limited as such. It locks the name and
// the address in login_locks first (see the migration), so that the counts
// it reads cannot change until the attempt is recorded.
func loginLocked(ctx context.Context, t *tx, username, ip string, now time.Time) (bool, error) {
	// Take the name's lock before the address's, always in this order, so
	// that two attempts never wait for each other's lock (no deadlock).
	for _, key := range []string{"user:" + username, "ip:" + ip} {
		if key == "ip:" {
			continue
		}
		if _, err := t.ExecContext(ctx, `INSERT INTO login_locks (key, at) VALUES ($1, $2)
			ON CONFLICT (key) DO UPDATE SET at = excluded.at`, key, stamp(now)); err != nil {
			return false, err
		}
	}
	since := stamp(now.Add(-spotcheck.LoginWindow))
	var byUser int
	err := t.QueryRowContext(ctx, `SELECT count(*) FROM login_attempts
		WHERE username = $1 AND ok = 0 AND at > $2 AND id > (SELECT COALESCE(max(id), 0) FROM login_attempts
			WHERE username = $1 AND ok = 1 AND at > $2)`, username, since).Scan(&byUser)
	if err != nil || byUser >= spotcheck.MaxLoginFailures {
		return err == nil, err
	}
	if ip == "" {
		return false, nil
	}
	var byIP int
	err = t.QueryRowContext(ctx, `SELECT count(*) FROM login_attempts WHERE ip = $1 AND ok = 0 AND at > $2`,
		ip, since).Scan(&byIP)
	return err == nil && byIP >= 4*spotcheck.MaxLoginFailures, err
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
// The user's expired sessions are removed on the way.
func (db *DB) CreateSession(ctx context.Context, username string) (string, error) {
	username = normUsername(username)
	token := newSecret(32)
	now := db.Now().UTC()
	err := db.inTx(ctx, func(t *tx) error {
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

// FindSession returns the unexpired session of a token and its user, who
// must be active. It runs on every request, so it only reads, except that
// last_seen is written when it is a minute or more old.
func (db *DB) FindSession(ctx context.Context, token string) (*spotcheck.Session, *spotcheck.User, error) {
	ended := spotcheck.Errorf(spotcheck.EUNAUTHORIZED, msgSessionEnded)
	if token == "" {
		return nil, nil, ended
	}
	hash := hashSecret(token)
	now := db.Now().UTC()
	var s spotcheck.Session
	var u spotcheck.User
	var lastSeen time.Time
	err := scanUser(rowFunc(func(dest ...any) error {
		return db.read.QueryRowContext(ctx, `SELECT u.username, u.name, u.dept, u.roles, u.active, u.created_at, u.updated_at,
				s.created_at, s.expires_at, s.last_seen
			FROM sessions s JOIN users u ON u.username = s.username
			WHERE s.token_hash = $1`, hash).Scan(append(dest, timeCol{&s.CreatedAt}, timeCol{&s.ExpiresAt}, timeCol{&lastSeen})...)
	}), &u)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, ended
	}
	if err != nil {
		return nil, nil, err
	}
	if !now.Before(s.ExpiresAt) || !u.Active {
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
// token is the authority; an unknown token is not an error.
func (db *DB) DeleteSession(ctx context.Context, token string) error {
	return db.inTx(ctx, func(t *tx) error {
		_, err := t.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = $1`, hashSecret(token))
		return err
	})
}

// DeleteUserSessions ends every session of a user (“sign out everywhere”).
// Users may do so for themselves; others' need PermManageUsers.
func (db *DB) DeleteUserSessions(ctx context.Context, username string) error {
	username = normUsername(username)
	if err := authorizeSelf(ctx, username); err != nil {
		return err
	}
	return db.inTx(ctx, func(t *tx) error {
		if _, err := findUser(ctx, t, username); err != nil {
			return err
		}
		_, err := t.ExecContext(ctx, `DELETE FROM sessions WHERE username = $1`, username)
		return err
	})
}

// FindLoginAttempts returns one page of sign-in attempts, newest first, for
// the security and audit admins. The total stops counting at
// spotcheck.MaxCount.
func (db *DB) FindLoginAttempts(ctx context.Context, offset, limit int) (spotcheck.List[spotcheck.LoginAttempt], error) {
	var out spotcheck.List[spotcheck.LoginAttempt]
	if p := spotcheck.PrincipalFromContext(ctx); p != nil && !p.Has(spotcheck.PermManageUsers) {
		if err := p.Authorize(spotcheck.PermViewAudit, ""); err != nil {
			return out, err
		}
	}
	out.Offset, out.Limit = max(offset, 0), limit
	if out.Limit <= 0 || out.Limit > 1000 {
		out.Limit = 20
	}
	err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM login_attempts LIMIT $1) c`,
		spotcheck.MaxCount+1).Scan(&out.Total)
	if err != nil {
		return out, err
	}
	if out.Total > spotcheck.MaxCount {
		out.Total, out.More = spotcheck.MaxCount, true
	}
	rows, err := db.read.QueryContext(ctx, fmt.Sprintf(`SELECT username, ip, at, ok FROM login_attempts
		ORDER BY id DESC LIMIT %d OFFSET %d`, out.Limit, out.Offset))
	if err != nil {
		return out, err
	}
	defer rows.Close()
	for rows.Next() {
		var a spotcheck.LoginAttempt
		if err := rows.Scan(&a.Username, &a.IP, timeCol{&a.At}, boolCol{&a.OK}); err != nil {
			return out, err
		}
		out.Items = append(out.Items, a)
	}
	return out, rows.Err()
}
