-- Attachments (spotcheck.Attachment, design §4): photos and PDFs, stored
-- once by the SHA-256 of their bytes, with the type decided by content
-- and the size. name, actor and at are those of the first upload. The
-- bytes are the last column, so that reading the metadata does not read
-- the blob's overflow pages.
CREATE TABLE attachments (
    sha256      TEXT PRIMARY KEY,
    type        TEXT NOT NULL,
    size        INTEGER NOT NULL,
    name        TEXT NOT NULL,
    actor       TEXT NOT NULL,
    at          TEXT NOT NULL,
    data        BYTEA NOT NULL
);

-- Which records cite an attachment (kind and key, e.g. "inspection",
-- "42"), each under the name it was uploaded with there: many records may
-- cite one photo, which is stored once. seq keeps the order of citing.
CREATE TABLE attachment_refs (
    seq         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind        TEXT NOT NULL,
    record_key  TEXT NOT NULL,
    sha256      TEXT NOT NULL REFERENCES attachments (sha256),
    name        TEXT NOT NULL,
    actor       TEXT NOT NULL,
    at          TEXT NOT NULL,
    UNIQUE (kind, record_key, sha256)
);
CREATE INDEX attachment_refs_sha256 ON attachment_refs (sha256);

-- Photos and PDFs are compressed already: TOAST stores them out of line
-- without trying pglz on every upload.
ALTER TABLE attachments ALTER COLUMN data SET STORAGE EXTERNAL;
