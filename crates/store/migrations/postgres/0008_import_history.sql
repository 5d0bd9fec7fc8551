-- Every import kept as a record: when, by whom, which file (its name and SHA-256), what kind,
-- with which mapping, what it counted, how it ended, and its problems (as the import said
-- them, one a line). Kept whatever the outcome: a refused import is history too.
CREATE TABLE imports (
    id          BIGSERIAL PRIMARY KEY,
    started_at  TEXT NOT NULL,   -- RFC 3339, UTC
    finished_at TEXT NOT NULL,
    actor       TEXT NOT NULL,
    file_name   TEXT NOT NULL,
    digest      TEXT NOT NULL,   -- SHA-256 of the file, hex
    kind        TEXT NOT NULL,
    mapping     TEXT,            -- the mapping file's text, when one was used
    outcome     TEXT NOT NULL CHECK (outcome IN ('committed', 'dry-run', 'refused', 'failed')),
    rows_read   BIGINT NOT NULL DEFAULT 0,
    created     BIGINT NOT NULL DEFAULT 0,
    updated     BIGINT NOT NULL DEFAULT 0,
    unchanged   BIGINT NOT NULL DEFAULT 0,
    removed     BIGINT NOT NULL DEFAULT 0,
    rejected    BIGINT NOT NULL DEFAULT 0,
    problems    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX imports_by_time ON imports (started_at);

-- Mappings remembered by the header signature of the sheets they were made for, so that the
-- next sheet of the same form is read the same way.
CREATE TABLE mappings (
    kind       TEXT NOT NULL,
    signature  TEXT NOT NULL,
    mapping    TEXT NOT NULL,
    saved_at   TEXT NOT NULL,
    PRIMARY KEY (kind, signature)
);
