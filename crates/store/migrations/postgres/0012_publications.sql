-- Published reports (issue 11): a period's report frozen when an admin publishes it, in every
-- format, served to anyone at /reports/{slug}. What is published stays as it was published:
-- a correction after it is published again, under a new slug.
CREATE TABLE publications (
    slug         TEXT PRIMARY KEY,
    period_from  TEXT NOT NULL,    -- ISO dates
    period_to    TEXT NOT NULL,
    title        TEXT NOT NULL,
    published_at TEXT NOT NULL,    -- RFC 3339, UTC
    published_by TEXT NOT NULL
);

-- Its files: report.html, report.json, report.md, report.csv, report.xlsx, report.pdf.
CREATE TABLE publication_files (
    slug    TEXT NOT NULL REFERENCES publications (slug),
    name    TEXT NOT NULL,
    content BYTEA NOT NULL,
    PRIMARY KEY (slug, name)
);
