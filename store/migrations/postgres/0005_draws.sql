-- Tasks as far as a draw needs them, and the draws (spec/draw-v1.md):
-- the frozen input files, commit–reveal, the result and its picks, and the
-- later events. Plans, results and events are never edited; a draw's
-- state moves forward only, and a re-draw is a new row naming the old one.

CREATE TABLE tasks (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    authority   TEXT NOT NULL REFERENCES departments (code),
    year        TEXT NOT NULL,
    body        TEXT NOT NULL,  -- the whole task as JSON
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

-- The departments of a task (authority and partners), for scoping.
CREATE TABLE task_depts (
    task  TEXT NOT NULL REFERENCES tasks (code),
    dept  TEXT NOT NULL,
    PRIMARY KEY (task, dept)
);
CREATE INDEX task_depts_dept ON task_depts (dept, task);

CREATE TABLE task_items (
    task  TEXT NOT NULL REFERENCES tasks (code),
    item  TEXT NOT NULL,
    PRIMARY KEY (task, item)
);
CREATE INDEX task_items_item ON task_items (item, task);

CREATE TABLE draws (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    task             TEXT NOT NULL REFERENCES tasks (code),
    authority        TEXT NOT NULL,
    year             TEXT NOT NULL,
    plan_hash        TEXT NOT NULL UNIQUE,
    state            TEXT NOT NULL,
    supersedes       BIGINT,
    superseded_by    BIGINT,
    reason           TEXT NOT NULL DEFAULT '',
    plan             TEXT NOT NULL,
    frame            TEXT NOT NULL,
    exclusions       TEXT NOT NULL,
    roster           TEXT NOT NULL,
    conflicts        TEXT NOT NULL,
    system_secret    TEXT NOT NULL,  -- the platform's secret, until the reveal
    randomness       TEXT NOT NULL DEFAULT '',
    result           TEXT NOT NULL DEFAULT '',
    selected         TEXT NOT NULL DEFAULT '',
    assignment       TEXT NOT NULL DEFAULT '',
    seed             TEXT NOT NULL DEFAULT '',
    unassigned       INTEGER NOT NULL DEFAULT 0,
    plan_index       BIGINT NOT NULL,
    randomness_index BIGINT,
    result_index     BIGINT,
    randomness_sha   TEXT NOT NULL DEFAULT '',
    result_sha       TEXT NOT NULL DEFAULT '',
    created_by       TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    drawn_at         TEXT NOT NULL DEFAULT '',
    published_at     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX draws_task ON draws (task, id);
CREATE INDEX draws_authority ON draws (authority, year, state);

CREATE TABLE draw_commits (
    draw_id      BIGINT NOT NULL REFERENCES draws (id),
    participant  TEXT NOT NULL,
    commitment   TEXT NOT NULL DEFAULT '',
    committed_at TEXT NOT NULL DEFAULT '',
    log_index    BIGINT,
    secret       TEXT NOT NULL DEFAULT '',
    revealed_at  TEXT NOT NULL DEFAULT '',
    withheld     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (draw_id, participant)
);

-- Selected (reserve = 0) and reserve entities of a drawn draw; inspectors
-- comma-separated in slot order, '' when unassigned (or a reserve).
CREATE TABLE draw_picks (
    draw_id     BIGINT NOT NULL REFERENCES draws (id),
    stratum     TEXT NOT NULL,
    rank        INTEGER NOT NULL,
    entity_id   TEXT NOT NULL,
    ticket      TEXT NOT NULL,
    reserve     INTEGER NOT NULL,
    inspectors  TEXT NOT NULL DEFAULT '',
    replaced    INTEGER NOT NULL DEFAULT 0,
    promoted    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (draw_id, stratum, rank)
);
CREATE INDEX draw_picks_entity ON draw_picks (entity_id, draw_id);

CREATE TABLE draw_changes (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    draw_id       BIGINT NOT NULL REFERENCES draws (id),
    kind          TEXT NOT NULL,
    entity_id     TEXT NOT NULL,
    inspector     TEXT NOT NULL DEFAULT '',
    new_inspector TEXT NOT NULL DEFAULT '',
    inspectors    TEXT NOT NULL DEFAULT '',
    reason        TEXT NOT NULL,
    note          TEXT NOT NULL DEFAULT '',
    state         TEXT NOT NULL,
    requested_by  TEXT NOT NULL,
    requested_at  TEXT NOT NULL,
    decided_by    TEXT NOT NULL DEFAULT '',
    decided_at    TEXT NOT NULL DEFAULT '',
    decision_note TEXT NOT NULL DEFAULT '',
    log_index     BIGINT,
    record_sha    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX draw_changes_draw ON draw_changes (draw_id, id);
