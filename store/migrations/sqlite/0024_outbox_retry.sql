-- The outbox's worker and its administrator (issue 12, item 5).
-- retry_base: the attempts a record had when an administrator last made
-- it pending again; it is dead when attempts - retry_base reaches the
-- policy's maximum. attempts itself only grows: the worker's claim
-- increments it and the worker records the outcome only where attempts
-- is still the value it claimed, so a worker whose lease ran out cannot
-- overwrite a later worker's outcome.
ALTER TABLE outbox ADD COLUMN retry_base INTEGER NOT NULL DEFAULT 0;

-- What an administrator did to the outbox (a retry of one dead record or
-- of all), by whom and why; nothing in the outbox is deleted.
CREATE TABLE outbox_event (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    outbox_id  BIGINT NOT NULL REFERENCES outbox (id),
    action     TEXT NOT NULL,
    actor      TEXT NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    at         TEXT NOT NULL
);
CREATE INDEX outbox_event_outbox ON outbox_event (outbox_id, id);
