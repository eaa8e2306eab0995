-- Account security (issue 8): sign-in back-off instead of a hard lock,
-- API token expiry, password history and the security policy setting.

-- An attempt refused by the login limits, its password unchecked: kept
-- for the audit admin, never counted as a failure, so that trying again
-- during a back-off neither extends it nor keeps an account locked.
ALTER TABLE login_attempts ADD COLUMN refused INTEGER NOT NULL DEFAULT 0;

-- The security admin's unlock of a user name ("user:NAME"): failures up
-- to this attempt id are no longer counted.
ALTER TABLE login_locks ADD COLUMN reset_id INTEGER NOT NULL DEFAULT 0;

-- Every token expires; tokens made before expiry existed get 90 days
-- (DefaultTokenDays) from this migration.
ALTER TABLE api_tokens ADD COLUMN expires_at TEXT NOT NULL DEFAULT '';
UPDATE api_tokens SET expires_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '+90 days');

-- The bcrypt hashes of the passwords a user has had, the current one
-- included, so that a new password is none of the last
-- SecurityPolicy.PasswordHistory. Seeded with each current password.
CREATE TABLE password_history (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    username      TEXT NOT NULL REFERENCES users (username),
    password_hash TEXT NOT NULL,
    created_at    TEXT NOT NULL
);
CREATE INDEX password_history_user ON password_history (username, id);
INSERT INTO password_history (username, password_hash, created_at)
    SELECT username, password_hash, updated_at FROM users ORDER BY username;
