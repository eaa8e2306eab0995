-- The entity representative's signatures of an inspection's 现场检查笔录
-- (spotcheck.Signature), each row one signature or one refusal (拒签),
-- never changed or deleted: revision and digest name the record as it
-- stood when signed, so that a later edit shows the signature as stale.
-- sha256 is the drawn image, an attachment the inspection cites; NULL for
-- a refusal. held_by is the account that held the phone, staff_id the
-- team member it is.
CREATE TABLE inspection_signatures (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    inspection_id   BIGINT NOT NULL REFERENCES inspections (id),
    revision        INTEGER NOT NULL,
    digest          TEXT NOT NULL,
    refused         INTEGER NOT NULL DEFAULT 0,
    signer          TEXT NOT NULL,
    role            TEXT NOT NULL,
    note            TEXT NOT NULL,
    sha256          TEXT REFERENCES attachments (sha256),
    held_by         TEXT NOT NULL,
    staff_id        TEXT NOT NULL,
    at              TEXT NOT NULL
);
CREATE INDEX inspection_signatures_inspection ON inspection_signatures (inspection_id, id);
