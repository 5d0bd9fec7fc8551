-- Issue 13: nothing changes on SQLite, which keeps its declared foreign keys; PostgreSQL
-- checks the references of attendance and persons once per statement from this version on.
SELECT 1;
