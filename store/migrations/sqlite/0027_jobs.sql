-- Scheduled jobs (issue 13, items 4 and 6). One row per job that a
-- server registered: its schedule (spotcheck.JobSchedule.Spec), when it
-- is next due, and its lease: the server (holder) running it holds the
-- row until lease_until, renewing it while the job runs, so that several
-- servers on one database run it once per schedule and a server that
-- dies loses it when the lease runs out. lease_seq grows with every
-- claim and fences the holder's renewals and outcome: a server whose
-- lease was taken over writes nothing. run_id is the holder's job_runs
-- row. requested_by/requested_at: an administrator's "run now" waiting
-- to be taken ('' when none). Times are RFC 3339 UTC text.
CREATE TABLE jobs (
    name          TEXT PRIMARY KEY,
    title         TEXT NOT NULL,
    schedule      TEXT NOT NULL,
    next_due      TEXT NOT NULL,
    holder        TEXT NOT NULL DEFAULT '',
    lease_until   TEXT NOT NULL DEFAULT '',
    lease_seq     INTEGER NOT NULL DEFAULT 0,
    run_id        INTEGER NOT NULL DEFAULT 0,
    requested_by  TEXT NOT NULL DEFAULT '',
    requested_at  TEXT NOT NULL DEFAULT ''
);

-- Every run of a job, never deleted: the server (instance) that ran it,
-- who asked for it (requested_by, '' for a scheduled run), when it
-- started and finished, its outcome (spotcheck.JobOK…), the error of a
-- failed run and what it counted (a JSON object of integers).
CREATE TABLE job_runs (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    job           TEXT NOT NULL REFERENCES jobs (name),
    instance      TEXT NOT NULL,
    requested_by  TEXT NOT NULL DEFAULT '',
    started_at    TEXT NOT NULL,
    finished_at   TEXT NOT NULL DEFAULT '',
    outcome       TEXT NOT NULL,
    error         TEXT NOT NULL DEFAULT '',
    counts        TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX job_runs_job ON job_runs (job, id);
