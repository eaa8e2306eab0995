-- The departments' fixed draw windows (spotcheck.DrawWindow): a bureau's
-- draws take place in the first `days` working days of each quarter.
-- One row per bureau that has one; each change is also a change of kind
-- "draw-window" in the change history, which keeps the earlier values.
CREATE TABLE draw_windows (
    dept        TEXT PRIMARY KEY REFERENCES departments (code),
    days        INTEGER NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    actor       TEXT NOT NULL,
    at          TEXT NOT NULL
);
