-- Annual plans (年度抽查计划, issue 10): one row per revision of a
-- department's plan for a year, the whole plan as JSON in body and the
-- columns that lists, scoping and the filing with the department above
-- (上报备案) query. A revision is never edited once published: a change is
-- the next revision, and publishing it marks the one before superseded.
-- The plan's tasks are tasks whose body names the plan (Task.Plan).
CREATE TABLE plans (
    plan_key     TEXT NOT NULL,
    dept         TEXT NOT NULL REFERENCES departments (code),
    year         INTEGER NOT NULL,
    revision     INTEGER NOT NULL,
    state        TEXT NOT NULL,
    filed_with   TEXT NOT NULL DEFAULT '',
    body         TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    published_at TEXT NOT NULL DEFAULT '',
    log_index    BIGINT NOT NULL DEFAULT -1,
    -- the public JSON of a published revision (Plan.Document) as it was
    -- published, whose SHA-256 the ledger record holds; served verbatim.
    document     TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (plan_key, revision)
);
CREATE INDEX plans_dept ON plans (dept, year);
CREATE INDEX plans_filed ON plans (filed_with, state);

-- The compliance check counts a jurisdiction's active, operating entities
-- by department, type, division, credit class and 重点 flag; this index
-- answers that GROUP BY in its own order, without reading the table's rows
-- or sorting them.
CREATE INDEX entities_plan ON entities (active, status, dept, type, division, credit_class, key_flag);
