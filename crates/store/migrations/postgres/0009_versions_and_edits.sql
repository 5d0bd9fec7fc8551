-- Records edited one at a time (a form, an API call) carry a version, raised by every write
-- that changes them, an import's included: a save names the version it was made from, and one
-- made from an older version is refused rather than silently overwriting the newer one.
ALTER TABLE trainings ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE sessions ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE partners ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE persons ADD COLUMN version BIGINT NOT NULL DEFAULT 1;

-- Every single-record write: when, by whom, what (kind and id), how, and the version it left.
-- Imports are kept in `imports`; the accounts issue makes both tamper-evident.
CREATE TABLE edits (
    id        BIGSERIAL PRIMARY KEY,
    at        TEXT NOT NULL,   -- RFC 3339, UTC
    actor     TEXT NOT NULL,
    kind      TEXT NOT NULL,   -- training, session, partner, participant
    record_id BIGINT NOT NULL,
    action    TEXT NOT NULL CHECK (action IN ('created', 'updated', 'deleted', 'merged')),
    version   BIGINT NOT NULL,
    detail    TEXT NOT NULL DEFAULT ''
);

-- One number raised by every write transaction that changes records: the data version that
-- pages and API responses carry as their ETag, so a repeated request is answered with 304.
CREATE TABLE data_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  BIGINT NOT NULL
);
INSERT INTO data_version (id, n) VALUES (1, 1);
