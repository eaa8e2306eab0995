-- The explicit link of an account to the person of the 执法检查人员名录库
-- it belongs to (spotcheck.User.StaffID; '' for an account that is not an
-- inspector's). It replaces the provisional convention that an inspector's
-- user name is their staff id in lower case. The store checks, in the
-- transaction that sets it, that the person is an active inspector
-- (spotcheck.CheckStaffLink); the partial index keeps one account per
-- person even under concurrent saves.
ALTER TABLE users ADD COLUMN staff_id TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX users_staff_id ON users (staff_id) WHERE staff_id <> '';
