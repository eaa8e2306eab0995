-- Manual overrides of an entity's credit class and key-list membership
-- (人工调整; issue 14, item 2; spotcheck.RiskOverride, store/risk_override.go).
--
-- Append-only: a row of kind 'override' sets a class and key flag for a
-- reason until expires (the class and key flag the entity had before are
-- kept to return to); a row of kind 'revoke' or 'expire' ends the
-- override override_id names, for its reason, and run_id is the
-- reclassification run that returned an expired one to the model's class.
-- An override ends once (the unique index). The triggers refuse any
-- change or removal.
CREATE TABLE risk_overrides (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    kind            TEXT NOT NULL CHECK (kind IN ('override', 'revoke', 'expire')),
    override_id     INTEGER REFERENCES risk_overrides (id),
    entity_id       TEXT NOT NULL,
    dept            TEXT NOT NULL,
    class           TEXT NOT NULL DEFAULT '',
    key_flag        INTEGER NOT NULL DEFAULT 0,
    reason          TEXT NOT NULL,
    expires         TEXT NOT NULL DEFAULT '',
    old_class       TEXT NOT NULL DEFAULT '',
    old_key         INTEGER NOT NULL DEFAULT 0,
    old_key_reason  TEXT NOT NULL DEFAULT '',
    old_key_expiry  TEXT NOT NULL DEFAULT '',
    run_id          INTEGER,
    by_user         TEXT NOT NULL,
    at              TEXT NOT NULL
);
CREATE INDEX risk_overrides_entity ON risk_overrides (entity_id, id);
CREATE INDEX risk_overrides_open ON risk_overrides (kind, expires);
CREATE UNIQUE INDEX risk_overrides_ended ON risk_overrides (override_id) WHERE override_id IS NOT NULL;
CREATE TRIGGER risk_overrides_append_only BEFORE UPDATE ON risk_overrides BEGIN SELECT RAISE(ABORT, 'risk_overrides are append-only'); END;
CREATE TRIGGER risk_overrides_kept BEFORE DELETE ON risk_overrides BEGIN SELECT RAISE(ABORT, 'risk_overrides are append-only'); END;
