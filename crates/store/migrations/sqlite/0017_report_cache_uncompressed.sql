-- Issue 10: nothing changes on SQLite, which never compresses; PostgreSQL keeps the report
-- cache's lists and facts uncompressed from this version on.
SELECT 1;
