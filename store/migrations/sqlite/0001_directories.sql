-- The two directories (两库), the two lists (两单), reference data, the
-- change history and users. Booleans are INTEGER 0/1, dates TEXT
-- YYYY-MM-DD, timestamps TEXT RFC 3339 UTC, lists TEXT joined by "、", so
-- that one SQL text serves SQLite and PostgreSQL.

CREATE TABLE target_types (
    code    TEXT PRIMARY KEY,
    name    TEXT NOT NULL UNIQUE,
    person  INTEGER NOT NULL DEFAULT 0,
    active  INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE divisions (
    code    TEXT PRIMARY KEY,
    name    TEXT NOT NULL,
    parent  TEXT NOT NULL DEFAULT ''
);

CREATE TABLE departments (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    parent      TEXT NOT NULL DEFAULT '',
    division    TEXT NOT NULL REFERENCES divisions (code),
    kind        TEXT NOT NULL,
    active      INTEGER NOT NULL DEFAULT 1,
    version     INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

CREATE TABLE entities (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    type          TEXT NOT NULL REFERENCES target_types (code),
    division      TEXT NOT NULL REFERENCES divisions (code),
    address       TEXT NOT NULL DEFAULT '',
    legal_rep     TEXT NOT NULL DEFAULT '',
    licence_no    TEXT NOT NULL DEFAULT '',
    guide_card_no TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL,
    credit_class  TEXT NOT NULL,
    key_flag      INTEGER NOT NULL DEFAULT 0,
    key_reason    TEXT NOT NULL DEFAULT '',
    key_expiry    TEXT NOT NULL DEFAULT '',
    tags          TEXT NOT NULL DEFAULT '',
    founded       TEXT NOT NULL DEFAULT '',
    phone         TEXT NOT NULL DEFAULT '',
    active        INTEGER NOT NULL DEFAULT 1,
    dept          TEXT NOT NULL REFERENCES departments (code),
    version       INTEGER NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
-- (dept, id): a department's entities in code order, for scoped lists
-- and code-prefix searches within a district.
CREATE INDEX entities_dept ON entities (dept, id);
CREATE INDEX entities_division ON entities (division, type);

CREATE TABLE inspectors (
    staff_id    TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    dept        TEXT NOT NULL REFERENCES departments (code),
    cert_no     TEXT NOT NULL DEFAULT '',
    cert_expiry TEXT NOT NULL DEFAULT '',
    lead        INTEGER NOT NULL DEFAULT 0,
    expert      INTEGER NOT NULL DEFAULT 0,
    field       TEXT NOT NULL DEFAULT '',
    title       TEXT NOT NULL DEFAULT '',
    employer    TEXT NOT NULL DEFAULT '',
    specialties TEXT NOT NULL DEFAULT '',
    phone       TEXT NOT NULL DEFAULT '',
    leaves      TEXT NOT NULL DEFAULT '',
    active      INTEGER NOT NULL DEFAULT 1,
    version     INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX inspectors_dept ON inspectors (dept);

CREATE TABLE agencies (
    code          TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    field         TEXT NOT NULL,
    qualification TEXT NOT NULL DEFAULT '',
    contact       TEXT NOT NULL DEFAULT '',
    phone         TEXT NOT NULL DEFAULT '',
    active        INTEGER NOT NULL DEFAULT 1,
    version       INTEGER NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);

-- Items are versioned: a change inserts a new row; latest marks the current
-- version of each code.
CREATE TABLE items (
    code           TEXT NOT NULL,
    version        INTEGER NOT NULL,
    latest         INTEGER NOT NULL DEFAULT 1,
    name           TEXT NOT NULL,
    legal_basis    TEXT NOT NULL DEFAULT '',
    body           TEXT NOT NULL,
    target_types   TEXT NOT NULL DEFAULT '',
    content        TEXT NOT NULL DEFAULT '',
    standards      TEXT NOT NULL DEFAULT '',
    methods        TEXT NOT NULL DEFAULT '',
    ratio          TEXT NOT NULL DEFAULT '',
    frequency      INTEGER NOT NULL DEFAULT 0,
    class          TEXT NOT NULL,
    parent         TEXT NOT NULL DEFAULT '',
    effective_from TEXT NOT NULL,
    effective_to   TEXT NOT NULL DEFAULT '',
    status         TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    PRIMARY KEY (code, version)
);
CREATE INDEX items_latest ON items (latest, code);

CREATE TABLE responsibilities (
    item        TEXT NOT NULL,
    dept        TEXT NOT NULL REFERENCES departments (code),
    role        TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    active      INTEGER NOT NULL DEFAULT 1,
    version     INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (item, dept)
);

CREATE TABLE conflicts (
    staff_id    TEXT NOT NULL REFERENCES inspectors (staff_id),
    entity_id   TEXT NOT NULL REFERENCES entities (id),
    kind        TEXT NOT NULL,
    reason      TEXT NOT NULL,
    valid_from  TEXT NOT NULL,
    valid_to    TEXT NOT NULL DEFAULT '',
    review      TEXT NOT NULL,
    active      INTEGER NOT NULL DEFAULT 1,
    version     INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (staff_id, entity_id, kind)
);
CREATE INDEX conflicts_entity ON conflicts (entity_id);

-- Every change to a directory or list record: who, when, before and after
-- (JSON of the domain record). Creations by import are recorded once per
-- batch in import_batches instead of once per row.
CREATE TABLE changes (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    kind        TEXT NOT NULL,
    record_key  TEXT NOT NULL,
    version     INTEGER NOT NULL,
    action      TEXT NOT NULL,
    actor       TEXT NOT NULL,
    at          TEXT NOT NULL,
    batch       INTEGER,
    before_json TEXT NOT NULL DEFAULT '',
    after_json  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX changes_record ON changes (kind, record_key, id);

CREATE TABLE import_batches (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    kind        TEXT NOT NULL,
    file_name   TEXT NOT NULL,
    actor       TEXT NOT NULL,
    at          TEXT NOT NULL,
    added       INTEGER NOT NULL,
    updated     INTEGER NOT NULL,
    unchanged   INTEGER NOT NULL
);

CREATE TABLE users (
    username      TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    dept          TEXT NOT NULL REFERENCES departments (code),
    roles         TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    active        INTEGER NOT NULL DEFAULT 1,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);

-- Installation-wide settings (key → value), such as the demo marker.
CREATE TABLE settings (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);
