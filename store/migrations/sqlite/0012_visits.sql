-- Joint visits (issue 10 item 4, spotcheck.Visit): when the draws of
-- several departments' tasks select one entity in overlapping windows, the
-- platform proposes one visit, which the lead department accepts or
-- declines. A detection may propose some 100,000 visits at once (5 draws
-- of 50,000), so a visit is one row: its parts are the text
-- "draw:inspector,inspector;draw:…" in part order (the draw names the
-- task, its department and items), and draws, depts and tasks are
-- ",a,b," lists for the checks that a selection (draw, entity) belongs to
-- one visit at most and for the departments' scoped lists. Nothing is
-- deleted: the decision is a state, a date, a notice number and the
-- frozen checklist and team.
CREATE TABLE visits (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    entity_id    TEXT NOT NULL,
    year         TEXT NOT NULL,
    lead         TEXT NOT NULL,
    start_day    TEXT NOT NULL,
    end_day      TEXT NOT NULL,
    state        TEXT NOT NULL,
    parts        TEXT NOT NULL,
    draws        TEXT NOT NULL,
    depts        TEXT NOT NULL,
    tasks        TEXT NOT NULL,
    visit_date   TEXT NOT NULL DEFAULT '',
    notice       TEXT NOT NULL DEFAULT '',
    checklist    TEXT NOT NULL DEFAULT '',
    team         TEXT NOT NULL DEFAULT '',
    note         TEXT NOT NULL DEFAULT '',
    proposed_at  TEXT NOT NULL,
    decided_by   TEXT NOT NULL DEFAULT '',
    decided_at   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX visits_year ON visits (year, state, id);
