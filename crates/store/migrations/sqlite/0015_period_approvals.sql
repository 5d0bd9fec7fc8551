-- Issue 12: a period's figures submitted by a coordinator and approved by an admin. While
-- approved, the trainings starting in the period are locked; an admin reopens it with a
-- reason. What was approved is kept: the report as it stood (cadre.report.v1 JSON) and its
-- headline figures, to show what changed since.
CREATE TABLE period_approvals (
    id               INTEGER PRIMARY KEY,
    period_from      TEXT NOT NULL,     -- YYYY-MM-DD
    period_to        TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('submitted', 'approved', 'reopened')),
    submitted_by     TEXT NOT NULL,
    submitted_at     TEXT NOT NULL,     -- RFC 3339, UTC
    approved_by      TEXT,
    approved_at      TEXT,
    reopened_by      TEXT,
    reopened_at      TEXT,
    reason           TEXT NOT NULL DEFAULT '',
    approved_figures TEXT NOT NULL DEFAULT '',    -- trainings=14;participants=1612;...
    approved_report  TEXT NOT NULL DEFAULT '',
    UNIQUE (period_from, period_to)
);
