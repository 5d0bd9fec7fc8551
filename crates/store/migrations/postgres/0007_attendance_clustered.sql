-- Attendance keyed by training, person and session itself (as SQLite's 0007 keys it), instead
-- of by a row id no one referred to plus a unique index on an expression; the table is made
-- again so that its columns read as SQLite's do. A key column cannot be NULL, so the key holds
-- the session as `session_key` (0 for a training held as one event); `session_id` stays, with
-- its reference and cascade, and the check keeps the two in step.
CREATE TABLE attendance_by_key (
    training_id BIGINT NOT NULL REFERENCES trainings (id) ON DELETE CASCADE,
    person_id   BIGINT NOT NULL REFERENCES persons (id),
    session_id  BIGINT REFERENCES sessions (id) ON DELETE CASCADE,
    session_key BIGINT NOT NULL CHECK (session_key = COALESCE(session_id, 0)),
    completed   BIGINT CHECK (completed IN (0, 1)),
    PRIMARY KEY (training_id, person_id, session_key)
);

INSERT INTO attendance_by_key (training_id, person_id, session_id, session_key, completed)
SELECT training_id, person_id, session_id, COALESCE(session_id, 0), completed
FROM attendance;

DROP TABLE attendance;
ALTER TABLE attendance_by_key RENAME TO attendance;
