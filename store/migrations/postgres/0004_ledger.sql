-- The append-only log of spec/draw-v1.md §8 (package ledger, store/ledger.go).
-- Nothing here is ever updated or deleted except the head's size and the
-- publication of a sealed record. Times are TEXT RFC 3339 UTC.

-- The one row that appends lock (single writer) and the log's size.
CREATE TABLE log_head (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    size  BIGINT NOT NULL
);
INSERT INTO log_head (id, size) VALUES (1, 0);

-- Entry idx (0-based): the canonical JSON bytes of ledger.EncodeEntry.
CREATE TABLE log_entries (
    idx    BIGINT PRIMARY KEY,
    entry  BYTEA NOT NULL
);

-- The tree's hashes in tlog's stored-hash layout: idx = tlog.StoredHashIndex.
CREATE TABLE log_hashes (
    idx   BIGINT PRIMARY KEY,
    hash  BYTEA NOT NULL
);

-- The signed checkpoint (a note) of every size the log was committed at.
CREATE TABLE log_checkpoints (
    size        BIGINT PRIMARY KEY,
    note        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

-- Records logged sealed (their digest only) and kept here until their
-- embargo ends; published_at and unseal_index are set when they are
-- published (served at /log/records/<sha256>).
CREATE TABLE log_records (
    sha256        TEXT PRIMARY KEY,
    record        TEXT NOT NULL,
    body          BYTEA NOT NULL,
    sealed_index  BIGINT NOT NULL,
    unseal_index  BIGINT,
    published_at  TEXT
);
