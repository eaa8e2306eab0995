-- Joint visits (issue 10 item 4, spotcheck.Visit): when the draws of
-- several departments' tasks select one entity in overlapping windows, the
-- platform proposes one visit, which the lead department accepts or
-- declines. A visit is keyed by its lead part (the first draw's id) and
-- the entity, so that a detection run loads its proposals in bulk; a
-- selection (draw, entity) belongs to one visit at most, so a declined
-- proposal is not proposed again. Nothing is deleted: the decision is a
-- state, a date, a notice number and the frozen checklist and team.
CREATE TABLE visits (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    lead_draw    BIGINT NOT NULL,
    entity_id    TEXT NOT NULL,
    year         TEXT NOT NULL,
    lead         TEXT NOT NULL,
    start_day    TEXT NOT NULL,
    end_day      TEXT NOT NULL,
    state        TEXT NOT NULL,
    visit_date   TEXT NOT NULL DEFAULT '',
    notice       TEXT NOT NULL DEFAULT '',
    checklist    TEXT NOT NULL DEFAULT '',
    team         TEXT NOT NULL DEFAULT '',
    note         TEXT NOT NULL DEFAULT '',
    proposed_at  TEXT NOT NULL,
    decided_by   TEXT NOT NULL DEFAULT '',
    decided_at   TEXT NOT NULL DEFAULT '',
    UNIQUE (lead_draw, entity_id)
);
CREATE INDEX visits_year ON visits (year, state, id);

-- The tasks of a visit: each drawn selection with its department, items
-- (comma-separated) and the inspectors its draw assigned.
CREATE TABLE visit_parts (
    lead_draw   BIGINT NOT NULL,
    entity_id   TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    draw_id     BIGINT NOT NULL,
    task        TEXT NOT NULL,
    dept        TEXT NOT NULL,
    items       TEXT NOT NULL,
    inspectors  TEXT NOT NULL,
    PRIMARY KEY (lead_draw, entity_id, seq),
    UNIQUE (draw_id, entity_id)
);
CREATE INDEX visit_parts_task ON visit_parts (task, lead_draw);
