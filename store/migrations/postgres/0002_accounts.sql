-- Sign-in attempts, browser sessions and API tokens of the staff accounts
-- (design §6 Staff). Timestamps are TEXT RFC 3339 UTC in whole seconds, so
-- that comparing them as strings compares the instants; booleans INTEGER 0/1.
-- Secrets are never stored: sessions and tokens keep the SHA-256 (hex) of
-- theirs, which is all a lookup needs.

-- Every sign-in attempt, kept for the login limits and for the audit admin.
-- An attempt is written as failed before its password is checked and set to
-- ok afterwards, so that parallel guesses count at once.
CREATE TABLE login_attempts (
    id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username  TEXT NOT NULL,
    ip        TEXT NOT NULL,
    at        TEXT NOT NULL,
    ok        INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX login_attempts_user ON login_attempts (username, ok, at);
CREATE INDEX login_attempts_ip ON login_attempts (ip, ok, at);

-- One row per user name ("user:NAME") and per address ("ip:ADDR") that has
-- tried to sign in. An attempt upserts its two rows before it counts the
-- failures: on PostgreSQL the row locks make concurrent attempts on the
-- same name or address take turns, so that the limits hold exactly there
-- too (SQLite has a single writer anyway).
CREATE TABLE login_locks (
    key  TEXT PRIMARY KEY,
    at   TEXT NOT NULL
);

CREATE TABLE sessions (
    token_hash  TEXT PRIMARY KEY,
    username    TEXT NOT NULL REFERENCES users (username),
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    last_seen   TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (username);

-- last_used is '' until the token is first used.
CREATE TABLE api_tokens (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username    TEXT NOT NULL REFERENCES users (username),
    name        TEXT NOT NULL,
    secret_hash TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL,
    last_used   TEXT NOT NULL DEFAULT '',
    revoked     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX api_tokens_user ON api_tokens (username, id);
