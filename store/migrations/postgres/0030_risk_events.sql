-- Complaints (投诉举报) and administrative penalties (行政处罚): the imported
-- inputs of the risk model's complaints and penalties factors (issue 14,
-- docs/risk-model.md §5). Each concerns an entity of the directory and is
-- kept by the department that recorded it; a complaint's number is unique
-- within its receiving department, a penalty's 决定书文号 everywhere.
-- Rows are never deleted: active = 0 withdraws one.
CREATE TABLE complaints (
    dept        TEXT NOT NULL REFERENCES departments (code),
    number      TEXT NOT NULL,
    entity_id   TEXT NOT NULL REFERENCES entities (id),
    received    TEXT NOT NULL,
    channel     TEXT NOT NULL,
    summary     TEXT NOT NULL,
    outcome     TEXT NOT NULL,
    active      INTEGER NOT NULL DEFAULT 1,
    version     INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (dept, number)
);
CREATE INDEX complaints_entity ON complaints (entity_id, received);
CREATE INDEX complaints_received ON complaints (received);

CREATE TABLE penalties (
    number      TEXT PRIMARY KEY,
    dept        TEXT NOT NULL REFERENCES departments (code),
    entity_id   TEXT NOT NULL REFERENCES entities (id),
    decided     TEXT NOT NULL,
    cause       TEXT NOT NULL,
    legal_basis TEXT NOT NULL,
    kinds       TEXT NOT NULL,
    amount      TEXT NOT NULL DEFAULT '',
    active      INTEGER NOT NULL DEFAULT 1,
    version     INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX penalties_entity ON penalties (entity_id, decided);
CREATE INDEX penalties_decided ON penalties (decided);
