-- Overrides of the working-day calendar (package workday, design §7): a
-- day off (work = 0, 休) or a working day (work = 1, 班) that the system
-- administrator sets from the State Council's notice, against lunar-go's
-- built-in data. Kept, never deleted: a correction is a new row for the
-- same day, and the row with the highest id wins. Each row is also a
-- change of kind "calendar" in the change history.
CREATE TABLE calendar_overrides (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    day         TEXT NOT NULL,
    work        INTEGER NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    actor       TEXT NOT NULL,
    at          TEXT NOT NULL
);
CREATE INDEX calendar_overrides_day ON calendar_overrides (day, id);
