-- The follow-ups of approved inspections (spotcheck.FollowUp): made in
-- the transaction that approves the inspection, one per inspection and
-- kind (an approved correction starts only the kinds it did not have).
-- The columns up to created_at never change; seq, dept and state are the
-- last event's, kept here for the lists and the completion rate. team is
-- the inspection's ",a,b," list, results a "a,b" list of result codes.
CREATE TABLE followups (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    inspection_id   INTEGER NOT NULL REFERENCES inspections (id),
    revision        INTEGER NOT NULL,
    kind            TEXT NOT NULL,
    task            TEXT NOT NULL,
    entity_id       TEXT NOT NULL,
    insp_dept       TEXT NOT NULL,
    team            TEXT NOT NULL,
    results         TEXT NOT NULL,
    due             TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    seq             INTEGER NOT NULL,
    dept            TEXT NOT NULL,
    state           TEXT NOT NULL,
    UNIQUE (inspection_id, kind)
);
CREATE INDEX followups_dept ON followups (dept, state);
CREATE INDEX followups_task ON followups (task, state);

-- The events of a follow-up, appended and never changed: body is the
-- JSON of the follow-up as it stood after the event (department,
-- measures, other, state, closing date and note).
CREATE TABLE followup_events (
    followup_id  INTEGER NOT NULL REFERENCES followups (id),
    seq          INTEGER NOT NULL,
    action       TEXT NOT NULL,
    body         TEXT NOT NULL,
    actor        TEXT NOT NULL,
    at           TEXT NOT NULL,
    PRIMARY KEY (followup_id, seq)
);
-- The database itself refuses to change or remove an event.
CREATE TRIGGER followup_events_append_only BEFORE UPDATE ON followup_events BEGIN SELECT RAISE(ABORT, 'followup_events are append-only'); END;
CREATE TRIGGER followup_events_kept BEFORE DELETE ON followup_events BEGIN SELECT RAISE(ABORT, 'followup_events are append-only'); END;
