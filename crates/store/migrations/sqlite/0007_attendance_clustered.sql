-- Attendance as one B-tree ordered by its key (training, person, session) instead of a table
-- of rows plus a unique index over them: each record is stored once instead of twice, so an
-- import of millions of records writes about half the pages, and reading a training's
-- attendance reads its records in place. A key column cannot be NULL, so the key holds the
-- session as `session_key` (0 for a training held as one event); `session_id` stays, with its
-- reference and cascade, and the check keeps the two in step. Nothing referred to the old row
-- id.
CREATE TABLE attendance_by_key (
    training_id INTEGER NOT NULL REFERENCES trainings (id) ON DELETE CASCADE,
    person_id   INTEGER NOT NULL REFERENCES persons (id),
    session_id  INTEGER REFERENCES sessions (id) ON DELETE CASCADE,
    session_key INTEGER NOT NULL CHECK (session_key = COALESCE(session_id, 0)),
    completed   INTEGER CHECK (completed IN (0, 1)),
    PRIMARY KEY (training_id, person_id, session_key)
) WITHOUT ROWID;

INSERT INTO attendance_by_key (training_id, person_id, session_id, session_key, completed)
SELECT training_id, person_id, session_id, COALESCE(session_id, 0), completed
FROM attendance;

DROP TABLE attendance;
ALTER TABLE attendance_by_key RENAME TO attendance;
