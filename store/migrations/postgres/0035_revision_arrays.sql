-- A revision keeps its results and findings as JSON arrays of their own
-- beside its content (store/inspection.go, revisionArrays; written with
-- the content): the dashboard's charts of results and hit rates unfold
-- these short arrays instead of the whole content of 100,000 revisions
-- (docs/performance.md, the statistics dashboard).
ALTER TABLE inspection_revisions ADD COLUMN results TEXT NOT NULL DEFAULT '[]';
ALTER TABLE inspection_revisions ADD COLUMN findings TEXT NOT NULL DEFAULT '[]';
UPDATE inspection_revisions SET
    results = COALESCE(NULLIF(CAST(content AS jsonb) -> 'results', 'null'::jsonb), '[]'::jsonb)::text,
    findings = COALESCE(NULLIF(CAST(content AS jsonb) -> 'findings', 'null'::jsonb), '[]'::jsonb)::text
WHERE content LIKE '{%';
