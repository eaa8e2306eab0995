-- After publication (issue 12, item 3): the enterprise's objections to a
-- published result (异议) and its applications for credit repair
-- (信用修复), filed with the notice's token and decided by an approver of
-- the department. A row is written when filed and changed once, when
-- decided (state pending → upheld or rejected); each step is also a row
-- of changes and, where a public fact changes, a log entry. A granted
-- repair stops the result's display from decided_on; the publication
-- itself is never changed. Days are YYYY-MM-DD in China.
CREATE TABLE objections (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    publication_id  BIGINT NOT NULL REFERENCES publications (id),
    inspection_id   BIGINT NOT NULL REFERENCES inspections (id),
    dept            TEXT NOT NULL,
    task            TEXT NOT NULL,
    entity_id       TEXT NOT NULL,
    reason          TEXT NOT NULL,
    filed_on        TEXT NOT NULL,
    filed_at        TEXT NOT NULL,
    due             TEXT NOT NULL,
    state           TEXT NOT NULL,
    decision        TEXT NOT NULL DEFAULT '',
    decided_by      TEXT NOT NULL DEFAULT '',
    decided_on      TEXT NOT NULL DEFAULT '',
    correction_id   BIGINT NOT NULL DEFAULT 0,
    log_index       BIGINT NOT NULL
);
CREATE INDEX objections_inspection ON objections (inspection_id, id);
CREATE INDEX objections_dept ON objections (dept, state, due);

CREATE TABLE credit_repairs (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    publication_id  BIGINT NOT NULL REFERENCES publications (id),
    inspection_id   BIGINT NOT NULL REFERENCES inspections (id),
    dept            TEXT NOT NULL,
    task            TEXT NOT NULL,
    entity_id       TEXT NOT NULL,
    reason          TEXT NOT NULL,
    filed_on        TEXT NOT NULL,
    filed_at        TEXT NOT NULL,
    state           TEXT NOT NULL,
    decision        TEXT NOT NULL DEFAULT '',
    decided_by      TEXT NOT NULL DEFAULT '',
    decided_on      TEXT NOT NULL DEFAULT '',
    log_index       BIGINT NOT NULL
);
CREATE INDEX credit_repairs_inspection ON credit_repairs (inspection_id, id);
CREATE INDEX credit_repairs_dept ON credit_repairs (dept, state, filed_on);
