-- A password set by anyone but the account's owner (an administrator
-- creating the account or resetting its password, the command line) is
-- an initial password: the owner must replace it at the next sign-in
-- before doing anything else (spotcheck.InitialPassword). Accounts that
-- exist already keep the passwords they have.
ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
