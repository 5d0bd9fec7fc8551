-- Corrections a partner agency proposes to a training it delivered (issue 11), for a
-- coordinator to accept (the training becomes what was proposed, if it has not changed since)
-- or reject, with a reason. Kept, like the audit trail, once reviewed.
CREATE TABLE corrections (
    id               BIGSERIAL PRIMARY KEY,
    training_id      BIGINT NOT NULL REFERENCES trainings (id) ON DELETE CASCADE,
    training_version BIGINT NOT NULL,    -- the version it was proposed from
    proposed_by      TEXT NOT NULL,
    proposed_at      TEXT NOT NULL,      -- RFC 3339, UTC
    fields           TEXT NOT NULL,      -- the training as proposed: its fields as JSON
    note             TEXT NOT NULL DEFAULT '',
    status           TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'rejected')),
    reviewed_by      TEXT,
    reviewed_at      TEXT,
    reason           TEXT NOT NULL DEFAULT ''
);
CREATE INDEX corrections_training ON corrections (training_id);
