-- The enterprise's side of a visit (issue 11, item 6), filed from the
-- notice's page /v/{token} without signing in.

-- Recusal requests (spotcheck.RecusalRequest): each also records a
-- 申请回避 conflict pending review; the review decides both, and an
-- approval names the draw change it asked for (change_id, NULL for none,
-- with change_note saying why).
CREATE TABLE recusal_requests (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    inspection_id INTEGER NOT NULL REFERENCES inspections (id),
    entity_id     TEXT NOT NULL,
    staff_id      TEXT NOT NULL,
    staff_name    TEXT NOT NULL,
    reason        TEXT NOT NULL,
    contact       TEXT NOT NULL DEFAULT '',
    state         TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    decided_by    TEXT NOT NULL DEFAULT '',
    decided_at    TEXT NOT NULL DEFAULT '',
    note          TEXT NOT NULL DEFAULT '',
    change_id     INTEGER REFERENCES draw_changes (id),
    change_note   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX recusal_requests_inspection ON recusal_requests (inspection_id);
CREATE INDEX recusal_requests_entity ON recusal_requests (entity_id);

-- Proposed visit times (双预约, spotcheck.Appointment), answered by the team.
CREATE TABLE appointments (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    inspection_id INTEGER NOT NULL REFERENCES inspections (id),
    at            TEXT NOT NULL,
    note          TEXT NOT NULL DEFAULT '',
    state         TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    decided_by    TEXT NOT NULL DEFAULT '',
    decided_at    TEXT NOT NULL DEFAULT '',
    reply         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX appointments_inspection ON appointments (inspection_id);

-- Ratings and complaints after a visit (spotcheck.Feedback), one per
-- inspection; contact is '' when anonymous.
CREATE TABLE visit_feedback (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    inspection_id INTEGER NOT NULL UNIQUE REFERENCES inspections (id),
    rating        INTEGER NOT NULL,
    comment       TEXT NOT NULL DEFAULT '',
    complaint     TEXT NOT NULL DEFAULT '',
    anonymous     INTEGER NOT NULL DEFAULT 0,
    contact       TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL
);
