-- The departments' 一细则 (issue 12, item 4; spotcheck.RulesDoc): each
-- version of a department's implementing rules (rules) and workflow
-- (workflow) as its admin wrote them, numbered clauses. A version is
-- never updated; a new version is a new row and the old rows stay
-- listed on the portal. params holds the enforced parameters' values
-- (JSON, spotcheck.RuleParam) when the version was published, so that a
-- later change of a setting shows against what the text was written for;
-- log_index and digest name its entry in the log.
CREATE TABLE rules_docs (
    dept            TEXT NOT NULL,
    version         INTEGER NOT NULL,
    title           TEXT NOT NULL,
    rules           TEXT NOT NULL,
    workflow        TEXT NOT NULL,
    effective_from  TEXT NOT NULL,
    note            TEXT NOT NULL DEFAULT '',
    params          TEXT NOT NULL,
    log_index       BIGINT NOT NULL,
    digest          TEXT NOT NULL,
    published_by    TEXT NOT NULL,
    published_at    TEXT NOT NULL,
    PRIMARY KEY (dept, version)
);
