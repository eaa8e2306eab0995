-- The idempotency keys of submissions (spotcheck.Submission, issue 11
-- item 7): a phone that sends an offline draft again, or a form posted
-- twice, carries the key the client chose once for that submission. The
-- key is inserted first in the transaction of the step it guards and
-- its answer (the state the step left the record in) written before the
-- commit, so a step is applied at most once: a key already here is a
-- replay, answered with the first answer and changing nothing. A refused
-- step rolls back with its key, which may then be tried again.
CREATE TABLE submissions (
    idem_key    TEXT PRIMARY KEY,
    actor       TEXT NOT NULL,
    kind        TEXT NOT NULL,
    record_key  TEXT NOT NULL,
    action      TEXT NOT NULL,
    answer      TEXT NOT NULL DEFAULT '',
    at          TEXT NOT NULL
);
