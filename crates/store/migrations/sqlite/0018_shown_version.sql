-- What pages show besides the records (accounts, tokens, corrections, publications) has a
-- version of its own: raised by each write of it, it makes the answers cached for the old one
-- stale, while the report engines, which follow the records' version alone, are left be.
ALTER TABLE data_version ADD COLUMN shown BIGINT NOT NULL DEFAULT 0;
