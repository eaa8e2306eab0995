-- Entity search on PostgreSQL (store/search.go, store/dialect.go): posting
-- lists read by the application replace the GIN-indexed bigram arrays of
-- 0003, which could not count matches without reading one heap page per
-- match (docs/performance.md, entity search).
--
-- search_postings holds, for each owning department and bigram, the
-- occurrences of the bigram in the name_keys of the department's entities
-- in seq order, cut into blocks: an item is the seq and the two runes on
-- either side of the occurrence. search_terms has the number of items of
-- each list. Both are rebuilt from the entities up to the seq in
-- search_state.built_to; entities added since, and those in search_dirty
-- (renamed or moved since), are matched directly. The first search starts
-- the first build (about 5 s per million entities); until it is done the
-- searches are exact but slow.

DROP TABLE entity_search;

CREATE TABLE search_postings (
    dept      TEXT COLLATE "C" NOT NULL,
    token     TEXT COLLATE "C" NOT NULL,
    last_seq  BIGINT NOT NULL,
    items     BYTEA NOT NULL,
    PRIMARY KEY (dept, token, last_seq)
);
-- Blocks are varints and runes: compression would only cost time.
ALTER TABLE search_postings ALTER COLUMN items SET STORAGE EXTERNAL;

CREATE TABLE search_terms (
    token  TEXT COLLATE "C" NOT NULL,
    dept   TEXT COLLATE "C" NOT NULL,
    items  INTEGER NOT NULL,
    PRIMARY KEY (token, dept)
);

-- built: put there by the build, an entity the postings cannot hold (a
-- rune outside the Basic Multilingual Plane in its name), rather than
-- renamed since.
CREATE TABLE search_dirty (
    seq    BIGINT NOT NULL,
    built  BOOLEAN NOT NULL DEFAULT false
);
CREATE INDEX search_dirty_seq ON search_dirty (seq);

CREATE TABLE search_state (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    built_to  BIGINT NOT NULL
);
INSERT INTO search_state (id, built_to) VALUES (1, 0);
