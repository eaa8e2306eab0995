-- Publication of a draw without its result (spec/draw-v1.md §8 and §9,
-- amendment 1): at the embargo's end the result record stays sealed to the
-- public, and a publication record in the clear names published.tsv (the
-- selected entities with their tickets, without strata) by count and
-- digest. published holds published.tsv, publication_index the index of
-- the publication entry in the log. Draws published before the amendment
-- get theirs when the program next starts with its log key
-- (DB.PublishOldDraws).
ALTER TABLE draws ADD COLUMN published TEXT NOT NULL DEFAULT '';
ALTER TABLE draws ADD COLUMN publication_index BIGINT;
