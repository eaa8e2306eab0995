-- The risk model's versions and the reclassification runs (issue 14,
-- item 2; spotcheck.RiskService, store/risk.go and store/risk_run.go).
--
-- risk_models keeps each loaded model file as it was loaded, with its
-- SHA-256: the reviewed text is what a run cites. A version is never
-- changed; a changed model is a new version.
CREATE TABLE risk_models (
    version         TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    effective_from  TEXT NOT NULL,
    file_text       TEXT NOT NULL,
    sha256          TEXT NOT NULL,
    loaded_by       TEXT NOT NULL,
    loaded_at       TEXT NOT NULL
);
CREATE INDEX risk_models_effective ON risk_models (effective_from, loaded_at);

-- One row per run: the model and department scope, the day scored, the
-- state (spotcheck.RiskRun…), the counts and the summary (JSON of
-- spotcheck.RiskRunSummary). base_seq is risk_state.applied_seq when the
-- preview started and applied_seq the value an apply gave it: a run whose
-- base_seq is no longer current is stale. At most one run is computing at
-- a time (the partial unique index), whichever server runs it.
CREATE TABLE risk_runs (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    model        TEXT NOT NULL REFERENCES risk_models (version),
    dept         TEXT NOT NULL REFERENCES departments (code),
    day          TEXT NOT NULL,
    state        TEXT NOT NULL,
    base_seq     INTEGER NOT NULL,
    applied_seq  INTEGER NOT NULL DEFAULT 0,
    entities     INTEGER NOT NULL DEFAULT 0,
    moves        INTEGER NOT NULL DEFAULT 0,
    summary      TEXT NOT NULL DEFAULT '',
    error        TEXT NOT NULL DEFAULT '',
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    applied_by   TEXT NOT NULL DEFAULT '',
    applied_at   TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX risk_runs_running ON risk_runs (state) WHERE state = 'running';

-- The one row that orders the applied runs: each apply moves applied_seq
-- on from the run's base_seq, which also serialises two applies.
CREATE TABLE risk_state (
    id           INTEGER PRIMARY KEY,
    applied_seq  INTEGER NOT NULL
);
INSERT INTO risk_state (id, applied_seq) VALUES (1, 0);

-- Each entity's assessment in a run: the facts it was scored on (the
-- page reproduces the contributions from them with the run's model),
-- its class and key flag before and after, and whether it moves. Derived
-- data: the rows of a run that is never applied are removed when it goes
-- stale or fails, and an applied run's row of an entity replaces the
-- entity's row of an earlier applied run.
CREATE TABLE entity_risk (
    run_id          INTEGER NOT NULL REFERENCES risk_runs (id),
    entity_id       TEXT NOT NULL,
    type            TEXT NOT NULL,
    key_item        INTEGER NOT NULL,
    founded         TEXT NOT NULL,
    last_inspected  TEXT NOT NULL,
    adverse         INTEGER NOT NULL,
    open_followups  INTEGER NOT NULL,
    abnormal        INTEGER NOT NULL,
    complaints      INTEGER NOT NULL,
    penalties       INTEGER NOT NULL,
    score           INTEGER NOT NULL,
    class           TEXT NOT NULL,
    key_flag        INTEGER NOT NULL,
    old_class       TEXT NOT NULL,
    old_key         INTEGER NOT NULL,
    moved           INTEGER NOT NULL,
    PRIMARY KEY (run_id, entity_id)
);
CREATE INDEX entity_risk_entity ON entity_risk (entity_id, run_id);

-- The moves an applied run made, one per entity, appended and never
-- changed: the class and key flag before and after, the score, why
-- (the class explanation and the key-list reason) and the model.
CREATE TABLE risk_changes (
    run_id     INTEGER NOT NULL REFERENCES risk_runs (id),
    entity_id  TEXT NOT NULL,
    old_class  TEXT NOT NULL,
    new_class  TEXT NOT NULL,
    old_key    INTEGER NOT NULL,
    new_key    INTEGER NOT NULL,
    score      INTEGER NOT NULL,
    reason     TEXT NOT NULL,
    model      TEXT NOT NULL,
    at         TEXT NOT NULL,
    PRIMARY KEY (run_id, entity_id)
);
CREATE INDEX risk_changes_entity ON risk_changes (entity_id, run_id);
-- The database itself refuses to change or remove a recorded move.
CREATE TRIGGER risk_changes_append_only BEFORE UPDATE ON risk_changes BEGIN SELECT RAISE(ABORT, 'risk_changes are append-only'); END;
CREATE TRIGGER risk_changes_kept BEFORE DELETE ON risk_changes BEGIN SELECT RAISE(ABORT, 'risk_changes are append-only'); END;
