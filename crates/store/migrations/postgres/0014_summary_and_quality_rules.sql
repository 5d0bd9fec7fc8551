-- Issue 12. The paragraph a report prints about each training, as the agency wrote it.
ALTER TABLE trainings ADD COLUMN summary TEXT;

-- The data-quality rules an admin changed: switched off, or given another severity. A rule
-- not listed is on at its default severity (cadre_core::quality::Rule).
CREATE TABLE quality_rules (
    rule     TEXT PRIMARY KEY,
    enabled  BIGINT NOT NULL CHECK (enabled IN (0, 1)),
    severity TEXT NOT NULL CHECK (severity IN ('error', 'warning', 'note'))
);
