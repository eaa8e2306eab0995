-- The 检查通知书 of an inspection (spotcheck.Notice): its random token,
-- the key of the enterprise's public page, made when a user who may see
-- the inspection first asks for the notice; its delivery (送达), recorded
-- by a team member; and the first public reading. '' until they happen.
CREATE TABLE notices (
    inspection_id   BIGINT PRIMARY KEY REFERENCES inspections (id),
    token           TEXT NOT NULL UNIQUE,
    created_by      TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    delivered_by    TEXT NOT NULL DEFAULT '',
    delivered_at    TEXT NOT NULL DEFAULT '',
    first_read_at   TEXT NOT NULL DEFAULT ''
);
