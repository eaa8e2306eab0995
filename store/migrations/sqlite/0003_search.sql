-- Entity search (design §4). Every entity gets seq, a number the store
-- hands out in order of entry (from the counters row entity_seq), and
-- name_key, its name as searches compare it: ASCII lower-cased, full-width
-- forms folded to half-width (store/search.go, searchKey). The search index
-- holds the distinct bigrams (two-character windows) of name_key per seq.
--
-- On SQLite the index is a contentless FTS5 table whose rowid is the seq
-- and whose one column lists every bigram in order, each hex-encoded so
-- that the ascii tokenizer takes it as one term: a phrase of bigrams then
-- matches a substring exactly. A table of (token, entity) rows was
-- measured first: 1M entities made 15.4M rows that took 111 s to insert
-- through the driver; FTS5, with its compressed doclists, adds 11 s to
-- the import of 1M entities from CSV (42 s against 31 s without search).

ALTER TABLE entities ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE entities ADD COLUMN name_key TEXT NOT NULL DEFAULT '';

-- Existing rows: seq in rowid order, name_key close to searchKey (lower()
-- and the full-width parentheses; a save or re-import gives the exact key).
UPDATE entities SET seq = rowid, name_key = lower(replace(replace(name, '（', '('), '）', ')'));
CREATE UNIQUE INDEX entities_seq ON entities (seq);

CREATE TABLE counters (
    name   TEXT PRIMARY KEY,
    value  INTEGER NOT NULL
);
INSERT INTO counters (name, value) SELECT 'entity_seq', coalesce(max(seq), 0) FROM entities;

CREATE VIRTUAL TABLE entity_fts USING fts5(tokens, content='', contentless_delete=1, tokenize='ascii');

-- The text ends with the owning department as the term zz<hex(code)>, so
-- that a search within a user's departments is answered by the index.
WITH RECURSIVE w (seq, s, i, dept) AS (
    SELECT seq, name_key, 1, dept FROM entities WHERE length(name_key) >= 2
    UNION ALL
    SELECT seq, s, i + 1, dept FROM w WHERE i + 2 <= length(s)
)
INSERT INTO entity_fts (rowid, tokens)
SELECT seq, group_concat(hex(substr(s, i, 2)), ' ' ORDER BY i) || ' zz' || hex(dept) FROM w GROUP BY seq;
