-- The publications of inspection results (issue 12, item 1;
-- spotcheck.Publication). A row is written once, in the transaction that
-- publishes, logs it and enqueues its credit record (outbox), and never
-- changed: a correction is a new row of the same inspection, version one
-- more, naming the publication it corrects and why. original_id is the
-- inspection's first publication (the credit record's key). record is the
-- JSON of the spotcheck.CreditRecord, public fields only. published_on,
-- due and display_until are days in China (YYYY-MM-DD). The portal
-- searches through the entities' search index (store/publication_search.go).
CREATE TABLE publications (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    inspection_id  BIGINT NOT NULL REFERENCES inspections (id),
    revision       INTEGER NOT NULL,
    version        INTEGER NOT NULL,
    original_id    BIGINT NOT NULL,
    corrects       BIGINT NOT NULL DEFAULT 0,
    reason         TEXT NOT NULL DEFAULT '',
    task           TEXT NOT NULL,
    dept           TEXT NOT NULL,
    entity_id      TEXT NOT NULL,
    record         TEXT NOT NULL,
    due            TEXT NOT NULL DEFAULT '',
    published_on   TEXT NOT NULL,
    published_at   TEXT NOT NULL,
    published_by   TEXT NOT NULL,
    display_until  TEXT NOT NULL,
    log_index      BIGINT NOT NULL,
    UNIQUE (inspection_id, version)
);
CREATE INDEX publications_task ON publications (task, id);
CREATE INDEX publications_entity ON publications (entity_id, id);
CREATE INDEX publications_dept ON publications (dept, published_on);

-- How each department publishes (spotcheck.PublishByEntity or
-- PublishByTask); a department without a row publishes by entity.
CREATE TABLE publication_modes (
    dept        TEXT PRIMARY KEY,
    mode        TEXT NOT NULL,
    updated_by  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
