-- Issue 10: the report cache uncompressed. PostgreSQL compresses large values by default
-- (pglz), and a year's report reads megabytes of persons' facts: decompressing them took
-- several times as long as reading them. The lists of attendees barely compress (their ids
-- are already packed), so compressing them on every write was work for nothing.
ALTER TABLE report_person_facts ALTER COLUMN facts SET STORAGE EXTERNAL;
ALTER TABLE report_training_persons ALTER COLUMN persons SET STORAGE EXTERNAL;
-- Values already written stay as they were until rewritten; rewrite them now (`|| ''` makes
-- a new value, which is stored the new way).
UPDATE report_person_facts SET facts = facts || ''::bytea;
UPDATE report_training_persons SET persons = persons || ''::bytea;
