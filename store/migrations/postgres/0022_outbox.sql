-- The outbox of the credit platform push (issue 12, item 5): a record to
-- send is written in the same transaction as what it reports (a
-- publication, a correction), so that nothing published is ever left
-- unsent and nothing unpublished is ever sent. A worker sends the pending
-- records in id order; idem_key (kind/record_key/version) is what the
-- receiver counts, so a record sent twice is applied once. payload is the
-- JSON body as sent (spotcheck.CreditRecord). state: pending, delivered,
-- dead (gave up after its attempts; an administrator may retry it).
-- next_at is when a pending record may be tried again (backoff);
-- receipt is the receiver's answer to the delivery.
CREATE TABLE outbox (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind        TEXT NOT NULL,
    record_key  TEXT NOT NULL,
    version     INTEGER NOT NULL,
    idem_key    TEXT NOT NULL UNIQUE,
    payload     TEXT NOT NULL,
    state       TEXT NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    next_at     TEXT NOT NULL,
    last_error  TEXT NOT NULL DEFAULT '',
    receipt     TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    sent_at     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX outbox_due ON outbox (state, next_at, id);
